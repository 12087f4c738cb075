/* Fuzz target for message intake: any bytes go through mail_message_parse,
 * and a parsed message through dsn_parse; the HTML converter and the
 * charset decoder get the raw bytes too.  Nothing may crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "parsers/dsn.h"
#include "parsers/message.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Checks what every parsed message promises: valid UTF-8 texts. */
static void
check_message (MailMessage *msg)
{
  g_assert (g_utf8_validate (msg->subject, -1, NULL));
  for (guint i = 0; i < msg->texts->len; i++)
    {
      MailText *t = g_ptr_array_index (msg->texts, i);
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
  g_autofree char *text = mail_html_to_text ((const char *) data, size);
  g_assert (g_utf8_validate (text, -1, NULL));
  const char *charset = size > 0 && (data[0] & 1) != 0 ? "koi8-r" : NULL;
  g_autofree char *decoded = mail_decode_text ((const char *) data, size, charset);
  g_assert (g_utf8_validate (decoded, -1, NULL));
  return 0;
}
