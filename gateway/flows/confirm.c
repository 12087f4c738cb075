/* Confirmation by reply (docs/submissions.md section 6; ctcgw(8),
 * AUTHENTICATION): a contact point's submission that nothing authenticated
 * waits in confirmations until its sender's reply files it. */

#include <string.h>
#include <gnutls/crypto.h>

#include "gateway/flows/confirm.h"
#include "gateway/base/log.h"
#include "gateway/base/template.h"
#include "gateway/flows/answer.h"
#include "gateway/flows/outbox.h"
#include "gateway/mail/compose.h"
#include "gateway/store/db.h"

/* Random bytes of a token: 128 bits, written as 32 hex digits. */
#define TOKEN_BYTES 16

/* The Directory's entry for a contact point. */
typedef struct {
  char *email;   /* as the Directory holds it */
  char *name;
} DirectoryEntry;

void
confirm_match_clear (ConfirmMatch *m)
{
  g_clear_pointer (&m->reference, g_free);
  g_clear_pointer (&m->expires, g_free);
  m->id = 0;
}

/* A new random token: 32 lower-case hex digits from the system's
 * cryptographic generator (GnuTLS); NULL with error when it fails: a
 * guessable token would let anyone confirm. */
static char *
new_token (GError **error)
{
  guint8 bytes[TOKEN_BYTES];
  if (gnutls_rnd (GNUTLS_RND_NONCE, bytes, sizeof bytes) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "no random bytes for a confirmation token");
      return NULL;
    }
  GString *hex = g_string_sized_new (2 * TOKEN_BYTES);
  for (gsize i = 0; i < sizeof bytes; i++)
    g_string_append_printf (hex, "%02x", bytes[i]);
  return g_string_free (hex, FALSE);
}

/* The active contact point whose address is addr, as the Directory holds
 * it (docs/submissions.md section 6); FALSE when there is none. */
static gboolean
directory_entry (sqlite3 *db, const char *addr, DirectoryEntry *e)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT email, name FROM contacts WHERE address_key = address (?1)"
      " AND status = 'active' AND state = 'active' ORDER BY id LIMIT 1", NULL);
  if (st == NULL || addr == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, addr, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st) != SQLITE_ROW)
    return FALSE;
  e->email = db_column_dup (st, 0);
  e->name = db_column_dup (st, 1);
  return e->email != NULL;
}

/* The confirmations row; expires confirm_days after now. */
static gboolean
insert_confirmation (const Context *ctx, const ConfirmPending *p, const char *token,
                     const char *address, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (ctx->db,
      "INSERT INTO confirmations (token, submission_id, address, created, expires)"
      " VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),"
      " strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?4))", error);
  if (st == NULL)
    return FALSE;
  g_autofree char *days = g_strdup_printf ("+%u days", ctx->config->confirm_days);
  sqlite3_bind_text (st, 1, token, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 2, p->submission_id);
  sqlite3_bind_text (st, 3, address, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 4, days, -1, SQLITE_TRANSIENT);
  return db_step_done (ctx->db, st, "holding a submission", error);
}

/* Records the request's Message-ID and outbox row on confirmation token. */
static gboolean
record_request (sqlite3 *db, const char *token, const char *message_id, gint64 outbox_id,
                GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "UPDATE confirmations SET message_id = ?1, outbox_id = ?2 WHERE token = ?3", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, message_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 2, outbox_id);
  sqlite3_bind_text (st, 3, token, -1, SQLITE_STATIC);
  return db_step_done (db, st, "recording a confirmation request", error);
}

/* The expiry of confirmation token, for the request's text. */
static char *
token_expires (sqlite3 *db, const char *token)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT expires FROM confirmations WHERE token = ?1", NULL);
  if (st == NULL)
    return g_strdup ("");
  sqlite3_bind_text (st, 1, token, -1, SQLITE_STATIC);
  return sqlite3_step (st) == SQLITE_ROW ? db_column_dup (st, 0) : g_strdup ("");
}

