/* Fuzz target for delivery reports (parsers/dsn.c): the bytes as a message
 * read by GMime, then as a report; and spliced as the delivery-status part
 * of a multipart/report, so that its fields are reached.  Nothing may crash
 * or leak, and every text of a report is UTF-8. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "parsers/dsn.h"
#include "parsers/message.h"
#include "tests/fuzz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char report_head[] =
  "From: MAILER-DAEMON@mx.example\r\nTo: gateway@ctc.example\r\n"
  "Subject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\r\n\r\n"
  "--r\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
  "--r\r\nContent-Type: message/delivery-status\r\n\r\n"
  "Reporting-MTA: dns; mx.example\r\n\r\n";
static const char report_tail[] =
  "\r\n--r\r\nContent-Type: text/rfc822-headers\r\n\r\n"
  "Message-ID: <c-1@ctc.example>\r\nTo: cp@mfa.example\r\n--r--\r\n";

/* A text of a report: absent, or UTF-8. */
static void
check_text (const char *text)
{
  g_assert (text == NULL || g_utf8_validate (text, -1, NULL));
}

/* What a report promises: UTF-8 texts, recipients with an action. */
static void
check (const DsnReport *r)
{
  check_text (r->reporting_mta);
  check_text (r->envelope_id);
  check_text (r->original_message_id);
  check_text (r->original_to);
  for (guint i = 0; i < r->recipients->len; i++)
    {
      DsnRecipient *rc = g_ptr_array_index (r->recipients, i);
      g_assert (rc->recipient != NULL);
      check_text (rc->recipient);
      check_text (rc->action);
      check_text (rc->status);
      check_text (rc->diagnostic);
    }
}

/* The bytes as a message, then as a report. */
static void
parse_one (const char *data, size_t size)
{
  g_autoptr (GBytes) raw = g_bytes_new (data, size);
  g_autoptr (MailMessage) msg = mail_message_parse (raw, NULL, NULL, NULL);

  if (msg == NULL)
    return;
  g_autoptr (DsnReport) report = dsn_parse (msg->mime);
  if (report != NULL)
    check (report);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (fuzz_way (size, 0, 2))
    parse_one ((const char *) data, size);
  if (fuzz_way (size, 1, 2))
    {
      g_autoptr (GString) spliced = g_string_new (report_head);
      g_string_append_len (spliced, (const char *) data, size);
      g_string_append (spliced, report_tail);
      parse_one (spliced->str, spliced->len);
    }
  return 0;
}
