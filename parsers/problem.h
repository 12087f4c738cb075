/* The problems a submission can have, each a code with its arguments, so
 * that an answer can say them in its own language; the English wording of
 * each is kept here for the log and the command line.
 *
 * Ownership: every string returned is new and owned by the caller. */
#pragma once

#include <stdarg.h>

#include <glib.h>

/* What is wrong.  {field} in a wording is the field's name, {1}, {2}, {3}
 * the problem's arguments in order.  A new code needs its English wording
 * in problem.c and one in each language of the answers
 * (gateway/flows/lines.c); tests/test-lines fails while one is missing. */
typedef enum {
  PROBLEM_OTHER,               /* {1}: a wording of its own, not translated */
  PROBLEM_MORE_PROBLEMS,
  PROBLEM_RECORDS_MAX,         /* {1} records */
  PROBLEM_EXPECTED_KEY,
  PROBLEM_VALUE_TOO_LONG,      /* {1} characters */
  PROBLEM_FIELDS_MAX,          /* {1} fields */
  PROBLEM_LINE_TOO_LONG,       /* {1} bytes */
  PROBLEM_FIELD_NOT_IN_FORM,   /* {1} the key as written, {2} form */
  PROBLEM_UNKNOWN_FIELD,       /* {1} the key as written */
  PROBLEM_REPEATED_AT_LINE,    /* {1} line of the first */
  PROBLEM_REPEATED_AT_ROW,     /* {1} row of the first */
  PROBLEM_NO_FORM,             /* {1} the forms */
  PROBLEM_UNKNOWN_FORM,        /* {1} as written */
  PROBLEM_UNKNOWN_FORM_LIST,   /* {1} as written, {2} the forms */
  PROBLEM_REFERENCE_WRONG_KIND,/* {1} reference, {2} form, {3} KIND */
  PROBLEM_WITHDRAW_NEEDS_REFERENCE,
  PROBLEM_REQUIRED,
  PROBLEM_CSV_COLUMNS_MAX,     /* {1} columns */
  PROBLEM_CSV_NO_FORM_COLUMN,
  PROBLEM_CSV_UNNAMED_COLUMN,  /* {1} column number */
  PROBLEM_CSV_CELLS,           /* {1} cells, {2} in the header */
  PROBLEM_CSV_INVALID,         /* {1} the CSV reader's reason */
  PROBLEM_CSV_NO_HEADER,
  PROBLEM_NOT_DATE,            /* {1} value */
  PROBLEM_NOT_YEAR,
  PROBLEM_NOT_EMAIL,
  PROBLEM_NOT_URL,
  PROBLEM_NOT_PHONE,
  PROBLEM_NOT_CHOICE,          /* {1} value, {2} the choices */
  PROBLEM_NOT_REFERENCE,
  PROBLEM_NOT_ACTION,
  PROBLEM_UNKNOWN_ENTITY,
  PROBLEM_NOT_STATE,
  PROBLEM_UNKNOWN_AREA,
  PROBLEM_UNKNOWN_LANGUAGE,
  PROBLEM_LIST_TOO_LONG,       /* {1} items */
  PROBLEM_NO_VALUE,
  PROBLEM_NEITHER_REQUEST_NOR_OFFER, /* {1} reference */
  PROBLEM_END_BEFORE_START,    /* {1} end, {2} start */
  PROBLEM_NOT_ENTITY_CODE,     /* {1} value, {2} most letters */
  PROBLEM_NOT_STATE_CODE,      /* {1} value */
  PROBLEM_REPLACES_OWN_ADDRESS,
  PROBLEM_NOT_VISIT,           /* {1} reference */
  /* Why nothing in a message was read (gateway/flows/intake.c). */
  PROBLEM_MESSAGE_TOO_LARGE,   /* {1} bytes, {2} the limit */
  PROBLEM_HEADERS_TOO_LARGE,   /* {1} the limit in bytes */
  PROBLEM_MIME_TOO_DEEP,       /* {1} levels, {2} parts: the limits */
  /* What the registers refuse (gateway/store/registers.c). */
  PROBLEM_NOT_FILED,           /* {1} the database's reason */
  PROBLEM_NOT_REQUEST_OR_OFFER_REFERENCE, /* {1} reference */
  PROBLEM_NOT_VISIT_REFERENCE, /* {1} reference */
  PROBLEM_NOT_IN_REGISTER,     /* {1} reference, {2} register */
  PROBLEM_NEEDS_VALUE,
  PROBLEM_WITHDRAWN,           /* {1} reference */
  PROBLEM_SEND_WITH_FORM,      /* {1} reference, {2} its register, {3} its form */
  PROBLEM_OTHER_REGISTER,      /* {1} reference, {2} its register, {3} the form's */
  PROBLEM_NOT_OF_REGISTER,     /* {1} reference, {2} the form's register */
  /* Who may file it (gateway/flows/authorize.c), and staff's review of a
   * quarantined submission (gateway/flows/review.c). */
  PROBLEM_NOT_CONTACT_POINT_OF, /* {1} the sender, {2} the entity */
  PROBLEM_SPEAKS_FOR_NO_ENTITY, /* {1} the sender */
  PROBLEM_NOT_REVIEWED,
  PROBLEM_COUNT
} ProblemCode;

