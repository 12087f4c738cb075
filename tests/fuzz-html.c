/* Fuzz target for the text of bodies (parsers/message.c, parsers/html.c):
 * the bytes as an HTML body, and as text in a few charsets.  Nothing may
 * crash or leak, every text returned is UTF-8, and the soft lines of an
 * HTML body are lines of its text, ascending. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "parsers/message.h"
#include "tests/fuzz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const charsets[] = {
    NULL, "utf-8", "koi8-r", "windows-1252", "iso-2022-jp", "shift_jis", "utf-16le",
    "x-unknown",
  };
  if (fuzz_way (size, 0, 2))
    {
      g_autoptr (GArray) soft = NULL;
      g_autofree char *text = mail_html_to_text_soft ((const char *) data, size, &soft);
      g_assert (text != NULL && g_utf8_validate (text, -1, NULL));
      guint lines = 0;
      for (const char *p = text; *p != '\0'; p++)
        lines += *p == '\n';
      for (guint i = 0; i < soft->len; i++)
        {
          guint line = g_array_index (soft, guint, i);
          g_assert (line >= 2 && line <= lines);
          g_assert (i == 0 || line > g_array_index (soft, guint, i - 1));
        }
    }
  if (fuzz_way (size, 1, 2))
    {
      const char *charset = charsets[size / 2 % G_N_ELEMENTS (charsets)];
      g_autofree char *decoded = mail_decode_text ((const char *) data, size, charset);
      g_assert (decoded != NULL && g_utf8_validate (decoded, -1, NULL));
    }
  return 0;
}
