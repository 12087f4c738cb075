/* Tests of gateway/flows/schedule.c: RRULE expansion in Europe/Vienna and
 * America/New_York across the daylight-saving changes, invalid rules and
 * starts, schedules of the configuration and of `circular schedule` kept
 * in the database, missed occurrences run once, next_run after now, and
 * failures recorded without stopping the other schedules. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <gmime/gmime.h>

#include "gateway/flows/circular.h"
#include "gateway/store/db.h"
#include "gateway/flows/schedule.h"
#include "parsers/recur.h"
#include "tests/fixture.h"

typedef Gateway Fixture;

#define CONF_HEAD \
  "[gateway]\ndatabase = registers.db\naddress = gateway@ctc.example\n" \
  "timezone = Europe/Vienna\n[smtp]\nurl = maildir:outbox\n"

static const char *conf_schedules =
  CONF_HEAD
  "[schedule inventory-call]\n"
  "circular = inventory-call\n"
  "audience = all\n"
  "rrule = FREQ=DAILY\n"
  "start = 2026-03-01T09:00\n"
  "[schedule broken]\n"
  "circular = inventory-call\n"
  "audience = group:Nobody\n"
  "rrule = FREQ=DAILY;BYHOUR=10\n"
  "start = 2026-03-01T10:00\n"
  "[schedule off]\n"
  "circular = sources-reminder\n"
  "rrule = FREQ=DAILY\n"
  "start = 2026-03-01T09:00\n"
  "enabled = false\n";

/* A UTC time. */
static GDateTime *
utc (int y, int mo, int d, int h, int mi)
{
  return g_date_time_new_utc (y, mo, d, h, mi, 0);
}

static Config *
load (const char *dir, const char *conf_text, GError **error)
{
  g_autofree char *conf = g_build_filename (dir, "ctcgw.conf", NULL);
  g_file_set_contents (conf, conf_text, -1, NULL);
  return config_load (conf, error);
}

static int
setup (void **state)
{
  Fixture *f = fixture_gateway_new ("schedule", conf_schedules);
  fixture_exec (f->db,
      "INSERT INTO contacts (reference, entity, name, email, languages, status) VALUES"
      " ('CTC-CP-2026-0001', 'AT', 'Anna Berger', 'anna@bmi.at.example', '[\"de\"]', 'active'),"
      " ('CTC-CP-2026-0002', 'FR', 'Marie Dupont', 'marie@fr.example', '[\"fr\"]', 'active');");
  *state = f;
  return 0;
}

/* The next occurrence as text ("-" when there is none). */
static char *
next_text (const char *rrule, const char *dtstart, const char *tzid, GDateTime *after,
           gboolean inclusive)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) next = schedule_next (rrule, dtstart, tzid, after, inclusive, &error);
  if (error != NULL)
    fail_msg ("schedule_next: %s", error->message);
  return next != NULL ? g_date_time_format_iso8601 (next) : g_strdup ("-");
}

/* Each occurrence from the one at or after first, as UTC text. */
static void
assert_occurrences (const char *rrule, const char *dtstart, const char *tzid,
                    GDateTime *first, const char *const *expected)
{
  g_autoptr (GDateTime) after = g_date_time_ref (first);
  for (guint i = 0; expected[i] != NULL; i++)
    {
      g_autofree char *got = next_text (rrule, dtstart, tzid, after, i == 0);
      assert_string_equal (got, expected[i]);
      g_date_time_unref (after);
      after = g_date_time_new_from_iso8601 (got, NULL);
    }
}

/* 09:00 in Vienna is 08:00 UTC in winter and 07:00 in summer: the change
 * is on the last Sunday of March (29 March 2026) and of October (25). */
static void
test_dst_vienna (void **state)
{
  static const char *const march[] = {
    "2026-03-27T08:00:00Z", "2026-03-28T08:00:00Z", "2026-03-29T07:00:00Z",
    "2026-03-30T07:00:00Z", NULL };
  static const char *const october[] = {
    "2026-10-24T07:00:00Z", "2026-10-25T08:00:00Z", "2026-10-26T08:00:00Z", NULL };
  g_autoptr (GDateTime) m = utc (2026, 3, 27, 0, 0);
  g_autoptr (GDateTime) o = utc (2026, 10, 24, 0, 0);
  assert_occurrences ("FREQ=DAILY", "2026-03-01T09:00:00", "Europe/Vienna", m, march);
  assert_occurrences ("FREQ=DAILY", "2026-03-01T09:00:00", "Europe/Vienna", o, october);
}

/* New York changes on the second Sunday of March (8 March 2026) and the
 * first Sunday of November (1 November). */
