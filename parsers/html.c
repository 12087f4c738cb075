/* HTML bodies as text, for messages that have no plain-text part
 * (docs/submissions.md section 1): one pass, no DOM, linear in the input. */
#include <string.h>

#include "parsers/message.h"

/* Longest tag name looked at; longer ones are cut (and match nothing). */
#define HTML_NAME_MAX 16
/* Longest entity looked at ("&thetasym;" and numeric ones fit). */
#define HTML_ENTITY_MAX 12

/* Elements whose content is dropped, and the tags that end them. */
static const char *const skipped[] = { "script", "style", "head", "title" };
static const char *const skip_ends[] = { "</script", "</style", "</head", "</title", "<body" };
#define HTML_BODY_END 4

typedef struct {
  GString *out;
  gboolean space;        /* collapsible white space is pending */
  guint pre;             /* depth of <pre> */
  guint lines;           /* line breaks written */
  gboolean soft;         /* a <br> ended a line of text, and no block since */
  GArray *soft_lines;    /* guint: lines of out that a <br> began (1-based) */
  gsize found[G_N_ELEMENTS (skip_ends)]; /* last position of each end tag + 1, 0 unknown */
} HtmlOut;

/* Elements that stand on lines of their own. */
static const char *const blocks[] = {
  "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote",
  "ul", "ol", "dl", "dt", "dd", "pre", "hr", "section", "article", "header",
  "footer", "nav", "address", "center", "form", "fieldset", "caption", "thead",
  "tbody", "tfoot", "html", "body", "main", "aside", "figure", "figcaption",
  "details", "summary", "option", "legend",
};

static const struct {
  const char *name;
  gunichar c;
} entities[] = {
  { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
  { "nbsp", 0xA0 }, { "shy", 0xAD }, { "copy", 0xA9 }, { "reg", 0xAE },
  { "trade", 0x2122 }, { "euro", 0x20AC }, { "pound", 0xA3 }, { "deg", 0xB0 },
  { "middot", 0xB7 }, { "bull", 0x2022 }, { "hellip", 0x2026 },
  { "ndash", 0x2013 }, { "mdash", 0x2014 }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 },
  { "ldquo", 0x201C }, { "rdquo", 0x201D }, { "laquo", 0xAB }, { "raquo", 0xBB },
  { "iexcl", 0xA1 }, { "iquest", 0xBF }, { "ordf", 0xAA }, { "ordm", 0xBA },
  { "szlig", 0xDF }, { "Agrave", 0xC0 }, { "Aacute", 0xC1 }, { "Acirc", 0xC2 },
  { "Auml", 0xC4 }, { "Ccedil", 0xC7 }, { "Egrave", 0xC8 }, { "Eacute", 0xC9 },
  { "Ecirc", 0xCA }, { "Euml", 0xCB }, { "Iacute", 0xCD }, { "Icirc", 0xCE },
  { "Iuml", 0xCF }, { "Ntilde", 0xD1 }, { "Oacute", 0xD3 }, { "Ocirc", 0xD4 },
  { "Ouml", 0xD6 }, { "Uacute", 0xDA }, { "Ugrave", 0xD9 }, { "Ucirc", 0xDB },
  { "Uuml", 0xDC }, { "agrave", 0xE0 }, { "aacute", 0xE1 }, { "acirc", 0xE2 },
  { "auml", 0xE4 }, { "ccedil", 0xE7 }, { "egrave", 0xE8 }, { "eacute", 0xE9 },
  { "ecirc", 0xEA }, { "euml", 0xEB }, { "iacute", 0xED }, { "icirc", 0xEE },
  { "iuml", 0xEF }, { "ntilde", 0xF1 }, { "oacute", 0xF3 }, { "ocirc", 0xF4 },
  { "ouml", 0xF6 }, { "uacute", 0xFA }, { "ugrave", 0xF9 }, { "ucirc", 0xFB },
  { "uuml", 0xFC }, { "yuml", 0xFF },
};

/* TRUE when name is in list. */
static gboolean
name_in (const char *name, const char *const *list, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (strcmp (name, list[i]) == 0)
      return TRUE;
  return FALSE;
}

/* TRUE when the output is at the start of a line. */
static gboolean
at_line_start (HtmlOut *h)
{
  return h->out->len == 0 || h->out->str[h->out->len - 1] == '\n';
}

/* Removes spaces at the end of the output's last line. */
static void
trim_line_end (HtmlOut *h)
{
  while (h->out->len > 0 && h->out->str[h->out->len - 1] == ' ')
    g_string_truncate (h->out, h->out->len - 1);
}

/* Appends a line break. */
static void
emit_newline (HtmlOut *h)
{
  g_string_append_c (h->out, '\n');
  h->lines++;
}

/* A line break: forced for <br>, else only when the line has something
 * (a paragraph of only &nbsp; is an empty line, as Outlook means it).  A
 * <br> after text may begin a soft line (see text_starts); a block ends
 * that chance. */
