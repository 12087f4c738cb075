/* Country visits: the visit row and its invitation row, requests for
 * information with their reminders, and the confidential needs
 * assessment, shared only as the State consented. */

#include <string.h>

#include "gateway/store/audience.h"
#include "gateway/store/countries.h"
#include "gateway/store/db.h"
#include "gateway/base/log.h"
#include "gateway/flows/meeting.h"
#include "gateway/flows/outbox.h"
#include "gateway/flows/lines.h"
#include "gateway/mail/compose.h"
#include "gateway/base/template.h"
#include "gateway/flows/visit.h"
#include "parsers/fail.h"

G_DEFINE_QUARK (ctcgw-visit-error-quark, visit_error)

/* Organizations one visit may name, at most. */
#define VISIT_ORGANIZATIONS_MAX 100

/* One visit row, as the requests and sharing need it. */
typedef struct {
  gint64 id;
  char *reference;
  char *state_code;
  char *state_name;
  char *start;
  char *end;
  char *organizations;  /* JSON array of codes */
  char *status;         /* planned, cancelled */
} Visit;

static void
visit_clear (Visit *v)
{
  g_free (v->reference);
  g_free (v->state_code);
  g_free (v->state_name);
  g_free (v->start);
  g_free (v->end);
  g_free (v->organizations);
  g_free (v->status);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Visit, visit_clear)

/* A visit command refused with code: the message says why. */
#define refuse(error, code, ...) fail_with (error, VISIT_ERROR, code, __VA_ARGS__)

/* The canonical code of an entity of kind ("state" or "organization")
 * written text, or NULL with VISIT_ERROR_INVALID. */
