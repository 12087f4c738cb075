/* Delivery reports for mail the gateway sent (ctcgw.conf(5), [smtp]): each
 * failed or delayed recipient is matched to its outbox row, by the VERP
 * envelope sender the report came back to, else by the returned message's
 * Message-ID and the recipient; it is recorded, and a hard bounce counts
 * against the contact point until it is marked bouncing. */

#include <string.h>

#include "gateway/flows/bounce.h"
#include "gateway/store/db.h"
#include "gateway/base/log.h"
#include "gateway/mail/smtp.h"
#include "parsers/dsn.h"

/* Headers of a report looked at for the VERP address. */
#define VERP_HEADERS_MAX 200
/* Addresses of one header looked at. */
#define VERP_ADDRESSES_MAX 20
/* Bytes of a header value parsed for addresses. */
#define VERP_VALUE_MAX 2048

/* Headers that name the address a report was delivered to, in the order
 * they are trusted. */
static const char *const verp_headers[] = {
  "To", "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "Return-Path",
};

/* One report being recorded. */
typedef struct {
  sqlite3 *db;
  const Config *config;
  gint64 submission_id;
  gint64 verp_id;               /* the outbox row named by the VERP address, or 0 */
  const char *message_id;       /* of the returned message, or NULL */
} Report;

/* Where one recipient of a report leads. */
typedef struct {
  gint64 outbox_id;             /* 0: no row */
  char *recipient;              /* the row's recipient: what is counted */
  const char *matched_by;       /* "verp", "message-id" or NULL */
} Match;

/* Frees what a match holds. */
static void
match_clear (Match *m)
{
  g_clear_pointer (&m->recipient, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Match, match_clear)

/* The address delivery reports come back to. */
static const char *
bounce_address (const Config *config)
{
  return config->bounce_address != NULL ? config->bounce_address : config->address;
}

/* Sets *exists for outbox row id; FALSE when the database fails. */
static gboolean
row_exists (sqlite3 *db, gint64 id, gboolean *exists, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db, "SELECT 1 FROM outbox WHERE id = ?1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, id);
  int rc = sqlite3_step (st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      db_set_error (db, error, "looking up an outbox row");
      return FALSE;
    }
  *exists = rc == SQLITE_ROW;
  return TRUE;
}

/* The VERP row id of the first mailbox in a header value, or 0. */
static gint64
value_verp_id (const char *bounce, const char *value)
{
  if (value == NULL || strlen (value) > VERP_VALUE_MAX)
    return 0;
  InternetAddressList *list = internet_address_list_parse (NULL, value);
  gint64 id = 0;
  int n = list != NULL ? MIN (internet_address_list_length (list), VERP_ADDRESSES_MAX) : 0;
  for (int i = 0; i < n && id == 0; i++)
    {
      InternetAddress *ia = internet_address_list_get_address (list, i);
      if (INTERNET_ADDRESS_IS_MAILBOX (ia))
        id = smtp_verp_row_id (bounce, internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)));
    }
  g_clear_object (&list);
  return id;
}

/* The VERP row id named by one header of msg (every occurrence), or 0. */
static gint64
header_verp_id (GMimeHeaderList *headers, const char *bounce, const char *name)
{
  int n = MIN (g_mime_header_list_get_count (headers), VERP_HEADERS_MAX);
  for (int i = 0; i < n; i++)
    {
      GMimeHeader *h = g_mime_header_list_get_header_at (headers, i);
      if (g_ascii_strcasecmp (g_mime_header_get_name (h), name) != 0)
        continue;
      gint64 id = value_verp_id (bounce, g_mime_header_get_value (h));
      if (id > 0)
        return id;
    }
  return 0;
}

/* The outbox row the report's VERP address names, when it exists: sets
 * report->verp_id. */
static gboolean
find_verp_row (Report *report, GMimeMessage *mime, GError **error)
{
  GMimeHeaderList *headers = g_mime_object_get_header_list (GMIME_OBJECT (mime));
  const char *bounce = bounce_address (report->config);
  for (gsize i = 0; i < G_N_ELEMENTS (verp_headers) && report->verp_id == 0; i++)
    {
      gint64 id = header_verp_id (headers, bounce, verp_headers[i]);
      gboolean exists = FALSE;
      if (id > 0 && !row_exists (report->db, id, &exists, error))
        return FALSE;
      if (exists)
        report->verp_id = id;
    }
  return TRUE;
}

