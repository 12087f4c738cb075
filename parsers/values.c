/* The values of fields: each FieldType checked and normalized into what the
 * registers store (docs/submissions.md sections 2, 3 and 5). */
#include "parsers/form.h"

#include <stdlib.h>
#include <string.h>

const char *const form_areas[] = {
  "terrorist-financing", "recruitment-and-arms", "early-warning",
  "safe-haven", "criminal-justice", "mutual-legal-assistance",
  "border-control", "information-exchange", "international-instruments",
  "refugee-protection", "transnational-crime", "human-rights", "other",
  NULL,
};

/* ISO 639-1 (the alpha-2 codes of Debian's iso-codes). */
static const char *const iso639_1[] = {
  "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az",
  "ba", "be", "bg", "bh", "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce",
  "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de", "dv", "dz", "ee",
  "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr",
  "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr",
  "ht", "hu", "hy", "hz", "ia", "id", "ie", "ig", "ii", "ik", "io", "is",
  "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk", "kl", "km", "kn",
  "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
  "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms",
  "mt", "my", "na", "nb", "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv",
  "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl", "ps", "pt", "qu",
  "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk",
  "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta",
  "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw",
  "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo", "wa", "wo", "xh", "yi",
  "yo", "za", "zh", "zu", NULL,
};

/* The six UN languages, which terms.c also gives by name in each of them
 * ("français", "русский", "中文") and by ISO 639-2 code. */
static const char *const un_languages[] = { "ar", "en", "es", "fr", "ru", "zh", NULL };

/* The KIND part of references (docs/submissions.md section 3). */
static const char *const reference_kinds[] = {
  "SUB", "CP", "OFF", "REQ", "RES", "SRC", "STD", "INV", "VIS", "MTG", "CIR",
  NULL,
};

/* The one action, which terms.c gives in the other official languages. */
static const char *const word_withdraw[] = { "withdraw", NULL };

/* The words "all" (Beneficiaries) and "all-donors" (Recipients), which
 * terms.c gives in the other official languages. */
static const char *const word_all[] = { "all", NULL };
static const char *const word_all_donors[] = { "all-donors", NULL };

/* One value being checked. */
typedef struct {
  FormRecord *rec;
  const FormFieldSpec *spec;
  guint line;
  const FormLookup *lookup;
  GPtrArray *items;   /* the normalized items (or the one value) */
} Check;

/* Adds a problem about the value text as written (`field "Start": ...`),
 * with "did you mean" when close is not NULL; arg is the code's second
 * argument, or NULL. */
static void
problem_suggest (Check *c, ProblemCode code, const char *text, const char *arg,
                 const char *close)
{
  g_autofree char *clipped = problem_clip (text);
  form_record_problem_suggest (c->rec, c->line, c->spec->name, close, code, clipped, arg,
                               NULL);
}

/* Adds a problem about the value text as written. */
static void
problem (Check *c, ProblemCode code, const char *text)
{
  problem_suggest (c, code, text, NULL, NULL);
}

