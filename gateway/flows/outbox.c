/* The outbox: every message the gateway sends is a row first (queued), then
 * goes to the sink, then is marked sent; failures are deferred with
 * exponential back-off and failed after OUTBOX_TRIES_MAX tries. */

#include <string.h>

#include "gateway/store/db.h"
#include "gateway/base/log.h"
#include "gateway/mail/maildir.h"
#include "gateway/flows/outbox.h"
#include "gateway/mail/smtp.h"

G_DEFINE_QUARK (ctcgw-outbox-error-quark, outbox_error)

#define RETRY_BASE_SECONDS 60
/* SMTP results are written in transactions of this many rows at most, and
 * at most this long after the first of them came. */
#define RESULTS_PER_COMMIT 32
/* Messages written into the maildir sink and made durable together. */
#define OUTBOX_SINK_BATCH 256
#define RESULTS_WAIT_US (200 * G_TIME_SPAN_MILLISECOND)

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

/* The envelope sender of msg (see outbox_queue in the header), or NULL. */
static const char *
envelope_sender (GMimeMessage *msg)
{
  const char *mail_from = compose_envelope_sender (msg);
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

/* See outbox.h. */
gboolean
outbox_queue_or_skip (sqlite3 *db, GMimeMessage *msg, const char *recipient, const char *kind,
                      const char *module, const char *what, gint64 *row, GError **error)
{
  GError *local = NULL;
  *row = outbox_queue (db, msg, recipient, 0, kind, &local);
  if (*row > 0)
    return TRUE;
  if (!g_error_matches (local, OUTBOX_ERROR, OUTBOX_ERROR_RECIPIENT))
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  g_autofree char *who = log_escape (recipient);
  log_warn (module, "%s skipped=%s: %s", what, who, local->message);
  g_error_free (local);
  return TRUE;
}

/* How many more messages [smtp] rate allows now: the rate less what was
 * sent in the last hour (G_MAXINT without a rate). */
static gboolean
rate_budget (sqlite3 *db, guint rate, gint64 *budget, GError **error)
{
  *budget = G_MAXINT;
  if (rate == 0)
    return TRUE;
  g_autofree char *hour_ago = utc_time (-3600);
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT count(*) FROM outbox WHERE state = 'sent' AND sent >= ?1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, hour_ago, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      db_set_error (db, error, "counting the messages sent");
      return FALSE;
    }
  *budget = MAX ((gint64) rate - sqlite3_column_int64 (st, 0), 0);
  return TRUE;
}

/* The ids of the rows to send now, at most limit: queued, or deferred and
 * due. */
