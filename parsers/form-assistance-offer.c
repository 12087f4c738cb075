/* assistance-offer: the Matrix of Joint Activities (action plan D 5 a-c,
 * F 7 c). */
#include "parsers/form.h"

#include <string.h>

static const char *const statuses[] = {
  "planned", "ongoing", "completed", "withdrawn", NULL
};

static const FormFieldSpec fields[] = {
  { "Provider", "providers", FIELD_ENTITIES, TRUE, NULL, NULL },
  { "Title", "title", FIELD_TEXT, TRUE, NULL, NULL },
  { "Areas", "areas", FIELD_AREAS, TRUE, NULL, NULL },
  { "Beneficiaries", "beneficiaries", FIELD_BENEFICIARIES, FALSE, NULL, NULL },
  { "Start", "start_date", FIELD_DATE, FALSE, NULL, NULL },
  { "End", "end_date", FIELD_DATE, FALSE, NULL, NULL },
  { "Status", "status", FIELD_CHOICE, FALSE, statuses, "planned" },
  { "Objectives", "objectives", FIELD_TEXT, FALSE, NULL, NULL },
  { "Description", "description", FIELD_TEXT, FALSE, NULL, NULL },
  { "Contacts", "contacts", FIELD_EMAILS, FALSE, NULL, NULL },
  { "Reference", NULL, FIELD_REFERENCE, FALSE, NULL, NULL },
  { "Action", NULL, FIELD_ACTION, FALSE, NULL, NULL },
};

/* An activity cannot end before it starts (dates are ISO, so they sort). */
static void
validate (FormRecord *rec)
{
  const char *start = g_hash_table_lookup (rec->columns, "start_date");
  const char *end = g_hash_table_lookup (rec->columns, "end_date");
  if (start && end && strcmp (end, start) < 0)
    form_record_problem (rec, form_record_line (rec, "End"), "End",
                         PROBLEM_END_BEFORE_START, end, start, NULL);
}

const struct form_kind form_assistance_offer = {
  "assistance-offer", "offers", "OFF", "Provider",
  fields, G_N_ELEMENTS (fields), validate,
};
