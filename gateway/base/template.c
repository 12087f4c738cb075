/* Templates: every text a person reads lives in templates/ and is compiled
 * into the program; this renders them (a small subset of Mustache). */

#include <stdarg.h>
#include <string.h>
#include <gio/gio.h>

#include "gateway/base/template.h"
#include "gateway/base/text.h"
#include "parsers/form.h"

G_DEFINE_QUARK (ctcgw-template-error-quark, tpl_error)

#define TPL_NAME_MAX 64

/* The resources compiled from schema/ and templates/ (gateway/resources.c);
 * referring to it also links them in from the static library. */
GResource *ctc_get_resource (void);

typedef enum { TPL_STRING, TPL_BOOL, TPL_LIST, TPL_OBJECT } TplKind;

struct _TplData {
  TplKind kind;
  char *string;          /* TPL_STRING */
  gboolean boolean;      /* TPL_BOOL */
  GPtrArray *list;       /* TPL_LIST: TplData* objects */
  GHashTable *object;    /* TPL_OBJECT: char* -> TplData* */
};

/* A node of one kind, empty. */
static TplData *
tpl_data_new_kind (TplKind kind)
{
  TplData *d = g_new0 (TplData, 1);
  d->kind = kind;
  if (kind == TPL_LIST)
    d->list = g_ptr_array_new_with_free_func ((GDestroyNotify) tpl_data_free);
  else if (kind == TPL_OBJECT)
    d->object = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) tpl_data_free);
  return d;
}

/* The root of template data (and of each list item): an object. */
TplData *
tpl_data_new (void)
{
  return tpl_data_new_kind (TPL_OBJECT);
}

/* Frees a node and everything under it. */
void
tpl_data_free (TplData *data)
{
  if (data == NULL)
    return;
  g_free (data->string);
  g_clear_pointer (&data->list, g_ptr_array_unref);
  g_clear_pointer (&data->object, g_hash_table_unref);
  g_free (data);
}

/* A string value; NULL removes the key. */
void
tpl_set (TplData *obj, const char *key, const char *value)
{
  g_return_if_fail (obj != NULL && obj->kind == TPL_OBJECT && key != NULL);
  if (value == NULL)
    {
      g_hash_table_remove (obj->object, key);
      return;
    }
  TplData *d = tpl_data_new_kind (TPL_STRING);
  d->string = g_strdup (value);
  g_hash_table_replace (obj->object, g_strdup (key), d);
}

/* A formatted string value. */
void
tpl_set_printf (TplData *obj, const char *key, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *value = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  tpl_set (obj, key, value);
}

/* A value for {{#key}} / {{^key}} sections. */
void
tpl_set_bool (TplData *obj, const char *key, gboolean value)
{
  g_return_if_fail (obj != NULL && obj->kind == TPL_OBJECT && key != NULL);
  TplData *d = tpl_data_new_kind (TPL_BOOL);
  d->boolean = value;
  g_hash_table_replace (obj->object, g_strdup (key), d);
}

/* A new item of the list key; a non-list value of key is replaced. */
TplData *
tpl_add (TplData *obj, const char *key)
{
  g_return_val_if_fail (obj != NULL && obj->kind == TPL_OBJECT && key != NULL, NULL);
  TplData *list = g_hash_table_lookup (obj->object, key);
  if (list == NULL || list->kind != TPL_LIST)
    {
      list = tpl_data_new_kind (TPL_LIST);
      g_hash_table_replace (obj->object, g_strdup (key), list);
    }
  TplData *item = tpl_data_new ();
  g_ptr_array_add (list->list, item);
  return item;
}

/* --- parsing ------------------------------------------------------------- */

typedef enum { NODE_TEXT, NODE_VAR, NODE_SECTION, NODE_INVERTED } NodeKind;

/* The parsed template: text, variables, and sections holding children. */
typedef struct {
  NodeKind kind;
  char *text;            /* the text, or the name */
  GPtrArray *children;   /* sections: Node* */
  guint line;
} Node;

/* Frees a parsed node and its children. */
static void
node_free (Node *n)
{
  g_free (n->text);
  g_clear_pointer (&n->children, g_ptr_array_unref);
  g_free (n);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Node, node_free)

