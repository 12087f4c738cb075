/* The outbox: every message the gateway sends is a row first. */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include <gmime/gmime.h>
#include "gateway/base/config.h"
#include "gateway/base/context.h"
#include "gateway/mail/compose.h"

typedef enum { OUTBOX_QUEUED, OUTBOX_SENT, OUTBOX_DEFERRED, OUTBOX_FAILED } OutboxState;

typedef enum {
  OUTBOX_ERROR_RECIPIENT,  /* the recipient is no plain addr-spec (or has CR/LF): permanent */
  OUTBOX_ERROR_MESSAGE,    /* the message has no Message-ID: a programming error */
  OUTBOX_ERROR_NOT_FOUND,  /* outbox_retry: no such row */
  OUTBOX_ERROR_STATE,      /* outbox_retry: the row is neither failed nor deferred */
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
 * when msg comes from compose_message_new(); else msg's first From address. */
gint64 outbox_queue (sqlite3 *db, GMimeMessage *msg, const char *recipient,
                     gint64 submission_id, const char *kind, GError **error);

/* outbox_queue for one of a mailing to many (a circular, invitations, visit
 * mail, the directory): a recipient the outbox refuses is logged under
 * module, with what the mailing is ("circular=CTC-CIR-…"), and skipped.
 * FALSE with error only for another failure; *row gets the row id, 0 for
 * a recipient skipped. */
gboolean outbox_queue_or_skip (sqlite3 *db, GMimeMessage *msg, const char *recipient,
                               const char *kind, const char *module, const char *what,
                               gint64 *row, GError **error);

/* Delivers every queued or due deferred row (at most what [smtp] rate
 * leaves of the last hour) to the configured sink.  maildir: writes each
 * message as a file in PATH/new, through PATH/tmp, in batches made durable
 * together (maildir_batch_*) before their rows are marked sent.
 * smtp:// and smtps:// send each row over SMTP (smtp.c) with the envelope
 * sender smtp_verp_address (bounce_address or the gateway address, row
 * id); a row is marked sent only once the server has accepted it, so a
 * crash in between may send it twice, never lose it.  *sent counts the
 * rows delivered.  A row that cannot be written, a 4xx or a connection
 * failure defers the row (retried after outbox_retry_delay(tries)) and
 * fails it after OUTBOX_TRIES_MAX tries; a 5xx fails it at once.  An SMTP
 * sink that cannot be used (password file) leaves the rows as they are,
 * with a warning.  Once ctx->cancel is cancelled no more rows are handed
 * to the SMTP sessions.  FALSE only when the database fails. */
gboolean outbox_deliver (const Context *ctx, guint *sent, GError **error);

/* Seconds a row waits after its try number tries (0 the first): 60 s *
 * 2^tries, at most OUTBOX_RETRY_MAX_SECONDS. */
gint64 outbox_retry_delay (gint64 tries);

/* Seconds until the first deferred row is due again (at least 1), or
 * G_MAXUINT when none waits (or the database cannot say): when the daemon
 * wakes up for the outbox. */
guint outbox_seconds_until_due (sqlite3 *db);

/* Queues a failed or deferred row again: no tries, due now.  FALSE with
 * OUTBOX_ERROR_NOT_FOUND, OUTBOX_ERROR_STATE or DB_ERROR. */
gboolean outbox_retry (sqlite3 *db, gint64 id, GError **error);
