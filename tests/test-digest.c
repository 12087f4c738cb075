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
  /* Every contact point entered long before the day: none is new. */
  "UPDATE contacts SET created = '2026-01-01T00:00:00Z';"
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
  " (4, 'offers', 'CTC-OFF-2026-0009', 'new', NULL, NULL),"
  /* Information for a visit is logged under the visit's reference. */
  " (1, 'visit_information', 'CTC-VIS-2026-0001', 'new', NULL, NULL);"
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
  "INSERT INTO visit_information (reference, visit, entity, information, submission_id) VALUES"
  " ('CTC-VIN-2026-0001', 'CTC-VIS-2026-0001', 'UNODC', 'Our team of three.', 1);"
  "INSERT INTO requests (reference, state_code, areas, description, updated) VALUES"
  " ('CTC-REQ-2026-0001', 'KZ', '[\"border-control\"]',"
  "  'Training of border guards' || char(10) || 'at the northern crossings', '2026-11-29T09:00:00Z'),"
  " ('CTC-REQ-2026-0002', 'UZ', '[\"early-warning\"]', 'Early warning system',"
  "  '2026-03-01T09:00:00Z'),"
  " ('CTC-REQ-2026-0003', 'KG', '[\"other\"]', 'D', '2026-03-01T09:00:00Z');"
  "INSERT INTO results (reference, target, results, created) VALUES"
  " ('CTC-RES-2026-0001', 'CTC-REQ-2026-0003', 'Done', '2026-10-01T00:00:00Z');"
  "INSERT INTO offers (reference, providers, title, areas, beneficiaries, updated) VALUES"
  " ('CTC-OFF-2026-0001', '[\"UNODC\"]', 'Border management course', '[\"border-control\"]',"
  "  '[\"KZ\"]', '2026-11-29T09:00:00Z'),"
  " ('CTC-OFF-2026-0002', '[\"OSCE\"]', 'Border security workshop', '[\"border-control\"]', '[\"all\"]',"
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

/* text with its wrapped lines joined again: a line indented four columns
 * more than the line it continues (digest_wrap) is joined to it with a
 * space. */
static char *
flat (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);
  gsize indent = 0;
  for (char **l = lines; *l != NULL; l++)
    {
      gsize spaces = strspn (*l, " ");
      if (l != lines && (*l)[spaces] != '\0' && spaces == indent + 4)
        {
          g_string_append_printf (out, " %s", *l + spaces);
          continue;
        }
      if (l != lines)
        g_string_append_c (out, '\n');
      g_string_append (out, *l);
      indent = spaces;
    }
  return g_string_free (out, FALSE);
}

/* The part of text from the heading title to the next empty line. */
static char *
flat_section (const char *text, const char *title)
{
  g_autofree char *part = section (text, title);
  return flat (part);
}

/* The next 30 days start and end at midnight in the gateway's zone (an
 * hour after midnight UTC in Vienna's winter). */
static void
test_upcoming_edges (void **state)
{
  Fixture *f = *state;
  g_autoptr (Digest) d = make (f, DAY);
  g_autofree char *ahead = flat_section (d->text, "AHEAD");
  assert_lacks (ahead, "CTC-MTG-2026-0011");
  assert_contains (ahead, "  - 2026-11-30 00:30 \"Just after midnight\", Vienna (CTC-MTG-2026-0012)");
  assert_contains (ahead, "  - 2026-12-29 23:30 \"Last evening\", Vienna (CTC-MTG-2026-0013)");
  assert_lacks (ahead, "CTC-MTG-2026-0014");
  assert_contains (ahead, "  - France (b@fr.example): \"Last evening\" on 2026-12-29 23:30"
                          " (CTC-MTG-2026-0013)");
  assert_lacks (ahead, "a@fr.example");
  assert_lacks (ahead, "c@fr.example");
}

/* The summary line comes first, then what needs staff, what happened,
 * what is ahead. */
static void
test_order (void **state)
{
  Fixture *f = *state;
  g_autoptr (Digest) d = make (f, DAY);
  g_autofree char *t = flat (d->text);

  assert_false (d->empty);
  assert_string_equal (d->subject, "Gateway digest for " DAY);
  assert_true (g_str_has_prefix (t, "4 need you today: 1 in quarantine, 1 answer with errors,"
                                    " 1 failed send, 1 contact point bouncing · 3 filed ·"
                                    " 1 meeting this week\n"));
  const char *needs = strstr (t, "\nNEEDS YOU\n");
  const char *happened = strstr (t, "\nWHAT HAPPENED ON " DAY "\n");
  const char *ahead = strstr (t, "\nAHEAD\n");
  assert_non_null (needs);
  assert_non_null (happened);
  assert_non_null (ahead);
  assert_true (needs < happened && happened < ahead);
}

