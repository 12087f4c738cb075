/* Audiences: from the text of an audience (a command option, a circular's
 * column) to the contact points that get the message. */

#include <string.h>

#include "gateway/store/audience.h"
#include "gateway/store/db.h"
#include "parsers/form.h"

/* An audience longer than this, or naming more entities, is refused. */
#define AUDIENCE_LEN_MAX 4096
#define AUDIENCE_ENTITIES_MAX 1000

G_DEFINE_QUARK (ctcgw-audience-error-quark, audience_error)

/* The keywords of the forms, and how each is written in a suggestion. */
static const char *const keywords[] = {
  "all", "states", "organizations", "group", "entities", "providers", NULL
};
static const char *const argument_names[] = {
  NULL, NULL, NULL, "NAME", "CODE,CODE", "AREA", NULL
};

/* The contact points of every form: ?1 is the keyword, ?2 its argument (a
 * group's name, a JSON array of entity codes, an area code), ?3 the language
 * of those who name none. */
static const char *const recipients_sql =
  "SELECT c.entity, coalesce(e.name, c.entity), c.name, c.email,"
  " coalesce(nullif(CASE WHEN json_valid(c.languages)"
  "   THEN json_extract(c.languages, '$[0]') END, ''), ?3), c.reference"
  " FROM contacts c LEFT JOIN entities e ON e.code = c.entity"
  " WHERE c.state = 'active' AND c.status = 'active' AND ("
  "  ?1 = 'all'"
  "  OR (?1 = 'states' AND e.kind = 'state')"
  "  OR (?1 = 'organizations' AND e.kind = 'organization')"
  "  OR (?1 = 'group' AND c.entity COLLATE NOCASE IN (SELECT m.entity"
  "      FROM group_members m JOIN groups g ON g.id = m.group_id WHERE g.name = ?2))"
  "  OR (?1 = 'entities' AND c.entity COLLATE NOCASE IN (SELECT value FROM json_each(?2)))"
  "  OR (?1 = 'providers' AND (c.entity COLLATE NOCASE IN (SELECT p.value FROM offers o,"
  "      json_each(CASE WHEN json_valid(o.providers) THEN o.providers ELSE '[]' END) p"
  "      WHERE o.state = 'active' AND o.status IN ('planned', 'ongoing')"
  "      AND EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(o.areas)"
  "                  THEN o.areas ELSE '[]' END) a WHERE a.value = ?2))"
  "    OR c.entity COLLATE NOCASE IN (SELECT s.provider FROM sources s WHERE s.state = 'active'"
  "      AND EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(s.areas)"
  "                  THEN s.areas ELSE '[]' END) a WHERE a.value = ?2)))))"
  " ORDER BY c.entity COLLATE NOCASE, c.name COLLATE NOCASE, c.id";

/* Frees a recipient of audience_resolve(). */
void
recipient_free (Recipient *r)
{
  if (r == NULL)
    return;
  g_free (r->entity);
  g_free (r->entity_name);
  g_free (r->name);
  g_free (r->email);
  g_free (r->language);
  g_free (r->reference);
  g_free (r);
}

/* Sets an AUDIENCE_ERROR_INVALID error that quotes what was written. */
static void
invalid (GError **error, const char *what, const char *written, const char *near)
{
  g_autofree char *quoted = form_quote (written);
  if (near != NULL)
    g_set_error (error, AUDIENCE_ERROR, AUDIENCE_ERROR_INVALID,
                 "unknown %s %s; did you mean \"%s\"?", what, quoted, near);
  else
    g_set_error (error, AUDIENCE_ERROR, AUDIENCE_ERROR_INVALID, "unknown %s %s", what, quoted);
}

/* The index of keyword word in keywords, or -1. */
static int
keyword_index (const char *word)
{
  for (int i = 0; keywords[i] != NULL; i++)
    if (g_ascii_strcasecmp (word, keywords[i]) == 0)
      return i;
  return -1;
}

/* An error for an audience that is none of the forms, with the closest. */
static void
unknown_form (const char *word, const char *arg, const char *audience, GError **error)
{
  const char *near = form_suggest (word, keywords);
  int i = near != NULL ? keyword_index (near) : -1;
  g_autofree char *quoted = form_quote (audience);

  if (i >= 0 && argument_names[i] != NULL)
    {
      g_autofree char *written = g_strdup_printf ("%s:%s", near, arg != NULL && *arg != '\0'
                                                  ? arg : argument_names[i]);
      invalid (error, "audience", audience, written);
    }
  else if (i >= 0)
    invalid (error, "audience", audience, near);
  else
    g_set_error (error, AUDIENCE_ERROR, AUDIENCE_ERROR_INVALID,
                 "unknown audience %s (write all, states, organizations, group:NAME,"
                 " entities:CODE,CODE or providers:AREA)", quoted);
}

