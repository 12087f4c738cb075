/* Tests of parsers/imip.c: the replies of real clients in the corpus
 * ($CTCGW_CORPUS/imip: Outlook, Google, iOS, Android, Exchange, Zimbra), a
 * COUNTER, and calendars that are broken or over the limits. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "parsers/imip.h"
#include "parsers/itip.h"
#include "parsers/message.h"
#include "tests/fixture.h"

#define OWN "gateway@ctc.example"

/* Parses message text that must be accepted. */
static MailMessage *
parse_message (const char *data, gsize len)
{
  g_autoptr (GBytes) raw = g_bytes_new (data, len);
  g_autoptr (GError) error = NULL;
  MailMessage *msg = mail_message_parse (raw, OWN, NULL, &error);

  assert_null (error);
  assert_non_null (msg);
  return msg;
}

/* The iTIP message of a corpus file, which must be one. */
static ImipMessage *
corpus_imip (const char *corpus, const char *file, MailClass *klass)
{
  fixture_need_corpus (corpus);
  g_autofree char *path = g_build_filename (corpus, "imip", file, NULL);
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;

  if (!g_file_get_contents (path, &data, &len, NULL))
    fail_msg ("cannot read %s", path);
  g_autoptr (MailMessage) msg = parse_message (data, len);
  ImipMessage *m = imip_parse (msg, &error);
  if (m == NULL)
    fail_msg ("%s: %s", file, error->message);
  *klass = msg->klass;
  return m;
}

static const ImipAttendee *
attendee (const ImipMessage *m, guint i)
{
  assert_true (i < m->attendees->len);
  return g_ptr_array_index (m->attendees, i);
}

/* Values read by hand from the files. */
static const struct {
  const char *file, *method, *uid, *address, *partstat, *dtstamp;
  gint64 sequence;
} expected[] = {
  { "bluemind__outlook.reply.accept.eml", "REPLY", "f1394aba7ca8b9474af204a4d88934b7c7aa2191",
    "admin@willow.vmw", "ACCEPTED", "2012-05-25T15:41:21Z", 0 },
  { "bluemind__outlook.reply.decline.eml", "REPLY", "F3B82EDE-26A7-48AF-B90C-3F99A005964C",
    "tom@willow.vmw", "DECLINED", "2012-05-27T18:14:00Z", 0 },
  { "bluemind__outlook.reply.tentative.eml", "REPLY", "F3B82EDE-26A7-48AF-B90C-3F99A005964C",
    "tom@willow.vmw", "TENTATIVE", NULL, 0 },
  { "bluemind__google.reply.accept.eml", "REPLY", "14ef516ad2e6ce325d5c8efcf9d7ddbfa30f9d15",
    "tcataldo@gmail.com", "ACCEPTED", "2012-05-30T07:56:52Z", 0 },
  { "bluemind__google.reply.decline.eml", "REPLY", "14ef516ad2e6ce325d5c8efcf9d7ddbfa30f9d15",
    "tcataldo@gmail.com", "DECLINED", NULL, 0 },
  { "bluemind__google.reply.valarm.eml", "REPLY", "e76b4686c75efde6b17ea24cb98c8d59dca65063",
    "marieg@isynet.org", "ACCEPTED", NULL, 1 },
  /* iOS: quoted-printable with a soft break inside the PARTSTAT parameter */
  { "bluemind__ios.reply.tentative.eml", "REPLY", "5b596379",
    "admin@willow.vmw", "TENTATIVE", "2012-05-27T18:43:57Z", 0 },
  { "bluemind__ios.reply.decline.eml", "REPLY", "176dfc05", "admin@willow.vmw", "DECLINED", NULL, 0 },
  /* Android: base64, the address folded with a tab, MAILTO in capitals */
  { "bluemind__android.reply.decline.eml", "REPLY",
    "6C5861338FC94376B376095E9884760B00000000000000000000000000000000",
    "david.phan@blue-mind.net", "DECLINED", "2012-07-04T10:52:54Z", 0 },
  /* Exchange through MAPI */
  { "bluemind__bm4.mapi.reply.accept.eml", "REPLY", "a0bd6c5b-dc96-49a0-ae45-089843c839df",
    "lucie.takvorian@blue-mind.net", "ACCEPTED", NULL, 0 },
  { "zimbra__bug-69862-reply.txt", "REPLY", "5baee2a1-9064-4356-9b3c-f56b02050088",
    "rcpt@zimbra.com", "ACCEPTED", "2012-04-24T22:46:11Z", 0 },
  /* Google sends a COUNTER as Content-Type method=REPLY */
  { "bluemind__google_counter.eml", "COUNTER", "36da4919-6cf5-4ce9-aa18-6e56c1da2298",
    "max@gmail.com", "TENTATIVE", "2021-01-13T10:24:39Z", 0 },
};