/* The row's recipient into m->recipient. */
static gboolean
row_recipient (sqlite3 *db, Match *m, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db, "SELECT recipient FROM outbox WHERE id = ?1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, m->outbox_id);
  int rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    m->recipient = g_strdup ((const char *) sqlite3_column_text (st, 0));
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;
  db_set_error (db, error, "reading an outbox row");
  return FALSE;
}

/* The latest row that sent message_id to recipient, into m. */
static gboolean
match_message_id (sqlite3 *db, const char *message_id, const char *recipient, Match *m,
                  GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT id, recipient FROM outbox WHERE message_id = ?1"
      " AND lower (recipient) = lower (?2) ORDER BY id DESC LIMIT 1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, message_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, recipient, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    {
      m->outbox_id = sqlite3_column_int64 (st, 0);
      m->recipient = g_strdup ((const char *) sqlite3_column_text (st, 1));
      m->matched_by = "message-id";
    }
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;
  db_set_error (db, error, "matching a delivery report");
  return FALSE;
}

/* The row of one failed recipient: the VERP row, else by Message-ID. */
static gboolean
match_recipient (Report *report, const char *recipient, Match *m, GError **error)
{
  if (report->verp_id > 0)
    {
      m->outbox_id = report->verp_id;
      m->matched_by = "verp";
      return row_recipient (report->db, m, error);
    }
  if (report->message_id == NULL || recipient == NULL)
    return TRUE;
  return match_message_id (report->db, report->message_id, recipient, m, error);
}

/* TRUE when row id already had a hard bounce counted: a row counts once,
 * however many reports say it failed. */
static gboolean
row_counted (sqlite3 *db, gint64 id, gboolean *counted, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT 1 FROM bounces WHERE outbox_id = ?1 AND counted = 1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, id);
  int rc = sqlite3_step (st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      db_set_error (db, error, "looking up bounces");
      return FALSE;
    }
  *counted = rc == SQLITE_ROW;
  return TRUE;
}

/* The bounces row of one recipient. */
static gboolean
insert_bounce (Report *report, const DsnRecipient *r, const Match *m, gboolean counted,
               GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (report->db,
      "INSERT INTO bounces (outbox_id, submission_id, recipient, status, action,"
      " diagnostic, hard, counted, matched_by, received)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
      error);
  if (st == NULL)
    return FALSE;
  if (m->outbox_id > 0)
    sqlite3_bind_int64 (st, 1, m->outbox_id);
  sqlite3_bind_int64 (st, 2, report->submission_id);
  sqlite3_bind_text (st, 3, r->recipient, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 4, r->status, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 5, r->action, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 6, r->diagnostic, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (st, 7, r->hard ? 1 : 0);
  sqlite3_bind_int (st, 8, counted ? 1 : 0);
  sqlite3_bind_text (st, 9, m->matched_by, -1, SQLITE_STATIC);
  if (sqlite3_step (st) == SQLITE_DONE)
    return TRUE;
  db_set_error (report->db, error, "recording a bounce");
  return FALSE;
}

/* A sent row that bounced for good is failed, with the report's reason. */
static gboolean
fail_row (sqlite3 *db, gint64 id, const DsnRecipient *r, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "UPDATE outbox SET state = 'failed', last_error = ?2 WHERE id = ?1 AND state = 'sent'",
      error);
  if (st == NULL)
    return FALSE;
  g_autofree char *why = g_strdup_printf ("delivery report: %s%s%s",
                                          r->status != NULL ? r->status : "failed",
                                          r->diagnostic != NULL ? " " : "",
                                          r->diagnostic != NULL ? r->diagnostic : "");
  sqlite3_bind_int64 (st, 1, id);
  sqlite3_bind_text (st, 2, why, -1, SQLITE_TRANSIENT);
  return db_step_done (db, st, "failing a bounced message", error);
}

/* Runs a statement on the contact points of email: ?1 the address, ?2 the
 * report, ?3 the limit (a statement without ?2 or ?3 ignores them). */
