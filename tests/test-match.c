/* Tests of gateway/store/match.c: a fixture of requests, offers and groups where
 * the candidate pairs and the overlapping offers are known by
 * construction.  Each rule has a case that would come out otherwise if the
 * rule were missing; each case has an area (or a State) of its own so
 * that the cases do not meet. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "gateway/base/config.h"
#include "gateway/store/db.h"
#include "gateway/store/match.h"
#include "tests/fixture.h"

#define DAY "2026-11-29"

typedef struct {
  char *dir;
  sqlite3 *db;
} Fixture;

/* Groups: Central Asia (KZ, KG), Neighbours (KG, UZ), Empty (none). */
static const char *groups_sql =
  "INSERT INTO groups (id, name) VALUES (1, 'Central Asia'), (2, 'Neighbours'), (3, 'Empty');"
  "INSERT INTO group_members (group_id, entity) VALUES (1, 'KZ'), (1, 'KG'), (2, 'KG'),"
  " (2, 'UZ');";

#define OFFER(ref, providers, areas, beneficiaries, start, end, status, state) \
  "INSERT INTO offers (reference, providers, title, areas, beneficiaries, start_date," \
  " end_date, status, state, updated) VALUES ('" ref "', '" providers "', 'T', '" areas "', '" \
  beneficiaries "', " start ", " end ", '" status "', '" state "', '2026-01-10T10:00:00Z');"
#define REQUEST(ref, st, areas, state) \
  "INSERT INTO requests (reference, state_code, areas, description, state, updated)" \
  " VALUES ('" ref "', '" st "', '" areas "', 'D', '" state "', '2026-01-10T10:00:00Z');"

/* Candidates.  One request for each rule, each with an area of its own. */
static const char *candidates_sql =
  /* by the State itself: OFF-0001 meets REQ-0001; OFF-0002 reaches UZ only;
   * OFF-0003 shares no area (human-rights is REQ-0009's). */
  REQUEST ("CTC-REQ-2026-0001", "KZ", "[\"border-control\"]", "active")
  OFFER ("CTC-OFF-2026-0001", "[\"UNODC\"]", "[\"border-control\"]", "[\"KZ\"]",
         "'2026-01-01'", "'2026-12-31'", "planned", "active")
  OFFER ("CTC-OFF-2026-0002", "[\"OSCE\"]", "[\"border-control\"]", "[\"UZ\"]",
         "NULL", "NULL", "planned", "active")
  OFFER ("CTC-OFF-2026-0003", "[\"IOM\"]", "[\"human-rights\"]", "[\"KZ\"]",
         "NULL", "NULL", "ongoing", "active")
  /* through a group: KG is in Central Asia; the Empty group reaches no one. */
  REQUEST ("CTC-REQ-2026-0002", "KG", "[\"criminal-justice\"]", "active")
  OFFER ("CTC-OFF-2026-0004", "[\"OSCE\"]", "[\"criminal-justice\"]", "[\"Central Asia\"]",
         "NULL", "NULL", "ongoing", "active")
  OFFER ("CTC-OFF-2026-0005", "[\"EU\"]", "[\"criminal-justice\"]", "[\"Empty\"]",
         "NULL", "NULL", "ongoing", "active")
  /* "all" reaches FR. */
  REQUEST ("CTC-REQ-2026-0003", "FR", "[\"terrorist-financing\"]", "active")
  OFFER ("CTC-OFF-2026-0006", "[\"FATF\"]", "[\"terrorist-financing\", \"other\"]", "[\"all\"]",
         "NULL", "NULL", "planned", "active")
  /* withdrawn, completed, status withdrawn, ended the day before: none;
   * ending on the day itself: still a candidate. */
  REQUEST ("CTC-REQ-2026-0004", "DE", "[\"early-warning\"]", "active")
  OFFER ("CTC-OFF-2026-0007", "[\"UNDP\"]", "[\"early-warning\"]", "[\"DE\"]",
         "NULL", "NULL", "planned", "withdrawn")
  OFFER ("CTC-OFF-2026-0008", "[\"UNDP\"]", "[\"early-warning\"]", "[\"DE\"]",
         "NULL", "NULL", "completed", "active")
  OFFER ("CTC-OFF-2026-0009", "[\"UNDP\"]", "[\"early-warning\"]", "[\"DE\"]",
         "NULL", "NULL", "withdrawn", "active")
  OFFER ("CTC-OFF-2026-0010", "[\"UNDP\"]", "[\"early-warning\"]", "[\"DE\"]",
         "'2026-01-01'", "'2026-11-28'", "ongoing", "active")
  OFFER ("CTC-OFF-2026-0011", "[\"UNDP\"]", "[\"early-warning\"]", "[\"DE\"]",
         "'2026-01-01'", "'" DAY "'", "ongoing", "active")
  /* a withdrawn request has no candidate. */
  REQUEST ("CTC-REQ-2026-0005", "IT", "[\"safe-haven\"]", "withdrawn")
  OFFER ("CTC-OFF-2026-0012", "[\"COE\"]", "[\"safe-haven\"]", "[\"IT\"]",
         "NULL", "NULL", "planned", "active");

