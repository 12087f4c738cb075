/* Candidate offers for requests and overlapping offers (match.h): SQL over
 * the term tables that schema/008-digest.sql keeps for open offers and
 * active requests, asked one request or one offer at a time. */

#include <string.h>

#include "gateway/store/match.h"
#include "gateway/store/db.h"

/* A list column as a JSON array: a lone value stored as text is one item. */
#define LIST(col) "(CASE WHEN json_valid(" col ") THEN " col " ELSE json_array(" col ") END)"
#define JOINED(col) "(SELECT group_concat(value, ' ') FROM json_each(" LIST (col) "))"

/* ?1 the day, ?2 and ?3 the window (NULL: none), ?4 whether to keep to
 * it, ?5 the request or the
 * offer asked about.  Each candidate query names hits (rid, oid, value,
 * how): a request, an offer, the beneficiary through which the offer
 * reaches the request's State and how (MatchReach); CANDIDATE_ROWS reads
 * them.  CROSS JOIN keeps SQLite's planner to the order written: from the
 * one record to the index of terms. */

/* The offers that could meet request ?5, by its areas and the
 * beneficiaries that reach its State (schema/019-match.sql). */
#define REQUEST_REACHED(how, join, value) \
  "SELECT r.id, x.offer_id, x.beneficiary, " how " FROM requests r " join \
  " CROSS JOIN request_areas ra ON ra.request_id = r.id" \
  " CROSS JOIN offer_area_reach x ON x.area = ra.area AND x.beneficiary = " value \
  " AND x.ends >= ?1 WHERE r.id = ?5 AND r.state = 'active'"
/* Three plain joins from the one request rather than a join over a list
 * of its beneficiaries: SQLite would build Bloom filters over the whole
 * term tables for such a list, on every request. */
#define REQUEST_HITS \
  "WITH hits (rid, oid, value, how) AS (" \
  REQUEST_REACHED ("3", "", "r.state_code") \
  " UNION ALL " REQUEST_REACHED ("2", "CROSS JOIN group_members m ON m.entity = r.state_code" \
                                " CROSS JOIN \"groups\" g ON g.id = m.group_id", "g.name") \
  " UNION ALL " REQUEST_REACHED ("1", "", "'all'") ") "

/* The requests that offer ?5 could meet: through the States it names,
 * the members of the groups it names, or every request of its areas for
 * "all"; with a window, only those not changed in it when ?4 is 1. */
#define OFFER_HITS \
  "WITH terms (value) AS (SELECT value FROM offer_terms WHERE offer_id = ?5" \
  " AND kind = 'beneficiary' AND ends >= ?1)," \
  " areas (area) AS (SELECT value FROM offer_terms WHERE offer_id = ?5 AND kind = 'area')," \
  " reach (state, value, how) AS (SELECT t.value, t.value, 3 FROM terms t" \
  " WHERE t.value != 'all' AND NOT EXISTS (SELECT 1 FROM \"groups\" g WHERE g.name = t.value)" \
  " UNION ALL SELECT m.entity, t.value, 2 FROM terms t JOIN \"groups\" g ON g.name = t.value" \
  " JOIN group_members m ON m.group_id = g.id)," \
  " found (rid, value, how) AS (SELECT ra.request_id, x.value, x.how FROM reach x" \
  " CROSS JOIN areas a CROSS JOIN request_areas ra ON ra.state = x.state AND ra.area = a.area" \
  " UNION ALL SELECT ra.request_id, 'all', 1 FROM terms t CROSS JOIN areas a" \
  " CROSS JOIN request_areas ra ON ra.area = a.area WHERE t.value = 'all')," \
  " hits (rid, oid, value, how) AS (SELECT DISTINCT f.rid, ?5, f.value, f.how FROM found f" \
  " WHERE ?4 = 0 OR f.rid NOT IN (SELECT id FROM requests WHERE updated >= ?2 AND updated < ?3)) "