static gboolean
contacts_step (Report *report, const char *sql, const char *email, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (report->db, sql, error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, email, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 2, report->submission_id);
  sqlite3_bind_int64 (st, 3, report->config->hard_bounces);
  if (sqlite3_step (st) == SQLITE_DONE)
    return TRUE;
  db_set_error (report->db, error, "counting a bounce");
  return FALSE;
}

/* One more hard bounce for the contact points at email; those at the limit
 * become bouncing, with their history row. */
static gboolean
count_bounce (Report *report, const char *email, GError **error)
{
  static const char *const steps[] = {
    "UPDATE contacts SET bounces = bounces + 1"
    " WHERE address_key = address (?1) AND state = 'active'",
    "INSERT INTO contacts_history (record_id, submission_id, changed, field, old_value,"
    " new_value, action) SELECT id, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'Status',"
    " 'active', 'bouncing', 'update' FROM contacts WHERE address_key = address (?1)"
    " AND state = 'active' AND status = 'active' AND bounces >= ?3",
    "UPDATE contacts SET status = 'bouncing', updated = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
    " WHERE address_key = address (?1) AND state = 'active' AND status = 'active'"
    " AND bounces >= ?3",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (steps); i++)
    if (!contacts_step (report, steps[i], email, error))
      return FALSE;
  if (sqlite3_changes (report->db) > 0)
    {
      g_autofree char *who = log_escape (email);
      log_info ("bounce", "contact=%s status=bouncing", who);
    }
  return TRUE;
}

/* TRUE for a recipient the report says was not delivered (yet). */
static gboolean
not_delivered (const DsnRecipient *r)
{
  return r->hard || g_strcmp0 (r->action, "failed") == 0
         || g_strcmp0 (r->action, "delayed") == 0;
}

/* Logs what became of one recipient. */
static void
log_bounce (const Report *report, const DsnRecipient *r, const Match *m, gboolean counted)
{
  g_autofree char *who = log_escape (r->recipient != NULL ? r->recipient : "");
  log_info ("bounce", "report=%" G_GINT64_FORMAT " outbox=%" G_GINT64_FORMAT
            " recipient=%s status=%s hard=%s matched=%s counted=%s", report->submission_id,
            m->outbox_id, who, r->status != NULL ? r->status : "-", r->hard ? "yes" : "no",
            m->matched_by != NULL ? m->matched_by : "none", counted ? "yes" : "no");
}

/* Matches, records and counts one recipient of the report. */
static gboolean
process_recipient (Report *report, const DsnRecipient *r, GError **error)
{
  g_auto (Match) m = { 0 };
  gboolean counted = FALSE;
  if (!match_recipient (report, r->recipient, &m, error))
    return FALSE;
  gboolean countable = r->hard && m.outbox_id > 0 && m.recipient != NULL;
  if (countable && !row_counted (report->db, m.outbox_id, &counted, error))
    return FALSE;
  counted = countable && !counted;
  if (!insert_bounce (report, r, &m, counted, error))
    return FALSE;
  log_bounce (report, r, &m, counted);
  if (r->hard && m.outbox_id > 0 && !fail_row (report->db, m.outbox_id, r, error))
    return FALSE;
  return !counted || count_bounce (report, m.recipient, error);
}

/* See bounce.h. */
gboolean
bounce_process (sqlite3 *db, const Config *config, const MailMessage *msg,
                gint64 submission_id, GError **error)
{
  g_autoptr (DsnReport) dsn = msg != NULL ? dsn_parse (msg->mime) : NULL;
  if (dsn == NULL)
    return TRUE;
  Report report = { .db = db, .config = config, .submission_id = submission_id,
                    .message_id = dsn->original_message_id };
  if (!find_verp_row (&report, msg->mime, error))
    return FALSE;
  if (dsn->recipients->len == 0)
    {
      DsnRecipient unknown = { 0 };
      return process_recipient (&report, &unknown, error);
    }
  for (guint i = 0; i < dsn->recipients->len; i++)
    {
      const DsnRecipient *r = g_ptr_array_index (dsn->recipients, i);
      if (not_delivered (r) && !process_recipient (&report, r, error))
        return FALSE;
    }
  return TRUE;
}