static const char *const expected_candidates[][2] = {
  { "CTC-REQ-2026-0001", "CTC-OFF-2026-0001" },
  { "CTC-REQ-2026-0002", "CTC-OFF-2026-0004" },
  { "CTC-REQ-2026-0003", "CTC-OFF-2026-0006" },
  { "CTC-REQ-2026-0004", "CTC-OFF-2026-0011" },
};

/* Overlaps, one area for each case; OFF-01xx is the first of a pair. */
static const char *overlaps_sql =
  /* a group (Central Asia) holds the State (KZ): overlap. */
  OFFER ("CTC-OFF-2026-0101", "[\"UNODC\"]", "[\"border-control\"]", "[\"KZ\"]",
         "'2026-01-01'", "'2026-12-31'", "ongoing", "active")
  OFFER ("CTC-OFF-2026-0201", "[\"OSCE\"]", "[\"border-control\", \"other\"]",
         "[\"Central Asia\"]", "'2026-06-01'", "'2027-06-01'", "planned", "active")
  /* a provider in common (a joint offer): none. */
  OFFER ("CTC-OFF-2026-0102", "[\"UNODC\"]", "[\"criminal-justice\"]", "[\"KZ\"]",
         "NULL", "NULL", "ongoing", "active")
  OFFER ("CTC-OFF-2026-0202", "[\"EU\", \"unodc\"]", "[\"criminal-justice\"]", "[\"KZ\"]",
         "NULL", "NULL", "ongoing", "active")
  /* "all": overlap. */
  OFFER ("CTC-OFF-2026-0103", "[\"UNODC\"]", "[\"terrorist-financing\"]", "[\"KZ\"]",
         "NULL", "NULL", "ongoing", "active")
  OFFER ("CTC-OFF-2026-0203", "[\"FATF\"]", "[\"terrorist-financing\"]", "[\"all\"]",
         "NULL", "NULL", "ongoing", "active")
  /* no beneficiary in common: none. */
  OFFER ("CTC-OFF-2026-0104", "[\"UNODC\"]", "[\"early-warning\"]", "[\"KZ\"]",
         "NULL", "NULL", "ongoing", "active")
  OFFER ("CTC-OFF-2026-0204", "[\"OSCE\"]", "[\"early-warning\"]", "[\"UZ\"]",
         "NULL", "NULL", "ongoing", "active")
  /* periods that do not meet: none. */
  OFFER ("CTC-OFF-2026-0105", "[\"UNODC\"]", "[\"safe-haven\"]", "[\"KZ\"]",
         "'2026-12-01'", "'2027-01-31'", "planned", "active")
  OFFER ("CTC-OFF-2026-0205", "[\"OSCE\"]", "[\"safe-haven\"]", "[\"KZ\"]",
         "'2027-02-01'", "'2027-12-31'", "planned", "active")
  /* the first one begins after the second one ends: none. */
  OFFER ("CTC-OFF-2026-0111", "[\"UNODC\"]", "[\"international-instruments\"]", "[\"KZ\"]",
         "'2027-02-01'", "'2027-12-31'", "planned", "active")
  OFFER ("CTC-OFF-2026-0211", "[\"OSCE\"]", "[\"international-instruments\"]", "[\"KZ\"]",
         "'2026-12-01'", "'2027-01-31'", "planned", "active")
  /* periods that meet on one day: overlap. */
  OFFER ("CTC-OFF-2026-0106", "[\"UNODC\"]", "[\"information-exchange\"]", "[\"KZ\"]",
         "'2026-12-01'", "'2027-01-31'", "planned", "active")
  OFFER ("CTC-OFF-2026-0206", "[\"OSCE\"]", "[\"information-exchange\"]", "[\"KZ\"]",
         "'2027-01-31'", "'2027-03-01'", "planned", "active")
  /* one of them completed: none. */
  OFFER ("CTC-OFF-2026-0107", "[\"UNODC\"]", "[\"mutual-legal-assistance\"]", "[\"KZ\"]",
         "NULL", "NULL", "ongoing", "active")
  OFFER ("CTC-OFF-2026-0207", "[\"OSCE\"]", "[\"mutual-legal-assistance\"]", "[\"KZ\"]",
         "NULL", "NULL", "completed", "active")
  /* no area in common: none. */
  OFFER ("CTC-OFF-2026-0108", "[\"UNODC\"]", "[\"refugee-protection\"]", "[\"UZ\"]",
         "NULL", "NULL", "ongoing", "active")
  OFFER ("CTC-OFF-2026-0208", "[\"OSCE\"]", "[\"human-rights\"]", "[\"UZ\"]",
         "NULL", "NULL", "ongoing", "active")
  /* two groups with a member in common (KG): overlap. */
  OFFER ("CTC-OFF-2026-0109", "[\"IOM\"]", "[\"transnational-crime\"]", "[\"Central Asia\"]",
         "NULL", "NULL", "ongoing", "active")
  OFFER ("CTC-OFF-2026-0209", "[\"OSCE\"]", "[\"transnational-crime\"]", "[\"Neighbours\"]",
         "NULL", "NULL", "ongoing", "active")
  /* the second one has ended: none. */
  OFFER ("CTC-OFF-2026-0110", "[\"UNODC\"]", "[\"recruitment-and-arms\"]", "[\"KZ\"]",
         "NULL", "NULL", "ongoing", "active")
  OFFER ("CTC-OFF-2026-0210", "[\"OSCE\"]", "[\"recruitment-and-arms\"]", "[\"KZ\"]",
         "'2026-01-01'", "'2026-02-01'", "ongoing", "active");