/* Whether text is n ASCII digits. */
static gboolean
all_digits (const char *text, gsize n)
{
  if (strlen (text) != n)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

/* ---- single values -------------------------------------------------------- */

/* Free text: kept as written, without control characters but newlines. */
static char *
check_text (Check *c, const char *text)
{
  char *out = g_strdup (text);
  for (char *p = out; *p; p++)
    if (((guchar) *p < 0x20 && *p != '\n') || *p == 0x7f)
      *p = ' ';
  return out;
}

/* A real calendar date, YYYY-MM-DD, in 1900..2100. */
static char *
check_date (Check *c, const char *text)
{
  if (strlen (text) == 10 && text[4] == '-' && text[7] == '-')
    {
      g_autofree char *y = g_strndup (text, 4), *m = g_strndup (text + 5, 2);
      g_autofree char *d = g_strndup (text + 8, 2);
      if (all_digits (y, 4) && all_digits (m, 2) && all_digits (d, 2))
        {
          guint year = atoi (y), month = atoi (m), day = atoi (d);
          if (year >= 1900 && year <= 2100
              && g_date_valid_dmy (day, month, year))
            return g_strdup (text);
        }
    }
  problem (c, PROBLEM_NOT_DATE, text);
  return NULL;
}

/* A year, 1900..2100. */
static char *
check_year (Check *c, const char *text)
{
  if (all_digits (text, 4) && atoi (text) >= 1900 && atoi (text) <= 2100)
    return g_strdup (text);
  problem (c, PROBLEM_NOT_YEAR, text);
  return NULL;
}

/* Whether c may appear in a dot-atom (RFC 5322 atext). */
static gboolean
is_atext (char c)
{
  return g_ascii_isalnum (c) || (c && strchr ("!#$%&'*+-/=?^_`{|}~", c));
}

/* Whether local is a dot-atom of at most 64 characters. */
static gboolean
valid_local (const char *local, gsize n)
{
  if (n == 0 || n > 64 || local[0] == '.' || local[n - 1] == '.')
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (local[i] == '.' ? local[i + 1] == '.' : !is_atext (local[i]))
      return FALSE;
  return TRUE;
}

/* Whether domain is a host name of two or more labels. */
static gboolean
valid_domain (const char *domain)
{
  g_auto(GStrv) labels = g_strsplit (domain, ".", -1);
  guint n = g_strv_length (labels);
  if (n < 2 || strlen (domain) > 253)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      gsize len = strlen (labels[i]);
      if (len == 0 || len > 63 || labels[i][0] == '-' || labels[i][len - 1] == '-')
        return FALSE;
      for (gsize j = 0; j < len; j++)
        if (!g_ascii_isalnum (labels[i][j]) && labels[i][j] != '-')
          return FALSE;
    }
  return !all_digits (labels[n - 1], strlen (labels[n - 1]));
}

/* The addr-spec of text ("a@b.example" or "Name <a@b.example>") with its
 * domain lower-cased, or NULL. */
static char *
email_normalize (const char *text)
{
  const char *lt = strrchr (text, '<');
  gsize len = strlen (text);
  g_autofree char *addr = lt && len > 0 && text[len - 1] == '>'
                          ? g_strndup (lt + 1, text + len - 1 - (lt + 1))
                          : g_strdup (text);
  g_strstrip (addr);
  const char *at = strchr (addr, '@');
  if (at == NULL || strchr (at + 1, '@') || strlen (addr) > 254
      || !valid_local (addr, at - addr) || !valid_domain (at + 1))
    return NULL;
  g_autofree char *domain = g_ascii_strdown (at + 1, -1);
  return g_strdup_printf ("%.*s@%s", (int) (at - addr), addr, domain);
}

/* One email address. */
static char *
check_email (Check *c, const char *text)
{
  char *addr = email_normalize (text);
  if (addr == NULL)
    problem (c, PROBLEM_NOT_EMAIL, text);
  return addr;
}

/* An http or https URL. */
static char *
check_url (Check *c, const char *text)
{
  g_autoptr(GUri) uri = NULL;
  if (strpbrk (text, " \t\n") == NULL)
    uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  if (uri && g_uri_get_host (uri) && *g_uri_get_host (uri)
      && (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0
          || g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0))
    return g_strdup (text);
  problem (c, PROBLEM_NOT_URL, text);
  return NULL;
}

/* A telephone number: digits, spaces, + - ( ) . / and an extension. */
static char *
check_phone (Check *c, const char *text)
{
  g_autofree char *lower = g_ascii_strdown (text, -1);
  guint digits = 0;
  gboolean ok = strlen (text) <= 64;
  for (const char *p = lower; ok && *p; p++)
    if (g_ascii_isdigit (*p))
      digits++;
    else if (g_str_has_prefix (p, "ext"))
      p += 2 + (p[3] == '.');
    else if (!strchr ("+-(). /", *p))
      ok = FALSE;
  if (ok && digits >= 4 && digits <= 30)
    {
      GString *out = g_string_new (NULL);
      for (const char *p = text; *p; p++)
        if (*p != ' ' || (out->len > 0 && p[1] != ' '))
          g_string_append_c (out, *p);
      return g_string_free (out, FALSE);
    }
  problem (c, PROBLEM_NOT_PHONE, text);
  return NULL;
}