static void
emit_break (HtmlOut *h, gboolean force)
{
  gboolean has_text = !at_line_start (h);

  trim_line_end (h);
  h->space = FALSE;
  h->soft = force && has_text;
  if (force || has_text)
    emit_newline (h);
}

/* Text is about to be written: when a <br> ended the line before it inside
 * the same block, this line is soft (it may continue that line's value). */
static void
text_starts (HtmlOut *h)
{
  if (!h->soft)
    return;
  h->soft = FALSE;
  guint line = h->lines + 1;
  g_array_append_val (h->soft_lines, line);
}

/* Text characters; runs of white space become one space outside <pre>. */
static void
emit_text (HtmlOut *h, const char *s, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      char c = s[i];
      if (c == '\0')
        continue;
      if (h->pre > 0 && c == '\n')
        {
          h->soft = FALSE;
          emit_newline (h);
          continue;
        }
      if (h->pre > 0 && (c == ' ' || c == '\t'))
        {
          g_string_append_c (h->out, ' ');
          continue;
        }
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')
        {
          h->space = TRUE;
          continue;
        }
      if (h->space && !at_line_start (h))
        g_string_append_c (h->out, ' ');
      h->space = FALSE;
      text_starts (h);
      g_string_append_c (h->out, c);
    }
}

/* A character from an entity: no-break space is kept even at a line's
 * start (indentation); other white space collapses like text. */
static void
emit_char (HtmlOut *h, gunichar c)
{
  char buf[8];

  if (c == 0xA0)
    {
      if (h->space && !at_line_start (h))
        g_string_append_c (h->out, ' ');
      h->space = FALSE;
      text_starts (h);
      g_string_append_c (h->out, ' ');
      return;
    }
  if (c == 0xAD)
    return;
  if (c < 0x20 || c == 0x7F)
    c = ' ';
  emit_text (h, buf, g_unichar_to_utf8 (c, buf));
}

/* The code point of "&#123;" or "&#x7B;" (after "&#"), or 0xFFFD. */
static gunichar
numeric_entity (const char *s, gsize n)
{
  gboolean hex = n > 0 && (s[0] == 'x' || s[0] == 'X');
  guint64 v = 0;

  for (gsize i = hex ? 1 : 0; i < n; i++)
    v = v * (hex ? 16 : 10) + (guint64) g_ascii_xdigit_value (s[i]);
  if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
    return 0xFFFD;
  return (gunichar) v;
}

/* Decodes an entity at s[i] == '&'; returns the index after it, or i + 1
 * (a literal '&') when it is none that we know. */
static gsize
entity (HtmlOut *h, const char *s, gsize i, gsize len)
{
  gsize j = i + 1;
  gboolean numeric = j < len && s[j] == '#';

  if (numeric)
    j++;
  gsize start = j;
  while (j < len && j - start < HTML_ENTITY_MAX
         && (numeric ? g_ascii_isxdigit (s[j]) || s[j] == 'x' || s[j] == 'X' : g_ascii_isalnum (s[j])))
    j++;
  gboolean semi = j < len && s[j] == ';';
  if (numeric && j > start && (semi || j - start < HTML_ENTITY_MAX))
    {
      emit_char (h, numeric_entity (s + start, j - start));
      return semi ? j + 1 : j;
    }
  for (gsize k = 0; semi && !numeric && k < G_N_ELEMENTS (entities); k++)
    if (strlen (entities[k].name) == j - start && strncmp (s + start, entities[k].name, j - start) == 0)
      {
        emit_char (h, entities[k].c);
        return j + 1;
      }
  emit_text (h, "&", 1);
  return i + 1;
}

/* Position of needle (lower case) in s from i on, ignoring case, or len. */
static gsize
find_ci (const char *s, gsize i, gsize len, const char *needle)
{
  gsize n = strlen (needle);

  for (; i + n <= len; i++)
    if (g_ascii_strncasecmp (s + i, needle, n) == 0)
      return i;
  return len;
}

/* Index after the '>' that ends the tag starting at i (quotes honoured). */
static gsize
tag_end (const char *s, gsize i, gsize len)
{
  char quote = 0;

  for (; i < len; i++)
    {
      if (quote != 0)
        quote = s[i] == quote ? 0 : quote;
      else if (s[i] == '"' || s[i] == '\'')
        quote = s[i];
      else if (s[i] == '>')
        return i + 1;
    }
  return len;
}

/* Position of skip_ends[k] at or after i, or len; each search starts where
 * the last one ended, so that broken input stays linear. */
static gsize
find_end_tag (HtmlOut *h, const char *s, gsize i, gsize len, gsize k)
{
  if (h->found[k] == 0 || h->found[k] - 1 < i)
    h->found[k] = find_ci (s, i, len, skip_ends[k]) + 1;
  return h->found[k] - 1;
}

/* Skips the content of a dropped element up to its closing tag (for
 * <head>, or the <body> tag); nothing is skipped when there is none. */
static gsize
skip_element (HtmlOut *h, const char *s, gsize i, gsize len, const char *name)
{
  gsize k = 0;

  while (strcmp (skipped[k], name) != 0)
    k++;
  gsize end = find_end_tag (h, s, i, len, k);
  if (strcmp (name, "head") == 0)
    end = MIN (end, find_end_tag (h, s, i, len, HTML_BODY_END));
  if (end == len)
    return i;
  return s[end + 1] == '/' ? tag_end (s, end, len) : end;
}