static const char *const expected_overlaps[][2] = {
  { "CTC-OFF-2026-0101", "CTC-OFF-2026-0201" },
  { "CTC-OFF-2026-0103", "CTC-OFF-2026-0203" },
  { "CTC-OFF-2026-0106", "CTC-OFF-2026-0206" },
  { "CTC-OFF-2026-0109", "CTC-OFF-2026-0209" },
};

static int
setup (void **state)
{
  Fixture *f = g_new0 (Fixture, 1);
  f->dir = fixture_dir_new ("match");
  g_autofree char *path = g_build_filename (f->dir, "registers.db", NULL);
  f->db = fixture_db (path);
  fixture_exec (f->db, groups_sql);
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  Fixture *f = *state;
  db_close (f->db);
  fixture_dir_free (f->dir);
  g_free (f);
  return 0;
}

/* pairs, as "FIRST SECOND" lines, for messages that show what differs. */
static char *
pairs_text (GPtrArray *pairs)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < pairs->len; i++)
    {
      const MatchPair *p = pairs->pdata[i];
      g_string_append_printf (s, "%s %s\n", p->first, p->second);
    }
  return g_string_free (s, FALSE);
}

static char *
expected_text (const char *const (*expected)[2], gsize n)
{
  GString *s = g_string_new (NULL);
  for (gsize i = 0; i < n; i++)
    g_string_append_printf (s, "%s %s\n", expected[i][0], expected[i][1]);
  return g_string_free (s, FALSE);
}

static void
assert_pairs (GPtrArray *pairs, const char *const (*expected)[2], gsize n)
{
  assert_non_null (pairs);
  g_autofree char *got = pairs_text (pairs);
  g_autofree char *want = expected_text (expected, n);
  assert_string_equal (got, want);
}

