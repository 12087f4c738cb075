/* See problem.h.  The wordings are those of docs/submissions.md section 7. */
#include <stdarg.h>
#include <string.h>

#include "parsers/problem.h"

/* The English wording of each code. */
static const char *const english[PROBLEM_COUNT] = {
  [PROBLEM_OTHER] = "{1}",
  [PROBLEM_MORE_PROBLEMS] = "more problems were found and are not listed",
  [PROBLEM_RECORDS_MAX] = "more than {1} records in one message; the rest were not read",
  [PROBLEM_EXPECTED_KEY] = "expected \"Key: value\"",
  [PROBLEM_VALUE_TOO_LONG] = "field \"{field}\" is longer than {1} characters",
  [PROBLEM_FIELDS_MAX] = "more than {1} fields in one record",
  [PROBLEM_LINE_TOO_LONG] = "line longer than {1} bytes",
  [PROBLEM_FIELD_NOT_IN_FORM] = "field \"{1}\" is not part of form \"{2}\"",
  [PROBLEM_UNKNOWN_FIELD] = "unknown field \"{1}\"",
  [PROBLEM_REPEATED_AT_LINE] = "field \"{field}\" is given more than once (first at line {1})",
  [PROBLEM_REPEATED_AT_ROW] = "field \"{field}\" is given more than once (first at row {1})",
  [PROBLEM_NO_FORM] = "no form named; the forms are {1}",
  [PROBLEM_UNKNOWN_FORM] = "unknown form \"{1}\"",
  [PROBLEM_UNKNOWN_FORM_LIST] = "unknown form \"{1}\"; the forms are {2}",
  [PROBLEM_REFERENCE_WRONG_KIND] = "reference \"{1}\" is not that of a record of form \"{2}\""
                                   " (PREFIX-{3}-YEAR-NUMBER)",
  [PROBLEM_WITHDRAW_NEEDS_REFERENCE] = "\"Action: withdraw\" needs the Reference of"
                                       " the record to withdraw",
  [PROBLEM_REQUIRED] = "field \"{field}\" is required",
  [PROBLEM_CSV_COLUMNS_MAX] = "more than {1} columns",
  [PROBLEM_CSV_NO_FORM_COLUMN] = "no Form column, and the file name names no form",
  [PROBLEM_CSV_UNNAMED_COLUMN] = "column {1} has no name in the header",
  [PROBLEM_CSV_CELLS] = "{1} cells where the header has {2}",
  [PROBLEM_CSV_INVALID] = "not valid CSV ({1}); the rest of the file was not read",
  [PROBLEM_CSV_NO_HEADER] = "no header row",
  [PROBLEM_NOT_DATE] = "field \"{field}\": \"{1}\" is not a date like 2026-03-02",
  [PROBLEM_NOT_YEAR] = "field \"{field}\": \"{1}\" is not a year like 2026",
  [PROBLEM_NOT_EMAIL] = "field \"{field}\": \"{1}\" is not an email address",
  [PROBLEM_NOT_URL] = "field \"{field}\": \"{1}\" is not an http or https address",
  [PROBLEM_NOT_PHONE] = "field \"{field}\": \"{1}\" is not a telephone number",
  [PROBLEM_NOT_CHOICE] = "field \"{field}\": \"{1}\" is not one of {2}",
  [PROBLEM_NOT_REFERENCE] = "field \"{field}\": \"{1}\" is not a reference"
                            " like CTC-OFF-2026-0042",
  [PROBLEM_NOT_ACTION] = "field \"{field}\": \"{1}\" is not an action;"
                         " the only one is \"withdraw\"",
  [PROBLEM_UNKNOWN_ENTITY] = "field \"{field}\": unknown State or organization \"{1}\"",
  [PROBLEM_NOT_STATE] = "field \"{field}\": \"{1}\" is not a State",
  [PROBLEM_UNKNOWN_AREA] = "field \"{field}\": unknown area \"{1}\"",
  [PROBLEM_UNKNOWN_LANGUAGE] = "field \"{field}\": unknown language code (ISO 639-1) \"{1}\"",
  [PROBLEM_LIST_TOO_LONG] = "field \"{field}\": more than {1} items",
  [PROBLEM_NO_VALUE] = "field \"{field}\": no value given",
  [PROBLEM_NEITHER_REQUEST_NOR_OFFER] = "field \"{field}\": \"{1}\" is neither a request"
                                        " (REQ) nor an offer (OFF)",
  [PROBLEM_END_BEFORE_START] = "field \"{field}\": {1} is before the start, {2}",
  [PROBLEM_NOT_ENTITY_CODE] = "field \"{field}\": \"{1}\" is not a code: 2 to {2} letters,"
                              " digits and '-', like UNODC or CIS-ATC",
  [PROBLEM_NOT_STATE_CODE] = "field \"{field}\": \"{1}\" is not a State's code:"
                             " two letters (ISO 3166-1 alpha-2)",
  [PROBLEM_REPLACES_OWN_ADDRESS] = "field \"{field}\" names the contact point's own address",
  [PROBLEM_NOT_VISIT] = "field \"{field}\": \"{1}\" is not a visit (VIS) reference",
  [PROBLEM_MESSAGE_TOO_LARGE] = "the message is {1} bytes, over the limit of {2} bytes:"
                                 " nothing in it was read; send the records in smaller"
                                 " messages",
  [PROBLEM_HEADERS_TOO_LARGE] = "the message could not be read (its headers are over the"
                                " limit of {1} bytes): nothing in it was read; send the"
                                " records as plain text",
  [PROBLEM_MIME_TOO_DEEP] = "the message could not be read (MIME structure over the limits:"
                            " {1} levels, {2} parts): nothing in it was read; send the"
                            " records as plain text",
  [PROBLEM_NOT_FILED] = "not filed: {1}",
  [PROBLEM_NOT_REQUEST_OR_OFFER_REFERENCE] = "field \"{field}\": {1} is not a reference of a"
                                             " request or an offer",
  [PROBLEM_NOT_VISIT_REFERENCE] = "field \"{field}\": {1} is not a reference of a visit",
  [PROBLEM_NOT_IN_REGISTER] = "field \"{field}\": {1} is not in the {2} register",
  [PROBLEM_NEEDS_VALUE] = "field \"{field}\": a new record needs a value",
  [PROBLEM_WITHDRAWN] = "field \"{field}\": {1} has been withdrawn",
  [PROBLEM_SEND_WITH_FORM] = "field \"{field}\": {1} is a reference of the {2} register:"
                             " send it with Form: {3}",
  [PROBLEM_OTHER_REGISTER] = "field \"{field}\": {1} is a reference of the {2} register,"
                             " not of {3}",
  [PROBLEM_NOT_OF_REGISTER] = "field \"{field}\": {1} is not a reference of the {2} register",
  [PROBLEM_NOT_CONTACT_POINT_OF] = "{1} is not a contact point of {2}",
  [PROBLEM_SPEAKS_FOR_NO_ENTITY] = "the record names no entity that {1} speaks for",
  [PROBLEM_NOT_REVIEWED] = "not filed: when the secretariat reviewed the message, this record"
                           " could not be filed; send it again",
};

