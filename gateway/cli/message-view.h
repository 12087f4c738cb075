/* A received message as staff read it (ctcgw(8), show and quarantine
 * show): its headers, its texts with the line numbers that answers cite,
 * its attachments.  Everything printed is made safe for a terminal. */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include "gateway/base/config.h"

/* What message_view_print_stored prints besides the headers and texts. */
typedef enum {
  MESSAGE_VIEW_TEXTS,              /* the caller lists the attachments */
  MESSAGE_VIEW_WITH_ATTACHMENTS,   /* the attachments as the message has them */
} MessageViewParts;

/* Prints text's lines numbered from 1, a line ending at CR, LF or CRLF as
 * the record syntax counts them (docs/submissions.md section 2). */
void message_view_print_lines (const char *text);

/* Prints "\nmessage:" and the stored message of the submission whose row
 * id is submission_id, read as the gateway read it; a message that does
 * not parse is printed as it was received, with why.  FALSE on a failure
 * of the database. */
gboolean message_view_print_stored (sqlite3 *db, const Config *config, gint64 submission_id,
                                    MessageViewParts parts, GError **error);
