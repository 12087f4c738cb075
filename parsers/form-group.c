/* group: a row of a staff import into the groups register
 * (docs/submissions.md section 3: named sets of States, such as Central
 * Asia, usable wherever a list of States is).  Not a form of email: it is
 * not in form_kinds.  That every member is a State only the registers know. */
#include "parsers/form.h"

static const FormFieldSpec fields[] = {
  { "Group", "name", FIELD_TEXT, TRUE, NULL, NULL },
  { "Members", "members", FIELD_ENTITIES, TRUE, NULL, NULL },
  { "Description", "description", FIELD_TEXT, FALSE, NULL, NULL },
};

const struct form_kind form_group = {
  "group", "groups", NULL, NULL,
  fields, G_N_ELEMENTS (fields), NULL,
};
