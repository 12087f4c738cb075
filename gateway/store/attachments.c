/* The attachments of submissions kept by their SHA-256, and the documents
 * of visits (schema/016-attachments.sql). */
#include "gateway/store/attachments.h"
#include "gateway/store/db.h"

void
stored_attachment_clear (StoredAttachment *a)
{
  g_clear_pointer (&a->name, g_free);
  g_clear_pointer (&a->content_type, g_free);
  g_clear_pointer (&a->data, g_bytes_unref);
  a->size = 0;
}

/* Writes data under its hash unless it is there already. */
static gboolean
keep_data (sqlite3 *db, const char *sha, GBytes *data, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "INSERT INTO attachment_data (sha256, size, data) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (sha256) DO NOTHING", error);
  gsize len = 0;
  const void *bytes = g_bytes_get_data (data, &len);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, sha, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 2, (sqlite3_int64) len);
  sqlite3_bind_blob64 (st, 3, len > 0 ? bytes : "", len, SQLITE_STATIC);
  return db_step_done (db, st, "keeping an attachment", error);
}

gboolean
attachments_keep (sqlite3 *db, gint64 submission_id, guint number,
                  const StoredAttachment *a, GError **error)
{
  g_autofree char *sha = a->data != NULL
      ? g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, a->data) : NULL;
  if (sha != NULL && !keep_data (db, sha, a->data, error))
    return FALSE;
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "INSERT INTO attachments (submission_id, number, name, content_type, size, sha256)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, submission_id);
  sqlite3_bind_int (st, 2, (int) number);
  sqlite3_bind_text (st, 3, a->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 4, a->content_type, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 5, (sqlite3_int64) a->size);
  sqlite3_bind_text (st, 6, sha, -1, SQLITE_STATIC);
  return db_step_done (db, st, "listing an attachment", error);
}

gboolean
attachments_get (sqlite3 *db, const char *reference, guint number,
                 StoredAttachment *out, gboolean *found, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT a.name, a.content_type, a.size, d.data FROM attachments a"
      " JOIN submissions s ON s.id = a.submission_id"
      " LEFT JOIN attachment_data d ON d.sha256 = a.sha256"
      " WHERE s.reference = ?1 AND a.number = ?2", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, reference, -1, SQLITE_STATIC);
  sqlite3_bind_int (st, 2, (int) number);
  int rc = sqlite3_step (st);
  *found = rc == SQLITE_ROW;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      db_set_error (db, error, "reading an attachment");
      return FALSE;
    }
  if (!*found)
    return TRUE;
  out->name = db_column_dup (st, 0);
  out->content_type = db_column_dup (st, 1);
  out->size = (gsize) sqlite3_column_int64 (st, 2);
  if (sqlite3_column_type (st, 3) != SQLITE_NULL)
    out->data = g_bytes_new (sqlite3_column_blob (st, 3), (gsize) sqlite3_column_bytes (st, 3));
  return TRUE;
}

gboolean
attachments_link_visits (sqlite3 *db, gint64 submission_id, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "INSERT INTO visit_attachments (visit_information_id, attachment_id)"
      " SELECT vi.id, a.id FROM visit_information vi JOIN attachments a"
      " ON a.submission_id = vi.submission_id"
      " WHERE vi.submission_id = ?1 AND a.sha256 IS NOT NULL"
      " ORDER BY vi.id, a.number ON CONFLICT DO NOTHING", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, submission_id);
  return db_step_done (db, st, "linking a visit's documents", error);
}
