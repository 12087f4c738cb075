/* Tests of parsers/classify.c and parsers/dsn.c: one small message for each
 * rule, then every file of the corpus ($CTCGW_CORPUS) against the class that
 * its folder and INDEX.tsv call for. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "parsers/dsn.h"
#include "parsers/message.h"
#include "tests/fixture.h"

#define OWN "gateway@ctc.example"

/* Parses a handmade message that must be accepted. */
static MailMessage *
parse (const char *text)
{
  g_autoptr (GBytes) raw = g_bytes_new (text, strlen (text));
  g_autoptr (GError) error = NULL;
  MailMessage *msg = mail_message_parse (raw, OWN, NULL, &error);

  assert_null (error);
  assert_non_null (msg);
  return msg;
}

/* Asserts the class of a message made of headers and a short body. */
static void
assert_class (const char *headers, MailClass klass)
{
  g_autofree char *text = g_strdup_printf ("%s\nHello, here is our entry.\n", headers);
  g_autoptr (MailMessage) msg = parse (text);

  if (msg->klass != klass)
    fail_msg ("%s: %s (%s), expected %s", headers, mail_class_name (msg->klass),
              msg->class_reason, mail_class_name (klass));
  assert_int_equal (msg->automatic, klass != MAIL_SUBMISSION);
  assert_non_null (msg->class_reason);
}

/* --- delivery reports ------------------------------------------------------ */

static const char standard_dsn[] =
  "From: Mail Delivery System <MAILER-DAEMON@mx.example>\n"
  "To: gateway@ctc.example\nSubject: Undelivered Mail Returned to Sender\n"
  "Content-Type: multipart/report; report-type=delivery-status; boundary=R\n\n"
  "--R\nContent-Type: text/plain\n\nI'm sorry.\n"
  "--R\nContent-Type: message/delivery-status\n\n"
  "Reporting-MTA: dns; mx.example\nOriginal-Envelope-Id: ENV42\n\n"
  "Final-Recipient: rfc822; Focal.Point@Ministry.Example\n"
  "Original-Recipient: rfc822;focal.point@ministry.example\n"
  "Action: failed\nStatus: 5.1.1\n"
  "Diagnostic-Code: smtp; 550 5.1.1 <focal.point@ministry.example>:\n"
  "    Recipient address rejected: User unknown\n\n"
  "Final-Recipient: rfc822; other@ministry.example\nAction: delayed\nStatus: 4.4.1\n"
  "Final-Recipient: rfc822; third@ministry.example\nAction: failed\nStatus: 4.2.2\n"
  "--R\nContent-Type: message/rfc822\n\n"
  "From: gateway@ctc.example\nTo: Focal Point <focal.point@ministry.example>\n"
  "Message-ID: <circular-7@ctc.example>\nSubject: Circular\n\nForm: contact-point\n"
  "--R--\n";

static void
test_dsn_standard (void **state)
{
  g_autoptr (MailMessage) msg = parse (standard_dsn);
  g_autoptr (DsnReport) r = dsn_parse (msg->mime);

  assert_int_equal (msg->klass, MAIL_DELIVERY_REPORT);
  assert_true (msg->automatic);
  assert_non_null (r);
  assert_string_equal (r->reporting_mta, "mx.example");
  assert_string_equal (r->envelope_id, "ENV42");
  assert_string_equal (r->original_message_id, "circular-7@ctc.example");
  assert_string_equal (r->original_to, "focal.point@ministry.example");
  assert_int_equal (r->recipients->len, 3);
  DsnRecipient *a = g_ptr_array_index (r->recipients, 0);
  assert_string_equal (a->recipient, "focal.point@ministry.example");
  assert_string_equal (a->action, "failed");
  assert_string_equal (a->status, "5.1.1");
  assert_true (a->hard);
  assert_non_null (strstr (a->diagnostic, "User unknown"));
  DsnRecipient *b = g_ptr_array_index (r->recipients, 1);
  assert_string_equal (b->recipient, "other@ministry.example");
  assert_string_equal (b->action, "delayed");
  assert_false (b->hard);
  DsnRecipient *c = g_ptr_array_index (r->recipients, 2);
  assert_string_equal (c->action, "failed");
  assert_false (c->hard);   /* a 4.x.x status is not permanent */
  /* The returned message is not read for records. */
  for (guint i = 0; i < msg->texts->len; i++)
    assert_null (strstr (((MailText *) g_ptr_array_index (msg->texts, i))->text, "Form:"));
}