static GArray *
due_rows (sqlite3 *db, gint64 limit, GError **error)
{
  g_autofree char *now = utc_time (0);
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT id FROM outbox WHERE state = 'queued' OR (state = 'deferred'"
      " AND (next_attempt IS NULL OR next_attempt <= ?1)) ORDER BY id LIMIT ?2", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_text (st, 1, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 2, limit);
  return db_step_ids (db, st, "reading the outbox", error);
}

/* One row to deliver, copied out of the database. */
typedef struct {
  gint64 id;
  GBytes *raw;        /* NULL when the row holds no message */
  char *message_id;
  char *recipient;
  char *mail_from;    /* the envelope sender of this try (SMTP) */
  gint64 tries;
} OutboxRow;

/* Frees what a row holds. */
static void
outbox_row_clear (OutboxRow *row)
{
  g_clear_pointer (&row->raw, g_bytes_unref);
  g_clear_pointer (&row->message_id, g_free);
  g_clear_pointer (&row->recipient, g_free);
  g_clear_pointer (&row->mail_from, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OutboxRow, outbox_row_clear)

/* Frees a row taken from the heap. */
static void
outbox_row_free (OutboxRow *row)
{
  outbox_row_clear (row);
  g_free (row);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OutboxRow, outbox_row_free)

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
  return db_step_done (db, st, "marking a message sent", error);
}

/* See outbox.h: 60 s * 2^tries, at most a day. */
gint64
outbox_retry_delay (gint64 tries)
{
  if (tries < 0)
    tries = 0;
  if (tries >= 20)
    return OUTBOX_RETRY_MAX_SECONDS;
  return MIN ((gint64) RETRY_BASE_SECONDS << tries, (gint64) OUTBOX_RETRY_MAX_SECONDS);
}

/* A failed try: deferred until the back-off has passed, or failed for good
 * after OUTBOX_TRIES_MAX tries; logged unless quiet. */
static gboolean
defer_row (sqlite3 *db, const OutboxRow *row, const char *why, gboolean quiet,
           GError **error)
{
  gint64 tries = row->tries + 1;
  gboolean failed = tries >= OUTBOX_TRIES_MAX;
  g_autofree char *next = failed ? NULL : utc_time (outbox_retry_delay (row->tries));
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
  if (!db_step_done (db, st, "deferring a message", error))
    return FALSE;
  if (quiet)
    return TRUE;
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

/* Writes row id into the sink's batch; a row that cannot be written is
 * deferred.  *written: it is in the batch (then *row holds it). */
static gboolean
write_row (sqlite3 *db, MaildirBatch *batch, gint64 id, OutboxRow *row, gboolean *written,
           GError **error)
{
  g_autoptr (GError) local = NULL;
  *written = FALSE;
  if (!read_row (db, id, row, error))
    return FALSE;
  g_autofree char *name = sink_file_name (row);
  if (row->raw == NULL)
    g_set_error (&local, OUTBOX_ERROR, OUTBOX_ERROR_MESSAGE, "the row holds no message");
  else
    *written = maildir_batch_write (batch, name, g_bytes_get_data (row->raw, NULL),
                                    g_bytes_get_size (row->raw), &local);
  return *written || defer_row (db, row, local->message, FALSE, error);
}

/* Marks the rows of a committed batch sent, in one transaction. */
static gboolean
mark_batch_sent (sqlite3 *db, GPtrArray *rows, guint *sent, GError **error)
{
  if (rows->len == 0)
    return TRUE;
  if (!db_begin (db, error))
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    if (!mark_sent (db, ((OutboxRow *) rows->pdata[i])->id, error))
      {
        db_rollback (db);
        return FALSE;
      }
  if (!db_commit (db, error))
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      const OutboxRow *row = rows->pdata[i];
      g_autofree char *name = sink_file_name (row);
      g_autofree char *to = log_escape (row->recipient);
      log_info ("outbox", "id=%" G_GINT64_FORMAT " to=%s sink=maildir file=%s state=sent",
                row->id, to, name);
    }
  *sent += rows->len;
  return TRUE;
}

/* The rows of a batch the sink could not take wait, in one transaction
 * (one log line for them all). */
static gboolean
defer_rows (sqlite3 *db, GPtrArray *rows, const char *why, GError **error)
{
  if (rows->len == 0)
    return TRUE;
  if (!db_begin (db, error))
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    if (!defer_row (db, rows->pdata[i], why, i > 0, error))
      {
        db_rollback (db);
        return FALSE;
      }
  return db_commit (db, error);
}

/* The sink's folder cannot be made: ids[0..n) wait. */
static gboolean
defer_unwritten (sqlite3 *db, const gint64 *ids, guint n, const char *why, GError **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) outbox_row_free);
  for (guint i = 0; i < n; i++)
    {
      OutboxRow *row = g_new0 (OutboxRow, 1);
      g_ptr_array_add (rows, row);
      if (!read_row (db, ids[i], row, error))
        return FALSE;
    }
  return defer_rows (db, rows, why, error);
}

/* Delivers ids[from..from+n) into the maildir sink as one batch made durable
 * once; a row is marked sent only after its file is durable in new/ (a
 * crash in between writes the same file again). */
