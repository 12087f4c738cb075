/* Circulars: created from a template and an audience, sent as one outbox
 * row per recipient in one transaction, and linked to the replies that
 * carry their reference. */

#include <string.h>
#include <gmime/gmime.h>

#include "gateway/store/audience.h"
#include "gateway/flows/circular.h"
#include "gateway/store/db.h"
#include "gateway/base/log.h"
#include "gateway/flows/outbox.h"
#include "gateway/flows/lines.h"
#include "gateway/mail/compose.h"
#include "gateway/base/template.h"
#include "parsers/address.h"
#include "parsers/form.h"

G_DEFINE_QUARK (ctcgw-circular-error-quark, circular_error)

#define SILENT_SOURCES "silent:sources:"

/* The names the template data of a recipient gives (recipient_data): the
 * only placeholders a text of staff's own may hold. */
static const char *const placeholders[] = {
  "reference", "name", "entity", "entity_name", "email", "contact_reference", "address",
  "prefix", "year", "date", "silent_months", NULL,
};

/* One of staff's own texts, as stored (schema/019-circular-texts.sql). */
typedef struct {
  char *language;
  char *subject;   /* the text's own, NULL: none */
  char *body;
} Text;

/* Frees a Text. */
static void
text_free (Text *t)
{
  g_free (t->language);
  g_free (t->subject);
  g_free (t->body);
  g_free (t);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Text, text_free)

/* One circular row, as sending needs it. */
typedef struct {
  gint64 id;
  char *reference;
  char *state;
  char *template;  /* "": staff's own texts */
  char *audience;
  char *subject;   /* NULL: the template's, or each text's */
  char *sent;      /* NULL: never sent */
  GPtrArray *texts; /* Text*, in the order given; NULL with a template */
} Circular;

/* Frees what a Circular holds (for g_auto). */
static void
circular_clear (Circular *c)
{
  g_free (c->reference);
  g_free (c->state);
  g_free (c->template);
  g_free (c->audience);
  g_free (c->subject);
  g_free (c->sent);
  g_clear_pointer (&c->texts, g_ptr_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Circular, circular_clear)

/* MONTHS of a silent:sources:MONTHS audience, 0 for any other audience and
 * -1 when the number is missing or out of range. */
static int
silent_months (const char *audience)
{
  guint64 months = 0;
  if (audience == NULL || g_ascii_strncasecmp (audience, SILENT_SOURCES,
                                               strlen (SILENT_SOURCES)) != 0)
    return 0;
  if (!g_ascii_string_to_unsigned (audience + strlen (SILENT_SOURCES), 10, 1,
                                   CIRCULAR_SILENT_MONTHS_MAX, &months, NULL))
    return -1;
  return (int) months;
}

/* Whether entity created or updated an information source since cutoff;
 * FALSE on a database failure. */
static gboolean
entity_heard (sqlite3 *db, sqlite3_stmt *st, const char *entity, const char *cutoff,
              gboolean *heard, GError **error)
{
  sqlite3_reset (st);
  sqlite3_bind_text (st, 1, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, cutoff, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step (st);
  *heard = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;
  g_set_error (error, AUDIENCE_ERROR, AUDIENCE_ERROR_DB, "reading the sources: %s",
               sqlite3_errmsg (db));
  return FALSE;
}

/* The contact points of entities silent in the Directory of sources for
 * months before now (F 7 b): every contact point, less the heard ones. */
static GPtrArray *
silent_recipients (sqlite3 *db, int months, const char *language, GDateTime *now,
                   GError **error)
{
  g_autoptr (GDateTime) since = g_date_time_add_months (now, -months);
  g_autofree char *cutoff = db_time_text (since);
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT 1 FROM sources WHERE provider = ?1 COLLATE NOCASE"
      " AND (created >= ?2 OR updated >= ?2) LIMIT 1", NULL);
  if (st == NULL)
    {
      g_set_error (error, AUDIENCE_ERROR, AUDIENCE_ERROR_DB, "reading the sources: %s",
                   sqlite3_errmsg (db));
      return NULL;
    }
  g_autoptr (GPtrArray) all = audience_resolve (db, "all", language, error);
  if (all == NULL)
    return NULL;
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) recipient_free);
  for (guint i = 0; i < all->len; i++)
    {
      Recipient *r = all->pdata[i];
      gboolean heard = FALSE;
      if (!entity_heard (db, st, r->entity, cutoff, &heard, error))
        return NULL;
      if (!heard)
        g_ptr_array_add (out, g_steal_pointer (&all->pdata[i]));
    }
  return g_steal_pointer (&out);
}

