/* Tests of gateway/base/template.c: the renderer, loading with the English
 * fallback, and message subjects. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <gio/gio.h>

#include "gateway/base/template.h"
#include "gateway/base/text.h"

/* Renders source with data (text mode) and fails on an error. */
static char *
render (const char *source, const TplData *data)
{
  g_autoptr (GError) error = NULL;
  char *out = tpl_render_string (source, data, FALSE, &error);
  if (out == NULL)
    fail_msg ("render: %s", error->message);
  return out;
}

static void
assert_renders (const char *source, const TplData *data, const char *expected)
{
  g_autofree char *out = render (source, data);
  assert_string_equal (out, expected);
}

/* Fails unless source is a syntax error whose message has each of the
 * NULL-terminated strings. */
static void
assert_syntax_error (const char *source, ...)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TplData) data = tpl_data_new ();
  g_autofree char *out = tpl_render_string (source, data, FALSE, &error);
  assert_null (out);
  assert_true (g_error_matches (error, TPL_ERROR, TPL_ERROR_SYNTAX));
  va_list ap;
  va_start (ap, source);
  for (const char *s = va_arg (ap, const char *); s != NULL; s = va_arg (ap, const char *))
    if (strstr (error->message, s) == NULL)
      fail_msg ("\"%s\" not in: %s", s, error->message);
  va_end (ap);
}

static void
test_variables (void **state)
{
  g_autoptr (TplData) d = tpl_data_new ();
  tpl_set (d, "name", "World");
  tpl_set_printf (d, "count", "%d records", 3);
  assert_renders ("Hello {{name}}, {{ count }}!", d, "Hello World, 3 records!");
  assert_renders ("[{{unknown}}]", d, "[]");
  assert_renders ("no tags at all\n", d, "no tags at all\n");
  assert_renders ("", d, "");
  tpl_set (d, "name", NULL);
  assert_renders ("[{{name}}]", d, "[]");
  tpl_set (d, "name", "again");
  tpl_set (d, "name", "replaced");
  assert_renders ("{{name}}", d, "replaced");
}

static void
test_values_not_reread (void **state)
{
  g_autoptr (TplData) d = tpl_data_new ();
  tpl_set (d, "evil", "{{secret}} {{#x}}");
  tpl_set (d, "secret", "leaked");
  assert_renders ("{{evil}}", d, "{{secret}} {{#x}}");
}

static void
test_list_sections (void **state)
{
  g_autoptr (TplData) d = tpl_data_new ();
  tpl_set (d, "ref", "SUB-1");
  tpl_set (tpl_add (d, "records"), "line", "accepted CTC-OFF-2026-0042 (new)");
  tpl_set (tpl_add (d, "records"), "line", "line 7: unknown field \"Emial\"; did you mean \"Email\"?");
  assert_renders ("{{#records}}- {{line}} ({{ref}})\n{{/records}}", d,
                  "- accepted CTC-OFF-2026-0042 (new) (SUB-1)\n"
                  "- line 7: unknown field \"Emial\"; did you mean \"Email\"? (SUB-1)\n");
}

static void
test_standalone_lines (void **state)
{
  g_autoptr (TplData) d = tpl_data_new ();
  tpl_set (tpl_add (d, "items"), "line", "a");
  tpl_set (tpl_add (d, "items"), "line", "b");
  assert_renders ("top\n{{#items}}\n{{line}}\n{{/items}}\nend\n", d, "top\na\nb\nend\n");
  assert_renders ("top\n  {{^items}}  \nnone\n{{/items}}\nend", d, "top\nend");
  assert_renders ("{{#items}}\r\n{{line}}\r\n{{/items}}\r\n", d, "a\r\nb\r\n");
  /* not alone on its line: the line stays */
  assert_renders ("x {{#items}}{{line}}{{/items}} y\n", d, "x ab y\n");
}

static void
test_nested_lists (void **state)
{
  g_autoptr (TplData) d = tpl_data_new ();
  tpl_set (d, "sep", ":");
  TplData *g1 = tpl_add (d, "groups");
  tpl_set (g1, "name", "Central Asia");
  tpl_set (tpl_add (g1, "members"), "code", "KZ");
  tpl_set (tpl_add (g1, "members"), "code", "KG");
  TplData *g2 = tpl_add (d, "groups");
  tpl_set (g2, "name", "Empty");
  assert_renders ("{{#groups}}{{name}}{{sep}}{{#members}} {{code}}/{{name}}{{/members}}"
                  "{{^members}} none{{/members}};{{/groups}}", d,
                  "Central Asia: KZ/Central Asia KG/Central Asia;Empty: none;");
}

