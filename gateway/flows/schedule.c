/* Schedules: RRULEs expanded with libical in local (floating) time and
 * converted to UTC with the zone, so that a daily 09:00 stays 09:00 across
 * a daylight-saving change; kept in the table schedules and run by the
 * daemon at each pass. */

#include <string.h>
#include <libical/ical.h>

#include "gateway/store/audience.h"
#include "gateway/flows/circular.h"
#include "gateway/store/db.h"
#include "gateway/flows/distribute.h"
#include "gateway/base/log.h"
#include "gateway/flows/schedule.h"
#include "gateway/flows/digest.h"
#include "parsers/form.h"
#include "parsers/fail.h"
#include "parsers/recur.h"

G_DEFINE_QUARK (ctcgw-schedule-error-quark, schedule_error)

/* One row of the table schedules, as a run needs it. */
typedef struct {
  gint64 id;
  char *name;
  char *kind;
  gint64 circular_id;   /* 0: none */
  char *template;
  char *audience;
  char *subject;
  char *rrule;
  char *dtstart;
  char *tzid;
} ScheduleRow;

/* Frees what a row holds (for g_auto). */
static void
schedule_row_clear (ScheduleRow *row)
{
  g_free (row->name);
  g_free (row->kind);
  g_free (row->template);
  g_free (row->audience);
  g_free (row->subject);
  g_free (row->rrule);
  g_free (row->dtstart);
  g_free (row->tzid);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ScheduleRow, schedule_row_clear)

/* An error of this module. */
#define refuse(error, ...) \
  fail_with (error, SCHEDULE_ERROR, SCHEDULE_ERROR_INVALID, __VA_ARGS__)

/* libical's zone of tzid, or NULL with error. */
static icaltimezone *
zone_find (const char *tzid, GError **error)
{
  icaltimezone *zone = tzid != NULL && recur_printable_ascii (tzid)
      ? icaltimezone_get_builtin_timezone (tzid) : NULL;
  if (zone == NULL)
    refuse (error, "the time zone \"%s\" is unknown to libical: set [gateway] timezone"
            " to an IANA name like Europe/Vienna", tzid != NULL ? tzid : "");
  return zone;
}

/* A floating (zone-less) local time from dtstart text. */
static gboolean
floating_time (const char *dtstart, struct icaltimetype *t, GError **error)
{
  int v[6];
  if (dtstart == NULL || !recur_local_time_read (dtstart, v))
    return refuse (error, "\"%s\" is not a start", dtstart != NULL ? dtstart : "");
  *t = icaltime_null_time ();
  t->year = v[0];
  t->month = v[1];
  t->day = v[2];
  t->hour = v[3];
  t->minute = v[4];
  t->second = v[5];
  t->is_date = 0;
  return TRUE;
}

/* The first occurrence of it at or past limit (UTC seconds; strictly past
 * unless inclusive): TRUE with *found set when there is one. */
static gboolean
first_after (icalrecur_iterator *it, icaltimezone *zone, time_t limit, gboolean inclusive,
             time_t *found)
{
  /* Local times a day and more before limit cannot reach it: skipped
   * without converting them. */
  struct icaltimetype early = icaltime_from_timet_with_zone (limit - 2 * 86400, 0, zone);
  early.zone = NULL;
  for (guint i = 0; i < SCHEDULE_ITERATIONS_MAX; i++)
    {
      struct icaltimetype t = icalrecur_iterator_next (it);
      if (icaltime_is_null_time (t))
        return FALSE;
      if (icaltime_compare (t, early) < 0)
        continue;
      time_t u = icaltime_as_timet_with_zone (t, zone);
      if (u > limit || (inclusive && u == limit))
        {
          *found = u;
          return TRUE;
        }
    }
  return FALSE;
}

/* See schedule.h. */
GDateTime *
schedule_next (const char *rrule, const char *dtstart, const char *tzid,
               GDateTime *after, gboolean inclusive, GError **error)
{
  struct icalrecurrencetype rule;
  struct icaltimetype start;
  icaltimezone *zone;
  time_t found = 0;
  if (!recur_rule_read (rrule, &rule, error) || !floating_time (dtstart, &start, error)
      || (zone = zone_find (tzid, error)) == NULL)
    return NULL;
  icalrecur_iterator *it = icalrecur_iterator_new (rule, start);
  if (it == NULL)
    {
      refuse (error, "\"%s\" cannot be expanded from %s", rrule, dtstart);
      return NULL;
    }
  gboolean ok = first_after (it, zone, (time_t) g_date_time_to_unix (after), inclusive, &found);
  icalrecur_iterator_free (it);
  return ok ? g_date_time_new_from_unix_utc ((gint64) found) : NULL;
}