/* Each decision says who (name and entity), what (the message's subject
 * or the record's title), why it waits, and the commands that settle it. */
static void
test_decisions (void **state)
{
  Fixture *f = *state;
  fixture_exec (f->db, "UPDATE submissions SET from_addr = 'focal@mfa.kz.example' WHERE id = 3;");
  g_autoptr (Digest) d = make (f, DAY);
  g_autofree char *needs = flat_section (d->text, "NEEDS YOU");
  assert_contains (needs, "- Quarantine 7: a message from A N (Kazakhstan), focal@mfa.kz.example,"
                          " received 2026-11-29 11:00 UTC: \"Please file\"\n"
                          "  It waits because: sender is no contact point\n"
                          "        ctcgw quarantine show 7\n"
                          "        ctcgw quarantine approve 7\n"
                          "        ctcgw quarantine reject 7\n");
  assert_contains (needs, "- Answered with errors: CTC-SUB-2026-000002 from J D (United Nations"
                          " Office on Drugs and Crime), j.doe@unodc.example: \"Bad\"\n"
                          "  The message was rejected; first problem: line 3: Areas: unknown\n"
                          "        ctcgw show CTC-SUB-2026-000002\n");
  assert_contains (needs, "- Failed send 12: answer to nobody@nowhere.example\n"
                          "  The last error: 550 5.1.1 no such user\n"
                          "        ctcgw outbox retry 12\n");
  assert_lacks (needs, "retry 13");
  assert_contains (needs, "- Contact point bouncing: O A (Germany), gone@de.example"
                          " (CTC-CP-2026-0003)\n");
  assert_contains (needs, "        ctcgw show CTC-CP-2026-0003");
}

/* What happened, by entity name: each record with its title and what
 * changed, the offers that could meet a request, the requests an offer
 * could meet and the offers it overlaps; the information sent for a
 * visit is information received, not a new visit. */
static void
test_happened (void **state)
{
  Fixture *f = *state;
  g_autoptr (Digest) d = make (f, DAY);
  g_autofree char *h = flat_section (d->text, "WHAT HAPPENED ON " DAY);
  assert_contains (h, "\nKazakhstan\n"
                      "  - focal@mfa.kz.example accepted the invitation to CTC-MTG-2026-0001"
                      " \"Regional workshop\"\n"
                      "  - request CTC-REQ-2026-0001 \"Training of border guards\":"
                      " updated (Priority)\n"
                      "    2 offers could meet it: United Nations Office on Drugs and Crime"
                      " \"Border management course\" (CTC-OFF-2026-0001), Organization for"
                      " Security and Co-operation in Europe \"Border security workshop\""
                      " (CTC-OFF-2026-0002)\n");
  assert_contains (h, "\nUnited Nations Office on Drugs and Crime\n"
                      "  - offer CTC-OFF-2026-0001 \"Border management course\": new\n"
                      "    It could meet 1 request: Kazakhstan \"Training of border guards\""
                      " (CTC-REQ-2026-0001)\n"
                      "    It overlaps 1 offer: Organization for Security and Co-operation in"
                      " Europe \"Border security workshop\" (CTC-OFF-2026-0002)\n"
                      "  - information received for CTC-VIS-2026-0001 (visit to Kyrgyzstan):"
                      " \"Our team of three.\"");
  assert_lacks (h, "CTC-VIS-2026-0001\" new");
  assert_lacks (h, "CTC-VIS-2026-0001: new");
  assert_lacks (h, "CTC-OFF-2026-0009");   /* the day before */
  /* The groups come by entity name. */
  assert_true (strstr (h, "\nKazakhstan\n") < strstr (h, "\nUnited Nations Office"));
}

