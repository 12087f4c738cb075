/* HTML to text three ways, on the HTML parts of real mail: the gateway's
 * one-pass reader (parsers/html.c), Gumbo (an HTML5 parser) and libxml2's
 * HTML parser, the last two walked with the same rules (blocks and <br>
 * make lines, table cells a space, script, style, head and title dropped,
 * <pre> kept as it is, white space collapsed).  Where the HTML part has a
 * text/plain sibling in the same multipart/alternative, that text is what
 * the sender's own program says the message reads: each reader is scored
 * on the words it shares with it and on the short lines it gives whole.
 * Four form-shaped bodies, as Outlook, Gmail, Apple Mail and Thunderbird
 * write them, are scored on the text a form needs.  See bench/README.md.
 *
 *   bench/html CORPUS_DIR [ROUNDS] */
#include <string.h>
#include <time.h>

#include <glib.h>
#include <gmime/gmime.h>
#include <gumbo.h>
#include <libxml/HTMLparser.h>

#include "parsers/message.h"

/* ---- one text writer for the two tree walkers ---------------------------- */

typedef struct {
  GString *out;
  gboolean space;
  guint pre;
} Text;

static const char *const blocks[] = {
  "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote",
  "ul", "ol", "dl", "dt", "dd", "pre", "hr", "section", "article", "header",
  "footer", "nav", "address", "center", "form", "fieldset", "caption", "thead",
  "tbody", "tfoot", "html", "body", "main", "aside", "figure", "figcaption",
  "details", "summary", "option", "legend", NULL,
};
static const char *const dropped[] = { "script", "style", "head", "title", NULL };

static gboolean
in_list (const char *name, const char *const *list)
{
  return name != NULL && g_strv_contains (list, name);
}

static gboolean
at_start (Text *t)
{
  return t->out->len == 0 || t->out->str[t->out->len - 1] == '\n';
}

static void
text_break (Text *t, gboolean force)
{
  gboolean has = !at_start (t);
  while (t->out->len > 0 && t->out->str[t->out->len - 1] == ' ')
    g_string_truncate (t->out, t->out->len - 1);
  t->space = FALSE;
  if (force || has)
    g_string_append_c (t->out, '\n');
}

static void
text_chars (Text *t, const char *s)
{
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (t->pre > 0)
        {
          g_string_append_unichar (t->out, c == '\t' ? ' ' : c);
          continue;
        }
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')
        {
          t->space = TRUE;
          continue;
        }
      if (t->space && !at_start (t))
        g_string_append_c (t->out, ' ');
      t->space = FALSE;
      g_string_append_unichar (t->out, c == 0xA0 ? ' ' : c);
    }
}

/* An element: its line breaks, then its children (walk), then its end. */
static void
text_element (Text *t, const char *name, void (*walk) (Text *, gconstpointer),
              gconstpointer node)
{
  if (in_list (name, dropped))
    return;
  gboolean block = in_list (name, blocks), pre = g_strcmp0 (name, "pre") == 0;
  if (g_strcmp0 (name, "br") == 0)
    text_break (t, TRUE);
  if (block)
    text_break (t, FALSE);
  if (g_strcmp0 (name, "td") == 0 || g_strcmp0 (name, "th") == 0)
    t->space = TRUE;
  t->pre += pre;
  walk (t, node);
  t->pre -= pre;
  if (block)
    text_break (t, FALSE);
}

/* The same tidying as parsers/html.c: spaces at line ends dropped, at most
 * one empty line in a row, none at either end. */
static char *
tidy (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);
  guint empty = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strchomp (lines[i]);
      if (*lines[i] == '\0')
        {
          empty++;
          continue;
        }
      if (out->len > 0)
        g_string_append (out, empty > 0 ? "\n\n" : "\n");
      g_string_append (out, lines[i]);
      empty = 0;
    }
  if (out->len > 0)
    g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

/* ---- Gumbo ---------------------------------------------------------------- */

static void gumbo_walk (Text *t, gconstpointer data);

static void
gumbo_node (Text *t, const GumboNode *node)
{
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE
      || node->type == GUMBO_NODE_CDATA)
    text_chars (t, node->v.text.text);
  else if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE)
    {
      const char *name = gumbo_normalized_tagname (node->v.element.tag);
      g_autofree char *other = NULL;
      if (node->v.element.tag == GUMBO_TAG_UNKNOWN)
        {
          GumboStringPiece piece = node->v.element.original_tag;
          gumbo_tag_from_original_text (&piece);
          name = other = g_ascii_strdown (piece.data, (gssize) piece.length);
        }
      text_element (t, name, gumbo_walk, node);
    }
}

