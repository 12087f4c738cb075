/* The attachments of submissions, kept in the database by their SHA-256
 * (schema/016-attachments.sql; docs/DESIGN.md, Attachments), and the
 * documents of visits linked to them.
 *
 * Ownership: attachments_get() fills a StoredAttachment that the caller
 * clears (stored_attachment_clear / g_auto). */
#pragma once

#include <glib.h>
#include <sqlite3.h>

typedef struct {
  char *name;          /* made safe when it was received */
  char *content_type;
  gsize size;
  GBytes *data;        /* NULL: over a limit, its bytes were not kept */
} StoredAttachment;

void stored_attachment_clear (StoredAttachment *a);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StoredAttachment, stored_attachment_clear)

/* Keeps attachment number (from 1) of submission submission_id: lists it,
 * and writes a->data unless the same bytes are kept already (a->data NULL:
 * listed only).  Inside the caller's transaction. */
gboolean attachments_keep (sqlite3 *db, gint64 submission_id, guint number,
                           const StoredAttachment *a, GError **error);

/* Reads attachment number of the submission with reference into out;
 * *found is FALSE when it has no such attachment. */
gboolean attachments_get (sqlite3 *db, const char *reference, guint number,
                          StoredAttachment *out, gboolean *found, GError **error);

/* Links every kept attachment of submission_id to each visit information
 * it filed, once (ctcgw(8), show: a visit's documents). */
gboolean attachments_link_visits (sqlite3 *db, gint64 submission_id, GError **error);