static void
test_outlook (void **state)
{
  Fixture *f = *state;
  g_autoptr (Digest) d = make (f, DAY);
  g_autofree char *a = flat_section (d->text, "AHEAD");
  assert_contains (a, "Meetings in the next 30 days:\n"
                      "  - 2026-12-05 09:00 \"Regional workshop\", Almaty (CTC-MTG-2026-0001)\n"
                      "Visits in the next 30 days:\n"
                      "  - 2026-12-03 to 2026-12-05: visit to Kyrgyzstan with United Nations"
                      " Office on Drugs and Crime, Organization for Security and Co-operation"
                      " in Europe (CTC-VIS-2026-0001)\n");
  assert_lacks (a, "Visit to Kyrgyzstan");
  assert_lacks (a, "CTC-MTG-2026-0002");
  assert_lacks (a, "CTC-VIS-2026-0002");
  const char *from = strstr (a, "Visit information overdue:");
  const char *to = strstr (a, "Invitations not answered yet:");
  assert_true (from != NULL && to != NULL && from < to);
  g_autofree char *overdue = g_strndup (from, to - from);
  assert_contains (overdue, "  - Organization for Security and Co-operation in Europe:"
                            " information for CTC-VIS-2026-0001 (visit to Kyrgyzstan) was due"
                            " on 2026-11-25");
  assert_lacks (overdue, "United Nations");
  assert_lacks (overdue, "CTC-VIS-2026-0002");  /* not due yet */
  assert_lacks (overdue, "CTC-VIS-2026-0003");  /* asked again, due later */
  assert_lacks (overdue, "CTC-VIS-2026-0004");  /* due on the day itself */
  assert_lacks (overdue, "CTC-VIS-2026-0005");  /* nothing was requested */
  assert_lacks (overdue, "CTC-VIS-2026-0006");  /* cancelled */
  assert_lacks (overdue, "CTC-VIS-2026-0007");  /* over */
  assert_contains (a, "  - United Nations Office on Drugs and Crime (j.doe@unodc.example):"
                      " \"Regional workshop\" on 2026-12-05 09:00 (CTC-MTG-2026-0001)");
  assert_lacks (a, "m.dupont");
  assert_contains (a, "  - CTC-SUB-2026-000005 from J D (United Nations Office on Drugs and"
                      " Crime), j.doe@unodc.example: \"Offer\", asked 2026-11-29 12:00 UTC,"
                      " expires 2099-12-06 12:00 UTC\n        ctcgw show CTC-SUB-2026-000005");
  assert_contains (a, "  - CTC-SUB-2026-000006 from O A (Germany), gone@de.example: \"Old\","
                      " expired on 2026-11-17 12:00 UTC");
  assert_contains (a, "  - Uzbekistan: request CTC-REQ-2026-0002 \"Early warning system\","
                      " medium priority, last changed on 2026-03-01\n"
                      "        ctcgw show CTC-REQ-2026-0002");
  assert_lacks (a, "CTC-REQ-2026-0003");
  g_autofree char *silent = section (a, "Entities that have sent nothing for 3 months");
  assert_contains (silent, "  - France (FR), a contact point since 2026-01-01");
  assert_lacks (silent, "Kazakhstan");
  assert_lacks (silent, "United Nations");
  assert_lacks (silent, "Germany");
}

/* Silence counts from an entity's first contact point: one entered on
 * the day, or less than silent_months before, is not silent yet. */
static void
test_silent_from_first_contact (void **state)
{
  Fixture *f = *state;
  fixture_exec (f->db,
      "INSERT INTO contacts (reference, entity, name, email, created) VALUES"
      " ('CTC-CP-2026-0011', 'IT', 'L B', 'l.b@it.example', '2026-11-29T10:00:00Z'),"
      " ('CTC-CP-2026-0012', 'ES', 'P G', 'p.g@es.example', '2026-10-01T10:00:00Z'),"
      " ('CTC-CP-2026-0013', 'PT', 'J S', 'j.s@pt.example', '2026-08-01T10:00:00Z'),"
      /* A later contact point does not restart the silence. */
      " ('CTC-CP-2026-0014', 'PT', 'R M', 'r.m@pt.example', '2026-11-29T10:00:00Z');");
  g_autoptr (Digest) d = make (f, DAY);
  g_autofree char *silent = section (d->text, "Entities that have sent nothing for 3 months");
  assert_lacks (silent, "Italy");
  assert_lacks (silent, "Spain");
  assert_contains (silent, "  - Portugal (PT), a contact point since 2026-08-01");
}

/* An empty day: the summary says nothing needs staff, and each section
 * says it is empty. */