static void
test_candidates (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  fixture_exec (f->db, candidates_sql);
  g_autoptr (GPtrArray) pairs = match_candidates (f->db, DAY, NULL, 0, &error);
  assert_pairs (pairs, expected_candidates, G_N_ELEMENTS (expected_candidates));
  const MatchPair *p = pairs->pdata[2];
  assert_string_equal (p->first_who, "FR");
  assert_string_equal (p->second_who, "FATF");
  assert_string_equal (p->areas, "terrorist-financing");
}

/* The term tables follow the offers: a change to an offer, a request or
 * a group changes the candidates. */
static void
test_candidates_follow_changes (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  fixture_exec (f->db, candidates_sql);
  fixture_exec (f->db, "UPDATE offers SET status = 'completed' WHERE reference = 'CTC-OFF-2026-0001';"
                       "UPDATE offers SET beneficiaries = '[\"DE\"]', areas = '[\"early-warning\"]'"
                       " WHERE reference = 'CTC-OFF-2026-0002';"
                       "UPDATE requests SET areas = '[\"other\"]' WHERE reference = 'CTC-REQ-2026-0003';"
                       "DELETE FROM group_members WHERE entity = 'KG' AND group_id = 1;"
                       "UPDATE offers SET end_date = '2027-01-01' WHERE reference = 'CTC-OFF-2026-0010';");
  static const char *const expected[][2] = {
    { "CTC-REQ-2026-0003", "CTC-OFF-2026-0006" },
    { "CTC-REQ-2026-0004", "CTC-OFF-2026-0002" },
    { "CTC-REQ-2026-0004", "CTC-OFF-2026-0010" },
    { "CTC-REQ-2026-0004", "CTC-OFF-2026-0011" },
  };
  g_autoptr (GPtrArray) pairs = match_candidates (f->db, DAY, NULL, 0, &error);
  assert_pairs (pairs, expected, G_N_ELEMENTS (expected));
  assert_string_equal (((MatchPair *) pairs->pdata[0])->areas, "other");
}

/* A window keeps the pairs of which a record changed in it, found from
 * either side; a limit cuts the list. */
static void
test_candidates_window (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  fixture_exec (f->db, candidates_sql);
  fixture_exec (f->db, "UPDATE requests SET updated = '" DAY "T08:00:00Z'"
                       " WHERE reference = 'CTC-REQ-2026-0001';"
                       "UPDATE offers SET updated = '" DAY "T09:00:00Z'"
                       " WHERE reference IN ('CTC-OFF-2026-0004', 'CTC-OFF-2026-0006');");
  MatchWindow window = { DAY "T00:00:00Z", "2026-11-30T00:00:00Z" };
  static const char *const expected[][2] = {
    { "CTC-REQ-2026-0001", "CTC-OFF-2026-0001" },
    { "CTC-REQ-2026-0002", "CTC-OFF-2026-0004" },
    { "CTC-REQ-2026-0003", "CTC-OFF-2026-0006" },
  };
  g_autoptr (GPtrArray) pairs = match_candidates (f->db, DAY, &window, 0, &error);
  assert_pairs (pairs, expected, G_N_ELEMENTS (expected));
  g_autoptr (GPtrArray) two = match_candidates (f->db, DAY, &window, 2, &error);
  assert_pairs (two, expected, 2);
  /* Requests changed alone find their offers through a group and "all". */
  fixture_exec (f->db, "UPDATE offers SET updated = '2026-01-10T10:00:00Z';"
                       "UPDATE requests SET updated = '2026-01-10T10:00:00Z';"
                       "UPDATE requests SET updated = '" DAY "T08:00:00Z'"
                       " WHERE reference IN ('CTC-REQ-2026-0002', 'CTC-REQ-2026-0003');");
  g_autoptr (GPtrArray) by_request = match_candidates (f->db, DAY, &window, 0, &error);
  assert_pairs (by_request, expected + 1, 2);
  MatchWindow before = { "2026-11-01T00:00:00Z", DAY "T00:00:00Z" };
  g_autoptr (GPtrArray) none = match_candidates (f->db, DAY, &before, 0, &error);
  assert_non_null (none);
  assert_int_equal (none->len, 0);
}