static void
test_corpus_values (void **state)
{
  const char *corpus = *state;

  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      MailClass klass;
      g_autoptr (ImipMessage) m = corpus_imip (corpus, expected[i].file, &klass);
      assert_int_equal (klass, MAIL_CALENDAR_REPLY);
      assert_string_equal (m->method, expected[i].method);
      assert_string_equal (m->uid, expected[i].uid);
      assert_int_equal (m->sequence, expected[i].sequence);
      assert_int_equal (m->attendees->len, 1);
      assert_string_equal (attendee (m, 0)->address, expected[i].address);
      assert_string_equal (attendee (m, 0)->partstat, expected[i].partstat);
      assert_null (attendee (m, 0)->delegated_to);
      if (expected[i].dtstamp != NULL)
        assert_string_equal (m->dtstamp, expected[i].dtstamp);
    }
}

/* The COUNTER's proposal: its DTSTART/DTEND in UTC. */
static void
test_corpus_counter (void **state)
{
  MailClass klass;
  g_autoptr (ImipMessage) m = corpus_imip (*state, "bluemind__google_counter.eml", &klass);

  assert_string_equal (m->dtstart, "2021-01-13T18:45:00Z");
  assert_string_equal (m->dtend, "2021-01-13T19:45:00Z");
}

/* A time with a TZID of the calendar's own VTIMEZONE comes out in UTC. */
static void
test_corpus_zoned (void **state)
{
  MailClass klass;
  g_autoptr (ImipMessage) m = corpus_imip (*state, "bluemind__outlook.reply.accept.eml", &klass);

  /* DTSTART;TZID="Sarajevo, Skopje, Warsaw, Zagreb":20120529T093000, +02:00 */
  assert_string_equal (m->dtstart, "2012-05-29T07:30:00Z");
}

typedef struct {
  guint files, replies;
  GString *failures;
} CorpusRun;

/* One file: a message classified as a calendar reply is read as one, and a
 * calendar whose METHOD is a reply's is classified as one. */
static void
check_corpus_file (CorpusRun *run, const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return;
  run->files++;
  g_autoptr (MailMessage) msg = parse_message (data, len);
  g_autoptr (ImipMessage) m = imip_parse (msg, &error);
  gboolean reply = msg->klass == MAIL_CALENDAR_REPLY;
  if (reply && m == NULL)
    g_string_append_printf (run->failures, "%s: classified as a reply, but: %s\n",
                            name, error->message);
  else if (m != NULL && itip_method_is_reply (m->method) != reply)
    g_string_append_printf (run->failures, "%s: METHOD %s but class %s\n", name, m->method,
                            mail_class_name (msg->klass));
  else if (reply && (m->attendees->len == 0 || *m->uid == '\0'))
    g_string_append_printf (run->failures, "%s: a reply without attendee or UID\n", name);
  run->replies += reply;
}

/* Every message of the imip folder. */
static void
test_corpus_all (void **state)
{
  fixture_need_corpus (*state);
  g_autofree char *dir = g_build_filename (*state, "imip", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  CorpusRun run = { .failures = g_string_new (NULL) };
  const char *name;

  assert_non_null (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".eml") || g_str_has_suffix (name, ".txt"))
      check_corpus_file (&run, dir, name);
  printf ("%u files, %u replies\n", run.files, run.replies);
  assert_true (run.files >= 70);
  assert_true (run.replies >= 16);
  if (run.failures->len > 0)
    fail_msg ("%s", run.failures->str);
  g_string_free (run.failures, TRUE);
}

/* The bare calendars of imip/ics: read or refused, never a crash; the
 * COUNTER of BlueMind names its proposal. */