static char *
entity_of_kind (sqlite3 *db, const char *text, const char *kind, GError **error)
{
  g_autofree char *near = NULL;
  g_autofree char *code = db_entity_resolve (db, text, &near);
  g_autoptr (sqlite3_stmt) st = code == NULL ? NULL : db_prepare (db,
      "SELECT 1 FROM entities WHERE code = ?1 AND kind = ?2", NULL);
  if (st != NULL)
    {
      sqlite3_bind_text (st, 1, code, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (st, 2, kind, -1, SQLITE_STATIC);
      if (sqlite3_step (st) == SQLITE_ROW)
        return g_steal_pointer (&code);
    }
  if (code != NULL)
    refuse (error, VISIT_ERROR_INVALID, "%s is not a registered %s", code, kind);
  else if (near != NULL)
    refuse (error, VISIT_ERROR_INVALID, "unknown %s \"%s\"; did you mean \"%s\"?", kind, text, near);
  else
    refuse (error, VISIT_ERROR_INVALID, "unknown %s \"%s\"", kind, text);
  return NULL;
}

/* The organizations of list as a JSON array and as an audience. */
static gboolean
organizations_read (sqlite3 *db, const char *list, char **json, char **audience, GError **error)
{
  g_auto (GStrv) parts = g_strsplit_set (list != NULL ? list : "", ",;", -1);
  g_autoptr (GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *word = g_strstrip (parts[i]);
      if (*word == '\0')
        continue;
      if (codes->len >= VISIT_ORGANIZATIONS_MAX)
        return refuse (error, VISIT_ERROR_INVALID, "a visit names %d organizations at most",
                       VISIT_ORGANIZATIONS_MAX);
      char *code = entity_of_kind (db, word, "organization", error);
      if (code == NULL)
        return FALSE;
      if (!g_ptr_array_find_with_equal_func (codes, code, g_str_equal, NULL))
        g_ptr_array_add (codes, code);
      else
        g_free (code);
    }
  if (codes->len == 0)
    return refuse (error, VISIT_ERROR_INVALID, "name the participating organizations"
                   " (UNODC,OSCE)");
  GString *j = g_string_new ("["), *a = g_string_new ("entities:");
  for (guint i = 0; i < codes->len; i++)
    {
      /* Codes come from the entities register: letters, digits and '-'. */
      g_string_append_printf (j, "%s\"%s\"", i > 0 ? "," : "", (char *) codes->pdata[i]);
      g_string_append_printf (a, "%s%s", i > 0 ? "," : "", (char *) codes->pdata[i]);
    }
  g_string_append_c (j, ']');
  *json = g_string_free (j, FALSE);
  *audience = g_string_free (a, FALSE);
  return TRUE;
}

/* The title of a visit's invitation, from the template visit-title. */
static char *
visit_title (sqlite3 *db, const char *state, GError **error)
{
  g_autoptr (TplData) data = tpl_data_new ();
  g_autoptr (sqlite3_stmt) st = db_prepare (db, "SELECT name FROM entities WHERE code = ?1", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_text (st, 1, state, -1, SQLITE_TRANSIENT);
  tpl_set (data, "state", state);
  tpl_set (data, "state_name", sqlite3_step (st) == SQLITE_ROW
                                   ? (const char *) sqlite3_column_text (st, 0) : state);
  g_autofree char *subject = NULL;
  g_autofree char *body = tpl_render_message ("visit-title", "en", data, &subject, error);
  return body != NULL ? g_steal_pointer (&subject) : NULL;
}

/* Inserts the visit row of v (its reference, State, dates and
 * organizations), linked to its invitation's row. */
static gboolean
insert_visit (sqlite3 *db, const Visit *v, gint64 meeting_id, GDateTime *now, GError **error)
{
  g_autofree char *created = db_time_text (now);
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "INSERT INTO visits (reference, state_code, start_date, end_date, organizations,"
      " status, meeting_id, created, updated) VALUES (?1, ?2, ?3, ?4, ?5, 'planned', ?6, ?7, ?7)",
      error);
  if (st == NULL)
    return FALSE;
  const char *texts[] = { v->reference, v->state_code, v->start, v->end, v->organizations };
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    sqlite3_bind_text (st, (int) i + 1, texts[i], -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 6, meeting_id);
  sqlite3_bind_text (st, 7, created, -1, SQLITE_TRANSIENT);
  return db_step_done (db, st, "storing a visit", error);
}

/* visit_create inside the caller's transaction. */
static char *
create_in (const Context *ctx, const VisitNew *n, GDateTime *now, GError **error)
{
  sqlite3 *db = ctx->db;
  g_auto (Visit) v = { 0 };
  g_autofree char *audience = NULL;
  v.state_code = entity_of_kind (db, n->state, "state", error);
  if (v.state_code == NULL
      || !organizations_read (db, n->organizations, &v.organizations, &audience, error))
    return NULL;
  g_autofree char *title = visit_title (db, v.state_code, error);
  v.reference = title == NULL ? NULL
      : db_next_reference (db, ctx->config->reference_prefix, "VIS", g_date_time_get_year (now),
                           error);
  if (v.reference == NULL)
    return NULL;
  v.start = g_strdup (n->start);
  v.end = g_strdup (n->end);
  const char *place = n->location != NULL && *n->location != '\0' ? n->location : NULL;
  MeetingNew m = { .kind = "visit", .reference = v.reference, .title = title, .start = v.start,
                   .end = v.end, .location = place, .audience = audience };
  gint64 meeting_id = 0;
  g_autofree char *stored = meeting_insert (ctx, &m, now, &meeting_id, error);
  if (stored == NULL || !insert_visit (db, &v, meeting_id, now, error))
    return NULL;
  return g_steal_pointer (&v.reference);
}

/* See visit.h. */
char *
visit_create (const Context *ctx, const VisitNew *n, GDateTime *now, GError **error)
{
  sqlite3 *db = ctx->db;
  if (!db_begin (db, error))
    return NULL;
  char *reference = create_in (ctx, n, now, error);
  if (reference != NULL && db_commit (db, error))
    {
      log_info ("visit", "visit=%s created", reference);
      return reference;
    }
  db_rollback (db);
  g_free (reference);
  return NULL;
}

/* Loads the visit reference (any case), or its row id when reference is
 * NULL. */
static gboolean
load_visit (sqlite3 *db, const char *reference, gint64 id, Visit *v, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT v.id, v.reference, v.state_code, coalesce(e.name, v.state_code), v.start_date,"
      " v.end_date, v.organizations, v.status FROM visits v LEFT JOIN entities e ON e.code = v.state_code"
      " WHERE v.reference = upper(?1) OR v.id = ?2", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, reference, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 2, id);
  int rc = sqlite3_step (st);
  if (rc == SQLITE_DONE)
    return refuse (error, VISIT_ERROR_NOT_FOUND, "no visit is %s",
                   reference != NULL ? reference : "(unknown)");
  if (rc != SQLITE_ROW)
    {
      db_set_error (db, error, "reading a visit");
      return FALSE;
    }
  v->id = sqlite3_column_int64 (st, 0);
  char **texts[] = { &v->reference, &v->state_code, &v->state_name, &v->start, &v->end,
                     &v->organizations, &v->status };
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    *texts[i] = db_column_dup (st, (int) i + 1);
  return TRUE;
}