static void
test_boolean_sections (void **state)
{
  g_autoptr (TplData) d = tpl_data_new ();
  tpl_set_bool (d, "yes", TRUE);
  tpl_set_bool (d, "no", FALSE);
  tpl_set (d, "text", "t");
  tpl_set (d, "empty", "");
  assert_renders ("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{#text}}[{{text}}]{{/text}}"
                  "{{#empty}}E{{/empty}}{{#absent}}A{{/absent}}", d, "Y[t]");
  assert_renders ("{{yes}}{{no}}", d, "");
}

static void
test_inverted_sections (void **state)
{
  g_autoptr (TplData) d = tpl_data_new ();
  tpl_set_bool (d, "yes", TRUE);
  tpl_set_bool (d, "no", FALSE);
  tpl_set (d, "empty", "");
  tpl_set (d, "text", "t");
  tpl_add (d, "list");
  assert_renders ("{{^absent}}1{{/absent}}{{^no}}2{{/no}}{{^empty}}3{{/empty}}"
                  "{{^yes}}4{{/yes}}{{^text}}5{{/text}}{{^list}}6{{/list}}", d, "123");
}

static void
test_add_replaces_non_list (void **state)
{
  g_autoptr (TplData) d = tpl_data_new ();
  tpl_set (d, "rows", "a string");
  tpl_set (tpl_add (d, "rows"), "v", "1");
  assert_renders ("{{#rows}}{{v}}{{/rows}}", d, "1");
}

static void
test_html_escaping (void **state)
{
  g_autoptr (TplData) d = tpl_data_new ();
  g_autoptr (GError) error = NULL;
  tpl_set (d, "v", "<b>\"Tom\" & 'Jerry'</b>");
  g_autofree char *html = tpl_render_string ("<p>{{v}}</p>", d, TRUE, &error);
  assert_string_equal (html, "<p>&lt;b&gt;&quot;Tom&quot; &amp; &apos;Jerry&apos;&lt;/b&gt;</p>");
  g_autofree char *text = tpl_render_string ("<p>{{v}}</p>", d, FALSE, &error);
  assert_string_equal (text, "<p><b>\"Tom\" & 'Jerry'</b></p>");
}

static void
test_unbalanced (void **state)
{
  assert_syntax_error ("a\n{{#records}}\nx", "line 2", "{{#records}}", "never closed", NULL);
  assert_syntax_error ("a\nb\n{{/records}}", "line 3", "{{/records}}", "closes no section", NULL);
  assert_syntax_error ("{{#a}}\n{{^b}}\n{{/a}}\n{{/b}}", "line 3", "{{/a}}", "{{^b}}", "line 2", NULL);
  assert_syntax_error ("x\n\nsome {{name", "line 3", "never closed", NULL);
  assert_syntax_error ("{{#}}{{/}}", "line 1", "{{#}}", NULL);
  assert_syntax_error ("{{{triple}}}", "line 1", NULL);
  assert_syntax_error ("{{na me}}", "{{na me}}", NULL);
}

static void
test_load_fallback (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *en = tpl_load ("ack", "en", "txt", &error);
  g_autofree char *fr = tpl_load ("ack", "fr", "txt", &error);
  g_autofree char *fr_ca = tpl_load ("ack", "fr-CA", "txt", &error);
  g_autofree char *up = tpl_load ("ack", "FR", "txt", &error);
  g_autofree char *none = tpl_load ("ack", "xx", "txt", &error);
  g_autofree char *null_lang = tpl_load ("ack", NULL, "txt", &error);
  g_autofree char *evil = tpl_load ("ack", "../../schema/001-registers", "txt", &error);
  assert_non_null (en);
  assert_non_null (fr);
  assert_string_not_equal (en, fr);
  assert_string_equal (fr_ca, fr);
  assert_string_equal (up, fr);
  assert_string_equal (none, en);
  assert_string_equal (null_lang, en);
  assert_string_equal (evil, en);
  assert_null (error);
}