static gboolean
deliver_maildir_batch (sqlite3 *db, const char *dir, const gint64 *ids, guint n,
                       guint *sent, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (MaildirBatch) batch = maildir_batch_new (dir, &local);
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) outbox_row_free);
  for (guint i = 0; i < n && batch != NULL; i++)
    {
      g_autoptr (OutboxRow) row = g_new0 (OutboxRow, 1);
      gboolean written;
      if (!write_row (db, batch, ids[i], row, &written, error))
        return FALSE;
      if (written)
        g_ptr_array_add (rows, g_steal_pointer (&row));
    }
  if (batch == NULL)
    return defer_unwritten (db, ids, n, local->message, error);
  if (maildir_batch_commit (batch, &local))
    return mark_batch_sent (db, rows, sent, error);
  return defer_rows (db, rows, local->message, error);
}

/* A permanent failure (5xx): the row is failed at once. */
static gboolean
fail_row (sqlite3 *db, const OutboxRow *row, const char *why, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "UPDATE outbox SET state = 'failed', tries = tries + 1, next_attempt = NULL,"
      " last_error = ?2 WHERE id = ?1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, row->id);
  sqlite3_bind_text (st, 2, why, -1, SQLITE_TRANSIENT);
  if (!db_step_done (db, st, "failing a message", error))
    return FALSE;
  g_autofree char *to = log_escape (row->recipient);
  g_autofree char *shown = log_escape (why);
  log_warn ("outbox", "id=%" G_GINT64_FORMAT " to=%s state=failed error=%s", row->id, to, shown);
  return TRUE;
}

/* One SMTP result waiting to be written. */
typedef struct {
  OutboxRow *row;
  SmtpOutcome outcome;
  char *detail;
  gboolean quiet;     /* not logged: a row that was not tried */
} SmtpResult;

/* One pass of the SMTP sink: rows are read as the sender asks for them,
 * results are written in small transactions. */
typedef struct {
  sqlite3 *db;
  GCancellable *cancel;   /* cancelled: no more rows are handed out */
  const char *bounce;     /* the envelope sender, made VERP per row */
  GArray *ids;            /* the due rows */
  guint taken;            /* ids handed to the sender */
  GHashTable *in_flight;  /* OutboxRow* by id, owned */
  GArray *results;        /* SmtpResult, waiting to be written */
  gint64 first_result;    /* monotonic time of results[0] */
  guint untried;          /* rows taken that no session could send */
  guint *sent;
} SmtpPass;

/* Frees what a result holds. */
static void
smtp_result_clear (SmtpResult *r)
{
  g_clear_pointer (&r->row, outbox_row_free);
  g_clear_pointer (&r->detail, g_free);
}

/* Writes one result into its row. */
static gboolean
record_result (SmtpPass *p, const SmtpResult *r, GError **error)
{
  if (r->outcome == SMTP_DEFERRED)
    return defer_row (p->db, r->row, r->detail, r->quiet, error);
  if (r->outcome == SMTP_FAILED)
    return fail_row (p->db, r->row, r->detail, error);
  if (!mark_sent (p->db, r->row->id, error))
    return FALSE;
  (*p->sent)++;
  g_autofree char *to = log_escape (r->row->recipient);
  g_autofree char *reply = log_escape (r->detail);
  log_info ("outbox", "id=%" G_GINT64_FORMAT " to=%s sink=smtp state=sent reply=%s",
            r->row->id, to, reply);
  return TRUE;
}

/* Writes the waiting results in one transaction, made durable. */
static gboolean
flush_results (SmtpPass *p, GError **error)
{
  gboolean ok = p->results->len == 0 || db_begin (p->db, error);
  for (guint i = 0; ok && i < p->results->len; i++)
    ok = record_result (p, &g_array_index (p->results, SmtpResult, i), error);
  if (p->results->len > 0 && ok)
    ok = db_commit (p->db, error) && db_sync (p->db, error);
  else if (p->results->len > 0)
    db_rollback (p->db);
  g_array_set_size (p->results, 0);
  return ok;
}

/* The sender's SmtpNextFunc: the next due row that holds a message (one
 * that holds none is deferred as the maildir sink does); none once the
 * daemon is asked to stop. */