/* Each pair once, with its best way of reaching, what the score needs and
 * what a reader needs. */
#define CANDIDATE_ROWS \
  ", best (rid, oid, value, how) AS (SELECT rid, oid, value, max (how) FROM hits" \
  " GROUP BY rid, oid)" \
  " SELECT r.reference, r.state_code, coalesce (e.name, r.state_code), r.description," \
  " o.reference, " JOINED ("o.providers") ", o.title, o.start_date," \
  " b.how, CASE WHEN b.how = 3 THEN coalesce (e.name, b.value) ELSE b.value END," \
  " (SELECT group_concat(ra.area, ' ') FROM request_areas ra JOIN offer_terms ta" \
  "  ON ta.offer_id = o.id AND ta.kind = 'area' AND ta.value = ra.area" \
  "  WHERE ra.request_id = r.id) AS shared_areas," \
  " (SELECT count(*) FROM json_each (" LIST ("o.providers") ") p JOIN results x" \
  "  ON x.reporter = p.value AND x.state = 'active')" \
  " FROM best b JOIN requests r ON r.id = b.rid JOIN offers o ON o.id = b.oid" \
  " LEFT JOIN entities e ON e.code = r.state_code" \
  " WHERE r.state = 'active' AND shared_areas IS NOT NULL"

void
match_pair_free (MatchPair *pair)
{
  if (pair == NULL)
    return;
  g_free (pair->first);
  g_free (pair->first_who);
  g_free (pair->second);
  g_free (pair->second_who);
  g_free (pair->areas);
  g_free (pair->first_title);
  g_free (pair->first_name);
  g_free (pair->second_title);
  g_free (pair->reach_name);
  g_free (pair->start);
  g_free (pair->reason);
  g_free (pair);
}

int
match_score (guint shared_areas, MatchReach reach, gboolean under_way, guint results)
{
  return 12 * (int) shared_areas + (int) reach + (under_way ? 3 : 0) + (int) MIN (results, 5);
}

/* The number of words of a space-separated list. */
static guint
count_words (const char *words)
{
  g_auto (GStrv) items = g_strsplit (words != NULL ? words : "", " ", -1);
  guint n = 0;
  for (char **it = items; *it != NULL; it++)
    n += **it != '\0';
  return n;
}

char *
match_reason (const MatchPair *pair, gboolean under_way)
{
  GString *s = g_string_new ("shares ");
  g_auto (GStrv) areas = g_strsplit (pair->areas != NULL ? pair->areas : "", " ", -1);
  g_autofree char *shared = g_strjoinv (", ", areas);
  g_string_append (s, shared);
  g_string_append_printf (s, "; for %s", pair->reach_name != NULL ? pair->reach_name : "");
  if (under_way)
    g_string_append (s, "; under way");
  else if (pair->start != NULL)
    g_string_append_printf (s, "; from %s", pair->start);
  if (pair->results > 0)
    {
      g_auto (GStrv) who = g_strsplit (pair->second_who != NULL ? pair->second_who : "", " ", -1);
      g_autofree char *providers = g_strjoinv (", ", who);
      g_string_append_printf (s, "; %s reported %u result%s", providers, pair->results,
                              pair->results == 1 ? "" : "s");
    }
  return g_string_free (s, FALSE);
}

/* The first line of text, at most 80 characters (a request's title). */
static char *
first_line (const char *text)
{
  if (text == NULL)
    return NULL;
  const char *end = strchr (text, '\n');
  g_autofree char *line = g_strstrip (g_strndup (text, end != NULL ? (gsize) (end - text)
                                                                   : strlen (text)));
  if (!g_utf8_validate (line, -1, NULL) || g_utf8_strlen (line, -1) <= 80)
    return g_steal_pointer (&line);
  g_autofree char *cut = g_utf8_substring (line, 0, 79);
  return g_strconcat (cut, "…", NULL);
}