/* The id of the active circular reference; SCHEDULE_ERROR_NOT_FOUND. */
static gint64
active_circular (sqlite3 *db, const char *reference, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT id FROM circulars WHERE reference = upper(?1) AND state = 'active'", error);
  if (st == NULL)
    return 0;
  sqlite3_bind_text (st, 1, reference, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (st, 0);
  if (rc == SQLITE_DONE)
    g_set_error (error, SCHEDULE_ERROR, SCHEDULE_ERROR_NOT_FOUND,
                 "no active circular is %s", reference);
  else
    db_set_error (db, error, "reading a circular");
  return 0;
}

/* A rule as it is stored: its RRULE, start (as recur_start_parse returns
 * it), zone and next run (UTC text; NULL: none). */
typedef struct {
  const char *rrule;
  const char *dtstart;
  const char *tzid;
  const char *next;
} StoredRule;

/* Stores the command schedule of circular id (named reference) and the
 * circular's own rrule and start. */
static gboolean
store_circular_schedule (sqlite3 *db, gint64 id, const StoredRule *r, GError **error)
{
  const char *rrule = r->rrule, *dtstart = r->dtstart, *tzid = r->tzid, *next = r->next;
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "INSERT INTO schedules (origin, name, kind, circular_id, rrule, dtstart, tzid,"
      " enabled, next_run) SELECT 'command', reference, 'circular', id, ?2, ?3, ?4, 1, ?5"
      " FROM circulars WHERE id = ?1"
      " ON CONFLICT (origin, name) DO UPDATE SET circular_id = excluded.circular_id,"
      " rrule = excluded.rrule, dtstart = excluded.dtstart, tzid = excluded.tzid,"
      " enabled = 1, next_run = excluded.next_run, last_error = NULL", error);
  g_autoptr (sqlite3_stmt) own = st == NULL ? NULL : db_prepare (db,
      "UPDATE circulars SET rrule = ?2, start = ?3,"
      " updated = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1", error);
  if (own == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, id);
  sqlite3_bind_text (st, 2, rrule, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, dtstart, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 4, tzid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 5, next, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (own, 1, id);
  sqlite3_bind_text (own, 2, rrule, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (own, 3, dtstart, -1, SQLITE_TRANSIENT);
  return db_step_done (db, st, "storing a schedule", error)
         && db_step_done (db, own, "storing a circular's schedule", error);
}

/* The first occurrence at or after now, required to exist. */
static GDateTime *
first_occurrence (const char *rrule, const char *dtstart, const char *tzid, GDateTime *now,
                  GError **error)
{
  GError *local = NULL;
  GDateTime *next = schedule_next (rrule, dtstart, tzid, now, TRUE, &local);
  if (next == NULL && local == NULL)
    refuse (&local, "\"%s\" from %s has no occurrence left", rrule, dtstart);
  if (local != NULL)
    g_propagate_error (error, local);
  return next;
}

/* See schedule.h. */
gboolean
schedule_circular (const Context *ctx, const CircularSchedule *s, GDateTime *now,
                   char **next_run, GError **error)
{
  sqlite3 *db = ctx->db;
  const Config *config = ctx->config;
  const char *reference = s->reference, *rrule = s->rrule;
  g_autofree char *dtstart = recur_start_parse (s->start, error);
  g_autoptr (GDateTime) next = dtstart != NULL
      ? first_occurrence (rrule, dtstart, config->timezone, now, error) : NULL;
  g_autofree char *next_text = db_time_text (next);
  if (next == NULL || !db_begin (db, error))
    return FALSE;
  gint64 id = active_circular (db, reference, error);
  StoredRule rule = { rrule, dtstart, config->timezone, next_text };
  if (id == 0 || !store_circular_schedule (db, id, &rule, error) || !db_commit (db, error))
    {
      db_rollback (db);
      return FALSE;
    }
  log_info ("schedule", "circular=%s rrule=%s start=%s tz=%s next=%s", reference, rrule,
            dtstart, config->timezone, next_text);
  if (next_run != NULL)
    *next_run = g_steal_pointer (&next_text);
  return TRUE;
}

/* See schedule.h. */
gboolean
schedule_stop (sqlite3 *db, const char *reference, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "UPDATE schedules SET enabled = 0 WHERE origin = 'command' AND name = upper(?1)", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, reference, -1, SQLITE_TRANSIENT);
  if (!db_step_done (db, st, "stopping a schedule", error))
    return FALSE;
  if (sqlite3_changes (db) > 0)
    return TRUE;
  g_set_error (error, SCHEDULE_ERROR, SCHEDULE_ERROR_NOT_FOUND, "%s has no schedule", reference);
  return FALSE;
}

/* Binds the fields of a [schedule NAME] to ?1 (name) to ?9 (enabled). */
static void
bind_config (sqlite3_stmt *st, const ScheduleConfig *s, const char *tzid)
{
  sqlite3_bind_text (st, 1, s->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, s->kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, s->circular, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 4, s->audience, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 5, s->subject, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 6, s->rrule, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 7, s->start, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 8, tzid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (st, 9, s->enabled ? 1 : 0);
}

/* Whether the database holds s as it is; FALSE on failure. */
static gboolean
config_unchanged (sqlite3 *db, const ScheduleConfig *s, const char *tzid, gboolean *same,
                  GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT 1 FROM schedules WHERE origin = 'config' AND name = ?1 AND kind = ?2"
      " AND template IS ?3 AND audience IS ?4 AND subject IS ?5 AND rrule = ?6"
      " AND dtstart = ?7 AND tzid = ?8 AND enabled = ?9", error);
  if (st == NULL)
    return FALSE;
  bind_config (st, s, tzid);
  int rc = sqlite3_step (st);
  *same = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;
  db_set_error (db, error, "reading the schedules");
  return FALSE;
}

/* Writes s with its next run (NULL: none) and why there is none. */
static gboolean
store_config (sqlite3 *db, const ScheduleConfig *s, const char *tzid, const char *next,
              const char *problem, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "INSERT INTO schedules (origin, name, kind, template, audience, subject, rrule,"
      " dtstart, tzid, enabled, next_run, last_error)"
      " VALUES ('config', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
      " ON CONFLICT (origin, name) DO UPDATE SET kind = excluded.kind,"
      " template = excluded.template, audience = excluded.audience,"
      " subject = excluded.subject, rrule = excluded.rrule, dtstart = excluded.dtstart,"
      " tzid = excluded.tzid, enabled = excluded.enabled, next_run = excluded.next_run,"
      " last_error = excluded.last_error", error);
  if (st == NULL)
    return FALSE;
  bind_config (st, s, tzid);
  sqlite3_bind_text (st, 10, next, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 11, problem, -1, SQLITE_TRANSIENT);
  return db_step_done (db, st, "storing a schedule", error);
}