static gboolean
smtp_next (gpointer data, SmtpMessage *msg, GError **error)
{
  SmtpPass *p = data;
  while (p->taken < p->ids->len && !g_cancellable_is_cancelled (p->cancel))
    {
      g_autoptr (OutboxRow) row = g_new0 (OutboxRow, 1);
      if (!read_row (p->db, g_array_index (p->ids, gint64, p->taken++), row, error))
        return FALSE;
      if (row->raw == NULL)
        {
          SmtpResult r = { g_steal_pointer (&row), SMTP_DEFERRED,
                           g_strdup ("the row holds no message"), FALSE };
          g_array_append_val (p->results, r);
          continue;
        }
      row->mail_from = smtp_verp_address (p->bounce, row->id);
      if (row->mail_from == NULL)
        row->mail_from = g_strdup (p->bounce);
      *msg = (SmtpMessage) { row->id, row->mail_from, row->recipient, row->raw };
      g_hash_table_insert (p->in_flight, &row->id, row);
      g_steal_pointer (&row);
      return TRUE;
    }
  return FALSE;
}

/* The sender's SmtpDoneFunc: the result waits for the next transaction. */
static gboolean
smtp_done (gpointer data, gint64 id, SmtpOutcome outcome, const char *detail,
           GError **error)
{
  SmtpPass *p = data;
  gpointer row = NULL;
  if (!g_hash_table_steal_extended (p->in_flight, &id, NULL, &row))
    return TRUE;
  gboolean untried = outcome == SMTP_UNTRIED;
  SmtpResult r = { row, untried ? SMTP_DEFERRED : outcome,
                   untried ? g_strconcat ("not tried: ", detail, NULL) : g_strdup (detail),
                   untried };
  p->untried += untried;
  g_array_append_val (p->results, r);
  if (p->results->len == 1)
    p->first_result = g_get_monotonic_time ();
  if (p->results->len < RESULTS_PER_COMMIT
      && g_get_monotonic_time () - p->first_result < RESULTS_WAIT_US)
    return TRUE;
  return flush_results (p, error);
}

/* The server could not be reached: the rows not tried in this pass are
 * deferred with the others ("not tried: " and the reason), logged once. */
static gboolean
defer_untried (SmtpPass *p, const char *reason, GError **error)
{
  g_autofree char *why = g_strconcat ("not tried: ", reason, NULL);
  g_autoptr (sqlite3_stmt) st = db_prepare (p->db, "SELECT tries FROM outbox WHERE id = ?1",
                                            error);
  guint untried = p->ids->len - p->taken + p->untried;
  if (st == NULL)
    return FALSE;
  while (p->taken < p->ids->len)
    {
      OutboxRow *row = g_new0 (OutboxRow, 1);
      row->id = g_array_index (p->ids, gint64, p->taken++);
      sqlite3_reset (st);
      sqlite3_bind_int64 (st, 1, row->id);
      row->tries = sqlite3_step (st) == SQLITE_ROW ? sqlite3_column_int64 (st, 0) : 0;
      SmtpResult r = { row, SMTP_DEFERRED, g_strdup (why), TRUE };
      g_array_append_val (p->results, r);
    }
  g_autofree char *shown = log_escape (reason);
  log_warn ("outbox", "sink=smtp error=%s deferred=%u not tried", shown, untried);
  return TRUE;
}

/* Sends the due rows over SMTP.  A sink that cannot be used (password
 * file, URL) leaves them for the next pass; only the database fails. */