static void
test_overlaps (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  fixture_exec (f->db, overlaps_sql);
  g_autoptr (GPtrArray) pairs = match_overlaps (f->db, DAY, NULL, 0, &error);
  assert_pairs (pairs, expected_overlaps, G_N_ELEMENTS (expected_overlaps));
  const MatchPair *p = pairs->pdata[0];
  assert_string_equal (p->first_who, "UNODC");
  assert_string_equal (p->second_who, "OSCE");
  assert_string_equal (p->areas, "border-control");
}

/* Overlaps in a window: only pairs with an offer changed in it, once. */
static void
test_overlaps_window (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  fixture_exec (f->db, overlaps_sql);
  fixture_exec (f->db, "UPDATE offers SET updated = '" DAY "T09:00:00Z'"
                       " WHERE reference IN ('CTC-OFF-2026-0203', 'CTC-OFF-2026-0106',"
                       " 'CTC-OFF-2026-0206', 'CTC-OFF-2026-0104');");
  MatchWindow window = { DAY "T00:00:00Z", "2026-11-30T00:00:00Z" };
  static const char *const expected[][2] = {
    { "CTC-OFF-2026-0103", "CTC-OFF-2026-0203" },
    { "CTC-OFF-2026-0106", "CTC-OFF-2026-0206" },
  };
  g_autoptr (GPtrArray) pairs = match_overlaps (f->db, DAY, &window, 0, &error);
  assert_pairs (pairs, expected, G_N_ELEMENTS (expected));
  /* Through a State of a group, and through two groups. */
  fixture_exec (f->db, "UPDATE offers SET updated = '2026-01-10T10:00:00Z';"
                       "UPDATE offers SET updated = '" DAY "T09:00:00Z'"
                       " WHERE reference IN ('CTC-OFF-2026-0101', 'CTC-OFF-2026-0209');");
  static const char *const by_groups[][2] = {
    { "CTC-OFF-2026-0101", "CTC-OFF-2026-0201" },
    { "CTC-OFF-2026-0109", "CTC-OFF-2026-0209" },
  };
  g_autoptr (GPtrArray) grouped = match_overlaps (f->db, DAY, &window, 0, &error);
  assert_pairs (grouped, by_groups, G_N_ELEMENTS (by_groups));
}

/* Offers filed before schema 008 get their terms when it is applied: the
 * table is filled from the offers, not only by the triggers. */
static void
test_terms_filled_from_offers (void **state)
{
  Fixture *f = *state;
  fixture_exec (f->db, overlaps_sql);
  fixture_exec (f->db, "DELETE FROM offer_terms; INSERT INTO offer_terms"
                       " SELECT kind, value, ends, offer_id FROM offer_term_source;");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) pairs = match_overlaps (f->db, DAY, NULL, 0, &error);
  assert_pairs (pairs, expected_overlaps, G_N_ELEMENTS (expected_overlaps));
}

/* The score: an area shared weighs most, then how the offer reaches the
 * State, then whether it is under way, then its providers' results (five
 * at most). */
static void
test_score (void **state)
{
  (void) state;
  assert_int_equal (match_score (1, MATCH_REACH_STATE, TRUE, 0), 18);
  assert_int_equal (match_score (2, MATCH_REACH_ALL, FALSE, 9), 30);
  assert_true (match_score (2, MATCH_REACH_ALL, FALSE, 0)
               > match_score (1, MATCH_REACH_STATE, TRUE, 5));
  assert_true (match_score (1, MATCH_REACH_STATE, FALSE, 0)
               > match_score (1, MATCH_REACH_GROUP, FALSE, 0));
  assert_true (match_score (1, MATCH_REACH_GROUP, FALSE, 0)
               > match_score (1, MATCH_REACH_ALL, FALSE, 0));
  assert_true (match_score (1, MATCH_REACH_ALL, TRUE, 0)
               > match_score (1, MATCH_REACH_STATE, FALSE, 0));
  assert_true (match_score (1, MATCH_REACH_ALL, FALSE, 1)
               > match_score (1, MATCH_REACH_ALL, FALSE, 0));
}

/* One request of KZ in two areas and seven offers that could meet it, of
 * scores known by construction. */
