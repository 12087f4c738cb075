/* The outbox: every message the gateway sends is a row first (queued), then
 * goes to the sink, then is marked sent; failures are deferred with
 * exponential back-off and failed after OUTBOX_TRIES_MAX tries. */

#include <string.h>

#include "gateway/db.h"
#include "gateway/log.h"
#include "gateway/maildir.h"
#include "gateway/outbox.h"

G_DEFINE_QUARK (ctcgw-outbox-error-quark, outbox_error)

/* Where outbox_message_new() leaves the envelope sender for outbox_queue(). */
#define MAIL_FROM_KEY "ctcgw-mail-from"
#define RETRY_BASE_SECONDS 60

static const char *const state_names[] = {
  [OUTBOX_QUEUED] = "queued", [OUTBOX_SENT] = "sent",
  [OUTBOX_DEFERRED] = "deferred", [OUTBOX_FAILED] = "failed",
};

/* The state as the database writes it. */
const char *
outbox_state_name (OutboxState state)
{
  return (guint) state < G_N_ELEMENTS (state_names) ? state_names[state] : "unknown";
}

/* Now plus seconds, as the database writes times: 2026-01-31T12:00:00Z. */
static char *
utc_time (gint64 seconds)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) then = g_date_time_add_seconds (now, (gdouble) seconds);
  return g_date_time_format (then, "%Y-%m-%dT%H:%M:%SZ");
}

/* Now in the configured time zone (UTC when unknown), for Date. */
static GDateTime *
now_in_zone (const char *identifier)
{
  GTimeZone *tz = identifier != NULL ? g_time_zone_new_identifier (identifier) : NULL;
  if (tz == NULL)
    tz = g_time_zone_new_utc ();
  GDateTime *now = g_date_time_new_now (tz);
  g_time_zone_unref (tz);
  return now;
}

/* See outbox.h. */
GMimeMessage *
outbox_message_new (const Config *config, const char *auto_submitted)
{
  GMimeMessage *msg = g_mime_message_new (TRUE);
  g_mime_message_add_mailbox (msg, GMIME_ADDRESS_TYPE_FROM, config->name, config->address);
  g_autoptr (GDateTime) now = now_in_zone (config->timezone);
  g_mime_message_set_date (msg, now);
  const char *at = config->address != NULL ? strrchr (config->address, '@') : NULL;
  g_autofree char *id = g_mime_utils_generate_message_id (at != NULL ? at + 1 : "localhost");
  g_mime_message_set_message_id (msg, id);
  if (auto_submitted != NULL)
    g_mime_object_set_header (GMIME_OBJECT (msg), "Auto-Submitted", auto_submitted, NULL);
  const char *mail_from = config->bounce_address != NULL ? config->bounce_address
                                                         : config->address;
  g_object_set_data_full (G_OBJECT (msg), MAIL_FROM_KEY, g_strdup (mail_from), g_free);
  return msg;
}

/* The envelope sender of msg (see outbox_queue in the header), or NULL. */
static const char *
envelope_sender (GMimeMessage *msg)
{
  const char *mail_from = g_object_get_data (G_OBJECT (msg), MAIL_FROM_KEY);
  if (mail_from != NULL)
    return mail_from;
  InternetAddressList *from = g_mime_message_get_from (msg);
  if (from == NULL || internet_address_list_length (from) == 0)
    return NULL;
  InternetAddress *first = internet_address_list_get_address (from, 0);
  return INTERNET_ADDRESS_IS_MAILBOX (first)
      ? internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (first)) : NULL;
}

/* The recipient goes into an SMTP command line: a plain address only. */
static gboolean
recipient_valid (const char *recipient, GError **error)
{
  if (recipient != NULL && strpbrk (recipient, "\r\n") == NULL
      && config_address_valid (recipient))
    return TRUE;
  g_autofree char *shown = log_escape (recipient);
  g_set_error (error, OUTBOX_ERROR, OUTBOX_ERROR_RECIPIENT,
               "cannot send to %s: not an email address", shown);
  return FALSE;
}

