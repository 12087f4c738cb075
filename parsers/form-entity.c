/* entity: a row of a staff import into the entities register (ctcgw(8),
 * import: an organization to add to the starter set, or a change of name).
 * Not a form of email: it is not in form_kinds. */
#include "parsers/form.h"

#include <string.h>

/* Longest entity code: "CIS-ATC", "MENAFATF" and the like fit. */
#define ENTITY_CODE_MAX 20

static const char *const kinds[] = { "organization", "state", NULL };
static const char *const yes_no[] = { "yes", "no", NULL };
/* Require: the entity's own authentication policy (ctcgw(8),
 * AUTHENTICATION; schema/013-entity-policy.sql); "default" goes back to the
 * configuration's, and a row without it keeps the entity's. */
static const char *const policies[] = { "authenticated", "confirm", "none", "default", NULL };
/* Alignment: the DKIM alignment the entity requires (ctcgw(8),
 * AUTHENTICATION; schema/014-entity-alignment.sql); "default" goes back to
 * relaxed, and a row without it keeps the entity's. */
static const char *const alignments[] = { "relaxed", "strict", "default", NULL };

static const FormFieldSpec fields[] = {
  { "Code", "code", FIELD_TEXT, TRUE, NULL, NULL },
  { "Name", "name", FIELD_TEXT, TRUE, NULL, NULL },
  { "Kind", "kind", FIELD_CHOICE, FALSE, kinds, "organization" },
  { "Active", "active", FIELD_CHOICE, FALSE, yes_no, "yes" },
  { "Require", "require", FIELD_CHOICE, FALSE, policies, NULL },
  { "Alignment", "alignment", FIELD_CHOICE, FALSE, alignments, NULL },
};

/* Whether code is 2 to ENTITY_CODE_MAX ASCII letters, digits and inner '-'. */
static gboolean
code_is_valid (const char *code)
{
  gsize len = strlen (code);
  if (len < 2 || len > ENTITY_CODE_MAX || code[0] == '-' || code[len - 1] == '-')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (code[i]) && code[i] != '-')
      return FALSE;
  return TRUE;
}

/* Code is kept in capitals; a State's is two letters (ISO 3166-1). */
static void
validate (FormRecord *rec)
{
  const char *code = g_hash_table_lookup (rec->columns, "code");
  const char *kind = g_hash_table_lookup (rec->columns, "kind");
  guint line = form_record_line (rec, "Code");
  if (code == NULL)
    return;
  g_autofree char *clipped = problem_clip (code);
  char number[PROBLEM_NUMBER_LEN];
  if (!code_is_valid (code))
    form_record_problem (rec, line, "Code", PROBLEM_NOT_ENTITY_CODE, clipped,
                         problem_number (number, ENTITY_CODE_MAX), NULL);
  else if (g_strcmp0 (kind, "state") == 0
           && (strlen (code) != 2 || !g_ascii_isalpha (code[0]) || !g_ascii_isalpha (code[1])))
    form_record_problem (rec, line, "Code", PROBLEM_NOT_STATE_CODE, clipped, NULL);
  else
    g_hash_table_replace (rec->columns, g_strdup ("code"), g_ascii_strup (code, -1));
}

const struct form_kind form_entity = {
  "entity", "entities", NULL, NULL,
  fields, G_N_ELEMENTS (fields), validate,
};
