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

/* Appends the next word of *p to out and moves *p past it and the spaces
 * after it; returns the columns of the word. */
static guint
append_word (GString *out, const char **p)
{
  const char *end = strchr (*p, ' ');
  gsize len = end != NULL ? (gsize) (end - *p) : strlen (*p);
  g_autofree char *word = g_strndup (*p, len);
  g_string_append (out, word);
  for (*p += len; **p == ' '; (*p)++)
    ;
  return text_width (word);
}

/* The columns of the word at p (up to a space or the end). */
static guint
word_width (const char *p)
{
  const char *end = strchr (p, ' ');
  g_autofree char *word = end != NULL ? g_strndup (p, end - p) : g_strdup (p);
  return text_width (word);
}

/* Appends one line (no newline in it) to out, broken at spaces into lines
 * of at most width columns, continued after its hanging indentation. */
static void
wrap_line (GString *out, const char *line, guint width)
{
  gsize indent_len = hanging_indent (line);
  g_autofree char *indent = g_strndup (line, indent_len);
  guint indent_width = text_width (indent);
  const char *p = line + indent_len;

  g_string_append (out, indent);
  guint used = indent_width + append_word (out, &p);
  while (*p != '\0')
    {
      if (used + 1 + word_width (p) > width)
        {
          g_string_append_c (out, '\n');
          g_string_append_printf (out, "%*s", (int) indent_width, "");
          used = indent_width;
        }
      else
        {
          g_string_append_c (out, ' ');
          used++;
        }
      used += append_word (out, &p);
    }
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
    g_string_append_printf (paragraph, " %s", lines[k]);
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
