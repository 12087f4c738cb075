/* The record syntax of docs/submissions.md (sections 1-5): pure code, no I/O.
 *
 * Ownership: every function returning a pointer returns a new object owned by
 * the caller (free with the matching *_free, or g_autoptr); the const struct
 * form_kind tables are static and never freed. */
#pragma once

#include <glib.h>
#include "parsers/limits.h"
#include "parsers/problem.h"

typedef enum {
  FIELD_TEXT,          /* free text, may span lines */
  FIELD_DATE,          /* YYYY-MM-DD */
  FIELD_YEAR,          /* YYYY */
  FIELD_EMAIL,         /* one addr-spec */
  FIELD_EMAILS,        /* list of addr-specs */
  FIELD_URL,           /* http or https URL */
  FIELD_PHONE,         /* digits, spaces, + - ( ) . and "ext" */
  FIELD_ENTITY,        /* one state or organization, resolved by lookup */
  FIELD_ENTITIES,      /* list of states or organizations */
  FIELD_BENEFICIARIES, /* list of states, groups, or "all" */
  FIELD_AREAS,         /* list of area codes (docs/submissions.md section 3) */
  FIELD_LANGUAGES,     /* list of ISO 639-1 codes */
  FIELD_CHOICE,        /* one of spec->choices */
  FIELD_REFERENCE,     /* PREFIX-KIND-YEAR-SEQ */
  FIELD_RECIPIENTS,    /* list of entities, or "all-donors" */
  FIELD_ACTION,        /* "withdraw" */
  FIELD_STATE,         /* one State (an entity that is a State) */
} FieldType;

typedef struct {
  const char *name;            /* canonical English key: "Start", "Email" */
  const char *column;          /* column in the register's table */
  FieldType type;
  gboolean required;
  const char *const *choices;  /* FIELD_CHOICE: NULL-terminated */
  const char *default_value;   /* stored when the field is absent, or NULL */
} FormFieldSpec;

typedef struct _FormRecord FormRecord;
typedef struct _FormLookup FormLookup;

struct form_kind {
  const char *name;            /* "assistance-offer" */
  const char *register_name;   /* "offers": table and `list` name */
  const char *ref_kind;        /* "OFF"; NULL when the form makes no record of its own */
  const char *owner_field;     /* field naming who the record speaks for: "Provider" */
  const FormFieldSpec *fields;
  guint n_fields;
  /* Cross-field checks after each field was checked (End not before Start);
   * adds problems to rec.  May be NULL. */
  void (*validate) (FormRecord *rec);
};

extern const struct form_kind form_contact_point;
extern const struct form_kind form_assistance_offer;
extern const struct form_kind form_assistance_request;
extern const struct form_kind form_assistance_result;
extern const struct form_kind form_information_source;
extern const struct form_kind form_standard;
extern const struct form_kind form_inventory;
extern const struct form_kind form_visit_information;
extern const struct form_kind form_visit_consent;

/* Rows of a staff import into the entities and groups registers: kinds of
 * their own so that CSV rows get the checks and problems of forms, but no
 * form of email (they are not in form_kinds). */
extern const struct form_kind form_entity;
extern const struct form_kind form_group;

/* All kinds, NULL-terminated, in the order of docs/submissions.md
 * section 5. */
extern const struct form_kind *const form_kinds[];

const struct form_kind *form_kind_find (const char *name);
const FormFieldSpec *form_kind_field (const struct form_kind *kind, const char *canonical);

/* Where the gateway looks names up: entities and groups live in the
 * database, so the parser asks through this table.  Each returns a new
 * string (the canonical code: "KZ", "UNODC", group name) or NULL when the
 * name is unknown; *suggestion may then be set to the closest known name. */
struct _FormLookup {
  gpointer data;
  char *(*entity) (gpointer data, const char *text, char **suggestion);
  char *(*group) (gpointer data, const char *text);
  /* Whether a canonical code names a State (not an organization).  May be
   * NULL: then a State is a code of two capital letters. */
  gboolean (*is_state) (gpointer data, const char *code);
};

typedef struct {
  char *key;      /* canonical key, or the raw key when unknown */
  char *value;    /* as written, continuation lines joined with '\n' */
  guint line;
} FormValue;