static void
test_corpus_ics (void **state)
{
  fixture_need_corpus (*state);
  g_autofree char *dir = g_build_filename (*state, "imip", "ics", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint read = 0;

  assert_non_null (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *data = NULL;
      gsize len;
      g_autoptr (GError) error = NULL;
      if (!g_str_has_suffix (name, ".ics") || !g_file_get_contents (path, &data, &len, NULL))
        continue;
      g_autoptr (ImipMessage) m = imip_parse_text (data, len, NULL, &error);
      assert_true ((m == NULL) != (error == NULL));
      read += m != NULL;
      if (strcmp (name, "bluemind__bluemind.counter.ics") == 0)
        {
          assert_non_null (m);
          assert_string_equal (m->method, "COUNTER");
        }
    }
  assert_true (read > 10);
}

/* --- handmade calendars -------------------------------------------------- */

#define REPLY_HEAD "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nMETHOD:REPLY\r\n" \
  "BEGIN:VEVENT\r\nUID:m-1@ctc.example\r\nDTSTAMP:20260302T090000Z\r\n"
#define REPLY_TAIL "END:VEVENT\r\nEND:VCALENDAR\r\n"

static ImipMessage *
parse_ok (const char *text)
{
  g_autoptr (GError) error = NULL;
  ImipMessage *m = imip_parse_text (text, -1, NULL, &error);

  if (m == NULL)
    fail_msg ("%s", error->message);
  return m;
}

static void
assert_error (const char *text, gssize len, ImipError code, const char *words)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ImipMessage) m = imip_parse_text (text, len, NULL, &error);

  assert_null (m);
  assert_non_null (error);
  if (!g_error_matches (error, IMIP_ERROR, code) || strstr (error->message, words) == NULL)
    fail_msg ("expected error %d with \"%s\", got %d: %s", code, words, error->code,
              error->message);
}

/* Delegation, several attendees, SEQUENCE, no PARTSTAT, lower-case values. */
static void
test_delegated (void **state)
{
  g_autoptr (ImipMessage) m = parse_ok (REPLY_HEAD "SEQUENCE:3\r\n"
      "ATTENDEE;PARTSTAT=delegated;DELEGATED-TO=\"mailto:Deputy@Mfa.example\":mailto:Head@MFA.example\r\n"
      "ATTENDEE;DELEGATED-FROM=\"mailto:head@mfa.example\":MAILTO:deputy@mfa.example\r\n"
      "ATTENDEE;PARTSTAT=ACCEPTED:urn:uuid:0000\r\n" REPLY_TAIL);

  assert_string_equal (m->method, "REPLY");
  assert_int_equal (m->sequence, 3);
  assert_int_equal (m->attendees->len, 2);
  assert_string_equal (attendee (m, 0)->address, "head@mfa.example");
  assert_string_equal (attendee (m, 0)->partstat, "DELEGATED");
  assert_string_equal (attendee (m, 0)->delegated_to, "deputy@mfa.example");
  assert_string_equal (attendee (m, 1)->partstat, "NEEDS-ACTION");
  assert_string_equal (m->dtstamp, "2026-03-02T09:00:00Z");
}

/* A COUNTER's proposal and comment; SEQUENCE absent is 0. */
static void
test_counter (void **state)
{
  g_autoptr (ImipMessage) m = parse_ok (
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nMETHOD:COUNTER\r\n"
      "BEGIN:VEVENT\r\nUID:m-2\r\nDTSTAMP:20260302T090000Z\r\n"
      "DTSTART;VALUE=DATE:20260310\r\nDTEND:20260311T120000\r\n"
      "LOCATION:Room S-2\\, Vienna\r\nCOMMENT:We cannot come on the 9th.\\nOr the 10th.\r\n"
      "ATTENDEE;PARTSTAT=TENTATIVE:mailto:a@b.example\r\n" REPLY_TAIL);

  assert_string_equal (m->method, "COUNTER");
  assert_int_equal (m->sequence, 0);
  assert_string_equal (m->dtstart, "2026-03-10");
  assert_string_equal (m->dtend, "2026-03-11T12:00:00");
  assert_string_equal (m->location, "Room S-2, Vienna");
  assert_string_equal (m->comment, "We cannot come on the 9th. Or the 10th.");
}

/* No METHOD: the Content-Type's method is used. */
static void
test_method_fallback (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ImipMessage) m = imip_parse_text (
      "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\nATTENDEE:mailto:a@b.example\r\n"
      REPLY_TAIL, -1, "reply", &error);

  assert_non_null (m);
  assert_string_equal (m->method, "REPLY");
  assert_null (m->dtstamp);
}

