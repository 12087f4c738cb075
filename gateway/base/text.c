/* Widths of text in fixed-width columns: see text.h. */
#include <string.h>

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

/* The length in bytes of the indentation and list marker that begin
 * line: spaces, then "-", "*", "•" or digits with "." or ")", then spaces. */
static gsize
hanging_indent (const char *line)
{
  const char *p = line;
  while (*p == ' ' || *p == '\t')
    p++;
  const char *marker = p;
  if (*p == '-' || *p == '*')
    p++;
  else if (g_str_has_prefix (p, "•"))
    p += strlen ("•");
  else
    {
      while (g_ascii_isdigit (*p))
        p++;
      if (p > marker && (*p == '.' || *p == ')'))
        p++;
      else
        p = marker;
    }
  if (p > marker && *p != ' ')
    p = marker;
  while (*p == ' ')
    p++;
  return p - line;
}

/* Closing punctuation that a line may not begin with, and opening
 * punctuation that it may not end with: the line-breaking rules of
 * Chinese text, simplified. */
static gboolean
no_break_before (gunichar c)
{
  return c != 0 && g_utf8_strchr ("、。，．：；！？）」』】〉》”’…", -1, c) != NULL;
}

static gboolean
no_break_after (gunichar c)
{
  return g_utf8_strchr ("（「『【〈《“‘", -1, c) != NULL;
}

/* The length in bytes of the word at p (not a space): up to a space, the
 * end, or a break that East Asian text allows between two characters of
 * which one is wide.  Latin words, addresses, URLs and references have
 * no such break and are never cut. */
static gsize
word_length (const char *p)
{
  const char *q = p;
  while (*q != '\0' && *q != ' ')
    {
      gunichar c = g_utf8_get_char (q);
      const char *next = g_utf8_next_char (q);
      gunichar n = g_utf8_get_char (next);
      if (*next != '\0' && *next != ' ' && (g_unichar_iswide (c) || g_unichar_iswide (n))
          && !no_break_after (c) && !no_break_before (n))
        return next - p;
      q = next;
    }
  return q - p;
}

/* Appends one line (no newline in it) to out, broken into lines of at most
 * width columns at spaces and where Chinese text allows (word_length),
 * continued after its hanging indentation. */
static void
wrap_line (GString *out, const char *line, guint width)
{
  gsize indent_len = hanging_indent (line);
  g_autofree char *indent = g_strndup (line, indent_len);
  guint indent_width = text_width (indent);
  const char *p = line + indent_len;
  guint used = indent_width;
  gboolean spaced = FALSE;

  g_string_append (out, indent);
  for (gboolean first = TRUE; *p != '\0'; first = FALSE)
    {
      gsize len = word_length (p);
      g_autofree char *word = g_strndup (p, len);
      guint columns = text_width (word), gap = spaced ? 1 : 0;
      if (!first && used + gap + columns > width)
        {
          g_string_append_printf (out, "\n%*s", (int) indent_width, "");
          used = indent_width;
          gap = 0;
        }
      g_string_append_printf (out, "%*s%s", (int) gap, "", word);
      used += gap + columns;
      for (p += len, spaced = FALSE; *p == ' '; p++)
        spaced = TRUE;
    }
}

/* Whether the text of a line that ends with a and one that starts with b
 * joins without a space: two wide (Chinese) characters. */
static gboolean
joins_unspaced (const char *a, const char *b)
{
  const char *last = *a != '\0' ? g_utf8_find_prev_char (a, a + strlen (a)) : NULL;
  return last != NULL && g_unichar_iswide (g_utf8_get_char (last))
         && g_unichar_iswide (g_utf8_get_char (b));
}

/* Whether line is running prose that may be joined with the prose lines
 * around it: not blank, not indented, no list marker, not a "Key: value"
 * line of a form, not a separator ("-- ", "---"). */
static gboolean
is_prose (const char *line)
{
  if (*line == '\0' || *line == ' ' || *line == '\t' || hanging_indent (line) > 0
      || g_str_has_prefix (line, "--"))
    return FALSE;
  const char *space = strchr (line, ' ');
  const char *colon = strchr (line, ':');
  return colon == NULL || (space != NULL && space < colon) || colon[1] != ' ';
}

/* Appends lines[*i] to out wrapped; a paragraph of prose lines with one too
 * wide is joined and wrapped as one line.  Moves *i past what it took. */
static void
wrap_paragraph (GString *out, char **lines, guint *i, guint width)
{
  guint end = *i + 1, widest = text_width (lines[*i]);
  if (is_prose (lines[*i]))
    for (; lines[end] != NULL && is_prose (lines[end]); end++)
      widest = MAX (widest, text_width (lines[end]));
  if (widest <= width)
    end = *i + 1;
  GString *paragraph = g_string_new (lines[*i]);
  for (guint k = *i + 1; k < end; k++)
    g_string_append_printf (paragraph, "%s%s",
                            joins_unspaced (paragraph->str, lines[k]) ? "" : " ", lines[k]);
  if (text_width (paragraph->str) <= width)
    g_string_append (out, paragraph->str);
  else
    wrap_line (out, paragraph->str, width);
  g_string_free (paragraph, TRUE);
  *i = end;
}

char *
text_wrap (const char *text, guint width)
{
  GString *out = g_string_new (NULL);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL;)
    {
      if (i > 0)
        g_string_append_c (out, '\n');
      wrap_paragraph (out, lines, &i, width);
    }
  return g_string_free (out, FALSE);
}

char *
text_mark_rtl (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);
  for (char **l = lines; *l != NULL; l++)
    {
      if (l != lines)
        g_string_append_c (out, '\n');
      if (**l != '\0' && strcmp (*l, "-- ") != 0)
        g_string_append (out, "\u200f");
      g_string_append (out, *l);
    }
  return g_string_free (out, FALSE);
}

void
text_append_json_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s != NULL ? s : ""; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if ((guchar) *p < 0x20)
        g_string_append_printf (out, "\\u%04x", (guchar) *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}