/* A parsed node; sections get a list of children. */
static Node *
node_new (NodeKind kind, char *text, guint line)
{
  Node *n = g_new0 (Node, 1);
  n->kind = kind;
  n->text = text;
  n->line = line;
  if (kind == NODE_SECTION || kind == NODE_INVERTED)
    n->children = g_ptr_array_new_with_free_func ((GDestroyNotify) node_free);
  return n;
}

typedef struct {
  const char *src;     /* the whole source */
  const char *p;       /* where parsing is */
  guint line;          /* line of p */
  GPtrArray *stack;    /* Node*: the open sections, the root first */
} Parser;

/* Newlines between from and to, for line numbers in errors. */
static guint
count_lines (const char *from, const char *to)
{
  guint n = 0;
  for (const char *p = from; p < to; p++)
    n += *p == '\n';
  return n;
}

/* Names of tags (and of templates): letters, digits, _ and -. */
static gboolean
name_valid (const char *name)
{
  if (*name == '\0' || strlen (name) > TPL_NAME_MAX)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

/* When the section tag from open to close ("}}" excluded) stands alone on
 * its line, *start and *end widen to take the whole line. */
static void
standalone (const Parser *ps, const char *open, const char *close,
            const char **start, const char **end)
{
  const char *bol = open;
  while (bol > ps->src && (bol[-1] == ' ' || bol[-1] == '\t'))
    bol--;
  if (bol > ps->src && bol[-1] != '\n')
    return;
  const char *eol = close + 2;
  while (*eol == ' ' || *eol == '\t')
    eol++;
  if (*eol == '\r' && eol[1] == '\n')
    eol++;
  if (*eol != '\n' && *eol != '\0')
    return;
  *start = bol;
  *end = *eol == '\n' ? eol + 1 : eol;
}

/* The innermost open section, where nodes are added. */
static Node *
parser_top (Parser *ps)
{
  return g_ptr_array_index (ps->stack, ps->stack->len - 1);
}

/* Adds literal text (from..to) to the innermost section. */
static void
add_text (Parser *ps, const char *from, const char *to)
{
  if (to > from)
    g_ptr_array_add (parser_top (ps)->children,
                     node_new (NODE_TEXT, g_strndup (from, (gsize) (to - from)), ps->line));
}

/* Closes the innermost open section with {{/name}}. */
static gboolean
close_section (Parser *ps, const char *name, guint line, GError **error)
{
  Node *top = parser_top (ps);
  if (ps->stack->len == 1)
    {
      g_set_error (error, TPL_ERROR, TPL_ERROR_SYNTAX,
                   "line %u: {{/%s}} closes no section", line, name);
      return FALSE;
    }
  if (strcmp (top->text, name) != 0)
    {
      g_set_error (error, TPL_ERROR, TPL_ERROR_SYNTAX,
                   "line %u: {{/%s}} does not close {{%c%s}} of line %u", line, name,
                   top->kind == NODE_INVERTED ? '^' : '#', top->text, top->line);
      return FALSE;
    }
  g_ptr_array_set_size (ps->stack, ps->stack->len - 1);
  return TRUE;
}

/* Adds the tag whose content is tag (between the braces) at line. */
static gboolean
add_tag (Parser *ps, const char *tag, guint line, GError **error)
{
  char sigil = tag[0] != '\0' && strchr ("#^/", tag[0]) != NULL ? tag[0] : 0;
  g_autofree char *name = g_strstrip (g_strdup (sigil ? tag + 1 : tag));
  if (!name_valid (name))
    {
      g_set_error (error, TPL_ERROR, TPL_ERROR_SYNTAX,
                   "line %u: {{%s}} is not a tag: write {{name}}, {{#name}},"
                   " {{^name}} or {{/name}}", line, tag);
      return FALSE;
    }
  if (sigil == '/')
    return close_section (ps, name, line, error);
  NodeKind kind = sigil == '#' ? NODE_SECTION : sigil == '^' ? NODE_INVERTED : NODE_VAR;
  Node *n = node_new (kind, g_steal_pointer (&name), line);
  g_ptr_array_add (parser_top (ps)->children, n);
  if (kind != NODE_VAR)
    g_ptr_array_add (ps->stack, n);
  return TRUE;
}

/* Reads the text up to the next tag and the tag; FALSE at a syntax error. */
static gboolean
parse_step (Parser *ps, GError **error)
{
  const char *open = strstr (ps->p, "{{");
  if (open == NULL)
    {
      add_text (ps, ps->p, ps->p + strlen (ps->p));
      ps->p += strlen (ps->p);
      return TRUE;
    }
  guint line = ps->line + count_lines (ps->p, open);
  const char *close = strstr (open + 2, "}}");
  if (close == NULL)
    {
      g_set_error (error, TPL_ERROR, TPL_ERROR_SYNTAX,
                   "line %u: \"{{\" is never closed by \"}}\"", line);
      return FALSE;
    }
  g_autofree char *tag = g_strndup (open + 2, (gsize) (close - open - 2));
  const char *start = open, *end = close + 2;
  if (tag[0] != '\0' && strchr ("#^/", tag[0]) != NULL)
    standalone (ps, open, close, &start, &end);
  add_text (ps, ps->p, start);
  if (!add_tag (ps, tag, line, error))
    return FALSE;
  ps->line += count_lines (ps->p, end);
  ps->p = end;
  return TRUE;
}

/* The tree of source; line numbers start at first_line. */
static Node *
parse (const char *source, guint first_line, GError **error)
{
  g_autoptr (Node) root = node_new (NODE_SECTION, g_strdup (""), first_line);
  g_autoptr (GPtrArray) stack = g_ptr_array_new ();
  Parser ps = { source, source, first_line, stack };
  g_ptr_array_add (stack, root);
  while (*ps.p != '\0')
    if (!parse_step (&ps, error))
      return NULL;
  if (stack->len > 1)
    {
      Node *open = parser_top (&ps);
      g_set_error (error, TPL_ERROR, TPL_ERROR_SYNTAX, "line %u: {{%c%s}} is never closed",
                   open->line, open->kind == NODE_INVERTED ? '^' : '#', open->text);
      return NULL;
    }
  return g_steal_pointer (&root);
}

/* --- rendering ----------------------------------------------------------- */

/* The objects names are looked up in, innermost first. */
typedef struct Context {
  const TplData *data;
  const struct Context *up;
} Context;

/* The value of name in the innermost object that has it. */
static const TplData *
lookup (const Context *ctx, const char *name)
{
  for (; ctx != NULL; ctx = ctx->up)
    if (ctx->data != NULL && ctx->data->kind == TPL_OBJECT)
      {
        const TplData *v = g_hash_table_lookup (ctx->data->object, name);
        if (v != NULL)
          return v;
      }
  return NULL;
}

/* What makes a section render: non-empty, true, or an object. */
static gboolean
truthy (const TplData *v)
{
  if (v == NULL)
    return FALSE;
  switch (v->kind)
    {
    case TPL_STRING: return v->string[0] != '\0';
    case TPL_BOOL: return v->boolean;
    case TPL_LIST: return v->list->len > 0;
    case TPL_OBJECT: return TRUE;
    }
  return FALSE;
}

static void render_nodes (GString *out, const GPtrArray *nodes, const Context *ctx,
                          gboolean html);

/* {{name}}: strings only, escaped for HTML when asked. */
static void
render_var (GString *out, const TplData *v, gboolean html)
{
  if (v == NULL || v->kind != TPL_STRING)
    return;
  if (html)
    {
      g_autofree char *escaped = g_markup_escape_text (v->string, -1);
      g_string_append (out, escaped);
    }
  else
    g_string_append (out, v->string);
}

/* {{#name}}: once per item of a list, else once when name is true. */
static void
render_section (GString *out, const Node *n, const TplData *v, const Context *ctx,
                gboolean html)
{
  if (v != NULL && v->kind == TPL_LIST)
    for (guint i = 0; i < v->list->len; i++)
      {
        Context inner = { g_ptr_array_index (v->list, i), ctx };
        render_nodes (out, n->children, &inner, html);
      }
  else if (truthy (v))
    {
      Context inner = { v, ctx };
      render_nodes (out, n->children, &inner, html);
    }
}

/* Renders nodes in context ctx. */
static void
render_nodes (GString *out, const GPtrArray *nodes, const Context *ctx, gboolean html)
{
  for (guint i = 0; i < nodes->len; i++)
    {
      const Node *n = g_ptr_array_index (nodes, i);
      if (n->kind == NODE_TEXT)
        g_string_append (out, n->text);
      else if (n->kind == NODE_VAR)
        render_var (out, lookup (ctx, n->text), html);
      else if (n->kind == NODE_SECTION)
        render_section (out, n, lookup (ctx, n->text), ctx, html);
      else if (!truthy (lookup (ctx, n->text)))
        render_nodes (out, n->children, ctx, html);
    }
}

/* Parses and renders source; line numbers start at first_line. */
static char *
render (const char *source, guint first_line, const TplData *data, gboolean html,
        GError **error)
{
  g_autoptr (Node) root = parse (source, first_line, error);
  if (root == NULL)
    return NULL;
  GString *out = g_string_new (NULL);
  Context ctx = { data, NULL };
  render_nodes (out, root->children, &ctx, html);
  return g_string_free (out, FALSE);
}

/* The first tag of nodes (or of their sections) whose name is not in
 * names, or NULL. */
static const Node *
unknown_name (const GPtrArray *nodes, const char *const *names)
{
  for (guint i = 0; i < nodes->len; i++)
    {
      const Node *n = g_ptr_array_index (nodes, i);
      const Node *found = n->kind == NODE_TEXT || g_strv_contains (names, n->text) ? NULL : n;
      if (found == NULL && n->children != NULL)
        found = unknown_name (n->children, names);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* See template.h. */
gboolean
tpl_check (const char *source, guint first_line, const char *const *names, GError **error)
{
  g_autoptr (Node) root = parse (source, first_line, error);
  if (root == NULL)
    return FALSE;
  const Node *bad = unknown_name (root->children, names);
  if (bad == NULL)
    return TRUE;
  const char *closest = form_suggest (bad->text, names);
  g_autofree char *known = g_strjoinv ("}}, {{", (char **) names);
  if (closest != NULL)
    g_set_error (error, TPL_ERROR, TPL_ERROR_NAME,
                 "line %u: {{%s}} is no placeholder; did you mean {{%s}}?", bad->line,
                 bad->text, closest);
  else
    g_set_error (error, TPL_ERROR, TPL_ERROR_NAME,
                 "line %u: {{%s}} is no placeholder: write {{%s}}", bad->line, bad->text, known);
  return FALSE;
}

/* See template.h. */
char *
tpl_render_string (const char *source, const TplData *data, gboolean html,
                   GError **error)
{
  return render (source, 1, data, html, error);
}

/* --- loading ------------------------------------------------------------- */

/* The text of resource /ctcgw/templates/NAME.LANG.EXT, or NULL. */
static char *
resource_text (const char *name, const char *lang, const char *ext)
{
  g_autofree char *path = g_strdup_printf ("/ctcgw/templates/%s.%s.%s", name, lang, ext);
  g_autoptr (GBytes) bytes = g_resource_lookup_data (ctc_get_resource (), path,
                                                     G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes == NULL)
    return NULL;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  return g_strndup (data, len);
}

/* "fr", "FR", "fr-CA", "fr_CA.UTF-8" -> "fr"; NULL when lang is no language
 * code (it may come from a register filled by submitters). */
static char *
language_code (const char *lang)
{
  if (lang == NULL)
    return NULL;
  gsize len = strcspn (lang, "-_.@");
  if (len < 2 || len > 3)
    return NULL;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalpha (lang[i]))
      return NULL;
  return g_ascii_strdown (lang, (gssize) len);
}

/* See template.h: lang first, English else. */
char *
tpl_load (const char *name, const char *lang, const char *ext, GError **error)
{
  g_autofree char *code = language_code (lang);
  char *text = NULL;
  if (name_valid (name) && name_valid (ext))
    {
      if (code != NULL)
        text = resource_text (name, code, ext);
      if (text == NULL)
        text = resource_text (name, "en", ext);
    }
  if (text == NULL)
    g_set_error (error, TPL_ERROR, TPL_ERROR_NOT_FOUND,
                 "no template %s.%s.%s nor %s.en.%s", name, lang ? lang : "en", ext,
                 name, ext);
  return text;
}

/* See template.h. */
const char *
tpl_language (const char *name, const char *lang, const char *ext)
{
  g_autofree char *code = language_code (lang);
  if (code == NULL || !name_valid (name) || !name_valid (ext))
    return "en";
  g_autofree char *path = g_strdup_printf ("/ctcgw/templates/%s.%s.%s", name, code, ext);
  if (!g_resource_get_info (ctc_get_resource (), path, G_RESOURCE_LOOKUP_FLAGS_NONE,
                            NULL, NULL, NULL))
    return "en";
  return g_intern_string (code);
}

/* A subject on one line: control characters become spaces, runs of them
 * one space. */
static char *
single_line (const char *s)
{
  GString *out = g_string_new (NULL);
  for (const char *p = s; *p != '\0'; p++)
    {
      gboolean control = (guchar) *p < 0x20 || *p == 0x7f;
      if (!control)
        g_string_append_c (out, *p);
      else if (out->len > 0 && out->str[out->len - 1] != ' ')
        g_string_append_c (out, ' ');
    }
  return g_strstrip (g_string_free (out, FALSE));
}

/* The subject (on one line) and the body of the sources rendered. */
static char *
render_parts (const char *subject_source, const char *body_source, guint body_line,
              const TplData *data, char **subject, GError **error)
{
  g_autofree char *subject_text = render (subject_source, 1, data, FALSE, error);
  char *body = subject_text != NULL ? render (body_source, body_line, data, FALSE, error)
                                    : NULL;
  if (body != NULL)
    *subject = single_line (subject_text);
  return body;
}

/* The subject and body of a message template, the body as rendered. */
static char *
render_message (const char *name, const char *lang, const TplData *data, char **subject,
                GError **error)
{
  g_autofree char *source = tpl_load (name, lang, "txt", error);
  if (source == NULL)
    return NULL;
  if (!g_str_has_prefix (source, "Subject:"))
    {
      g_set_error (error, TPL_ERROR, TPL_ERROR_SYNTAX,
                   "template %s: line 1: the first line must be \"Subject: ...\"", name);
      return NULL;
    }
  char *nl = strchr (source, '\n');
  const char *body_source = nl != NULL ? nl + 1 : "";
  if (nl != NULL)
    *nl = '\0';
  char *body = render_parts (source + 8, body_source, 2, data, subject, error);
  if (body == NULL)
    g_prefix_error (error, "template %s: ", name);
  return body;
}

/* The body of a message in language code, as sent: wrapped once the values
 * are in it (ctcgw(8), NOTES), an Arabic one marked right to left. */
static char *
finish_body (const char *body, const char *code)
{
  g_autofree char *wrapped = text_wrap (body, TEXT_WRAP_COLUMNS);
  if (g_strcmp0 (code, "ar") != 0)
    return g_steal_pointer (&wrapped);
  return text_mark_rtl (wrapped);
}

/* See template.h. */
char *
tpl_render_message (const char *name, const char *lang, const TplData *data,
                    char **subject, GError **error)
{
  g_autofree char *body = render_message (name, lang, data, subject, error);
  if (body == NULL)
    return NULL;
  return finish_body (body, tpl_language (name, lang, "txt"));
}

/* See template.h. */
char *
tpl_render_line (const char *source, const TplData *data, GError **error)
{
  g_autofree char *line = render (source, 1, data, FALSE, error);
  return line != NULL ? single_line (line) : NULL;
}

/* See template.h. */
char *
tpl_render_text (const char *subject_source, const char *body_source, guint body_line,
                 const char *lang, const TplData *data, char **subject, GError **error)
{
  g_autofree char *body = render_parts (subject_source, body_source, body_line, data, subject,
                                        error);
  if (body == NULL)
    return NULL;
  g_autofree char *code = language_code (lang);
  return finish_body (body, code);
}

/* See template.h. */
char *
tpl_render_report (const char *name, const char *lang, const TplData *data,
                   char **subject, GError **error)
{
  return render_message (name, lang, data, subject, error);
}