/* The names of every group, NULL-terminated, for a suggestion. */
static GPtrArray *
group_names (sqlite3 *db)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (sqlite3_stmt) st = db_prepare (db, "SELECT name FROM groups ORDER BY name", NULL);
  while (st != NULL && sqlite3_step (st) == SQLITE_ROW)
    g_ptr_array_add (names, g_strdup ((const char *) sqlite3_column_text (st, 0)));
  g_ptr_array_add (names, NULL);
  return names;
}

/* The stored name of group text, or NULL with the closest one named. */
static char *
resolve_group (sqlite3 *db, const char *text, GError **error)
{
  char *name = db_group_resolve (db, text);
  if (name != NULL)
    return name;
  g_autoptr (GPtrArray) names = group_names (db);
  const char *near = form_suggest (text, (const char *const *) names->pdata);
  g_autofree char *written = near != NULL ? g_strdup_printf ("group:%s", near) : NULL;
  invalid (error, "group", text, written);
  return NULL;
}

/* The area code text names (any case), or NULL with the closest one. */
static char *
resolve_area (const char *text, GError **error)
{
  for (guint i = 0; form_areas[i] != NULL; i++)
    if (g_ascii_strcasecmp (text, form_areas[i]) == 0)
      return g_strdup (form_areas[i]);
  const char *near = form_suggest (text, form_areas);
  g_autofree char *written = near != NULL ? g_strdup_printf ("providers:%s", near) : NULL;
  invalid (error, "area", text, written);
  return NULL;
}

/* The canonical code of one listed entity, or NULL with the closest one. */
static char *
resolve_entity (sqlite3 *db, const char *text, GError **error)
{
  g_autofree char *near = NULL;
  char *code = db_entity_resolve (db, text, &near);
  if (code == NULL)
    invalid (error, "entity", text, near);
  return code;
}

/* The JSON array of the canonical codes of a comma-separated list. */
static char *
resolve_entities (sqlite3 *db, const char *list, GError **error)
{
  g_auto (GStrv) items = g_strsplit (list, ",", AUDIENCE_ENTITIES_MAX + 1);
  g_autoptr (GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);

  if (g_strv_length (items) > AUDIENCE_ENTITIES_MAX)
    {
      g_set_error (error, AUDIENCE_ERROR, AUDIENCE_ERROR_INVALID,
                   "an audience names at most %d entities", AUDIENCE_ENTITIES_MAX);
      return NULL;
    }
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_strstrip (items[i]);
      if (*items[i] == '\0')
        continue;
      char *code = resolve_entity (db, items[i], error);
      if (code == NULL)
        return NULL;
      g_ptr_array_add (codes, code);
    }
  if (codes->len == 0)
    {
      g_set_error (error, AUDIENCE_ERROR, AUDIENCE_ERROR_INVALID,
                   "entities: names no entity (write entities:CODE,CODE)");
      return NULL;
    }
  return form_json_array ((const char *const *) codes->pdata, codes->len);
}

/* The argument of the form keyword as the query's ?2, or NULL with error. */
static char *
resolve_argument (sqlite3 *db, const char *keyword, const char *arg, GError **error)
{
  if (arg == NULL || *arg == '\0')
    {
      int i = keyword_index (keyword);
      g_set_error (error, AUDIENCE_ERROR, AUDIENCE_ERROR_INVALID,
                   "audience %s: needs a value (write %s:%s)", keyword, keyword,
                   argument_names[i]);
      return NULL;
    }
  if (strcmp (keyword, "group") == 0)
    return resolve_group (db, arg, error);
  if (strcmp (keyword, "entities") == 0)
    return resolve_entities (db, arg, error);
  return resolve_area (arg, error);
}

/* Checks that audience is valid UTF-8 text of a bounded length. */
static gboolean
audience_readable (const char *audience, GError **error)
{
  if (audience == NULL || strlen (audience) > AUDIENCE_LEN_MAX
      || !g_utf8_validate (audience, -1, NULL))
    {
      g_set_error (error, AUDIENCE_ERROR, AUDIENCE_ERROR_INVALID,
                   "an audience is UTF-8 text of at most %d bytes", AUDIENCE_LEN_MAX);
      return FALSE;
    }
  return TRUE;
}

/* Splits audience into its keyword (lower case) and argument (?2 of the
 * query, resolved); FALSE with error when it is none of the forms. */
static gboolean
audience_parse (sqlite3 *db, const char *audience, char **keyword, char **arg,
                GError **error)
{
  g_autofree char *text = g_strstrip (g_strdup (audience));
  char *colon = strchr (text, ':');
  const char *value = NULL;

  if (colon != NULL)
    {
      *colon = '\0';
      value = g_strstrip (colon + 1);
    }
  g_strstrip (text);
  int i = keyword_index (text);
  if (i < 0 || (argument_names[i] == NULL && colon != NULL))
    {
      unknown_form (text, value, audience, error);
      return FALSE;
    }
  *keyword = g_strdup (keywords[i]);
  if (argument_names[i] == NULL)
    return TRUE;
  *arg = resolve_argument (db, keywords[i], value, error);
  return *arg != NULL;
}

