/* The notice of a visit to the visited State and the State's plain reply
 * to it (visit-notice.h). */

#include <string.h>

#include "gateway/store/audience.h"
#include "gateway/store/countries.h"
#include "gateway/store/db.h"
#include "gateway/base/log.h"
#include "gateway/base/template.h"
#include "gateway/flows/outbox.h"
#include "gateway/flows/visit.h"
#include "gateway/flows/visit-notice.h"
#include "gateway/mail/compose.h"
#include "parsers/fail.h"

/* Entities one notice may name as asking for the assessment, at most. */
#define NOTICE_ENTITIES_MAX 50

/* The visit a notice is about. */
typedef struct {
  gint64 id;
  char *reference;
  char *state;        /* its code */
  char *start;
  char *end;
  char *status;
} NoticeVisit;

static void
notice_visit_clear (NoticeVisit *v)
{
  g_free (v->reference);
  g_free (v->state);
  g_free (v->start);
  g_free (v->end);
  g_free (v->status);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (NoticeVisit, notice_visit_clear)

/* Loads the visit reference (any case). */
static gboolean
load_notice_visit (sqlite3 *db, const char *reference, NoticeVisit *v, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT id, reference, state_code, start_date, end_date, status FROM visits"
      " WHERE reference = upper(?1)", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, reference, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step (st);
  if (rc == SQLITE_DONE)
    return fail_with (error, VISIT_ERROR, VISIT_ERROR_NOT_FOUND, "no visit is %s", reference);
  if (rc != SQLITE_ROW)
    {
      db_set_error (db, error, "reading a visit");
      return FALSE;
    }
  v->id = sqlite3_column_int64 (st, 0);
  char **texts[] = { &v->reference, &v->state, &v->start, &v->end, &v->status };
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    *texts[i] = db_column_dup (st, (int) i + 1);
  if (g_strcmp0 (v->status, "cancelled") != 0)
    return TRUE;
  return fail_with (error, VISIT_ERROR, VISIT_ERROR_INVALID,
                    "%s is cancelled: nothing more is sent for it", v->reference);
}

/* The registered entities of list, canonical codes, each once; NULL with
 * VISIT_ERROR_INVALID naming one that is unknown, or when there is none. */
static GPtrArray *
entities_read (sqlite3 *db, const char *list, GError **error)
{
  g_auto (GStrv) parts = g_strsplit_set (list != NULL ? list : "", ",;", -1);
  g_autoptr (GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *word = g_strstrip (parts[i]);
      g_autofree char *near = NULL;
      g_autofree char *code = *word != '\0' ? db_entity_resolve (db, word, &near) : NULL;
      if (*word == '\0')
        continue;
      if (code == NULL && near != NULL)
        fail_with (error, VISIT_ERROR, VISIT_ERROR_INVALID,
                   "unknown entity \"%s\"; did you mean \"%s\"?", word, near);
      else if (code == NULL)
        fail_with (error, VISIT_ERROR, VISIT_ERROR_INVALID, "unknown entity \"%s\"", word);
      if (code == NULL)
        return NULL;
      if (!g_ptr_array_find_with_equal_func (codes, code, g_str_equal, NULL))
        g_ptr_array_add (codes, g_steal_pointer (&code));
    }
  if (codes->len == 0 || codes->len > NOTICE_ENTITIES_MAX)
    {
      fail_with (error, VISIT_ERROR, VISIT_ERROR_INVALID,
                 "name the entities that asked for the needs assessment (1 to %d)",
                 NOTICE_ENTITIES_MAX);
      return NULL;
    }
  return g_steal_pointer (&codes);
}

/* The name of entity code in lang: a State's from the iso-codes
 * translations, else the entities register's. */
static char *
entity_shown (sqlite3 *db, const char *code, const char *lang)
{
  const char *shown = country_names_shown (country_names_default (db), code, lang);
  if (shown != NULL)
    return g_strdup (shown);
  g_autoptr (sqlite3_stmt) st = db_prepare (db, "SELECT name FROM entities WHERE code = ?1",
                                            NULL);
  if (st != NULL)
    sqlite3_bind_text (st, 1, code, -1, SQLITE_TRANSIENT);
  if (st != NULL && sqlite3_step (st) == SQLITE_ROW)
    return db_column_dup (st, 0);
  return g_strdup (code);
}

/* The data of the notice to r. */
static TplData *
notice_data (const Context *ctx, const NoticeVisit *v, GPtrArray *codes, const Recipient *r)
{
  TplData *data = tpl_data_new ();
  g_autofree char *state = entity_shown (ctx->db, v->state, r->language);
  tpl_set (data, "reference", v->reference);
  tpl_set (data, "state", v->state);
  tpl_set (data, "state_name", state);
  tpl_set (data, "start", v->start);
  tpl_set (data, "end", v->end);
  tpl_set (data, "name", r->name);
  tpl_set (data, "organizer", ctx->config->name);
  g_autoptr (GString) list = g_string_new (NULL);
  for (guint i = 0; i < codes->len; i++)
    {
      g_autofree char *name = entity_shown (ctx->db, codes->pdata[i], r->language);
      TplData *item = tpl_add (data, "requested");
      tpl_set (item, "code", codes->pdata[i]);
      tpl_set (item, "entity_name", name);
      g_string_append_printf (list, "%s%s", i > 0 ? ", " : "", (char *) codes->pdata[i]);
    }
  tpl_set (data, "recipients", list->str);
  return data;
}

/* Queues the notice of v to r; one the outbox refuses is skipped. */
static gboolean
queue_notice (const Context *ctx, const NoticeVisit *v, GPtrArray *codes, const Recipient *r,
              guint *queued, GError **error)
{
  g_autoptr (TplData) data = notice_data (ctx, v, codes, r);
  g_autofree char *subject = NULL;
  g_autofree char *body = tpl_render_message ("visit-notice", r->language, data, &subject, error);
  if (body == NULL)
    return FALSE;
  g_autofree char *full = g_strdup_printf ("%s [%s]", subject, v->reference);
  ComposeHeaders headers = {
    .auto_submitted = "auto-generated", .to = r->email, .to_name = r->name, .subject = full,
    .language = tpl_language ("visit-notice", r->language, "txt"),
  };
  g_autoptr (GMimeMessage) msg = compose_message (ctx->config, &headers);
  compose_set_body (msg, compose_text_part ("plain", body));
  g_autofree char *what = g_strdup_printf ("visit=%s", v->reference);
  gint64 row = 0;
  if (!outbox_queue_or_skip (ctx->db, msg, r->email, "visit-notice", "visit", what, &row, error))
    return FALSE;
  *queued += row > 0;
  return TRUE;
}

/* The contact points of the State of v. */
static GPtrArray *
state_contacts (const Context *ctx, const NoticeVisit *v, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *audience = g_strdup_printf ("entities:%s", v->state);
  GPtrArray *r = audience_resolve (ctx->db, audience, ctx->config->language, &local);
  if (r == NULL && g_error_matches (local, AUDIENCE_ERROR, AUDIENCE_ERROR_DB))
    db_set_error (ctx->db, error, "resolving an audience");
  else if (r == NULL)
    fail_with (error, VISIT_ERROR, VISIT_ERROR_INVALID, "%s", local->message);
  else if (r->len == 0)
    {
      fail_with (error, VISIT_ERROR, VISIT_ERROR_INVALID,
                 "%s has no active contact point: nothing was sent", v->state);
      g_clear_pointer (&r, g_ptr_array_unref);
    }
  return r;
}

/* Records the notice of v, asking about codes, sent to queued. */
static gboolean
record_notice (sqlite3 *db, const NoticeVisit *v, GPtrArray *codes, guint queued,
               GDateTime *now, GError **error)
{
  g_autofree char *json = form_json_array ((const char *const *) codes->pdata, codes->len);
  g_autofree char *created = db_time_text (now);
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "INSERT INTO visit_notices (visit_id, requested_by, recipients, created)"
      " VALUES (?1, ?2, ?3, ?4)", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, v->id);
  sqlite3_bind_text (st, 2, json, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 3, queued);
  sqlite3_bind_text (st, 4, created, -1, SQLITE_TRANSIENT);
  return db_step_done (db, st, "recording a visit notice", error);
}

