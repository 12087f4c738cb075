/* Calendar replies through intake (gateway/flows/replies.c): a REPLY updates
 * attendance only for a known UID, from the attendee itself, with a
 * SEQUENCE not older than the meeting's; a COUNTER is kept for staff;
 * nothing is ever answered. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "gateway/base/config.h"
#include "gateway/store/db.h"
#include "gateway/flows/intake.h"
#include "gateway/flows/replies.h"
#include "tests/fixture.h"

typedef Gateway Fixture;

static const char *conf_text =
  "[gateway]\n"
  "database = registers.db\n"
  "address = gateway@ctc.example\n"
  "staff = desk@ctc.example\n"
  "trusted_authserv_id = mx.ctc.example\n"
  "[smtp]\n"
  "url = maildir:outbox\n";

/* A meeting at SEQUENCE 2 to which head@ and focal@ were invited, both
 * contact points of KZ, as deputy@ is. */
static int
setup (void **state)
{
  Fixture *f = fixture_gateway_new ("replies", conf_text);
  fixture_exec (f->db,
      "INSERT INTO meetings (id, reference, title, start, uid, sequence)"
      " VALUES (1, 'CTC-MTG-2026-0001', 'Briefing', '2026-03-10T09:00:00Z',"
      " 'mtg-1@ctc.example', 2);"
      "INSERT INTO attendance (meeting_id, entity, email) VALUES"
      " (1, 'KZ', 'head@mfa.kz.example'), (1, 'KZ', 'focal@mfa.kz.example');"
      "INSERT INTO contacts (reference, entity, name, email) VALUES"
      " ('CTC-CP-2026-0001', 'KZ', 'Head', 'head@mfa.kz.example'),"
      " ('CTC-CP-2026-0002', 'KZ', 'Focal', 'focal@mfa.kz.example'),"
      " ('CTC-CP-2026-0003', 'KZ', 'Deputy', 'Deputy@MFA.kz.example');");
  *state = f;
  return 0;
}

/* A reply as clients send it: text and the calendar in an alternative. */
static GBytes *
reply (const char *from, const char *id, const char *method, const char *uid, int sequence,
       const char *dtstamp, const char *attendee_lines)
{
  char *s = g_strdup_printf (
      "From: %s\r\nTo: gateway@ctc.example\r\nSubject: Accepted: Briefing\r\n"
      "Message-ID: <%s>\r\nDate: Mon, 2 Mar 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n"
      "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nI will attend.\r\n"
      "--b\r\nContent-Type: text/calendar; charset=utf-8; method=%s\r\n\r\n"
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:%s\r\n"
      "BEGIN:VEVENT\r\nUID:%s\r\nSEQUENCE:%d\r\nDTSTAMP:%s\r\n"
      "DTSTART:20260310T090000Z\r\nDTEND:20260310T170000Z\r\n"
      "ORGANIZER:mailto:gateway@ctc.example\r\n%s"
      "END:VEVENT\r\nEND:VCALENDAR\r\n--b--\r\n",
      from, id, method, method, uid, sequence, dtstamp, attendee_lines);
  return g_bytes_new_take (s, strlen (s));
}

#define HEAD_ACCEPTS "ATTENDEE;CN=Head;PARTSTAT=ACCEPTED:mailto:head@mfa.kz.example\r\n"

static IntakeOutcome
take_in (Fixture *f, GBytes *raw)
{
  IntakeResult r = { 0 };
  g_autoptr (GError) error = NULL;
  assert_true (intake_process (FIXTURE_CONTEXT (f), raw, "intake", &r, &error));
  IntakeOutcome outcome = r.outcome;
  intake_result_clear (&r);
  return outcome;
}

static void
assert_nothing_answered (Fixture *f)
{
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox"), 0);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM submissions"
                                          " WHERE answer_outbox_id IS NOT NULL"), 0);
}