/* The audience of the visit's organizations ("entities:A,B"). */
static char *
organizations_audience (sqlite3 *db, const Visit *v, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT 'entities:' || group_concat(value, ',') FROM json_each(CASE WHEN"
      " json_valid(?1) THEN ?1 ELSE '[]' END)", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_text (st, 1, v->organizations, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      db_set_error (db, error, "reading a visit's organizations");
      return NULL;
    }
  const char *a = (const char *) sqlite3_column_text (st, 0);
  if (a == NULL)
    {
      refuse (error, VISIT_ERROR_INVALID, "%s names no organization", v->reference);
      return NULL;
    }
  /* An organization deactivated since the visit was created no longer
   * resolves: it is left out, and said so, so the others still hear. */
  g_autoptr (GPtrArray) inactive = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) local = NULL;
  char *audience = audience_without_inactive (db, a, inactive, &local);
  if (audience == NULL && g_error_matches (local, AUDIENCE_ERROR, AUDIENCE_ERROR_DB))
    db_set_error (db, error, "reading a visit's organizations");
  else if (audience == NULL && inactive->len > 0)
    {
      g_ptr_array_add (inactive, NULL);
      g_autofree char *names = g_strjoinv (", ", (char **) inactive->pdata);
      g_ptr_array_remove_index (inactive, inactive->len - 1);
      refuse (error, VISIT_ERROR_INVALID, "every organization of %s is inactive in the entities"
              " register (%s): nothing was sent", v->reference, names);
    }
  else if (audience == NULL)
    refuse (error, VISIT_ERROR_INVALID, "%s: %s", v->reference, local->message);
  for (guint i = 0; i < inactive->len; i++)
    log_warn ("visit", "visit=%s organization=%s skipped: it is inactive", v->reference,
              (char *) inactive->pdata[i]);
  return audience;
}

/* Resolves audience (ctx's language for contact points that name none); a
 * failure of the database stays DB_ERROR. */
static GPtrArray *
recipients_of (const Context *ctx, const char *audience, GError **error)
{
  sqlite3 *db = ctx->db;
  g_autoptr (GError) local = NULL;
  GPtrArray *r = audience_resolve (db, audience, ctx->config->language, &local);
  if (r == NULL && g_error_matches (local, AUDIENCE_ERROR, AUDIENCE_ERROR_DB))
    db_set_error (db, error, "resolving an audience");
  else if (r == NULL)
    refuse (error, VISIT_ERROR_INVALID, "%s", local->message);
  return r;
}

/* The data of the visit's templates for recipient r: the State named in
 * r's language where the catalogues have it. */
static TplData *
visit_data (const Context *ctx, const Visit *v, const Recipient *r)
{
  const Config *config = ctx->config;
  const char *shown = country_names_shown (country_names_default (ctx->db), v->state_code,
                                           r->language);
  TplData *data = tpl_data_new ();
  tpl_set (data, "reference", v->reference);
  tpl_set (data, "state", v->state_code);
  tpl_set (data, "state_name", shown != NULL ? shown : v->state_name);
  tpl_set (data, "start", v->start);
  tpl_set (data, "end", v->end);
  tpl_set (data, "name", r->name);
  tpl_set (data, "entity", r->entity);
  tpl_set (data, "entity_name", r->entity_name);
  tpl_set (data, "address", config->address);
  tpl_set (data, "organizer", config->name);
  tpl_set (data, "prefix", config->reference_prefix);
  lines_set_vocabulary (data, r->language);
  return data;
}

/* One mailing about visit v: the template each message is rendered from,
 * the kind of its outbox rows, and the count of those queued. */
typedef struct {
  const Context *ctx;
  const Visit *v;
  const char *template;
  const char *kind;
  guint *queued;
} Mailing;

/* Queues mailing m's template for r with data.  A recipient the outbox
 * refuses is skipped. */
static gboolean
queue_text (const Mailing *m, const TplData *data, const Recipient *r, GError **error)
{
  const Visit *v = m->v;
  g_autofree char *subject = NULL;
  g_autofree char *body = tpl_render_message (m->template, r->language, data, &subject, error);
  if (body == NULL)
    return FALSE;
  g_autofree char *full = g_strdup_printf ("%s [%s]", subject, v->reference);
  ComposeHeaders headers = {
    .auto_submitted = "auto-generated", .to = r->email, .to_name = r->name, .subject = full,
    .language = tpl_language (m->template, r->language, "txt"),
  };
  g_autoptr (GMimeMessage) msg = compose_message (m->ctx->config, &headers);
  compose_set_body (msg, compose_text_part ("plain", body));
  g_autofree char *what = g_strdup_printf ("visit=%s", v->reference);
  gint64 row = 0;
  if (!outbox_queue_or_skip (m->ctx->db, msg, r->email, m->kind, "visit", what, &row, error))
    return FALSE;
  *m->queued += row > 0;
  return TRUE;
}