/* A pair of CANDIDATE_ROWS, scored and with its reason. */
static MatchPair *
read_candidate (sqlite3_stmt *stmt, const char *day)
{
  MatchPair *pair = g_new0 (MatchPair, 1);
  g_autofree char *description = db_column_dup (stmt, 3);
  pair->first = db_column_dup (stmt, 0);
  pair->first_who = db_column_dup (stmt, 1);
  pair->first_name = db_column_dup (stmt, 2);
  pair->first_title = first_line (description);
  pair->second = db_column_dup (stmt, 4);
  pair->second_who = db_column_dup (stmt, 5);
  pair->second_title = db_column_dup (stmt, 6);
  pair->start = db_column_dup (stmt, 7);
  pair->reach = (MatchReach) sqlite3_column_int (stmt, 8);
  pair->reach_name = pair->reach == MATCH_REACH_ALL ? g_strdup ("all States")
                                                    : db_column_dup (stmt, 9);
  pair->areas = db_column_dup (stmt, 10);
  pair->results = (guint) sqlite3_column_int (stmt, 11);
  gboolean under_way = pair->start == NULL || strcmp (pair->start, day) <= 0;
  pair->score = match_score (count_words (pair->areas), pair->reach, under_way, pair->results);
  pair->reason = match_reason (pair, under_way);
  return pair;
}

/* Best first: the higher score, then the request, then the offer. */
static gint
by_score (gconstpointer a, gconstpointer b)
{
  const MatchPair *x = *(const MatchPair *const *) a, *y = *(const MatchPair *const *) b;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  int c = strcmp (x->first, y->first);
  return c != 0 ? c : strcmp (x->second, y->second);
}

/* Appends to out the best top pairs of sql for record id (?5), only
 * those of ?4 (see REQUEST_HITS and OFFER_HITS). */
static gboolean
add_best (sqlite3 *db, const char *sql, gint64 id, gboolean only, const char *day,
          const MatchWindow *window, guint top, GPtrArray *out, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = db_prepare (db, sql, error);
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) match_pair_free);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, day, -1, SQLITE_TRANSIENT);
  if (window != NULL)
    {
      sqlite3_bind_text (stmt, 2, window->since, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, window->until, -1, SQLITE_TRANSIENT);
    }
  sqlite3_bind_int (stmt, 4, only);
  sqlite3_bind_int64 (stmt, 5, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (found, read_candidate (stmt, day));
  if (rc != SQLITE_DONE)
    {
      db_set_error (db, error, "matching offers and requests");
      return FALSE;
    }
  g_ptr_array_sort (found, by_score);
  for (guint i = 0; i < found->len && i < top; i++)
    g_ptr_array_add (out, g_steal_pointer (&found->pdata[i]));
  return TRUE;
}

/* Prepares sql, which lists ids, with the window as ?2 and ?3. */
static sqlite3_stmt *
ids_prepare (sqlite3 *db, const char *sql, const MatchWindow *window, GError **error)
{
  sqlite3_stmt *stmt = db_prepare (db, sql, error);
  if (stmt != NULL && window != NULL)
    {
      sqlite3_bind_text (stmt, 2, window->since, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, window->until, -1, SQLITE_TRANSIENT);
    }
  return stmt;
}

/* Appends the best pairs of each record that ids_sql lists, read one at a
 * time until limit. */
static gboolean
add_each (sqlite3 *db, const char *ids_sql, const char *pairs_sql, gboolean only,
          const char *day, const MatchWindow *window, guint top, guint limit,
          GPtrArray *out, GError **error)
{
  g_autoptr (sqlite3_stmt) ids = ids_prepare (db, ids_sql, window, error);
  int rc = SQLITE_DONE;

  if (ids == NULL)
    return FALSE;
  while ((limit == 0 || out->len < limit) && (rc = sqlite3_step (ids)) == SQLITE_ROW)
    if (!add_best (db, pairs_sql, sqlite3_column_int64 (ids, 0), only, day, window, top,
                   out, error))
      return FALSE;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;
  db_set_error (db, error, "matching offers and requests");
  return FALSE;
}

