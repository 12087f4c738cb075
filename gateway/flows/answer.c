/* Composing and queueing answers to submitters. */

#include <string.h>

#include "gateway/flows/answer.h"
#include "gateway/store/db.h"
#include "gateway/base/log.h"
#include "gateway/flows/outbox.h"

const char *
answer_address (const MailMessage *msg)
{
  return msg->reply_to_addr != NULL ? msg->reply_to_addr : msg->from_addr;
}

char *
answer_language (sqlite3 *db, const Config *config, const char *addr)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT json_extract(languages, '$[0]') FROM contacts"
      " WHERE lower(email) = lower(?1) AND status = 'active' AND state = 'active'"
      " ORDER BY id DESC LIMIT 1", NULL);
  if (st != NULL && addr != NULL)
    {
      sqlite3_bind_text (st, 1, addr, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (st) == SQLITE_ROW && sqlite3_column_text (st, 0) != NULL)
        return g_strdup ((const char *) sqlite3_column_text (st, 0));
    }
  return g_strdup (config->language);
}

gboolean
answer_rate_limited (sqlite3 *db, const Config *config, const char *addr, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT count(*) FROM reply_log WHERE sender = lower(?1)"
      " AND sent > strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 hour')", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, addr, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st) != SQLITE_ROW)
    return FALSE;
  return (guint) sqlite3_column_int64 (st, 0) >= config->replies_per_sender_per_hour;
}

static gboolean
log_reply (sqlite3 *db, const char *addr, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "INSERT INTO reply_log (sender, sent)"
      " VALUES (lower(?1), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, addr, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st) != SQLITE_DONE)
    {
      db_set_error (db, error, "logging a reply");
      return FALSE;
    }
  return TRUE;
}

/* In-Reply-To and References of a reply to msg (RFC 5322 section 3.6.4). */
static void
set_thread_headers (GMimeMessage *reply, const MailMessage *msg)
{
  if (msg->message_id == NULL)
    return;
  g_autofree char *id = g_strdup_printf ("<%s>", msg->message_id);
  g_autofree char *refs = msg->references != NULL
      ? g_strdup_printf ("%s %s", msg->references, id) : g_strdup (id);
  g_mime_object_set_header (GMIME_OBJECT (reply), "In-Reply-To", id, NULL);
  g_mime_object_set_header (GMIME_OBJECT (reply), "References", refs, NULL);
}

static void
set_text_body (GMimeMessage *reply, const char *text)
{
  GMimeTextPart *part = g_mime_text_part_new_with_subtype ("plain");
  g_mime_text_part_set_text (part, text);
  g_mime_part_set_content_encoding (GMIME_PART (part),
      g_mime_part_get_best_content_encoding (GMIME_PART (part), GMIME_ENCODING_CONSTRAINT_7BIT));
  g_mime_message_set_mime_part (reply, GMIME_OBJECT (part));
  g_object_unref (part);
}

gint64
answer_queue (sqlite3 *db, const Config *config, const MailMessage *msg,
              const char *name, TplData *data, gint64 submission_id, GError **error)
{
  const char *to = answer_address (msg);
  g_autofree char *lang = answer_language (db, config, msg->from_addr);
  g_autofree char *subject = NULL;
  g_autofree char *body = tpl_render_message (name, lang, data, &subject, error);
  if (body == NULL)
    return 0;
  g_autoptr (GMimeMessage) reply = outbox_message_new (config, "auto-replied");
  g_mime_message_add_mailbox (reply, GMIME_ADDRESS_TYPE_TO, msg->from_name, to);
  g_mime_message_set_subject (reply, subject, "utf-8");
  set_thread_headers (reply, msg);
  set_text_body (reply, body);
  gint64 id = outbox_queue (db, reply, to, submission_id, name, error);
  if (id == 0 || !log_reply (db, to, error))
    return 0;
  log_info ("answer", "submission=%" G_GINT64_FORMAT " outbox=%" G_GINT64_FORMAT
            " template=%s lang=%s", submission_id, id, name, lang);
  return id;
}
