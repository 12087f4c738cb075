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
  };
  return cmocka_run_group_tests_name ("match", tests, NULL, NULL);
}