struct _FormRecord {
  const struct form_kind *kind;  /* NULL when Form: named no known kind */
  char *kind_name;               /* as written */
  char *source;                  /* NULL for the body, else file name */
  guint line;                    /* line of "Form:" or CSV row */
  gboolean csv;
  GPtrArray *values;             /* FormValue*, in order */
  /* After form_check(): column -> normalized value.  Lists are JSON arrays
   * of strings (["KZ","KG"]), other values plain UTF-8 strings. */
  GHashTable *columns;
  char *reference;               /* normalized Reference:, or NULL */
  gboolean withdraw;             /* Action: withdraw */
  char *owner;                   /* canonical entity the record speaks for, or NULL */
  GPtrArray *owners;             /* all of them (joint offers), canonical codes */
  GPtrArray *problems;           /* FormProblem* */
  gboolean forwarded;            /* read from a forwarded message (docs/submissions.md
                                  * section 1) */
};

/* The six official languages, NULL-terminated: "ar", "en", "es", "fr",
 * "ru", "zh". */
extern const char *const form_languages[];
#define FORM_LANGUAGES 6

typedef struct {
  GPtrArray *records;    /* FormRecord* */
  GPtrArray *problems;   /* FormProblem* about the message as a whole */
  /* How many keys read were words of each of form_languages. */
  guint key_languages[FORM_LANGUAGES];
} FormParse;

FormParse *form_parse_new (void);
void form_parse_free (FormParse *parse);
void form_record_free (FormRecord *rec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FormParse, form_parse_free)

/* Reads the records of one text (a body or a .txt attachment) into parse.
 * Quoted lines, signatures, reply headers and text before the first Form:
 * are skipped.  source is NULL for the body. */
void form_parse_text (FormParse *parse, const char *text, const char *source,
                      const CtcLimits *limits);

/* A text to read records from, with what is known of it besides its lines. */
typedef struct {
  const char *text;
  const char *source;        /* NULL for the body, else the file name */
  const GArray *soft_lines;  /* guint, ascending: lines that continue the line
                              * before them (an HTML <br> inside a paragraph),
                              * or NULL */
  gboolean forwarded;        /* the whole text is a forwarded message (an
                              * attached message/rfc822) */
  gboolean forward_subject;  /* the message's subject says it is a forward
                              * (form_subject_is_forward) */
} FormText;

/* form_parse_text for a FormText.  Records after a forward's separator
 * ("---------- Forwarded message ---------", "Begin forwarded message:",
 * or with forward_subject the first "Original Message" or Outlook
 * "From: / Sent:" block) are read and marked forwarded; a signature ends
 * the reading unless such a separator follows it.  A soft line that is no
 * "Key: value" of a known key continues the value before it. */
void form_parse_text_from (FormParse *parse, const FormText *text, const CtcLimits *limits);

/* Whether a subject says its message is a forward ("Fwd:", "FW:", "TR:",
 * "RV:", "Пересл:", "转发:" ...). */
gboolean form_subject_is_forward (const char *subject);

/* Reads a CSV attachment (RFC 4180, optional BOM) into parse; the kind comes
 * from a Form column, else from the file name.  Rows are numbered as a
 * spreadsheet shows them: the header is row 1, the first record row 2. */
void form_parse_csv (FormParse *parse, const char *data, gsize len,
                     const char *filename, const CtcLimits *limits);

/* form_parse_csv for a file whose every row is of kind, whatever its name
 * (a staff import). */
void form_parse_csv_as (FormParse *parse, const char *data, gsize len,
                        const char *filename, const struct form_kind *kind,
                        const CtcLimits *limits);

/* Checks every record of parse against its kind: required fields, values,
 * repeated keys, unknown keys (with the closest valid one), and normalizes
 * the values into rec->columns.  Problems go to rec->problems. */
void form_check (FormParse *parse, const FormLookup *lookup, const CtcLimits *limits);

/* Adds a problem to rec (field may be NULL): its code, then its arguments
 * (strings, NULL-terminated; see problem.h). */
void form_record_problem (FormRecord *rec, guint line, const char *field,
                          ProblemCode code, ...) G_GNUC_NULL_TERMINATED;

/* form_record_problem with a "did you mean" (suggestion may be NULL). */
void form_record_problem_suggest (FormRecord *rec, guint line, const char *field,
                                  const char *suggestion, ProblemCode code, ...)
    G_GNUC_NULL_TERMINATED;

