/* See review.h. */
#include "gateway/flows/review.h"
#include "gateway/store/db.h"
#include "gateway/store/registers.h"

/* Frees a FiledRecord of the trial. */
static void
filed_free (gpointer filed)
{
  filed_record_clear (filed);
  g_free (filed);
}

static gboolean
record_ok (const FormRecord *rec)
{
  return rec->kind != NULL && rec->problems->len == 0;
}

/* Files every checked record of parse, as approving would: one
 * FiledRecord each into filed (refused for a record with problems). */
static gboolean
trial_file (sqlite3 *db, const char *prefix, gint64 submission_id, FormParse *parse,
            GPtrArray *filed, GError **error)
{
  for (guint i = 0; i < parse->records->len; i++)
    {
      FormRecord *rec = parse->records->pdata[i];
      FiledRecord *f = g_new0 (FiledRecord, 1);
      f->how = FILED_REFUSED;
      g_ptr_array_add (filed, f);
      if (record_ok (rec) && !registers_file (db, prefix, rec, submission_id, f, error))
        return FALSE;
    }
  return TRUE;
}

/* The trial of trial_file, undone: nothing of it stays in the registers. */
static GPtrArray *
trial (sqlite3 *db, const char *prefix, gint64 submission_id, FormParse *parse, GError **error)
{
  g_autoptr (GPtrArray) filed = g_ptr_array_new_with_free_func (filed_free);
  if (!db_exec (db, "SAVEPOINT review", error))
    return NULL;
  gboolean ok = trial_file (db, prefix, submission_id, parse, filed, error);
  gboolean undone = db_exec (db, "ROLLBACK TO review; RELEASE review", ok ? error : NULL);
  return ok && undone ? g_steal_pointer (&filed) : NULL;
}

/* Every problem of rec and refusal (may be NULL), one a line, in English. */
static char *
record_problems (const FormRecord *rec, const FormProblem *refusal)
{
  GString *all = g_string_new (NULL);
  for (guint i = 0; i < rec->problems->len; i++)
    {
      g_autofree char *text = form_problem_format (rec->problems->pdata[i]);
      g_string_append_printf (all, "%s%s", all->len ? "\n" : "", text);
    }
  if (refusal != NULL)
    {
      g_autofree char *text = form_problem_format (refusal);
      g_string_append_printf (all, "%s%s", all->len ? "\n" : "", text);
    }
  return g_string_free (all, all->len == 0);
}

#define KEEP_SQL \
  "INSERT INTO quarantine_records (quarantine_id, position, line, source, form, reference," \
  " action, how, changed, problems) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"

/* One row of quarantine_records: record position of the message. */
static gboolean
keep_record (sqlite3 *db, gint64 quarantine_id, guint position, const FormRecord *rec,
             const FiledRecord *filed, const FormProblem *refusal, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db, KEEP_SQL, error);
  if (st == NULL)
    return FALSE;
  gboolean files = record_ok (rec) && filed->how != FILED_REFUSED;
  g_autofree char *changed = files && filed->changed != NULL && filed->changed->len > 0
      ? form_json_array ((const char *const *) filed->changed->pdata, filed->changed->len)
      : NULL;
  g_autofree char *problems = record_problems (rec, refusal);
  sqlite3_bind_int64 (st, 1, quarantine_id);
  sqlite3_bind_int64 (st, 2, position);
  sqlite3_bind_int64 (st, 3, rec->line);
  sqlite3_bind_text (st, 4, rec->source, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 5, rec->kind != NULL ? rec->kind->name : rec->kind_name, -1,
                     SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 6, rec->reference, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 7, files ? "file" : "refuse", -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 8, files ? filed_how_name (filed->how) : NULL, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 9, changed, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 10, problems, -1, SQLITE_TRANSIENT);
  return db_step_done (db, st, "keeping a quarantined record", error);
}

gboolean
review_keep (sqlite3 *db, const char *prefix, gint64 quarantine_id, gint64 submission_id,
             FormParse *parse, GPtrArray *refused, GError **error)
{
  g_autoptr (GPtrArray) filed = trial (db, prefix, submission_id, parse, error);
  if (filed == NULL)
    return FALSE;
  for (guint i = 0; i < parse->records->len; i++)
    if (!keep_record (db, quarantine_id, i, parse->records->pdata[i], filed->pdata[i],
                      i < refused->len ? refused->pdata[i] : NULL, error))
      return FALSE;
  return TRUE;
}

#define KEPT_SQL \
  "SELECT r.position, r.line, r.form, r.action FROM quarantine_records r" \
  " WHERE r.quarantine_id = (SELECT max(id) FROM quarantine WHERE submission_id = ?1)"

/* The records of the review of submission_id kept as ones to file, as
 * "position line form" keys, into to_file; *kept when it has any row. */
static gboolean
kept_to_file (sqlite3 *db, gint64 submission_id, GHashTable *to_file, gboolean *kept,
              GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db, KEPT_SQL, error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, submission_id);
  int rc;
  *kept = FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      *kept = TRUE;
      if (g_strcmp0 ((const char *) sqlite3_column_text (st, 3), "file") == 0)
        g_hash_table_add (to_file, g_strdup_printf ("%lld %lld %s",
                          (long long) sqlite3_column_int64 (st, 0),
                          (long long) sqlite3_column_int64 (st, 1),
                          (const char *) sqlite3_column_text (st, 2)));
    }
  if (rc == SQLITE_DONE)
    return TRUE;
  db_set_error (db, error, "reading a quarantined submission's records");
  return FALSE;
}

gboolean
review_restrict (sqlite3 *db, gint64 submission_id, FormParse *parse, GError **error)
{
  g_autoptr (GHashTable) to_file = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean kept = FALSE;
  if (!kept_to_file (db, submission_id, to_file, &kept, error))
    return FALSE;
  for (guint i = 0; kept && i < parse->records->len; i++)
    {
      FormRecord *rec = parse->records->pdata[i];
      g_autofree char *key = g_strdup_printf ("%u %u %s", i, rec->line,
                                              rec->kind != NULL ? rec->kind->name : "");
      if (record_ok (rec) && !g_hash_table_contains (to_file, key))
        form_record_problem (rec, rec->line, NULL, PROBLEM_NOT_REVIEWED, NULL);
    }
  return TRUE;
}