static void
test_load_missing (void **state)
{
  g_autoptr (GError) error = NULL;
  assert_null (tpl_load ("no-such-template", "fr", "txt", &error));
  assert_true (g_error_matches (error, TPL_ERROR, TPL_ERROR_NOT_FOUND));
  assert_non_null (strstr (error->message, "no-such-template"));
  g_clear_error (&error);
  assert_null (tpl_load ("../schema/001-registers", "en", "sql", &error));
  assert_true (g_error_matches (error, TPL_ERROR, TPL_ERROR_NOT_FOUND));
}

/* A text of staff's own is wrapped like a template's, an Arabic one
 * marked right to left, its subject on one line. */
static void
test_render_text (void **state)
{
  g_autoptr (TplData) d = tpl_data_new ();
  tpl_set (d, "name", "Jan\nDoe");
  g_autofree char *long_line = g_strjoinv (" ", (char *[]) { "word", "word", "word", "word",
      "word", "word", "word", "word", "word", "word", "word", "word", "word", "word", "word",
      "word", "word", "word", NULL });
  g_autofree char *body_source = g_strdup_printf ("{{name}} %s\n", long_line);
  g_autofree char *subject = NULL;
  g_autofree char *body = tpl_render_text ("To {{name}}", body_source, 2, "en", d, &subject,
                                           NULL);
  assert_string_equal (subject, "To Jan Doe");
  g_auto (GStrv) lines = g_strsplit (body, "\n", -1);
  assert_true (g_strv_length (lines) > 2);
  for (guint i = 0; lines[i] != NULL; i++)
    assert_true (g_utf8_strlen (lines[i], -1) <= TEXT_WRAP_COLUMNS);
  g_clear_pointer (&subject, g_free);
  g_autofree char *arabic = tpl_render_text ("S", "\xD9\x85\n", 2, "ar", d, &subject, NULL);
  assert_string_equal (arabic, "\xE2\x80\x8F\xD9\x85\n");
  g_autoptr (GError) error = NULL;
  static const char *const names[] = { "name", "entity", NULL };
  assert_true (tpl_check ("{{#name}}{{entity}}{{/name}}", 1, names, NULL));
  assert_false (tpl_check ("a\n{{#name}}{{entitty}}{{/name}}", 4, names, &error));
  assert_true (g_error_matches (error, TPL_ERROR, TPL_ERROR_NAME));
  assert_string_equal (error->message, "line 5: {{entitty}} is no placeholder; did you mean"
                                       " {{entity}}?");
}

static TplData *
ack_data (const char *subject)
{
  TplData *d = tpl_data_new ();
  tpl_set (d, "subject", subject);
  tpl_set (d, "reference", "CTC-SUB-2026-000123");
  tpl_set (d, "subject_reference", "CTC-SUB-2026-000123");
  tpl_set (d, "sender_name", "Aigerim Nurlanovna");
  tpl_set (tpl_add (d, "records"), "line", "accepted CTC-OFF-2026-0042 (new)");
  tpl_set (tpl_add (d, "errors"), "line", "line 7: unknown field \"Emial\"; did you mean \"Email\"?");
  tpl_set_bool (d, "has_errors", TRUE);
  return d;
}

static void
test_message_subject (void **state)
{
  g_autoptr (TplData) d = ack_data ("Offer of a workshop");
  g_autoptr (GError) error = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *body = tpl_render_message ("ack", "en", d, &subject, &error);
  assert_non_null (body);
  assert_string_equal (subject, "Re: Offer of a workshop [CTC-SUB-2026-000123]");
  assert_false (g_str_has_prefix (body, "Subject:"));
  assert_non_null (strstr (body, "\n- accepted CTC-OFF-2026-0042 (new)\n"));
  assert_non_null (strstr (body, "\n- line 7: unknown field \"Emial\"; did you mean \"Email\"?\n"));
  assert_non_null (strstr (body, "Aigerim Nurlanovna"));
  assert_null (strstr (body, "{{"));
}

/* Every line of an Arabic text that has text starts with an RLM (but the
 * signature separator), so that a line starting with a Latin name or a
 * reference is laid out right to left; other languages have none. */
