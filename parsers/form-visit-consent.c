/* visit-consent: a State's consent to share the needs assessment of a visit
 * (action plan G e).  It speaks for the visit's State, which only the
 * registers know. */
#include "parsers/form.h"

static const char *const answers[] = { "yes", "no", NULL };

static const FormFieldSpec fields[] = {
  { "Visit", "visit", FIELD_REFERENCE, TRUE, NULL, NULL },
  { "Consent", "consent", FIELD_CHOICE, TRUE, answers, NULL },
  { "Recipients", "recipients", FIELD_RECIPIENTS, FALSE, NULL, NULL },
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

const struct form_kind form_visit_consent = {
  "visit-consent", "visit_consents", NULL, NULL,
  fields, G_N_ELEMENTS (fields), validate,
};