static const char *ranked_sql =
  "INSERT INTO requests (reference, state_code, areas, description, updated) VALUES"
  " ('CTC-REQ-2026-0100', 'KZ', '[\"border-control\", \"criminal-justice\"]',"
  " 'Training of border guards\nin three regions', '2026-01-10T10:00:00Z');"
  /* 12 + 2 (group) + 3 + 2 results of UNODC = 19 */
  OFFER ("CTC-OFF-2026-0301", "[\"UNODC\"]", "[\"border-control\"]", "[\"Central Asia\"]",
         "'2026-01-01'", "NULL", "ongoing", "active")
  /* 24 + 3 + 3 = 30 */
  OFFER ("CTC-OFF-2026-0302", "[\"OSCE\"]", "[\"border-control\", \"criminal-justice\"]",
         "[\"KZ\"]", "NULL", "NULL", "planned", "active")
  /* 12 + 3 + 0 (from 2027) = 15 */
  OFFER ("CTC-OFF-2026-0303", "[\"IOM\"]", "[\"criminal-justice\"]", "[\"KZ\"]",
         "'2027-03-01'", "NULL", "planned", "active")
  /* 12 + 1 + 3 = 16 */
  OFFER ("CTC-OFF-2026-0304", "[\"EU\"]", "[\"border-control\"]", "[\"all\"]",
         "NULL", "NULL", "planned", "active")
  /* 12 + 3 + 3 = 18 */
  OFFER ("CTC-OFF-2026-0305", "[\"UNDP\"]", "[\"border-control\"]", "[\"KZ\"]",
         "NULL", "NULL", "planned", "active")
  /* 12 + 3 + 3 = 18, after 0305 by reference */
  OFFER ("CTC-OFF-2026-0306", "[\"COE\"]", "[\"border-control\"]", "[\"KZ\", \"Central Asia\"]",
         "NULL", "NULL", "planned", "active")
  /* 12 + 1 + 0 = 13 */
  OFFER ("CTC-OFF-2026-0307", "[\"FATF\"]", "[\"criminal-justice\"]", "[\"all\"]",
         "'2027-01-01'", "NULL", "planned", "active")
  "INSERT INTO results (reference, target, reporter, results) VALUES"
  " ('CTC-RES-2026-0001', 'CTC-REQ-2026-0009', 'UNODC', 'done'),"
  " ('CTC-RES-2026-0002', 'CTC-REQ-2026-0009', 'UNODC', 'done'),"
  " ('CTC-RES-2026-0003', 'CTC-REQ-2026-0009', 'OSCE', 'withdrawn');"
  "UPDATE results SET state = 'withdrawn' WHERE reporter = 'OSCE';";

/* Each request keeps its best offers, best first, with titles and the
 * reason of each. */
static void
test_candidates_ranked (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  fixture_exec (f->db, ranked_sql);
  g_autoptr (GPtrArray) pairs = match_candidates (f->db, DAY, NULL, 0, &error);
  static const char *const expected[][2] = {
    { "CTC-REQ-2026-0100", "CTC-OFF-2026-0302" },
    { "CTC-REQ-2026-0100", "CTC-OFF-2026-0301" },
    { "CTC-REQ-2026-0100", "CTC-OFF-2026-0305" },
    { "CTC-REQ-2026-0100", "CTC-OFF-2026-0306" },
    { "CTC-REQ-2026-0100", "CTC-OFF-2026-0304" },
  };
  assert_pairs (pairs, expected, G_N_ELEMENTS (expected));
  const MatchPair *best = pairs->pdata[0], *second = pairs->pdata[1];
  assert_int_equal (best->score, 30);
  assert_string_equal (best->first_title, "Training of border guards");
  assert_string_equal (best->first_name, "Kazakhstan");
  assert_string_equal (best->second_title, "T");
  assert_string_equal (best->reason, "shares border-control, criminal-justice; for Kazakhstan;"
                                     " under way");
  assert_int_equal (second->score, 19);
  assert_int_equal (second->results, 2);
  assert_string_equal (second->reason, "shares border-control; for Central Asia; under way;"
                                       " UNODC reported 2 results");
  assert_string_equal (((MatchPair *) pairs->pdata[3])->reason,
                       "shares border-control; for Kazakhstan; under way");
  assert_string_equal (((MatchPair *) pairs->pdata[4])->reason,
                       "shares border-control; for all States; under way");
}