static void
test_dsn_headers_part (void **state)
{
  g_autoptr (MailMessage) msg = parse (
    "From: postmaster@mx.example\nSubject: Delivery report\n"
    "Content-Type: multipart/report; report-type=delivery-status; boundary=R\n\n"
    "--R\nContent-Type: message/delivery-status\n\n"
    "Reporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; <x@y.example>\nAction: failed\n"
    "--R\nContent-Type: text/rfc822-headers\n\n"
    "Message-Id: <c-8@ctc.example>\nTo: x@y.example\n"
    "--R--\n");
  g_autoptr (DsnReport) r = dsn_parse (msg->mime);

  assert_string_equal (r->original_message_id, "c-8@ctc.example");
  DsnRecipient *a = g_ptr_array_index (r->recipients, 0);
  assert_string_equal (a->recipient, "x@y.example");
  assert_null (a->status);
  assert_true (a->hard);   /* failed, no status */
}

static void
test_dsn_qmail (void **state)
{
  g_autoptr (MailMessage) msg = parse (
    "From: MAILER-DAEMON@mx.example\nTo: gateway@ctc.example\nSubject: failure notice\n\n"
    "Hi. This is the qmail-send program at mx.example.\n"
    "I'm afraid I wasn't able to deliver your message to the following addresses.\n\n"
    "<nobody@ministry.example>:\n"
    "Sorry, no mailbox here by that name. (#5.1.1)\n\n"
    "--- Below this line is a copy of the message.\n\n"
    "Message-ID: <c-9@ctc.example>\nFrom: gateway@ctc.example\nTo: other@ministry.example\n");
  g_autoptr (DsnReport) r = dsn_parse (msg->mime);

  assert_int_equal (msg->klass, MAIL_DELIVERY_REPORT);
  assert_int_equal (r->recipients->len, 1);
  DsnRecipient *a = g_ptr_array_index (r->recipients, 0);
  assert_string_equal (a->recipient, "nobody@ministry.example");
  assert_string_equal (a->status, "5.1.1");
  assert_true (a->hard);
  assert_string_equal (r->original_message_id, "c-9@ctc.example");
  assert_string_equal (r->reporting_mta, "mx.example");
}

static void
test_dsn_failed_recipients_header (void **state)
{
  g_autoptr (MailMessage) msg = parse (
    "From: Mail Delivery System <mailer-daemon@mx.example>\n"
    "X-Failed-Recipients: A@Ministry.Example, b@ministry.example\n"
    "Subject: Mail delivery failed: returning message to sender\n\n"
    "This message was created automatically by mail delivery software.\n\n"
    "  a@ministry.example\n    host mx said: 550 5.2.2 mailbox full\n"
    "  b@ministry.example\n    retry timeout exceeded\n");
  g_autoptr (DsnReport) r = dsn_parse (msg->mime);

  assert_int_equal (r->recipients->len, 2);
  DsnRecipient *a = g_ptr_array_index (r->recipients, 0);
  assert_string_equal (a->recipient, "a@ministry.example");
  assert_string_equal (a->status, "5.2.2");
  DsnRecipient *b = g_ptr_array_index (r->recipients, 1);
  assert_string_equal (b->recipient, "b@ministry.example");
  assert_string_equal (b->action, "failed");
}

static void
test_dsn_signs (void **state)
{
  assert_class ("From: MAILER-DAEMON@mx.example\nSubject: x\n", MAIL_DELIVERY_REPORT);
  assert_class ("From: Postmaster <post_master@mx.example>\nSubject: x\n", MAIL_DELIVERY_REPORT);
  assert_class ("From: a@b.example\nSubject: Undelivered Mail Returned to Sender\n", MAIL_DELIVERY_REPORT);
  assert_class ("From: a@b.example\nSubject: Delivery Status Notification (Failure)\n", MAIL_DELIVERY_REPORT);
  assert_class ("From: a@b.example\nSubject: Undeliverable: Circular\n", MAIL_DELIVERY_REPORT);
  assert_class ("From: a@b.example\nSubject: Returned mail: see transcript\n", MAIL_DELIVERY_REPORT);
  assert_class ("From: a@b.example\nSubject: Mail delivery failed\n", MAIL_DELIVERY_REPORT);
  assert_class ("From: a@b.example\nSubject: failure notice\n", MAIL_DELIVERY_REPORT);
  assert_class ("From: a@b.example\nSubject: x\nX-Failed-Recipients: c@d.example\n", MAIL_DELIVERY_REPORT);
  assert_class ("From: <>\nSubject: x\n", MAIL_DELIVERY_REPORT);
  /* A person forwarding or answering a bounce is a person. */
  assert_class ("From: a@b.example\nSubject: Fwd: Undelivered Mail Returned to Sender\n", MAIL_SUBMISSION);
  assert_class ("From: a@b.example\nSubject: Re: Delivery Status Notification\n", MAIL_SUBMISSION);
  assert_class ("From: a@b.example\nSubject: Our report on delivery of assistance\n", MAIL_SUBMISSION);
}