/* A word that must be one of the field's choices, in any official
 * language; the suggestion is in the alphabet it was written in. */
static char *
check_choice (Check *c, const char *text)
{
  const char *const *choices = c->spec->choices;
  const char *value = form_term_value (text, choices);
  if (value)
    return g_strdup (value);
  g_autofree char *all = g_strjoinv (", ", (char **) choices);
  problem_suggest (c, PROBLEM_NOT_CHOICE, text, all, form_term_suggest (text, choices));
  return NULL;
}

/* Whether part is a reference's PREFIX: 1 to 16 capital letters. */
static gboolean
valid_prefix (const char *part)
{
  gsize n = strlen (part);
  if (n == 0 || n > 16)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isupper (part[i]))
      return FALSE;
  return TRUE;
}

/* text as a reference, upper case, or NULL when it is not one. */
static char *
reference_normalize (const char *text)
{
  g_autofree char *upper = g_ascii_strup (text, -1);
  g_auto(GStrv) parts = g_strsplit (g_strstrip (upper), "-", -1);
  if (g_strv_length (parts) != 4 || !valid_prefix (parts[0])
      || !g_strv_contains (reference_kinds, parts[1])
      || !all_digits (parts[2], 4)
      || strlen (parts[3]) > 9 || !all_digits (parts[3], strlen (parts[3]))
      || parts[3][0] == '\0')
    return NULL;
  return g_strjoinv ("-", parts);
}

/* The KIND of a reference: see form.h. */
char *
form_reference_kind (const char *reference)
{
  g_autofree char *normal = reference ? reference_normalize (reference) : NULL;
  if (normal == NULL)
    return NULL;
  g_auto(GStrv) parts = g_strsplit (normal, "-", 3);
  return g_strdup (parts[1]);
}

/* The longest reference in brackets: PREFIX, KIND, YEAR and SEQ at their
 * longest, and the dashes. */
#define BRACKETED_MAX (16 + 1 + 3 + 1 + 4 + 1 + 9)

/* The reference of prefix (and kind, NULL: any) in brackets at open ('['),
 * normalized, or NULL; *close is its ']'. */
static char *
bracketed_reference (const char *prefix, const char *open, const char *kind,
                     const char **close)
{
  *close = strchr (open + 1, ']');
  if (*close == NULL || *close - open - 1 > BRACKETED_MAX)
    return NULL;
  g_autofree char *inner = g_strndup (open + 1, (gsize) (*close - open - 1));
  g_autofree char *normal = reference_normalize (inner);
  gsize n = strlen (prefix);
  if (normal == NULL || g_ascii_strncasecmp (normal, prefix, n) != 0 || normal[n] != '-')
    return NULL;
  if (kind != NULL && (g_ascii_strncasecmp (normal + n + 1, kind, strlen (kind)) != 0
                       || normal[n + 1 + strlen (kind)] != '-'))
    return NULL;
  return g_steal_pointer (&normal);
}

/* See form.h. */
char *
form_subject_reference (const char *prefix, const char *subject, const char *kind)
{
  if (prefix == NULL || subject == NULL)
    return NULL;
  const char *close;
  for (const char *p = strchr (subject, '['); p != NULL; p = strchr (p + 1, '['))
    {
      char *ref = bracketed_reference (prefix, p, kind, &close);
      if (ref != NULL)
        return ref;
    }
  return NULL;
}

/* See form.h. */
char *
form_subject_without_references (const char *prefix, const char *subject)
{
  GString *out = g_string_new (NULL);
  const char *p = subject != NULL ? subject : "", *close;
  for (const char *open = strchr (p, '['); prefix != NULL && open != NULL;
       open = strchr (open + 1, '['))
    {
      g_autofree char *ref = bracketed_reference (prefix, open, NULL, &close);
      if (ref == NULL)
        continue;
      g_string_append_len (out, p, open - p);
      while (out->len > 0 && out->str[out->len - 1] == ' ')
        g_string_truncate (out, out->len - 1);
      p = close + 1;
      open = close;
    }
  g_string_append (out, p);
  return g_strstrip (g_string_free (out, FALSE));
}