/* Most arguments of one problem. */
#define PROBLEM_ARGS_MAX 3

/* One problem with a submission, as the reply shows it. */
typedef struct {
  char *source;   /* NULL for the body, else the attachment's file name */
  guint line;     /* line in the source (text), or row (CSV); 0: the message */
  gboolean csv;   /* line is a CSV row */
  char *field;    /* canonical or raw key, or NULL */
  ProblemCode code;
  char *args[PROBLEM_ARGS_MAX];  /* as the wording's {1}..{3}; NULL past the last */
  char *suggestion;              /* "did you mean", or NULL; a key for
                                    PROBLEM_UNKNOWN_FIELD */
  char *message;  /* the English wording, with "did you mean" */
  const char *form;  /* the canonical name of the record's form (static), or NULL */
} FormProblem;

/* A new problem with args (a NULL-terminated list of strings, at most
 * PROBLEM_ARGS_MAX of them, kept whole: values as written go through
 * problem_clip first); message is its English wording. */
FormProblem *problem_new (const char *source, guint line, gboolean csv,
                          const char *field, ProblemCode code,
                          const char *suggestion, va_list args);

/* problem_new with its arguments listed. */
FormProblem *problem_new_args (const char *source, guint line, gboolean csv,
                               const char *field, ProblemCode code,
                               const char *suggestion, ...) G_GNUC_NULL_TERMINATED;
void form_problem_free (FormProblem *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FormProblem, form_problem_free)

/* pattern with {field} replaced by field_name, {1}..{3} by p's arguments
 * and {s} by its suggestion; a missing one reads as an empty string. */
char *problem_render (const char *pattern, const FormProblem *p, const char *field_name);

/* What an argument of a problem is, for an answer that names it in its own
 * language. */
typedef enum {
  PROBLEM_ARG_TEXT,      /* shown as it is: a value as written, a number */
  PROBLEM_ARG_VALUES,    /* English words of values (parsers/terms.c: form
                            names, the choices of a field), one or several
                            joined with ", " */
  PROBLEM_ARG_REGISTER,  /* a register's name: "offers" */
} ProblemArg;

/* What argument {n+1} of code is. */
ProblemArg problem_arg (ProblemCode code, guint n);

/* The English wording of code, and of a suggestion ("; did you mean
 * \"{s}\"?"). */
const char *problem_english (ProblemCode code);
extern const char problem_english_suggestion[];

/* text for a problem's argument: control characters replaced, cut after a
 * few dozen characters ("..." then). */
char *problem_clip (const char *text);

/* Room for a number written by problem_number. */
#define PROBLEM_NUMBER_LEN 16

/* n in decimal in buf (PROBLEM_NUMBER_LEN bytes), for an argument; returns buf. */
const char *problem_number (char *buf, guint n);
