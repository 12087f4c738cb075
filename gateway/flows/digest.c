/* The daily digest (digest.h): one query a table, one table a part of a
 * section, rendered through the templates digest.en.txt and
 * digest.en.html. */

#include <string.h>
#include <gmime/gmime.h>

#include "gateway/store/db.h"
#include "gateway/flows/digest.h"
#include "gateway/flows/digest-sql.h"
#include "gateway/store/match.h"
#include "parsers/form.h"
#include "gateway/flows/outbox.h"
#include "gateway/mail/compose.h"
#include "gateway/base/template.h"
#include "gateway/base/text.h"

/* The longest value a cell shows, in characters. */
#define CELL_MAX 60
/* The longest list of names (of entities) shown, in characters. */
#define NAMES_MAX 200
/* The longest reason (why a decision waits, its first problem) shown. */
#define WHY_MAX 240
/* The longest title (the first line of a record or message) shown. */
#define TITLE_MAX 48
/* Days ahead that "the next 30 days" covers, and "this week". */
#define DIGEST_AHEAD_DAYS 30
#define DIGEST_WEEK_DAYS 7
/* A meeting keeps its start as a wall time of its zone (most often the
 * gateway's): the digest compares it with wall times of the gateway's zone. */
#define WALL_TIME "%Y-%m-%dT%H:%M:%S"

/* The bounds of a digest, bound to the queries by name. */
typedef struct {
  char *day;          /* :day, the date reported on */
  char *since;        /* :since, the day's first moment, UTC */
  char *until;        /* :until, the next day's first moment, UTC */
  char *next_day;     /* :next_day, the date after day */
  char *horizon_day;  /* :horizon_day, DIGEST_AHEAD_DAYS after next_day */
  char *horizon;      /* :horizon, its first moment, UTC */
  char *until_local;  /* :until_local, :until as a wall time in the gateway's zone */
  char *horizon_local; /* :horizon_local, :horizon as a wall time in the gateway's zone */
  char *week_local;   /* :week_local, DIGEST_WEEK_DAYS after :until_local */
  char *stale;        /* :stale, no change since then makes a request stale, UTC */
  char *silent;       /* :silent, nothing sent since then makes an entity silent, UTC */
  char *pair_requests; /* :pair_requests, the requests of the day's candidates (JSON) */
  char *pair_offers;  /* :pair_offers, the first offers of the day's overlaps (JSON) */
  gint64 limit;       /* :limit, one more than the items shown */
} Bounds;

void
digest_free (Digest *digest)
{
  if (digest == NULL)
    return;
  g_free (digest->day);
  g_free (digest->subject);
  g_free (digest->text);
  g_free (digest->html);
  g_free (digest);
}

static void
bounds_clear (Bounds *b)
{
  g_free (b->day);
  g_free (b->since);
  g_free (b->until);
  g_free (b->next_day);
  g_free (b->horizon_day);
  g_free (b->horizon);
  g_free (b->until_local);
  g_free (b->horizon_local);
  g_free (b->week_local);
  g_free (b->stale);
  g_free (b->silent);
  g_free (b->pair_requests);
  g_free (b->pair_offers);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Bounds, bounds_clear)

gboolean
digest_day_valid (const char *day)
{
  int y, m, d;
  char end;
  return day != NULL && strlen (day) == 10 && day[4] == '-' && day[7] == '-'
         && sscanf (day, "%4d-%2d-%2d%c", &y, &m, &d, &end) == 3
         && g_date_valid_dmy (d, m, y);
}

char *
digest_default_day (const Config *config, GDateTime *now)
{
  g_autoptr (GDateTime) local = g_date_time_to_timezone (now, config->zone);
  g_autoptr (GDateTime) before = g_date_time_add_days (local, -1);
  return g_date_time_format (before, "%Y-%m-%d");
}