/* See circular.h. */
GPtrArray *
circular_recipients (sqlite3 *db, const char *audience, const char *language, GDateTime *now,
                     GError **error)
{
  int months = silent_months (audience);
  if (months < 0)
    {
      g_set_error (error, AUDIENCE_ERROR, AUDIENCE_ERROR_INVALID,
                   "audience %s: write silent:sources:MONTHS, MONTHS from 1 to %d",
                   audience, CIRCULAR_SILENT_MONTHS_MAX);
      return NULL;
    }
  if (months > 0)
    return silent_recipients (db, months, language, now, error);
  return audience_resolve (db, audience, language, error);
}

/* A subject given by staff: one line of bounded UTF-8 text, with the
 * placeholders of the texts. */
static gboolean
subject_valid (const char *subject, GError **error)
{
  if (subject == NULL)
    return TRUE;
  gboolean ok = g_utf8_validate (subject, -1, NULL) && *subject != '\0'
                && g_utf8_strlen (subject, -1) <= CIRCULAR_SUBJECT_MAX;
  for (const char *p = subject; ok && *p != '\0'; p++)
    ok = (guchar) *p >= 0x20 && *p != 0x7f;
  GError *local = NULL;
  if (!ok)
    g_set_error (error, CIRCULAR_ERROR, CIRCULAR_ERROR_INVALID,
                 "the subject must be one line of UTF-8 text of 1 to %d characters",
                 CIRCULAR_SUBJECT_MAX);
  else if (!tpl_check (subject, 1, placeholders, &local))
    {
      g_set_error (error, CIRCULAR_ERROR, CIRCULAR_ERROR_INVALID, "the subject: %s",
                   local->message);
      g_error_free (local);
      ok = FALSE;
    }
  return ok;
}

/* Sets error to "FILE: " and the message of local (taken). */
static gboolean
text_error (GError **error, const CircularText *t, GError *local)
{
  g_set_error (error, CIRCULAR_ERROR, CIRCULAR_ERROR_INVALID, "%s: %s", t->file,
               local->message);
  g_error_free (local);
  return FALSE;
}

/* The line of s that end is on. */
static guint
line_of (const char *s, const char *end)
{
  guint line = 1;
  for (const char *p = s; p < end; p++)
    line += *p == '\n';
  return line;
}

/* The first control character of s but tab and line ends, or NULL. */
static const char *
control_char (const char *s)
{
  for (const char *p = s; *p != '\0'; p++)
    if (((guchar) *p < 0x20 && strchr ("\t\r\n", *p) == NULL) || *p == 0x7f)
      return p;
  return NULL;
}

/* The content of t as UTF-8 text with LF line ends and no byte-order mark,
 * or NULL with error naming the line of the first invalid byte. */
static char *
text_content (const CircularText *t, GError **error)
{
  const char *end = NULL;
  if (strlen (t->content) > CIRCULAR_TEXT_MAX)
    g_set_error (error, CIRCULAR_ERROR, CIRCULAR_ERROR_INVALID,
                 "%s: longer than %d bytes", t->file, CIRCULAR_TEXT_MAX);
  else if (!g_utf8_validate (t->content, -1, &end))
    g_set_error (error, CIRCULAR_ERROR, CIRCULAR_ERROR_INVALID,
                 "%s: line %u: not UTF-8 text", t->file, line_of (t->content, end));
  else if ((end = control_char (t->content)) != NULL)
    g_set_error (error, CIRCULAR_ERROR, CIRCULAR_ERROR_INVALID,
                 "%s: line %u: a control character (U+%04X)", t->file,
                 line_of (t->content, end), (guint) (guchar) *end);
  else
    {
      const char *start = g_str_has_prefix (t->content, "\xEF\xBB\xBF") ? t->content + 3
                                                                        : t->content;
      g_auto (GStrv) lines = g_strsplit (start, "\r\n", -1);
      return g_strjoinv ("\n", lines);
    }
  return NULL;
}