static void
test_reply_updates_attendance (void **state)
{
  Fixture *f = *state;
  g_autoptr (GBytes) raw = reply ("Head <HEAD@Mfa.KZ.example>", "r1@mfa", "REPLY",
                                  "mtg-1@ctc.example", 2, "20260302T090000Z", HEAD_ACCEPTS);

  assert_int_equal (take_in (f, raw), INTAKE_AUTOMATIC);
  fixture_assert_text (f->db, "SELECT partstat || ' ' || sequence || ' ' || replied FROM attendance"
                       " WHERE email = 'head@mfa.kz.example'", "ACCEPTED 2 2026-03-02T09:00:00Z");
  fixture_assert_text (f->db, "SELECT partstat FROM attendance WHERE email = 'focal@mfa.kz.example'",
                       "NEEDS-ACTION");
  fixture_assert_text (f->db, "SELECT class || ' ' || outcome FROM submissions",
                       "calendar-reply automatic");
  fixture_assert_text (f->db, "SELECT result || ' ' || attendee FROM calendar_replies",
                       "filed head@mfa.kz.example");
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM attendance a JOIN submissions s"
                                          " ON s.id = a.reply_submission_id"), 1);
  assert_nothing_answered (f);

  /* the same message again is a duplicate: nothing more */
  assert_int_equal (take_in (f, raw), INTAKE_DUPLICATE);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM calendar_replies"), 1);
}

/* Each answer a client can give, and a declined one replaced by a later
 * acceptance; a reply older than the one filed changes nothing. */
static void
test_answers_in_order (void **state)
{
  Fixture *f = *state;
  g_autoptr (GBytes) declined = reply ("focal@mfa.kz.example", "r2@mfa", "REPLY",
      "mtg-1@ctc.example", 2, "20260302T100000Z",
      "ATTENDEE;PARTSTAT=DECLINED:mailto:focal@mfa.kz.example\r\n");
  g_autoptr (GBytes) tentative = reply ("focal@mfa.kz.example", "r3@mfa", "REPLY",
      "mtg-1@ctc.example", 3, "20260302T110000Z",
      "ATTENDEE;PARTSTAT=TENTATIVE:mailto:focal@mfa.kz.example\r\n");
  g_autoptr (GBytes) stale = reply ("focal@mfa.kz.example", "r4@mfa", "REPLY",
      "mtg-1@ctc.example", 3, "20260302T103000Z",
      "ATTENDEE;PARTSTAT=ACCEPTED:mailto:focal@mfa.kz.example\r\n");

  take_in (f, declined);
  fixture_assert_text (f->db, "SELECT partstat FROM attendance WHERE email = 'focal@mfa.kz.example'",
                       "DECLINED");
  /* the meeting is updated, as `meeting update` leaves it */
  fixture_exec (f->db, "UPDATE meetings SET sequence = 3 WHERE id = 1");
  take_in (f, tentative);
  fixture_assert_text (f->db, "SELECT partstat || ' ' || sequence FROM attendance"
                       " WHERE email = 'focal@mfa.kz.example'", "TENTATIVE 3");
  take_in (f, stale);
  fixture_assert_text (f->db, "SELECT partstat FROM attendance WHERE email = 'focal@mfa.kz.example'",
                       "TENTATIVE");
  fixture_assert_text (f->db, "SELECT result FROM calendar_replies ORDER BY id DESC", "older-reply");
  assert_nothing_answered (f);
}

/* Another address answering for the attendee: quarantine, nothing filed;
 * staff approve it, and then it is filed. */
static void
test_spoofed_reply_quarantined (void **state)
{
  Fixture *f = *state;
  g_autoptr (GBytes) raw = reply ("intruder@evil.example", "r5@evil", "REPLY",
                                  "mtg-1@ctc.example", 2, "20260302T090000Z", HEAD_ACCEPTS);
  g_autoptr (GError) error = NULL;

  assert_int_equal (take_in (f, raw), INTAKE_QUARANTINED);
  fixture_assert_text (f->db, "SELECT partstat FROM attendance WHERE email = 'head@mfa.kz.example'",
                       "NEEDS-ACTION");
  g_autofree char *reason = fixture_text (f->db, "SELECT reason FROM quarantine WHERE state = 'waiting'");
  assert_non_null (reason);
  assert_non_null (strstr (reason, "intruder@evil.example"));
  assert_non_null (strstr (reason, "head@mfa.kz.example"));
  assert_non_null (strstr (reason, "RFC 6047"));
  fixture_assert_text (f->db, "SELECT outcome FROM submissions", "quarantined");
  fixture_assert_text (f->db, "SELECT result FROM calendar_replies", "not-attendee");
  assert_nothing_answered (f);

  IntakeResult r = { 0 };
  gint64 id = fixture_count (f->db, "SELECT submission_id FROM quarantine");
  assert_true (intake_approve (FIXTURE_CONTEXT (f), id, &r, &error));
  intake_result_clear (&r);
  fixture_assert_text (f->db, "SELECT partstat FROM attendance WHERE email = 'head@mfa.kz.example'",
                       "ACCEPTED");
  fixture_assert_text (f->db, "SELECT state FROM quarantine", "approved");
  assert_nothing_answered (f);
}