static void
test_dsn_body_marker (void **state)
{
  g_autoptr (MailMessage) msg = parse (
    "From: mail@mx.example\nSubject: Notice\n\n"
    "Hi. This is the qmail-send program at mx.example.\n");
  g_autoptr (MailMessage) person = parse (
    "From: a@b.example\nSubject: Notice\n\nHi. This is the ministry.\n");

  assert_int_equal (msg->klass, MAIL_DELIVERY_REPORT);
  assert_false (dsn_is_report (person->mime));
  assert_null (dsn_parse (person->mime));
}

static void
test_dsn_bounce_attached_by_person (void **state)
{
  g_autoptr (MailMessage) msg = parse (
    "From: a@b.example\nSubject: why?\nContent-Type: multipart/mixed; boundary=M\n\n"
    "--M\nContent-Type: text/plain\n\nWe got this bounce, please check.\n"
    "--M\nContent-Type: message/rfc822\nContent-Disposition: attachment\n\n"
    "From: MAILER-DAEMON@mx.example\nSubject: Undelivered Mail Returned to Sender\n"
    "Content-Type: multipart/report; report-type=delivery-status; boundary=R\n\n"
    "--R\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; x@y.example\n"
    "--R--\n"
    "--M--\n");

  assert_int_equal (msg->klass, MAIL_SUBMISSION);
}

static void
test_system_address (void **state)
{
  assert_true (dsn_is_system_address ("MAILER-DAEMON@x.example"));
  assert_true (dsn_is_system_address ("mailer_daemon@x.example"));
  assert_true (dsn_is_system_address ("Postmaster"));
  assert_true (dsn_is_system_address ("post.master@x.example"));
  assert_false (dsn_is_system_address ("postmasters@x.example"));
  assert_false (dsn_is_system_address ("daemon@x.example"));
  assert_false (dsn_is_system_address (NULL));
  assert_false (dsn_is_system_address (""));
}

/* --- calendar -------------------------------------------------------------- */

/* A message carrying a calendar with method. */
static MailMessage *
calendar_message (const char *method)
{
  g_autofree char *text = g_strdup_printf (
    "From: a@b.example\nSubject: Accepted: Meeting\n"
    "Content-Type: multipart/alternative; boundary=C\n\n"
    "--C\nContent-Type: text/plain\n\nAccepted\n"
    "--C\nContent-Type: text/calendar; charset=utf-8\n\n"
    "BEGIN:VCALENDAR\r\nMETHOD:%s\r\nEND:VCALENDAR\r\n--C--\n", method);
  return parse (text);
}

static void
test_calendar (void **state)
{
  static const struct { const char *method; MailClass klass; } cases[] = {
    { "REPLY", MAIL_CALENDAR_REPLY }, { "COUNTER", MAIL_CALENDAR_REPLY },
    { "REFRESH", MAIL_CALENDAR_REPLY }, { "REQUEST", MAIL_OTHER },
    { "CANCEL", MAIL_OTHER }, { "PUBLISH", MAIL_OTHER },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (MailMessage) msg = calendar_message (cases[i].method);
      assert_int_equal (msg->klass, cases[i].klass);
      assert_true (msg->automatic);
    }
}

/* A State's message with records in its body and a calendar attached. */
static MailMessage *
submission_with_calendar (const char *body, const char *method)
{
  g_autofree char *text = g_strdup_printf (
    "From: a@mfa.example\nSubject: Our contact point\nMIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=C\n\n"
    "--C\nContent-Type: text/plain\n\n%s\n"
    "--C\nContent-Type: text/calendar; method=%s; name=reply.ics\n"
    "Content-Disposition: attachment; filename=reply.ics\n\n"
    "BEGIN:VCALENDAR\r\nMETHOD:%s\r\nBEGIN:VEVENT\r\nUID:m-1@ctc.example\r\n"
    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@mfa.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    "--C--\n", body, method, method);
  return parse (text);
}