/* When the reminder of a request due on due goes out (UTC text), or NULL
 * when that time is not after now. */
static char *
reminder_time (const Config *config, GDate *due, GDateTime *now)
{
  g_autoptr (GDateTime) at_due = g_date_time_new (config->zone, g_date_get_year (due),
                                                  g_date_get_month (due), g_date_get_day (due),
                                                  9, 0, 0);
  g_autoptr (GDateTime) at = at_due != NULL ? g_date_time_add_days (at_due, -VISIT_REMINDER_DAYS)
                                            : NULL;
  if (at == NULL || g_date_time_compare (at, now) <= 0)
    return NULL;
  return db_time_text (at);
}

/* Reads due: a date YYYY-MM-DD, today (in the configured zone) or later. */
static gboolean
due_read (const Config *config, const char *text, GDateTime *now, GDate *due, GError **error)
{
  g_date_clear (due, 1);
  if (text != NULL && strlen (text) == 10 && text[4] == '-' && text[7] == '-')
    g_date_set_parse (due, text);
  g_autofree char *back = g_date_valid (due)
      ? g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (due), g_date_get_month (due),
                         g_date_get_day (due)) : NULL;
  if (back == NULL || strcmp (back, text) != 0)
    return refuse (error, VISIT_ERROR_INVALID, "--due %s: write a date YYYY-MM-DD",
                   text != NULL ? text : "(none)");
  g_autoptr (GDateTime) local = g_date_time_to_timezone (now, config->zone);
  g_autofree char *today = g_date_time_format (local, "%Y-%m-%d");
  if (strcmp (back, today) < 0)
    return refuse (error, VISIT_ERROR_INVALID, "--due %s is in the past (today is %s)", text, today);
  return TRUE;
}

/* One request for information, as it is recorded. */
typedef struct {
  const char *due;        /* YYYY-MM-DD */
  const char *remind_at;  /* UTC text; NULL: no reminder */
  guint recipients;
} Request;

/* Records the request req for v. */
static gboolean
insert_request (sqlite3 *db, const Visit *v, const Request *req, GDateTime *now,
                GError **error)
{
  g_autofree char *created = db_time_text (now);
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "INSERT INTO visit_requests (visit_id, due, remind_at, recipients, created)"
      " VALUES (?1, ?2, ?3, ?4, ?5)", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, v->id);
  sqlite3_bind_text (st, 2, req->due, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, req->remind_at, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 4, req->recipients);
  sqlite3_bind_text (st, 5, created, -1, SQLITE_TRANSIENT);
  return db_step_done (db, st, "recording a request for information", error);
}

/* visit_request_info inside the caller's transaction. */
static gboolean
request_in (const Context *ctx, const char *reference, const char *due_text, GDateTime *now,
            guint *queued, GError **error)
{
  sqlite3 *db = ctx->db;
  const Config *config = ctx->config;
  g_auto (Visit) v = { 0 };
  GDate due;
  if (!load_visit (db, reference, 0, &v, error) || !due_read (config, due_text, now, &due, error))
    return FALSE;
  if (g_strcmp0 (v.status, "cancelled") == 0)
    return refuse (error, VISIT_ERROR_INVALID, "%s is cancelled: nothing is sent for it",
                   v.reference);
  g_autofree char *audience = organizations_audience (db, &v, error);
  g_autoptr (GPtrArray) recipients = audience == NULL ? NULL : recipients_of (ctx, audience, error);
  if (recipients == NULL)
    return FALSE;
  if (recipients->len == 0)
    return refuse (error, VISIT_ERROR_INVALID, "the organizations of %s have no active contact"
                   " point: nothing was sent", v.reference);
  g_autofree char *remind_at = reminder_time (config, &due, now);
  Mailing m = { ctx, &v, "visit-request-info", "visit-request", queued };
  for (guint i = 0; i < recipients->len; i++)
    {
      g_autoptr (TplData) data = visit_data (ctx, &v, recipients->pdata[i]);
      tpl_set (data, "due", due_text);
      if (!queue_text (&m, data, recipients->pdata[i], error))
        return FALSE;
    }
  Request req = { due_text, remind_at, *queued };
  return insert_request (db, &v, &req, now, error);
}