/* The bounds of the digest of day (digest_day_valid) in the zone. */
static void
bounds_init (Bounds *b, const Config *config, const char *day)
{
  int y, m, d;
  sscanf (day, "%4d-%2d-%2d", &y, &m, &d);
  g_autoptr (GDateTime) start = g_date_time_new (config->zone, y, m, d, 0, 0, 0);
  g_autoptr (GDateTime) end = g_date_time_add_days (start, 1);
  g_autoptr (GDateTime) horizon = g_date_time_add_days (end, DIGEST_AHEAD_DAYS);
  g_autoptr (GDateTime) week = g_date_time_add_days (end, DIGEST_WEEK_DAYS);
  g_autoptr (GDateTime) stale = g_date_time_add_months (end, -(gint) config->digest_stale_months);
  g_autoptr (GDateTime) silent = g_date_time_add_months (end, -(gint) config->digest_silent_months);

  b->day = g_strdup (day);
  b->since = db_time_text (start);
  b->until = db_time_text (end);
  b->next_day = g_date_time_format (end, "%Y-%m-%d");
  b->horizon_day = g_date_time_format (horizon, "%Y-%m-%d");
  b->horizon = db_time_text (horizon);
  b->until_local = g_date_time_format (end, WALL_TIME);
  b->horizon_local = g_date_time_format (horizon, WALL_TIME);
  b->week_local = g_date_time_format (week, WALL_TIME);
  b->stale = db_time_text (stale);
  b->silent = db_time_text (silent);
  b->pair_requests = g_strdup ("[]");
  b->pair_offers = g_strdup ("[]");
  b->limit = (gint64) config->digest_items + 1;
}

static void
bind_named (sqlite3_stmt *stmt, const char *name, const char *value)
{
  int i = sqlite3_bind_parameter_index (stmt, name);
  if (i > 0)
    sqlite3_bind_text (stmt, i, value, -1, SQLITE_TRANSIENT);
}

static void
bind_bounds (sqlite3_stmt *stmt, const Bounds *b)
{
  bind_named (stmt, ":day", b->day);
  bind_named (stmt, ":since", b->since);
  bind_named (stmt, ":until", b->until);
  bind_named (stmt, ":next_day", b->next_day);
  bind_named (stmt, ":horizon_day", b->horizon_day);
  bind_named (stmt, ":horizon", b->horizon);
  bind_named (stmt, ":until_local", b->until_local);
  bind_named (stmt, ":horizon_local", b->horizon_local);
  bind_named (stmt, ":week_local", b->week_local);
  bind_named (stmt, ":stale", b->stale);
  bind_named (stmt, ":silent", b->silent);
  bind_named (stmt, ":pair_requests", b->pair_requests);
  bind_named (stmt, ":pair_offers", b->pair_offers);
  int i = sqlite3_bind_parameter_index (stmt, ":limit");
  if (i > 0)
    sqlite3_bind_int64 (stmt, i, b->limit);
}

/* A value from a register or a message as one short line: no control
 * characters, at most max characters, then an ellipsis. */
static char *
short_text (const char *value, guint max)
{
  g_autofree char *valid = g_utf8_make_valid (value != NULL ? value : "", -1);
  GString *s = g_string_new (NULL);
  const char *p = valid;
  for (guint n = 0; *p != '\0' && n < max; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
        c = ' ';
      g_string_append_unichar (s, c);
    }
  if (*p != '\0')
    g_string_append (s, "\xe2\x80\xa6");
  return g_string_free (s, FALSE);
}

/* The first line of a text that is not blank, shortened to TITLE_MAX. */
static char *
title_text (const char *value)
{
  g_auto (GStrv) lines = g_strsplit (value != NULL ? value : "", "\n", -1);
  for (char **l = lines; *l != NULL; l++)
    {
      g_autofree char *line = g_strstrip (g_strdup (*l));
      if (*line != '\0')
        return short_text (line, TITLE_MAX);
    }
  return g_strdup ("");
}

/* What the lists of one digest are read with and into. */
typedef struct {
  sqlite3 *db;
  const Bounds *b;
  TplData *data;
} Collecting;

/* Sets the columns of the row of stmt into item by their names (see
 * DigestList; names... are lists of names, shown longer); an empty value is set empty, so that a name is never looked
 * up in an enclosing object. */
