/* Fuzz target for CSV attachments and staff imports (parsers/csv.c): the
 * bytes as a CSV file named for each way the kind is found, and as an
 * import of entities; then the checks.  Nothing may crash or leak, and every
 * text of a record or problem is UTF-8. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "parsers/form.h"
#include "tests/fuzz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Texts of one problem: UTF-8, and formatted as the reply would. */
static void
check_problems (const GPtrArray *problems)
{
  for (guint i = 0; i < problems->len; i++)
    {
      const FormProblem *p = g_ptr_array_index (problems, i);
      g_assert (p->message != NULL && g_utf8_validate (p->message, -1, NULL));
      g_assert (p->field == NULL || g_utf8_validate (p->field, -1, NULL));
      g_autofree char *line = form_problem_format (p);
      g_assert (g_utf8_validate (line, -1, NULL));
    }
}

/* What every record promises: UTF-8 keys, values and columns. */
static void
check (const FormParse *parse)
{
  check_problems (parse->problems);
  for (guint r = 0; r < parse->records->len; r++)
    {
      const FormRecord *rec = g_ptr_array_index (parse->records, r);
      g_assert (rec->kind_name == NULL || g_utf8_validate (rec->kind_name, -1, NULL));
      for (guint i = 0; i < rec->values->len; i++)
        {
          const FormValue *v = g_ptr_array_index (rec->values, i);
          g_assert (g_utf8_validate (v->key, -1, NULL) && g_utf8_validate (v->value, -1, NULL));
        }
      GHashTableIter iter;
      gpointer value;
      g_hash_table_iter_init (&iter, rec->columns);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_assert (value == NULL || g_utf8_validate (value, -1, NULL));
      check_problems (rec->problems);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const names[] = {
    "inventory.csv", "offers-2026.csv", "data.csv", "contact-point.csv", "standards.csv",
  };
  CtcLimits tiny = { .value_max = 16, .fields_max = 4, .records_max = 3,
                     .message_max = 4096 };
  const char *name = names[size / 3 % G_N_ELEMENTS (names)];

  if (fuzz_way (size, 0, 3) || fuzz_way (size, 1, 3))
    {
      g_autoptr (FormParse) parse = form_parse_new ();
      const CtcLimits *limits = fuzz_way (size, 1, 3) ? &tiny : NULL;
      form_parse_csv (parse, (const char *) data, size, name, limits);
      form_check (parse, NULL, limits);
      check (parse);
    }
  if (fuzz_way (size, 2, 3))
    {
      g_autoptr (FormParse) import = form_parse_new ();
      form_parse_csv_as (import, (const char *) data, size, "entities.csv", &form_entity, NULL);
      form_check (import, NULL, NULL);
      check (import);
    }
  return 0;
}