/* The request itself: templates/confirm.LANG.txt, Auto-Submitted:
 * auto-replied (RFC 3834), to e->email.  Returns the outbox id or 0. */
static gint64
queue_request (const Context *ctx, const ConfirmPending *p, const DirectoryEntry *e,
               const char *token, GError **error)
{
  g_autofree char *lang = answer_language (ctx, e->email, NULL);
  g_autofree char *expires = token_expires (ctx->db, token);
  g_autoptr (TplData) data = tpl_data_new ();
  tpl_set (data, "reference", p->reference);
  tpl_set (data, "token", token);
  tpl_set (data, "subject", p->subject ? p->subject : "");
  tpl_set (data, "contact_name", e->name ? e->name : "");
  tpl_set (data, "expires", expires);
  tpl_set_printf (data, "records", "%u", p->records);
  g_autofree char *subject = NULL;
  g_autofree char *body = tpl_render_message ("confirm", lang, data, &subject, error);
  if (body == NULL)
    return 0;
  ComposeHeaders headers = { .auto_submitted = "auto-replied", .to = e->email,
                             .to_name = e->name, .subject = subject,
                             .language = tpl_language ("confirm", lang, "txt") };
  g_autoptr (GMimeMessage) request = compose_message (ctx->config, &headers);
  compose_set_body (request, compose_text_part ("plain", body));
  gint64 id = outbox_queue (ctx->db, request, e->email, p->submission_id, "confirm", error);
  if (id == 0)
    return 0;
  if (!record_request (ctx->db, token, g_mime_message_get_message_id (request), id, error))
    return 0;
  return id;
}

/* Whether the requests that went to address in the last hour reached the
 * limit of answers to one address ([gateway] replies_per_sender_per_hour):
 * forged mail must not make the gateway flood a contact point. */
static gboolean
requests_limited (const Context *ctx, const char *address, gboolean *limited,
                  GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (ctx->db,
      "SELECT count(*) FROM confirmations WHERE address = ?1 AND outbox_id IS NOT NULL"
      " AND created > strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 hour')", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, address, -1, SQLITE_STATIC);
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      db_set_error (ctx->db, error, "counting confirmation requests");
      return FALSE;
    }
  *limited = (guint) sqlite3_column_int64 (st, 0) >= ctx->config->replies_per_sender_per_hour;
  return TRUE;
}

/* Holds p under a new token and, unless the hourly limit of requests to
 * e->email is reached, queues the request: see confirm_request. */
static gint64
hold_and_ask (const Context *ctx, const ConfirmPending *p, const DirectoryEntry *e,
              GError **error)
{
  gboolean limited = FALSE;
  g_autofree char *token = new_token (error);
  if (token == NULL || !requests_limited (ctx, e->email, &limited, error)
      || !insert_confirmation (ctx, p, token, e->email, error))
    return -1;
  if (limited)
    {
      log_warn ("confirm", "submission=%s no-request=rate-limited", p->reference);
      return 0;
    }
  gint64 id = queue_request (ctx, p, e, token, error);
  if (id == 0)
    return -1;
  log_info ("confirm", "submission=%s outbox=%" G_GINT64_FORMAT " requested", p->reference, id);
  return id;
}

gint64
confirm_request (const Context *ctx, const ConfirmPending *p, GError **error)
{
  DirectoryEntry e = { 0 };
  if (!directory_entry (ctx->db, p->from_addr, &e))
    {
      log_warn ("confirm", "submission=%s no-request=not-in-directory", p->reference);
      return 0;
    }
  gint64 id = hold_and_ask (ctx, p, &e, error);
  g_free (e.email);
  g_free (e.name);
  return id;
}

/* Message-IDs of References looked at, the latest first: a reply to our
 * request names it last. */
#define NAMED_IDS_MAX 50

/* Appends id to the JSON array in out, unless it holds what needs escaping
 * (no request of ours has such an id). */