static void
set_row (TplData *item, sqlite3_stmt *stmt)
{
  for (int i = 0; i < sqlite3_column_count (stmt); i++)
    {
      const char *name = sqlite3_column_name (stmt, i);
      const char *value = (const char *) sqlite3_column_text (stmt, i);
      if (g_str_has_prefix (name, "command"))
        {
          if (value != NULL)
            tpl_set (tpl_add (item, "commands"), "command", value);
        }
      else if (g_str_has_prefix (name, "is_"))
        tpl_set_bool (item, name, sqlite3_column_int (stmt, i) != 0);
      else
        {
          guint max = g_str_has_prefix (name, "names") ? NAMES_MAX
                      : g_str_has_prefix (name, "why") ? WHY_MAX : CELL_MAX;
          g_autofree char *text = g_str_has_prefix (name, "title") ? title_text (value)
                                                                    : short_text (value, max);
          tpl_set (item, name, text);
        }
    }
}

/* Adds the rows of sql as items of the list key of parent (each flagged
 * flag, when not NULL), at most limit - 1 of them; *rows counts every row
 * the statement gives. */
static gboolean
add_rows (const Collecting *c, const char *sql, TplData *parent, const char *key,
          const char *flag, gint64 *rows, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = db_prepare (c->db, sql, error);
  int rc;
  if (stmt == NULL)
    return FALSE;
  bind_bounds (stmt, c->b);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (++*rows < c->b->limit)
      {
        TplData *item = tpl_add (parent, key);
        set_row (item, stmt);
        if (flag != NULL)
          tpl_set_bool (item, flag, TRUE);
      }
  if (rc == SQLITE_DONE)
    return TRUE;
  db_set_error (c->db, error, "reading the digest");
  return FALSE;
}

/* One number of the summary line. */
static gboolean
count_of (const Collecting *c, const char *sql, gint64 *n, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = db_prepare (c->db, sql, error);
  if (stmt == NULL)
    return FALSE;
  bind_bounds (stmt, c->b);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      db_set_error (c->db, error, "reading the digest");
      return FALSE;
    }
  *n = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* Sets a count and whether it is one, for the template's plurals. */
static void
set_count (TplData *obj, const char *key, gint64 n)
{
  g_autofree char *one = g_strconcat (key, "_one", NULL);
  tpl_set_printf (obj, key, "%" G_GINT64_FORMAT, n);
  tpl_set_bool (obj, one, n == 1);
}

/* The decisions, and their counts by kind in the summary. */
static gboolean
add_decisions (const Collecting *c, TplData *summary, gint64 *waiting, GError **error)
{
  TplData *section = tpl_add (c->data, "decisions");
  *waiting = 0;
  for (gsize i = 0; i < digest_decisions_n; i++)
    {
      gint64 rows = 0;
      if (!add_rows (c, digest_decisions[i].sql, section, "items", digest_decisions[i].key,
                     &rows, error))
        return FALSE;
      if (rows >= c->b->limit)
        tpl_set (tpl_add (section, "more"), "command", digest_decisions[i].more);
      if (rows == 0)
        continue;
      TplData *kind = tpl_add (summary, "kinds");
      tpl_set_bool (kind, digest_decisions[i].key, TRUE);
      tpl_set_bool (kind, "first", *waiting == 0);
      set_count (kind, "n", rows);
      *waiting += rows;
    }
  return TRUE;
}

/* The outlook: each list an object of its own, there even when empty;
 * *total counts their rows. */
static gboolean
add_outlook (const Collecting *c, gint64 *total, GError **error)
{
  TplData *section = tpl_add (c->data, "outlook");
  for (gsize i = 0; i < digest_outlook_n; i++)
    {
      TplData *list = tpl_add (section, digest_outlook[i].key);
      gint64 rows = 0;
      if (!add_rows (c, digest_outlook[i].sql, list, "items", NULL, &rows, error))
        return FALSE;
      *total += rows;
      if (rows >= c->b->limit)
        tpl_set (list, "more", digest_outlook[i].more);
    }
  return TRUE;
}

