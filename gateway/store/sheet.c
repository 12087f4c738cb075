/* Registers written as the CSV that their import reads: see sheet.h.  The
 * statements are built from the constant tables of the form kinds
 * (parsers/form-*.c), never from input. */
#include "gateway/store/sheet.h"

#include <string.h>

#include "gateway/store/db.h"
#include "parsers/csv.h"

/* The entities and groups registers, whose tables are not their forms'. */
#define ENTITIES_SQL \
  "SELECT code, name, kind, CASE active WHEN 0 THEN 'no' ELSE 'yes' END, require," \
  " dkim_alignment FROM entities ORDER BY id"
#define GROUPS_SQL \
  "SELECT g.name, (SELECT json_group_array (entity) FROM (SELECT m.entity FROM" \
  " group_members m WHERE m.group_id = g.id ORDER BY m.entity)), g.description" \
  " FROM \"groups\" g ORDER BY g.id"

/* See sheet.h. */
const struct form_kind *
sheet_kind (const char *register_name)
{
  static const struct form_kind *const kinds[] = {
    &form_contact_point, &form_assistance_offer, &form_assistance_request,
    &form_assistance_result, &form_information_source, &form_standard,
    &form_inventory, &form_visit_information, &form_visit_consent, &form_entity, &form_group,
  };
  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (kinds[i]->register_name, register_name) == 0)
      return kinds[i];
  return NULL;
}

/* Whether the field holds a list (a JSON array in the register). */
static gboolean
is_list (FieldType type)
{
  return type == FIELD_ENTITIES || type == FIELD_EMAILS || type == FIELD_BENEFICIARIES
         || type == FIELD_AREAS || type == FIELD_LANGUAGES || type == FIELD_RECIPIENTS;
}

/* The record's own reference (Reference: without a column of its own),
 * Action, or a field of the register's table. */
static gboolean
is_own (const FormFieldSpec *spec, FieldType type)
{
  return spec->type == type && spec->column == NULL;
}

/* The fields written, in the order of the header: the record's own
 * Reference, the fields with a column, Action. */
static GPtrArray *
sheet_fields (const struct form_kind *kind)
{
  GPtrArray *fields = g_ptr_array_new ();
  for (guint i = 0; i < kind->n_fields; i++)
    if (is_own (&kind->fields[i], FIELD_REFERENCE))
      g_ptr_array_add (fields, (gpointer) &kind->fields[i]);
  for (guint i = 0; i < kind->n_fields; i++)
    if (kind->fields[i].column != NULL)
      g_ptr_array_add (fields, (gpointer) &kind->fields[i]);
  for (guint i = 0; i < kind->n_fields; i++)
    if (is_own (&kind->fields[i], FIELD_ACTION))
      g_ptr_array_add (fields, (gpointer) &kind->fields[i]);
  return fields;
}

/* SELECT the fields of a form's register, in the order of fields. */
static char *
sheet_sql (const struct form_kind *kind, GPtrArray *fields)
{
  if (kind == &form_entity)
    return g_strdup (ENTITIES_SQL);
  if (kind == &form_group)
    return g_strdup (GROUPS_SQL);
  g_autoptr (GString) sql = g_string_new ("SELECT ");
  for (guint i = 0; i < fields->len; i++)
    {
      const FormFieldSpec *spec = fields->pdata[i];
      g_string_append (sql, i > 0 ? ", " : "");
      if (is_own (spec, FIELD_REFERENCE))
        g_string_append (sql, "reference");
      else if (is_own (spec, FIELD_ACTION))
        g_string_append (sql, "CASE state WHEN 'withdrawn' THEN 'withdraw' END");
      else
        g_string_append (sql, spec->column);
    }
  g_string_append_printf (sql, " FROM %s ORDER BY id", kind->register_name);
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

/* A list as the forms write it, "a, b"; text that is no JSON array of
 * strings as it is. */
static void
append_list (GString *out, sqlite3_stmt *row, int i)
{
  const char *json = (const char *) sqlite3_column_text (row, i);
  g_autoptr (GString) items = g_string_new (NULL);
  sqlite3 *db = sqlite3_db_handle (row);
  g_autoptr (sqlite3_stmt) each = db_prepare (db, "SELECT value FROM json_each (?1)"
                                              " WHERE json_valid (?1)", NULL);

  if (json == NULL || each == NULL)
    {
      csv_append_cell (out, json);
      return;
    }
  sqlite3_bind_text (each, 1, json, -1, SQLITE_TRANSIENT);
  gboolean any = FALSE;
  while (sqlite3_step (each) == SQLITE_ROW)
    {
      g_string_append_printf (items, "%s%s", any ? ", " : "",
                              (const char *) sqlite3_column_text (each, 0));
      any = TRUE;
    }
  csv_append_cell (out, any ? items->str : json);
}

/* One line of cells, ended as RFC 4180 ends it. */
static void
append_row (GString *out, sqlite3_stmt *row, GPtrArray *fields)
{
  for (guint i = 0; i < fields->len; i++)
    {
      const FormFieldSpec *spec = fields->pdata[i];
      if (i > 0)
        g_string_append_c (out, ',');
      if (is_list (spec->type))
        append_list (out, row, (int) i);
      else
        csv_append_cell (out, (const char *) sqlite3_column_text (row, (int) i));
    }
  g_string_append (out, "\r\n");
}

/* See sheet.h. */
gboolean
sheet_append (sqlite3 *db, const struct form_kind *kind, GString *out, GError **error)
{
  g_autoptr (GPtrArray) fields = sheet_fields (kind);
  g_autofree char *sql = sheet_sql (kind, fields);
  g_autoptr (sqlite3_stmt) rows = db_prepare (db, sql, error);
  int rc;

  if (rows == NULL)
    return FALSE;
  for (guint i = 0; i < fields->len; i++)
    {
      g_string_append (out, i > 0 ? "," : "");
      csv_append_cell (out, ((const FormFieldSpec *) fields->pdata[i])->name);
    }
  g_string_append (out, "\r\n");
  while ((rc = sqlite3_step (rows)) == SQLITE_ROW)
    append_row (out, rows, fields);
  if (rc == SQLITE_DONE)
    return TRUE;
  db_set_error (db, error, "reading the register");
  return FALSE;
}
