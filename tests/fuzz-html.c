/* Fuzz target for the text of bodies (parsers/message.c, parsers/html.c):
 * the bytes as an HTML body, and as text in a few charsets.  Nothing may
 * crash or leak, and every text returned is UTF-8. */
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
      g_autofree char *text = mail_html_to_text ((const char *) data, size);
      g_assert (text != NULL && g_utf8_validate (text, -1, NULL));
    }
  if (fuzz_way (size, 1, 2))
    {
      const char *charset = charsets[size / 2 % G_N_ELEMENTS (charsets)];
      g_autofree char *decoded = mail_decode_text ((const char *) data, size, charset);
      g_assert (decoded != NULL && g_utf8_validate (decoded, -1, NULL));
    }
  return 0;
}