static void
test_dst_new_york (void **state)
{
  static const char *const march[] = {
    "2026-03-07T14:00:00Z", "2026-03-08T13:00:00Z", "2026-03-09T13:00:00Z", NULL };
  static const char *const november[] = {
    "2026-10-31T13:00:00Z", "2026-11-01T14:00:00Z", "2026-11-02T14:00:00Z", NULL };
  g_autoptr (GDateTime) m = utc (2026, 3, 7, 0, 0);
  g_autoptr (GDateTime) n = utc (2026, 10, 31, 0, 0);
  assert_occurrences ("FREQ=DAILY", "2026-01-01T09:00", "America/New_York", m, march);
  assert_occurrences ("FREQ=DAILY", "2026-01-01T09:00", "America/New_York", n, november);
}

/* The shipped rules: the yearly inventory call and the quarterly reminder. */
static void
test_shipped_rules (void **state)
{
  static const char *const yearly[] = {
    "2027-01-15T14:00:00Z", "2028-01-15T14:00:00Z", NULL };
  static const char *const quarterly[] = {
    "2026-04-01T07:00:00Z", "2026-07-01T07:00:00Z", "2026-10-01T07:00:00Z",
    "2027-01-01T08:00:00Z", NULL };
  g_autoptr (GDateTime) june = utc (2026, 6, 1, 0, 0);
  g_autoptr (GDateTime) feb = utc (2026, 2, 1, 0, 0);
  assert_occurrences ("FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=15", "2026-01-15T09:00:00",
                      "America/New_York", june, yearly);
  assert_occurrences ("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1", "2026-01-01T09:00:00",
                      "Europe/Vienna", feb, quarterly);
}

/* after itself is the next occurrence only when inclusive; a rule with
 * COUNT runs out. */
static void
test_after_and_count (void **state)
{
  g_autoptr (GDateTime) at = utc (2026, 3, 2, 8, 0);
  g_autoptr (GDateTime) late = utc (2026, 3, 5, 0, 0);
  g_autofree char *incl = next_text ("FREQ=DAILY", "2026-03-01T09:00:00", "Europe/Vienna", at, TRUE);
  g_autofree char *excl = next_text ("FREQ=DAILY", "2026-03-01T09:00:00", "Europe/Vienna", at, FALSE);
  g_autofree char *done = next_text ("FREQ=DAILY;COUNT=2", "2026-03-01T09:00:00", "Europe/Vienna",
                                     late, FALSE);
  g_autofree char *utc_zone = next_text ("FREQ=WEEKLY;BYDAY=MO", "2026-03-01T09:00:00", "UTC",
                                         late, FALSE);
  assert_string_equal (incl, "2026-03-02T08:00:00Z");
  assert_string_equal (excl, "2026-03-03T08:00:00Z");
  assert_string_equal (done, "-");
  assert_string_equal (utc_zone, "2026-03-09T09:00:00Z");
}

static void
test_invalid_rules (void **state)
{
  static const char *const bad[] = {
    "", "garbage", "FREQ=DAILY;FOO=1", "FREQ=DAILY;BYMONTHDAY=40", "FREQ=FORTNIGHTLY",
    "FREQ=MINUTELY", "FREQ=SECONDLY", "RSCALE=GREGORIAN;FREQ=DAILY", "FREQ=DAILY;INTERVAL=0",
    "FREQ=DAILY;COUNT=3;UNTIL=20270101T000000Z", "FREQ=DAILY\nX", "FREQ=DAILY;BYDAY=XX", "FREQ=YEARLY;BYMONTH=13",
    "FREQ=YEARLY;BYMONTH=5L",
    /* parts RFC 5545 forbids with the FREQ, which libical expands out of order */
    "FREQ=WEEKLY;BYDAY=5MO,WE;COUNT=10", "FREQ=DAILY;BYDAY=-1FR", "FREQ=WEEKLY;BYMONTHDAY=3",
    "FREQ=MONTHLY;BYYEARDAY=100", "FREQ=MONTHLY;BYWEEKNO=20", "FREQ=YEARLY;BYWEEKNO=20;BYDAY=1MO",
    /* a BYDAY number beyond the weeks of a month or a year: libical searched
     * seconds for the 203rd Wednesday */
    "FREQ=MONTHLY;BYDAY=203WE;COUNT=4", "FREQ=MONTHLY;BYDAY=-6MO", "FREQ=YEARLY;BYDAY=54FR",
    "FREQ=YEARLY;BYMONTH=3;BYDAY=6TU",
    NULL };
  static const char *const good[] = {
    "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=15", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1",
    "FREQ=WEEKLY;BYDAY=MO,WE", "FREQ=HOURLY;INTERVAL=6", "FREQ=DAILY;UNTIL=20270101T000000Z",
    "FREQ=MONTHLY;BYDAY=-1FR", "FREQ=YEARLY;BYMONTH=3;BYDAY=2TU", "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
    "FREQ=YEARLY;BYYEARDAY=100", "FREQ=YEARLY;BYDAY=20MO", "FREQ=MONTHLY;BYDAY=5FR,-5MO",
    NULL };
  g_autofree char *huge = g_strnfill (RECUR_RRULE_MAX + 1, 'A');
  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      if (recur_rule_check (bad[i], &error))
        fail_msg ("accepted %s", bad[i]);
      assert_true (g_error_matches (error, RECUR_ERROR, RECUR_ERROR_INVALID));
    }
  for (guint i = 0; good[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      if (!recur_rule_check (good[i], &error))
        fail_msg ("refused %s: %s", good[i], error->message);
    }
  assert_false (recur_rule_check (huge, NULL));
  assert_false (recur_rule_check (NULL, NULL));
  g_autoptr (GDateTime) now = utc (2026, 3, 1, 0, 0);
  g_autoptr (GError) error = NULL;
  assert_null (schedule_next ("FREQ=DAILY", "2026-03-01T09:00:00", "Nowhere/Land", now, TRUE,
                              &error));
  assert_true (g_error_matches (error, SCHEDULE_ERROR, SCHEDULE_ERROR_INVALID));
}