/* Splits a first line "Subject: ..." of content off into t->subject. */
static void
split_subject (Text *t, char *content)
{
  char *body = content;
  if (g_str_has_prefix (content, "Subject:"))
    {
      char *nl = strchr (content, '\n');
      body = nl != NULL ? nl + 1 : content + strlen (content);
      t->subject = g_strstrip (g_strndup (content + 8, (gsize) (body - content - 8)));
    }
  t->body = g_strdup (body);
}

/* Whether s has nothing but white space. */
static gboolean
blank (const char *s)
{
  while (g_ascii_isspace (*s))
    s++;
  return *s == '\0';
}

/* The subject of t is there (or given) and fits; its placeholders and
 * those of its body are known, its sections balanced. */
static gboolean
text_valid (const CircularText *in, const Text *t, const char *given, GError **error)
{
  GError *local = NULL;
  if (t->subject == NULL && given == NULL)
    g_set_error (error, CIRCULAR_ERROR, CIRCULAR_ERROR_INVALID,
                 "%s: no subject: begin it with a line \"Subject: ...\" or give --subject",
                 in->file);
  else if (t->subject != NULL && (*t->subject == '\0'
                                  || g_utf8_strlen (t->subject, -1) > CIRCULAR_SUBJECT_MAX))
    g_set_error (error, CIRCULAR_ERROR, CIRCULAR_ERROR_INVALID,
                 "%s: line 1: the subject must have 1 to %d characters", in->file,
                 CIRCULAR_SUBJECT_MAX);
  else if (blank (t->body))
    g_set_error (error, CIRCULAR_ERROR, CIRCULAR_ERROR_INVALID, "%s: no text", in->file);
  else if ((t->subject != NULL && !tpl_check (t->subject, 1, placeholders, &local))
           || !tpl_check (t->body, t->subject != NULL ? 2 : 1, placeholders, &local))
    return text_error (error, in, local);
  else
    return TRUE;
  return FALSE;
}

/* The text in of staff's, read and checked; NULL with error. */
static Text *
text_read (const CircularText *in, const char *given, GError **error)
{
  if (in->language == NULL || !g_strv_contains (form_languages, in->language))
    {
      g_autofree char *six = g_strjoinv (", ", (char **) form_languages);
      g_set_error (error, CIRCULAR_ERROR, CIRCULAR_ERROR_INVALID,
                   "%s: the language must be one of %s, not %s", in->file, six,
                   in->language != NULL ? in->language : "none");
      return NULL;
    }
  g_autofree char *content = text_content (in, error);
  if (content == NULL)
    return NULL;
  g_autoptr (Text) t = g_new0 (Text, 1);
  t->language = g_strdup (in->language);
  split_subject (t, content);
  return text_valid (in, t, given, error) ? g_steal_pointer (&t) : NULL;
}

/* The texts of n, read and checked, one a language; NULL with error. */
static GPtrArray *
texts_read (const CircularNew *n, GError **error)
{
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func ((GDestroyNotify) text_free);
  for (guint i = 0; i < n->n_texts; i++)
    {
      for (guint j = 0; j < i; j++)
        if (g_strcmp0 (n->texts[j].language, n->texts[i].language) == 0)
          {
            g_set_error (error, CIRCULAR_ERROR, CIRCULAR_ERROR_INVALID,
                         "%s and %s are both in %s: give one text a language",
                         n->texts[j].file, n->texts[i].file, n->texts[i].language);
            return NULL;
          }
      Text *t = text_read (&n->texts[i], n->subject, error);
      if (t == NULL)
        return NULL;
      g_ptr_array_add (texts, t);
    }
  return g_steal_pointer (&texts);
}