/* Records in the text make a submission, whatever calendar rides along;
 * a form only quoted, or none, leaves a calendar reply a reply. */
static void
test_calendar_with_records (void **state)
{
  static const char form[] =
    "Dear colleagues,\n\nForm: contact-point\nEntity: KZ\nName: A. B.\n"
    "Email: a@mfa.example\n\nWe also accept the meeting (attached).";
  static const char quoted[] =
    "Accepted.\n\n> Form: contact-point\n> Entity: KZ\n";
  static const char *const methods[] = { "REPLY", "COUNTER", "PUBLISH", "REQUEST" };

  for (gsize i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autoptr (MailMessage) msg = submission_with_calendar (form, methods[i]);
      if (msg->klass != MAIL_SUBMISSION)
        fail_msg ("%s: %s (%s)", methods[i], mail_class_name (msg->klass), msg->class_reason);
      assert_false (msg->automatic);
    }
  g_autoptr (MailMessage) reply = submission_with_calendar (quoted, "REPLY");
  assert_int_equal (reply->klass, MAIL_CALENDAR_REPLY);
  g_autoptr (MailMessage) request = submission_with_calendar (quoted, "REQUEST");
  assert_int_equal (request->klass, MAIL_OTHER);
  g_autoptr (MailMessage) plain = submission_with_calendar ("Accepted.", "COUNTER");
  assert_int_equal (plain->klass, MAIL_CALENDAR_REPLY);
}

/* --- auto-replies ----------------------------------------------------------- */

static void
test_auto_reply (void **state)
{
  static const char *const signs[] = {
    "Auto-Submitted: auto-replied\n", "Auto-Submitted: Auto-Replied (vacation)\n",
    "X-Autoreply: yes\n", "X-Autorespond: on\n", "Precedence: auto_reply\n",
    "X-Autogenerated: Reply\n", "Subject: Out of Office: Circular\n",
    "Subject: Automatic reply: Circular\n", "Subject: AUTO: John is out of the office\n",
    "Subject: Autoreply: x\n", "Subject: Abwesenheitsnotiz: x\n",
    "Subject: Réponse automatique : x\n", "Subject: Respuesta automática: x\n",
    "Subject: =?UTF-8?B?6Ieq5Yqo5Zue5aSNOiB4?=\n", "Subject: [Automatyczna odpowiedź] x\n",
    "Subject: Re: x (Automatic Response)\n",
    "Return-Path: <>\nX-MS-Exchange-Inbox-Rules-Loop: a@b.example\n",
    "Return-Path: <>\nPrecedence: junk\n",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (signs); i++)
    {
      g_autofree char *headers = g_strdup_printf ("From: a@b.example\n%s", signs[i]);
      assert_class (headers, MAIL_AUTO_REPLY);
    }
}

static void
test_not_auto_reply (void **state)
{
  /* Outlook puts these on ordinary mail. */
  assert_class ("From: a@b.example\nX-Auto-Response-Suppress: All\n", MAIL_SUBMISSION);
  assert_class ("From: a@b.example\nX-MS-Exchange-Inbox-Rules-Loop: a@b.example\n", MAIL_SUBMISSION);
  assert_class ("From: a@b.example\nAuto-Submitted: no\n", MAIL_SUBMISSION);
  assert_class ("From: a@b.example\nSubject: Re: Automatic reply: Circular\n", MAIL_SUBMISSION);
  assert_class ("From: a@b.example\nSubject: Office automation project\n", MAIL_SUBMISSION);
}

/* --- other automatic mail ----------------------------------------------------- */

static void
test_other (void **state)
{
  static const char *const signs[] = {
    "Auto-Submitted: auto-generated\n", "Auto-Submitted: auto-notified\n",
    "Precedence: bulk\n", "Precedence: list\n", "Precedence: junk\n",
    "List-Id: <news.ministry.example>\n", "Return-Path: <>\n",
    "Return-Path: <MAILER-DAEMON@mx.example>\n",
    "Content-Type: multipart/report; report-type=disposition-notification; boundary=D\n",
    "Content-Type: multipart/report; report-type=feedback-report; boundary=D\n",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (signs); i++)
    {
      g_autofree char *headers = g_strdup_printf ("From: a@b.example\n%s", signs[i]);
      assert_class (headers, MAIL_OTHER);
    }
  assert_class ("From: Gateway <GATEWAY@ctc.example>\n", MAIL_OTHER);
}

