/* contact-point: the directory of contact points (action plan B 3 c, E 6 a). */
#include "parsers/form.h"

#include <string.h>

static const char *const roles[] = { "focal-point", "alternate", "technical", NULL };
static const char *const answers[] = { "yes", "no", NULL };

static const FormFieldSpec fields[] = {
  { "Entity", "entity", FIELD_ENTITY, TRUE, NULL, NULL },
  { "Name", "name", FIELD_TEXT, TRUE, NULL, NULL },
  { "Email", "email", FIELD_EMAIL, TRUE, NULL, NULL },
  { "Title", "title", FIELD_TEXT, FALSE, NULL, NULL },
  { "Office", "office", FIELD_TEXT, FALSE, NULL, NULL },
  { "Phone", "phone", FIELD_PHONE, FALSE, NULL, NULL },
  { "Languages", "languages", FIELD_LANGUAGES, FALSE, NULL, "en" },
  { "Role", "role", FIELD_CHOICE, FALSE, roles, "focal-point" },
  { "Areas", "areas", FIELD_AREAS, FALSE, NULL, NULL },
  { "Replaces", "replaces", FIELD_EMAIL, FALSE, NULL, NULL },
  { "Publish", "publish", FIELD_CHOICE, FALSE, answers, "no" },
  { "Reference", NULL, FIELD_REFERENCE, FALSE, NULL, NULL },
  { "Action", NULL, FIELD_ACTION, FALSE, NULL, NULL },
};

/* A contact point cannot replace itself. */
static void
validate (FormRecord *rec)
{
  const char *email = g_hash_table_lookup (rec->columns, "email");
  const char *replaces = g_hash_table_lookup (rec->columns, "replaces");
  if (email && replaces && g_ascii_strcasecmp (email, replaces) == 0)
    form_record_problem (rec, form_record_line (rec, "Replaces"), "Replaces",
                         PROBLEM_REPLACES_OWN_ADDRESS, NULL);
}

const struct form_kind form_contact_point = {
  "contact-point", "contacts", "CP", "Entity",
  fields, G_N_ELEMENTS (fields), validate,
};