/* The template exists in English and renders with no data. */
static gboolean
template_valid (const char *template, GError **error)
{
  g_autoptr (TplData) data = tpl_data_new ();
  g_autofree char *subject = NULL;
  g_autoptr (GError) local = NULL;
  g_autofree char *body = tpl_render_message (template, "en", data, &subject, &local);
  if (body != NULL)
    return TRUE;
  g_set_error (error, CIRCULAR_ERROR, CIRCULAR_ERROR_INVALID, "%s", local->message);
  return FALSE;
}

/* Everything a circular is created from, checked before it is stored:
 * its texts in *texts (NULL with a template), its recipients returned. */
static GPtrArray *
check_parts (const Context *ctx, const CircularNew *n, GDateTime *now, GPtrArray **texts,
             GError **error)
{
  if ((n->template == NULL) == (n->n_texts == 0))
    {
      g_set_error (error, CIRCULAR_ERROR, CIRCULAR_ERROR_INVALID,
                   "a circular has a template or texts of its own, one or the other");
      return NULL;
    }
  if (n->template != NULL ? !template_valid (n->template, error)
                          : (*texts = texts_read (n, error)) == NULL)
    return NULL;
  if (!subject_valid (n->subject, error))
    return NULL;
  return circular_recipients (ctx->db, n->audience, ctx->config->language, now, error);
}

/* Stores the texts of circular c. */
static gboolean
insert_texts (sqlite3 *db, const Circular *c, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "INSERT INTO circular_texts (circular_id, position, language, subject, body)"
      " VALUES (?1, ?2, ?3, ?4, ?5)", error);
  for (guint i = 0; st != NULL && i < c->texts->len; i++)
    {
      const Text *t = c->texts->pdata[i];
      sqlite3_reset (st);
      sqlite3_bind_int64 (st, 1, c->id);
      sqlite3_bind_int (st, 2, (int) i);
      sqlite3_bind_text (st, 3, t->language, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (st, 4, t->subject, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (st, 5, t->body, -1, SQLITE_TRANSIENT);
      if (!db_step_done (db, st, "storing a circular's text", error))
        return FALSE;
    }
  return st != NULL;
}

/* Inserts the circular row of n with a new reference, and c->texts. */
static gboolean
insert_circular (const Context *ctx, const CircularNew *n, GDateTime *now, Circular *c,
                 GError **error)
{
  sqlite3 *db = ctx->db;
  g_autofree char *created = db_time_text (now);
  c->reference = db_next_reference (db, ctx->config->reference_prefix, "CIR",
                                    g_date_time_get_year (now), error);
  g_autoptr (sqlite3_stmt) st = c->reference == NULL ? NULL : db_prepare (db,
      "INSERT INTO circulars (reference, template, audience, subject, created)"
      " VALUES (?1, ?2, ?3, ?4, ?5)", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, c->reference, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, n->template != NULL ? n->template : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, n->audience, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 4, n->subject, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 5, created, -1, SQLITE_TRANSIENT);
  if (!db_step_done (db, st, "storing a circular", error))
    return FALSE;
  c->id = sqlite3_last_insert_rowid (db);
  c->state = g_strdup ("active");
  c->template = g_strdup (n->template != NULL ? n->template : "");
  c->audience = g_strdup (n->audience);
  c->subject = g_strdup (n->subject);
  return c->texts == NULL || insert_texts (db, c, error);
}

/* See circular.h. */
char *
circular_create (const Context *ctx, const CircularNew *n, GDateTime *now, GError **error)
{
  g_auto (Circular) c = { 0 };
  g_autoptr (GPtrArray) recipients = check_parts (ctx, n, now, &c.texts, error);
  if (recipients == NULL || !db_begin (ctx->db, error))
    return NULL;
  if (!insert_circular (ctx, n, now, &c, error) || !db_commit (ctx->db, error))
    {
      db_rollback (ctx->db);
      return NULL;
    }
  log_info ("circular", "circular=%s created template=%s texts=%u", c.reference,
            n->template != NULL ? n->template : "-", n->n_texts);
  return g_steal_pointer (&c.reference);
}

/* Loads the texts of circular c, in the order they were given. */
static gboolean
load_texts (sqlite3 *db, Circular *c, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT language, subject, body FROM circular_texts WHERE circular_id = ?1"
      " ORDER BY position", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, c->id);
  c->texts = g_ptr_array_new_with_free_func ((GDestroyNotify) text_free);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      Text *t = g_new0 (Text, 1);
      t->language = db_column_dup (st, 0);
      t->subject = db_column_dup (st, 1);
      t->body = db_column_dup (st, 2);
      g_ptr_array_add (c->texts, t);
    }
  if (rc == SQLITE_DONE && c->texts->len > 0)
    return TRUE;
  if (rc == SQLITE_DONE)
    g_set_error (error, CIRCULAR_ERROR, CIRCULAR_ERROR_INVALID, "%s has no text", c->reference);
  else
    db_set_error (db, error, "reading a circular's texts");
  return FALSE;
}