static void
test_read_receipt_part (void **state)
{
  g_autoptr (MailMessage) msg = parse (
    "From: a@b.example\nSubject: Read: Circular\n"
    "Content-Type: multipart/report; boundary=D\n\n"
    "--D\nContent-Type: text/plain\n\nYour message was read.\n"
    "--D\nContent-Type: message/disposition-notification\n\n"
    "Final-Recipient: rfc822; a@b.example\nDisposition: manual-action/MDN-sent-manually; displayed\n"
    "--D--\n");

  assert_int_equal (msg->klass, MAIL_OTHER);
  assert_string_equal (msg->class_reason, "read receipt");
  assert_null (dsn_parse (msg->mime));
}

static void
test_submission_and_names (void **state)
{
  g_autoptr (GBytes) raw = g_bytes_new_static ("From: a@b.example\n\nForm: x\n", 26);
  g_autoptr (MailMessage) no_own = mail_message_parse (raw, NULL, NULL, NULL);

  assert_class ("From: a@b.example\nSubject: Form\n", MAIL_SUBMISSION);
  assert_int_equal (no_own->klass, MAIL_SUBMISSION);
  assert_string_equal (mail_class_name (MAIL_SUBMISSION), "submission");
  assert_string_equal (mail_class_name (MAIL_CALENDAR_REPLY), "calendar-reply");
  assert_string_equal (mail_class_name (MAIL_DELIVERY_REPORT), "delivery-report");
  assert_string_equal (mail_class_name (MAIL_AUTO_REPLY), "auto-reply");
  assert_string_equal (mail_class_name (MAIL_OTHER), "other");
}

/* --- the corpus ------------------------------------------------------------- */

typedef struct {
  GHashTable *rows;       /* file name -> GStrv row of INDEX.tsv */
  int col_from, col_tree, col_method, col_status;
} CorpusIndex;

typedef struct {
  gboolean checked;       /* a class is expected */
  gboolean must_parse;
  MailClass klass;
} Expectation;

/* INDEX rows that its reader got wrong, with the class the data calls for. */
static const struct {
  const char *file;
  MailClass klass;
  const char *why;
} index_overrides[] = {
  { "mimekit__feedback-report.txt", MAIL_OTHER,
    "an abuse report that starts with a byte order mark, which hid its headers from the INDEX" },
};

/* Column index of name in the header row, or -1. */
static int
column (char **header, const char *name)
{
  for (int i = 0; header[i] != NULL; i++)
    if (strcmp (header[i], name) == 0)
      return i;
  return -1;
}

/* Reads dir/INDEX.tsv (empty index when there is none). */
static void
index_load (CorpusIndex *ix, const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "INDEX.tsv", NULL);
  g_autofree char *text = NULL;

  ix->rows = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_strfreev);
  ix->col_from = ix->col_tree = ix->col_method = ix->col_status = -1;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_auto (GStrv) header = g_strsplit (lines[0], "\t", -1);
  ix->col_from = column (header, "from");
  ix->col_tree = column (header, "mime_tree");
  ix->col_method = column (header, "ical_METHOD");
  ix->col_status = column (header, "DSN_Status");
  for (guint i = 1; lines[i] != NULL; i++)
    {
      char **row = g_strsplit (lines[i], "\t", -1);
      if (row[0] != NULL && *row[0] != '\0')
        g_hash_table_insert (ix->rows, row[0], row);
      else
        g_strfreev (row);
    }
}

/* A cell of a row, "" when missing. */
static const char *
cell (char **row, int col)
{
  if (row == NULL || col < 0)
    return "";
  for (int i = 0; i < col; i++)
    if (row[i] == NULL)
      return "";
  return row[col] != NULL ? row[col] : "";
}

/* TRUE when the From cell of an INDEX row is a mail system's address. */
static gboolean
from_is_system (const char *from)
{
  const char *lt = strrchr (from, '<');
  g_autofree char *addr = g_strdup (lt != NULL ? lt + 1 : from);

  addr[strcspn (addr, "> ")] = '\0';
  return dsn_is_system_address (addr);
}