/* The cheap look at METHOD for classification reads folded lines too. */
static void
test_text_method_folded (void **state)
{
  static const struct { const char *text, *method; } cases[] = {
    { "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\n", "REPLY" },
    { "BEGIN:VCALENDAR\r\nMETH\r\n OD:REPLY\r\n", "REPLY" },
    { "BEGIN:VCALENDAR\nMETHOD:COUN\n\tTER\nEND:VCALENDAR\n", "COUNTER" },
    { "BEGIN:VCALENDAR\r\nMETHOD:\r\n REQUEST \r\n", "REQUEST" },
    { "BEGIN:VCALENDAR\r\nMETHOD:RE\r\nPLY:x\r\n", "RE" },
    { "BEGIN:VCALENDAR\r\nX-METHOD:REPLY\r\n", NULL },
    { "BEGIN:VCALENDAR\r\nMETHOD:REPLY;X\r\n", NULL },
    { "BEGIN:VCALENDAR\r\nMETHOD:ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ\r\n", NULL },
    { "BEGIN:VCALENDAR\r\nX-A:1\r\n METHOD:REPLY\r\n", NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *method = itip_text_method (cases[i].text);
      if (g_strcmp0 (method, cases[i].method) != 0)
        fail_msg ("case %zu: %s, not %s", i, method != NULL ? method : "(none)",
                  cases[i].method != NULL ? cases[i].method : "(none)");
    }
}

/* A line of 200,000 folds: each line end is looked at from the line it
 * belongs to (read again from every continuation line, the look would
 * take time quadratic in the calendar's size). */
static void
test_text_method_many_folds (void **state)
{
  GString *text = g_string_new ("BEGIN:VCALENDAR\r\nX-A:");
  for (int i = 0; i < 200000; i++)
    g_string_append (text, "\r\n ");
  g_string_append (text, "\r\nMETHOD:REPLY\r\n");
  g_autofree char *method = itip_text_method (text->str);
  assert_string_equal (method, "REPLY");
  g_string_free (text, TRUE);
}

/* A series and one of its occurrences: the series is the one read. */
static void
test_recurrence (void **state)
{
  g_autoptr (ImipMessage) m = parse_ok (
      "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\n"
      "BEGIN:VEVENT\r\nUID:s\r\nRECURRENCE-ID:20260310T090000Z\r\nSEQUENCE:4\r\n"
      "ATTENDEE;PARTSTAT=DECLINED:mailto:a@b.example\r\nEND:VEVENT\r\n"
      "BEGIN:VEVENT\r\nUID:s\r\nSEQUENCE:2\r\n"
      "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");

  assert_int_equal (m->sequence, 2);
  assert_string_equal (attendee (m, 0)->partstat, "ACCEPTED");
  assert_null (m->recurrence_id);
}

/* A reply for one occurrence only says which: it is not an answer for the
 * whole event.  libical drops a RECURRENCE-ID that is no time: the reply
 * is then one for the whole event. */
static void
test_occurrence_only (void **state)
{
  g_autoptr (ImipMessage) m = parse_ok (
      "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\n"
      "BEGIN:VEVENT\r\nUID:s\r\nRECURRENCE-ID;TZID=Europe/Vienna:20260310T100000\r\n"
      "ATTENDEE;PARTSTAT=DECLINED:mailto:a@b.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
  g_autoptr (ImipMessage) dated = parse_ok (
      "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\n"
      "BEGIN:VEVENT\r\nUID:s\r\nRECURRENCE-ID;VALUE=DATE:20260310\r\n"
      "ATTENDEE;PARTSTAT=DECLINED:mailto:a@b.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
  g_autoptr (ImipMessage) garbled = parse_ok (
      "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\n"
      "BEGIN:VEVENT\r\nUID:s\r\nRECURRENCE-ID;VALUE=INTEGER:7\r\n"
      "ATTENDEE;PARTSTAT=DECLINED:mailto:a@b.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");

  assert_non_null (m->recurrence_id);
  assert_true (g_str_has_prefix (m->recurrence_id, "2026-03-10T"));
  assert_string_equal (dated->recurrence_id, "2026-03-10");
  assert_null (garbled->recurrence_id);
}

/* A backslash before a non-ASCII letter: libical's unescaping splits the
 * letter, and what is returned is still UTF-8 (the UID is kept, the broken
 * byte replaced). */
static void
test_escaped_non_ascii (void **state)
{
  g_autoptr (ImipMessage) m = parse_ok (
      "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:m-\\\xc3\xa9\r\n"
      "LOCATION:Gen\\\xc3\xa8ve\r\nCOMMENT:\\\xd0\x94" "a\r\n"
      "ATTENDEE;PARTSTAT=\\\xc3\xa9:mailto:a@b.example\r\n" REPLY_TAIL);

  assert_non_null (m->uid);
  assert_true (g_utf8_validate (m->uid, -1, NULL));
  assert_true (g_str_has_prefix (m->uid, "m-"));
  assert_true (g_utf8_validate (m->location, -1, NULL));
  assert_true (g_utf8_validate (m->comment, -1, NULL));
  assert_int_equal (m->attendees->len, 1);
  assert_true (g_utf8_validate (attendee (m, 0)->partstat, -1, NULL));
}

/* Values of the wrong type (VALUE=) and garbage are skipped, not read as
 * what they are not. */
static void
test_wrong_value_types (void **state)
{
  g_autoptr (ImipMessage) m = parse_ok (REPLY_HEAD
      "SEQUENCE:many\r\nLOCATION;VALUE=INTEGER:7\r\nDTSTART;VALUE=INTEGER:7\r\n"
      "DTEND:notatime\r\nATTENDEE;VALUE=INTEGER:5\r\n"
      "ATTENDEE;PARTSTAT=ACCEPTED:mailto:ok@b.example\r\n" REPLY_TAIL);

  assert_int_equal (m->sequence, 0);
  assert_null (m->dtstart);
  assert_null (m->dtend);
  assert_int_equal (m->attendees->len, 1);
  assert_string_equal (attendee (m, 0)->address, "ok@b.example");
}

static void
test_malformed (void **state)
{
  assert_error ("", -1, IMIP_ERROR_INVALID, "no VCALENDAR");
  assert_error ("hello\r\n", -1, IMIP_ERROR_INVALID, "no VCALENDAR");
  assert_error ("BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n", -1, IMIP_ERROR_INVALID, "no VCALENDAR");
  assert_error ("BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nEND:VCALENDAR\r\n", -1,
                IMIP_ERROR_INVALID, "no event with a UID");
  assert_error ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\n" REPLY_TAIL, -1,
                IMIP_ERROR_INVALID, "no event with a UID");
  assert_error ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:\xff\r\n" REPLY_TAIL, -1,
                IMIP_ERROR_INVALID, "not UTF-8");
  assert_error ("BEGIN:VCALENDAR\0BEGIN:VEVENT", 28, IMIP_ERROR_INVALID, "not UTF-8");
  /* cut anywhere: never a crash */
  const char *whole = REPLY_HEAD "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example\r\n" REPLY_TAIL;
  for (gsize n = 0; n < strlen (whole); n++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ImipMessage) m = imip_parse_text (whole, n, NULL, &error);
      assert_true ((m == NULL) != (error == NULL));
    }
}

