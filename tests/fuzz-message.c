/* Fuzz target for message intake: any bytes go through mail_message_parse,
 * and a parsed message through dsn_parse.  (The HTML converter and the
 * charset decoder have their own harness, fuzz-html: over the whole raw
 * message here they took half of every run.)  Nothing may crash or leak,
 * and every text of a message is UTF-8. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "parsers/dsn.h"
#include "parsers/message.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* A text of a message: absent, or UTF-8. */
static void
check_text (const char *text)
{
  g_assert (text == NULL || g_utf8_validate (text, -1, NULL));
}

/* Checks what every parsed message promises: valid UTF-8 texts. */
static void
check_message (MailMessage *msg)
{
  g_assert (g_utf8_validate (msg->subject, -1, NULL));
  const char *const texts[] = {
    msg->message_id, msg->from_addr, msg->from_name, msg->sender_addr, msg->reply_to_addr,
    msg->return_path, msg->in_reply_to, msg->references, msg->auth_results, msg->calendar,
    msg->calendar_method, msg->class_reason,
  };
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    check_text (texts[i]);
  for (guint i = 0; i < msg->attachments->len; i++)
    {
      MailAttachment *a = g_ptr_array_index (msg->attachments, i);
      check_text (a->name);
      check_text (a->content_type);
    }
  for (guint i = 0; i < msg->texts->len; i++)
    {
      MailText *t = g_ptr_array_index (msg->texts, i);
      check_text (t->name);
      g_assert (g_utf8_validate (t->text, -1, NULL));
      g_assert (t->length == strlen (t->text));
    }
  g_assert (msg->automatic == (msg->klass != MAIL_SUBMISSION));
  DsnReport *report = dsn_parse (msg->mime);
  g_assert (report == NULL || msg->klass == MAIL_DELIVERY_REPORT);
  dsn_report_free (report);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) raw = g_bytes_new (data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (MailMessage) msg = mail_message_parse (raw, "gateway@ctc.example", NULL, &error);

  g_assert ((msg == NULL) != (error == NULL));
  if (msg != NULL)
    check_message (msg);
  return 0;
}
