/* information-source: the Directory of Counter-Terrorism Information and
 * Sources of Assistance (action plan F 7 a-b). */
#include "parsers/form.h"

static const char *const kinds[] = {
  "publication", "database", "training", "expert-roster", "funding",
  "legislative-guide", "other", NULL
};

static const FormFieldSpec fields[] = {
  { "Provider", "provider", FIELD_ENTITY, TRUE, NULL, NULL },
  { "Title", "title", FIELD_TEXT, TRUE, NULL, NULL },
  { "Kind", "kind", FIELD_CHOICE, TRUE, kinds, NULL },
  { "Areas", "areas", FIELD_AREAS, FALSE, NULL, NULL },
  { "Url", "url", FIELD_URL, FALSE, NULL, NULL },
  { "Description", "description", FIELD_TEXT, FALSE, NULL, NULL },
  { "Contacts", "contacts", FIELD_EMAILS, FALSE, NULL, NULL },
  { "Languages", "languages", FIELD_LANGUAGES, FALSE, NULL, NULL },
  { "Reference", NULL, FIELD_REFERENCE, FALSE, NULL, NULL },
  { "Action", NULL, FIELD_ACTION, FALSE, NULL, NULL },
};

const struct form_kind form_information_source = {
  "information-source", "sources", "SRC", "Provider",
  fields, G_N_ELEMENTS (fields), NULL,
};