static void
gumbo_walk (Text *t, gconstpointer data)
{
  const GumboNode *node = data;
  const GumboVector *children = &node->v.element.children;
  for (guint i = 0; i < children->length; i++)
    gumbo_node (t, children->data[i]);
}

static char *
gumbo_to_text (const char *html, gsize len)
{
  GumboOutput *doc = gumbo_parse_with_options (&kGumboDefaultOptions, html, len);
  Text t = { .out = g_string_new (NULL) };
  gumbo_node (&t, doc->root);
  gumbo_destroy_output (&kGumboDefaultOptions, doc);
  g_autofree char *raw = g_string_free (t.out, FALSE);
  return tidy (raw);
}

/* ---- libxml2 -------------------------------------------------------------- */

static void xml_walk (Text *t, gconstpointer data);

static void
xml_node (Text *t, xmlNode *node)
{
  if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE)
    text_chars (t, (const char *) node->content);
  else if (node->type == XML_ELEMENT_NODE)
    {
      g_autofree char *name = g_ascii_strdown ((const char *) node->name, -1);
      text_element (t, name, xml_walk, node);
    }
}

static void
xml_walk (Text *t, gconstpointer data)
{
  for (xmlNode *c = ((xmlNode *) data)->children; c != NULL; c = c->next)
    xml_node (t, c);
}

static char *
xml_to_text (const char *html, gsize len)
{
  htmlDocPtr doc = htmlReadMemory (html, (int) len, NULL, "UTF-8",
                                   HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING
                                   | HTML_PARSE_NONET | HTML_PARSE_COMPACT);
  Text t = { .out = g_string_new (NULL) };
  if (doc != NULL)
    for (xmlNode *c = doc->children; c != NULL; c = c->next)
      xml_node (&t, c);
  xmlFreeDoc (doc);
  g_autofree char *raw = g_string_free (t.out, FALSE);
  return tidy (raw);
}

/* ---- the gateway's --------------------------------------------------------- */

static char *
gateway_to_text (const char *html, gsize len)
{
  return mail_html_to_text (html, len);
}

/* ---- scoring --------------------------------------------------------------- */

typedef char *(*Reader) (const char *html, gsize len);

static const struct {
  const char *name;
  Reader read;
} readers[] = {
  { "parsers/html.c", gateway_to_text },
  { "Gumbo 0.10", gumbo_to_text },
  { "libxml2 HTMLparser", xml_to_text },
};
#define READERS G_N_ELEMENTS (readers)

typedef struct {
  char *html;
  char *plain;  /* the text/plain sibling, or NULL */
  char *name;
} Sample;

typedef struct {
  double shared, words_plain, words_read;   /* word multisets */
  guint lines_whole, lines_plain;           /* short plain lines given whole */
  double seconds;
} Score;

static GHashTable *
word_counts (const char *text, double *total)
{
  GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto (GStrv) words = g_regex_split_simple ("[\\s\\p{P}]+", text, 0, 0);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] == '\0')
        continue;
      char *w = g_utf8_casefold (words[i], -1);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (h, w));
      g_hash_table_replace (h, w, GUINT_TO_POINTER (n + 1));
      *total += 1;
    }
  return h;
}

static void
score_words (Score *s, const char *plain, const char *read)
{
  double np = 0, nr = 0;
  g_autoptr (GHashTable) p = word_counts (plain, &np);
  g_autoptr (GHashTable) r = word_counts (read, &nr);
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, p);
  while (g_hash_table_iter_next (&it, &key, &value))
    s->shared += MIN (GPOINTER_TO_UINT (value),
                      GPOINTER_TO_UINT (g_hash_table_lookup (r, key)));
  s->words_plain += np;
  s->words_read += nr;
}

/* Lines of the plain text short enough not to have been wrapped. */
static void
score_lines (Score *s, const char *plain, const char *read)
{
  g_auto (GStrv) lines = g_strsplit (plain, "\n", -1);
  g_auto (GStrv) got = g_strsplit (read, "\n", -1);
  for (guint i = 0; got[i] != NULL; i++)
    g_strstrip (got[i]);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (*lines[i] == '\0' || g_utf8_strlen (lines[i], -1) > 60 || lines[i][0] == '>')
        continue;
      s->lines_plain++;
      s->lines_whole += g_strv_contains ((const char *const *) got, lines[i]);
    }
}

