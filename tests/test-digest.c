/* Tests of gateway/flows/digest.c: the digest of a fixture day holds every
 * section with the right items and the commands to run, in 78 columns;
 * the submissions waiting for confirmation, pending or expired, and how
 * each arrival was authenticated; the calendar replies refused; an empty
 * day gives one line; --send queues text and HTML to staff; the
 * daily schedule of [digest] queues it at its hour. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <gmime/gmime.h>

#include "gateway/store/db.h"
#include "gateway/flows/digest.h"
#include "gateway/flows/outbox.h"
#include "gateway/flows/schedule.h"
#include "tests/fixture.h"

#define DAY "2026-11-29"

typedef Gateway Fixture;

static const char *conf_text =
  "[gateway]\n"
  "database = registers.db\n"
  "address = gateway@ctc.example\n"
  "name = CTC Executive Directorate\n"
  "staff = desk@ctc.example\n"
  "timezone = Europe/Vienna\n"
  "[smtp]\n"
  "url = maildir:outbox\n"
  "[digest]\n"
  "to = desk@ctc.example, analyst@ctc.example\n"
  "time = 07:00\n"
  "stale_months = 6\n"
  "silent_months = 3\n"
  "visit_information_days = 14\n";

/* One day of the gateway (2026-11-29 in Vienna) with an item for every
 * section, and rows of the day before that must not show. */