/* What the folder and the INDEX row say file must be. */
static Expectation
expect (const char *folder, const char *file, char **row, CorpusIndex *ix)
{
  Expectation e = { .must_parse = TRUE, .checked = TRUE };
  const char *tree = cell (row, ix->col_tree);
  const char *method = cell (row, ix->col_method);

  for (gsize i = 0; i < G_N_ELEMENTS (index_overrides); i++)
    if (strcmp (file, index_overrides[i].file) == 0)
      {
        e.klass = index_overrides[i].klass;
        return e;
      }
  if (strcmp (folder, "dsn") == 0)
    e.klass = strstr (tree, "disposition-notification") != NULL
        || strstr (tree, "feedback-report") != NULL ? MAIL_OTHER : MAIL_DELIVERY_REPORT;
  else if (strcmp (folder, "autoreply") == 0)
    e.klass = strstr (tree, "delivery-status") != NULL ? MAIL_DELIVERY_REPORT : MAIL_AUTO_REPLY;
  else if (strcmp (folder, "autoreply/negative") == 0)
    e.klass = from_is_system (cell (row, ix->col_from)) ? MAIL_DELIVERY_REPORT : MAIL_SUBMISSION;
  else if (strcmp (folder, "imip") == 0)
    {
      e.checked = *method != '\0';
      e.klass = strstr (method, "REPLY") != NULL || strstr (method, "COUNTER") != NULL
          || strstr (method, "REFRESH") != NULL ? MAIL_CALENDAR_REPLY : MAIL_OTHER;
    }
  else if (strcmp (folder, "forms") == 0)
    e.klass = MAIL_SUBMISSION;
  else
    e.checked = e.must_parse = FALSE;   /* mime/, imip/ics: no crash is enough */
  return e;
}

typedef struct {
  guint files;
  guint unreadable;
  guint by_class[MAIL_OTHER + 1];
  guint dsn_with_recipients;
  GString *failures;
  GHashTable *folder_counts; /* folder -> count */
} CorpusRun;

/* Invariants of every parsed message: valid UTF-8 everywhere, addresses
 * normalised, automatic iff not a submission, reports readable. */
static void
check_invariants (CorpusRun *run, const char *path, MailMessage *msg)
{
  gboolean ok = g_utf8_validate (msg->subject, -1, NULL) && strpbrk (msg->subject, "\r\n") == NULL;

  for (guint i = 0; i < msg->texts->len; i++)
    {
      MailText *t = g_ptr_array_index (msg->texts, i);
      ok = ok && g_utf8_validate (t->text, -1, NULL) && t->length == strlen (t->text);
    }
  if (msg->from_addr != NULL)
    {
      g_autofree char *lower = g_utf8_strdown (msg->from_addr, -1);
      ok = ok && strcmp (lower, msg->from_addr) == 0 && strchr (msg->from_addr, ' ') == NULL;
    }
  ok = ok && msg->automatic == (msg->klass != MAIL_SUBMISSION) && msg->class_reason != NULL;
  ok = ok && (msg->calendar == NULL || g_utf8_validate (msg->calendar, -1, NULL));
  if (!ok)
    g_string_append_printf (run->failures, "%s: broken invariant\n", path);
}

/* dsn_parse on a delivery report: it exists, its recipients are sound, and
 * every status listed in the INDEX was read. */
static void
check_report (CorpusRun *run, const char *path, MailMessage *msg, const char *statuses)
{
  g_autoptr (DsnReport) r = dsn_parse (msg->mime);

  if (msg->klass != MAIL_DELIVERY_REPORT)
    return;
  if (r == NULL)
    {
      g_string_append_printf (run->failures, "%s: delivery report without dsn_parse\n", path);
      return;
    }
  run->dsn_with_recipients += r->recipients->len > 0;
  g_auto (GStrv) wanted = g_strsplit (statuses, ",", -1);
  for (guint i = 0; wanted[i] != NULL; i++)
    {
      gboolean found = *wanted[i] == '\0';
      for (guint j = 0; j < r->recipients->len && !found; j++)
        found = g_strcmp0 (((DsnRecipient *) g_ptr_array_index (r->recipients, j))->status, wanted[i]) == 0;
      if (!found)
        g_string_append_printf (run->failures, "%s: status %s not read\n", path, wanted[i]);
    }
}