static void
test_start_parse (void **state)
{
  static const struct { const char *in; const char *out; } good[] = {
    { "2026-01-15", "2026-01-15T00:00:00" },
    { "2026-01-15T09:00", "2026-01-15T09:00:00" },
    { "2026-01-15 09:30:15", "2026-01-15T09:30:15" },
    { "2028-02-29T23:59:59", "2028-02-29T23:59:59" },
  };
  static const char *const bad[] = {
    "", "2026-02-30", "2027-02-29", "2026-1-15", "2026-01-15T24:00", "2026-01-15T09:60",
    "2026-01-15T09:00Z", "2026-01-15T09:00+01:00", "1969-12-31", "15/01/2026",
    "2026-01-15T09", "2026-01-15X09:00", "２０２６-01-15", NULL };
  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *out = recur_start_parse (good[i].in, &error);
      assert_non_null (out);
      assert_string_equal (out, good[i].out);
    }
  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *out = recur_start_parse (bad[i], &error);
      if (out != NULL)
        fail_msg ("accepted %s", bad[i]);
      assert_true (g_error_matches (error, RECUR_ERROR, RECUR_ERROR_INVALID));
    }
}

/* A start refused is shown in its message as UTF-8 on one line, whatever
 * bytes it was. */
static void
test_start_refused_shown (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = recur_start_parse ("2026-\xc3-15\nT09:00", &error);

  assert_null (out);
  assert_true (g_error_matches (error, RECUR_ERROR, RECUR_ERROR_INVALID));
  assert_true (g_utf8_validate (error->message, -1, NULL));
  assert_null (strchr (error->message, '\n'));
  assert_non_null (strstr (error->message, "2026-\xef\xbf\xbd-15?T09:00"));
}