static const char *day_sql =
  "INSERT INTO contacts (reference, entity, name, email, status, updated) VALUES"
  " ('CTC-CP-2026-0001', 'KZ', 'A N', 'focal@mfa.kz.example', 'active', '2026-01-01T00:00:00Z'),"
  " ('CTC-CP-2026-0002', 'UNODC', 'J D', 'j.doe@unodc.example', 'active', '2026-01-01T00:00:00Z'),"
  " ('CTC-CP-2026-0003', 'DE', 'O A', 'gone@de.example', 'bouncing', '2026-01-01T00:00:00Z'),"
  " ('CTC-CP-2026-0004', 'FR', 'M D', 'm.dupont@fr.example', 'active', '2026-01-01T00:00:00Z');"
  "INSERT INTO submissions (id, reference, sha256, received, from_addr, subject, class, outcome)"
  " VALUES (1, 'CTC-SUB-2026-000001', 'a', '2026-11-29T09:00:00Z', 'Focal@mfa.kz.example',"
  "  'Offers', 'submission', 'filed'),"
  " (2, 'CTC-SUB-2026-000002', 'b', '2026-11-29T10:00:00Z', 'j.doe@unodc.example', 'Bad',"
  "  'submission', 'rejected'),"
  " (3, 'CTC-SUB-2026-000003', 'c', '2026-11-29T11:00:00Z', 'stranger@else.example',"
  "  'Please file', 'submission', 'quarantined'),"
  " (4, 'CTC-SUB-2026-000004', 'd', '2026-11-28T10:00:00Z', 'focal@mfa.kz.example',"
  "  'Yesterday', 'submission', 'filed');"
  /* Held for their sender's confirmation: one waiting, one expired. */
  "INSERT INTO submissions (id, reference, sha256, received, from_addr, subject, class, outcome)"
  " VALUES (5, 'CTC-SUB-2026-000005', 'e', '2026-11-29T12:00:00Z', 'j.doe@unodc.example',"
  "  'Offer', 'submission', 'pending'),"
  " (6, 'CTC-SUB-2026-000006', 'f', '2026-11-10T12:00:00Z', 'gone@de.example',"
  "  'Old', 'submission', 'pending');"
  "UPDATE submissions SET authentication = 'dkim' WHERE id = 1;"
  "INSERT INTO confirmations (token, submission_id, address, created, expires) VALUES"
  " ('t5', 5, 'j.doe@unodc.example', '2026-11-29T12:00:05Z', '2099-12-06T12:00:05Z'),"
  "('t6', 6, 'gone@de.example', '2026-11-10T12:00:05Z', '2026-11-17T12:00:05Z');"
  "INSERT INTO submission_records (submission_id, register, reference, how, changed, problems)"
  " VALUES (1, 'offers', 'CTC-OFF-2026-0001', 'new', NULL, NULL),"
  " (1, 'requests', 'CTC-REQ-2026-0001', 'updated', '[\"Priority\"]', NULL),"
  " (2, 'requests', NULL, 'refused', NULL, 'line 3: Areas: unknown'),"
  " (4, 'offers', 'CTC-OFF-2026-0009', 'new', NULL, NULL);"
  "INSERT INTO quarantine (id, submission_id, reason, state) VALUES"
  " (7, 3, 'sender is no contact point', 'waiting');"
  "INSERT INTO outbox (id, state, kind, recipient, last_error) VALUES"
  " (12, 'failed', 'answer', 'nobody@nowhere.example', '550 5.1.1 no such user'),"
  " (13, 'sent', 'answer', 'focal@mfa.kz.example', NULL);"
  "INSERT INTO meetings (id, reference, title, start, location) VALUES"
  " (1, 'CTC-MTG-2026-0001', 'Regional workshop', '2026-12-05T09:00:00Z', 'Almaty'),"
  " (2, 'CTC-MTG-2026-0002', 'Far away', '2027-03-05T09:00:00Z', 'Vienna');"
  /* A visit's invitation is a row of meetings too: listed as a visit only. */
  "INSERT INTO meetings (id, reference, title, start, kind) VALUES"
  " (3, 'CTC-VIS-2026-0001', 'Visit to Kyrgyzstan', '2026-12-03', 'visit');"
  "INSERT INTO attendance (meeting_id, entity, email, partstat, updated) VALUES"
  " (1, 'KZ', 'focal@mfa.kz.example', 'ACCEPTED', '2026-11-29T12:00:00Z'),"
  " (1, 'UNODC', 'j.doe@unodc.example', 'NEEDS-ACTION', '2026-11-20T12:00:00Z'),"
  " (2, 'FR', 'm.dupont@fr.example', 'NEEDS-ACTION', '2026-11-20T12:00:00Z');"
  "INSERT INTO visits (reference, state_code, start_date, end_date, organizations) VALUES"
  " ('CTC-VIS-2026-0001', 'KG', '2026-12-03', '2026-12-05', '[\"UNODC\", \"OSCE\"]'),"
  " ('CTC-VIS-2026-0002', 'UZ', '2027-02-03', '2027-02-05', '[\"IOM\"]');"
  /* Requests for information: overdue when the due date is before the
   * day, the visit not over, cancelled or asked again with a later date. */
  "INSERT INTO visits (id, reference, state_code, start_date, end_date, organizations, status)"
  " VALUES (3, 'CTC-VIS-2026-0003', 'TJ', '2026-12-07', '2026-12-08', '[\"OSCE\"]', 'planned'),"
  " (4, 'CTC-VIS-2026-0004', 'TM', '2026-12-09', '2026-12-10', '[\"OSCE\"]', 'planned'),"
  " (5, 'CTC-VIS-2026-0005', 'AF', '2026-12-04', '2026-12-05', '[\"EU\"]', 'planned'),"
  " (6, 'CTC-VIS-2026-0006', 'MN', '2026-12-11', '2026-12-12', '[\"EU\"]', 'cancelled'),"
  " (7, 'CTC-VIS-2026-0007', 'PK', '2026-11-20', '2026-11-21', '[\"EU\"]', 'planned');"
  "INSERT INTO visit_requests (visit_id, due) VALUES (1, '2026-11-25'), (2, '2026-12-15'),"
  " (3, '2026-11-20'), (3, '2026-12-01'), (4, '2026-11-29'), (6, '2026-11-20'),"
  " (7, '2026-11-10');"
  "INSERT INTO visit_information (reference, visit, entity, information) VALUES"
  " ('CTC-VIN-2026-0001', 'CTC-VIS-2026-0001', 'UNODC', 'Our team of three.');"
  "INSERT INTO requests (reference, state_code, areas, description, updated) VALUES"
  " ('CTC-REQ-2026-0001', 'KZ', '[\"border-control\"]', 'D', '2026-11-29T09:00:00Z'),"
  " ('CTC-REQ-2026-0002', 'UZ', '[\"early-warning\"]', 'D', '2026-03-01T09:00:00Z'),"
  " ('CTC-REQ-2026-0003', 'KG', '[\"other\"]', 'D', '2026-03-01T09:00:00Z');"
  "INSERT INTO results (reference, target, results, created) VALUES"
  " ('CTC-RES-2026-0001', 'CTC-REQ-2026-0003', 'Done', '2026-10-01T00:00:00Z');"
  "INSERT INTO offers (reference, providers, title, areas, beneficiaries, updated) VALUES"
  " ('CTC-OFF-2026-0001', '[\"UNODC\"]', 'T', '[\"border-control\"]', '[\"KZ\"]',"
  "  '2026-11-29T09:00:00Z'),"
  " ('CTC-OFF-2026-0002', '[\"OSCE\"]', 'T', '[\"border-control\"]', '[\"all\"]',"
  "  '2026-05-01T09:00:00Z');";