/* Loads the circular whose id is id, or (id 0) whose reference is
 * reference; CIRCULAR_ERROR_NOT_FOUND when there is none. */
static gboolean
load_circular (sqlite3 *db, gint64 id, const char *reference, Circular *c, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT id, reference, state, template, audience, subject, sent FROM circulars"
      " WHERE id = ?1 OR reference = upper(?2)", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, id);
  sqlite3_bind_text (st, 2, reference, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step (st);
  if (rc == SQLITE_DONE && reference != NULL)
    g_set_error (error, CIRCULAR_ERROR, CIRCULAR_ERROR_NOT_FOUND, "no circular is %s", reference);
  else if (rc == SQLITE_DONE)
    g_set_error (error, CIRCULAR_ERROR, CIRCULAR_ERROR_NOT_FOUND,
                 "no circular has id %" G_GINT64_FORMAT, id);
  else if (rc != SQLITE_ROW)
    db_set_error (db, error, "reading a circular");
  if (rc != SQLITE_ROW)
    return FALSE;
  c->id = sqlite3_column_int64 (st, 0);
  char **fields[] = { &c->reference, &c->state, &c->template, &c->audience, &c->subject,
                      &c->sent };
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    *fields[i] = db_column_dup (st, (int) i + 1);
  return *c->template != '\0' || load_texts (db, c, error);
}

/* The domain of List-Id: "circulars." and the gateway's domain in ASCII. */
static char *
list_id (const Config *config)
{
  const char *at = strrchr (config->address, '@');
  g_autofree char *ascii = g_hostname_to_ascii (at != NULL ? at + 1 : "localhost");
  g_autofree char *lower = g_ascii_strdown (ascii != NULL ? ascii : "localhost", -1);
  return g_strdup_printf ("<circulars.%s>", lower);
}

/* The data of the template for one recipient. */
static TplData *
recipient_data (const Config *config, const Circular *c, const Recipient *r, GDateTime *now)
{
  g_autoptr (GDateTime) local = g_date_time_to_timezone (now, config->zone);
  TplData *data = tpl_data_new ();
  tpl_set (data, "reference", c->reference);
  tpl_set (data, "name", r->name);
  tpl_set (data, "entity", r->entity);
  tpl_set (data, "entity_name", r->entity_name);
  tpl_set (data, "email", r->email);
  tpl_set (data, "contact_reference", r->reference);
  tpl_set (data, "address", config->address);
  tpl_set (data, "prefix", config->reference_prefix);
  tpl_set_printf (data, "year", "%d", g_date_time_get_year (local));
  g_autofree char *date = g_date_time_format (local, "%Y-%m-%d");
  tpl_set (data, "date", date);
  int months = silent_months (c->audience);
  if (months > 0)
    tpl_set_printf (data, "silent_months", "%d", months);
  lines_set_vocabulary (data, r->language);
  return data;
}

