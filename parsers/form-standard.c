/* standard: best practices, codes and standards (action plan C 4 a-c). */
#include "parsers/form.h"

static const FormFieldSpec fields[] = {
  { "Title", "title", FIELD_TEXT, TRUE, NULL, NULL },
  { "Issuer", "issuer", FIELD_ENTITY, TRUE, NULL, NULL },
  { "Areas", "areas", FIELD_AREAS, TRUE, NULL, NULL },
  { "Url", "url", FIELD_URL, FALSE, NULL, NULL },
  { "Citation", "citation", FIELD_TEXT, FALSE, NULL, NULL },
  { "Year", "year", FIELD_YEAR, FALSE, NULL, NULL },
  { "Summary", "summary", FIELD_TEXT, FALSE, NULL, NULL },
  { "Reference", NULL, FIELD_REFERENCE, FALSE, NULL, NULL },
  { "Action", NULL, FIELD_ACTION, FALSE, NULL, NULL },
};

const struct form_kind form_standard = {
  "standard", "standards", "STD", "Issuer",
  fields, G_N_ELEMENTS (fields), NULL,
};