static void
append_json_id (GString *out, const char *id)
{
  if (id == NULL || *id == '\0' || strpbrk (id, "\"\\") != NULL)
    return;
  for (const char *p = id; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return;
  g_string_append_printf (out, "%s\"%s\"", out->len > 1 ? "," : "", id);
}

/* The Message-IDs a reply names (In-Reply-To, then the last NAMED_IDS_MAX
 * of References) as a JSON array, for one indexed lookup. */
static char *
named_ids_json (const MailMessage *msg)
{
  GString *out = g_string_new ("[");
  append_json_id (out, msg->in_reply_to);
  GMimeReferences *refs = msg->references != NULL
      ? g_mime_references_parse (NULL, msg->references) : NULL;
  int n = refs != NULL ? g_mime_references_length (refs) : 0;
  for (int i = n - 1; i >= 0 && i >= n - NAMED_IDS_MAX; i--)
    append_json_id (out, g_mime_references_get_message_id (refs, i));
  if (refs != NULL)
    g_mime_references_free (refs);
  g_string_append_c (out, ']');
  return g_string_free (out, FALSE);
}

/* The token in a subject "… [confirm:TOKEN]", or NULL. */
static char *
subject_token (const char *subject)
{
  const char *at = subject != NULL ? strstr (subject, "confirm:") : NULL;
  if (at == NULL)
    return NULL;
  at += strlen ("confirm:");
  gsize n = 0;
  while (n < 2 * TOKEN_BYTES && g_ascii_isxdigit (at[n]))
    n++;
  return n == 2 * TOKEN_BYTES ? g_ascii_strdown (at, n) : NULL;
}

gboolean
confirm_find (const Context *ctx, const MailMessage *msg, ConfirmMatch *m, GError **error)
{
  g_autofree char *token = subject_token (msg->subject);
  m->id = 0;
  if (msg->from_addr == NULL || (token == NULL && msg->in_reply_to == NULL
                                 && msg->references == NULL))
    return TRUE;
  g_autofree char *ids = named_ids_json (msg);
  /* By the token's and the Message-ID's indexes: every submission with a
   * References header asks, so no scan of the table. */
  g_autoptr (sqlite3_stmt) st = db_prepare (ctx->db,
      "SELECT c.id, c.submission_id, s.reference, c.expires, c.state,"
      " c.expires <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
      " FROM confirmations c JOIN submissions s ON s.id = c.submission_id"
      " WHERE (c.token = ?1 OR c.message_id IN (SELECT value FROM json_each (?2)))"
      " AND address (c.address) = address (?3) ORDER BY c.id DESC LIMIT 1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, token, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, ids, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, msg->from_addr, -1, SQLITE_STATIC);
  int rc = sqlite3_step (st);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    {
      db_set_error (ctx->db, error, "looking up a confirmation");
      return FALSE;
    }
  m->id = sqlite3_column_int64 (st, 0);
  m->submission_id = sqlite3_column_int64 (st, 1);
  m->reference = db_column_dup (st, 2);
  m->expires = db_column_dup (st, 3);
  m->confirmed = g_strcmp0 ((const char *) sqlite3_column_text (st, 4), "confirmed") == 0;
  m->expired = !m->confirmed && sqlite3_column_int (st, 5) != 0;
  return TRUE;
}

gboolean
confirm_done (const Context *ctx, gint64 id, gint64 reply_submission_id, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (ctx->db,
      "UPDATE confirmations SET state = 'confirmed', reply_submission_id = ?2,"
      " confirmed = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, id);
  sqlite3_bind_int64 (st, 2, reply_submission_id);
  if (!db_step_done (ctx->db, st, "confirming a submission", error))
    return FALSE;
  g_autoptr (sqlite3_stmt) auth = db_prepare (ctx->db,
      "UPDATE submissions SET authentication = 'confirmed'"
      " WHERE id = (SELECT submission_id FROM confirmations WHERE id = ?1)", error);
  if (auth == NULL)
    return FALSE;
  sqlite3_bind_int64 (auth, 1, id);
  return db_step_done (ctx->db, auth, "recording a confirmation", error);
}
