/* Fuzz harness for the record syntax: texts (a body, a .txt attachment)
 * through the parser and the checks, with the default limits and with tiny
 * ones so every limit is crossed.  CSV files have their own, fuzz-csv.  Built as a replay program with fuzz-main.c, or
 * as a libFuzzer target (clang -fsanitize=fuzzer -DFUZZ_LIBFUZZER). */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "parsers/form.h"
#include "tests/fuzz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* A lookup that knows a few names, so both branches of every check run. */
static char *
fuzz_entity (gpointer user, const char *text, char **suggestion)
{
  static const char *const names[] = { "KZ", "KG", "UNODC", "EU", NULL };
  for (guint i = 0; names[i]; i++)
    if (g_ascii_strcasecmp (names[i], text) == 0)
      return g_strdup (names[i]);
  const char *close = form_suggest (text, names);
  if (close)
    *suggestion = g_strdup (close);
  return NULL;
}

/* The one group. */
static char *
fuzz_group (gpointer user, const char *text)
{
  return g_ascii_strcasecmp (text, "Central Asia") == 0 ? g_strdup ("Central Asia") : NULL;
}

static const FormLookup fuzz_lookup = { NULL, fuzz_entity, fuzz_group, NULL };

/* Formats every problem, as the reply would: UTF-8. */
static void
format_problems (const GPtrArray *problems)
{
  for (guint i = 0; i < problems->len; i++)
    {
      g_autofree char *line = form_problem_format (problems->pdata[i]);
      g_assert (g_utf8_validate (line, -1, NULL));
    }
}

/* Every problem formatted, every value and column UTF-8. */
static void
format_all (const FormParse *parse)
{
  format_problems (parse->problems);
  for (guint r = 0; r < parse->records->len; r++)
    {
      const FormRecord *rec = parse->records->pdata[r];
      format_problems (rec->problems);
      for (guint i = 0; i < rec->values->len; i++)
        {
          const FormValue *v = rec->values->pdata[i];
          g_assert (g_utf8_validate (v->key, -1, NULL) && g_utf8_validate (v->value, -1, NULL));
        }
      GHashTableIter iter;
      gpointer value;
      g_hash_table_iter_init (&iter, rec->columns);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_assert (value == NULL || g_utf8_validate (value, -1, NULL));
    }
}

/* One input as a body (source NULL) or a .txt attachment, under limits. */
static void
run (const char *text, const char *source, const CtcLimits *limits)
{
  g_autoptr(FormParse) parse = form_parse_new ();
  form_parse_text (parse, text, source, limits);
  form_check (parse, &fuzz_lookup, limits);
  format_all (parse);
}

/* One input as the body of a forward (its subject a forward's), every
 * other line soft (an HTML body's <br>). */
static void
run_forward (const char *text)
{
  g_autoptr(GArray) soft = g_array_new (FALSE, FALSE, sizeof (guint));
  guint line = 2;
  for (const char *p = text; *p != '\0'; p++)
    if (*p == '\n' && line < 100000)
      {
        g_array_append_val (soft, line);
        line += 2;
      }
  FormText t = { .text = text, .soft_lines = soft, .forward_subject = TRUE };
  g_autoptr(FormParse) parse = form_parse_new ();
  form_parse_text_from (parse, &t, NULL);
  form_check (parse, &fuzz_lookup, NULL);
  format_all (parse);
}

/* The entry point libFuzzer and fuzz-main.c call with each input. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  CtcLimits tiny = { .value_max = 16, .fields_max = 4, .records_max = 3,
                     .message_max = 4096 };
  g_autofree char *text = g_strndup ((const char *) data, size);
  if (fuzz_way (size, 0, 4))
    run (text, NULL, NULL);
  if (fuzz_way (size, 1, 4))
    run (text, "notes.txt", NULL);
  if (fuzz_way (size, 2, 4))
    run (text, NULL, &tiny);
  if (fuzz_way (size, 3, 4))
    run_forward (text);
  return 0;
}