/* subject and "[reference]" after it, any other reference of the gateway
 * taken out: the subject holds one, that replies are linked by. */
static char *
subject_with_reference (const Config *config, const char *subject, const char *reference)
{
  g_autofree char *bare = form_subject_without_references (config->reference_prefix, subject);
  return g_strdup_printf ("%s [%s]", bare, reference);
}

/* The text of c in the language of code ("ru", "fr-CA"), or NULL. */
static const Text *
text_in (const Circular *c, const char *code)
{
  for (guint i = 0; code != NULL && i < c->texts->len; i++)
    {
      const Text *t = c->texts->pdata[i];
      gsize n = strlen (t->language);
      if (g_ascii_strncasecmp (code, t->language, n) == 0
          && (code[n] == '\0' || strchr ("-_.", code[n]) != NULL))
        return t;
    }
  return NULL;
}

/* The text of c that r reads: in r's language (the configured one when r
 * names none), else in the configured language, else in English, else the
 * first given. */
static const Text *
text_for (const Config *config, const Circular *c, const Recipient *r)
{
  const Text *t = text_in (c, r->language);
  if (t == NULL)
    t = text_in (c, config->language);
  if (t == NULL)
    t = text_in (c, "en");
  return t != NULL ? t : c->texts->pdata[0];
}

/* The body and *subject of c for r, rendered with data; *language the
 * language it is in. */
static char *
render_for (const Config *config, const Circular *c, const Recipient *r, const TplData *data,
            char **subject, const char **language, GError **error)
{
  if (c->texts == NULL)
    {
      *language = tpl_language (c->template, r->language, "txt");
      return tpl_render_message (c->template, r->language, data, subject, error);
    }
  const Text *t = text_for (config, c, r);
  *language = g_intern_string (t->language);
  return tpl_render_text (t->subject != NULL ? t->subject : "", t->body,
                          t->subject != NULL ? 2 : 1, t->language, data, subject, error);
}

/* The message of circular c to recipient r, in r's language. */
static GMimeMessage *
compose (const Config *config, const Circular *c, const Recipient *r, GDateTime *now,
         GError **error)
{
  g_autoptr (TplData) data = recipient_data (config, c, r, now);
  g_autofree char *subject = NULL;
  const char *language = NULL;
  g_autofree char *body = render_for (config, c, r, data, &subject, &language, error);
  if (body != NULL && c->subject != NULL)
    {
      g_free (subject);
      subject = tpl_render_line (c->subject, data, error);
    }
  if (body == NULL || subject == NULL)
    return NULL;
  g_autofree char *full = subject_with_reference (config, subject, c->reference);
  g_autofree char *id = list_id (config);
  ComposeHeaders headers = {
    .auto_submitted = "auto-generated", .to = r->email, .to_name = r->name,
    .subject = full, .list_id = id, .bulk = TRUE, .language = language,
  };
  GMimeMessage *msg = compose_message (config, &headers);
  compose_set_body (msg, compose_text_part ("plain", body));
  return msg;
}

/* The recipient of recipients whose address is to (NULL: the first);
 * NULL with error when there is none. */
static const Recipient *
recipient_to (GPtrArray *recipients, const char *to, const char *audience, GError **error)
{
  for (guint i = 0; i < recipients->len; i++)
    {
      const Recipient *r = recipients->pdata[i];
      if (to == NULL || address_equal (r->email, to))
        return r;
    }
  if (recipients->len == 0)
    g_set_error (error, CIRCULAR_ERROR, CIRCULAR_ERROR_EMPTY,
                 "the audience %s has no recipient now", audience);
  else
    g_set_error (error, CIRCULAR_ERROR, CIRCULAR_ERROR_NOT_FOUND,
                 "%s is none of the %u recipients of %s", to, recipients->len, audience);
  return NULL;
}

/* See circular.h: the circular is stored for its reference and texts,
 * then rolled back. */