/* See visit.h. */
gboolean
visit_request_info (const Context *ctx, const char *reference, const char *due,
                    GDateTime *now, guint *queued, GError **error)
{
  sqlite3 *db = ctx->db;
  *queued = 0;
  if (!db_begin (db, error))
    return FALSE;
  if (request_in (ctx, reference, due, now, queued, error) && db_commit (db, error))
    return TRUE;
  db_rollback (db);
  *queued = 0;
  return FALSE;
}

/* The entities that sent visit-information for v. */
static GHashTable *
informed (sqlite3 *db, const Visit *v, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT DISTINCT upper(entity) FROM visit_information WHERE visit = ?1"
      " AND state = 'active' AND entity IS NOT NULL", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_text (st, 1, v->reference, -1, SQLITE_TRANSIENT);
  g_autoptr (GHashTable) set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_hash_table_add (set, db_column_dup (st, 0));
  if (rc != SQLITE_DONE)
    {
      db_set_error (db, error, "reading the visit's information");
      return NULL;
    }
  return g_steal_pointer (&set);
}

/* A request for information whose reminder is due. */
typedef struct {
  gint64 id;
  gint64 visit_id;
  char *due;   /* YYYY-MM-DD */
} DueRequest;

static void
due_request_clear (DueRequest *d)
{
  g_free (d->due);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DueRequest, due_request_clear)

/* Reminds, for the request d, those who sent nothing. */
static gboolean
remind_one (const Context *ctx, const DueRequest *d, GDateTime *now, GError **error)
{
  sqlite3 *db = ctx->db;
  gint64 id = d->id;
  const char *due = d->due;
  g_auto (Visit) v = { 0 };
  guint queued = 0;
  Mailing m = { ctx, &v, "visit-reminder", "visit-reminder", &queued };
  if (!load_visit (db, NULL, d->visit_id, &v, error))
    return FALSE;
  g_autofree char *audience = organizations_audience (db, &v, error);
  g_autoptr (GPtrArray) recipients = audience == NULL ? NULL : recipients_of (ctx, audience, error);
  g_autoptr (GHashTable) done = recipients == NULL ? NULL : informed (db, &v, error);
  if (done == NULL)
    return FALSE;
  for (guint i = 0; i < recipients->len; i++)
    {
      Recipient *r = recipients->pdata[i];
      g_autofree char *code = g_ascii_strup (r->entity, -1);
      if (g_hash_table_contains (done, code))
        continue;
      g_autoptr (TplData) data = visit_data (ctx, &v, r);
      tpl_set (data, "due", due);
      if (!queue_text (&m, data, r, error))
        return FALSE;
    }
  g_autofree char *at = db_time_text (now);
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "UPDATE visit_requests SET reminded = ?1, reminders = ?3 WHERE id = ?2", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, at, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 2, id);
  sqlite3_bind_int64 (st, 3, queued);
  log_info ("visit", "visit=%s reminded=%u due=%s", v.reference, queued, due);
  return db_step_done (db, st, "recording a reminder", error);
}

/* Records request id as done without a reminder: it could not be sent
 * for a reason that trying again does not mend (message). */
static gboolean
remind_failed (sqlite3 *db, gint64 id, const char *message, GDateTime *now, GError **error)
{
  g_autofree char *at = db_time_text (now);
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "UPDATE visit_requests SET reminded = ?1, reminders = 0, last_error = ?2 WHERE id = ?3",
      error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, at, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, message, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 3, id);
  if (!db_step_done (db, st, "recording a failed reminder", error))
    return FALSE;
  g_autofree char *why = log_escape (message);
  log_warn ("visit", "request=%" G_GINT64_FORMAT " reminder not sent: %s", id, why);
  return TRUE;
}

/* A request whose visit is not cancelled: no reminder for those. */
#define OPEN_VISIT \
  "visit_id NOT IN (SELECT id FROM visits WHERE status = 'cancelled')"

/* The next due reminder at now, in d; FALSE when there is none (or on
 * error, then set). */
static gboolean
next_due (sqlite3 *db, GDateTime *now, DueRequest *d, GError **error)
{
  g_autofree char *limit = db_time_text (now);
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT id, visit_id, due FROM visit_requests WHERE reminded IS NULL"
      " AND remind_at IS NOT NULL AND remind_at <= ?1 AND " OPEN_VISIT
      " ORDER BY remind_at, id LIMIT 1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, limit, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step (st);
  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        db_set_error (db, error, "reading the requests for information");
      return FALSE;
    }
  d->id = sqlite3_column_int64 (st, 0);
  d->visit_id = sqlite3_column_int64 (st, 1);
  d->due = db_column_dup (st, 2);
  return TRUE;
}