/* ---- the samples ------------------------------------------------------------- */

/* A text part decoded by GMime, made valid UTF-8 (a wrong charset aside). */
static char *
part_text (GMimeObject *part)
{
  g_autofree char *text = g_mime_text_part_get_text (GMIME_TEXT_PART (part));
  return text != NULL ? g_utf8_make_valid (text, -1) : NULL;
}

static void
collect (GMimeObject *part, GPtrArray *samples, const char *name)
{
  if (GMIME_IS_MESSAGE_PART (part))
    {
      GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (part));
      if (inner != NULL)
        collect (g_mime_message_get_mime_part (inner), samples, name);
      return;
    }
  if (!GMIME_IS_MULTIPART (part))
    {
      if (GMIME_IS_TEXT_PART (part)
          && g_mime_content_type_is_type (g_mime_object_get_content_type (part), "text", "html"))
        {
          Sample *s = g_new0 (Sample, 1);
          s->html = part_text (part);
          s->name = g_strdup (name);
          if (s->html != NULL)
            g_ptr_array_add (samples, s);
          else
            g_free (s);
        }
      return;
    }
  GMimeMultipart *mp = GMIME_MULTIPART (part);
  gboolean alt = g_mime_content_type_is_type (g_mime_object_get_content_type (part),
                                              "multipart", "alternative");
  GMimeObject *plain = NULL;
  for (int i = 0; alt && i < g_mime_multipart_get_count (mp); i++)
    {
      GMimeObject *p = g_mime_multipart_get_part (mp, i);
      if (GMIME_IS_TEXT_PART (p)
          && g_mime_content_type_is_type (g_mime_object_get_content_type (p), "text", "plain"))
        plain = p;
    }
  guint before = samples->len;
  for (int i = 0; i < g_mime_multipart_get_count (mp); i++)
    collect (g_mime_multipart_get_part (mp, i), samples, name);
  for (guint i = before; plain != NULL && i < samples->len; i++)
    {
      Sample *s = samples->pdata[i];
      if (s->plain == NULL)
        s->plain = part_text (plain);
    }
}

static void
read_dir (const char *dir, GPtrArray *samples)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *entry;
  while (d != NULL && (entry = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, entry, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          read_dir (path, samples);
          continue;
        }
      if (strchr (entry, '.') == NULL || g_str_has_suffix (entry, ".tsv")
          || g_str_has_suffix (entry, ".md") || g_str_has_suffix (entry, ".ics"))
        continue;
      GMimeStream *stream = g_mime_stream_file_open (path, "r", NULL);
      if (stream == NULL)
        continue;
      GMimeParser *parser = g_mime_parser_new_with_stream (stream);
      GMimeMessage *msg = g_mime_parser_construct_message (parser, NULL);
      if (msg != NULL)
        collect (g_mime_message_get_mime_part (msg), samples, path);
      g_clear_object (&msg);
      g_object_unref (parser);
      g_object_unref (stream);
    }
}

