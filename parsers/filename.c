/* File names from outside made safe to show, store and write under
 * (ctcgw(8), show --attachment). */
#include <string.h>

#include "parsers/filename.h"
#include "parsers/limits.h"

/* The longest extension kept whole when a name is cut (".xlsx"). */
#define EXTENSION_MAX 16

/* Characters that never stay in a name: controls, invisible format
 * characters (the bidi overrides and isolates that make "exe.pdf" read
 * "fdp.exe" are among them), and the ones Windows refuses. */
static gboolean
char_dropped (gunichar c)
{
  GUnicodeType type = g_unichar_type (c);

  return type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT
      || type == G_UNICODE_LINE_SEPARATOR || type == G_UNICODE_PARAGRAPH_SEPARATOR
      || c == 0xFFFD || (c < 0x80 && strchr ("<>:\"|?*", (int) c) != NULL);
}

/* The last part of a path: what follows the last '/' or '\\'. */
static const char *
last_part (const char *path)
{
  const char *base = path;

  for (const char *p = path; *p != '\0'; p++)
    if (*p == '/' || *p == '\\')
      base = p + 1;
  return base;
}

/* s without the characters char_dropped refuses. */
static GString *
kept_chars (const char *s)
{
  GString *out = g_string_new (NULL);

  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c != 0 && !char_dropped (c))
        g_string_append_unichar (out, c);
    }
  return out;
}

/* Drops leading dots and spaces, and trailing ones, in place. */
static void
trim_dots (GString *s)
{
  gsize start = strspn (s->str, ". ");

  g_string_erase (s, 0, (gssize) start);
  while (s->len > 0 && (s->str[s->len - 1] == '.' || s->str[s->len - 1] == ' '))
    g_string_truncate (s, s->len - 1);
}

/* The start of the extension of s (its last '.'), or NULL when it has
 * none short enough to keep. */
static const char *
extension (const char *s)
{
  const char *dot = strrchr (s, '.');

  return dot != NULL && dot != s && strlen (dot) <= EXTENSION_MAX ? dot : NULL;
}

/* s cut to fit the limits, its extension kept: the stem loses whole
 * characters from its end. */
static char *
bounded (const char *s)
{
  if (g_utf8_strlen (s, -1) <= (glong) CTC_FILE_NAME_MAX && strlen (s) <= CTC_FILE_NAME_BYTES_MAX)
    return g_strdup (s);
  const char *ext = extension (s);
  gsize ext_len = ext != NULL ? strlen (ext) : 0;
  glong chars = (glong) CTC_FILE_NAME_MAX - (ext != NULL ? g_utf8_strlen (ext, -1) : 0);
  gsize stem_len = (gsize) (ext != NULL ? ext - s : (gssize) strlen (s));
  const char *end = s;

  for (glong n = 0; n < chars && (gsize) (end - s) < stem_len; n++)
    {
      const char *next = g_utf8_next_char (end);
      if ((gsize) (next - s) + ext_len > CTC_FILE_NAME_BYTES_MAX)
        break;
      end = next;
    }
  return g_strdup_printf ("%.*s%s", (int) (end - s), s, ext != NULL ? ext : "");
}

char *
ctc_file_name_clean (const char *name)
{
  if (name == NULL)
    return NULL;
  g_autofree char *valid = g_utf8_make_valid (name, -1);
  g_autoptr (GString) kept = kept_chars (last_part (valid));

  trim_dots (kept);
  if (kept->len == 0)
    return NULL;
  return bounded (kept->str);
}