static gboolean
deliver_smtp (const Context *ctx, GArray *ids, guint *sent, GError **error)
{
  const Config *config = ctx->config;
  g_autoptr (GError) local = NULL;
  g_autoptr (GHashTable) in_flight = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                                            (GDestroyNotify) outbox_row_free);
  g_autoptr (GArray) results = g_array_new (FALSE, TRUE, sizeof (SmtpResult));
  g_array_set_clear_func (results, (GDestroyNotify) smtp_result_clear);
  SmtpPass p = { ctx->db, ctx->cancel,
                 config->bounce_address != NULL ? config->bounce_address : config->address,
                 ids, 0, in_flight, results, 0, 0, sent };
  gboolean sent_ok = smtp_send (config, smtp_next, smtp_done, &p, &local);
  gboolean unreachable = g_error_matches (local, SMTP_ERROR, SMTP_ERROR_UNREACHABLE);
  if (unreachable && !defer_untried (&p, local->message, error))
    return FALSE;
  if (!flush_results (&p, error))
    return FALSE;
  if (!sent_ok && local != NULL && local->domain != SMTP_ERROR)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (!sent_ok && !unreachable && local != NULL)
    {
      g_autofree char *shown = log_escape (local->message);
      log_warn ("outbox", "sink=smtp error=%s left=%u", shown, ids->len - p.taken);
    }
  return TRUE;
}

/* See outbox.h: one pass over the due rows. */
gboolean
outbox_deliver (const Context *ctx, guint *sent, GError **error)
{
  sqlite3 *db = ctx->db;
  const Config *config = ctx->config;
  const char *dir = config_maildir_path (config->smtp_url);
  gint64 budget = 0;
  *sent = 0;
  if (!rate_budget (db, config->smtp_rate, &budget, error))
    return FALSE;
  g_autoptr (GArray) ids = due_rows (db, budget, error);
  if (ids == NULL)
    return FALSE;
  if (dir == NULL)
    return ids->len == 0 || deliver_smtp (ctx, ids, sent, error);
  for (guint i = 0; i < ids->len; i += OUTBOX_SINK_BATCH)
    if (!deliver_maildir_batch (db, dir, &g_array_index (ids, gint64, i),
                                MIN (OUTBOX_SINK_BATCH, ids->len - i), sent, error))
      return FALSE;
  return TRUE;
}

/* See outbox.h. */
guint
outbox_seconds_until_due (sqlite3 *db)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT min(CAST(strftime('%s', next_attempt) AS INTEGER))"
      " - CAST(strftime('%s', 'now') AS INTEGER)"
      " FROM outbox WHERE state = 'deferred' AND next_attempt IS NOT NULL", NULL);
  if (st == NULL || sqlite3_step (st) != SQLITE_ROW
      || sqlite3_column_type (st, 0) == SQLITE_NULL)
    return G_MAXUINT;
  gint64 seconds = sqlite3_column_int64 (st, 0);
  return (guint) CLAMP (seconds, 1, (gint64) G_MAXUINT);
}

/* The state of row id, or NULL (error set) when there is no such row. */
static char *
row_state (sqlite3 *db, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db, "SELECT state FROM outbox WHERE id = ?1", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, id);
  int rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    return g_strdup ((const char *) sqlite3_column_text (st, 0));
  if (rc == SQLITE_DONE)
    g_set_error (error, OUTBOX_ERROR, OUTBOX_ERROR_NOT_FOUND, "no message %" G_GINT64_FORMAT
                 " in the outbox", id);
  else
    db_set_error (db, error, "reading the outbox");
  return NULL;
}

/* See outbox.h. */
gboolean
outbox_retry (sqlite3 *db, gint64 id, GError **error)
{
  g_autofree char *state = row_state (db, id, error);
  if (state == NULL)
    return FALSE;
  if (strcmp (state, "failed") != 0 && strcmp (state, "deferred") != 0)
    {
      g_set_error (error, OUTBOX_ERROR, OUTBOX_ERROR_STATE, "message %" G_GINT64_FORMAT
                   " is %s: only failed or deferred messages are sent again", id, state);
      return FALSE;
    }
  g_autofree char *now = utc_time (0);
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "UPDATE outbox SET state = 'queued', tries = 0, next_attempt = ?2"
      " WHERE id = ?1 AND state IN ('failed', 'deferred')", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, id);
  sqlite3_bind_text (st, 2, now, -1, SQLITE_TRANSIENT);
  return db_step_done (db, st, "queueing a message again", error);
}
