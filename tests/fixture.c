/* Helpers the cmocka tests share (fixture.h). */
#include <errno.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib/gstdio.h>

#include "gateway/store/db.h"
#include "tests/fixture.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)

char *
fixture_dir_new (const char *name)
{
  g_autofree char *template = g_strdup_printf ("ctcgw-%s-XXXXXX", name);
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp (template, &error);
  if (dir == NULL)
    fail_msg ("%s", error->message);
  return dir;
}

/* Removes path; a directory (not a link to one) with what it holds. */
static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GDir) dir = g_dir_open (path, 0, &error);
      if (dir == NULL)
        fail_msg ("%s", error->message);
      const char *name;
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
    }
  if (g_remove (path) != 0)
    fail_msg ("cannot remove %s: %s", path, g_strerror (errno));
}

void
fixture_dir_free (char *dir)
{
  remove_tree (dir);
  g_free (dir);
}

Config *
fixture_config (const char *dir, const char *text)
{
  g_autofree char *path = g_build_filename (dir, "ctcgw.conf", NULL);
  g_autoptr (GError) error = NULL;
  assert_true (g_file_set_contents (path, text, -1, NULL));
  Config *config = config_load (path, &error);
  if (config == NULL)
    fail_msg ("config_load: %s", error->message);
  return config;
}

sqlite3 *
fixture_db (const char *path)
{
  g_autoptr (GError) error = NULL;
  sqlite3 *db = db_open (path, TRUE, &error);
  if (db == NULL || !db_init (db, &error))
    fail_msg ("database %s: %s", path, error->message);
  return db;
}

Gateway *
fixture_gateway_new (const char *name, const char *text)
{
  Gateway *gw = g_new0 (Gateway, 1);
  gw->dir = fixture_dir_new (name);
  /* The tests send unsigned mail and expect it filed: [authentication]
   * require = none unless the test says otherwise (ctcgw.conf(5)). */
  g_autofree char *full = strstr (text, "[authentication]") != NULL ? g_strdup (text)
      : g_strconcat (text, "\n[authentication]\nrequire = none\n", NULL);
  gw->config = fixture_config (gw->dir, full);
  gw->db = fixture_db (gw->config->database);
  return gw;
}

void
fixture_gateway_free (Gateway *gw)
{
  db_close (gw->db);
  config_free (gw->config);
  fixture_dir_free (gw->dir);
  g_free (gw);
}

int
fixture_gateway_teardown (void **state)
{
  fixture_gateway_free (*state);
  return 0;
}

void
fixture_exec (sqlite3 *db, const char *sql)
{
  char *err = NULL;
  if (sqlite3_exec (db, sql, NULL, NULL, &err) != SQLITE_OK)
    fail_msg ("%s: %s", sql, err);
}

gint64
fixture_count (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st = NULL;
  assert_int_equal (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal (sqlite3_step (st), SQLITE_ROW);
  gint64 n = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  return n;
}

char *
fixture_text (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st = NULL;
  char *s = NULL;
  assert_int_equal (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), SQLITE_OK);
  if (sqlite3_step (st) == SQLITE_ROW && sqlite3_column_type (st, 0) != SQLITE_NULL)
    s = g_strdup ((const char *) sqlite3_column_text (st, 0));
  sqlite3_finalize (st);
  return s;
}

void
fixture_assert_text (sqlite3 *db, const char *sql, const char *expected)
{
  g_autofree char *got = fixture_text (db, sql);
  if (g_strcmp0 (got, expected) != 0)
    fail_msg ("%s: \"%s\", expected \"%s\"", sql, got ? got : "(null)",
              expected ? expected : "(null)");
}

GMimeMessage *
fixture_queued (sqlite3 *db, const char *kind, const char *recipient)
{
  sqlite3_stmt *st = NULL;
  assert_int_equal (sqlite3_prepare_v2 (db, "SELECT raw FROM outbox WHERE recipient = ?1"
                                        " AND kind = ?2 ORDER BY id DESC LIMIT 1",
                                        -1, &st, NULL), SQLITE_OK);
  sqlite3_bind_text (st, 1, recipient, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, kind, -1, SQLITE_STATIC);
  assert_int_equal (sqlite3_step (st), SQLITE_ROW);
  g_autoptr (GMimeStream) stream = g_mime_stream_mem_new_with_buffer (
      sqlite3_column_blob (st, 0), (size_t) sqlite3_column_bytes (st, 0));
  sqlite3_finalize (st);
  g_autoptr (GMimeParser) parser = g_mime_parser_new_with_stream (stream);
  GMimeMessage *msg = g_mime_parser_construct_message (parser, NULL);
  assert_non_null (msg);
  return msg;
}

char *
fixture_part_text (GMimeObject *part)
{
  GMimeDataWrapper *content = g_mime_part_get_content (GMIME_PART (part));
  GMimeStream *mem = g_mime_stream_mem_new ();
  g_mime_data_wrapper_write_to_stream (content, mem);
  GByteArray *bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));
  char *text = g_strndup ((const char *) bytes->data, bytes->len);
  g_object_unref (mem);
  return text;
}

char *
fixture_corpus_dir (void)
{
  const char *env = g_getenv ("CTCGW_CORPUS");
  const char *src = g_getenv ("CTCGW_SRCDIR");
  char *dir = env != NULL && *env != '\0' ? g_strdup (env)
      : g_build_filename (src != NULL ? src : ".", "..", "shared", "corpus", NULL);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    g_clear_pointer (&dir, g_free);
  return dir;
}

void
fixture_need_corpus (const char *dir)
{
  if (dir == NULL)
    {
      print_message ("corpus not found (set CTCGW_CORPUS)\n");
      skip ();
    }
}
