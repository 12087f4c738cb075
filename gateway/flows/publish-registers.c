/* What is public (ctcgw(8), publish): the registers the site shows and,
 * of each, the columns it shows.  This list is the whole rule: a register
 * or a column not named here is never read for the site.  Requests,
 * results, visits and their information, consents, assessments,
 * submissions and the quarantine are not in it; neither are a contact
 * point's telephone, nor its name and address unless it agreed (Publish:
 * yes, docs/submissions.md section 5). */
#include <string.h>

#include "gateway/store/db.h"
#include "gateway/flows/publish-site.h"

static const char *const offer_columns[] = {
  "reference", "updated", "title", "providers", "areas", "beneficiaries", "start_date",
  "end_date", "status", "objectives", "description", NULL };
static const char *const inventory_columns[] = {
  "reference", "updated", "title", "entity", "kind", "year", "areas", "description", NULL };
static const char *const source_columns[] = {
  "reference", "updated", "title", "provider", "kind", "areas", "url", "languages",
  "description", NULL };
static const char *const standard_columns[] = {
  "reference", "updated", "title", "issuer", "areas", "year", "citation", "url", "summary",
  NULL };

static const char *const offer_sorts[] = { "start_date", "title", "providers", "status", NULL };
static const char *const inventory_sorts[] = { "entity", "title", "kind", "year", NULL };
static const char *const source_sorts[] = { "title", "provider", "kind", NULL };
static const char *const standard_sorts[] = { "title", "issuer", "year", NULL };

const PublicRegister publish_registers[] = {
  { "offers", offer_columns, "providers", offer_sorts },
  { "inventory", inventory_columns, "entity", inventory_sorts },
  { "sources", source_columns, "provider", source_sorts },
  { "standards", standard_columns, "issuer", standard_sorts },
};
const guint publish_n_registers = G_N_ELEMENTS (publish_registers);

const char *const publish_contact_columns[] = { "name", "title", "office", "email", NULL };
const char *const publish_meeting_columns[] = {
  "reference", "updated", "title", "start", "end", "tz", "location", "status", "uid", NULL };

void
public_data_free (PublicData *data)
{
  if (data == NULL)
    return;
  g_ptr_array_unref (data->entries);
  g_ptr_array_unref (data->meetings);
  g_hash_table_unref (data->names);
  g_ptr_array_unref (data->organizations);
  g_free (data->updated);
  g_free (data);
}

static void
entry_free (PublicEntry *entry)
{
  g_hash_table_unref (entry->values);
  g_ptr_array_unref (entry->contacts);
  g_free (entry->lang);
  g_free (entry);
}

/* SELECT of the columns of a list (quoted: "end" is a keyword), from the
 * constant lists above only. */
