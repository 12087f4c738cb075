/* inventory: activities, mechanisms and institutions, updated yearly
 * (action plan E 6 b). */
#include "parsers/form.h"

static const char *const kinds[] = {
  "activity", "mechanism", "institution", NULL
};

static const FormFieldSpec fields[] = {
  { "Entity", "entity", FIELD_ENTITY, TRUE, NULL, NULL },
  { "Kind", "kind", FIELD_CHOICE, TRUE, kinds, NULL },
  { "Title", "title", FIELD_TEXT, TRUE, NULL, NULL },
  { "Year", "year", FIELD_YEAR, FALSE, NULL, NULL },
  { "Areas", "areas", FIELD_AREAS, FALSE, NULL, NULL },
  { "Description", "description", FIELD_TEXT, FALSE, NULL, NULL },
  { "Contacts", "contacts", FIELD_EMAILS, FALSE, NULL, NULL },
  { "Reference", NULL, FIELD_REFERENCE, FALSE, NULL, NULL },
  { "Action", NULL, FIELD_ACTION, FALSE, NULL, NULL },
};

/* Whether rec gives a Year, valid or not. */
static gboolean
gives_year (const FormRecord *rec)
{
  for (guint i = 0; i < rec->values->len; i++)
    if (g_strcmp0 (((FormValue *) rec->values->pdata[i])->key, "Year") == 0)
      return TRUE;
  return FALSE;
}

/* A new entry without a Year is this year's (a default no table can hold). */
static void
validate (FormRecord *rec)
{
  if (rec->reference || gives_year (rec))
    return;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_hash_table_insert (rec->columns, g_strdup ("year"),
                       g_strdup_printf ("%d", g_date_time_get_year (now)));
}

const struct form_kind form_inventory = {
  "inventory", "inventory", "INV", "Entity",
  fields, G_N_ELEMENTS (fields), validate,
};