/* Reads the name of the tag at s[i] == '<' into name (lower case). */
static gsize
tag_name (const char *s, gsize i, gsize len, char *name, gboolean *closing)
{
  gsize j = i + 1, k = 0;

  *closing = j < len && s[j] == '/';
  if (*closing)
    j++;
  for (; j < len && (g_ascii_isalnum (s[j]) || s[j] == ':' || s[j] == '-' || s[j] == '_'); j++)
    if (k + 1 < HTML_NAME_MAX)
      name[k++] = g_ascii_tolower (s[j]);
  name[k] = '\0';
  return j;
}

/* Acts on a tag: line breaks for blocks, a space between table cells,
 * <pre> tracking, dropped elements skipped.  Returns the index after it. */
static gsize
tag (HtmlOut *h, const char *s, gsize i, gsize len)
{
  char name[HTML_NAME_MAX];
  gboolean closing;
  gsize end = tag_end (s, tag_name (s, i, len, name, &closing), len);

  if (!closing && name_in (name, skipped, G_N_ELEMENTS (skipped)))
    return skip_element (h, s, end, len, name);
  if (strcmp (name, "br") == 0)
    emit_break (h, TRUE);
  else if (name_in (name, blocks, G_N_ELEMENTS (blocks)))
    emit_break (h, FALSE);
  else if (strcmp (name, "td") == 0 || strcmp (name, "th") == 0)
    h->space = TRUE;
  if (strcmp (name, "pre") == 0)
    h->pre = closing ? (h->pre > 0 ? h->pre - 1 : 0) : h->pre + 1;
  return end;
}

/* Handles markup at s[i] == '<': comments, declarations, tags, or a
 * literal '<'.  Returns the index after it. */
static gsize
markup (HtmlOut *h, const char *s, gsize i, gsize len)
{
  if (i + 3 < len && strncmp (s + i, "<!--", 4) == 0)
    {
      gsize end = find_ci (s, i + 4, len, "-->");
      return end == len ? len : end + 3;
    }
  if (i + 1 < len && (s[i + 1] == '!' || s[i + 1] == '?'))
    return tag_end (s, i, len);
  if (i + 1 < len && (g_ascii_isalpha (s[i + 1]) || s[i + 1] == '/'))
    return tag (h, s, i, len);
  emit_text (h, "<", 1);
  return i + 1;
}

/* Final tidying: spaces at line ends dropped, at most one empty line in a
 * row, none at the start or the end.  soft holds lines of text (ascending);
 * they are renumbered as the tidy text counts them. */
static char *
tidy_lines (const char *text, GArray *soft)
{
  GString *out = g_string_sized_new (strlen (text) + 1);
  guint empty = 0, raw = 0, shown = 0, next = 0, kept = 0;

  for (const char *line = text; *line != '\0';)
    {
      const char *nl = strchr (line, '\n');
      gsize n = nl != NULL ? (gsize) (nl - line) : strlen (line);
      raw++;
      while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
        n--;
      if (n == 0)
        empty++;
      else
        {
          shown += out->len == 0 ? 1 : empty > 0 ? 2 : 1;
          if (out->len > 0)
            g_string_append (out, empty > 0 ? "\n\n" : "\n");
          g_string_append_len (out, line, (gssize) n);
          empty = 0;
          while (next < soft->len && g_array_index (soft, guint, next) < raw)
            next++;
          if (next < soft->len && g_array_index (soft, guint, next) == raw)
            g_array_index (soft, guint, kept++) = shown;
        }
      line = nl != NULL ? nl + 1 : line + strlen (line);
    }
  g_array_set_size (soft, kept);
  if (out->len > 0)
    g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

/* Text runs and markup alternate; the result is tidied and valid UTF-8. */
char *
mail_html_to_text (const char *html, gsize len)
{
  g_autoptr (GArray) soft = NULL;
  return mail_html_to_text_soft (html, len, &soft);
}

/* mail_html_to_text, and the lines a <br> inside a block began. */
char *
mail_html_to_text_soft (const char *html, gsize len, GArray **soft_lines)
{
  HtmlOut h = { .out = g_string_sized_new (len / 2 + 16),
                .soft_lines = g_array_new (FALSE, FALSE, sizeof (guint)) };
  gsize i = 0;

  if (html == NULL)
    len = 0;
  while (i < len)
    {
      gsize next = i;
      while (next < len && html[next] != '<' && html[next] != '&')
        next++;
      emit_text (&h, html + i, next - i);
      if (next >= len)
        break;
      i = html[next] == '<' ? markup (&h, html, next, len) : entity (&h, html, next, len);
    }
  g_autofree char *raw = g_string_free (h.out, FALSE);
  g_autofree char *tidy = tidy_lines (raw, h.soft_lines);
  *soft_lines = h.soft_lines;
  return g_utf8_make_valid (tidy, -1);
}