/* The records changed in the window, in the order of the index of their
 * changes: the first are found without reading the others. */
#define CHANGED(table) "SELECT id FROM " table " WHERE updated >= ?2 AND updated < ?3" \
  " ORDER BY updated, id"

GPtrArray *
match_candidates_top (sqlite3 *db, const char *day, const MatchWindow *window, guint top,
                      guint limit, GError **error)
{
  g_autoptr (GPtrArray) pairs = g_ptr_array_new_with_free_func ((GDestroyNotify) match_pair_free);
  gboolean ok;

  if (window == NULL)
    ok = add_each (db, "SELECT id FROM requests WHERE state = 'active' ORDER BY reference",
                   REQUEST_HITS CANDIDATE_ROWS, FALSE, day, NULL, top, limit, pairs, error);
  else
    ok = add_each (db, CHANGED ("requests"), REQUEST_HITS CANDIDATE_ROWS, FALSE, day, window,
                   top, limit, pairs, error)
         && add_each (db, CHANGED ("offers"), OFFER_HITS CANDIDATE_ROWS, TRUE, day, window,
                      top, limit, pairs, error);
  if (!ok)
    return NULL;
  if (limit > 0 && pairs->len > limit)
    g_ptr_array_set_size (pairs, limit);
  return g_steal_pointer (&pairs);
}

GPtrArray *
match_candidates (sqlite3 *db, const char *day, const MatchWindow *window, guint limit,
                  GError **error)
{
  return match_candidates_top (db, day, window, MATCH_TOP, limit, error);
}

/* The offers that overlap offer ?5: those that reach a State it reaches
 * (by that State, a group of it, or "all"), or, when it reaches "all",
 * every open offer of its areas; then the rules of match.h.  Each way is
 * a plain join from the one offer, and the offers found are read by IN:
 * a join over a list of them would make SQLite build Bloom filters over
 * whole tables on every offer. */
#define PARTNER_IDS \
  "SELECT b.offer_id FROM offer_reach xr CROSS JOIN offer_terms b ON b.kind = 'beneficiary'" \
  " AND b.value = xr.state AND b.ends >= ?1" \
  " WHERE xr.offer_id = ?5 AND xr.ends >= ?1 AND xr.state != 'all'" \
  " UNION SELECT b.offer_id FROM offer_reach xr CROSS JOIN group_members m" \
  " ON m.entity = xr.state CROSS JOIN \"groups\" g ON g.id = m.group_id" \
  " CROSS JOIN offer_terms b ON b.kind = 'beneficiary' AND b.value = g.name AND b.ends >= ?1" \
  " WHERE xr.offer_id = ?5 AND xr.ends >= ?1" \
  " UNION SELECT b.offer_id FROM offer_terms t CROSS JOIN offer_terms b" \
  " ON b.kind = 'beneficiary' AND b.value = 'all' AND b.ends >= ?1" \
  " WHERE t.offer_id = ?5 AND t.kind = 'beneficiary' AND t.ends >= ?1" \
  " UNION SELECT b.offer_id FROM offer_terms t CROSS JOIN offer_terms a" \
  " ON a.offer_id = t.offer_id AND a.kind = 'area' CROSS JOIN offer_terms b" \
  " ON b.kind = 'area' AND b.value = a.value AND b.ends >= ?1" \
  " WHERE t.offer_id = ?5 AND t.kind = 'beneficiary' AND t.value = 'all' AND t.ends >= ?1"