/* The candidate and overlapping pairs of which a record was filed,
 * updated or withdrawn on the day (match.h), at most :limit of each. */
typedef struct {
  GPtrArray *candidates;
  GPtrArray *overlaps;
} DayPairs;

static void
day_pairs_clear (DayPairs *p)
{
  g_clear_pointer (&p->candidates, g_ptr_array_unref);
  g_clear_pointer (&p->overlaps, g_ptr_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DayPairs, day_pairs_clear)

/* The references of pairs (first when first, else second) as a JSON array. */
static char *
pair_references (GPtrArray *pairs, gboolean first)
{
  g_autoptr (GPtrArray) refs = g_ptr_array_new ();
  for (guint i = 0; i < pairs->len; i++)
    {
      const MatchPair *p = pairs->pdata[i];
      g_ptr_array_add (refs, first ? p->first : p->second);
    }
  return form_json_array ((const char *const *) refs->pdata, refs->len);
}

/* Reads the day's pairs, and binds the records they are shown under (the
 * request of a candidate, the first offer of an overlap) into b. */
static gboolean
read_day_pairs (sqlite3 *db, Bounds *b, DayPairs *p, GError **error)
{
  MatchWindow window = { b->since, b->until };
  p->candidates = match_candidates (db, b->day, &window, (guint) b->limit, error);
  if (p->candidates == NULL)
    return FALSE;
  p->overlaps = match_overlaps (db, b->day, &window, (guint) b->limit, error);
  if (p->overlaps == NULL)
    return FALSE;
  g_free (b->pair_requests);
  b->pair_requests = pair_references (p->candidates, TRUE);
  g_free (b->pair_offers);
  b->pair_offers = pair_references (p->overlaps, TRUE);
  return TRUE;
}

/* The first row's first column of sql run with text, "" when none. */
static gboolean
lookup (sqlite3 *db, const char *sql, const char *text, char **out, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = db_prepare (db, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      db_set_error (db, error, "reading the digest");
      return FALSE;
    }
  *out = rc == SQLITE_ROW ? db_column_dup (stmt, 0) : NULL;
  if (*out == NULL)
    *out = g_strdup ("");
  return TRUE;
}

/* Adds to the list list (made on first use under key of record) the
 * other record of a pair: its reference, its title and who it is of
 * (entity codes separated by spaces, shown as names). */
static gboolean
add_pair (sqlite3 *db, TplData *record, const char *key, TplData **list,
          const char *reference, const char *who, GError **error)
{
  g_auto (GStrv) codes = g_strsplit (who != NULL ? who : "", " ", -1);
  g_autofree char *json = form_json_array ((const char *const *) codes, -1);
  g_autofree char *names = NULL, *title = NULL;
  if (!lookup (db, "SELECT " NAMES ("?1"), json, &names, error)
      || !lookup (db, "SELECT title FROM offers WHERE reference = ?1 UNION ALL"
                      " SELECT description FROM requests WHERE reference = ?1",
                  reference, &title, error))
    return FALSE;
  gboolean first = *list == NULL;
  if (first)
    *list = tpl_add (record, key);
  TplData *pair = tpl_add (*list, "pairs");
  tpl_set_bool (pair, "pair_first", first);
  g_autofree char *short_title = title_text (title);
  g_autofree char *short_names = short_text (names, NAMES_MAX);
  tpl_set (pair, "pair_reference", reference);
  tpl_set (pair, "pair_who", short_names);
  tpl_set (pair, "pair_title", short_title);
  return TRUE;
}

/* Sets the count of list, when there is one. */
static void
pairs_done (TplData *list, guint n)
{
  if (list != NULL)
    set_count (list, "count", n);
}

/* The pairs of the day that concern the record kind reference: the
 * offers that could meet a request; the requests an offer could meet and
 * the offers it overlaps. */
static gboolean
attach_pairs (sqlite3 *db, const DayPairs *p, TplData *record, const char *kind,
              const char *reference, GError **error)
{
  TplData *offers = NULL, *requests = NULL, *overlaps = NULL;
  guint n_offers = 0, n_requests = 0, n_overlaps = 0;
  gboolean request = g_strcmp0 (kind, "requests") == 0, offer = g_strcmp0 (kind, "offers") == 0;
  for (guint i = 0; i < p->candidates->len; i++)
    {
      const MatchPair *m = p->candidates->pdata[i];
      if (request && g_strcmp0 (m->first, reference) == 0 && ++n_offers
          && !add_pair (db, record, "offers_for", &offers, m->second, m->second_who, error))
        return FALSE;
      if (offer && g_strcmp0 (m->second, reference) == 0 && ++n_requests
          && !add_pair (db, record, "requests_for", &requests, m->first, m->first_who, error))
        return FALSE;
    }
  for (guint i = 0; i < p->overlaps->len && offer; i++)
    {
      const MatchPair *m = p->overlaps->pdata[i];
      gboolean is_first = g_strcmp0 (m->first, reference) == 0;
      if ((is_first || g_strcmp0 (m->second, reference) == 0) && ++n_overlaps
          && !add_pair (db, record, "overlaps_with", &overlaps, is_first ? m->second : m->first,
                        is_first ? m->second_who : m->first_who, error))
        return FALSE;
    }
  pairs_done (offers, n_offers);
  pairs_done (requests, n_requests);
  pairs_done (overlaps, n_overlaps);
  return TRUE;
}

/* Sets the flag prefix + value of obj, for the template's words. */
static void
set_flag (TplData *obj, const char *prefix, const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  g_autofree char *key = g_strconcat (prefix, value, NULL);
  tpl_set_bool (obj, key, TRUE);
}

/* Adds one row of digest_happened_sql to its entity's group (made when the
 * entity changes: the rows come by entity). */
static gboolean
add_happened_row (const Collecting *c, const DayPairs *p, sqlite3_stmt *stmt, TplData *section,
                  TplData **group, char **group_name, GError **error)
{
  const char *kind = (const char *) sqlite3_column_text (stmt, 0);
  const char *reference = (const char *) sqlite3_column_text (stmt, 1);
  const char *org = (const char *) sqlite3_column_text (stmt, 6);
  if (*group == NULL || g_strcmp0 (org, *group_name) != 0)
    {
      g_autofree char *shown = short_text (org, CELL_MAX);
      *group = tpl_add (section, "groups");
      tpl_set (*group, "group", shown);
      g_free (*group_name);
      *group_name = g_strdup (org);
    }
  TplData *record = tpl_add (*group, "records");
  set_row (record, stmt);
  set_flag (record, "kind_", kind);
  /* A record of a register of its own, worded as one; the others are
   * visit information and consent (under their visit) and meeting answers. */
  static const char *const under_visit[] = { "visit_information", "visit_consents",
                                             "attendance", NULL };
  tpl_set_bool (record, "record", kind != NULL && !g_strv_contains (under_visit, kind));
  set_flag (record, "how_", (const char *) sqlite3_column_text (stmt, 2));
  set_flag (record, "consent_", (const char *) sqlite3_column_text (stmt, 9));
  return attach_pairs (c->db, p, record, kind, reference, error);
}

/* What happened on the day, by entity; *rows counts the records. */
static gboolean
add_happened (const Collecting *c, const DayPairs *p, gint64 *rows, GError **error)
{
  TplData *section = tpl_add (c->data, "happened");
  g_autoptr (sqlite3_stmt) stmt = db_prepare (c->db, digest_happened_sql, error);
  g_autofree char *group_name = NULL;
  TplData *group = NULL;
  int rc;
  if (stmt == NULL)
    return FALSE;
  bind_bounds (stmt, c->b);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (++*rows < c->b->limit
        && !add_happened_row (c, p, stmt, section, &group, &group_name, error))
      return FALSE;
  if (rc != SQLITE_DONE)
    {
      db_set_error (c->db, error, "reading the digest");
      return FALSE;
    }
  if (*rows >= c->b->limit)
    tpl_set (section, "more", "ctcgw list submissions");
  tpl_set_bool (section, "pairs_more", p->candidates->len >= c->b->limit
                                       || p->overlaps->len >= c->b->limit);
  return TRUE;
}

/* The summary line's numbers besides the decisions. */
static gboolean
add_summary_counts (const Collecting *c, TplData *summary, GError **error)
{
  gint64 filed = 0, week = 0;
  if (!count_of (c, "SELECT count(*) FROM submissions s JOIN submission_records r"
                    " ON r.submission_id = s.id WHERE " OF_THE_DAY
                    " AND r.how IN ('new', 'updated', 'withdrawn')", &filed, error)
      || !count_of (c, "SELECT count(*) FROM meetings m WHERE m.start >= :until_local"
                       " AND m.start < :week_local AND m.state = 'active' AND m.kind = 'meeting'"
                       " AND lower (m.status) != 'cancelled'", &week, error))
    return FALSE;
  set_count (summary, "filed", filed);
  set_count (summary, "week", week);
  return TRUE;
}

/* Reads every part of the digest into data; *empty when nothing waits
 * and nothing happened. */
static gboolean
collect (sqlite3 *db, Bounds *b, TplData *data, gboolean *empty, GError **error)
{
  g_auto (DayPairs) pairs = { 0 };
  Collecting c = { db, b, data };
  TplData *summary = tpl_add (data, "summary");
  gint64 waiting = 0, happened = 0, ahead = 0;
  if (!read_day_pairs (db, b, &pairs, error)
      || !add_decisions (&c, summary, &waiting, error)
      || !add_summary_counts (&c, summary, error)
      || !add_happened (&c, &pairs, &happened, error)
      || !add_outlook (&c, &ahead, error))
    return FALSE;
  set_count (summary, "waiting", waiting);
  *empty = waiting == 0 && happened == 0 && ahead == 0;
  return TRUE;
}

/* The results of calendar replies refused (schema/015-reply-claims.sql),
 * in the order the digest gives them, and the template's name of each. */
static const struct {
  const char *result, *flag;
} refusals[] = {
  { "future-dtstamp", "future" },
  { "future-sequence", "sequence" },
  { "unknown-occurrence", "occurrence" },
};

static const char *
refusal_flag (const char *result)
{
  for (gsize i = 0; i < G_N_ELEMENTS (refusals); i++)
    if (g_strcmp0 (result, refusals[i].result) == 0)
      return refusals[i].flag;
  return NULL;
}

/* The calendar replies refused on the day, counted by why; *empty is
 * cleared when there is one. */
static gboolean
add_refused_replies (sqlite3 *db, const Bounds *b, TplData *data, gboolean *empty,
                     GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT result, count(*) FROM calendar_replies WHERE received >= :since"
      " AND received < :until AND result IN ('future-dtstamp', 'future-sequence',"
      " 'unknown-occurrence') GROUP BY result ORDER BY result", error);
  TplData *refused = NULL;
  gint64 total = 0;
  int rc;
  if (st == NULL)
    return FALSE;
  bind_bounds (st, b);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      if (refused == NULL)
        refused = tpl_add (data, "refused_replies");
      TplData *reason = tpl_add (refused, "reasons");
      gint64 n = sqlite3_column_int64 (st, 1);
      tpl_set_bool (reason, "first", total == 0);
      tpl_set_bool (reason, refusal_flag ((const char *) sqlite3_column_text (st, 0)), TRUE);
      tpl_set_printf (reason, "n", "%" G_GINT64_FORMAT, n);
      total += n;
    }
  if (rc != SQLITE_DONE)
    {
      db_set_error (db, error, "reading the digest");
      return FALSE;
    }
  if (refused == NULL)
    return TRUE;
  tpl_set_printf (refused, "count", "%" G_GINT64_FORMAT, total);
  tpl_set_bool (refused, "one", total == 1);
  *empty = FALSE;
  return TRUE;
}