GMimeMessage *
circular_preview (const Context *ctx, const CircularNew *n, const char *to, GDateTime *now,
                  GError **error)
{
  g_auto (Circular) c = { 0 };
  g_autoptr (GPtrArray) recipients = check_parts (ctx, n, now, &c.texts, error);
  const Recipient *r = recipients != NULL ? recipient_to (recipients, to, n->audience, error)
                                          : NULL;
  if (r == NULL || !db_begin (ctx->db, error))
    return NULL;
  GMimeMessage *msg = insert_circular (ctx, n, now, &c, error)
                      ? compose (ctx->config, &c, r, now, error) : NULL;
  db_rollback (ctx->db);
  return msg;
}

/* Marks the outbox row as a message of circular id. */
static gboolean
tag_row (sqlite3 *db, gint64 row, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "UPDATE outbox SET circular_id = ?1 WHERE id = ?2", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, id);
  sqlite3_bind_int64 (st, 2, row);
  return db_step_done (db, st, "recording a circular's message", error);
}

/* One sending of a circular: what each recipient's message needs, and how
 * many were queued so far. */
typedef struct {
  const Context *ctx;
  const Circular *c;
  GDateTime *now;
  guint *queued;
} Sending;

/* Queues s->c for r; a recipient the outbox refuses is skipped (not
 * counted).  FALSE for a template or database failure. */
static gboolean
queue_one (Sending *s, const Recipient *r, GError **error)
{
  const Circular *c = s->c;
  g_autoptr (GMimeMessage) msg = compose (s->ctx->config, c, r, s->now, error);
  g_autofree char *what = g_strdup_printf ("circular=%s", c->reference);
  gint64 row = 0;
  if (msg == NULL
      || !outbox_queue_or_skip (s->ctx->db, msg, r->email, "circular", "circular", what, &row,
                                error))
    return FALSE;
  if (row == 0)
    return TRUE;
  (*s->queued)++;
  return tag_row (s->ctx->db, row, c->id, error);
}

/* Records when c was sent and to how many. */
static gboolean
mark_sent (sqlite3 *db, const Circular *c, GDateTime *now, guint queued, GError **error)
{
  g_autofree char *sent = db_time_text (now);
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "UPDATE circulars SET sent = ?1, updated = ?1, recipients = ?2 WHERE id = ?3", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, sent, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 2, queued);
  sqlite3_bind_int64 (st, 3, c->id);
  return db_step_done (db, st, "recording a circular as sent", error);
}

/* Queues s->c for every recipient and marks it sent. */
static gboolean
queue_all (Sending *s, GPtrArray *recipients, GError **error)
{
  *s->queued = 0;
  for (guint i = 0; i < recipients->len; i++)
    if (!queue_one (s, recipients->pdata[i], error))
      return FALSE;
  if (!mark_sent (s->ctx->db, s->c, s->now, *s->queued, error))
    return FALSE;
  log_info ("circular", "circular=%s sent template=%s recipients=%u", s->c->reference,
            s->c->texts == NULL ? s->c->template : "-", *s->queued);
  return TRUE;
}

/* Refuses a circular that cannot be sent now. */
static gboolean
sendable (const Circular *c, gboolean again, GError **error)
{
  if (g_strcmp0 (c->state, "active") != 0)
    g_set_error (error, CIRCULAR_ERROR, CIRCULAR_ERROR_INVALID, "%s is %s: it is not sent",
                 c->reference, c->state);
  else if (c->sent != NULL && !again)
    g_set_error (error, CIRCULAR_ERROR, CIRCULAR_ERROR_SENT, "%s was sent on %s; "
                 "send it again with --again", c->reference, c->sent);
  else
    return TRUE;
  return FALSE;
}