/* Meetings at the edges of the next 30 days of 2026-11-29 in Vienna: a
 * meeting keeps its start as a wall time in the gateway's zone. */
static const char *edges_sql =
  "INSERT INTO meetings (id, reference, title, start, location) VALUES"
  " (1, 'CTC-MTG-2026-0011', 'Late on the day', '2026-11-29T23:30:00', 'Vienna'),"
  " (2, 'CTC-MTG-2026-0012', 'Just after midnight', '2026-11-30T00:30:00', 'Vienna'),"
  " (3, 'CTC-MTG-2026-0013', 'Last evening', '2026-12-29T23:30:00', 'Vienna'),"
  " (4, 'CTC-MTG-2026-0014', 'Past the horizon', '2026-12-30T00:30:00', 'Vienna');"
  "INSERT INTO attendance (meeting_id, entity, email, partstat, updated) VALUES"
  " (1, 'FR', 'a@fr.example', 'NEEDS-ACTION', '2026-11-20T12:00:00Z'),"
  " (3, 'FR', 'b@fr.example', 'NEEDS-ACTION', '2026-11-20T12:00:00Z'),"
  " (4, 'FR', 'c@fr.example', 'NEEDS-ACTION', '2026-11-20T12:00:00Z');";

static Fixture *
fixture_new (const char *sql)
{
  Fixture *f = fixture_gateway_new ("digest", conf_text);
  /* Entities with no contact point are not silent: keep only a few. */
  if (sql != NULL)
    fixture_exec (f->db, sql);
  return f;
}

static int
setup (void **state)
{
  *state = fixture_new (day_sql);
  return 0;
}

static int
setup_empty (void **state)
{
  *state = fixture_new (NULL);
  return 0;
}

static int
setup_edges (void **state)
{
  *state = fixture_new (edges_sql);
  return 0;
}

static Digest *
make (Fixture *f, const char *day)
{
  g_autoptr (GError) error = NULL;
  Digest *d = digest_make (FIXTURE_CONTEXT (f), day, &error);
  if (d == NULL)
    fail_msg ("digest_make: %s", error->message);
  return d;
}

/* The lines of text between the heading that starts with title and the
 * next empty line. */
static char *
section (const char *text, const char *title)
{
  const char *start = strstr (text, title);
  if (start == NULL)
    fail_msg ("no section \"%s\" in:\n%s", title, text);
  const char *end = strstr (start, "\n\n");
  return g_strndup (start, end != NULL ? (gsize) (end - start) : strlen (start));
}

static void
assert_contains (const char *text, const char *part)
{
  if (strstr (text, part) == NULL)
    fail_msg ("\"%s\" not in:\n%s", part, text);
}

static void
assert_lacks (const char *text, const char *part)
{
  if (strstr (text, part) != NULL)
    fail_msg ("\"%s\" should not be in:\n%s", part, text);
}

/* The next 30 days start and end at midnight in the gateway's zone (an
 * hour after midnight UTC in Vienna's winter). */