/* Brings one [schedule NAME] into the database when it changed. */
static gboolean
sync_one (sqlite3 *db, const ScheduleConfig *s, const char *tzid, GDateTime *now,
          GError **error)
{
  gboolean same = FALSE;
  g_autoptr (GError) problem = NULL;
  /* config_load() refuses a section without them: nothing to sync. */
  if (s->rrule == NULL || s->start == NULL)
    return TRUE;
  if (!config_unchanged (db, s, tzid, &same, error))
    return FALSE;
  if (same)
    return TRUE;
  g_autoptr (GDateTime) next = s->enabled
      ? first_occurrence (s->rrule, s->start, tzid, now, &problem) : NULL;
  g_autofree char *next_text = db_time_text (next);
  if (problem != NULL)
    log_warn ("schedule", "schedule=%s does not run: %s", s->name, problem->message);
  log_info ("schedule", "schedule=%s from the configuration enabled=%d next=%s", s->name,
            s->enabled, next_text != NULL ? next_text : "-");
  return store_config (db, s, tzid, next_text, problem ? problem->message : NULL, error);
}

/* Disables the configuration's schedules that it no longer has. */
static gboolean
disable_removed (sqlite3 *db, const Config *config, GError **error)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  for (guint i = 0; config->schedules != NULL && i < config->schedules->len; i++)
    g_ptr_array_add (names, ((ScheduleConfig *) config->schedules->pdata[i])->name);
  g_autofree char *json = form_json_array ((const char *const *) names->pdata, names->len);
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "UPDATE schedules SET enabled = 0, next_run = NULL WHERE origin = 'config'"
      " AND enabled = 1 AND name NOT IN (SELECT value FROM json_each(?1))", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, json, -1, SQLITE_TRANSIENT);
  return db_step_done (db, st, "disabling a schedule", error);
}