/* The attendee's address, but the trusted MTA says the From is forged. */
static void
test_failed_authentication_quarantined (void **state)
{
  Fixture *f = *state;
  g_autoptr (GBytes) body = reply ("head@mfa.kz.example", "r14@mfa", "REPLY",
                                   "mtg-1@ctc.example", 2, "20260302T090000Z", HEAD_ACCEPTS);
  g_autofree char *text = g_strdup_printf ("Authentication-Results: mx.ctc.example;"
      " dmarc=fail header.from=mfa.kz.example\r\n%s", (const char *) g_bytes_get_data (body, NULL));
  g_autoptr (GBytes) raw = g_bytes_new (text, strlen (text));

  assert_int_equal (take_in (f, raw), INTAKE_QUARANTINED);
  fixture_assert_text (f->db, "SELECT result FROM calendar_replies", "not-authenticated");
  g_autofree char *reason = fixture_text (f->db, "SELECT reason FROM quarantine");
  assert_non_null (strstr (reason, "mx.ctc.example"));
  fixture_assert_text (f->db, "SELECT partstat FROM attendance WHERE email = 'head@mfa.kz.example'",
                       "NEEDS-ACTION");
  assert_nothing_answered (f);
}

/* The same reply from a sender that an aligned DKIM signature
 * authenticated is filed: a signature outweighs the trusted failure
 * (ctcgw(8), AUTHENTICATION). */
static void
test_dkim_outweighs_failed_authentication (void **state)
{
  Fixture *f = *state;
  g_autoptr (GBytes) body = reply ("head@mfa.kz.example", "r15@mfa", "REPLY",
                                   "mtg-1@ctc.example", 2, "20260302T090000Z", HEAD_ACCEPTS);
  g_autofree char *text = g_strdup_printf ("Authentication-Results: mx.ctc.example;"
      " dmarc=fail header.from=mfa.kz.example\r\n%s", (const char *) g_bytes_get_data (body, NULL));
  g_autoptr (GBytes) raw = g_bytes_new (text, strlen (text));
  assert_int_equal (take_in (f, raw), INTAKE_QUARANTINED);
  g_autoptr (MailMessage) msg = mail_message_parse (raw, "gateway@ctc.example",
                                                    &f->config->limits, NULL);
  gint64 id = fixture_count (f->db, "SELECT submission_id FROM quarantine");
  g_autofree char *refusal = NULL;
  g_autoptr (GError) error = NULL;
  RepliesAuth auth = { MAIL_AUTH_DKIM, FALSE };
  assert_true (replies_process (FIXTURE_CONTEXT (f), msg, id, &auth, &refusal, &error));
  assert_null (refusal);
  fixture_assert_text (f->db, "SELECT partstat FROM attendance WHERE email = 'head@mfa.kz.example'",
                       "ACCEPTED");
}

static void
test_older_sequence_ignored (void **state)
{
  Fixture *f = *state;
  g_autoptr (GBytes) raw = reply ("head@mfa.kz.example", "r6@mfa", "REPLY",
                                  "mtg-1@ctc.example", 1, "20260302T090000Z", HEAD_ACCEPTS);

  assert_int_equal (take_in (f, raw), INTAKE_AUTOMATIC);
  fixture_assert_text (f->db, "SELECT partstat FROM attendance WHERE email = 'head@mfa.kz.example'",
                       "NEEDS-ACTION");
  fixture_assert_text (f->db, "SELECT result || ': ' || detail FROM calendar_replies",
                       "older-sequence: SEQUENCE 1 is older than the meeting's 2: ignored");
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM quarantine"), 0);
  assert_nothing_answered (f);
}