static void
test_upcoming_edges (void **state)
{
  Fixture *f = *state;
  g_autoptr (Digest) d = make (f, DAY);
  g_autofree char *upcoming = section (d->text, "MEETINGS AND VISITS IN THE NEXT 30 DAYS");
  assert_lacks (upcoming, "CTC-MTG-2026-0011");
  assert_contains (upcoming, "CTC-MTG-2026-0012  2026-11-30 00:30  Just after midnight");
  assert_contains (upcoming, "CTC-MTG-2026-0013  2026-12-29 23:30  Last evening");
  assert_lacks (upcoming, "CTC-MTG-2026-0014");
  g_autofree char *answers = section (d->text, "MEETING AND VISIT ANSWERS");
  assert_contains (answers, "CTC-MTG-2026-0013  2026-12-29 23:30  FR  b@fr.example");
  assert_lacks (answers, "a@fr.example");
  assert_lacks (answers, "c@fr.example");
}

static void
test_every_section (void **state)
{
  Fixture *f = *state;
  g_autoptr (Digest) d = make (f, DAY);
  const char *t = d->text;

  assert_false (d->empty);
  assert_string_equal (d->subject, "Gateway digest for " DAY);
  g_autofree char *arrived = section (t, "WHAT ARRIVED");
  assert_contains (arrived, "CTC-SUB-2026-000001  KZ  offers 1, requests 1  filed");
  assert_contains (arrived, "CTC-SUB-2026-000002  UNODC  requests 1  rejected");
  assert_contains (arrived, "CTC-SUB-2026-000003  stranger@else.example  submission");
  assert_lacks (arrived, "CTC-SUB-2026-000004");
  assert_contains (arrived, "CTC-SUB-2026-000001  KZ  offers 1, requests 1  filed  dkim");
  assert_contains (arrived, "CTC-SUB-2026-000002  UNODC  requests 1  rejected  none");
  g_autofree char *confirmations = section (t, "WAITING FOR THE SENDER'S CONFIRMATION");
  assert_contains (confirmations, "CTC-SUB-2026-000005  pending  j.doe@unodc.example  UNODC"
                                  "  2026-11-29 12:00\n      2099-12-06 12:00");
  assert_contains (confirmations, "      ctcgw show CTC-SUB-2026-000005");
  assert_contains (confirmations, "CTC-SUB-2026-000006  expired  gone@de.example  DE"
                                  "  2026-11-10 12:00\n      2026-11-17 12:00");
  assert_contains (confirmations, "      ctcgw show CTC-SUB-2026-000006");
  g_autofree char *filed = section (t, "FILED, UPDATED OR WITHDRAWN");
  assert_contains (filed, "CTC-OFF-2026-0001  new  -  CTC-SUB-2026-000001");
  assert_contains (filed, "CTC-REQ-2026-0001  updated  Priority  CTC-SUB-2026-000001");
  assert_lacks (filed, "CTC-OFF-2026-0009");
  g_autofree char *errors = section (t, "ANSWERED WITH ERRORS");
  assert_contains (errors, "CTC-SUB-2026-000002  j.doe@unodc.example  1");
  assert_contains (errors, "      ctcgw show CTC-SUB-2026-000002");
  g_autofree char *quarantine = section (t, "QUARANTINE WAITING");
  assert_contains (quarantine, "7  2026-11-29 11:00  stranger@else.example  Please file"
                               "  sender is no\n      contact point");
  assert_contains (quarantine, "ctcgw quarantine approve 7");
  assert_contains (quarantine, "ctcgw quarantine reject 7");
  g_autofree char *failures = section (t, "SENDS THAT FAILED");
  assert_contains (failures, "12  nobody@nowhere.example  answer  550 5.1.1 no such user");
  assert_contains (failures, "ctcgw outbox retry 12");
  assert_lacks (failures, "retry 13");
  assert_contains (failures, "CTC-CP-2026-0003  DE  gone@de.example  0");
  assert_contains (failures, "ctcgw show CTC-CP-2026-0003");
  g_autofree char *answers = section (t, "MEETING AND VISIT ANSWERS");
  assert_contains (answers, "CTC-MTG-2026-0001  KZ  focal@mfa.kz.example  accepted");
  assert_contains (answers, "CTC-MTG-2026-0001  2026-12-05 09:00  UNODC  j.doe@unodc.example");
  assert_lacks (answers, "m.dupont");
  g_autofree char *upcoming = section (t, "MEETINGS AND VISITS IN THE NEXT 30 DAYS");
  assert_contains (upcoming, "CTC-MTG-2026-0001  2026-12-05 09:00  Regional workshop  Almaty");
  assert_contains (upcoming, "CTC-VIS-2026-0001  KG  2026-12-03  2026-12-05  UNODC OSCE");
  assert_lacks (upcoming, "Visit to Kyrgyzstan");
  assert_lacks (upcoming, "CTC-MTG-2026-0002");
  assert_lacks (upcoming, "CTC-VIS-2026-0002");
  g_autofree char *overdue = section (t, "VISIT INFORMATION OVERDUE");
  assert_contains (overdue, "CTC-VIS-2026-0001  KG  2026-11-25  OSCE");
  assert_lacks (overdue, "UNODC");
  assert_lacks (overdue, "CTC-VIS-2026-0002");  /* not due yet */
  assert_lacks (overdue, "CTC-VIS-2026-0003");  /* asked again, due later */
  assert_lacks (overdue, "CTC-VIS-2026-0004");  /* due on the day itself */
  assert_lacks (overdue, "CTC-VIS-2026-0005");  /* nothing was requested */
  assert_lacks (overdue, "CTC-VIS-2026-0006");  /* cancelled */
  assert_lacks (overdue, "CTC-VIS-2026-0007");  /* over */
  /* Only the pairs of the day, and the headings say so. */
  g_autofree char *candidates = section (t, "CANDIDATE OFFERS: PAIRS WITH A REQUEST OR OFFER"
                                            " FILED OR CHANGED ON " DAY "\n");
  assert_contains (candidates, "CTC-REQ-2026-0001  KZ  CTC-OFF-2026-0001  UNODC  border-control");
  assert_contains (candidates, "CTC-REQ-2026-0001  KZ  CTC-OFF-2026-0002  OSCE  border-control");
  assert_contains (candidates, "  Only the pairs in which the request or the offer was filed"
                               " or changed on\n  " DAY " are listed; every open request with"
                               " its candidate offers:\n      ctcgw list requests --candidates");
  g_autofree char *overlaps = section (t, "OVERLAPPING OFFERS: PAIRS WITH AN OFFER FILED OR"
                                          " CHANGED ON " DAY "\n");
  assert_contains (overlaps, "CTC-OFF-2026-0001  UNODC  CTC-OFF-2026-0002  OSCE  border-control");
  assert_contains (overlaps, "  Only the pairs in which one of the offers was filed or"
                             " changed on\n  " DAY " are listed; every pair of offers that"
                             " overlap:\n      ctcgw list offers --overlaps");
  g_autofree char *stale = section (t, "REQUESTS WITH NO CHANGE AND NO RESULT REPORT FOR 6 MONTHS");
  assert_contains (stale, "CTC-REQ-2026-0002  UZ  2026-03-01  medium");
  assert_contains (stale, "ctcgw show CTC-REQ-2026-0002");
  assert_lacks (stale, "CTC-REQ-2026-0003");
  g_autofree char *silent = section (t, "ENTITIES THAT HAVE SENT NOTHING FOR 3 MONTHS");
  assert_contains (silent, "FR  France");
  assert_lacks (silent, "KZ");
  assert_lacks (silent, "UNODC");
  assert_lacks (silent, "DE");
}