/* See schedule.h. */
gboolean
schedule_sync_config (const Context *ctx, GDateTime *now, GError **error)
{
  sqlite3 *db = ctx->db;
  const Config *config = ctx->config;
  const char *tzid = config->timezone != NULL ? config->timezone : "UTC";
  for (guint i = 0; config->schedules != NULL && i < config->schedules->len; i++)
    if (!sync_one (db, config->schedules->pdata[i], tzid, now, error))
      return FALSE;
  return disable_removed (db, config, error);
}

/* Loads schedule id into row. */
static gboolean
load_row (sqlite3 *db, gint64 id, ScheduleRow *row, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT name, kind, circular_id, template, audience, subject, rrule, dtstart, tzid"
      " FROM schedules WHERE id = ?1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, id);
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      db_set_error (db, error, "reading a schedule");
      return FALSE;
    }
  row->id = id;
  row->circular_id = sqlite3_column_int64 (st, 2);
  char **texts[] = { &row->name, &row->kind, NULL, &row->template, &row->audience,
                     &row->subject, &row->rrule, &row->dtstart, &row->tzid };
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (texts[i] != NULL)
      *texts[i] = db_column_dup (st, (int) i);
  return TRUE;
}

/* Records a run: when, the next one (NULL: none) and what failed (NULL). */
static gboolean
mark_run (sqlite3 *db, gint64 id, GDateTime *now, GDateTime *next, const char *problem,
          GError **error)
{
  g_autofree char *last = db_time_text (now);
  g_autofree char *next_text = db_time_text (next);
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "UPDATE schedules SET last_run = ?1, next_run = ?2, last_error = ?3 WHERE id = ?4", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, last, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, next_text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, problem, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 4, id);
  return db_step_done (db, st, "recording a schedule's run", error);
}

/* Sends the circular of a "circular" schedule, inside the transaction. */
static gboolean
run_circular (const Context *ctx, const ScheduleRow *row, GDateTime *now, GError **error)
{
  CircularNew n = { row->template, row->audience, row->subject };
  g_autofree char *reference = NULL;
  GError *local = NULL;
  guint queued = 0;
  gboolean ok = row->circular_id > 0
      ? circular_send_id (ctx, row->circular_id, TRUE, now, &queued, &local)
      : circular_create_and_send (ctx, &n, now, &reference, &queued, &local);
  if (!ok && g_error_matches (local, CIRCULAR_ERROR, CIRCULAR_ERROR_EMPTY))
    {
      g_clear_error (&local);
      ok = TRUE;
    }
  if (!ok)
    g_propagate_error (error, local);
  else
    log_info ("schedule", "schedule=%s ran circular=%s recipients=%u", row->name,
              reference != NULL ? reference : row->circular_id > 0 ? row->name : "-", queued);
  return ok;
}

/* Runs a "distribute-contacts" schedule (distribute_contacts() commits on
 * its own; a crash before the run is recorded distributes once more). */
static gboolean
run_distribution (const Context *ctx, const ScheduleRow *row, GError **error)
{
  guint queued = 0;
  if (!distribute_contacts (ctx, row->audience != NULL ? row->audience : "all", &queued,
                            error))
    return FALSE;
  log_info ("schedule", "schedule=%s ran distribute-contacts recipients=%u", row->name, queued);
  return TRUE;
}

/* Runs a "digest" schedule: the digest of the day before now, queued to
 * staff in the transaction that records the run, so that it is queued
 * once however the process ends. */