/* Appends one line of text broken at spaces to fit width display columns
 * (text_width); a word wider than a line (an address, a URL) stands whole
 * on its own line. */
static void
wrap_line (GString *out, const char *line, guint width)
{
  guint indent = strspn (line, " ");
  const char *p = line;
  guint column = 0;
  gboolean first = TRUE;

  while (*p != '\0')
    {
      const char *word = p;
      while (*p == ' ')
        p++;
      const char *end = p;
      while (*end != '\0' && *end != ' ')
        end++;
      g_autofree char *text = g_strndup (p, end - p);
      guint spaces = p - word, columns = text_width (text);
      if (!first && column + spaces + columns > width)
        {
          g_string_append_printf (out, "\n%*s", indent + 4, "");
          column = indent + 4;
          spaces = 0;
        }
      g_string_append_printf (out, "%*s%s", spaces, "", text);
      column += spaces + columns;
      p = end;
      first = FALSE;
    }
}

char *
digest_wrap (const char *text, guint width)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);
  for (char **l = lines; *l != NULL; l++)
    {
      if (l != lines)
        g_string_append_c (out, '\n');
      if (text_width (*l) <= width)
        g_string_append (out, *l);
      else
        wrap_line (out, *l, width);
    }
  return g_string_free (out, FALSE);
}