/* Every line of the text fits in 78 columns, long values included. */
static void
test_text_width (void **state)
{
  Fixture *f = *state;
  fixture_exec (f->db, "UPDATE submissions SET subject = 'A subject that goes on and on, far"
                       " beyond the width of any terminal, with a very-long-word-that-cannot-be-"
                       "broken-anywhere-at-all-in-the-middle-of-it-really' WHERE id = 3;"
                       "UPDATE quarantine SET reason = 'a reason' || char(10) || 'on two lines';");
  g_autoptr (Digest) d = make (f, DAY);
  g_auto (GStrv) lines = g_strsplit (d->text, "\n", -1);
  for (char **l = lines; *l != NULL; l++)
    if (g_utf8_strlen (*l, -1) > DIGEST_COLUMNS)
      fail_msg ("line longer than %d columns: %s", DIGEST_COLUMNS, *l);
  assert_contains (d->text, "ctcgw quarantine approve 7");
}

#define B10 "bbbbbbbbbb"
#define B58 B10 B10 B10 B10 B10 "bbbbbbbb"

/* A value longer than a cell ends with an ellipsis, whatever its bytes. */
static void
test_long_values (void **state)
{
  Fixture *f = *state;
  fixture_exec (f->db, "UPDATE quarantine SET reason = 'a' || char(8232) || printf ('%.70c', 'b');");
  g_autoptr (Digest) d = make (f, DAY);
  assert_contains (d->html, "<td>a " B58 "\xe2\x80\xa6</td>");
  fixture_exec (f->db, "UPDATE quarantine SET reason = 'a' || char(8232) || printf ('%.58c', 'b');");
  g_autoptr (Digest) exact = make (f, DAY);
  assert_contains (exact->html, "<td>a " B58 "</td>");
}