static void
test_limits (void **state)
{
  GString *big = g_string_new (REPLY_HEAD "DESCRIPTION:");
  while (big->len <= CTC_CALENDAR_MAX)
    g_string_append (big, "0123456789abcdef");
  g_string_append (big, "\r\n" REPLY_TAIL);
  assert_error (big->str, big->len, IMIP_ERROR_TOO_LARGE, "over the limit");

  g_string_assign (big, "BEGIN:VCALENDAR\r\n");
  for (guint i = 0; i <= CTC_CALENDAR_COMPONENTS_MAX; i++)
    g_string_append (big, "BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n");
  g_string_append (big, "END:VCALENDAR\r\n");
  assert_error (big->str, big->len, IMIP_ERROR_TOO_MANY, "components");

  g_string_assign (big, REPLY_HEAD);
  for (guint i = 0; i <= CTC_CALENDAR_ATTENDEES_MAX; i++)
    g_string_append_printf (big, "ATTENDEE:mailto:a%u@b.example\r\n", i);
  g_string_append (big, REPLY_TAIL);
  assert_error (big->str, big->len, IMIP_ERROR_TOO_MANY, "attendees");

  /* BEGIN lines folded (RFC 5545 section 3.1) are components all the same:
   * 5000 of them around a valid reply */
  g_string_assign (big, REPLY_HEAD "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example\r\n"
                   "END:VEVENT\r\n");
  for (guint i = 0; i < 5000; i++)
    g_string_append (big, i % 2 ? "B\r\n EGIN:VTIMEZONE\r\nEND:VTIMEZONE\r\n"
                     : "BEG\n\tIN:X-C\nEND:X-C\n");
  g_string_append (big, "END:VCALENDAR\r\n");
  assert_error (big->str, big->len, IMIP_ERROR_TOO_MANY, "components");
  /* and so are BEGINs with parameters or a blank before the colon */
  g_string_assign (big, REPLY_HEAD "END:VEVENT\r\n");
  for (guint i = 0; i <= CTC_CALENDAR_COMPONENTS_MAX; i++)
    g_string_append (big, i % 2 ? "BEGIN;X-P=1:X-C\r\nEND:X-C\r\n" : "BEGIN :X-C\r\nEND:X-C\r\n");
  g_string_append (big, "END:VCALENDAR\r\n");
  assert_error (big->str, big->len, IMIP_ERROR_TOO_MANY, "components");

  /* deep nesting is refused before libical sees it, folded or not */
  g_string_assign (big, "");
  for (guint i = 0; i < 50000; i++)
    g_string_append (big, "B\n EGIN:X\n");
  assert_error (big->str, big->len, IMIP_ERROR_TOO_MANY, "components");
  g_string_assign (big, "");
  for (guint i = 0; i < 50000; i++)
    g_string_append (big, "BEGIN:X\n");
  assert_error (big->str, big->len, IMIP_ERROR_TOO_MANY, "components");
  g_string_free (big, TRUE);

  /* a long value is cut */
  g_autofree char *uid = g_strnfill (5000, 'u');
  g_autofree char *text = g_strdup_printf ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:%s\r\n"
                                           REPLY_TAIL, uid);
  g_autoptr (ImipMessage) m = parse_ok (text);
  assert_int_equal (strlen (m->uid), CTC_CALENDAR_VALUE_MAX);
}