Digest *
digest_make (const Context *ctx, const char *day, GError **error)
{
  const Config *config = ctx->config;
  g_auto (Bounds) b = { 0 };
  g_autoptr (TplData) data = tpl_data_new ();
  g_autoptr (Digest) digest = g_new0 (Digest, 1);
  g_autofree char *text = NULL, *html_source = NULL;

  bounds_init (&b, config, day);
  if (!collect (ctx->db, &b, data, &digest->empty, error)
      || !add_refused_replies (ctx->db, &b, data, &digest->empty, error))
    return NULL;
  tpl_set (data, "date", day);
  tpl_set (data, "name", config->name);
  tpl_set (data, "address", config->address);
  tpl_set_bool (data, "quiet", digest->empty);
  tpl_set_printf (data, "stale_months", "%u", config->digest_stale_months);
  tpl_set_printf (data, "silent_months", "%u", config->digest_silent_months);
  text = tpl_render_report ("digest", "en", data, &digest->subject, error);
  if (text == NULL)
    return NULL;
  html_source = tpl_load ("digest", "en", "html", error);
  if (html_source == NULL)
    return NULL;
  digest->html = tpl_render_string (html_source, data, TRUE, error);
  if (digest->html == NULL)
    return NULL;
  digest->text = digest_wrap (text, DIGEST_COLUMNS);
  digest->day = g_strdup (day);
  return g_steal_pointer (&digest);
}