static void
test_unknown_uid_kept (void **state)
{
  Fixture *f = *state;
  g_autoptr (GBytes) raw = reply ("head@mfa.kz.example", "r7@mfa", "REPLY",
                                  "someone-elses@calendar.example", 0, "20260302T090000Z",
                                  HEAD_ACCEPTS);

  assert_int_equal (take_in (f, raw), INTAKE_AUTOMATIC);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM submissions WHERE raw IS NOT NULL"), 1);
  fixture_assert_text (f->db, "SELECT result || ' ' || uid FROM calendar_replies",
                       "unknown-uid someone-elses@calendar.example");
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM attendance"
                                          " WHERE partstat <> 'NEEDS-ACTION'"), 0);
  assert_nothing_answered (f);
}

/* Delegation: the invitee's row says to whom; the delegate's own answer
 * then gets a row of its own, for the same entity. */
static void
test_delegation (void **state)
{
  Fixture *f = *state;
  g_autoptr (GBytes) delegated = reply ("head@mfa.kz.example", "r8@mfa", "REPLY",
      "mtg-1@ctc.example", 2, "20260302T090000Z",
      "ATTENDEE;PARTSTAT=DELEGATED;DELEGATED-TO=\"mailto:Deputy@mfa.kz.example\":"
      "mailto:head@mfa.kz.example\r\n"
      "ATTENDEE;DELEGATED-FROM=\"mailto:head@mfa.kz.example\";PARTSTAT=NEEDS-ACTION:"
      "mailto:deputy@mfa.kz.example\r\n");
  g_autoptr (GBytes) accepted = reply ("deputy@mfa.kz.example", "r9@mfa", "REPLY",
      "mtg-1@ctc.example", 2, "20260302T100000Z",
      "ATTENDEE;DELEGATED-FROM=\"mailto:head@mfa.kz.example\";PARTSTAT=ACCEPTED:"
      "mailto:deputy@mfa.kz.example\r\n");
  g_autoptr (GBytes) stranger = reply ("other@mfa.kz.example", "r10@mfa", "REPLY",
      "mtg-1@ctc.example", 2, "20260302T100000Z",
      "ATTENDEE;PARTSTAT=ACCEPTED:mailto:other@mfa.kz.example\r\n");

  take_in (f, delegated);
  fixture_assert_text (f->db, "SELECT partstat || ' ' || delegated_to FROM attendance"
                       " WHERE email = 'head@mfa.kz.example'", "DELEGATED deputy@mfa.kz.example");
  take_in (f, accepted);
  fixture_assert_text (f->db, "SELECT entity || ' ' || partstat FROM attendance"
                       " WHERE email = 'deputy@mfa.kz.example'", "KZ ACCEPTED");
  assert_int_equal (take_in (f, stranger), INTAKE_AUTOMATIC);
  fixture_assert_text (f->db, "SELECT result FROM calendar_replies ORDER BY id DESC", "not-invited");
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM attendance"), 3);
  assert_nothing_answered (f);
}

/* A DTSTAMP as iCalendar writes it, hours from now. */
static char *
dtstamp_in (int hours)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) then = g_date_time_add_hours (now, hours);
  return g_date_time_format (then, "%Y%m%dT%H%M%SZ");
}

/* A reply dated years ahead is refused, kept and not answered; the
 * attendee's real answers after it are filed, as is one dated within the
 * clock skew of [limits] calendar_clock_skew_hours. */