static void
test_arabic_lines_marked (void **state)
{
  (void) state;
  static const char *const languages[] = { "ar", "en", "fr" };
  for (gsize i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      g_autoptr (TplData) d = ack_data ("Offer");
      g_autofree char *subject = NULL;
      g_autofree char *body = tpl_render_message ("ack", languages[i], d, &subject, NULL);
      assert_non_null (body);
      g_auto (GStrv) lines = g_strsplit (body, "\n", -1);
      for (char **l = lines; *l != NULL; l++)
        {
          gboolean marked = g_str_has_prefix (*l, "\u200f");
          if (**l == '\0' || strcmp (*l, "-- ") == 0 || i > 0)
            assert_false (marked);
          else
            assert_true (marked);
        }
    }
}

/* Each record's line of an answer stays a line of its own when one is
 * wider than the text: it is wrapped under itself, never joined with the
 * next (in every language). */
static void
test_ack_lines_kept_apart (void **state)
{
  (void) state;
  static const char *const languages[] = { "ar", "en", "es", "fr", "ru", "zh" };
  for (gsize i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      g_autoptr (TplData) d = ack_data ("Offer");
      tpl_set (tpl_add (d, "errors"), "line", "line 9: field \"Areas\": unknown area \"border"
               " security and the management of the long land borders\"; did you mean"
               " \"border-control\"?");
      tpl_set (tpl_add (d, "errors"), "line", "line 12: field \"Kind\": \"law\" is not one of"
               " activity, mechanism, institution");
      g_autofree char *subject = NULL;
      g_autofree char *marked = tpl_render_message ("ack", languages[i], d, &subject, NULL);
      assert_non_null (marked);
      /* Arabic lines start with an RLM (test_arabic_lines_marked). */
      g_auto (GStrv) parts = g_strsplit (marked, "\u200f", -1);
      g_autofree char *body = g_strjoinv ("", parts);
      assert_non_null (strstr (body, "\n- line 7: unknown field"));
      assert_non_null (strstr (body, "\n- line 9: field \"Areas\""));
      assert_non_null (strstr (body, "\n  the long land borders"));
      assert_non_null (strstr (body, "\"border-control\"?\n- line 12: field \"Kind\""));
    }
}

static void
test_subject_single_line (void **state)
{
  g_autoptr (TplData) d = ack_data ("Hello\r\nBcc: victim@example.org\n\nInjected body");
  g_autoptr (GError) error = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *body = tpl_render_message ("ack", "en", d, &subject, &error);
  assert_non_null (body);
  assert_null (strpbrk (subject, "\r\n"));
  assert_string_equal (subject, "Re: Hello Bcc: victim@example.org Injected body [CTC-SUB-2026-000123]");
}

/* Every answer template of every language renders with the data the intake
 * gives it. */
static void
test_every_answer_template (void **state)
{
  static const char *const names[] = { "ack", "help", "quarantine", "reject" };
  static const char *const langs[] = { "ar", "en", "es", "fr", "ru", "zh" };
  for (gsize n = 0; n < G_N_ELEMENTS (names); n++)
    for (gsize l = 0; l < G_N_ELEMENTS (langs); l++)
      {
        g_autoptr (TplData) d = ack_data ("Subject");
        g_autoptr (GError) error = NULL;
        g_autofree char *subject = NULL;
        g_autofree char *body = tpl_render_message (names[n], langs[l], d, &subject, &error);
        if (body == NULL)
          fail_msg ("%s.%s: %s", names[n], langs[l], error->message);
        assert_string_equal (subject, "Re: Subject [CTC-SUB-2026-000123]");
        assert_non_null (strstr (body, "CTC-SUB-2026-000123"));
        assert_true (g_utf8_validate (body, -1, NULL));
        assert_null (strstr (body, "{{"));
        tpl_set (d, "sender_name", "");
        g_clear_pointer (&subject, g_free);
        g_autofree char *anonymous = tpl_render_message (names[n], langs[l], d, &subject, &error);
        assert_non_null (anonymous);
        g_clear_pointer (&subject, g_free);
      }
}