static void
test_address (void **state)
{
  static const char *const cases[][2] = {
    { "mailto:A@B.Example", "a@b.example" }, { "MAILTO:x@y.example", "x@y.example" },
    { "x@y.example", "x@y.example" }, { "\"mailto:q@r.example\"", "q@r.example" },
    { "mailto:", NULL }, { "urn:uuid:1234", NULL }, { "mailto:a@@b", NULL },
    { "mailto:@b.example", NULL }, { "mailto:a@", NULL }, { "mailto:a\x01b@c.example", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *a = imip_address (cases[i][0]);
      if (g_strcmp0 (a, cases[i][1]) != 0)
        fail_msg ("%s: %s, expected %s", cases[i][0], a, cases[i][1]);
    }
  assert_null (imip_address (NULL));
}

/* A message without a calendar; an attached .ics of any type is found. */
static void
test_message_parts (void **state)
{
  static const char plain[] = "From: a@b.example\nSubject: x\n\nno calendar here\n";
  static const char octet[] =
    "From: a@b.example\nSubject: Accepted\nMIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nYes.\n"
    "--B\nContent-Type: application/octet-stream; name=reply.ics\n"
    "Content-Disposition: attachment; filename=reply.ics\n"
    "Content-Transfer-Encoding: base64\n\n"
    "QkVHSU46VkNBTEVOREFSDQpNRVRIT0Q6UkVQTFkNCkJFR0lOOlZFVkVOVA0KVUlEOnUtOQ0KQVRU\n"
    "RU5ERUU7UEFSVFNUQVQ9REVDTElORUQ6bWFpbHRvOmFAYi5leGFtcGxlDQpFTkQ6VkVWRU5UDQpF\n"
    "TkQ6VkNBTEVOREFSDQo=\n--B--\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (MailMessage) none = parse_message (plain, strlen (plain));
  g_autoptr (ImipMessage) nothing = imip_parse (none, &error);

  assert_null (nothing);
  assert_true (g_error_matches (error, IMIP_ERROR, IMIP_ERROR_NO_CALENDAR));
  g_autoptr (MailMessage) msg = parse_message (octet, strlen (octet));
  assert_int_equal (msg->klass, MAIL_CALENDAR_REPLY);
  g_autoptr (ImipMessage) m = imip_parse (msg, NULL);
  assert_non_null (m);
  assert_string_equal (m->uid, "u-9");
  assert_string_equal (attendee (m, 0)->partstat, "DECLINED");
}

/* A calendar in Latin-1, quoted-printable, attached to a mixed message;
 * and one in UTF-8 with no charset at all. */
static void
test_charsets (void **state)
{
  static const char latin1[] =
    "From: a@b.example\nSubject: Tentative\nMIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nMaybe.\n"
    "--B\nContent-Type: text/calendar; charset=iso-8859-1; method=COUNTER; name=x.ics\n"
    "Content-Disposition: attachment; filename=x.ics\n"
    "Content-Transfer-Encoding: quoted-printable\n\n"
    "BEGIN:VCALENDAR\r\nMETHOD:COUNTER\r\nBEGIN:VEVENT\r\nUID:u-1\r\n"
    "LOCATION:Salle =E9t=E9=\r\n, Gen=E8ve\r\n"
    "ATTENDEE;PARTSTAT=TENTATIVE:mailto:a@b.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    "--B--\n";
  static const char utf8[] =
    "From: a@b.example\nSubject: Accepted\nMIME-Version: 1.0\n"
    "Content-Type: application/ics\n\n"
    "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:u-2\r\n"
    "COMMENT:Je serai l\xc3\xa0\r\n"
    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  g_autoptr (MailMessage) m1 = parse_message (latin1, strlen (latin1));
  g_autoptr (MailMessage) m2 = parse_message (utf8, strlen (utf8));
  g_autoptr (ImipMessage) c1 = imip_parse (m1, NULL);
  g_autoptr (ImipMessage) c2 = imip_parse (m2, NULL);

  assert_int_equal (m1->klass, MAIL_CALENDAR_REPLY);
  assert_non_null (c1);
  assert_string_equal (c1->method, "COUNTER");
  assert_string_equal (c1->location, "Salle \xc3\xa9t\xc3\xa9, Gen\xc3\xa8ve");
  assert_int_equal (m2->klass, MAIL_CALENDAR_REPLY);
  assert_non_null (c2);
  assert_string_equal (c2->comment, "Je serai l\xc3\xa0");
}

/* A calendar part of a multipart/mixed message. */
#define CAL_PART(type, name, method, uid) \
  "--B\nContent-Type: " type "; name=" name "\nContent-Disposition: attachment; filename=" \
  name "\n\nBEGIN:VCALENDAR\r\nMETHOD:" method "\r\nBEGIN:VEVENT\r\nUID:" uid "\r\n" \
  "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
#define MIXED_HEAD "From: a@b.example\nSubject: Accepted\nMIME-Version: 1.0\n" \
  "Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nYes.\n"

/* Several calendar parts: the first reply is read, not an unrelated .ics
 * before it; a text/calendar with method=REPLY wins over an attached .ics. */
static void
test_calendar_choice (void **state)
{
  static const char publish_first[] = MIXED_HEAD
    CAL_PART ("application/octet-stream", "agenda.ics", "PUBLISH", "agenda")
    CAL_PART ("text/calendar", "invite.ics", "REQUEST", "invite")
    CAL_PART ("application/ics", "reply.ics", "REPLY", "reply")
    CAL_PART ("application/ics", "later.ics", "COUNTER", "later") "--B--\n";
  static const char typed_later[] = MIXED_HEAD
    CAL_PART ("application/ics", "old.ics", "REPLY", "attached")
    CAL_PART ("text/calendar; method=REPLY", "reply.ics", "REPLY", "typed") "--B--\n";
  static const char none[] = MIXED_HEAD
    CAL_PART ("application/ics", "agenda.ics", "PUBLISH", "agenda")
    CAL_PART ("text/calendar", "cancel.ics", "CANCEL", "cancel") "--B--\n";
  g_autoptr (MailMessage) m1 = parse_message (publish_first, strlen (publish_first));
  g_autoptr (MailMessage) m2 = parse_message (typed_later, strlen (typed_later));
  g_autoptr (MailMessage) m3 = parse_message (none, strlen (none));
  g_autoptr (ImipMessage) c1 = imip_parse (m1, NULL);
  g_autoptr (ImipMessage) c2 = imip_parse (m2, NULL);

  assert_int_equal (m1->klass, MAIL_CALENDAR_REPLY);
  assert_non_null (c1);
  assert_string_equal (c1->uid, "reply");
  assert_string_equal (c1->method, "REPLY");
  assert_int_equal (m2->klass, MAIL_CALENDAR_REPLY);
  assert_non_null (c2);
  assert_string_equal (c2->uid, "typed");
  /* no reply at all: the first calendar, which is not answered either */
  assert_int_equal (m3->klass, MAIL_OTHER);
  assert_string_equal (m3->calendar_method, "PUBLISH");
}

/* Two calendars in one part: the first is read. */
static void
test_two_calendars (void **state)
{
  g_autoptr (ImipMessage) m = parse_ok (
      "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:first\r\n"
      "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example\r\n" REPLY_TAIL
      "BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nBEGIN:VEVENT\r\nUID:second\r\n" REPLY_TAIL);

  assert_string_equal (m->uid, "first");
  assert_string_equal (m->method, "REPLY");
}

/* Zones whose rules libical would expand without end are dropped: the
 * time is then local; a real zone still gives UTC. */
static void
test_hostile_zones (void **state)
{
  static const char *const rules[] = {
    "FREQ=MINUTELY", "FREQ=DAILY", "FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12",
    "FREQ=YEARLY;BYMONTH=3;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12",
    "FREQ=YEARLY;BYDAY=MO,TU,WE,TH,FR,SA,SU", "FREQ=YEARLY;BYYEARDAY=1,2,3",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      g_autofree char *text = g_strdup_printf (
          "BEGIN:VCALENDAR\r\nMETHOD:COUNTER\r\nBEGIN:VTIMEZONE\r\nTZID:Z\r\n"
          "BEGIN:STANDARD\r\nDTSTART:19000101T000000\r\nRRULE:%s\r\n"
          "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
          "BEGIN:VEVENT\r\nUID:z\r\nDTSTART;TZID=Z:20260310T090000\r\n"
          "ATTENDEE:mailto:a@b.example\r\n" REPLY_TAIL, rules[i]);
      g_autoptr (ImipMessage) m = parse_ok (text);
      assert_string_equal (m->dtstart, "2026-03-10T09:00:00");
    }
  /* more rules than CTC_CALENDAR_ZONE_RULES_MAX, or a rule from before 1600 */
  GString *many = g_string_new ("BEGIN:VCALENDAR\r\nMETHOD:COUNTER\r\nBEGIN:VTIMEZONE\r\nTZID:Z\r\n");
  for (guint i = 0; i <= CTC_CALENDAR_ZONE_RULES_MAX; i++)
    g_string_append_printf (many, "BEGIN:STANDARD\r\nDTSTART:%u0101T000000\r\n"
                            "RRULE:FREQ=YEARLY;BYMONTH=%u;BYDAY=-1SU\r\nTZOFFSETFROM:+0100\r\n"
                            "TZOFFSETTO:+0200\r\nEND:STANDARD\r\n", 1970 + i, i % 12 + 1);
  g_string_append (many, "END:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:z\r\n"
                   "DTSTART;TZID=Z:20260310T090000\r\n" REPLY_TAIL);
  g_autoptr (ImipMessage) dropped = parse_ok (many->str);
  assert_string_equal (dropped->dtstart, "2026-03-10T09:00:00");
  g_string_free (many, TRUE);
  g_autoptr (ImipMessage) early = parse_ok (
      "BEGIN:VCALENDAR\r\nMETHOD:COUNTER\r\nBEGIN:VTIMEZONE\r\nTZID:Z\r\n"
      "BEGIN:STANDARD\r\nDTSTART:00010101T000000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
      "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
      "BEGIN:VEVENT\r\nUID:z\r\nDTSTART;TZID=Z:20260310T090000\r\n" REPLY_TAIL);
  assert_string_equal (early->dtstart, "2026-03-10T09:00:00");

  g_autoptr (ImipMessage) real = parse_ok (
      "BEGIN:VCALENDAR\r\nMETHOD:COUNTER\r\nBEGIN:VTIMEZONE\r\nTZID:Z\r\n"
      "BEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
      "RRULE:FREQ=YEARLY;BYMINUTE=0;BYHOUR=3;BYDAY=-1SU;BYMONTH=10\r\n"
      "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n"
      "BEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\n"
      "RRULE:FREQ=YEARLY;BYMINUTE=0;BYHOUR=2;BYDAY=-1SU;BYMONTH=3\r\n"
      "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
      "BEGIN:VEVENT\r\nUID:z\r\nDTSTART;TZID=Z:20260310T090000\r\n"
      "DTEND;TZID=Z:20260710T090000\r\n"
      "ATTENDEE:mailto:a@b.example\r\n" REPLY_TAIL);
  assert_string_equal (real->dtstart, "2026-03-10T08:00:00Z");
  assert_string_equal (real->dtend, "2026-07-10T07:00:00Z");
}

int
main (void)
{
  g_autofree char *corpus = fixture_corpus_dir ();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_delegated),
    cmocka_unit_test (test_counter),
    cmocka_unit_test (test_method_fallback),
    cmocka_unit_test (test_text_method_folded),
    cmocka_unit_test (test_text_method_many_folds),
    cmocka_unit_test (test_recurrence),
    cmocka_unit_test (test_occurrence_only),
    cmocka_unit_test (test_wrong_value_types),
    cmocka_unit_test (test_escaped_non_ascii),
    cmocka_unit_test (test_malformed),
    cmocka_unit_test (test_limits),
    cmocka_unit_test (test_address),
    cmocka_unit_test (test_message_parts),
    cmocka_unit_test (test_charsets),
    cmocka_unit_test (test_two_calendars),
    cmocka_unit_test (test_calendar_choice),
    cmocka_unit_test (test_hostile_zones),
  };
  const struct CMUnitTest corpus_tests[] = {
    cmocka_unit_test_prestate (test_corpus_values, corpus),
    cmocka_unit_test_prestate (test_corpus_counter, corpus),
    cmocka_unit_test_prestate (test_corpus_zoned, corpus),
    cmocka_unit_test_prestate (test_corpus_all, corpus),
    cmocka_unit_test_prestate (test_corpus_ics, corpus),
  };

  int failed = cmocka_run_group_tests (tests, NULL, NULL);
  return failed + cmocka_run_group_tests (corpus_tests, NULL, NULL);
}