#define PARTNERS \
  "SELECT ox.reference, " JOINED ("ox.providers") ", ox.title," \
  " oy.reference, " JOINED ("oy.providers") ", oy.title," \
  " (SELECT group_concat(a.value, ' ') FROM offer_terms a JOIN offer_terms b" \
  "  ON b.offer_id = oy.id AND b.kind = 'area' AND b.value = a.value" \
  "  WHERE a.offer_id = ox.id AND a.kind = 'area') AS shared_areas" \
  " FROM offers ox CROSS JOIN offers oy WHERE ox.id = ?5 AND oy.id != ?5" \
  " AND oy.id IN (" PARTNER_IDS ") AND shared_areas IS NOT NULL" \
  " AND NOT EXISTS (SELECT 1 FROM json_each (" LIST ("ox.providers") ") px," \
  "  json_each (" LIST ("oy.providers") ") py WHERE px.value = py.value COLLATE NOCASE)" \
  " AND coalesce (ox.start_date, '0000-01-01') <= coalesce (oy.end_date, '9999-12-31')" \
  " AND coalesce (oy.start_date, '0000-01-01') <= coalesce (ox.end_date, '9999-12-31')"

/* A row of PARTNERS as a pair, the offer of the lesser reference first. */
static MatchPair *
read_overlap (sqlite3_stmt *stmt)
{
  int x = 0, y = 3;
  if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0),
                 (const char *) sqlite3_column_text (stmt, 3)) > 0)
    x = 3, y = 0;
  MatchPair *pair = g_new0 (MatchPair, 1);
  pair->first = db_column_dup (stmt, x);
  pair->first_who = db_column_dup (stmt, x + 1);
  pair->first_title = db_column_dup (stmt, x + 2);
  pair->second = db_column_dup (stmt, y);
  pair->second_who = db_column_dup (stmt, y + 1);
  pair->second_title = db_column_dup (stmt, y + 2);
  pair->areas = db_column_dup (stmt, 6);
  return pair;
}

/* Appends to out the pairs of offer id not in seen (their "first second"). */
static gboolean
add_partners (sqlite3 *db, gint64 id, const char *day, GHashTable *seen, GPtrArray *out,
              GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = db_prepare (db, PARTNERS, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, day, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (MatchPair) pair = read_overlap (stmt);
      char *key = g_strconcat (pair->first, " ", pair->second, NULL);
      if (g_hash_table_add (seen, key))
        g_ptr_array_add (out, g_steal_pointer (&pair));
    }
  if (rc == SQLITE_DONE)
    return TRUE;
  db_set_error (db, error, "finding overlapping offers");
  return FALSE;
}

/* By the first offer, then the second. */
static gint
by_references (gconstpointer a, gconstpointer b)
{
  const MatchPair *x = *(const MatchPair *const *) a, *y = *(const MatchPair *const *) b;
  int c = strcmp (x->first, y->first);
  return c != 0 ? c : strcmp (x->second, y->second);
}

GPtrArray *
match_overlaps (sqlite3 *db, const char *day, const MatchWindow *window, guint limit,
                GError **error)
{
  g_autoptr (GPtrArray) pairs = g_ptr_array_new_with_free_func ((GDestroyNotify) match_pair_free);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (sqlite3_stmt) ids = ids_prepare (db, window != NULL ? CHANGED ("offers")
                                              : "SELECT id FROM offers WHERE state = 'active'"
                                                " ORDER BY reference", window, error);
  int rc = SQLITE_DONE;
  if (ids == NULL)
    return NULL;
  while ((limit == 0 || pairs->len < limit) && (rc = sqlite3_step (ids)) == SQLITE_ROW)
    if (!add_partners (db, sqlite3_column_int64 (ids, 0), day, seen, pairs, error))
      return NULL;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      db_set_error (db, error, "finding overlapping offers");
      return NULL;
    }
  g_ptr_array_sort (pairs, by_references);
  if (limit > 0 && pairs->len > limit)
    g_ptr_array_set_size (pairs, limit);
  return g_steal_pointer (&pairs);
}