static void
test_ack_without_errors (void **state)
{
  g_autoptr (TplData) d = tpl_data_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *subject = NULL;
  tpl_set (d, "subject", "x");
  tpl_set (d, "reference", "CTC-SUB-2026-000001");
  tpl_set (tpl_add (d, "records"), "line", "accepted CTC-CP-2026-0007 (updated: Phone, Title)");
  tpl_set_bool (d, "has_errors", FALSE);
  g_autofree char *with = NULL;
  g_autofree char *body = tpl_render_message ("ack", "en", d, &subject, &error);
  tpl_set_bool (d, "has_errors", TRUE);
  g_clear_pointer (&subject, g_free);
  with = tpl_render_message ("ack", "en", d, &subject, &error);
  assert_non_null (strstr (body, "accepted CTC-CP-2026-0007 (updated: Phone, Title)"));
  assert_true (strlen (with) > strlen (body));
  assert_non_null (strstr (body, "Hello,"));
  assert_null (strstr (body, "Dear"));
}

/* The resources compiled from templates/ (gateway/resources.c). */
GResource *ctc_get_resource (void);

/* For g_ptr_array_sort() of strings. */
static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The sorted, distinct tags ({{name}}, {{#name}}, ...) of a template. */
static char *
template_tags (const char *path)
{
  g_autoptr (GBytes) bytes = g_resource_lookup_data (ctc_get_resource (), path,
                                                     G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes == NULL)
    return NULL;
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr (GPtrArray) tags = g_ptr_array_new_with_free_func (g_free);
  for (const char *p = strstr (text, "{{"); p != NULL; p = strstr (p, "{{"))
    {
      const char *end = strstr (p, "}}");
      assert_non_null (end);
      char *tag = g_strndup (p, (gsize) (end + 2 - p));
      if (!g_ptr_array_find_with_equal_func (tags, tag, g_str_equal, NULL))
        g_ptr_array_add (tags, tag);
      else
        g_free (tag);
      p = end + 2;
    }
  g_ptr_array_sort (tags, compare_strings);
  g_ptr_array_add (tags, NULL);
  return g_strjoinv (" ", (char **) tags->pdata);
}

/* Every template a person outside the secretariat receives exists in the
 * six official languages, each with exactly the tags of the English one;
 * only the staff digest is English alone. */
static void
test_six_languages (void **state)
{
  (void) state;
  static const char *const langs[] = { "ar", "es", "fr", "ru", "zh" };
  g_auto (GStrv) files = g_resource_enumerate_children (ctc_get_resource (), "/ctcgw/templates/",
                                                        G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  assert_non_null (files);
  guint checked = 0;
  for (char **f = files; *f != NULL; f++)
    {
      g_auto (GStrv) parts = g_strsplit (*f, ".", 3);
      /* The public site's pages (site-*) are one for every language: their
       * words come from site.LANG.txt, which this checks. */
      if (g_strv_length (parts) != 3 || strcmp (parts[1], "en") != 0
          || strcmp (parts[0], "digest") == 0 || g_str_has_prefix (parts[0], "site-"))
        continue;
      g_autofree char *en_path = g_strdup_printf ("/ctcgw/templates/%s", *f);
      g_autofree char *en_tags = template_tags (en_path);
      for (gsize l = 0; l < G_N_ELEMENTS (langs); l++)
        {
          g_autofree char *path = g_strdup_printf ("/ctcgw/templates/%s.%s.%s", parts[0],
                                                   langs[l], parts[2]);
          g_autofree char *tags = template_tags (path);
          if (tags == NULL)
            fail_msg ("no template %s.%s.%s", parts[0], langs[l], parts[2]);
          if (strcmp (tags, en_tags) != 0)
            fail_msg ("%s.%s.%s has tags\n  %s\nbut the English one\n  %s", parts[0],
                      langs[l], parts[2], tags, en_tags);
        }
      checked++;
    }
  assert_true (checked >= 14);
}

/* Every HTML template says its language, and the Arabic ones that they
 * read right to left. */
static void
test_html_language (void **state)
{
  (void) state;
  g_auto (GStrv) files = g_resource_enumerate_children (ctc_get_resource (), "/ctcgw/templates/",
                                                        G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  guint checked = 0;
  for (char **f = files; *f != NULL; f++)
    {
      g_auto (GStrv) parts = g_strsplit (*f, ".", 3);
      if (g_strv_length (parts) != 3 || strcmp (parts[2], "html") != 0)
        continue;
      g_autofree char *text = tpl_load (parts[0], parts[1], "html", NULL);
      /* A page of the public site takes its language as a value. */
      if (g_str_has_prefix (parts[0], "site-page"))
        {
          assert_non_null (strstr (text, "<html lang=\"{{lang}}\" dir=\"{{dir}}\">"));
          continue;
        }
      g_autofree char *want = strcmp (parts[1], "ar") == 0
          ? g_strdup ("<html dir=\"rtl\" lang=\"ar\">")
          : g_strdup_printf ("<html lang=\"%s\">", parts[1]);
      if (text == NULL || strstr (text, want) == NULL)
        fail_msg ("%s has no %s", *f, want);
      checked++;
    }
  assert_true (checked >= 7);
}

/* The language of the template found: the one asked when it has one, else
 * English. */
static void
test_language_found (void **state)
{
  (void) state;
  assert_string_equal (tpl_language ("ack", "ru", "txt"), "ru");
  assert_string_equal (tpl_language ("ack", "zh-CN", "txt"), "zh");
  assert_string_equal (tpl_language ("ack", "de", "txt"), "en");
  assert_string_equal (tpl_language ("digest", "ar", "txt"), "en");
  assert_string_equal (tpl_language ("ack", NULL, "txt"), "en");
}

/* Every line of text is at most width columns wide. */
static void
assert_fits (const char *text, guint width)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (text_width (lines[i]) > width)
      fail_msg ("line %u is %u columns: %s", i, text_width (lines[i]), lines[i]);
}

/* Lines that fit, form lines and blank lines are kept as they are. */
static void
test_wrap_keeps_what_fits (void **state)
{
  (void) state;
  const char *text = "Dear Claire,\n\nShort line.\nForm: contact-point\n  indented  twice\n";
  g_autofree char *wrapped = text_wrap (text, 76);
  assert_string_equal (wrapped, text);
}

/* A paragraph with a line too wide is joined and wrapped again, at spaces;
 * an address, a URL and a reference are never cut. */
static void
test_wrap_paragraph (void **state)
{
  (void) state;
  const char *text =
    "Please write to the focal point claire.martin@diplomatie.fr.example about it\n"
    "before the meeting; the record CTC-SUB-2026-000001 and the page\n"
    "https://www.un.org/securitycouncil/ctc/content/a-very-long-page-name-indeed say more.\n"
    "\n"
    "Form: contact-point\n";
  g_autofree char *wrapped = text_wrap (text, 40);
  g_auto (GStrv) lines = g_strsplit (wrapped, "\n", -1);
  gboolean url_alone = FALSE;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      url_alone |= g_str_has_prefix (lines[i], "https://") && strchr (lines[i], ' ') == NULL;
      if (!g_str_has_prefix (lines[i], "https://"))
        assert_true (text_width (lines[i]) <= 40);
    }
  assert_true (url_alone);
  assert_non_null (strstr (wrapped, "claire.martin@diplomatie.fr.example"));
  assert_non_null (strstr (wrapped, "CTC-SUB-2026-000001"));
  assert_true (g_str_has_suffix (wrapped, "say more.\n\nForm: contact-point\n"));
  g_autofree char *flat = g_strdelimit (g_strdup (wrapped), "\n", ' ');
  assert_non_null (strstr (flat, "about it before the meeting; the record"));
}

/* A list item goes on under its text, past its marker. */
static void
test_wrap_list_items (void **state)
{
  (void) state;
  g_autofree char *dash = text_wrap ("  - one two three four five six seven\nnext\n", 20);
  assert_string_equal (dash, "  - one two three\n    four five six\n    seven\nnext\n");
  g_autofree char *number = text_wrap ("12. alpha beta gamma delta\n", 16);
  assert_string_equal (number, "12. alpha beta\n    gamma delta\n");
}

/* Wide characters take two columns, combining marks none. */
static void
test_wrap_columns (void **state)
{
  (void) state;
  g_autofree char *cjk = text_wrap ("区域 讲习班 联络点 区域 讲习班 联络点\n", 20);
  assert_string_equal (cjk, "区域 讲习班 联络点\n区域 讲习班 联络点\n");
  /* "é" as e and a combining accent: 20 columns, not 22. */
  g_autofree char *marks = text_wrap ("Re\xcc\x81union re\xcc\x81gionale ok\n", 20);
  assert_string_equal (marks, "Re\xcc\x81union re\xcc\x81gionale ok\n");
  assert_int_equal (text_width ("\xe5\x8c\xba"), 2);
  assert_int_equal (text_width ("e\xcc\x81"), 1);
}

/* Chinese text, which has no spaces, breaks between its characters, never
 * before closing punctuation nor after opening punctuation, and never
 * inside a reference; lines of a Chinese paragraph join without a space. */
static void
test_wrap_chinese (void **state)
{
  (void) state;
  const char *text = "“领域”一栏请填写以下一个或多个值：资助恐怖主义、招募和武器、预警、"
                     "安全避难所、刑事司法、司法协助、边境管制（CTC-INV-2026-0001）。\n";
  g_autofree char *wrapped = text_wrap (text, 30);
  assert_fits (wrapped, 30);
  g_auto (GStrv) lines = g_strsplit (wrapped, "\n", -1);
  assert_true (g_strv_length (lines) > 3);
  for (guint i = 1; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      assert_false (g_str_has_prefix (lines[i], "、"));
      assert_false (g_str_has_prefix (lines[i], "。"));
      assert_false (g_str_has_prefix (lines[i], "）"));
    }
  assert_non_null (strstr (wrapped, "CTC-INV-2026-0001"));
  g_auto (GStrv) parts = g_strsplit (wrapped, "\n", -1);
  g_autofree char *joined = g_strjoinv ("", parts);
  g_autofree char *unbroken = g_strndup (text, strlen (text) - 1);
  assert_string_equal (joined, unbroken);
  g_autofree char *paragraph = text_wrap ("第一行很长很长很长很长很长很长很长很长很长很长很长\n第二行\n", 20);
  assert_null (strstr (paragraph, " "));
}

/* Message bodies are wrapped once the values are in them. */
static void
test_message_wrapped (void **state)
{
  (void) state;
  g_autoptr (TplData) d = tpl_data_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *subject = NULL;
  tpl_set (d, "subject", "x");
  tpl_set (d, "reference", "CTC-SUB-2026-000001");
  tpl_set (tpl_add (d, "errors"), "line",
           "line 4: field \"Areas\": unknown area \"terrorism-financing-and-money-laundering\"; "
           "did you mean \"terrorist-financing\"?");
  tpl_set_bool (d, "has_errors", TRUE);
  tpl_set (d, "sender_name", "Claire Lefèvre-Dumas de la Tour d'Auvergne, Direction des "
                             "Nations Unies et des organisations internationales");
  g_autofree char *body = tpl_render_message ("ack", "fr", d, &subject, &error);
  assert_non_null (body);
  assert_fits (body, TEXT_WRAP_COLUMNS);
  assert_non_null (strstr (body, "\"terrorism-financing-and-money-laundering\";"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_variables),
    cmocka_unit_test (test_six_languages),
    cmocka_unit_test (test_language_found),
    cmocka_unit_test (test_html_language),
    cmocka_unit_test (test_values_not_reread),
    cmocka_unit_test (test_list_sections),
    cmocka_unit_test (test_standalone_lines),
    cmocka_unit_test (test_nested_lists),
    cmocka_unit_test (test_boolean_sections),
    cmocka_unit_test (test_inverted_sections),
    cmocka_unit_test (test_add_replaces_non_list),
    cmocka_unit_test (test_html_escaping),
    cmocka_unit_test (test_unbalanced),
    cmocka_unit_test (test_load_fallback),
    cmocka_unit_test (test_load_missing),
    cmocka_unit_test (test_message_subject),
    cmocka_unit_test (test_render_text),
    cmocka_unit_test (test_ack_lines_kept_apart),
    cmocka_unit_test (test_arabic_lines_marked),
    cmocka_unit_test (test_subject_single_line),
    cmocka_unit_test (test_every_answer_template),
    cmocka_unit_test (test_ack_without_errors),
    cmocka_unit_test (test_wrap_keeps_what_fits),
    cmocka_unit_test (test_wrap_paragraph),
    cmocka_unit_test (test_wrap_list_items),
    cmocka_unit_test (test_wrap_columns),
    cmocka_unit_test (test_wrap_chinese),
    cmocka_unit_test (test_message_wrapped),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