static void
test_wrap (void **state)
{
  g_autofree char *w = digest_wrap ("  one two three four five", 12);
  assert_string_equal (w, "  one two\n      three\n      four\n      five");
  g_autofree char *whole = digest_wrap ("to: claire.martin@diplomatie.fr.example", 10);
  assert_string_equal (whole, "to:\n    claire.martin@diplomatie.fr.example");
  /* Chinese characters take two columns each: 4 + 1 + 4 + 1 > 9. */
  g_autofree char *wide = digest_wrap ("\xe8\x81\x94\xe7\xbb\x9c \xe8\x81\x94\xe7\xbb\x9c \xe8\x81\x94", 9);
  assert_string_equal (wide, "\xe8\x81\x94\xe7\xbb\x9c \xe8\x81\x94\xe7\xbb\x9c\n    \xe8\x81\x94");
  g_autofree char *same = digest_wrap ("short\n\nlines", 10);
  assert_string_equal (same, "short\n\nlines");
}

/* The HTML part: a table a section, the commands, no external resource. */
static void
test_html (void **state)
{
  Fixture *f = *state;
  g_autoptr (Digest) d = make (f, DAY);
  static const char *const ids[] = { "arrived", "filed", "errors", "quarantine",
                                     "confirmations", "failures",
                                     "answers", "upcoming", "overdue", "candidates",
                                     "overlaps", "stale", "silent" };
  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *id = g_strdup_printf ("<h2 id=\"%s\">", ids[i]);
      assert_contains (d->html, id);
    }
  assert_contains (d->html, "<td>stranger@else.example</td>");
  assert_contains (d->html, "<code>ctcgw quarantine approve 7</code>");
  assert_contains (d->html, "<th>Authentication</th>");
  assert_contains (d->html, "<td>filed</td><td>dkim</td>");
  assert_contains (d->html, "<tr><td>CTC-SUB-2026-000005</td><td>pending</td>"
                            "<td>j.doe@unodc.example</td><td>UNODC</td><td>2026-11-29 12:00</td>"
                            "<td>2099-12-06 12:00</td>"
                            "<td><code>ctcgw show CTC-SUB-2026-000005</code>");
  assert_contains (d->html, "<tr><td>CTC-SUB-2026-000006</td><td>expired</td>");
  assert_contains (d->html, "<h2 id=\"candidates\">Candidate offers: pairs with a request or"
                            " offer filed or changed on " DAY "</h2>");
  assert_contains (d->html, "every open request with its candidate offers:"
                            " <code>ctcgw list requests --candidates</code>");
  assert_contains (d->html, "<h2 id=\"overlaps\">Overlapping offers: pairs with an offer"
                            " filed or changed on " DAY "</h2>");
  assert_lacks (d->html, "http");
  assert_lacks (d->html, "src=");
}

/* Markup in a value is text in the HTML part. */
static void
test_html_escapes (void **state)
{
  Fixture *f = *state;
  fixture_exec (f->db, "UPDATE submissions SET subject = '<script>alert(1)</script>' WHERE id = 3;");
  g_autoptr (Digest) d = make (f, DAY);
  assert_lacks (d->html, "<script>");
  assert_contains (d->html, "&lt;script&gt;");
}