/* visit_notify inside the caller's transaction. */
static gboolean
notify_in (const Context *ctx, const char *reference, const char *requested_by,
           GDateTime *now, VisitNotified *out, GError **error)
{
  g_auto (NoticeVisit) v = { 0 };
  if (!load_notice_visit (ctx->db, reference, &v, error))
    return FALSE;
  g_autoptr (GPtrArray) codes = entities_read (ctx->db, requested_by, error);
  g_autoptr (GPtrArray) to = codes == NULL ? NULL : state_contacts (ctx, &v, error);
  if (to == NULL)
    return FALSE;
  for (guint i = 0; i < to->len; i++)
    if (!queue_notice (ctx, &v, codes, to->pdata[i], &out->queued, error))
      return FALSE;
  g_ptr_array_add (codes, NULL);
  out->requested_by = g_strjoinv (", ", (char **) codes->pdata);
  g_ptr_array_remove_index (codes, codes->len - 1);
  log_info ("visit", "visit=%s notice=%u requested-by=%s", v.reference, out->queued,
            out->requested_by);
  return record_notice (ctx->db, &v, codes, out->queued, now, error);
}

/* See visit-notice.h. */
gboolean
visit_notify (const Context *ctx, const char *reference, const char *requested_by,
              GDateTime *now, VisitNotified *out, GError **error)
{
  *out = (VisitNotified) { 0 };
  if (!db_begin (ctx->db, error))
    return FALSE;
  if (notify_in (ctx, reference, requested_by, now, out, error) && db_commit (ctx->db, error))
    return TRUE;
  db_rollback (ctx->db);
  g_clear_pointer (&out->requested_by, g_free);
  out->queued = 0;
  return FALSE;
}

