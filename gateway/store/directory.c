/* Staff imports into the entities and groups registers: see directory.h. */
#include "gateway/store/directory.h"

#include <string.h>

#include "gateway/store/db.h"
#include "gateway/store/registers.h"
#include "parsers/form.h"

gboolean
directory_register (const char *register_name)
{
  return g_strcmp0 (register_name, form_entity.register_name) == 0
         || g_strcmp0 (register_name, form_group.register_name) == 0;
}

/* The kind of the entity code ("state", "organization"), or NULL. */
static char *
entity_kind (sqlite3 *db, const char *code, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db, "SELECT kind FROM entities WHERE code = ?1", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_text (st, 1, code, -1, SQLITE_TRANSIENT);
  return sqlite3_step (st) == SQLITE_ROW ? db_column_dup (st, 0) : NULL;
}

/* Adds or changes one entity; a known code keeps its kind, its policy
 * when the row has no Require, and its alignment when it has no Alignment. */
static gboolean
file_entity (sqlite3 *db, FormRecord *rec, GError **error)
{
  const char *code = g_hash_table_lookup (rec->columns, "code");
  const char *kind = g_hash_table_lookup (rec->columns, "kind");
  const char *active = g_hash_table_lookup (rec->columns, "active");
  g_autoptr (GError) local = NULL;
  g_autofree char *known = entity_kind (db, code, &local);

  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (known != NULL && g_strcmp0 (known, kind) != 0)
    {
      g_autofree char *what = g_strdup_printf ("field \"Kind\": %s is a%s %s in the"
                                               " entities register, and stays one", code,
                                               strcmp (known, "organization") == 0 ? "n" : "",
                                               known);
      form_record_problem (rec, form_record_line (rec, "Kind"), "Kind", PROBLEM_OTHER, what,
                           NULL);
      return TRUE;
    }
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "INSERT INTO entities (code, kind, name, active, require, dkim_alignment)"
      " VALUES (?1, ?2, ?3, ?4, nullif (?5, 'default'), nullif (?6, 'default'))"
      " ON CONFLICT (code) DO UPDATE SET name = excluded.name, active = excluded.active,"
      " require = CASE WHEN ?5 IS NULL THEN require ELSE excluded.require END,"
      " dkim_alignment = CASE WHEN ?6 IS NULL THEN dkim_alignment"
      " ELSE excluded.dkim_alignment END", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, g_hash_table_lookup (rec->columns, "name"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (st, 4, g_strcmp0 (active, "no") != 0);
  /* Require (schema/013-entity-policy.sql): absent keeps the entity's. */
  sqlite3_bind_text (st, 5, g_hash_table_lookup (rec->columns, "require"), -1, SQLITE_TRANSIENT);
  /* Alignment (schema/014-entity-alignment.sql): absent keeps the entity's. */
  sqlite3_bind_text (st, 6, g_hash_table_lookup (rec->columns, "alignment"), -1,
                     SQLITE_TRANSIENT);
  return db_step_done (db, st, "filing an entity", error);
}

/* The members of a group row (a JSON array of entity codes). */
static GPtrArray *
group_members (sqlite3 *db, const char *json, GError **error)
{
  g_autoptr (GPtrArray) members = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (sqlite3_stmt) st = db_prepare (db, "SELECT value FROM json_each (?1)", error);
  int rc;

  if (st == NULL)
    return NULL;
  sqlite3_bind_text (st, 1, json, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_ptr_array_add (members, db_column_dup (st, 0));
  if (rc != SQLITE_DONE)
    {
      db_set_error (db, error, "reading the members of a group");
      return NULL;
    }
  return g_steal_pointer (&members);
}

/* TRUE when every member is a State; else a problem names the first that is not. */
static gboolean
members_are_states (sqlite3 *db, FormRecord *rec, GPtrArray *members, GError **error)
{
  for (guint i = 0; i < members->len; i++)
    {
      g_autoptr (GError) local = NULL;
      g_autofree char *kind = entity_kind (db, members->pdata[i], &local);
      if (local != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      if (g_strcmp0 (kind, "state") != 0)
        {
          g_autofree char *what = g_strdup_printf ("field \"Members\": %s is not a State:"
                                                   " a group is a set of States",
                                                   (const char *) members->pdata[i]);
          form_record_problem (rec, form_record_line (rec, "Members"), "Members",
                               PROBLEM_OTHER, what, NULL);
          return TRUE;
        }
    }
  return TRUE;
}

/* The id of the group name, created (or its description set) first. */
static gint64
group_id (sqlite3 *db, const char *name, const char *description, GError **error)
{
  g_autoptr (sqlite3_stmt) up = db_prepare (db,
      "INSERT INTO groups (name, description) VALUES (?1, ?2)"
      " ON CONFLICT (name) DO UPDATE SET description = coalesce (excluded.description,"
      " description)", error);
  if (up == NULL)
    return 0;
  sqlite3_bind_text (up, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (up, 2, description, -1, SQLITE_TRANSIENT);
  if (!db_step_done (db, up, "filing a group", error))
    return 0;
  g_autoptr (sqlite3_stmt) st = db_prepare (db, "SELECT id FROM groups WHERE name = ?1", error);
  if (st == NULL)
    return 0;
  sqlite3_bind_text (st, 1, name, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      db_set_error (db, error, "filing a group");
      return 0;
    }
  return sqlite3_column_int64 (st, 0);
}

/* Adds a group, or gives a known one the members of the row. */
static gboolean
file_group (sqlite3 *db, FormRecord *rec, GError **error)
{
  g_autoptr (GPtrArray) members = group_members (db, g_hash_table_lookup (rec->columns, "members"),
                                                 error);
  if (members == NULL || !members_are_states (db, rec, members, error))
    return FALSE;
  if (rec->problems->len > 0)
    return TRUE;
  gint64 id = group_id (db, g_hash_table_lookup (rec->columns, "name"),
                        g_hash_table_lookup (rec->columns, "description"), error);
  if (id == 0)
    return FALSE;
  g_autoptr (sqlite3_stmt) clear = db_prepare (db, "DELETE FROM group_members WHERE group_id = ?1",
                                               error);
  if (clear == NULL)
    return FALSE;
  sqlite3_bind_int64 (clear, 1, id);
  if (!db_step_done (db, clear, "filing a group", error))
    return FALSE;
  for (guint i = 0; i < members->len; i++)
    {
      g_autoptr (sqlite3_stmt) add = db_prepare (db,
          "INSERT OR IGNORE INTO group_members (group_id, entity) VALUES (?1, ?2)", error);
      if (add == NULL)
        return FALSE;
      sqlite3_bind_int64 (add, 1, id);
      sqlite3_bind_text (add, 2, members->pdata[i], -1, SQLITE_TRANSIENT);
      if (!db_step_done (db, add, "filing a group", error))
        return FALSE;
    }
  return TRUE;
}

/* Files each record without a problem; the problems of all go to problems. */
static gboolean
file_rows (sqlite3 *db, const struct form_kind *kind, FormParse *parse,
           GPtrArray *problems, ImportCount *count, GError **error)
{
  for (guint i = 0; i < parse->problems->len; i++)
    g_ptr_array_add (problems, form_problem_format (parse->problems->pdata[i]));
  count->rows = parse->records->len;
  for (guint i = 0; i < parse->records->len; i++)
    {
      FormRecord *rec = parse->records->pdata[i];
      if (rec->kind == kind && rec->problems->len == 0
          && !(kind == &form_entity ? file_entity : file_group) (db, rec, error))
        return FALSE;
      if (rec->kind != kind && rec->problems->len == 0)
        {
          g_autofree char *what = g_strdup_printf ("field \"Form\": %s records cannot be"
                                                   " imported into %s", rec->kind_name,
                                                   kind->register_name);
          form_record_problem (rec, rec->line, "Form", PROBLEM_OTHER, what, NULL);
        }
      count->filed += rec->problems->len == 0;
      for (guint j = 0; j < rec->problems->len; j++)
        g_ptr_array_add (problems, form_problem_format (rec->problems->pdata[j]));
    }
  return TRUE;
}

gboolean
directory_import (const Context *ctx, const ImportFile *file, GPtrArray *problems,
                  ImportCount *count, GError **error)
{
  sqlite3 *db = ctx->db;
  const Config *config = ctx->config;
  const struct form_kind *kind = g_strcmp0 (file->register_name,
                                            form_entity.register_name) == 0
                                 ? &form_entity : &form_group;
  g_autofree char *base = g_path_get_basename (file->path);
  g_autoptr (FormParse) parse = form_parse_new ();
  FormLookup lookup = registers_lookup (db);

  *count = (ImportCount) { 0 };
  form_parse_csv_as (parse, file->data, file->len, base, kind, &config->limits);
  form_check (parse, &lookup, &config->limits);
  if (!db_begin (db, error))
    return FALSE;
  if (!file_rows (db, kind, parse, problems, count, error) || !db_commit (db, error))
    {
      db_rollback (db);
      return FALSE;
    }
  return TRUE;
}