static void
test_future_dtstamp_refused (void **state)
{
  Fixture *f = *state;
  g_autoptr (GBytes) ahead = reply ("head@mfa.kz.example", "r20@mfa", "REPLY",
                                    "mtg-1@ctc.example", 2, "20990101T000000Z", HEAD_ACCEPTS);
  g_autoptr (GBytes) declined = reply ("head@mfa.kz.example", "r21@mfa", "REPLY",
      "mtg-1@ctc.example", 2, "20260302T090000Z",
      "ATTENDEE;PARTSTAT=DECLINED:mailto:head@mfa.kz.example\r\n");
  g_autofree char *soon = dtstamp_in (1);
  g_autoptr (GBytes) accepted = reply ("head@mfa.kz.example", "r22@mfa", "REPLY",
                                       "mtg-1@ctc.example", 2, soon, HEAD_ACCEPTS);

  assert_int_equal (take_in (f, ahead), INTAKE_AUTOMATIC);
  fixture_assert_text (f->db, "SELECT result || ': ' || detail FROM calendar_replies",
                       "future-dtstamp: DTSTAMP 2099-01-01T00:00:00Z is more than 24 hours"
                       " ahead of the gateway's clock: refused");
  fixture_assert_text (f->db, "SELECT partstat FROM attendance WHERE email = 'head@mfa.kz.example'",
                       "NEEDS-ACTION");
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM submissions WHERE raw IS NOT NULL"), 1);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM quarantine"), 0);
  take_in (f, declined);
  fixture_assert_text (f->db, "SELECT partstat FROM attendance WHERE email = 'head@mfa.kz.example'",
                       "DECLINED");
  take_in (f, accepted);
  fixture_assert_text (f->db, "SELECT partstat FROM attendance WHERE email = 'head@mfa.kz.example'",
                       "ACCEPTED");
  assert_nothing_answered (f);
}

/* A SEQUENCE above the meeting's (or the visit's) answers an invitation
 * never sent: refused, for a REPLY and a COUNTER alike. */
static void
test_future_sequence_refused (void **state)
{
  Fixture *f = *state;
  fixture_exec (f->db,
      "INSERT INTO meetings (id, reference, title, start, uid, sequence, kind)"
      " VALUES (2, 'CTC-VIS-2026-0001', 'Visit', '2026-05-04', 'vis-1@ctc.example', 0, 'visit');"
      "INSERT INTO attendance (meeting_id, entity, email) VALUES (2, 'KZ', 'head@mfa.kz.example');");
  g_autoptr (GBytes) ahead = reply ("head@mfa.kz.example", "r23@mfa", "REPLY",
                                    "mtg-1@ctc.example", 9, "20260302T090000Z", HEAD_ACCEPTS);
  g_autoptr (GBytes) visit = reply ("head@mfa.kz.example", "r24@mfa", "REPLY",
                                    "vis-1@ctc.example", 1, "20260302T090000Z", HEAD_ACCEPTS);
  g_autoptr (GBytes) counter = reply ("head@mfa.kz.example", "r25@mfa", "COUNTER",
                                      "mtg-1@ctc.example", 3, "20260302T090000Z", HEAD_ACCEPTS);
  g_autoptr (GBytes) real = reply ("head@mfa.kz.example", "r26@mfa", "REPLY",
      "mtg-1@ctc.example", 2, "20260302T100000Z",
      "ATTENDEE;PARTSTAT=TENTATIVE:mailto:head@mfa.kz.example\r\n");

  assert_int_equal (take_in (f, ahead), INTAKE_AUTOMATIC);
  fixture_assert_text (f->db, "SELECT result || ': ' || detail FROM calendar_replies",
                       "future-sequence: SEQUENCE 9 is above the meeting's 2: no such invitation"
                       " was sent: refused");
  take_in (f, visit);
  take_in (f, counter);
  fixture_assert_text (f->db, "SELECT group_concat (result, ' ') FROM calendar_replies",
                       "future-sequence future-sequence future-sequence");
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM counter_proposals"), 0);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM attendance"
                                          " WHERE partstat <> 'NEEDS-ACTION'"), 0);
  take_in (f, real);
  fixture_assert_text (f->db, "SELECT partstat || ' ' || sequence FROM attendance"
                       " WHERE email = 'head@mfa.kz.example' AND meeting_id = 1", "TENTATIVE 2");
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM quarantine"), 0);
  assert_nothing_answered (f);
}

/* An answer for one occurrence is no answer for the meeting, which has
 * only the one. */