/* The message of digest to one address. */
static GMimeMessage *
digest_message (const Config *config, const Digest *digest, const char *to)
{
  ComposeHeaders headers = {
    .auto_submitted = "auto-generated", .to = to, .subject = digest->subject,
    .language = "en",
  };
  GMimeMessage *msg = compose_message (config, &headers);
  compose_set_body (msg, compose_multipart ("alternative",
                                            compose_text_part ("plain", digest->text),
                                            compose_text_part ("html", digest->html), NULL));
  return msg;
}

gboolean
digest_queue (const Context *ctx, const Digest *digest, guint *queued, GError **error)
{
  *queued = 0;
  for (char **to = ctx->config->digest_to; to != NULL && *to != NULL; to++)
    {
      g_autoptr (GMimeMessage) msg = digest_message (ctx->config, digest, *to);
      if (outbox_queue (ctx->db, msg, *to, 0, "digest", error) == 0)
        {
          *queued = 0;
          return FALSE;
        }
      (*queued)++;
    }
  return TRUE;
}

gboolean
digest_send (const Context *ctx, const char *day, guint *queued, GError **error)
{
  sqlite3 *db = ctx->db;
  const Config *config = ctx->config;
  *queued = 0;
  g_autoptr (Digest) digest = digest_make (ctx, day, error);
  if (digest == NULL)
    return FALSE;
  if (config->digest_to == NULL || config->digest_to[0] == NULL)
    return TRUE;
  if (!db_begin (db, error))
    return FALSE;
  if (digest_queue (ctx, digest, queued, error) && db_commit (db, error))
    return TRUE;
  db_rollback (db);
  *queued = 0;
  return FALSE;
}