/* Form bodies as the four programs write them, and the text a form needs. */
static const struct {
  const char *client, *html, *text;
} forms[] = {
  { "Outlook",
    "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><head><style><!-- p.MsoNormal"
    " {margin:0cm} --></style></head><body lang=EN-US><div class=WordSection1>"
    "<p class=MsoNormal>Form: assistance-offer<o:p></o:p></p><p class=MsoNormal>Provider:"
    " UNODC<o:p></o:p></p><p class=MsoNormal>Title: Regional workshop on border<br>security"
    "<o:p></o:p></p><p class=MsoNormal>Areas: border-control<o:p></o:p></p>"
    "<p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>Regards<o:p></o:p></p>"
    "</div></body></html>",
    "Form: assistance-offer\nProvider: UNODC\nTitle: Regional workshop on border\nsecurity\n"
    "Areas: border-control\n\nRegards\n" },
  { "Gmail",
    "<div dir=\"ltr\"><div>Form: assistance-offer</div><div>Provider: UNODC</div>"
    "<div>Title: Regional workshop</div><div>Areas: border-control</div><div><br></div>"
    "<div>Regards</div></div>",
    "Form: assistance-offer\nProvider: UNODC\nTitle: Regional workshop\nAreas: border-control\n"
    "\nRegards\n" },
  { "Apple Mail",
    "<html><head><meta http-equiv=\"content-type\" content=\"text/html; charset=utf-8\"></head>"
    "<body style=\"overflow-wrap: break-word;\">Form: assistance-offer<div>Provider: UNODC</div>"
    "<div>Title: Regional workshop</div><div>Areas: border-control</div><div><br></div>"
    "<div>Regards</div></body></html>",
    "Form: assistance-offer\nProvider: UNODC\nTitle: Regional workshop\nAreas: border-control\n"
    "\nRegards\n" },
  { "Thunderbird",
    "<!DOCTYPE html><html><head><meta http-equiv=\"content-type\" content=\"text/html;"
    " charset=UTF-8\"></head><body><p>Form: assistance-offer<br>Provider: UNODC<br>Title:"
    " Regional workshop<br>Areas: border-control</p><p><br></p><p>Regards<br></p></body></html>",
    "Form: assistance-offer\nProvider: UNODC\nTitle: Regional workshop\nAreas: border-control\n"
    "\nRegards\n" },
};

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      g_printerr ("usage: %s CORPUS_DIR [ROUNDS]\n", argv[0]);
      return 2;
    }
  guint rounds = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 20;
  g_mime_init ();
  xmlInitParser ();
  g_autoptr (GPtrArray) samples = g_ptr_array_new ();
  read_dir (argv[1], samples);
  gsize bytes = 0;
  guint paired = 0;
  for (guint i = 0; i < samples->len; i++)
    {
      Sample *s = samples->pdata[i];
      bytes += strlen (s->html);
      paired += s->plain != NULL;
    }
  Score scores[READERS] = { 0 };
  guint same[READERS] = { 0 };
  guint forms_right[READERS] = { 0 };
  for (guint r = 0; r < READERS; r++)
    {
      for (guint i = 0; i < samples->len; i++)
        {
          Sample *s = samples->pdata[i];
          g_autofree char *text = readers[r].read (s->html, strlen (s->html));
          g_autofree char *ours = readers[0].read (s->html, strlen (s->html));
          same[r] += strcmp (text, ours) == 0;
          if (!g_utf8_validate (text, -1, NULL))
            g_printerr ("%s: not UTF-8 from %s\n", readers[r].name, s->name);
          if (s->plain == NULL)
            continue;
          score_words (&scores[r], s->plain, text);
          score_lines (&scores[r], s->plain, text);
        }
      double t0 = now ();
      for (guint k = 0; k < rounds; k++)
        for (guint i = 0; i < samples->len; i++)
          {
            Sample *s = samples->pdata[i];
            g_free (readers[r].read (s->html, strlen (s->html)));
          }
      scores[r].seconds = (now () - t0) / rounds;
      for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
        {
          g_autofree char *text = readers[r].read (forms[f].html, strlen (forms[f].html));
          if (strcmp (text, forms[f].text) == 0)
            forms_right[r]++;
          else
            g_print ("# %s, %s form reads:\n%s", readers[r].name, forms[f].client, text);
        }
    }
  g_print ("%u HTML parts (%.0f KB) in %s, %u with a text/plain alternative; %u rounds\n\n",
           samples->len, bytes / 1024.0, argv[1], paired, rounds);
  g_print ("%-20s %9s %9s %11s %10s %9s %10s\n", "reader", "words in", "words of",
           "short lines", "forms", "MB/s", "same text");
  g_print ("%-20s %9s %9s %11s %10s %9s %10s\n", "", "plain", "its text", "whole", "right", "",
           "as html.c");
  for (guint r = 0; r < READERS; r++)
    g_print ("%-20s %8.1f%% %8.1f%% %10.1f%% %8u/%zu %9.1f %6u/%u\n", readers[r].name,
             100.0 * scores[r].shared / MAX (scores[r].words_plain, 1),
             100.0 * scores[r].shared / MAX (scores[r].words_read, 1),
             100.0 * scores[r].lines_whole / MAX (scores[r].lines_plain, 1),
             forms_right[r], G_N_ELEMENTS (forms),
             bytes / 1048576.0 / MAX (scores[r].seconds, 1e-9), same[r], samples->len);
  xmlCleanupParser ();
  return 0;
}