/* The first line of text that is neither empty nor quoted, stripped, or
 * NULL. */
static char *
first_line (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", 50);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      /* a mark of direction some mail programs put before a line */
      while (g_str_has_prefix (line, "\u200f") || g_str_has_prefix (line, "\u200e"))
        line += strlen ("\u200f");
      if (*line != '\0' && *line != '>')
        return g_strdup (line);
    }
  return NULL;
}

/* "yes" or "no" when line is that word of one of the six languages
 * ("Yes.", "Oui !", "да", "نعم", "同意。"), alone but for punctuation;
 * else NULL: "No objection" is not a no. */
static const char *
yes_or_no (const char *line)
{
  static const char *const answers[] = { "yes", "no", NULL };
  g_autofree char *word = g_strdup (line);
  char *end = word + strlen (word);
  while (end > word)
    {
      char *last = g_utf8_find_prev_char (word, end);
      gunichar c = g_utf8_get_char (last);
      if (!g_unichar_ispunct (c) && !g_unichar_isspace (c))
        break;
      end = last;
    }
  *end = '\0';
  return form_term_value (word, answers);
}

/* The visit reference in subject ("… [CTC-VIS-2026-0001]"), upper case,
 * or NULL. */
static char *
subject_visit (const char *subject)
{
  const char *at = subject != NULL ? strstr (subject, "-VIS-") : NULL;
  if (at == NULL)
    return NULL;
  const char *start = at, *end = at + strlen ("-VIS-");
  while (start > subject && (g_ascii_isalnum (start[-1]) || start[-1] == '-'))
    start--;
  while (g_ascii_isdigit (*end) || *end == '-')
    end++;
  return g_ascii_strup (start, end - start);
}

/* The entities that the latest notice of visit reference asked about,
 * "A, B", when from is an active contact point of its State; else NULL. */
static char *
notice_recipients (sqlite3 *db, const char *reference, const char *from)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT (SELECT group_concat(value, ', ') FROM json_each(n.requested_by))"
      " FROM visit_notices n JOIN visits v ON v.id = n.visit_id"
      " WHERE v.reference = ?1 AND EXISTS (SELECT 1 FROM contacts c"
      "  WHERE c.entity = v.state_code AND c.address_key = address(?2)"
      "  AND c.state = 'active' AND c.status != 'inactive')"
      " ORDER BY n.id DESC LIMIT 1", NULL);
  if (st == NULL)
    return NULL;
  sqlite3_bind_text (st, 1, reference, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, from, -1, SQLITE_TRANSIENT);
  return sqlite3_step (st) == SQLITE_ROW ? db_column_dup (st, 0) : NULL;
}

/* See visit-notice.h. */
void
visit_notice_reply (sqlite3 *db, const MailMessage *msg, FormParse *parse,
                    const CtcLimits *limits)
{
  if (parse->records->len > 0 || parse->problems->len > 0 || msg->texts->len == 0
      || msg->from_addr == NULL)
    return;
  g_autofree char *reference = subject_visit (msg->subject);
  g_autofree char *recipients = reference != NULL
      ? notice_recipients (db, reference, msg->from_addr) : NULL;
  const MailText *body = g_ptr_array_index (msg->texts, 0);
  g_autofree char *line = recipients != NULL && body->name == NULL
      ? first_line (body->text) : NULL;
  const char *answer = line != NULL ? yes_or_no (line) : NULL;
  if (answer == NULL)
    return;
  g_autofree char *form = g_strdup_printf ("Form: visit-consent\nVisit: %s\nConsent: %s\n"
                                           "Recipients: %s\n", reference, answer, recipients);
  form_parse_text (parse, form, NULL, limits);
  log_info ("visit", "visit=%s consent=%s by-reply recipients=%s", reference, answer,
            recipients);
}