/* "line 7: unknown field \"Emial\"; did you mean \"Email\"?",
 * "offers.csv row 3: ...", "notes.txt line 4: ..." */
char *form_problem_format (const FormProblem *p);

/* The canonical key for a key as written (any case, space - _ alike, any of
 * the six UN languages), or NULL when unknown. */
const char *form_key_canonical (const char *raw);

/* The languages (of form_languages) raw is a word of, space-separated:
 * "ru", "en fr"; NULL when raw is no key. */
const char *form_key_languages (const char *raw);

/* Counts the key raw, as written, in parse->key_languages. */
void form_parse_count_key (FormParse *parse, const char *raw);

/* The language of form_languages most keys of parse were written in; at a
 * tie prefer (may be NULL) when it is among the first, else the first in
 * form_languages.  NULL when no key was read. */
const char *form_parse_language (const FormParse *parse, const char *prefer);

/* The closest of candidates (NULL-terminated) to word, or NULL when none is
 * close enough to suggest. */
const char *form_suggest (const char *word, const char *const *candidates);

/* The one of values (English words, NULL-terminated) that text means,
 * written in English or in any other official UN language (terms.c:
 * "Prioridad: alta", "优先级：中"), compared folded; NULL when none. */
const char *form_term_value (const char *text, const char *const *values);

/* How an answer in lang (of form_languages) names value (an English word
 * of terms.c): the first way of writing it in lang, one form_term_value
 * reads back as value; value itself in English, or when lang has none.
 * Static. */
const char *form_term_name (const char *value, const char *lang);

/* The closest way of writing one of values to text, in text's own alphabet
 * ("высокий" for "высокй", "alta" for "alto"), or NULL when none is close. */
const char *form_term_suggest (const char *text, const char *const *values);

/* The writing system of the first letter of text, or G_UNICODE_SCRIPT_COMMON
 * when it has none (parsers/terms.c). */
GUnicodeScript form_script_of (const char *text);

/* The area codes of docs/submissions.md section 3, NULL-terminated. */
extern const char *const form_areas[];

/* A JSON array of strings from items (NULL-terminated or n items). */
char *form_json_array (const char *const *items, gssize n);

/* ---- helpers shared by the parser's files and the form kinds ---------- */

/* Most problems kept for one record, and for the message as a whole. */
#define FORM_PROBLEMS_MAX 100u

/* Adds a problem about the message (or one attachment) to parse; a message
 * already there is not added twice.  source NULL for the body. */
void form_parse_problem (FormParse *parse, const char *source, guint line,
                         gboolean csv, ProblemCode code, ...) G_GNUC_NULL_TERMINATED;

/* A new empty record of kind_name (as written) read from source at line. */
FormRecord *form_record_new (const char *kind_name, const char *source,
                             guint line, gboolean csv);

/* The line of the first value of key canonical in rec, else rec->line. */
guint form_record_line (const FormRecord *rec, const char *canonical);

/* text folded for comparison: case folded, accents dropped, and runs of
 * space, '-' and '_' made one '-' (trimmed at both ends).  New string. */
char *form_fold (const char *text);

/* Checks text (the value of spec, from line) and returns its normalized form
 * (lists as JSON arrays); NULL after adding a problem to rec.  When items is
 * not NULL it receives the normalized items of a list, or the one value.
 * lookup may be NULL: entities and groups are then kept as written. */
char *form_value_check (FormRecord *rec, const FormFieldSpec *spec,
                        const char *text, guint line, const FormLookup *lookup,
                        GPtrArray **items);

/* The KIND of a normalized reference ("OFF" of "CTC-OFF-2026-0042"), new
 * string, or NULL when reference is not one. */
char *form_reference_kind (const char *reference);

/* The first of the gateway's references in subject: "[PREFIX-KIND-YEAR-SEQ]"
 * in brackets, PREFIX being prefix and KIND kind (NULL: any), in any case.
 * Returned upper-cased without its brackets (a new string), or NULL. */
char *form_subject_reference (const char *prefix, const char *subject, const char *kind);

/* subject without the gateway's bracketed references (those
 * form_subject_reference finds) and the spaces before them, trimmed; a new
 * string.  An answer adds one reference back (docs/submissions.md
 * section 7). */
char *form_subject_without_references (const char *prefix, const char *subject);

/* text in double quotes for a problem message: control characters replaced,
 * cut after a few dozen characters.  New string. */
char *form_quote (const char *text);