/* See outbox.h: the message becomes a queued row. */
gint64
outbox_queue (sqlite3 *db, GMimeMessage *msg, const char *recipient,
              gint64 submission_id, const char *kind, GError **error)
{
  const char *message_id = g_mime_message_get_message_id (msg);
  if (!recipient_valid (recipient, error))
    return 0;
  if (message_id == NULL)
    {
      g_set_error (error, OUTBOX_ERROR, OUTBOX_ERROR_MESSAGE, "a message to queue has no Message-ID");
      return 0;
    }
  g_autofree char *raw = g_mime_object_to_string (GMIME_OBJECT (msg), NULL);
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "INSERT INTO outbox (state, kind, recipient, mail_from, message_id, raw,"
      " submission_id, tries, created)"
      " VALUES ('queued', ?1, ?2, ?3, ?4, ?5, ?6, 0, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
      error);
  if (st == NULL)
    return 0;
  sqlite3_bind_text (st, 1, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, recipient, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, envelope_sender (msg), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 4, message_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob64 (st, 5, raw, strlen (raw), SQLITE_TRANSIENT);
  if (submission_id > 0)
    sqlite3_bind_int64 (st, 6, submission_id);
  if (sqlite3_step (st) != SQLITE_DONE)
    {
      db_set_error (db, error, "queueing a message");
      return 0;
    }
  return sqlite3_last_insert_rowid (db);
}

/* The ids of the rows to send now: queued, or deferred and due. */
static GArray *
due_rows (sqlite3 *db, GError **error)
{
  g_autofree char *now = utc_time (0);
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT id FROM outbox WHERE state = 'queued' OR (state = 'deferred'"
      " AND (next_attempt IS NULL OR next_attempt <= ?1)) ORDER BY id", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_text (st, 1, now, -1, SQLITE_TRANSIENT);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (st, 0);
      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    {
      db_set_error (db, error, "reading the outbox");
      return NULL;
    }
  return g_steal_pointer (&ids);
}

/* One row to deliver, copied out of the database. */
typedef struct {
  gint64 id;
  GBytes *raw;        /* NULL when the row holds no message */
  char *message_id;
  char *recipient;
  gint64 tries;
} OutboxRow;

/* Frees what a row holds. */
static void
outbox_row_clear (OutboxRow *row)
{
  g_clear_pointer (&row->raw, g_bytes_unref);
  g_clear_pointer (&row->message_id, g_free);
  g_clear_pointer (&row->recipient, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OutboxRow, outbox_row_clear)

/* Copies row id out of the database. */
static gboolean
read_row (sqlite3 *db, gint64 id, OutboxRow *row, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT raw, message_id, recipient, tries FROM outbox WHERE id = ?1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, id);
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      db_set_error (db, error, "reading an outbox row");
      return FALSE;
    }
  row->id = id;
  if (sqlite3_column_type (st, 0) != SQLITE_NULL)
    row->raw = g_bytes_new (sqlite3_column_blob (st, 0), (gsize) sqlite3_column_bytes (st, 0));
  row->message_id = g_strdup ((const char *) sqlite3_column_text (st, 1));
  row->recipient = g_strdup ((const char *) sqlite3_column_text (st, 2));
  row->tries = sqlite3_column_int64 (st, 3);
  return TRUE;
}

/* The row was delivered. */
static gboolean
mark_sent (sqlite3 *db, gint64 id, GError **error)
{
  g_autofree char *now = utc_time (0);
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "UPDATE outbox SET state = 'sent', sent = ?2, next_attempt = NULL,"
      " last_error = NULL WHERE id = ?1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, id);
  sqlite3_bind_text (st, 2, now, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st) == SQLITE_DONE)
    return TRUE;
  db_set_error (db, error, "marking a message sent");
  return FALSE;
}

/* Seconds to wait after try number tries (0 first): 60 s * 2^tries, at most
 * a day. */
