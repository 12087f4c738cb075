/* The outbox: every message the gateway sends is a row first. */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include <gmime/gmime.h>
#include "config.h"

typedef enum { OUTBOX_QUEUED, OUTBOX_SENT, OUTBOX_DEFERRED, OUTBOX_FAILED } OutboxState;

const char *outbox_state_name (OutboxState state);

/* Queues msg (complete, with From, To, Message-ID, Date) for recipient, in
 * the caller's transaction.  submission_id may be 0.  Returns the row id, or
 * 0 with error set. */
gint64 outbox_queue (sqlite3 *db, GMimeMessage *msg, const char *recipient,
                     gint64 submission_id, const char *kind, GError **error);

/* Delivers every queued or due deferred row to the configured sink
 * ([smtp] url; maildir: writes each message as a file in PATH/new, through
 * PATH/tmp, fsync and rename).  *sent counts the rows delivered. */
gboolean outbox_deliver (sqlite3 *db, const Config *config, guint *sent,
                         GError **error);

/* A new message From the gateway with Date, Message-ID and
 * Auto-Submitted set; the caller adds To, Subject and the body. */
GMimeMessage *outbox_message_new (const Config *config, const char *auto_submitted);
