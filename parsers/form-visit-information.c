/* visit-information: information a State sends ahead of a visit (action
 * plan G d); the message's other attachments are kept with it. */
#include "parsers/form.h"

static const FormFieldSpec fields[] = {
  { "Visit", "visit", FIELD_REFERENCE, TRUE, NULL, NULL },
  { "Entity", "entity", FIELD_ENTITY, FALSE, NULL, NULL },
  { "Information", "information", FIELD_TEXT, TRUE, NULL, NULL },
};

/* Visit must name a visit. */
static void
validate (FormRecord *rec)
{
  const char *visit = g_hash_table_lookup (rec->columns, "visit");
  g_autofree char *kind = form_reference_kind (visit);
  if (visit && g_strcmp0 (kind, "VIS") != 0)
    form_record_problem (rec, form_record_line (rec, "Visit"), "Visit",
                         PROBLEM_NOT_VISIT, visit, NULL);
}

const struct form_kind form_visit_information = {
  "visit-information", "visit_information", NULL, "Entity",
  fields, G_N_ELEMENTS (fields), validate,
};
