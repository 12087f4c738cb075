/* Candidate offers for requests and overlapping offers (match.h): SQL over
 * the term tables that schema/008-digest.sql keeps for open offers and
 * active requests. */

#include "gateway/store/match.h"
#include "gateway/store/db.h"

/* A list column as a JSON array: a lone value stored as text is one item. */
#define LIST(col) "(CASE WHEN json_valid(" col ") THEN " col " ELSE json_array(" col ") END)"
#define JOINED(col) "(SELECT group_concat(value, ' ') FROM json_each(" LIST (col) "))"

/* ?1 the day, ?2 and ?3 the window, ?4 the limit (-1: none).  Each query
 * first names pairs (rid, oid) or (x, y) that could meet, then keeps those
 * the rules allow.  In a window, CROSS JOIN keeps SQLite's planner to the
 * order written: from the few records changed to the index of terms, never
 * through every term of a kind. */

#define CANDIDATE_PAIRS_ALL \
  "WITH pairs (rid, oid) AS (SELECT DISTINCT ra.request_id, ta.offer_id" \
  " FROM request_areas ra JOIN offer_terms ta ON ta.kind = 'area' AND ta.value = ra.area" \
  " AND ta.ends >= ?1) "

/* Requests changed in the window, by the beneficiaries that would reach
 * them (their State, its groups, "all"); offers changed in it, by the
 * States they reach and their areas (or, for "all", by their areas). */
#define CANDIDATE_PAIRS_WINDOW \
  "WITH req (id, state) AS (SELECT id, state_code FROM requests" \
  " WHERE updated >= ?2 AND updated < ?3)," \
  " keys (rid, value) AS (SELECT id, state FROM req UNION ALL SELECT id, 'all' FROM req" \
  " UNION ALL SELECT req.id, g.name FROM req JOIN group_members m ON m.entity = req.state" \
  " JOIN \"groups\" g ON g.id = m.group_id)," \
  " changed (id) AS (SELECT id FROM offers WHERE updated >= ?2 AND updated < ?3)," \
  " pairs (rid, oid) AS (" \
  "SELECT k.rid, b.offer_id FROM keys k CROSS JOIN offer_terms b ON b.kind = 'beneficiary'" \
  " AND b.value = k.value AND b.ends >= ?1" \
  " CROSS JOIN request_areas ra ON ra.request_id = k.rid" \
  " CROSS JOIN offer_terms a ON a.offer_id = b.offer_id AND a.kind = 'area' AND a.value = ra.area" \
  " UNION SELECT ra.request_id, c.id FROM changed c" \
  " CROSS JOIN offer_reach x ON x.offer_id = c.id AND x.state != 'all' AND x.ends >= ?1" \
  " CROSS JOIN offer_terms a ON a.offer_id = c.id AND a.kind = 'area'" \
  " CROSS JOIN request_areas ra ON ra.state = x.state AND ra.area = a.value" \
  " UNION SELECT ra.request_id, c.id FROM changed c" \
  " CROSS JOIN offer_terms tb ON tb.offer_id = c.id AND tb.kind = 'beneficiary'" \
  " AND tb.value = 'all' AND tb.ends >= ?1" \
  " CROSS JOIN offer_terms a ON a.offer_id = c.id AND a.kind = 'area'" \
  " CROSS JOIN request_areas ra ON ra.area = a.value) "

#define CANDIDATE_RULES \
  "SELECT r.reference, r.state_code, o.reference, " JOINED ("o.providers") "," \
  " (SELECT group_concat(ra.area, ' ') FROM request_areas ra JOIN offer_terms ta" \
  "  ON ta.offer_id = o.id AND ta.kind = 'area' AND ta.value = ra.area" \
  "  WHERE ra.request_id = r.id) AS shared_areas" \
  " FROM pairs p JOIN requests r ON r.id = p.rid JOIN offers o ON o.id = p.oid" \
  " WHERE r.state = 'active' AND shared_areas IS NOT NULL" \
  " AND EXISTS (SELECT 1 FROM offer_reach x WHERE x.offer_id = o.id AND x.ends >= ?1" \
  "  AND (x.state = 'all' COLLATE NOCASE OR x.state = r.state_code COLLATE NOCASE))" \
  " ORDER BY r.reference, o.reference LIMIT ?4"

#define OVERLAP_PAIRS_ALL \
  "WITH pairs (x, y) AS (SELECT DISTINCT a.offer_id, b.offer_id FROM offer_terms a" \
  " JOIN offer_terms b ON b.kind = 'area' AND b.value = a.value AND b.ends >= ?1" \
  " AND b.offer_id > a.offer_id WHERE a.kind = 'area' AND a.ends >= ?1) "

/* Offers changed in the window, by the beneficiaries that reach a State
 * they reach (that State, its groups, "all"); or, for those that reach
 * "all", by their areas. */
