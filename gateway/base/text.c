/* Widths of text in fixed-width columns: see text.h. */
#include "gateway/base/text.h"

guint
text_char_width (gunichar c)
{
  if (g_unichar_iszerowidth (c))
    return 0;
  return g_unichar_iswide (c) ? 2 : 1;
}

guint
text_width (const char *s)
{
  guint width = 0;
  for (; *s != '\0'; s = g_utf8_next_char (s))
    width += text_char_width (g_utf8_get_char (s));
  return width;
}