/* Bad [schedule NAME] sections are configuration problems. */
static void
test_config_problems (void **state)
{
  Fixture *f = *state;
  static const struct { const char *section; const char *problem; } cases[] = {
    { "[schedule a]\ncircular = x\nrrule = FREQ=MINUTELY\nstart = 2026-01-01\n",
      "[schedule a] rrule: " },
    { "[schedule a]\ncircular = x\nrrule = FREQ=DAILY\nstart = tomorrow\n",
      "[schedule a] start: " },
    { "[schedule a]\ncircular = x\nstart = 2026-01-01\n", "[schedule a] rrule: missing" },
    { "[schedule a]\nrrule = FREQ=DAILY\nstart = 2026-01-01\n", "[schedule a] circular: missing" },
    { "[schedule a]\nkind = report\nrrule = FREQ=DAILY\nstart = 2026-01-01\n",
      "[schedule a] kind: \"report\" is not a kind of schedule" },
    { "[schedule a]\ncircular = x\nrrule = FREQ=DAILY\nstart = 2026-01-01\nwhen = now\n",
      "[schedule a] when: unknown key" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *conf = g_strconcat (CONF_HEAD, cases[i].section, NULL);
      g_autoptr (Config) config = load (f->dir, conf, &error);
      assert_null (config);
      if (strstr (error->message, cases[i].problem) == NULL)
        fail_msg ("%s: expected %s", error->message, cases[i].problem);
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (Config) ok = load (f->dir, CONF_HEAD "[schedule d]\nkind = distribute-contacts\n"
                                "rrule = FREQ=MONTHLY\nstart = 2026-01-01\n", &error);
  assert_non_null (ok);
  assert_int_equal (ok->schedules->len, 1);
}

/* The daemon was stopped from 1 to 10 March: the daily circular runs once,
 * then waits for the first occurrence after now. */
static void
test_missed_runs_once (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) first = utc (2026, 3, 1, 7, 0);
  g_autoptr (GDateTime) back = utc (2026, 3, 10, 12, 0);
  g_autoptr (GDateTime) next = utc (2026, 3, 11, 8, 0);

  assert_true (schedule_sync_config (FIXTURE_CONTEXT (f), first, &error));
  fixture_assert_text (f->db, "SELECT next_run FROM schedules WHERE name = 'inventory-call'", "2026-03-01T08:00:00Z");
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM schedules WHERE name = 'off'"
                                          " AND enabled = 0 AND next_run IS NULL"), 1);
  assert_int_equal (schedule_seconds_until_due (f->db, first), 3600 + 1);

  assert_true (schedule_run_due (FIXTURE_CONTEXT (f), back, &error));
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM circulars WHERE template = 'inventory-call'"), 1);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox WHERE kind = 'circular'"), 2);
  g_autofree char *after = fixture_text (f->db, "SELECT next_run FROM schedules WHERE name = 'inventory-call'");
  g_autofree char *last = fixture_text (f->db, "SELECT last_run FROM schedules WHERE name = 'inventory-call'");
  assert_string_equal (after, "2026-03-11T08:00:00Z");
  assert_string_equal (last, "2026-03-10T12:00:00Z");

  /* Again at the same time: nothing is due. */
  assert_true (schedule_run_due (FIXTURE_CONTEXT (f), back, &error));
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox"), 2);
  /* At the next occurrence: a new circular, with a new reference. */
  assert_true (schedule_run_due (FIXTURE_CONTEXT (f), next, &error));
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM circulars"), 2);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox"), 4);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM circulars WHERE recipients = 2"), 2);
  /* The disabled schedule never ran. */
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM circulars WHERE template = 'sources-reminder'"), 0);
}

/* A schedule whose audience no longer resolves is recorded and moves on;
 * the others still run. */
static void
test_failure_recorded (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) first = utc (2026, 3, 1, 7, 0);
  g_autoptr (GDateTime) now = utc (2026, 3, 2, 12, 0);
  assert_true (schedule_sync_config (FIXTURE_CONTEXT (f), first, &error));
  assert_true (schedule_run_due (FIXTURE_CONTEXT (f), now, &error));
  g_autofree char *why = fixture_text (f->db, "SELECT last_error FROM schedules WHERE name = 'broken'");
  g_autofree char *next = fixture_text (f->db, "SELECT next_run FROM schedules WHERE name = 'broken'");
  assert_non_null (strstr (why, "Nobody"));
  assert_string_equal (next, "2026-03-03T09:00:00Z");
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM circulars"), 1);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM counters WHERE kind = 'CIR' AND seq = 1"), 1);
}

/* Changed, switched off and removed sections of the configuration. */
static void
test_config_changes (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) first = utc (2026, 3, 1, 7, 0);
  g_autoptr (GDateTime) later = utc (2026, 3, 5, 12, 0);
  assert_true (schedule_sync_config (FIXTURE_CONTEXT (f), first, &error));
  g_autoptr (Config) changed = load (f->dir, CONF_HEAD
      "[schedule inventory-call]\ncircular = inventory-call\nrrule = FREQ=WEEKLY;BYDAY=MO\n"
      "start = 2026-03-01T09:00\n"
      "[schedule off]\ncircular = sources-reminder\nrrule = FREQ=DAILY\nstart = 2026-03-01T09:00\n",
      &error);
  assert_non_null (changed);
  assert_true (schedule_sync_config (&(Context) { f->db, changed, NULL }, later, &error));
  g_autofree char *weekly = fixture_text (f->db, "SELECT next_run FROM schedules WHERE name = 'inventory-call'");
  g_autofree char *on = fixture_text (f->db, "SELECT next_run FROM schedules WHERE name = 'off' AND enabled");
  assert_string_equal (weekly, "2026-03-09T08:00:00Z");
  assert_string_equal (on, "2026-03-06T08:00:00Z");
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM schedules WHERE name = 'broken'"
                                          " AND enabled = 0"), 1);
  /* Unchanged: nothing is written, next_run stays. */
  assert_true (schedule_sync_config (&(Context) { f->db, changed, NULL }, first, &error));
  fixture_assert_text (f->db, "SELECT next_run FROM schedules WHERE name = 'inventory-call'", "2026-03-09T08:00:00Z");
  assert_true (schedule_run_due (&(Context) { f->db, changed, NULL }, later, &error));
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox"), 0);
}