/* A reference: PREFIX-KIND-YEAR-SEQ. */
static char *
check_reference (Check *c, const char *text)
{
  char *ref = reference_normalize (text);
  if (ref == NULL)
    problem (c, PROBLEM_NOT_REFERENCE, text);
  return ref;
}

/* Action: only "withdraw", in any official language. */
static char *
check_action (Check *c, const char *text)
{
  if (form_term_value (text, word_withdraw) != NULL)
    return g_strdup ("withdraw");
  problem (c, PROBLEM_NOT_ACTION, text);
  return NULL;
}

/* The canonical code of a State or organization, or NULL after a problem.
 * Without a lookup the name is kept as written. */
static char *
entity_resolve (Check *c, const char *text)
{
  if (c->lookup == NULL || c->lookup->entity == NULL)
    return g_strdup (text);
  g_autofree char *close = NULL;
  g_autofree char *nfkc = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  char *code = c->lookup->entity (c->lookup->data, nfkc ? nfkc : text, &close);
  if (code == NULL)
    problem_suggest (c, PROBLEM_UNKNOWN_ENTITY, text, NULL, close);
  return code;
}

/* Whether code (canonical) names a State. */
static gboolean
is_state (const FormLookup *lookup, const char *code)
{
  if (lookup && lookup->is_state)
    return lookup->is_state (lookup->data, code);
  return strlen (code) == 2 && g_ascii_isupper (code[0]) && g_ascii_isupper (code[1]);
}

/* One State or organization. */
static char *
check_entity (Check *c, const char *text)
{
  return entity_resolve (c, text);
}

/* One State. */
static char *
check_state (Check *c, const char *text)
{
  g_autofree char *code = entity_resolve (c, text);
  if (code && !is_state (c->lookup, code))
    {
      problem (c, PROBLEM_NOT_STATE, text);
      return NULL;
    }
  return g_steal_pointer (&code);
}

/* ---- list items ------------------------------------------------------------- */

/* An area code of docs/submissions.md section 3. */
static char *
check_area (Check *c, const char *text)
{
  const char *area = form_term_value (text, form_areas);
  if (area)
    return g_strdup (area);
  problem_suggest (c, PROBLEM_UNKNOWN_AREA, text, NULL, form_term_suggest (text, form_areas));
  return NULL;
}

/* An ISO 639-1 code, or a UN language by name in any of the six. */
static char *
check_language (Check *c, const char *text)
{
  g_autofree char *folded = form_fold (text);
  if (g_strv_contains (iso639_1, folded))
    return g_strdup (folded);
  const char *code = form_term_value (text, un_languages);
  if (code)
    return g_strdup (code);
  const char *close = form_suggest (folded, iso639_1);
  problem_suggest (c, PROBLEM_UNKNOWN_LANGUAGE, text, NULL,
                   close ? close : form_term_suggest (text, un_languages));
  return NULL;
}

/* A State, a group of States, or "all". */
static char *
check_beneficiary (Check *c, const char *text)
{
  if (form_term_value (text, word_all))
    return g_strdup ("all");
  if (c->lookup && c->lookup->group)
    {
      char *group = c->lookup->group (c->lookup->data, text);
      if (group)
        return group;
    }
  return check_state (c, text);
}

/* An entity, or "all-donors". */
static char *
check_recipient (Check *c, const char *text)
{
  if (form_term_value (text, word_all_donors))
    return g_strdup ("all-donors");
  return entity_resolve (c, text);
}

typedef char *(*Checker) (Check *c, const char *text);

/* Items of one list value, at most. */
#define LIST_ITEMS_MAX 1000
/* Bad items of one list reported before the rest of it is left unchecked. */
#define LIST_BAD_MAX 10

/* text with the full-width comma and semicolon, the ideographic comma and
 * the Arabic comma and semicolon (，；、،؛) written as ASCII ',' and ';'. */
