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
#include "gateway/mail/compose.h"
#include "gateway/base/template.h"
#include "parsers/form.h"

G_DEFINE_QUARK (ctcgw-circular-error-quark, circular_error)

#define SILENT_SOURCES "silent:sources:"

/* One circular row, as sending needs it. */
typedef struct {
  gint64 id;
  char *reference;
  char *state;
  char *template;
  char *audience;
  char *subject;   /* NULL: the template's */
  char *sent;      /* NULL: never sent */
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

/* A subject given by staff: one line of bounded UTF-8 text. */
static gboolean
subject_valid (const char *subject, GError **error)
{
  if (subject == NULL)
    return TRUE;
  gboolean ok = g_utf8_validate (subject, -1, NULL) && *subject != '\0'
                && g_utf8_strlen (subject, -1) <= CIRCULAR_SUBJECT_MAX;
  for (const char *p = subject; ok && *p != '\0'; p++)
    ok = (guchar) *p >= 0x20 && *p != 0x7f;
  if (!ok)
    g_set_error (error, CIRCULAR_ERROR, CIRCULAR_ERROR_INVALID,
                 "the subject must be one line of UTF-8 text of 1 to %d characters",
                 CIRCULAR_SUBJECT_MAX);
  return ok;
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

/* Everything a circular is created from, checked before it is stored. */
static gboolean
check_parts (const Context *ctx, const CircularNew *n, GDateTime *now, GError **error)
{
  if (!template_valid (n->template, error) || !subject_valid (n->subject, error))
    return FALSE;
  g_autoptr (GPtrArray) recipients = circular_recipients (ctx->db, n->audience, ctx->config->language, now, error);
  return recipients != NULL;
}

/* Inserts the circular row of n with a new reference. */
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
  sqlite3_bind_text (st, 2, n->template, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, n->audience, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 4, n->subject, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 5, created, -1, SQLITE_TRANSIENT);
  if (!db_step_done (db, st, "storing a circular", error))
    return FALSE;
  c->id = sqlite3_last_insert_rowid (db);
  c->state = g_strdup ("active");
  c->template = g_strdup (n->template);
  c->audience = g_strdup (n->audience);
  c->subject = g_strdup (n->subject);
  return TRUE;
}

/* See circular.h. */
char *
circular_create (const Context *ctx, const CircularNew *n, GDateTime *now, GError **error)
{
  g_auto (Circular) c = { 0 };
  if (!check_parts (ctx, n, now, error) || !db_begin (ctx->db, error))
    return NULL;
  if (!insert_circular (ctx, n, now, &c, error) || !db_commit (ctx->db, error))
    {
      db_rollback (ctx->db);
      return NULL;
    }
  log_info ("circular", "circular=%s created template=%s", c.reference, n->template);
  return g_steal_pointer (&c.reference);
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
  return TRUE;
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

/* The message of circular c to recipient r, in r's language. */
static GMimeMessage *
compose (const Config *config, const Circular *c, const Recipient *r, GDateTime *now,
         GError **error)
{
  g_autoptr (TplData) data = recipient_data (config, c, r, now);
  g_autofree char *subject = NULL;
  g_autofree char *body = tpl_render_message (c->template, r->language, data, &subject, error);
  if (body == NULL)
    return NULL;
  g_autofree char *full = subject_with_reference (config, c->subject != NULL ? c->subject : subject,
                                                 c->reference);
  g_autofree char *id = list_id (config);
  ComposeHeaders headers = {
    .auto_submitted = "auto-generated", .to = r->email, .to_name = r->name,
    .subject = full, .list_id = id, .bulk = TRUE,
    .language = tpl_language (c->template, r->language, "txt"),
  };
  GMimeMessage *msg = compose_message (config, &headers);
  compose_set_body (msg, compose_text_part ("plain", body));
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
  GError *local = NULL;
  g_autoptr (GMimeMessage) msg = compose (s->ctx->config, c, r, s->now, error);
  if (msg == NULL)
    return FALSE;
  gint64 row = outbox_queue (s->ctx->db, msg, r->email, 0, "circular", &local);
  if (row == 0 && g_error_matches (local, OUTBOX_ERROR, OUTBOX_ERROR_RECIPIENT))
    {
      g_autofree char *who = log_escape (r->email);
      log_warn ("circular", "circular=%s skipped=%s: %s", c->reference, who, local->message);
      g_error_free (local);
      return TRUE;
    }
  if (row == 0)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
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
            s->c->template, *s->queued);
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