/* The arguments of each code that are not text: see problem_arg. */
#define V PROBLEM_ARG_VALUES
#define R PROBLEM_ARG_REGISTER
static const ProblemArg args[PROBLEM_COUNT][PROBLEM_ARGS_MAX] = {
  [PROBLEM_FIELD_NOT_IN_FORM] = { 0, V },
  [PROBLEM_NO_FORM] = { V },
  [PROBLEM_UNKNOWN_FORM_LIST] = { 0, V },
  [PROBLEM_REFERENCE_WRONG_KIND] = { 0, V },
  [PROBLEM_NOT_CHOICE] = { 0, V },
  [PROBLEM_NOT_IN_REGISTER] = { 0, R },
  [PROBLEM_SEND_WITH_FORM] = { 0, R, V },
  [PROBLEM_OTHER_REGISTER] = { 0, R, R },
  [PROBLEM_NOT_OF_REGISTER] = { 0, R },
};
#undef V
#undef R

ProblemArg
problem_arg (ProblemCode code, guint n)
{
  g_assert ((guint) code < PROBLEM_COUNT && n < PROBLEM_ARGS_MAX);
  return args[code][n];
}

const char problem_english_suggestion[] = "; did you mean \"{s}\"?";

const char *
problem_english (ProblemCode code)
{
  g_assert ((guint) code < PROBLEM_COUNT && english[code] != NULL);
  return english[code];
}