static char *
list_separators (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c == 0xFF0C || c == 0x3001 || c == 0x060C)
        g_string_append_c (out, ',');
      else if (c == 0xFF1B || c == 0x061B)
        g_string_append_c (out, ';');
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* Splits text on commas and semicolons and checks each item; the result is
 * a JSON array of the distinct normalized items, or NULL after problems.
 * The work is bounded: a list of thousands of unknown names costs no more
 * than LIST_BAD_MAX look-ups with suggestions. */
static char *
check_list (Check *c, const char *text, Checker item)
{
  g_autofree char *ascii = list_separators (text);
  g_auto(GStrv) parts = g_strsplit_set (ascii, ",;", -1);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint bad = 0;
  for (guint i = 0; parts[i] && bad < LIST_BAD_MAX; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i] == '\0')
        continue;
      if (c->items->len >= LIST_ITEMS_MAX)
        {
          char number[PROBLEM_NUMBER_LEN];
          problem (c, PROBLEM_LIST_TOO_LONG, problem_number (number, LIST_ITEMS_MAX));
          bad++;
          break;
        }
      char *value = item (c, parts[i]);
      if (value == NULL)
        bad++;
      else if (g_hash_table_contains (seen, value))
        g_free (value);
      else
        {
          g_ptr_array_add (c->items, value);
          g_hash_table_add (seen, value);
        }
    }
  if (bad == 0 && c->items->len == 0)
    problem (c, PROBLEM_NO_VALUE, "");
  if (bad > 0 || c->items->len == 0)
    return NULL;
  return form_json_array ((const char *const *) c->items->pdata, c->items->len);
}

/* A list of email addresses. */
static char *
check_emails (Check *c, const char *text)
{
  return check_list (c, text, check_email);
}

/* A list of States and organizations. */
static char *
check_entities (Check *c, const char *text)
{
  return check_list (c, text, check_entity);
}

/* A list of States, groups, or "all". */
static char *
check_beneficiaries (Check *c, const char *text)
{
  return check_list (c, text, check_beneficiary);
}

/* A list of areas. */
static char *
check_areas (Check *c, const char *text)
{
  return check_list (c, text, check_area);
}

/* A list of languages. */
static char *
check_languages (Check *c, const char *text)
{
  return check_list (c, text, check_language);
}

/* A list of entities, or "all-donors". */
static char *
check_recipients (Check *c, const char *text)
{
  return check_list (c, text, check_recipient);
}

/* The checker of each FieldType. */
static const Checker checkers[] = {
  [FIELD_TEXT] = check_text,
  [FIELD_DATE] = check_date,
  [FIELD_YEAR] = check_year,
  [FIELD_EMAIL] = check_email,
  [FIELD_EMAILS] = check_emails,
  [FIELD_URL] = check_url,
  [FIELD_PHONE] = check_phone,
  [FIELD_ENTITY] = check_entity,
  [FIELD_ENTITIES] = check_entities,
  [FIELD_BENEFICIARIES] = check_beneficiaries,
  [FIELD_AREAS] = check_areas,
  [FIELD_LANGUAGES] = check_languages,
  [FIELD_CHOICE] = check_choice,
  [FIELD_REFERENCE] = check_reference,
  [FIELD_RECIPIENTS] = check_recipients,
  [FIELD_ACTION] = check_action,
  [FIELD_STATE] = check_state,
};

/* Checks one value: see form.h. */
char *
form_value_check (FormRecord *rec, const FormFieldSpec *spec, const char *text,
                  guint line, const FormLookup *lookup, GPtrArray **items)
{
  Check c = { rec, spec, line, lookup, g_ptr_array_new_with_free_func (g_free) };
  g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);
  g_strstrip (valid);
  char *value = NULL;
  if ((guint) spec->type < G_N_ELEMENTS (checkers) && checkers[spec->type])
    value = checkers[spec->type] (&c, valid);
  if (value && c.items->len == 0)
    g_ptr_array_add (c.items, g_strdup (value));
  if (items && value)
    *items = g_steal_pointer (&c.items);
  g_clear_pointer (&c.items, g_ptr_array_unref);
  return value;
}