/* The recipients of c; CIRCULAR_ERROR_EMPTY when there is none. */
static GPtrArray *
recipients_of (const Context *ctx, const Circular *c, GDateTime *now, GError **error)
{
  GPtrArray *recipients = circular_recipients (ctx->db, c->audience, ctx->config->language,
                                                now, error);
  if (recipients != NULL && recipients->len == 0)
    {
      g_set_error (error, CIRCULAR_ERROR, CIRCULAR_ERROR_EMPTY,
                   "%s: the audience %s has no recipient now", c->reference, c->audience);
      g_clear_pointer (&recipients, g_ptr_array_unref);
    }
  return recipients;
}

/* Sends the loaded circular s->c, unless again is needed and not given,
 * inside the caller's transaction. */
static gboolean
send_loaded (Sending *s, gboolean again, GError **error)
{
  if (!sendable (s->c, again, error))
    return FALSE;
  g_autoptr (GPtrArray) recipients = recipients_of (s->ctx, s->c, s->now, error);
  return recipients != NULL && queue_all (s, recipients, error);
}

/* See circular.h. */
gboolean
circular_send_id (const Context *ctx, gint64 id, gboolean again, GDateTime *now,
                  guint *queued, GError **error)
{
  g_auto (Circular) c = { 0 };
  Sending s = { ctx, &c, now, queued };
  *queued = 0;
  return load_circular (ctx->db, id, NULL, &c, error) && send_loaded (&s, again, error);
}

/* See circular.h. */
gboolean
circular_send (const Context *ctx, const char *reference, gboolean again, GDateTime *now,
               guint *queued, GError **error)
{
  g_auto (Circular) c = { 0 };
  Sending s = { ctx, &c, now, queued };
  *queued = 0;
  if (!db_begin (ctx->db, error))
    return FALSE;
  if (load_circular (ctx->db, 0, reference, &c, error)
      && send_loaded (&s, again, error)
      && db_commit (ctx->db, error))
    return TRUE;
  db_rollback (ctx->db);
  *queued = 0;
  return FALSE;
}

/* See circular.h. */
gboolean
circular_create_and_send (const Context *ctx, const CircularNew *n, GDateTime *now,
                          char **reference, guint *queued, GError **error)
{
  g_auto (Circular) c = { 0 };
  Sending s = { ctx, &c, now, queued };
  *reference = NULL;
  *queued = 0;
  if (!template_valid (n->template, error) || !subject_valid (n->subject, error))
    return FALSE;
  g_autoptr (GPtrArray) recipients = circular_recipients (ctx->db, n->audience, ctx->config->language, now, error);
  if (recipients == NULL)
    return FALSE;
  if (recipients->len == 0)
    return TRUE;
  if (!insert_circular (ctx, n, now, &c, error) || !queue_all (&s, recipients, error))
    return FALSE;
  *reference = g_steal_pointer (&c.reference);
  return TRUE;
}

/* See circular.h. */
char *
circular_reference_in_subject (const char *prefix, const char *subject)
{
  return form_subject_reference (prefix, subject, "CIR");
}

/* The id of the circular reference, 0 when there is none, -1 on failure. */
static gint64
circular_id (sqlite3 *db, const char *reference, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT id FROM circulars WHERE reference = ?1", error);
  if (st == NULL)
    return -1;
  sqlite3_bind_text (st, 1, reference, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (st, 0);
  if (rc == SQLITE_DONE)
    return 0;
  db_set_error (db, error, "looking up a circular");
  return -1;
}

/* See circular.h. */
gboolean
circular_link_reply (const Context *ctx, gint64 submission_id, const char *subject,
                     GError **error)
{
  sqlite3 *db = ctx->db;
  g_autofree char *reference = circular_reference_in_subject (ctx->config->reference_prefix,
                                                              subject);
  gint64 id = reference != NULL ? circular_id (db, reference, error) : 0;
  if (id <= 0)
    return id == 0;
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "UPDATE submissions SET circular_id = ?1 WHERE id = ?2", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, id);
  sqlite3_bind_int64 (st, 2, submission_id);
  if (!db_step_done (db, st, "linking a reply to its circular", error))
    return FALSE;
  log_info ("circular", "circular=%s reply-submission=%" G_GINT64_FORMAT, reference,
            submission_id);
  return TRUE;
}