/* `circular schedule REF`: the same circular is sent again at each run. */
static void
test_circular_schedule (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = utc (2026, 3, 1, 7, 0);
  g_autoptr (GDateTime) run = utc (2026, 3, 20, 7, 0);
  g_autofree char *next = NULL;
  g_autofree char *ref = circular_create (FIXTURE_CONTEXT (f),
                                          &(CircularNew) { "inventory-call", "entities:FR", NULL },
                                          now, &error);
  assert_non_null (ref);
  assert_false (schedule_circular (FIXTURE_CONTEXT (f),
                                   &(CircularSchedule) { ref, "FREQ=MINUTELY", "2026-03-01" }, now,
                                   NULL, &error));
  g_clear_error (&error);
  assert_false (schedule_circular (FIXTURE_CONTEXT (f),
                                   &(CircularSchedule) { "CTC-CIR-2026-0099", "FREQ=WEEKLY",
                                                         "2026-03-01" }, now, NULL, &error));
  assert_true (g_error_matches (error, SCHEDULE_ERROR, SCHEDULE_ERROR_NOT_FOUND));
  g_clear_error (&error);
  assert_false (schedule_circular (FIXTURE_CONTEXT (f),
                                   &(CircularSchedule) { ref, "FREQ=DAILY;COUNT=1", "2026-02-01" },
                                   now, NULL, &error));
  g_clear_error (&error);
  assert_true (schedule_circular (FIXTURE_CONTEXT (f),
                                  &(CircularSchedule) { ref, "FREQ=WEEKLY;BYDAY=MO",
                                                        "2026-03-02T10:00" }, now, &next, &error));
  assert_string_equal (next, "2026-03-02T09:00:00Z");
  fixture_assert_text (f->db, "SELECT rrule || ' ' || start FROM circulars", "FREQ=WEEKLY;BYDAY=MO 2026-03-02T10:00:00");

  assert_true (schedule_run_due (FIXTURE_CONTEXT (f), run, &error));
  assert_true (schedule_run_due (FIXTURE_CONTEXT (f), run, &error));
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM circulars"), 1);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox WHERE circular_id = 1"), 1);
  fixture_assert_text (f->db, "SELECT next_run FROM schedules WHERE origin = 'command'", "2026-03-23T09:00:00Z");
  assert_true (schedule_stop (f->db, ref, &error));
  g_autoptr (GDateTime) week = utc (2026, 3, 30, 12, 0);
  assert_true (schedule_run_due (FIXTURE_CONTEXT (f), week, &error));
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox WHERE circular_id = 1"), 1);
  assert_false (schedule_stop (f->db, "CTC-CIR-2026-0099", &error));
}

/* The contact-list distribution as a schedule kind. */
static void
test_distribution_kind (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) first = utc (2026, 3, 1, 7, 0);
  g_autoptr (GDateTime) now = utc (2026, 4, 2, 12, 0);
  g_autoptr (Config) config = load (f->dir, CONF_HEAD
      "[schedule contacts]\nkind = distribute-contacts\naudience = entities:FR\n"
      "rrule = FREQ=MONTHLY;BYMONTHDAY=1\nstart = 2026-01-01T09:00\n", &error);
  assert_non_null (config);
  assert_true (schedule_sync_config (&(Context) { f->db, config, NULL }, first, &error));
  assert_true (schedule_run_due (&(Context) { f->db, config, NULL }, now, &error));
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox WHERE recipient = 'marie@fr.example'"), 1);
  fixture_assert_text (f->db, "SELECT next_run FROM schedules WHERE name = 'contacts'", "2026-05-01T07:00:00Z");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_dst_vienna),
    cmocka_unit_test (test_dst_new_york),
    cmocka_unit_test (test_shipped_rules),
    cmocka_unit_test (test_after_and_count),
    cmocka_unit_test (test_invalid_rules),
    cmocka_unit_test (test_start_parse),
    cmocka_unit_test (test_start_refused_shown),
    cmocka_unit_test_setup_teardown (test_config_problems, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_missed_runs_once, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_failure_recorded, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_config_changes, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_circular_schedule, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_distribution_kind, setup, fixture_gateway_teardown),
  };
  g_mime_init ();
  int failed = cmocka_run_group_tests_name ("schedule", tests, NULL, NULL);
  g_mime_shutdown ();
  return failed;
}