static gint64
retry_delay (gint64 tries)
{
  if (tries < 0)
    tries = 0;
  if (tries >= 20)
    return OUTBOX_RETRY_MAX_SECONDS;
  return MIN ((gint64) RETRY_BASE_SECONDS << tries, (gint64) OUTBOX_RETRY_MAX_SECONDS);
}

/* A failed try: deferred until the back-off has passed, or failed for good
 * after OUTBOX_TRIES_MAX tries. */
static gboolean
defer_row (sqlite3 *db, const OutboxRow *row, const char *why, GError **error)
{
  gint64 tries = row->tries + 1;
  gboolean failed = tries >= OUTBOX_TRIES_MAX;
  g_autofree char *next = failed ? NULL : utc_time (retry_delay (row->tries));
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "UPDATE outbox SET state = ?2, tries = ?3, next_attempt = ?4, last_error = ?5"
      " WHERE id = ?1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, row->id);
  sqlite3_bind_text (st, 2, outbox_state_name (failed ? OUTBOX_FAILED : OUTBOX_DEFERRED),
                     -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 3, tries);
  sqlite3_bind_text (st, 4, next, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 5, why, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st) != SQLITE_DONE)
    {
      db_set_error (db, error, "deferring a message");
      return FALSE;
    }
  g_autofree char *shown = log_escape (why);
  log_warn ("outbox", "id=%" G_GINT64_FORMAT " state=%s tries=%" G_GINT64_FORMAT
            " error=%s", row->id, failed ? "failed" : "deferred", tries, shown);
  return TRUE;
}

/* The file of a row in the maildir sink.  It derives from the row (id and
 * Message-ID) so that delivering a row again, after a crash between writing
 * the file and marking the row sent, replaces the file instead of adding a
 * second one; the Message-ID part keeps rows of a recreated database from
 * replacing older files. */
static char *
sink_file_name (const OutboxRow *row)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
      row->message_id != NULL ? row->message_id : "", -1);
  return g_strdup_printf ("outbox-%010" G_GINT64_FORMAT "-%.12s.eml", row->id, hash);
}

/* Writes one row into the maildir sink and records what happened. */
static gboolean
deliver_row (sqlite3 *db, const char *dir, gint64 id, guint *sent, GError **error)
{
  g_auto (OutboxRow) row = { 0 };
  g_autoptr (GError) local = NULL;
  if (!read_row (db, id, &row, error))
    return FALSE;
  g_autofree char *name = sink_file_name (&row);
  g_autofree char *path = NULL;
  if (row.raw == NULL)
    g_set_error (&local, OUTBOX_ERROR, OUTBOX_ERROR_MESSAGE, "the row holds no message");
  else
    path = maildir_store_named (dir, name, g_bytes_get_data (row.raw, NULL),
                                g_bytes_get_size (row.raw), &local);
  if (path == NULL)
    return defer_row (db, &row, local->message, error);
  if (!mark_sent (db, id, error))
    return FALSE;
  (*sent)++;
  g_autofree char *to = log_escape (row.recipient);
  log_info ("outbox", "id=%" G_GINT64_FORMAT " to=%s sink=maildir file=%s state=sent",
            id, to, name);
  return TRUE;
}

/* An SMTP sink: the rows wait for the SMTP sender, which sends them. */
static gboolean
leave_for_smtp (sqlite3 *db, GError **error)
{
  g_autoptr (GArray) ids = due_rows (db, error);
  if (ids == NULL)
    return FALSE;
  if (ids->len > 0)
    log_info ("outbox", "sink=smtp due=%u: left queued for the SMTP sender", ids->len);
  return TRUE;
}

/* See outbox.h: one pass over the due rows. */
gboolean
outbox_deliver (sqlite3 *db, const Config *config, guint *sent, GError **error)
{
  const char *dir = config_maildir_path (config->smtp_url);
  *sent = 0;
  if (dir == NULL)
    return leave_for_smtp (db, error);
  g_autoptr (GArray) ids = due_rows (db, error);
  if (ids == NULL)
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    if (!deliver_row (db, dir, g_array_index (ids, gint64, i), sent, error))
      return FALSE;
  return TRUE;
}