/* See visit.h. */
gboolean
visit_remind_due (const Context *ctx, GDateTime *now, GError **error)
{
  sqlite3 *db = ctx->db;
  for (guint n = 0; n < 1000; n++)
    {
      g_auto (DueRequest) d = { 0 };
      GError *local = NULL;
      if (!next_due (db, now, &d, &local))
        {
          if (local == NULL)
            return TRUE;
          g_propagate_error (error, local);
          return FALSE;
        }
      if (!db_begin (db, error))
        return FALSE;
      if (remind_one (ctx, &d, now, &local) && db_commit (db, &local))
        continue;
      db_rollback (db);
      if (local == NULL)
        g_set_error_literal (&local, VISIT_ERROR, VISIT_ERROR_INVALID, "no reminder was sent");
      /* Only a failing database is worth trying again; anything else
       * would fail at every pass and hold back every later reminder. */
      if (local->domain == DB_ERROR || !remind_failed (db, d.id, local->message, now, error))
        {
          if (local->domain == DB_ERROR)
            g_propagate_error (error, local);
          else
            g_error_free (local);
          return FALSE;
        }
      g_error_free (local);
    }
  return TRUE;
}

/* See visit.h. */
guint
visit_seconds_until_due (sqlite3 *db, GDateTime *now)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT min(remind_at) FROM visit_requests WHERE reminded IS NULL AND " OPEN_VISIT, NULL);
  if (st == NULL || sqlite3_step (st) != SQLITE_ROW || sqlite3_column_text (st, 0) == NULL)
    return G_MAXUINT;
  g_autoptr (GDateTime) next = g_date_time_new_from_iso8601 (
      (const char *) sqlite3_column_text (st, 0), NULL);
  if (next == NULL)
    return G_MAXUINT;
  GTimeSpan span = g_date_time_difference (next, now);
  if (span <= 0)
    return 60;
  GTimeSpan seconds = (span + G_TIME_SPAN_SECOND - 1) / G_TIME_SPAN_SECOND + 1;
  return (guint) MIN (seconds, (GTimeSpan) G_MAXUINT - 1);
}

/* See visit.h. */
gboolean
visit_assess (sqlite3 *db, const char *reference, const char *text, const char *by,
              GError **error)
{
  g_auto (Visit) v = { 0 };
  if (text == NULL || !g_utf8_validate (text, -1, NULL) || strlen (text) > VISIT_ASSESSMENT_MAX
      || strspn (text, " \t\r\n") == strlen (text))
    return refuse (error, VISIT_ERROR_INVALID, "the assessment must be UTF-8 text of 1 to %d"
                   " bytes", VISIT_ASSESSMENT_MAX);
  if (!load_visit (db, reference, 0, &v, error))
    return FALSE;
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "INSERT INTO assessments (visit_id, text, created_by) VALUES (?1, ?2, ?3)", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, v.id);
  sqlite3_bind_text (st, 2, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, by, -1, SQLITE_TRANSIENT);
  if (!db_step_done (db, st, "storing an assessment", error))
    return FALSE;
  log_info ("visit", "visit=%s assessment=%" G_GINT64_FORMAT " stored", v.reference,
            (gint64) sqlite3_last_insert_rowid (db));
  return TRUE;
}

/* The latest assessment of v: its id and text. */
static gboolean
latest_assessment (sqlite3 *db, const Visit *v, gint64 *id, char **text, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT id, text FROM assessments WHERE visit_id = ?1 ORDER BY id DESC LIMIT 1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, v->id);
  int rc = sqlite3_step (st);
  if (rc == SQLITE_DONE)
    return refuse (error, VISIT_ERROR_NO_ASSESSMENT, "%s has no needs assessment: record it"
                   " first with `visit assess %s --file FILE`", v->reference, v->reference);
  if (rc != SQLITE_ROW)
    {
      db_set_error (db, error, "reading an assessment");
      return FALSE;
    }
  *id = sqlite3_column_int64 (st, 0);
  *text = db_column_dup (st, 1);
  return TRUE;
}

/* Every donor: the providers of active assistance offers and of active
 * information sources of kind funding. */
#define DONORS_SQL \
  "SELECT DISTINCT upper(p.value) FROM offers o, json_each(CASE WHEN json_valid(o.providers)" \
  " THEN o.providers ELSE '[]' END) p WHERE o.state = 'active'" \
  " UNION SELECT upper(provider) FROM sources WHERE state = 'active' AND kind = 'funding'"