static gboolean
run_digest (const Context *ctx, const ScheduleRow *row, GDateTime *now, GDateTime *next,
            GError **error)
{
  sqlite3 *db = ctx->db;
  const Config *config = ctx->config;
  g_autofree char *day = digest_default_day (config, now);
  guint queued = 0;
  /* Made before the write lock is taken: it only reads. */
  g_autoptr (Digest) digest = digest_make (ctx, day, error);
  if (digest == NULL || !db_begin (db, error))
    return FALSE;
  if (!digest_queue (ctx, digest, &queued, error)
      || !mark_run (db, row->id, now, next, NULL, error) || !db_commit (db, error))
    {
      db_rollback (db);
      return FALSE;
    }
  log_info ("schedule", "schedule=%s ran digest day=%s recipients=%u", row->name, day, queued);
  return TRUE;
}

/* Runs row and records the run with next; FALSE with error when it failed. */
static gboolean
run_and_mark (const Context *ctx, const ScheduleRow *row, GDateTime *now, GDateTime *next,
              GError **error)
{
  sqlite3 *db = ctx->db;
  if (g_strcmp0 (row->kind, "distribute-contacts") == 0)
    return run_distribution (ctx, row, error)
           && mark_run (db, row->id, now, next, NULL, error);
  if (g_strcmp0 (row->kind, "digest") == 0)
    return run_digest (ctx, row, now, next, error);
  if (!db_begin (db, error))
    return FALSE;
  if (run_circular (ctx, row, now, error) && mark_run (db, row->id, now, next, NULL, error)
      && db_commit (db, error))
    return TRUE;
  db_rollback (db);
  return FALSE;
}

/* A failure that the next pass may not meet: the database's. */
static gboolean
transient (const GError *e)
{
  return e->domain == DB_ERROR || g_error_matches (e, AUDIENCE_ERROR, AUDIENCE_ERROR_DB);
}

/* Runs the due schedule id once and moves it to its next occurrence. */
static gboolean
run_one (const Context *ctx, gint64 id, GDateTime *now, GError **error)
{
  sqlite3 *db = ctx->db;
  g_auto (ScheduleRow) row = { 0 };
  GError *local = NULL;
  if (!load_row (db, id, &row, error))
    return FALSE;
  g_autoptr (GDateTime) next = schedule_next (row.rrule, row.dtstart, row.tzid, now, FALSE,
                                              &local);
  if (local == NULL && run_and_mark (ctx, &row, now, next, &local))
    return TRUE;
  if (transient (local))
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  g_autofree char *why = log_escape (local->message);
  log_warn ("schedule", "schedule=%s failed: %s", row.name, why);
  gboolean recorded = mark_run (db, id, now, next, local->message, error);
  g_error_free (local);
  return recorded;
}

/* The ids of the enabled schedules due at now, earliest first. */
static GArray *
due_ids (sqlite3 *db, GDateTime *now, GError **error)
{
  g_autofree char *limit = db_time_text (now);
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT id FROM schedules WHERE enabled = 1 AND next_run IS NOT NULL"
      " AND next_run <= ?1 ORDER BY next_run, id", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_text (st, 1, limit, -1, SQLITE_TRANSIENT);
  return db_step_ids (db, st, "reading the schedules", error);
}

/* See schedule.h. */
gboolean
schedule_run_due (const Context *ctx, GDateTime *now, GError **error)
{
  g_autoptr (GDateTime) utc = g_date_time_to_utc (now);
  if (!schedule_sync_config (ctx, utc, error))
    return FALSE;
  g_autoptr (GArray) ids = due_ids (ctx->db, utc, error);
  if (ids == NULL)
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    if (!run_one (ctx, g_array_index (ids, gint64, i), utc, error))
      return FALSE;
  return TRUE;
}

/* See schedule.h. */
guint
schedule_seconds_until_due (sqlite3 *db, GDateTime *now)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT min(next_run) FROM schedules WHERE enabled = 1 AND next_run IS NOT NULL", NULL);
  if (st == NULL || sqlite3_step (st) != SQLITE_ROW || sqlite3_column_text (st, 0) == NULL)
    return G_MAXUINT;
  g_autoptr (GDateTime) next = g_date_time_new_from_iso8601 (
      (const char *) sqlite3_column_text (st, 0), NULL);
  if (next == NULL)
    return G_MAXUINT;
  GTimeSpan span = g_date_time_difference (next, now);
  if (span <= 0)
    return SCHEDULE_RETRY_SECONDS;
  GTimeSpan seconds = (span + G_TIME_SPAN_SECOND - 1) / G_TIME_SPAN_SECOND + 1;
  return (guint) MIN (seconds, (GTimeSpan) G_MAXUINT - 1);
}