/* The open offers of each area with each State they reach ("all" first),
 * for the overlap groups. */
#define REACH_BY_AREA \
  "SELECT a.value, x.state, coalesce (e.name, x.state), o.reference, " JOINED ("o.providers") "," \
  " o.title, o.start_date, o.end_date FROM offer_terms a" \
  " CROSS JOIN offer_reach x ON x.offer_id = a.offer_id AND x.ends >= ?1" \
  " JOIN offers o ON o.id = a.offer_id LEFT JOIN entities e ON e.code = x.state" \
  " WHERE a.kind = 'area' AND a.ends >= ?1" \
  " ORDER BY a.value, x.state != 'all' COLLATE NOCASE, x.state, o.reference"

static void
match_offer_free (MatchOffer *offer)
{
  if (offer == NULL)
    return;
  g_free (offer->reference);
  g_free (offer->providers);
  g_free (offer->title);
  g_free (offer->start);
  g_free (offer->end);
  g_free (offer);
}

static MatchOffer *
match_offer_copy (const MatchOffer *o)
{
  MatchOffer *c = g_new0 (MatchOffer, 1);
  c->reference = g_strdup (o->reference);
  c->providers = g_strdup (o->providers);
  c->title = g_strdup (o->title);
  c->start = g_strdup (o->start);
  c->end = g_strdup (o->end);
  c->reaches_all = o->reaches_all;
  return c;
}

void
match_group_free (MatchGroup *group)
{
  if (group == NULL)
    return;
  g_free (group->area);
  g_free (group->beneficiary);
  g_free (group->name);
  g_clear_pointer (&group->offers, g_ptr_array_unref);
  g_free (group);
}

/* Whether two offers of one area and State overlap: no provider in
 * common, periods that meet. */
static gboolean
offers_overlap (const MatchOffer *x, const MatchOffer *y)
{
  g_auto (GStrv) px = g_strsplit (x->providers != NULL ? x->providers : "", " ", -1);
  g_auto (GStrv) py = g_strsplit (y->providers != NULL ? y->providers : "", " ", -1);
  for (char **a = px; *a != NULL; a++)
    for (char **b = py; *b != NULL; b++)
      if (**a != '\0' && g_ascii_strcasecmp (*a, *b) == 0)
        return FALSE;
  return g_strcmp0 (x->start != NULL ? x->start : "", y->end != NULL ? y->end : "9999") <= 0
         && g_strcmp0 (y->start != NULL ? y->start : "", x->end != NULL ? x->end : "9999") <= 0;
}

/* Whether offer i of offers overlaps one of them that is for a State
 * (not "all"), or any of them when states_only is FALSE. */
static gboolean
overlaps_one (GPtrArray *offers, guint i, gboolean states_only)
{
  for (guint j = 0; j < offers->len; j++)
    {
      const MatchOffer *y = offers->pdata[j];
      if (j != i && (!states_only || !y->reaches_all) && offers_overlap (offers->pdata[i], y))
        return TRUE;
    }
  return FALSE;
}

static gint
by_offer_reference (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(const MatchOffer *const *) a)->reference,
                 (*(const MatchOffer *const *) b)->reference);
}

/* Adds to groups the group of offers (those for the State and those for
 * "all") when two or more of them overlap as match.h says. */
static void
add_group (GPtrArray *groups, const char *area, const char *beneficiary, const char *name,
           GPtrArray *offers, gboolean all_only)
{
  g_autoptr (GPtrArray) kept = g_ptr_array_new_with_free_func ((GDestroyNotify) match_offer_free);
  for (guint i = 0; i < offers->len; i++)
    {
      const MatchOffer *o = offers->pdata[i];
      if (overlaps_one (offers, i, o->reaches_all && !all_only))
        g_ptr_array_add (kept, match_offer_copy (o));
    }
  if (kept->len < 2)
    return;
  g_ptr_array_sort (kept, by_offer_reference);
  MatchGroup *g = g_new0 (MatchGroup, 1);
  g->area = g_strdup (area);
  g->beneficiary = g_strdup (beneficiary);
  g->name = g_strdup (name);
  g->offers = g_steal_pointer (&kept);
  g_ptr_array_add (groups, g);
}

