/* Filing checked records into the registers, with their history.  The
 * statements are built from the constant table and column names of the form
 * tables (parsers/form-*.c), never from input; every value is bound. */
#include "gateway/store/registers.h"

#include <stdarg.h>
#include <string.h>

#include "gateway/store/db.h"

#define SAVEPOINT "SAVEPOINT registers_file"
#define ROLLBACK_TO "ROLLBACK TO registers_file"
#define RELEASE "RELEASE registers_file"

/* One record being filed. */
typedef struct {
  sqlite3 *db;
  const char *prefix;
  const struct form_kind *kind;
  FormRecord *rec;
  gint64 submission_id;       /* <= 0: bound as NULL */
  char *now;                  /* ISO 8601 UTC */
  int year;
  gboolean refused;           /* a problem was added */
  FiledRecord *out;
  gboolean import;            /* a staff import: registers_import's rules */
} Filing;

/* Registers whose references no form files. */
static const struct {
  const char *ref_kind;
  const char *table;
} other_registers[] = {
  { "VIS", "visits" },
  { "MTG", "meetings" },
  { "CIR", "circulars" },
  { "SUB", "submissions" },
};

/* What a reference field with a column of its own may name. */
static const char *const result_targets[] = { "REQ", "OFF", NULL };
static const char *const visit_targets[] = { "VIS", NULL };
static const struct {
  const char *field;
  const char *const *ref_kinds;
  ProblemCode not_one;   /* the problem when a reference is of another kind */
} target_rules[] = {
  { "Reference", result_targets, PROBLEM_NOT_REQUEST_OR_OFFER_REFERENCE },
  { "Visit", visit_targets, PROBLEM_NOT_VISIT_REFERENCE },
};

static const char *const how_names[] = {
  [FILED_NEW] = "new",
  [FILED_UPDATED] = "updated",
  [FILED_UNCHANGED] = "unchanged",
  [FILED_WITHDRAWN] = "withdrawn",
  [FILED_REFUSED] = "refused",
};

/* The word for how, as the acknowledgement writes it. */
const char *
filed_how_name (FiledHow how)
{
  if ((guint) how >= G_N_ELEMENTS (how_names))
    return "refused";
  return how_names[how];
}

/* Frees what out holds; out itself belongs to the caller. */
void
filed_record_clear (FiledRecord *out)
{
  g_clear_pointer (&out->reference, g_free);
  g_clear_pointer (&out->changed, g_ptr_array_unref);
  g_clear_pointer (&out->deactivated, g_ptr_array_unref);
  out->how = FILED_REFUSED;
}

/* The form that files references of ref_kind, or NULL. */
static const struct form_kind *
form_of_ref_kind (const char *ref_kind)
{
  for (guint i = 0; ref_kind != NULL && form_kinds[i] != NULL; i++)
    if (g_strcmp0 (form_kinds[i]->ref_kind, ref_kind) == 0)
      return form_kinds[i];
  return NULL;
}

/* The table that holds references of ref_kind, or NULL. */
static const char *
table_of_ref_kind (const char *ref_kind)
{
  const struct form_kind *kind = form_of_ref_kind (ref_kind);

  if (kind != NULL)
    return kind->register_name;
  for (gsize i = 0; ref_kind != NULL && i < G_N_ELEMENTS (other_registers); i++)
    if (strcmp (other_registers[i].ref_kind, ref_kind) == 0)
      return other_registers[i].table;
  return NULL;
}

/* TRUE when Reference: of this kind names a record of its own register. */
static gboolean
kind_has_updates (const struct form_kind *kind)
{
  for (guint i = 0; i < kind->n_fields; i++)
    if (kind->fields[i].type == FIELD_REFERENCE && kind->fields[i].column == NULL)
      return TRUE;
  return FALSE;
}

/* The normalized value of spec's column in rec, or NULL. */
static const char *
column_value (const FormRecord *rec, const FormFieldSpec *spec)
{
  if (rec->columns == NULL || spec->column == NULL)
    return NULL;
  return g_hash_table_lookup (rec->columns, spec->column);
}

/* TRUE when the record wrote the field itself (not a default form_check
 * filled in); records built without values count every column as written. */