static void
test_occurrence_refused (void **state)
{
  Fixture *f = *state;
  g_autoptr (GBytes) raw = reply ("head@mfa.kz.example", "r27@mfa", "REPLY",
                                  "mtg-1@ctc.example", 2, "20260302T090000Z",
                                  "RECURRENCE-ID:20260317T090000Z\r\n" HEAD_ACCEPTS);

  assert_int_equal (take_in (f, raw), INTAKE_AUTOMATIC);
  fixture_assert_text (f->db, "SELECT result || ': ' || detail FROM calendar_replies",
                       "unknown-occurrence: RECURRENCE-ID 2026-03-17T09:00:00Z answers for one"
                       " occurrence, and the meeting has no others: refused");
  fixture_assert_text (f->db, "SELECT partstat FROM attendance WHERE email = 'head@mfa.kz.example'",
                       "NEEDS-ACTION");
  assert_nothing_answered (f);
}

/* An answer filed before such replies were refused, dated in 2099 for a
 * SEQUENCE never sent, no longer outranks the attendee's real answers. */
static void
test_earlier_lock_released (void **state)
{
  Fixture *f = *state;
  fixture_exec (f->db, "UPDATE attendance SET partstat = 'DECLINED', sequence = 9,"
                       " replied = '2099-01-01T00:00:00Z' WHERE email = 'head@mfa.kz.example'");
  g_autoptr (GBytes) raw = reply ("head@mfa.kz.example", "r28@mfa", "REPLY",
                                  "mtg-1@ctc.example", 2, "20260302T090000Z", HEAD_ACCEPTS);

  take_in (f, raw);
  fixture_assert_text (f->db, "SELECT partstat || ' ' || sequence || ' ' || replied FROM attendance"
                       " WHERE email = 'head@mfa.kz.example'", "ACCEPTED 2 2026-03-02T09:00:00Z");
}

/* A delegation to an outsider filed before such delegations were
 * quarantined is not followed: the outsider's reply finds no invitation. */
static void
test_earlier_outside_delegation_ignored (void **state)
{
  Fixture *f = *state;
  fixture_exec (f->db, "UPDATE attendance SET partstat = 'DELEGATED',"
                       " delegated_to = 'someone@elsewhere.example'"
                       " WHERE email = 'head@mfa.kz.example'");
  g_autoptr (GBytes) raw = reply ("someone@elsewhere.example", "r29@else", "REPLY",
      "mtg-1@ctc.example", 2, "20260302T100000Z",
      "ATTENDEE;PARTSTAT=ACCEPTED:mailto:someone@elsewhere.example\r\n");

  assert_int_equal (take_in (f, raw), INTAKE_AUTOMATIC);
  fixture_assert_text (f->db, "SELECT result FROM calendar_replies", "not-invited");
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM attendance"), 2);
}

#define HEAD_DELEGATES(to) \
  "ATTENDEE;PARTSTAT=DELEGATED;DELEGATED-TO=\"mailto:" to "\":mailto:head@mfa.kz.example\r\n"

/* Delegation to an address that is no contact point of the attendee's
 * entity goes to quarantine: nothing changes, the outsider's reply finds
 * no invitation; approved by staff, it is applied, and the outsider then
 * attends for the entity. */
