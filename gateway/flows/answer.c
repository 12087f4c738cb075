/* Composing and queueing answers to submitters. */

#include <string.h>

#include "gateway/flows/answer.h"
#include "gateway/store/db.h"
#include "gateway/base/log.h"
#include "gateway/flows/outbox.h"
#include "gateway/mail/compose.h"

const char *
answer_address (const MailMessage *msg)
{
  return msg->reply_to_addr != NULL ? msg->reply_to_addr : msg->from_addr;
}

char *
answer_language (const Context *ctx, const char *addr, const char *keys_language)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (ctx->db,
      "SELECT json_extract(languages, '$[0]') FROM contacts"
      " WHERE address_key = address (?1) AND status = 'active' AND state = 'active'"
      " ORDER BY id DESC LIMIT 1", NULL);
  if (st != NULL && addr != NULL)
    {
      sqlite3_bind_text (st, 1, addr, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (st) == SQLITE_ROW && sqlite3_column_text (st, 0) != NULL)
        return g_strdup ((const char *) sqlite3_column_text (st, 0));
    }
  return g_strdup (keys_language != NULL ? keys_language : ctx->config->language);
}

/* Limited when the limit-th latest answer to addr was sent within the
 * hour: two lookups by index, however many answers it had (the numbers n
 * of schema/023-reply-count.sql). */
gboolean
answer_rate_limited (const Context *ctx, const char *addr, GError **error)
{
  guint limit = ctx->config->replies_per_sender_per_hour;
  if (limit == 0)
    return TRUE;
  g_autoptr (sqlite3_stmt) st = db_prepare (ctx->db,
      "SELECT count(*) FROM reply_log WHERE sender = lower(?1)"
      " AND n = (SELECT max(n) FROM reply_log WHERE sender = lower(?1)) - ?2 + 1"
      " AND sent > strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 hour')", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, addr, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 2, limit);
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      db_set_error (ctx->db, error, "counting the answers to a sender");
      return FALSE;
    }
  return sqlite3_column_int64 (st, 0) > 0;
}

/* Logs an answer to addr under the next number of its answers. */
static gboolean
log_reply (sqlite3 *db, const char *addr, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "INSERT INTO reply_log (sender, sent, n)"
      " SELECT lower(?1), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), coalesce (max(n), 0) + 1"
      " FROM reply_log WHERE sender = lower(?1)", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, addr, -1, SQLITE_TRANSIENT);
  return db_step_done (db, st, "logging a reply", error);
}

gint64
answer_queue (const Context *ctx, const MailMessage *msg, const char *name, TplData *data,
              const char *keys_language, gint64 submission_id, GError **error)
{
  sqlite3 *db = ctx->db;
  const char *to = answer_address (msg);
  g_autofree char *lang = answer_language (ctx, msg->from_addr, keys_language);
  g_autofree char *subject = NULL;
  g_autofree char *body = tpl_render_message (name, lang, data, &subject, error);
  if (body == NULL)
    return 0;
  ComposeHeaders headers = {
    .auto_submitted = "auto-replied", .to = to, .to_name = msg->from_name,
    .subject = subject, .in_reply_to = msg->message_id, .references = msg->references,
    .language = tpl_language (name, lang, "txt"),
  };
  g_autoptr (GMimeMessage) reply = compose_message (ctx->config, &headers);
  compose_set_body (reply, compose_text_part ("plain", body));
  gint64 id = outbox_queue (db, reply, to, submission_id, name, error);
  if (id == 0 || !log_reply (db, to, error))
    return 0;
  log_info ("answer", "submission=%" G_GINT64_FORMAT " outbox=%" G_GINT64_FORMAT
            " template=%s lang=%s", submission_id, id, name, lang);
  return id;
}

#define UNSENT " FROM outbox WHERE submission_id = ?1 AND kind = ?2" \
               " AND state IN ('queued', 'deferred')"

gboolean
answer_withdraw_unsent (const Context *ctx, gint64 submission_id, const char *name,
                        GError **error)
{
  static const char *const sql[] = {
    "UPDATE submissions SET answer_outbox_id = NULL WHERE id = ?1"
    " AND answer_outbox_id IN (SELECT id" UNSENT ")",
    "DELETE" UNSENT,
  };
  for (guint i = 0; i < G_N_ELEMENTS (sql); i++)
    {
      g_autoptr (sqlite3_stmt) st = db_prepare (ctx->db, sql[i], error);
      if (st == NULL)
        return FALSE;
      sqlite3_bind_int64 (st, 1, submission_id);
      sqlite3_bind_text (st, 2, name, -1, SQLITE_STATIC);
      if (!db_step_done (ctx->db, st, "withdrawing an answer not sent", error))
        return FALSE;
      if (i == 1 && sqlite3_changes (ctx->db) > 0)
        log_info ("answer", "submission=%" G_GINT64_FORMAT " withdrawn=%s"
                  " reason=\"replaced by the final answer\"", submission_id, name);
    }
  return TRUE;
}