static void
test_empty_day (void **state)
{
  Fixture *f = *state;
  g_autoptr (Digest) d = make (f, DAY);
  assert_true (d->empty);
  assert_string_equal (d->text, "Nothing happened on " DAY " and nothing waits for staff.\n");
  assert_contains (d->html, "Nothing happened on " DAY);
  assert_lacks (d->html, "<table>");
}

/* Calendar replies refused on the day (schema/015-reply-claims.sql):
 * counted, by why, in one line a person reads; those of another day and
 * those filed are not. */
static void
test_refused_replies (void **state)
{
  Fixture *f = *state;
  fixture_exec (f->db,
      "INSERT INTO submissions (id, sha256, received, from_addr, class, outcome) VALUES"
      " (1, 'a', '2026-11-29T09:00:00Z', 'head@mfa.kz.example', 'calendar-reply', 'automatic');"
      "INSERT INTO calendar_replies (submission_id, method, result, received) VALUES"
      " (1, 'REPLY', 'future-dtstamp', '2026-11-29T09:00:00Z'),"
      " (1, 'REPLY', 'future-sequence', '2026-11-29T10:00:00Z'),"
      " (1, 'REPLY', 'future-dtstamp', '2026-11-29T22:59:59Z'),"
      " (1, 'REPLY', 'filed', '2026-11-29T10:00:00Z'),"
      " (1, 'REPLY', 'unknown-occurrence', '2026-11-28T22:00:00Z'),"
      " (1, 'REPLY', 'unknown-occurrence', '2026-11-29T23:00:00Z');");
  g_autoptr (Digest) d = make (f, DAY);
  assert_false (d->empty);
  g_autofree char *refused = section (d->text, "CALENDAR REPLIES REFUSED");
  assert_contains (refused, "\n  3 calendar replies refused: 2 dated in the future / 1 for a"
                            " version never\n      sent\n      ctcgw list calendar-replies");
  assert_lacks (refused, "occurrence");
  assert_contains (d->html, "<h2 id=\"refused-replies\">Calendar replies refused</h2>\n<p>3"
                            " calendar replies refused: 2 dated in the future / 1 for a version"
                            " never sent.");

  fixture_exec (f->db, "DELETE FROM calendar_replies WHERE result LIKE 'future-%'");
  g_autoptr (Digest) one = make (f, "2026-11-30");
  g_autofree char *single = section (one->text, "CALENDAR REPLIES REFUSED");
  assert_contains (single, "\n  1 calendar reply refused: 1 for an occurrence never sent\n");
}

/* A section shows [digest] items rows, then the command that lists all. */
static void
test_items_limit (void **state)
{
  Fixture *f = *state;
  f->config->digest_items = 1;
  g_autoptr (Digest) d = make (f, DAY);
  g_autofree char *arrived = section (d->text, "WHAT ARRIVED");
  assert_contains (arrived, "CTC-SUB-2026-000001");
  assert_lacks (arrived, "CTC-SUB-2026-000002");
  assert_contains (arrived, "  more: ctcgw list submissions");
}

static void
test_send (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  guint n = 0;
  assert_true (digest_send (FIXTURE_CONTEXT (f), DAY, &n, &error));
  assert_int_equal (n, 2);
  g_autoptr (GMimeMessage) msg = fixture_queued (f->db, "digest", "analyst@ctc.example");
  assert_string_equal (g_mime_message_get_subject (msg), "Gateway digest for " DAY);
  assert_string_equal (g_mime_object_get_header (GMIME_OBJECT (msg), "Auto-Submitted"),
                       "auto-generated");
  GMimeObject *body = g_mime_message_get_mime_part (msg);
  assert_true (GMIME_IS_MULTIPART (body));
  assert_true (g_mime_content_type_is_type (g_mime_object_get_content_type (body), "multipart",
                                            "alternative"));
  GMimeMultipart *alt = GMIME_MULTIPART (body);
  assert_int_equal (g_mime_multipart_get_count (alt), 2);
  GMimeObject *text = g_mime_multipart_get_part (alt, 0);
  GMimeObject *html = g_mime_multipart_get_part (alt, 1);
  assert_true (g_mime_content_type_is_type (g_mime_object_get_content_type (text), "text", "plain"));
  assert_true (g_mime_content_type_is_type (g_mime_object_get_content_type (html), "text", "html"));
  g_autofree char *t = g_mime_text_part_get_text (GMIME_TEXT_PART (text));
  assert_contains (t, "ctcgw quarantine approve 7");
  g_autofree char *h = g_mime_text_part_get_text (GMIME_TEXT_PART (html));
  assert_contains (h, "<h2 id=\"quarantine\">");
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox WHERE kind = 'digest'"), 2);
}