static void
test_outside_delegate_quarantined (void **state)
{
  Fixture *f = *state;
  g_autoptr (GBytes) delegated = reply ("head@mfa.kz.example", "r30@mfa", "REPLY",
      "mtg-1@ctc.example", 2, "20260302T090000Z", HEAD_DELEGATES ("someone@elsewhere.example"));
  g_autoptr (GBytes) outsider = reply ("someone@elsewhere.example", "r31@else", "REPLY",
      "mtg-1@ctc.example", 2, "20260302T100000Z",
      "ATTENDEE;PARTSTAT=ACCEPTED:mailto:someone@elsewhere.example\r\n");
  g_autoptr (GBytes) again = reply ("someone@elsewhere.example", "r32@else", "REPLY",
      "mtg-1@ctc.example", 2, "20260302T110000Z",
      "ATTENDEE;PARTSTAT=ACCEPTED:mailto:someone@elsewhere.example\r\n");
  g_autoptr (GError) error = NULL;

  assert_int_equal (take_in (f, delegated), INTAKE_QUARANTINED);
  g_autofree char *reason = fixture_text (f->db, "SELECT reason FROM quarantine WHERE state = 'waiting'");
  assert_non_null (reason);
  assert_non_null (strstr (reason, "head@mfa.kz.example delegates to someone@elsewhere.example,"
                                   " who is not a contact point of KZ"));
  fixture_assert_text (f->db, "SELECT result FROM calendar_replies", "outside-delegate");
  fixture_assert_text (f->db, "SELECT partstat || ' ' || coalesce (delegated_to, '-') FROM attendance"
                       " WHERE email = 'head@mfa.kz.example'", "NEEDS-ACTION -");
  assert_int_equal (take_in (f, outsider), INTAKE_AUTOMATIC);
  fixture_assert_text (f->db, "SELECT result FROM calendar_replies ORDER BY id DESC", "not-invited");
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM attendance"), 2);

  IntakeResult r = { 0 };
  gint64 id = fixture_count (f->db, "SELECT submission_id FROM quarantine");
  assert_true (intake_approve (FIXTURE_CONTEXT (f), id, &r, &error));
  intake_result_clear (&r);
  fixture_assert_text (f->db, "SELECT partstat || ' ' || delegated_to FROM attendance"
                       " WHERE email = 'head@mfa.kz.example'", "DELEGATED someone@elsewhere.example");
  take_in (f, again);
  fixture_assert_text (f->db, "SELECT entity || ' ' || partstat FROM attendance"
                       " WHERE email = 'someone@elsewhere.example'", "KZ ACCEPTED");
  assert_nothing_answered (f);
}

/* Rejected by staff, the delegation is never applied; a contact point of
 * another entity is an outsider too, and so is any delegate of an
 * attendee that attends for no entity. */
static void
test_outside_delegate_rejected (void **state)
{
  Fixture *f = *state;
  fixture_exec (f->db,
      "INSERT INTO contacts (reference, entity, name, email) VALUES"
      " ('CTC-CP-2026-0004', 'UZ', 'Other', 'other@mfa.uz.example');"
      "INSERT INTO attendance (meeting_id, entity, email) VALUES (1, NULL, 'guest@ctc.example');");
  g_autoptr (GBytes) delegated = reply ("head@mfa.kz.example", "r33@mfa", "REPLY",
      "mtg-1@ctc.example", 2, "20260302T090000Z", HEAD_DELEGATES ("other@mfa.uz.example"));
  g_autoptr (GBytes) guest = reply ("guest@ctc.example", "r34@ctc", "REPLY",
      "mtg-1@ctc.example", 2, "20260302T090000Z",
      "ATTENDEE;PARTSTAT=DELEGATED;DELEGATED-TO=\"mailto:head@mfa.kz.example\":"
      "mailto:guest@ctc.example\r\n");

  assert_int_equal (take_in (f, delegated), INTAKE_QUARANTINED);
  gint64 id = fixture_count (f->db, "SELECT submission_id FROM quarantine");
  g_autoptr (GError) error = NULL;
  IntakeResult rejected = { 0 };
  assert_true (intake_reject (FIXTURE_CONTEXT (f), id, "not their delegate", &rejected, &error));
  intake_result_clear (&rejected);
  /* from another address, the reason says what approving it would
   * delegate: staff's approval of the sender is approval of that too */
  g_autoptr (GBytes) forged = reply ("intruder@evil.example", "r35@evil", "REPLY",
      "mtg-1@ctc.example", 2, "20260302T090000Z", HEAD_DELEGATES ("other@mfa.uz.example"));
  assert_int_equal (take_in (f, forged), INTAKE_QUARANTINED);
  g_autofree char *forged_reason = fixture_text (f->db, "SELECT reason FROM quarantine"
                                                        " ORDER BY id DESC");
  assert_non_null (strstr (forged_reason, "not the ATTENDEE"));
  assert_non_null (strstr (forged_reason, "; approving it also gives the place of"
                                          " head@mfa.kz.example to other@mfa.uz.example"));
  fixture_assert_text (f->db, "SELECT state FROM quarantine", "rejected");
  fixture_assert_text (f->db, "SELECT partstat FROM attendance WHERE email = 'head@mfa.kz.example'",
                       "NEEDS-ACTION");
  assert_int_equal (take_in (f, guest), INTAKE_QUARANTINED);
  g_autofree char *reason = fixture_text (f->db, "SELECT reason FROM quarantine ORDER BY id DESC");
  assert_non_null (strstr (reason, "guest@ctc.example, who attends for no entity, delegates to"
                                   " head@mfa.kz.example"));
  assert_nothing_answered (f);
}