static void
test_empty_day (void **state)
{
  Fixture *f = *state;
  g_autoptr (Digest) d = make (f, DAY);
  assert_true (d->empty);
  assert_true (g_str_has_prefix (d->text, "Nothing needs you today · 0 filed · 0 meetings this"
                                          " week\n"));
  assert_contains (d->text, "\nNEEDS YOU\n  Nothing waits for a decision.\n");
  assert_contains (d->text, "\nWHAT HAPPENED ON " DAY "\n  Nothing was filed, updated or"
                            " withdrawn, and no meeting answer came.\n");
  assert_contains (d->text, "\nMeetings in the next 30 days:\n  none\n");
  assert_contains (d->html, "Nothing waits for a decision.");
  assert_contains (d->html, "Nothing needs you today");
  assert_lacks (d->html, "class=\"decision\"");
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

/* A value longer than a cell ends with an ellipsis, whatever its bytes. */
static void
test_long_values (void **state)
{
  Fixture *f = *state;
  /* A reason is cut past 240 characters (the line separator a space). */
  g_autofree char *bs = g_strnfill (238, 'b');
  g_autofree char *cut = g_strdup_printf ("It waits because: a %s\xe2\x80\xa6\n", bs);
  g_autofree char *whole = g_strdup_printf ("It waits because: a %s\n", bs);
  fixture_exec (f->db, "UPDATE quarantine SET reason = 'a' || char(8232) || printf ('%.250c', 'b');");
  g_autoptr (Digest) d = make (f, DAY);
  assert_contains (d->html, cut);
  fixture_exec (f->db, "UPDATE quarantine SET reason = 'a' || char(8232) || printf ('%.238c', 'b');");
  g_autoptr (Digest) exact = make (f, DAY);
  assert_contains (exact->html, whole);
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
  static const char *const ids[] = { "summary", "decisions", "happened", "outlook" };
  const char *last = d->html;
  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *id = g_strdup_printf (" id=\"%s\"", ids[i]);
      const char *at = strstr (d->html, id);
      if (at == NULL || at < last)
        fail_msg ("%s missing or out of order", id);
      last = at;
    }
  /* One table a decision, with its commands. */
  const char *p = d->html;
  guint decisions = 0;
  while ((p = strstr (p, "class=\"decision\"")) != NULL && ++decisions)
    p++;
  assert_int_equal (decisions, 4);
  assert_contains (d->html, ">ctcgw quarantine approve 7</code>");
  assert_contains (d->html, "<strong>Quarantine 7</strong>: a message from stranger@else.example");
  assert_contains (d->html, "offer CTC-OFF-2026-0001 “Border management course”: new");
  /* For mail programs: inline styles only, no script, one column. */
  assert_lacks (d->html, "<style");
  assert_lacks (d->html, "<script");
  assert_contains (d->html, "max-width:640px");
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
  g_autofree char *refused = section (d->text, "WHAT HAPPENED");
  assert_contains (refused, "\n  3 calendar replies refused: 2 dated in the future / 1 for a"
                            " version never\n      sent\n        ctcgw list calendar-replies");
  assert_lacks (refused, "occurrence");
  assert_contains (d->html, "<p id=\"refused-replies\" style=\"margin:8px 0;\">3"
                            " calendar replies refused: 2 dated in the future / 1 for a version"
                            " never sent.");

  fixture_exec (f->db, "DELETE FROM calendar_replies WHERE result LIKE 'future-%'");
  g_autoptr (Digest) one = make (f, "2026-11-30");
  g_autofree char *single = section (one->text, "WHAT HAPPENED");
  assert_contains (single, "\n  1 calendar reply refused: 1 for an occurrence never sent\n");
}

/* A section shows [digest] items rows, then the command that lists all. */
static void
test_items_limit (void **state)
{
  Fixture *f = *state;
  f->config->digest_items = 1;
  g_autoptr (Digest) d = make (f, DAY);
  g_autofree char *happened = section (d->text, "WHAT HAPPENED");
  assert_contains (happened, "CTC-MTG-2026-0001");
  assert_lacks (happened, "CTC-REQ-2026-0001");
  assert_contains (happened, "  more: ctcgw list submissions");
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
  assert_contains (h, "<td id=\"decisions\"");
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
    cmocka_unit_test_setup_teardown (test_order, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_decisions, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_happened, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_outlook, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_silent_from_first_contact, setup,
                                     fixture_gateway_teardown),
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