static gboolean
field_written (const FormRecord *rec, const FormFieldSpec *spec)
{
  if (rec->values == NULL || rec->values->len == 0)
    return TRUE;
  for (guint i = 0; i < rec->values->len; i++)
    {
      const FormValue *v = g_ptr_array_index (rec->values, i);
      if (v->key != NULL && g_ascii_strcasecmp (v->key, spec->name) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Adds a problem about field (may be NULL) to the record: it is not filed.
 * The answer names the field as the parser's problems do: `field "Visit": ...`.
 * The problem's arguments follow code, NULL-terminated. */
static void G_GNUC_NULL_TERMINATED
refuse (Filing *f, const char *field, ProblemCode code, ...)
{
  va_list args;
  va_start (args, code);
  FormProblem *p = problem_new (f->rec->source, form_record_line (f->rec, field ? field : "Form"),
                                f->rec->csv, field, code, NULL, args);
  va_end (args);
  g_ptr_array_add (f->rec->problems, p);
  f->refused = TRUE;
}

/* Steps stmt to its end.  A constraint the register puts on a value refuses
 * the record; any other failure is an error. */
static gboolean
run (Filing *f, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE)
    return TRUE;
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      refuse (f, NULL, PROBLEM_NOT_FILED, sqlite3_errmsg (f->db), NULL);
      return TRUE;
    }
  db_set_error (f->db, error, f->kind->register_name);
  return FALSE;
}

/* Binds the submission id, NULL when there is none. */
static void
bind_submission (Filing *f, sqlite3_stmt *stmt, int index)
{
  if (f->submission_id > 0)
    sqlite3_bind_int64 (stmt, index, f->submission_id);
  else
    sqlite3_bind_null (stmt, index);
}

/* What one row of a register's history says changed; borrowed. */
typedef struct {
  const char *field;      /* NULL: the record as a whole */
  const char *old_value;
  const char *new_value;
  const char *action;     /* update, withdraw */
} HistoryChange;

/* One row of the register's history. */
static gboolean
history_add (Filing *f, gint64 record_id, const HistoryChange *c, GError **error)
{
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO %s_history (record_id, submission_id, changed, field,"
    " old_value, new_value, action) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    f->kind->register_name);
  g_autoptr (sqlite3_stmt) stmt = db_prepare (f->db, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, record_id);
  bind_submission (f, stmt, 2);
  sqlite3_bind_text (stmt, 3, f->now, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, c->field, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, c->old_value, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, c->new_value, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, c->action, -1, SQLITE_STATIC);
  return run (f, stmt, error);
}

/* The 'create' history of a new record: a row a field of specs, all in
 * one statement (a statement a row costs a new record most of its time). */
static gboolean
history_create (Filing *f, gint64 record_id, GPtrArray *specs, GError **error)
{
  if (specs->len == 0)
    return TRUE;
  g_autoptr (GString) sql = g_string_new (NULL);
  g_string_printf (sql, "INSERT INTO %s_history (record_id, submission_id, changed, field,"
                   " old_value, new_value, action) VALUES", f->kind->register_name);
  for (guint i = 0; i < specs->len; i++)
    g_string_append_printf (sql, "%s (?1, ?2, ?3, ?%u, NULL, ?%u, 'create')",
                            i > 0 ? "," : "", 4 + 2 * i, 5 + 2 * i);
  g_autoptr (sqlite3_stmt) stmt = db_prepare (f->db, sql->str, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, record_id);
  bind_submission (f, stmt, 2);
  sqlite3_bind_text (stmt, 3, f->now, -1, SQLITE_STATIC);
  for (guint i = 0; i < specs->len; i++)
    {
      const FormFieldSpec *spec = g_ptr_array_index (specs, i);
      sqlite3_bind_text (stmt, (int) (4 + 2 * i), spec->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, (int) (5 + 2 * i), column_value (f->rec, spec), -1,
                         SQLITE_STATIC);
    }
  return run (f, stmt, error);
}

/* TRUE (in *found) when table has a record with reference. */
static gboolean
reference_exists (Filing *f, const char *table, const char *reference,
                  gboolean *found, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT 1 FROM %s WHERE reference = ?1", table);
  g_autoptr (sqlite3_stmt) stmt = db_prepare (f->db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, reference, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  *found = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;
  db_set_error (f->db, error, table);
  return FALSE;
}

/* The rule for a reference field with a column of its own, or -1. */
static int
target_rule (const FormFieldSpec *spec)
{
  for (gsize i = 0; i < G_N_ELEMENTS (target_rules); i++)
    if (strcmp (target_rules[i].field, spec->name) == 0)
      return (int) i;
  return -1;
}

/* Refuses a result's target or a Visit that names no existing record of
 * the registers it may name. */
static gboolean
check_target (Filing *f, const FormFieldSpec *spec, GError **error)
{
  const char *value = column_value (f->rec, spec);
  int rule = target_rule (spec);
  g_autofree char *ref_kind = NULL;
  gboolean found = FALSE;

  if (value == NULL || rule < 0)
    return TRUE;
  ref_kind = form_reference_kind (value);
  if (ref_kind == NULL || !g_strv_contains (target_rules[rule].ref_kinds, ref_kind))
    {
      refuse (f, spec->name, target_rules[rule].not_one, value, NULL);
      return TRUE;
    }
  if (!reference_exists (f, table_of_ref_kind (ref_kind), value, &found, error))
    return FALSE;
  if (!found)
    refuse (f, spec->name, PROBLEM_NOT_IN_REGISTER, value, table_of_ref_kind (ref_kind), NULL);
  return TRUE;
}

/* Checks every reference field that has a column (results, visits). */
static gboolean
check_targets (Filing *f, GError **error)
{
  for (guint i = 0; i < f->kind->n_fields && !f->refused; i++)
    {
      const FormFieldSpec *spec = &f->kind->fields[i];
      if (spec->type == FIELD_REFERENCE && spec->column != NULL
          && !check_target (f, spec, error))
        return FALSE;
    }
  return TRUE;
}

/* Refuses a new record without a required value (form_check should have). */
static void
check_required (Filing *f)
{
  for (guint i = 0; i < f->kind->n_fields && !f->refused; i++)
    {
      const FormFieldSpec *spec = &f->kind->fields[i];
      if (spec->required && spec->column != NULL && column_value (f->rec, spec) == NULL)
        refuse (f, spec->name, PROBLEM_NEEDS_VALUE, NULL);
    }
}

/* The reference a filed record is known by: its own, else the visit's. */
static char *
filed_reference (const Filing *f, const char *reference)
{
  if (reference != NULL)
    return g_strdup (reference);
  for (guint i = 0; i < f->kind->n_fields; i++)
    if (f->kind->fields[i].type == FIELD_REFERENCE && f->kind->fields[i].column != NULL)
      return g_strdup (column_value (f->rec, &f->kind->fields[i]));
  return NULL;
}

/* INSERT INTO table (reference, submission_id, created, updated, cols...)
 * for the columns that have a value (defaults are form_check's to fill in;
 * a column without one keeps the table's); specs gets their specs. */
static char *
insert_sql (const Filing *f, GPtrArray *specs)
{
  g_autoptr (GString) sql = g_string_new (NULL);

  g_string_printf (sql, "INSERT INTO %s (reference, submission_id, created, updated",
                   f->kind->register_name);
  for (guint i = 0; i < f->kind->n_fields; i++)
    {
      const FormFieldSpec *spec = &f->kind->fields[i];
      if (spec->column == NULL || column_value (f->rec, spec) == NULL)
        continue;
      g_string_append_printf (sql, ", %s", spec->column);
      g_ptr_array_add (specs, (gpointer) spec);
    }
  g_string_append (sql, ") VALUES (?1, ?2, ?3, ?3");
  for (guint i = 0; i < specs->len; i++)
    g_string_append_printf (sql, ", ?%u", i + 4);
  g_string_append (sql, ")");
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

/* Writes a new record with reference (may be NULL); *id gets its row id. */
static gboolean
insert_row (Filing *f, const char *reference, GPtrArray *specs, gint64 *id, GError **error)
{
  g_autofree char *sql = insert_sql (f, specs);
  g_autoptr (sqlite3_stmt) stmt = db_prepare (f->db, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, reference, -1, SQLITE_STATIC);
  bind_submission (f, stmt, 2);
  sqlite3_bind_text (stmt, 3, f->now, -1, SQLITE_STATIC);
  for (guint i = 0; i < specs->len; i++)
    sqlite3_bind_text (stmt, (int) i + 4, column_value (f->rec, g_ptr_array_index (specs, i)),
                       -1, SQLITE_STATIC);
  if (!run (f, stmt, error))
    return FALSE;
  *id = sqlite3_last_insert_rowid (f->db);
  return TRUE;
}

/* A new record: the row, under a new reference or the one given (which
 * is claimed), and a 'create' history row a field. */
static gboolean
insert_record (Filing *f, const char *given, gint64 *id, GError **error)
{
  g_autoptr (GPtrArray) specs = g_ptr_array_new ();
  g_autofree char *reference = g_strdup (given);

  if (given != NULL && !db_claim_reference (f->db, given, error))
    return FALSE;
  if (given == NULL && f->kind->ref_kind != NULL)
    {
      reference = db_next_reference (f->db, f->prefix, f->kind->ref_kind, f->year, error);
      if (reference == NULL)
        return FALSE;
    }
  if (!insert_row (f, reference, specs, id, error))
    return FALSE;
  if (f->refused)
    return TRUE;
  if (!history_create (f, *id, specs, error))
    return FALSE;
  f->out->how = FILED_NEW;
  f->out->reference = filed_reference (f, reference);
  return TRUE;
}

/* A record as stored: its id, reference, state and a value per field of
 * the kind (NULL for fields without a column). */
typedef struct {
  gint64 id;
  char *reference;
  gboolean withdrawn;
  GPtrArray *values;
} StoredRecord;

/* Frees what a StoredRecord holds. */
static void
stored_record_clear (StoredRecord *s)
{
  g_clear_pointer (&s->reference, g_free);
  g_clear_pointer (&s->values, g_ptr_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StoredRecord, stored_record_clear)

/* SELECT id, reference, state and every field's column of record ?1. */
static char *
select_sql (const struct form_kind *kind)
{
  g_autoptr (GString) sql = g_string_new ("SELECT id, reference, state");

  for (guint i = 0; i < kind->n_fields; i++)
    g_string_append_printf (sql, ", %s",
                            kind->fields[i].column != NULL ? kind->fields[i].column : "NULL");
  g_string_append_printf (sql, " FROM %s WHERE id = ?1", kind->register_name);
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

/* Reads record id of the register into *stored. */
static gboolean
stored_load (Filing *f, gint64 id, StoredRecord *stored, GError **error)
{
  g_autofree char *sql = select_sql (f->kind);
  g_autoptr (sqlite3_stmt) stmt = db_prepare (f->db, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      db_set_error (f->db, error, f->kind->register_name);
      return FALSE;
    }
  stored->id = id;
  stored->reference = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  stored->withdrawn = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 2), "withdrawn") == 0;
  stored->values = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < f->kind->n_fields; i++)
    g_ptr_array_add (stored->values, g_strdup ((const char *) sqlite3_column_text (stmt, (int) i + 3)));
  return TRUE;
}

/* The id of the register's record with reference, or 0 (in *id). */
static gboolean
record_id (Filing *f, const char *reference, gint64 *id, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM %s WHERE reference = ?1",
                                          f->kind->register_name);
  g_autoptr (sqlite3_stmt) stmt = db_prepare (f->db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, reference, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  *id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;
  db_set_error (f->db, error, f->kind->register_name);
  return FALSE;
}

/* The indexes of the fields whose written value differs from the stored. */
static GArray *
changed_fields (const Filing *f, const StoredRecord *old)
{
  GArray *changed = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < f->kind->n_fields; i++)
    {
      const FormFieldSpec *spec = &f->kind->fields[i];
      const char *value = column_value (f->rec, spec);
      if (value != NULL && field_written (f->rec, spec)
          && g_strcmp0 (g_ptr_array_index (old->values, i), value) != 0)
        g_array_append_val (changed, i);
    }
  return changed;
}

/* UPDATE table SET the changed columns, updated WHERE id. */
static char *
update_sql (const Filing *f, const GArray *changed)
{
  g_autoptr (GString) sql = g_string_new (NULL);

  g_string_printf (sql, "UPDATE %s SET ", f->kind->register_name);
  for (guint i = 0; i < changed->len; i++)
    g_string_append_printf (sql, "%s = ?%u, ",
                            f->kind->fields[g_array_index (changed, guint, i)].column, i + 1);
  g_string_append_printf (sql, "updated = ?%u WHERE id = ?%u", changed->len + 1, changed->len + 2);
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

/* Writes the changed columns of record old->id. */
static gboolean
update_row (Filing *f, const StoredRecord *old, const GArray *changed, GError **error)
{
  g_autofree char *sql = update_sql (f, changed);
  g_autoptr (sqlite3_stmt) stmt = db_prepare (f->db, sql, error);

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < changed->len; i++)
    sqlite3_bind_text (stmt, (int) i + 1,
                       column_value (f->rec, &f->kind->fields[g_array_index (changed, guint, i)]),
                       -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, (int) changed->len + 1, f->now, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, (int) changed->len + 2, old->id);
  return run (f, stmt, error);
}

/* Merges the fields the record wrote into record id, with an 'update'
 * history row and a name in out->changed for each field that changed. */
static gboolean
update_record (Filing *f, gint64 id, GError **error)
{
  g_auto (StoredRecord) old = { 0 };
  g_autoptr (GArray) changed = NULL;

  if (!stored_load (f, id, &old, error))
    return FALSE;
  if (old.withdrawn)
    {
      refuse (f, "Reference", PROBLEM_WITHDRAWN, old.reference, NULL);
      return TRUE;
    }
  f->out->reference = g_strdup (old.reference);
  f->out->how = FILED_UNCHANGED;
  changed = changed_fields (f, &old);
  if (changed->len == 0)
    return TRUE;
  if (!update_row (f, &old, changed, error))
    return FALSE;
  if (f->refused)
    return TRUE;
  for (guint i = 0; i < changed->len; i++)
    {
      guint field = g_array_index (changed, guint, i);
      const FormFieldSpec *spec = &f->kind->fields[field];
      HistoryChange c = { spec->name, g_ptr_array_index (old.values, field),
                          column_value (f->rec, spec), "update" };
      if (!history_add (f, id, &c, error))
        return FALSE;
      g_ptr_array_add (f->out->changed, g_strdup (spec->name));
    }
  f->out->how = FILED_UPDATED;
  return TRUE;
}

/* Marks record id withdrawn, with a 'withdraw' history row; withdrawing it
 * again changes nothing. */
static gboolean
withdraw_record (Filing *f, gint64 id, GError **error)
{
  g_auto (StoredRecord) old = { 0 };
  g_autofree char *sql = g_strdup_printf (
    "UPDATE %s SET state = 'withdrawn', updated = ?2 WHERE id = ?1", f->kind->register_name);
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (!stored_load (f, id, &old, error))
    return FALSE;
  f->out->reference = g_strdup (old.reference);
  f->out->how = FILED_WITHDRAWN;
  if (old.withdrawn)
    return TRUE;
  stmt = db_prepare (f->db, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, f->now, -1, SQLITE_STATIC);
  return run (f, stmt, error)
         && history_add (f, id, &(HistoryChange) { NULL, "active", "withdrawn", "withdraw" },
                         error);
}

/* Says which form a reference of another register belongs to. */
static void
refuse_other_register (Filing *f, const char *ref_kind)
{
  const char *reference = f->rec->reference;
  const struct form_kind *other = form_of_ref_kind (ref_kind);
  const char *table = table_of_ref_kind (ref_kind);

  if (other != NULL)
    refuse (f, "Reference", PROBLEM_SEND_WITH_FORM, reference, other->register_name,
            other->name, NULL);
  else if (table != NULL)
    refuse (f, "Reference", PROBLEM_OTHER_REGISTER, reference, table,
            f->kind->register_name, NULL);
  else
    refuse (f, "Reference", PROBLEM_NOT_OF_REGISTER, reference, f->kind->register_name, NULL);
}

/* TRUE for the contact-point register, which has rules of its own. */
static gboolean
is_contacts (const Filing *f)
{
  return strcmp (f->kind->register_name, "contacts") == 0;
}

/* The value the record gives the field called name, or NULL. */
static const char *
named_value (const Filing *f, const char *name)
{
  const FormFieldSpec *spec = form_kind_field (f->kind, name);

  return spec != NULL ? column_value (f->rec, spec) : NULL;
}

/* The contact that a contact-point without Reference sends again: the
 * active one of the same entity with the same email, or 0 (in *id). */
static gboolean
contact_resent (Filing *f, gint64 *id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = db_prepare (f->db,
    "SELECT id FROM contacts WHERE entity = ?1 AND address_key = address (?2)"
    " AND state = 'active' AND status != 'inactive' ORDER BY id LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, named_value (f, "Entity"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, named_value (f, "Email"), -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  *id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;
  db_set_error (f->db, error, "contacts");
  return FALSE;
}

/* Marks one replaced contact inactive, with its history row. */
static gboolean
contact_deactivate (Filing *f, gint64 id, const char *status, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = db_prepare (f->db,
    "UPDATE contacts SET status = 'inactive', updated = ?2 WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, f->now, -1, SQLITE_STATIC);
  return run (f, stmt, error)
         && history_add (f, id, &(HistoryChange) { "Status", status, "inactive", "update" },
                         error);
}

/* The active contacts of contact id's entity with address email, other
 * than id: their ids, statuses and references. */
static gboolean
contacts_named (Filing *f, gint64 id, const char *email, GArray *ids,
                GPtrArray *statuses, GPtrArray *references, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = db_prepare (f->db,
    "SELECT id, status, reference FROM contacts"
    " WHERE entity = (SELECT entity FROM contacts WHERE id = ?1)"
    " AND address_key = address (?2) AND id != ?1 AND state = 'active'"
    " AND status != 'inactive'", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, email, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 other = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, other);
      g_ptr_array_add (statuses, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
      g_ptr_array_add (references, g_strdup ((const char *) sqlite3_column_text (stmt, 2)));
    }
  if (rc == SQLITE_DONE)
    return TRUE;
  db_set_error (f->db, error, "contacts");
  return FALSE;
}

/* Replaces: the contact of the same entity with that address becomes
 * inactive (so it no longer speaks for the entity nor gets circulars);
 * out->deactivated names it for the answer. */
static gboolean
contacts_replace (Filing *f, gint64 id, GError **error)
{
  const char *replaces = named_value (f, "Replaces");
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GPtrArray) statuses = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) references = g_ptr_array_new_with_free_func (g_free);

  if (replaces == NULL)
    return TRUE;
  if (!contacts_named (f, id, replaces, ids, statuses, references, error))
    return FALSE;
  for (guint i = 0; i < ids->len && !f->refused; i++)
    if (!contact_deactivate (f, g_array_index (ids, gint64, i),
                             g_ptr_array_index (statuses, i), error))
      return FALSE;
  if (references->len > 0 && !f->refused)
    f->out->deactivated = g_steal_pointer (&references);
  return TRUE;
}

/* WHERE col IS ?n for every field with a column, in the kind's order. */
static char *
same_sql (const Filing *f)
{
  g_autoptr (GString) sql = g_string_new (NULL);

  g_string_printf (sql, "SELECT id FROM %s WHERE state = 'active'", f->kind->register_name);
  for (guint i = 0; i < f->kind->n_fields; i++)
    if (f->kind->fields[i].column != NULL)
      g_string_append_printf (sql, " AND %s IS ?%u", f->kind->fields[i].column, i + 1);
  g_string_append (sql, " ORDER BY id LIMIT 1");
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

/* The active record that has every value of an imported row without
 * Reference, or 0 (in *id): a row imported again is that record. */
static gboolean
same_record (Filing *f, gint64 *id, GError **error)
{
  g_autofree char *sql = same_sql (f);
  g_autoptr (sqlite3_stmt) stmt = db_prepare (f->db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < f->kind->n_fields; i++)
    if (f->kind->fields[i].column != NULL)
      sqlite3_bind_text (stmt, (int) i + 1, column_value (f->rec, &f->kind->fields[i]), -1,
                         SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  *id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;
  db_set_error (f->db, error, f->kind->register_name);
  return FALSE;
}

/* The checks of a record to insert: its required fields, then what its
 * references name.  FALSE on a database failure; f->refused says whether
 * the record passed. */
static gboolean
check_new (Filing *f, GError **error)
{
  check_required (f);
  return f->refused || check_targets (f, error);
}

/* A record without Reference: a new record (or, for a contact point sent
 * again, an update of the one there is). */
static gboolean
file_new (Filing *f, GError **error)
{
  gint64 id = 0;

  if (!check_new (f, error))
    return FALSE;
  if (f->refused)
    return TRUE;
  if (is_contacts (f) && !contact_resent (f, &id, error))
    return FALSE;
  if (f->import && !is_contacts (f) && !same_record (f, &id, error))
    return FALSE;
  if (id != 0 ? !update_record (f, id, error) : !insert_record (f, NULL, &id, error))
    return FALSE;
  if (is_contacts (f) && !f->refused)
    return contacts_replace (f, id, error);
  return TRUE;
}

/* An imported row whose Reference is not in the register: a new record
 * under that reference (a register moved to another database), withdrawn
 * when the row says so. */
static gboolean
file_restored (Filing *f, GError **error)
{
  gint64 id = 0;

  if (!check_new (f, error))
    return FALSE;
  if (f->refused)
    return TRUE;
  if (!insert_record (f, f->rec->reference, &id, error))
    return FALSE;
  if (f->refused)
    return TRUE;
  if (f->rec->withdraw)
    {
      g_clear_pointer (&f->out->reference, g_free);
      return withdraw_record (f, id, error);
    }
  return !is_contacts (f) || contacts_replace (f, id, error);
}

/* A record with Reference: update or withdraw that record. */
static gboolean
file_existing (Filing *f, GError **error)
{
  const char *reference = f->rec->reference;
  g_autofree char *ref_kind = form_reference_kind (reference);
  gint64 id = 0;

  if (g_strcmp0 (ref_kind, f->kind->ref_kind) != 0)
    {
      refuse_other_register (f, ref_kind);
      return TRUE;
    }
  if (!record_id (f, reference, &id, error))
    return FALSE;
  if (id == 0 && f->import)
    return file_restored (f, error);
  if (id == 0)
    {
      refuse (f, "Reference", PROBLEM_NOT_IN_REGISTER, reference, f->kind->register_name,
              NULL);
      return TRUE;
    }
  if (f->rec->withdraw)
    return withdraw_record (f, id, error);
  if (!check_targets (f, error) || (!f->refused && !update_record (f, id, error)))
    return FALSE;
  if (is_contacts (f) && !f->refused)
    return contacts_replace (f, id, error);
  return TRUE;
}

/* The one way records enter the registers: see registers.h. */
static gboolean
file_record (sqlite3 *db, const char *prefix, FormRecord *rec, gint64 submission_id,
             gboolean import, FiledRecord *out, GError **error)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  Filing f = { db, prefix != NULL ? prefix : "CTC", rec->kind, rec, submission_id,
               stamp, g_date_time_get_year (now), FALSE, out, import };
  gboolean ok;

  *out = (FiledRecord) { FILED_REFUSED, NULL, g_ptr_array_new_with_free_func (g_free) };
  if (rec->kind == NULL || (rec->problems != NULL && rec->problems->len > 0))
    return TRUE;
  if (!db_exec (db, SAVEPOINT, error))
    return FALSE;
  if (kind_has_updates (rec->kind) && rec->reference != NULL)
    ok = file_existing (&f, error);
  else
    ok = file_new (&f, error);
  if (!ok || f.refused)
    {
      sqlite3_exec (db, ROLLBACK_TO, NULL, NULL, NULL);
      g_clear_pointer (&out->reference, g_free);
      g_ptr_array_set_size (out->changed, 0);
      g_clear_pointer (&out->deactivated, g_ptr_array_unref);
      out->how = FILED_REFUSED;
    }
  if (sqlite3_exec (db, RELEASE, NULL, NULL, NULL) != SQLITE_OK && ok)
    {
      db_set_error (db, error, "filing a record");
      return FALSE;
    }
  return ok;
}

gboolean
registers_file (sqlite3 *db, const char *prefix, FormRecord *rec,
                gint64 submission_id, FiledRecord *out, GError **error)
{
  return file_record (db, prefix, rec, submission_id, FALSE, out, error);
}

gboolean
registers_import (sqlite3 *db, const char *prefix, FormRecord *rec,
                  gint64 submission_id, FiledRecord *out, GError **error)
{
  return file_record (db, prefix, rec, submission_id, TRUE, out, error);
}

/* FormLookup.entity over the entities register. */
static char *
lookup_entity (gpointer data, const char *text, char **suggestion)
{
  return db_entity_resolve (data, text, suggestion);
}

/* FormLookup.group over the groups register. */
static char *
lookup_group (gpointer data, const char *text)
{
  return db_group_resolve (data, text);
}

/* FormLookup.is_state: whether code is a State in the entities register. */
static gboolean
lookup_is_state (gpointer data, const char *code)
{
  g_autoptr (sqlite3_stmt) stmt = db_prepare (data,
    "SELECT 1 FROM entities WHERE code = ?1 AND kind = 'state'", NULL);

  if (stmt == NULL || code == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

/* The parser resolves names through the registers without knowing SQLite. */
FormLookup
registers_lookup (sqlite3 *db)
{
  FormLookup lookup = { db, lookup_entity, lookup_group, lookup_is_state };

  return lookup;
}

/* Every text of column 0 of stmt's rows, as a new array of new strings. */
static GPtrArray *
column_strings (sqlite3_stmt *stmt)
{
  GPtrArray *strings = g_ptr_array_new_with_free_func (g_free);

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    if (sqlite3_column_text (stmt, 0) != NULL)
      g_ptr_array_add (strings, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  return strings;
}

/* Whom a sender speaks for (docs/submissions.md section 6). */
GPtrArray *
registers_sender_entities (sqlite3 *db, const char *email)
{
  g_autoptr (sqlite3_stmt) stmt = db_prepare (db,
    "SELECT DISTINCT entity FROM contacts WHERE address_key = address (?1)"
    " AND state = 'active' AND status != 'inactive' ORDER BY entity", NULL);

  if (email == NULL)
    return g_ptr_array_new_with_free_func (g_free);
  if (stmt != NULL)
    sqlite3_bind_text (stmt, 1, email, -1, SQLITE_STATIC);
  return column_strings (stmt);
}

/* See registers.h: whom a sender could pretend to be (docs/submissions.md
 * section 6), through the indexes contacts_address and contacts_skeleton. */
gboolean
registers_contact_look_alike (sqlite3 *db, const char *key, const char *skeleton,
                              gboolean *is_contact, char **like, GError **error)
{
  *is_contact = FALSE;
  *like = NULL;
  if (key != NULL)
    {
      g_autoptr (sqlite3_stmt) is = db_prepare (db,
        "SELECT 1 FROM contacts WHERE address_key = ?1 AND state = 'active' LIMIT 1", error);
      if (is == NULL)
        return FALSE;
      sqlite3_bind_text (is, 1, key, -1, SQLITE_STATIC);
      int rc = sqlite3_step (is);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          db_set_error (db, error, "contacts");
          return FALSE;
        }
      *is_contact = rc == SQLITE_ROW;
    }
  if (*is_contact || skeleton == NULL)
    return TRUE;
  g_autoptr (sqlite3_stmt) looks = db_prepare (db,
    "SELECT email FROM contacts WHERE skeleton = ?1 AND state = 'active'"
    " ORDER BY email LIMIT 1", error);
  if (looks == NULL)
    return FALSE;
  sqlite3_bind_text (looks, 1, skeleton, -1, SQLITE_STATIC);
  int rc = sqlite3_step (looks);
  if (rc == SQLITE_ROW)
    *like = g_strdup ((const char *) sqlite3_column_text (looks, 0));
  else if (rc != SQLITE_DONE)
    {
      db_set_error (db, error, "contacts");
      return FALSE;
    }
  return TRUE;
}

/* A visit-consent speaks for the State visited. */
char *
registers_visit_state (sqlite3 *db, const char *visit_reference)
{
  g_autoptr (sqlite3_stmt) stmt = db_prepare (db,
    "SELECT state_code FROM visits WHERE reference = ?1", NULL);

  if (stmt == NULL || visit_reference == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, visit_reference, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

/* See registers.h. */
char *
registers_entity_name (sqlite3 *db, const char *code)
{
  g_autoptr (sqlite3_stmt) stmt = db_prepare (db, "SELECT name FROM entities WHERE code = ?1",
                                              NULL);

  if (stmt == NULL || code == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

/* The stored value of the owner field of the record rec updates, or NULL. */
static char *
stored_owner_value (sqlite3 *db, const FormRecord *rec, const FormFieldSpec *spec,
                    gboolean *found)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM %s WHERE reference = ?1",
                                          spec->column, rec->kind->register_name);
  g_autoptr (sqlite3_stmt) stmt = db_prepare (db, sql, NULL);

  *found = FALSE;
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, rec->reference, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  *found = TRUE;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

/* An update must come from whoever the stored record speaks for. */
GPtrArray *
registers_record_owners (sqlite3 *db, const FormRecord *rec)
{
  const FormFieldSpec *spec;
  g_autofree char *value = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean found = FALSE;

  if (rec->kind == NULL || rec->reference == NULL || rec->kind->owner_field == NULL
      || !kind_has_updates (rec->kind))
    return NULL;
  spec = form_kind_field (rec->kind, rec->kind->owner_field);
  if (spec == NULL || spec->column == NULL)
    return NULL;
  value = stored_owner_value (db, rec, spec, &found);
  if (!found)
    return NULL;
  if (spec->type != FIELD_ENTITIES)
    stmt = db_prepare (db, "SELECT ?1", NULL);
  else
    stmt = db_prepare (db, "SELECT value FROM json_each (CASE WHEN json_valid (?1) THEN ?1 ELSE '[]' END)", NULL);
  if (stmt != NULL)
    sqlite3_bind_text (stmt, 1, value, -1, SQLITE_STATIC);
  return column_strings (stmt);
}