/* text with control characters replaced, so a reply line stays one line. */
static char *
printable (const char *text)
{
  char *out = g_utf8_make_valid (text ? text : "", -1);
  for (char *p = out; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  return out;
}

char *
problem_clip (const char *text)
{
  char *clean = printable (text);
  if (g_utf8_strlen (clean, -1) <= 60)
    return clean;
  *g_utf8_offset_to_pointer (clean, 57) = '\0';
  char *cut = g_strconcat (clean, "...", NULL);
  g_free (clean);
  return cut;
}

/* What {name} of a pattern stands for in p, or NULL when name is none. */
static const char *
placeholder (const FormProblem *p, const char *name, gsize len, const char *field_name)
{
  if (len == 5 && strncmp (name, "field", 5) == 0)
    return field_name ? field_name : "";
  if (len == 1 && name[0] == 's')
    return p->suggestion ? p->suggestion : "";
  if (len == 1 && name[0] >= '1' && name[0] < '1' + PROBLEM_ARGS_MAX)
    return p->args[name[0] - '1'] ? p->args[name[0] - '1'] : "";
  return NULL;
}

char *
problem_render (const char *pattern, const FormProblem *p, const char *field_name)
{
  GString *out = g_string_new (NULL);
  for (const char *s = pattern; *s;)
    {
      const char *close = *s == '{' ? strchr (s, '}') : NULL;
      const char *value = close ? placeholder (p, s + 1, close - s - 1, field_name) : NULL;
      if (value == NULL)
        {
          g_string_append_c (out, *s++);
          continue;
        }
      g_autofree char *clean = printable (value);
      g_string_append (out, clean);
      s = close + 1;
    }
  return g_string_free (out, FALSE);
}

FormProblem *
problem_new (const char *source, guint line, gboolean csv, const char *field,
             ProblemCode code, const char *suggestion, va_list args)
{
  FormProblem *p = g_new0 (FormProblem, 1);
  p->source = g_strdup (source);
  p->line = line;
  p->csv = csv;
  p->field = g_strdup (field);
  p->code = code;
  p->suggestion = g_strdup (suggestion);
  for (guint i = 0; i < PROBLEM_ARGS_MAX; i++)
    {
      const char *arg = va_arg (args, const char *);
      if (arg == NULL)
        break;
      p->args[i] = g_strdup (arg);
    }
  g_autofree char *message = problem_render (problem_english (code), p, field);
  if (suggestion == NULL)
    p->message = g_steal_pointer (&message);
  else
    {
      g_autofree char *suffix = problem_render (problem_english_suggestion, p, NULL);
      p->message = g_strconcat (message, suffix, NULL);
    }
  return p;
}

FormProblem *
problem_new_args (const char *source, guint line, gboolean csv, const char *field,
                  ProblemCode code, const char *suggestion, ...)
{
  va_list ap;
  va_start (ap, suggestion);
  FormProblem *p = problem_new (source, line, csv, field, code, suggestion, ap);
  va_end (ap);
  return p;
}

void
form_problem_free (FormProblem *p)
{
  if (p == NULL)
    return;
  g_free (p->source);
  g_free (p->field);
  for (guint i = 0; i < PROBLEM_ARGS_MAX; i++)
    g_free (p->args[i]);
  g_free (p->suggestion);
  g_free (p->message);
  g_free (p);
}

const char *
problem_number (char *buf, guint n)
{
  g_snprintf (buf, PROBLEM_NUMBER_LEN, "%u", n);
  return buf;
}