#define OVERLAP_PAIRS_WINDOW \
  "WITH changed (id) AS (SELECT id FROM offers WHERE updated >= ?2 AND updated < ?3)," \
  " xs (x, state) AS (SELECT c.id, r.state FROM changed c JOIN offer_reach r" \
  " ON r.offer_id = c.id AND r.ends >= ?1)," \
  " keys (x, value) AS (SELECT x, state FROM xs WHERE state != 'all'" \
  " UNION SELECT x, 'all' FROM xs UNION SELECT xs.x, g.name FROM xs" \
  " JOIN group_members m ON m.entity = xs.state JOIN \"groups\" g ON g.id = m.group_id)," \
  " pairs (x, y) AS (SELECT min (k.x, b.offer_id), max (k.x, b.offer_id) FROM keys k" \
  " CROSS JOIN offer_terms b ON b.kind = 'beneficiary' AND b.value = k.value AND b.ends >= ?1" \
  " AND b.offer_id != k.x" \
  " CROSS JOIN offer_terms a ON a.offer_id = k.x AND a.kind = 'area'" \
  " CROSS JOIN offer_terms a2 ON a2.offer_id = b.offer_id AND a2.kind = 'area' AND a2.value = a.value" \
  " UNION SELECT min (a.offer_id, b.offer_id), max (a.offer_id, b.offer_id) FROM xs" \
  " CROSS JOIN offer_terms a ON a.offer_id = xs.x AND a.kind = 'area'" \
  " CROSS JOIN offer_terms b ON b.kind = 'area' AND b.value = a.value AND b.ends >= ?1" \
  " AND b.offer_id != a.offer_id WHERE xs.state = 'all') "

#define OVERLAP_RULES \
  "SELECT ox.reference, " JOINED ("ox.providers") ", oy.reference, " JOINED ("oy.providers") "," \
  " (SELECT group_concat(a.value, ' ') FROM offer_terms a JOIN offer_terms b" \
  "  ON b.offer_id = oy.id AND b.kind = 'area' AND b.value = a.value" \
  "  WHERE a.offer_id = ox.id AND a.kind = 'area') AS shared_areas" \
  " FROM pairs p JOIN offers ox ON ox.id = p.x JOIN offers oy ON oy.id = p.y" \
  " WHERE shared_areas IS NOT NULL" \
  " AND NOT EXISTS (SELECT 1 FROM json_each (" LIST ("ox.providers") ") px," \
  "  json_each (" LIST ("oy.providers") ") py WHERE px.value = py.value COLLATE NOCASE)" \
  " AND coalesce (ox.start_date, '0000-01-01') <= coalesce (oy.end_date, '9999-12-31')" \
  " AND coalesce (oy.start_date, '0000-01-01') <= coalesce (ox.end_date, '9999-12-31')" \
  " AND EXISTS (SELECT 1 FROM offer_reach rx, offer_reach ry" \
  "  WHERE rx.offer_id = ox.id AND ry.offer_id = oy.id AND (rx.state = 'all' COLLATE NOCASE" \
  "  OR ry.state = 'all' COLLATE NOCASE OR rx.state = ry.state COLLATE NOCASE))" \
  " ORDER BY ox.reference, oy.reference LIMIT ?4"

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
  g_free (pair);
}

/* Runs one of the queries above and reads its five columns as pairs. */
static GPtrArray *
read_pairs (sqlite3 *db, const char *sql, const char *day, const MatchWindow *window,
            guint limit, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = db_prepare (db, sql, error);
  g_autoptr (GPtrArray) pairs = g_ptr_array_new_with_free_func ((GDestroyNotify) match_pair_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, day, -1, SQLITE_TRANSIENT);
  if (window != NULL)
    {
      sqlite3_bind_text (stmt, 2, window->since, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, window->until, -1, SQLITE_TRANSIENT);
    }
  sqlite3_bind_int64 (stmt, 4, limit > 0 ? (gint64) limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      MatchPair *pair = g_new0 (MatchPair, 1);
      pair->first = db_column_dup (stmt, 0);
      pair->first_who = db_column_dup (stmt, 1);
      pair->second = db_column_dup (stmt, 2);
      pair->second_who = db_column_dup (stmt, 3);
      pair->areas = db_column_dup (stmt, 4);
      g_ptr_array_add (pairs, pair);
    }
  if (rc != SQLITE_DONE)
    {
      db_set_error (db, error, "matching offers and requests");
      return NULL;
    }
  return g_steal_pointer (&pairs);
}

GPtrArray *
match_candidates (sqlite3 *db, const char *day, const MatchWindow *window, guint limit,
                  GError **error)
{
  return read_pairs (db, window != NULL ? CANDIDATE_PAIRS_WINDOW CANDIDATE_RULES
                                        : CANDIDATE_PAIRS_ALL CANDIDATE_RULES,
                     day, window, limit, error);
}

GPtrArray *
match_overlaps (sqlite3 *db, const char *day, const MatchWindow *window, guint limit,
                GError **error)
{
  return read_pairs (db, window != NULL ? OVERLAP_PAIRS_WINDOW OVERLAP_RULES
                                        : OVERLAP_PAIRS_ALL OVERLAP_RULES,
                     day, window, limit, error);
}