/* The entities the State's latest consent names (donors expanded), or
 * VISIT_ERROR_NO_CONSENT. */
static GPtrArray *
consented (sqlite3 *db, const Visit *v, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "WITH c AS (SELECT consent, CASE WHEN json_valid(recipients) THEN recipients"
      "  ELSE '[]' END AS r FROM visit_consents WHERE visit = ?1 AND state = 'active'"
      "  ORDER BY id DESC LIMIT 1)"
      " SELECT consent, NULL FROM c UNION ALL"
      " SELECT NULL, upper(value) FROM c, json_each(c.r) WHERE lower(value) <> 'all-donors'"
      " UNION SELECT NULL, d.* FROM c, (" DONORS_SQL ") d WHERE EXISTS (SELECT 1"
      "  FROM json_each(c.r) WHERE lower(value) = 'all-donors')", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_text (st, 1, v->reference, -1, SQLITE_TRANSIENT);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *consent = NULL;
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    if (sqlite3_column_type (st, 0) != SQLITE_NULL)
      consent = db_column_dup (st, 0);
    else if (!g_ptr_array_find_with_equal_func (out, sqlite3_column_text (st, 1), g_str_equal, NULL))
      g_ptr_array_add (out, db_column_dup (st, 1));
  if (rc != SQLITE_DONE)
    {
      db_set_error (db, error, "reading the visit's consent");
      return NULL;
    }
  if (consent == NULL)
    refuse (error, VISIT_ERROR_NO_CONSENT, "%s (%s) has sent no visit-consent for %s:"
            " the needs assessment is confidential and was not shared", v->state_name,
            v->state_code, v->reference);
  else if (strcmp (consent, "yes") != 0)
    refuse (error, VISIT_ERROR_NO_CONSENT, "%s (%s) said no in its latest visit-consent for %s:"
            " the needs assessment was not shared", v->state_name, v->state_code, v->reference);
  else if (out->len == 0)
    refuse (error, VISIT_ERROR_NO_CONSENT, "the visit-consent of %s for %s names no recipient"
            " (no donor is registered for all-donors): the needs assessment was not shared",
            v->state_code, v->reference);
  else
    return g_steal_pointer (&out);
  return NULL;
}

/* Whether assessment id was shared with entity before. */
static gboolean
shared_before (sqlite3 *db, gint64 id, const char *entity, gboolean *before, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT 1 FROM assessment_shares WHERE assessment_id = ?1 AND entity = ?2 COLLATE NOCASE",
      error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, id);
  sqlite3_bind_text (st, 2, entity, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step (st);
  *before = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;
  db_set_error (db, error, "reading the sharings");
  return FALSE;
}

/* Records that assessment id goes to entity (a code), before anything is
 * queued: an entity that is not in the register fails here, so nothing
 * is sent unrecorded. */
static gboolean
record_share (sqlite3 *db, gint64 id, const char *entity, GDateTime *now, GError **error)
{
  g_autofree char *at = db_time_text (now);
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "INSERT INTO assessment_shares (assessment_id, entity, shared)"
      " SELECT ?1, code, ?3 FROM entities WHERE code = ?2 COLLATE NOCASE", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, id);
  sqlite3_bind_text (st, 2, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, at, -1, SQLITE_TRANSIENT);
  if (!db_step_done (db, st, "recording a sharing", error))
    return FALSE;
  if (sqlite3_changes (db) != 1)
    return refuse (error, VISIT_ERROR_INVALID, "%s is not in the entities register: the needs"
                   " assessment was not shared", entity);
  return TRUE;
}

/* Takes back the record of a sharing that reached nobody. */
static gboolean
unrecord_share (sqlite3 *db, gint64 id, const char *entity, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "DELETE FROM assessment_shares WHERE assessment_id = ?1 AND entity = ?2 COLLATE NOCASE",
      error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, id);
  sqlite3_bind_text (st, 2, entity, -1, SQLITE_TRANSIENT);
  return db_step_done (db, st, "recording a sharing", error);
}

/* What became of the sharing with one entity. */
typedef enum { SHARE_SENT, SHARE_NO_CONTACT, SHARE_INACTIVE } ShareOutcome;

/* The contact points of entity, or an empty array with *inactive TRUE
 * when the entity was deactivated. */
