/* assistance-request: the Matrix of Requested Technical Assistance (action
 * plan F 7 d-e). */
#include "parsers/form.h"

static const char *const priorities[] = { "high", "medium", "low", NULL };

static const FormFieldSpec fields[] = {
  { "State", "state_code", FIELD_STATE, TRUE, NULL, NULL },
  { "Areas", "areas", FIELD_AREAS, TRUE, NULL, NULL },
  { "Description", "description", FIELD_TEXT, TRUE, NULL, NULL },
  { "Priority", "priority", FIELD_CHOICE, FALSE, priorities, "medium" },
  { "Reference", NULL, FIELD_REFERENCE, FALSE, NULL, NULL },
  { "Action", NULL, FIELD_ACTION, FALSE, NULL, NULL },
};

const struct form_kind form_assistance_request = {
  "assistance-request", "requests", "REQ", "State",
  fields, G_N_ELEMENTS (fields), NULL,
};
