/* Templates (templates/NAME.LANG.txt, compiled into the program as
 * resources): a small Mustache-like renderer.
 *
 *   {{name}}            the value of name (HTML-escaped in .html templates)
 *   {{#list}}...{{/list}}  the block once per item of a list, or once when
 *                       name is a true value
 *   {{^name}}...{{/name}}  the block when name is absent, false or empty
 *
 * Names are letters, digits, '_' and '-'; inside a list item a name not in
 * the item is looked up in the enclosing objects; an unknown name renders
 * empty.  A section tag alone on its line takes the whole line with it.
 * The first line of a message template is "Subject: ..." and the rest its
 * body.  Values are never re-read as template text. */
#pragma once

#include <glib.h>

typedef enum {
  TPL_ERROR_SYNTAX,     /* unbalanced or malformed tag: the message names it and its line */
  TPL_ERROR_NOT_FOUND,  /* no such template, in the language asked or in English */
  TPL_ERROR_NAME,       /* a tag names nothing the message gives: the message names its line */
} TplError;
#define TPL_ERROR tpl_error_quark ()
GQuark tpl_error_quark (void);

/* A node of template data: a string, a list of objects, or an object. */
typedef struct _TplData TplData;

TplData *tpl_data_new (void);                       /* an empty object */
void tpl_data_free (TplData *data);
/* Sets key of obj to a copy of value (NULL: removes key). */
void tpl_set (TplData *obj, const char *key, const char *value);
void tpl_set_printf (TplData *obj, const char *key, const char *fmt, ...) G_GNUC_PRINTF (3, 4);
void tpl_set_bool (TplData *obj, const char *key, gboolean value);
/* Appends a new object to the list key of obj and returns it (owned by obj). */
TplData *tpl_add (TplData *obj, const char *key);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TplData, tpl_data_free)

/* Renders the source text with data.  html: escape values for HTML. */
char *tpl_render_string (const char *source, const TplData *data, gboolean html,
                         GError **error);

/* The template NAME.LANG.EXT ("ack", "fr", "txt"), falling back to English
 * when there is none in lang; NULL with error when neither exists. */
char *tpl_load (const char *name, const char *lang, const char *ext, GError **error);

/* The language of the template tpl_load() finds for NAME, lang and EXT:
 * the code of lang ("fr-CA" -> "fr") when NAME has a template in it, else
 * "en".  Static string or interned: not to be freed. */
const char *tpl_language (const char *name, const char *lang, const char *ext);

/* Loads and renders NAME.LANG.txt; splits its "Subject:" first line into
 * *subject (single line: CR and LF in values become spaces) and returns the
 * body, wrapped at TEXT_WRAP_COLUMNS once the values are in it
 * (text_wrap: never inside an address, a URL or a reference); an Arabic
 * body has its lines marked right to left (text_mark_rtl). */
char *tpl_render_message (const char *name, const char *lang, const TplData *data,
                          char **subject, GError **error);

/* Checks source, a text written for the gateway (its lines numbered from
 * first_line), as a template whose names can only be those of names
 * (NULL-terminated): TPL_ERROR_SYNTAX for a malformed tag or an unbalanced
 * section, TPL_ERROR_NAME for a name not in names, with the closest one;
 * each message begins "line N: ". */
gboolean tpl_check (const char *source, guint first_line, const char *const *names,
                    GError **error);

/* source rendered with data on one line: CR and LF in values become
 * spaces (a subject). */
char *tpl_render_line (const char *source, const TplData *data, GError **error);

/* tpl_render_message() for a text given rather than one of the program's
 * templates: subject_source (one line) and body_source (whose first line
 * is line body_line, for errors), written in lang. */
char *tpl_render_text (const char *subject_source, const char *body_source, guint body_line,
                       const char *lang, const TplData *data, char **subject, GError **error);

/* tpl_render_message() with the body's lines as rendered, for a report
 * whose lines are rows that must stay whole (the staff's digest). */
char *tpl_render_report (const char *name, const char *lang, const TplData *data,
                         char **subject, GError **error);