static GPtrArray *
share_recipients (const Context *ctx, const char *entity, gboolean *inactive, GError **error)
{
  sqlite3 *db = ctx->db;
  g_autofree char *written = g_strdup_printf ("entities:%s", entity);
  g_autoptr (GPtrArray) dropped = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) local = NULL;
  g_autofree char *audience = audience_without_inactive (db, written, dropped, &local);
  *inactive = dropped->len > 0;
  if (*inactive)
    return g_ptr_array_new ();
  if (audience == NULL && g_error_matches (local, AUDIENCE_ERROR, AUDIENCE_ERROR_DB))
    {
      db_set_error (db, error, "resolving an audience");
      return NULL;
    }
  if (audience == NULL)
    {
      refuse (error, VISIT_ERROR_INVALID, "%s", local->message);
      return NULL;
    }
  return recipients_of (ctx, audience, error);
}

/* One sharing of an assessment: the visit, the assessment's id and text. */
typedef struct {
  const Context *ctx;
  const Visit *v;
  gint64 id;
  const char *text;
  GDateTime *now;
} Sharing;

/* Sends s's assessment to the contact points of entity, recorded first. */
static gboolean
share_with (const Sharing *s, const char *entity, ShareOutcome *outcome, GError **error)
{
  sqlite3 *db = s->ctx->db;
  gint64 id = s->id;
  gboolean inactive = FALSE;
  g_autoptr (GPtrArray) recipients = share_recipients (s->ctx, entity, &inactive, error);
  guint queued = 0;
  if (recipients == NULL)
    return FALSE;
  *outcome = inactive ? SHARE_INACTIVE : SHARE_NO_CONTACT;
  if (recipients->len == 0)
    return TRUE;
  if (!record_share (db, id, entity, s->now, error))
    return FALSE;
  Mailing m = { s->ctx, s->v, "assessment-share", "assessment", &queued };
  for (guint i = 0; i < recipients->len; i++)
    {
      g_autoptr (TplData) data = visit_data (s->ctx, s->v, recipients->pdata[i]);
      tpl_set (data, "assessment", s->text);
      if (!queue_text (&m, data, recipients->pdata[i], error))
        return FALSE;
    }
  if (queued > 0)
    *outcome = SHARE_SENT;
  return queued > 0 || unrecord_share (db, id, entity, error);
}

static const char *const outcome_names[] = { "shared", "skipped-no-contact", "skipped-inactive" };

/* visit_share inside the caller's transaction. */
static gboolean
share_in (const Context *ctx, const char *reference, GDateTime *now, const VisitShares *lists,
          GError **error)
{
  sqlite3 *db = ctx->db;
  g_auto (Visit) v = { 0 };
  g_autofree char *text = NULL;
  gint64 id = 0;
  if (!load_visit (db, reference, 0, &v, error)
      || !latest_assessment (db, &v, &id, &text, error))
    return FALSE;
  g_autoptr (GPtrArray) entities = consented (db, &v, error);
  if (entities == NULL)
    return FALSE;
  Sharing s = { ctx, &v, id, text, now };
  for (guint i = 0; i < entities->len; i++)
    {
      /* A consent may name an entity by its name: shared and recorded
       * under its code. */
      g_autofree char *code = db_entity_resolve (db, entities->pdata[i], NULL);
      const char *entity = code != NULL ? code : entities->pdata[i];
      gboolean before = FALSE;
      ShareOutcome outcome = SHARE_NO_CONTACT;
      if (!shared_before (db, id, entity, &before, error))
        return FALSE;
      if (before)
        continue;
      if (!share_with (&s, entity, &outcome, error))
        return FALSE;
      GPtrArray *to[] = { lists->shared, lists->skipped, lists->inactive };
      g_ptr_array_add (to[outcome], g_strdup (entity));
      log_info ("visit", "visit=%s assessment=%" G_GINT64_FORMAT " entity=%s %s", v.reference,
                id, entity, outcome_names[outcome]);
    }
  return TRUE;
}

/* See visit.h. */
gboolean
visit_share (const Context *ctx, const char *reference, GDateTime *now, VisitShares *out,
             GError **error)
{
  sqlite3 *db = ctx->db;
  out->shared = g_ptr_array_new_with_free_func (g_free);
  out->skipped = g_ptr_array_new_with_free_func (g_free);
  out->inactive = g_ptr_array_new_with_free_func (g_free);
  if (!db_begin (db, error))
    return FALSE;
  if (share_in (ctx, reference, now, out, error) && db_commit (db, error))
    return TRUE;
  db_rollback (db);
  g_ptr_array_set_size (out->shared, 0);
  g_ptr_array_set_size (out->skipped, 0);
  g_ptr_array_set_size (out->inactive, 0);
  return FALSE;
}