static char *
select_sql (const char *const *columns, const char *extra, const char *from)
{
  g_autoptr (GString) sql = g_string_new ("SELECT ");
  for (guint i = 0; columns[i] != NULL; i++)
    g_string_append_printf (sql, "%st.\"%s\"", i ? ", " : "", columns[i]);
  g_string_append_printf (sql, "%s FROM %s", extra, from);
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

/* The columns of the current row of st as a table. */
static GHashTable *
row_values (sqlite3_stmt *st, const char *const *columns)
{
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  for (int i = 0; columns[i] != NULL; i++)
    if (sqlite3_column_type (st, i) != SQLITE_NULL)
      g_hash_table_insert (values, (gpointer) columns[i], db_column_dup (st, i));
  return values;
}

/* The contact points an offer names that agreed to be published. */
static GPtrArray *
read_contacts (sqlite3 *db, const char *reference, GError **error)
{
  g_autofree char *sql = select_sql (publish_contact_columns, "",
      "offers o, json_each (CASE WHEN json_valid (o.contacts) THEN o.contacts"
      " ELSE json_array (o.contacts) END) j, contacts t"
      " WHERE o.reference = ?1 AND lower (t.email) = lower (j.value)"
      " AND t.publish = 'yes' AND t.state = 'active' ORDER BY j.key");
  g_autoptr (sqlite3_stmt) st = db_prepare (db, sql, error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_text (st, 1, reference, -1, SQLITE_TRANSIENT);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_ptr_array_add (out, row_values (st, publish_contact_columns));
  if (rc != SQLITE_DONE)
    {
      db_set_error (db, error, "reading the published contact points");
      g_ptr_array_unref (out);
      return NULL;
    }
  return out;
}

/* Adds the active entries of reg to data. */
static gboolean
read_register (sqlite3 *db, const PublicRegister *reg, PublicData *data, GError **error)
{
  g_autofree char *from = g_strdup_printf ("%s t WHERE t.state = 'active'"
                                           " ORDER BY t.reference", reg->table);
  g_autofree char *sql = select_sql (reg->columns, ", (SELECT language FROM submissions s"
                                     " WHERE s.id = t.submission_id)", from);
  g_autoptr (sqlite3_stmt) st = db_prepare (db, sql, error);
  if (st == NULL)
    return FALSE;
  int n = (int) g_strv_length ((char **) reg->columns);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      PublicEntry *entry = g_new0 (PublicEntry, 1);
      entry->reg = reg;
      entry->values = row_values (st, reg->columns);
      entry->lang = db_column_dup (st, n);
      g_ptr_array_add (data->entries, entry);
      entry->contacts = reg == PUBLISH_OFFERS
          ? read_contacts (db, public_value (entry, "reference"), error)
          : g_ptr_array_new ();
      if (entry->contacts == NULL)
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    return db_set_error (db, error, "reading a public register"), FALSE;
  return TRUE;
}

/* The meetings staff marked public. */
static gboolean
read_meetings (sqlite3 *db, PublicData *data, GError **error)
{
  g_autofree char *sql = select_sql (publish_meeting_columns, "", "meetings t"
      " WHERE t.public = 1 AND t.kind = 'meeting' AND t.state = 'active' ORDER BY t.start");
  g_autoptr (sqlite3_stmt) st = db_prepare (db, sql, error);
  if (st == NULL)
    return FALSE;
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_ptr_array_add (data->meetings, row_values (st, publish_meeting_columns));
  if (rc != SQLITE_DONE)
    return db_set_error (db, error, "reading the public meetings"), FALSE;
  return TRUE;
}

/* The English names of the entities, and which organizations have entries
 * (of data's entries, read first). */
static gboolean
read_names (sqlite3 *db, PublicData *data, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db, "SELECT code, name, kind FROM entities"
                                            " ORDER BY code", error);
  if (st == NULL)
    return FALSE;
  g_autoptr (GHashTable) owners = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < data->entries->len; i++)
    {
      const PublicEntry *e = g_ptr_array_index (data->entries, i);
      g_auto (GStrv) codes = public_items (e, e->reg->owner);
      for (guint k = 0; codes[k] != NULL; k++)
        g_hash_table_add (owners, g_strdup (codes[k]));
    }
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      char *code = db_column_dup (st, 0);
      g_hash_table_insert (data->names, code, db_column_dup (st, 1));
      if (g_hash_table_contains (owners, code)
          && g_strcmp0 ((const char *) sqlite3_column_text (st, 2), "organization") == 0)
        g_ptr_array_add (data->organizations, g_strdup (code));
    }
  if (rc != SQLITE_DONE)
    return db_set_error (db, error, "reading the entities"), FALSE;
  return TRUE;
}

PublicData *
public_data_read (sqlite3 *db, GError **error)
{
  g_autoptr (PublicData) data = g_new0 (PublicData, 1);
  data->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  data->meetings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  data->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  data->organizations = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < publish_n_registers; i++)
    if (!read_register (db, &publish_registers[i], data, error))
      return NULL;
  if (!read_meetings (db, data, error) || !read_names (db, data, error))
    return NULL;
  for (guint i = 0; i < data->entries->len; i++)
    {
      const char *updated = public_value (g_ptr_array_index (data->entries, i), "updated");
      if (g_strcmp0 (updated, data->updated) > 0)
        {
          g_free (data->updated);
          data->updated = g_strdup (updated);
        }
    }
  return g_steal_pointer (&data);
}

const char *
public_value (const PublicEntry *entry, const char *column)
{
  const char *value = g_hash_table_lookup (entry->values, column);
  return value != NULL ? value : "";
}

gboolean
public_is_list (const char *column)
{
  static const char *const lists[] = { "providers", "areas", "beneficiaries", "languages",
                                       NULL };
  return g_strv_contains (lists, column);
}

/* The items of a JSON array of strings, as the registers keep lists. */
static char **
json_items (const char *value)
{
  g_autoptr (GStrvBuilder) items = g_strv_builder_new ();
  const char *p = value + 1;
  while (*p != '\0' && *p != ']')
    {
      while (*p == ' ' || *p == ',')
        p++;
      if (*p != '"')
        break;
      g_autoptr (GString) item = g_string_new (NULL);
      for (p++; *p != '\0' && *p != '"'; p++)
        {
          if (*p == '\\' && p[1] != '\0')
            p++;
          g_string_append_c (item, *p);
        }
      if (*p == '"')
        p++;
      g_strv_builder_add (items, item->str);
    }
  return g_strv_builder_end (items);
}

char **
public_items (const PublicEntry *entry, const char *column)
{
  const char *value = public_value (entry, column);
  if (*value == '\0')
    return g_new0 (char *, 1);
  if (public_is_list (column) && value[0] == '[')
    return json_items (value);
  char **one = g_new0 (char *, 2);
  one[0] = g_strdup (value);
  return one;
}

gboolean
public_owned_by (const PublicEntry *entry, const char *code)
{
  g_auto (GStrv) owners = public_items (entry, entry->reg->owner);
  return g_strv_contains ((const char *const *) owners, code);
}