/* A new Recipient from the current row of the query. */
static Recipient *
recipient_from_row (sqlite3_stmt *st)
{
  Recipient *r = g_new0 (Recipient, 1);
  char **fields[] = { &r->entity, &r->entity_name, &r->name, &r->email,
                      &r->language, &r->reference };
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    *fields[i] = g_strdup ((const char *) sqlite3_column_text (st, (int) i));
  if (*fields[1] == NULL)
    r->entity_name = g_strdup (r->entity);
  return r;
}

/* Runs the query for keyword and arg: each address once, in its order. */
static GPtrArray *
audience_query (sqlite3 *db, const char *keyword, const char *arg, const char *language,
                GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db, recipients_sql, error);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) recipient_free);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int rc;

  if (st == NULL)
    return NULL;
  sqlite3_bind_text (st, 1, keyword, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, arg, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, language, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *email = (const char *) sqlite3_column_text (st, 3);
      if (email == NULL || !g_hash_table_add (seen, g_utf8_casefold (email, -1)))
        continue;
      g_ptr_array_add (out, recipient_from_row (st));
    }
  if (rc != SQLITE_DONE)
    {
      db_set_error (db, error, "reading the audience");
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* See audience.h: the one entry of this module. */
GPtrArray *
audience_resolve (sqlite3 *db, const char *audience, const char *language, GError **error)
{
  g_autofree char *keyword = NULL;
  g_autofree char *arg = NULL;
  GError *db_error = NULL;

  if (!audience_readable (audience, error)
      || !audience_parse (db, audience, &keyword, &arg, error))
    return NULL;
  GPtrArray *out = audience_query (db, keyword, arg, language, &db_error);
  if (out == NULL)
    {
      g_set_error (error, AUDIENCE_ERROR, AUDIENCE_ERROR_DB, "%s", db_error->message);
      g_error_free (db_error);
    }
  return out;
}

/* The code of the inactive entity text names, or NULL (in *code) when
 * text names an active entity or none at all. */
static gboolean
inactive_code (sqlite3 *db, const char *text, char **code, GError **error)
{
  g_autofree char *active = db_entity_resolve (db, text, NULL);
  *code = NULL;
  if (active != NULL)
    return TRUE;
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT code FROM entities WHERE active = 0 AND (code = ?1 OR alpha3 = ?1 OR name = ?1"
      " OR official_name = ?1 OR iso_name = ?1) ORDER BY code = ?1 DESC LIMIT 1", NULL);
  int rc = SQLITE_ERROR;
  if (st != NULL)
    {
      sqlite3_bind_text (st, 1, text, -1, SQLITE_STATIC);
      rc = sqlite3_step (st);
    }
  if (rc == SQLITE_ROW)
    *code = g_strdup ((const char *) sqlite3_column_text (st, 0));
  else if (rc != SQLITE_DONE)
    {
      g_set_error (error, AUDIENCE_ERROR, AUDIENCE_ERROR_DB, "reading the entities: %s",
                   sqlite3_errmsg (db));
      return FALSE;
    }
  return TRUE;
}

/* See audience.h. */
char *
audience_without_inactive (sqlite3 *db, const char *audience, GPtrArray *inactive,
                           GError **error)
{
  if (!audience_readable (audience, error))
    return NULL;
  g_autofree char *text = g_strdup (audience);
  char *colon = strchr (text, ':');
  if (colon == NULL)
    return g_strdup (audience);
  *colon = '\0';
  if (g_ascii_strcasecmp (g_strstrip (text), "entities") != 0)
    return g_strdup (audience);
  g_auto (GStrv) items = g_strsplit (colon + 1, ",", AUDIENCE_ENTITIES_MAX + 1);
  g_autoptr (GString) kept = g_string_new ("entities:");
  guint n_kept = 0, n_dropped = 0;
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_autofree char *code = NULL;
      const char *item = g_strstrip (items[i]);
      if (*item == '\0')
        continue;
      if (!inactive_code (db, item, &code, error))
        return NULL;
      if (code == NULL)
        {
          g_string_append_printf (kept, "%s%s", n_kept++ > 0 ? "," : "", item);
          continue;
        }
      n_dropped++;
      if (!g_ptr_array_find_with_equal_func (inactive, code, g_str_equal, NULL))
        g_ptr_array_add (inactive, g_steal_pointer (&code));
    }
  if (n_dropped > 0 && n_kept == 0)
    {
      g_autofree char *quoted = form_quote (audience);
      g_set_error (error, AUDIENCE_ERROR, AUDIENCE_ERROR_INVALID,
                   "every entity of the audience %s is inactive", quoted);
      return NULL;
    }
  return n_dropped > 0 ? g_string_free (g_steal_pointer (&kept), FALSE) : g_strdup (audience);
}