/* [digest] makes a daily schedule that queues the digest of the day
 * before at its hour, local time. */
static void
test_schedule (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) before = g_date_time_new_utc (2026, 11, 30, 5, 0, 0);  /* 06:00 */
  g_autoptr (GDateTime) at = g_date_time_new_utc (2026, 11, 30, 6, 0, 30);     /* 07:00 */
  assert_true (schedule_run_due (FIXTURE_CONTEXT (f), before, &error));
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox WHERE kind = 'digest'"), 0);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM schedules WHERE name = 'digest'"
                                          " AND kind = 'digest' AND next_run = '2026-11-30T06:00:00Z'"), 1);
  assert_true (schedule_run_due (FIXTURE_CONTEXT (f), at, &error));
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox WHERE kind = 'digest'"), 2);
  g_autoptr (GMimeMessage) msg = fixture_queued (f->db, "digest", "desk@ctc.example");
  assert_string_equal (g_mime_message_get_subject (msg), "Gateway digest for " DAY);
  assert_true (schedule_run_due (FIXTURE_CONTEXT (f), at, &error));
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox WHERE kind = 'digest'"), 2);
}

/* The digest is queued in the transaction that records the schedule's
 * run: when the run cannot be recorded, nothing is queued, and the next
 * pass queues it once. */
static void
test_schedule_one_transaction (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) before = g_date_time_new_utc (2026, 11, 30, 5, 0, 0);
  g_autoptr (GDateTime) at = g_date_time_new_utc (2026, 11, 30, 6, 0, 30);
  assert_true (schedule_run_due (FIXTURE_CONTEXT (f), before, &error));
  fixture_exec (f->db, "CREATE TEMP TRIGGER no_mark BEFORE UPDATE OF last_run ON schedules"
                   " BEGIN SELECT RAISE (ABORT, 'disk I/O error'); END;");
  assert_false (schedule_run_due (FIXTURE_CONTEXT (f), at, &error));
  g_clear_error (&error);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox WHERE kind = 'digest'"), 0);
  fixture_exec (f->db, "DROP TRIGGER no_mark;");
  assert_true (schedule_run_due (FIXTURE_CONTEXT (f), at, &error));
  assert_true (schedule_run_due (FIXTURE_CONTEXT (f), at, &error));
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox WHERE kind = 'digest'"), 2);
}

static void
test_day_valid (void **state)
{
  assert_true (digest_day_valid ("2026-11-29"));
  assert_true (digest_day_valid ("2028-02-29"));
  assert_false (digest_day_valid ("2026-02-29"));
  assert_false (digest_day_valid ("2026-11-29x"));
  assert_false (digest_day_valid ("29-11-2026"));
  assert_false (digest_day_valid ("2026-1-129"));
  assert_false (digest_day_valid (""));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_every_section, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_upcoming_edges, setup_edges, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_text_width, setup, fixture_gateway_teardown),
    cmocka_unit_test (test_wrap),
    cmocka_unit_test_setup_teardown (test_long_values, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_html, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_html_escapes, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_empty_day, setup_empty, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_items_limit, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_refused_replies, setup_empty, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_send, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_schedule, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_schedule_one_transaction, setup, fixture_gateway_teardown),
    cmocka_unit_test (test_day_valid),
  };
  g_mime_init ();
  int failed = cmocka_run_group_tests_name ("digest", tests, NULL, NULL);
  g_mime_shutdown ();
  return failed;
}
