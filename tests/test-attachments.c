/* Tests of gateway/store/attachments.c: attachments kept once by their
 * SHA-256, read back, listed without bytes over the limits, and linked to
 * the visits whose information brought them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "gateway/store/attachments.h"
#include "gateway/store/db.h"
#include "tests/fixture.h"

typedef struct {
  char *dir;
  sqlite3 *db;
} Fixture;

static int
setup (void **state)
{
  Fixture *fx = g_new0 (Fixture, 1);
  g_autofree char *path = NULL;

  fx->dir = fixture_dir_new ("test-attachments");
  path = g_build_filename (fx->dir, "registers.db", NULL);
  fx->db = fixture_db (path);
  fixture_exec (fx->db,
    "INSERT INTO submissions (id, reference, sha256) VALUES"
    " (1, 'CTC-SUB-2026-000001', 'a'), (2, 'CTC-SUB-2026-000002', 'b');"
    "INSERT INTO visits (reference, state_code) VALUES ('CTC-VIS-2026-0001', 'KZ');"
    "INSERT INTO visit_information (id, submission_id, visit, information)"
    " VALUES (7, 2, 'CTC-VIS-2026-0001', 'Two workshops')");
  *state = fx;
  return 0;
}

static int
teardown (void **state)
{
  Fixture *fx = *state;

  db_close (fx->db);
  fixture_dir_free (fx->dir);
  g_free (fx);
  return 0;
}

/* Keeps bytes as attachment number of submission. */
static void
keep (Fixture *fx, gint64 submission, guint number, const char *name, GBytes *data, gsize size)
{
  g_autoptr (GError) error = NULL;
  StoredAttachment a = { (char *) name, (char *) "application/pdf", size, data };

  assert_true (attachments_keep (fx->db, submission, number, &a, &error));
  assert_null (error);
}

/* The same bytes in two messages are kept once; each message lists its own
 * name, and each reads the bytes back. */
static void
test_same_bytes_kept_once (void **state)
{
  Fixture *fx = *state;
  g_autoptr (GBytes) pdf = g_bytes_new_static ("%PDF-1.4\n\0binary", 16);
  g_autoptr (GBytes) other = g_bytes_new_static ("other", 5);

  keep (fx, 1, 1, "report.pdf", pdf, 16);
  keep (fx, 1, 2, "other.pdf", other, 5);
  keep (fx, 2, 1, "rapport.pdf", pdf, 16);
  assert_int_equal (fixture_count (fx->db, "SELECT count(*) FROM attachment_data"), 2);
  assert_int_equal (fixture_count (fx->db, "SELECT count(*) FROM attachments"), 3);
  fixture_assert_text (fx->db, "SELECT sha256 FROM attachments WHERE name = 'rapport.pdf'",
                       "bc155a860a458fdaf66ce9b32bf07aec97983e1fc7909c7a5010983916613e5b");

  g_auto (StoredAttachment) got = { 0 };
  gboolean found = FALSE;
  g_autoptr (GError) error = NULL;
  assert_true (attachments_get (fx->db, "CTC-SUB-2026-000002", 1, &got, &found, &error));
  assert_true (found);
  assert_string_equal (got.name, "rapport.pdf");
  assert_int_equal (got.size, 16);
  assert_true (g_bytes_equal (got.data, pdf));
}

/* One over the limits is listed with its size; its bytes are not kept. */
static void
test_not_kept (void **state)
{
  Fixture *fx = *state;
  g_autoptr (GError) error = NULL;
  g_auto (StoredAttachment) got = { 0 };
  gboolean found = FALSE;

  keep (fx, 1, 1, "huge.zip", NULL, 50000000);
  assert_int_equal (fixture_count (fx->db, "SELECT count(*) FROM attachment_data"), 0);
  assert_true (attachments_get (fx->db, "CTC-SUB-2026-000001", 1, &got, &found, &error));
  assert_true (found);
  assert_null (got.data);
  assert_int_equal (got.size, 50000000);
  assert_true (attachments_get (fx->db, "CTC-SUB-2026-000001", 2, &got, &found, &error));
  assert_false (found);
}

/* The kept attachments of the message that filed a visit's information are
 * its documents, linked once however often it is asked. */
static void
test_visit_documents (void **state)
{
  Fixture *fx = *state;
  g_autoptr (GBytes) pdf = g_bytes_new_static ("%PDF", 4);
  g_autoptr (GError) error = NULL;

  keep (fx, 2, 1, "agenda.pdf", pdf, 4);
  keep (fx, 2, 2, "huge.zip", NULL, 50000000);
  keep (fx, 1, 1, "unrelated.pdf", pdf, 4);
  assert_true (attachments_link_visits (fx->db, 2, &error));
  assert_true (attachments_link_visits (fx->db, 2, &error));
  assert_int_equal (fixture_count (fx->db, "SELECT count(*) FROM visit_attachments"), 1);
  fixture_assert_text (fx->db, "SELECT a.name FROM visit_attachments v JOIN attachments a"
                       " ON a.id = v.attachment_id WHERE v.visit_information_id = 7",
                       "agenda.pdf");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_same_bytes_kept_once, setup, teardown),
    cmocka_unit_test_setup_teardown (test_not_kept, setup, teardown),
    cmocka_unit_test_setup_teardown (test_visit_documents, setup, teardown),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
