/* assistance-result: results of technical assistance (action plan F 7 f
 * c-d), reported against a request or an offer. */
#include "parsers/form.h"

#include <string.h>

static const FormFieldSpec fields[] = {
  { "Reference", "target", FIELD_REFERENCE, TRUE, NULL, NULL },
  { "Reporter", "reporter", FIELD_ENTITY, FALSE, NULL, NULL },
  { "Results", "results", FIELD_TEXT, TRUE, NULL, NULL },
  { "Difference", "difference", FIELD_TEXT, FALSE, NULL, NULL },
  { "Problems", "problems", FIELD_TEXT, FALSE, NULL, NULL },
  /* The result's own reference: an update (docs/submissions.md section 3). */
  { "Result reference", NULL, FIELD_REFERENCE, FALSE, NULL, NULL },
  { "Action", NULL, FIELD_ACTION, FALSE, NULL, NULL },
};

/* Results are reported on a request or an offer, nothing else. */
static void
validate (FormRecord *rec)
{
  const char *target = g_hash_table_lookup (rec->columns, "target");
  g_autofree char *kind = form_reference_kind (target);
  if (target && g_strcmp0 (kind, "REQ") != 0 && g_strcmp0 (kind, "OFF") != 0)
    form_record_problem (rec, form_record_line (rec, "Reference"), "Reference",
                         PROBLEM_NEITHER_REQUEST_NOR_OFFER, target, NULL);
}

const struct form_kind form_assistance_result = {
  "assistance-result", "results", "RES", "Reporter",
  fields, G_N_ELEMENTS (fields), validate,
};