/* Parses one corpus file and checks it against its expectation. */
static void
check_file (CorpusRun *run, const char *folder, const char *path, const char *file, CorpusIndex *ix)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;
  char **row = g_hash_table_lookup (ix->rows, file);
  Expectation e = expect (folder, file, row, ix);

  if (!g_file_get_contents (path, &data, &len, NULL))
    return;
  g_autoptr (GBytes) raw = g_bytes_new_take (g_steal_pointer (&data), len);
  g_autoptr (MailMessage) msg = mail_message_parse (raw, OWN, NULL, &error);
  run->files++;
  g_hash_table_insert (run->folder_counts, g_strdup (folder),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (run->folder_counts, folder)) + 1));
  if (msg == NULL)
    {
      run->unreadable++;
      if (e.must_parse)
        g_string_append_printf (run->failures, "%s: %s\n", path, error->message);
      return;
    }
  run->by_class[msg->klass]++;
  check_invariants (run, path, msg);
  check_report (run, path, msg, strcmp (folder, "dsn") == 0 ? cell (row, ix->col_status) : "");
  if (e.checked && msg->klass != e.klass)
    g_string_append_printf (run->failures, "%s: %s (%s), expected %s\n", path,
                            mail_class_name (msg->klass), msg->class_reason, mail_class_name (e.klass));
}

/* Checks every file of dir (folder is its path in the corpus), recursing. */
static void
check_folder (CorpusRun *run, const char *root, const char *folder)
{
  g_autofree char *dir = g_build_filename (root, folder, NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  CorpusIndex ix;
  const char *name;

  if (d == NULL)
    return;
  index_load (&ix, dir);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *sub = g_build_filename (folder, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        check_folder (run, root, sub);
      else if (strcmp (name, "INDEX.tsv") != 0)
        check_file (run, folder, path, name, &ix);
    }
  g_hash_table_destroy (ix.rows);
}

static void
test_corpus (void **state)
{
  static const char *const folders[] = { "dsn", "autoreply", "imip", "forms", "mime" };
  const char *root = *state;
  fixture_need_corpus (root);
  CorpusRun run = { .failures = g_string_new (NULL) };

  run.folder_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (folders); i++)
    check_folder (&run, root, folders[i]);
  printf ("corpus: %u files checked, %u unreadable; submission %u, calendar-reply %u, "
          "delivery-report %u (%u with recipients), auto-reply %u, other %u\n",
          run.files, run.unreadable, run.by_class[MAIL_SUBMISSION], run.by_class[MAIL_CALENDAR_REPLY],
          run.by_class[MAIL_DELIVERY_REPORT], run.dsn_with_recipients, run.by_class[MAIL_AUTO_REPLY],
          run.by_class[MAIL_OTHER]);
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, run.folder_counts);
  while (g_hash_table_iter_next (&it, &key, &value))
    printf ("corpus: %s: %u files\n", (char *) key, GPOINTER_TO_UINT (value));
  g_hash_table_destroy (run.folder_counts);
  assert_true (run.files > 0);
  if (run.failures->len > 0)
    fail_msg ("%s", run.failures->str);
  g_string_free (run.failures, TRUE);
}

int
main (void)
{
  g_autofree char *corpus = fixture_corpus_dir ();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_dsn_standard),
    cmocka_unit_test (test_dsn_headers_part),
    cmocka_unit_test (test_dsn_qmail),
    cmocka_unit_test (test_dsn_failed_recipients_header),
    cmocka_unit_test (test_dsn_signs),
    cmocka_unit_test (test_dsn_body_marker),
    cmocka_unit_test (test_dsn_bounce_attached_by_person),
    cmocka_unit_test (test_system_address),
    cmocka_unit_test (test_calendar),
    cmocka_unit_test (test_calendar_with_records),
    cmocka_unit_test (test_auto_reply),
    cmocka_unit_test (test_not_auto_reply),
    cmocka_unit_test (test_other),
    cmocka_unit_test (test_read_receipt_part),
    cmocka_unit_test (test_submission_and_names),
  };
  const struct CMUnitTest corpus_tests[] = {
    cmocka_unit_test_prestate (test_corpus, corpus),
  };

  int failed = cmocka_run_group_tests (tests, NULL, NULL);
  return failed + cmocka_run_group_tests (corpus_tests, NULL, NULL);
}