/* --top: another bound; the offers not yet under way say when they start. */
static void
test_candidates_top (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  fixture_exec (f->db, ranked_sql);
  g_autoptr (GPtrArray) two = match_candidates_top (f->db, DAY, NULL, 2, 0, &error);
  static const char *const expected[][2] = {
    { "CTC-REQ-2026-0100", "CTC-OFF-2026-0302" },
    { "CTC-REQ-2026-0100", "CTC-OFF-2026-0301" },
  };
  assert_pairs (two, expected, G_N_ELEMENTS (expected));
  g_autoptr (GPtrArray) all = match_candidates_top (f->db, DAY, NULL, 10, 0, &error);
  assert_non_null (all);
  assert_int_equal (all->len, 7);
  const MatchPair *late = all->pdata[5], *last = all->pdata[6];
  assert_string_equal (late->second, "CTC-OFF-2026-0303");
  assert_string_equal (late->reason, "shares criminal-justice; for Kazakhstan; from 2027-03-01");
  assert_string_equal (last->second, "CTC-OFF-2026-0307");
  assert_int_equal (last->score, 13);
}

/* The overlap groups of overlaps_sql: one for each area and State where
 * offers overlap, each offer once. */
static void
test_overlap_groups (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  fixture_exec (f->db, overlaps_sql);
  /* Three offers for KZ in one area: one group of three, not three pairs;
   * two offers for "all" in an area of their own: a group "all". */
  fixture_exec (f->db,
    OFFER ("CTC-OFF-2026-0301", "[\"EU\"]", "[\"information-exchange\"]", "[\"KZ\"]",
           "NULL", "NULL", "ongoing", "active")
    OFFER ("CTC-OFF-2026-0401", "[\"UNODC\"]", "[\"legislation\"]", "[\"all\"]",
           "NULL", "NULL", "ongoing", "active")
    OFFER ("CTC-OFF-2026-0402", "[\"OSCE\"]", "[\"legislation\"]", "[\"all\"]",
           "NULL", "NULL", "ongoing", "active"));
  g_autoptr (GPtrArray) groups = match_overlap_groups (f->db, DAY, &error);
  assert_non_null (groups);
  GString *got = g_string_new (NULL);
  for (guint i = 0; i < groups->len; i++)
    {
      const MatchGroup *g = groups->pdata[i];
      g_string_append_printf (got, "%s %s (%s):", g->area, g->beneficiary, g->name);
      for (guint j = 0; j < g->offers->len; j++)
        g_string_append_printf (got, " %s", ((MatchOffer *) g->offers->pdata[j])->reference);
      g_string_append_c (got, '\n');
    }
  g_autofree char *text = g_string_free (got, FALSE);
  assert_string_equal (text,
    "border-control KZ (Kazakhstan): CTC-OFF-2026-0101 CTC-OFF-2026-0201\n"
    "information-exchange KZ (Kazakhstan): CTC-OFF-2026-0106 CTC-OFF-2026-0206"
    " CTC-OFF-2026-0301\n"
    "legislation all (all States): CTC-OFF-2026-0401 CTC-OFF-2026-0402\n"
    "terrorist-financing KZ (Kazakhstan): CTC-OFF-2026-0103 CTC-OFF-2026-0203\n"
    "transnational-crime KG (Kyrgyzstan): CTC-OFF-2026-0109 CTC-OFF-2026-0209\n");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_candidates, setup, teardown),
    cmocka_unit_test_setup_teardown (test_candidates_follow_changes, setup, teardown),
    cmocka_unit_test_setup_teardown (test_candidates_window, setup, teardown),
    cmocka_unit_test_setup_teardown (test_overlaps, setup, teardown),
    cmocka_unit_test_setup_teardown (test_overlaps_window, setup, teardown),
    cmocka_unit_test_setup_teardown (test_terms_filled_from_offers, setup, teardown),
    cmocka_unit_test (test_score),
    cmocka_unit_test_setup_teardown (test_candidates_ranked, setup, teardown),
    cmocka_unit_test_setup_teardown (test_candidates_top, setup, teardown),
    cmocka_unit_test_setup_teardown (test_overlap_groups, setup, teardown),
  };
  return cmocka_run_group_tests_name ("match", tests, NULL, NULL);
}