/* Reads one row of REACH_BY_AREA as an offer. */
static MatchOffer *
read_offer (sqlite3_stmt *stmt)
{
  MatchOffer *o = g_new0 (MatchOffer, 1);
  o->reference = db_column_dup (stmt, 3);
  o->providers = db_column_dup (stmt, 4);
  o->title = db_column_dup (stmt, 5);
  o->start = db_column_dup (stmt, 6);
  o->end = db_column_dup (stmt, 7);
  return o;
}

/* The groups of one State's run of rows: its offers and those for "all". */
typedef struct {
  GPtrArray *groups;
  char *area, *state, *name;
  GPtrArray *alls;     /* the area's offers for "all" */
  GPtrArray *offers;   /* the State's, then the area's offers for "all" */
} Grouping;

/* Ends the run of the current State, then of the area when area differs. */
static void
grouping_flush (Grouping *g, const char *area)
{
  if (g->state != NULL && g->offers->len > 0)
    {
      for (guint i = 0; i < g->alls->len; i++)
        g_ptr_array_add (g->offers, match_offer_copy (g->alls->pdata[i]));
      add_group (g->groups, g->area, g->state, g->name, g->offers, FALSE);
    }
  g_ptr_array_set_size (g->offers, 0);
  g_clear_pointer (&g->state, g_free);
  g_clear_pointer (&g->name, g_free);
  if (g_strcmp0 (g->area, area) == 0)
    return;
  if (g->area != NULL)
    add_group (g->groups, g->area, "all", "all States", g->alls, TRUE);
  g_ptr_array_set_size (g->alls, 0);
  g_free (g->area);
  g->area = g_strdup (area);
}

/* Takes one row of REACH_BY_AREA into the runs. */
static void
grouping_take (Grouping *g, sqlite3_stmt *stmt)
{
  const char *area = (const char *) sqlite3_column_text (stmt, 0);
  const char *state = (const char *) sqlite3_column_text (stmt, 1);
  gboolean all = g_ascii_strcasecmp (state, "all") == 0;
  if (g_strcmp0 (area, g->area) != 0 || (!all && g_strcmp0 (state, g->state) != 0))
    grouping_flush (g, area);
  if (!all && g->state == NULL)
    {
      g->state = g_strdup (state);
      g->name = db_column_dup (stmt, 2);
    }
  GPtrArray *into = all ? g->alls : g->offers;
  MatchOffer *o = read_offer (stmt);
  o->reaches_all = all;
  const MatchOffer *last = into->len > 0 ? into->pdata[into->len - 1] : NULL;
  if (last != NULL && strcmp (last->reference, o->reference) == 0)
    match_offer_free (o);   /* a State named and through a group */
  else
    g_ptr_array_add (into, o);
}

GPtrArray *
match_overlap_groups (sqlite3 *db, const char *day, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = db_prepare (db, REACH_BY_AREA, error);
  g_autoptr (GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) match_group_free);
  g_autoptr (GPtrArray) alls = g_ptr_array_new_with_free_func ((GDestroyNotify) match_offer_free);
  g_autoptr (GPtrArray) offers = g_ptr_array_new_with_free_func ((GDestroyNotify) match_offer_free);
  Grouping g = { groups, NULL, NULL, NULL, alls, offers };
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, day, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    grouping_take (&g, stmt);
  grouping_flush (&g, NULL);
  g_free (g.area);
  if (rc == SQLITE_DONE)
    return g_steal_pointer (&groups);
  db_set_error (db, error, "finding overlapping offers");
  return NULL;
}