static void
test_counter_recorded (void **state)
{
  Fixture *f = *state;
  g_autoptr (GBytes) raw = reply ("head@mfa.kz.example", "r11@mfa", "COUNTER",
      "mtg-1@ctc.example", 2, "20260302T090000Z",
      "LOCATION:Vienna\r\nCOMMENT:The 11th suits us better.\r\n" HEAD_ACCEPTS);

  assert_int_equal (take_in (f, raw), INTAKE_AUTOMATIC);
  fixture_assert_text (f->db, "SELECT attendee || ' ' || dtstart || ' ' || location || ' ' || comment"
                       " || ' ' || state FROM counter_proposals",
                       "head@mfa.kz.example 2026-03-10T09:00:00Z Vienna The 11th suits us better. open");
  fixture_assert_text (f->db, "SELECT partstat FROM attendance WHERE email = 'head@mfa.kz.example'",
                       "NEEDS-ACTION");
  fixture_assert_text (f->db, "SELECT result FROM calendar_replies", "counter");
  assert_nothing_answered (f);
}

/* A calendar reply that cannot be read, or a method not handled, is kept
 * and recorded, never answered. */
static void
test_unreadable_and_refresh (void **state)
{
  Fixture *f = *state;
  static const char broken[] =
    "From: head@mfa.kz.example\r\nSubject: Accepted\r\nMessage-ID: <r12@mfa>\r\n"
    "Content-Type: text/calendar; method=REPLY\r\n\r\nBEGIN:VCALENDAR\r\nMETHOD:REPLY\r\n"
    "END:VCALENDAR\r\n";
  g_autoptr (GBytes) raw = g_bytes_new_static (broken, strlen (broken));
  g_autoptr (GBytes) refresh = reply ("head@mfa.kz.example", "r13@mfa", "REFRESH",
                                      "mtg-1@ctc.example", 2, "20260302T090000Z", HEAD_ACCEPTS);

  assert_int_equal (take_in (f, raw), INTAKE_AUTOMATIC);
  fixture_assert_text (f->db, "SELECT result || ': ' || detail FROM calendar_replies",
                       "unreadable: the calendar holds no event with a UID");
  assert_int_equal (take_in (f, refresh), INTAKE_AUTOMATIC);
  fixture_assert_text (f->db, "SELECT result FROM calendar_replies ORDER BY id DESC", "not-handled");
  /* a REPLY that names no attendee answers for nobody: kept, not quarantined */
  g_autoptr (GBytes) nobody = reply ("head@mfa.kz.example", "r15@mfa", "REPLY",
                                     "mtg-1@ctc.example", 2, "20260302T090000Z", "");
  assert_int_equal (take_in (f, nobody), INTAKE_AUTOMATIC);
  fixture_assert_text (f->db, "SELECT result || ': ' || detail FROM calendar_replies ORDER BY id DESC",
                       "not-attendee: the reply names no attendee");
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM quarantine"), 0);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM attendance"
                                          " WHERE partstat <> 'NEEDS-ACTION'"), 0);
  assert_nothing_answered (f);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_reply_updates_attendance, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_answers_in_order, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_spoofed_reply_quarantined, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_failed_authentication_quarantined, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_dkim_outweighs_failed_authentication, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_older_sequence_ignored, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_unknown_uid_kept, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_delegation, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_future_dtstamp_refused, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_future_sequence_refused, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_occurrence_refused, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_earlier_lock_released, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_earlier_outside_delegation_ignored, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_outside_delegate_quarantined, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_outside_delegate_rejected, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_counter_recorded, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_unreadable_and_refresh, setup, fixture_gateway_teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
