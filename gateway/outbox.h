/* The outbox: every message the gateway sends is a row first. */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include <gmime/gmime.h>
#include "config.h"

/* GMime 3.2 defines no g_autoptr cleanups; the gateway's code uses this one. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)

typedef enum { OUTBOX_QUEUED, OUTBOX_SENT, OUTBOX_DEFERRED, OUTBOX_FAILED } OutboxState;

typedef enum {
  OUTBOX_ERROR_RECIPIENT,  /* the recipient is no plain addr-spec (or has CR/LF): permanent */
  OUTBOX_ERROR_MESSAGE,    /* the message has no Message-ID: a programming error */
} OutboxError;
#define OUTBOX_ERROR outbox_error_quark ()
GQuark outbox_error_quark (void);

/* Tries before a deferred row is failed, and the longest wait between two. */
#define OUTBOX_TRIES_MAX 10
#define OUTBOX_RETRY_MAX_SECONDS (24 * 60 * 60)

const char *outbox_state_name (OutboxState state);

/* Queues msg (complete, with From, To, Message-ID, Date) for recipient, in
 * the caller's transaction.  submission_id may be 0.  Returns the row id, or
 * 0 with error set (OUTBOX_ERROR_RECIPIENT for a recipient that is no
 * config_address_valid() address, DB_ERROR for the database).  The envelope
 * sender (mail_from) is the [smtp] bounce_address, else the gateway address,
 * when msg comes from outbox_message_new(); else msg's first From address. */
gint64 outbox_queue (sqlite3 *db, GMimeMessage *msg, const char *recipient,
                     gint64 submission_id, const char *kind, GError **error);

/* Delivers every queued or due deferred row to the configured sink
 * ([smtp] url; maildir: writes each message as a file in PATH/new, through
 * PATH/tmp, fsync and rename).  *sent counts the rows delivered.  A row that
 * cannot be written is deferred (retried after 60 s * 2^tries, at most
 * OUTBOX_RETRY_MAX_SECONDS) and failed after OUTBOX_TRIES_MAX tries.  With
 * an smtp:// or smtps:// sink the rows stay queued for the SMTP sender and
 * *sent is 0.  FALSE only when the database fails. */
gboolean outbox_deliver (sqlite3 *db, const Config *config, guint *sent,
                         GError **error);

/* A new message From the gateway ("name <address>") with Date (in the
 * configured time zone), Message-ID (@ the domain of the address) and
 * Auto-Submitted set (none when auto_submitted is NULL); the caller adds To,
 * Subject and the body.  Owned by the caller (g_object_unref). */
GMimeMessage *outbox_message_new (const Config *config, const char *auto_submitted);
