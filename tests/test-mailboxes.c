/* The pass over a mailbox (gateway/flows/mailboxes.c), on a Maildir: where
 * each message goes, also when a crash left it filed but not moved. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <gmime/gmime.h>

#include "gateway/flows/intake.h"
#include "gateway/flows/mailboxes.h"
#include "tests/fixture.h"

typedef Gateway Fixture;

static const char *conf_text =
  "[gateway]\n"
  "database = registers.db\n"
  "address = gateway@ctc.example\n"
  "staff = desk@ctc.example\n"
  "[mailbox inbox]\n"
  "url = maildir:inbox\n"
  "[smtp]\n"
  "url = maildir:outbox\n";

static int
setup (void **state)
{
  Fixture *f = fixture_gateway_new ("mailboxes", conf_text);
  fixture_exec (f->db,
      "INSERT INTO contacts (reference, entity, name, email, languages, role, status, state)"
      " VALUES ('CTC-CP-2026-0001', 'UNODC', 'Jan Doe', 'j.doe@unodc.example', '[\"en\"]',"
      " 'focal-point', 'active', 'active');");
  *state = f;
  return 0;
}

/* The three outcomes that decide a folder: filed, rejected (every record
 * has errors) and quarantined (a sender who may not write for UNODC). */
static const struct {
  const char *file;
  const char *from;
  const char *body;
} mail[] = {
  { "1.filed", "j.doe@unodc.example",
    "Form: assistance-offer\nProvider: UNODC\nTitle: Workshop\n"
    "Areas: terrorist-financing\nBeneficiaries: KZ\n" },
  { "2.rejected", "j.doe@unodc.example",
    "Form: assistance-offer\nProvider: UNODC\nAreas: no-such-area\n" },
  { "3.quarantined", "someone@elsewhere.example",
    "Form: assistance-offer\nProvider: UNODC\nTitle: Workshop\n"
    "Areas: terrorist-financing\nBeneficiaries: KZ\n" },
};

/* Writes the messages of mail[] into the inbox's new/. */
static void
fill_inbox (Fixture *f)
{
  for (guint i = 0; i < G_N_ELEMENTS (mail); i++)
    {
      g_autofree char *dir = g_build_filename (f->dir, "inbox", "new", NULL);
      g_autofree char *path = g_build_filename (dir, mail[i].file, NULL);
      g_autofree char *text = g_strdup_printf (
          "From: %s\nTo: gateway@ctc.example\nSubject: Offer\nMessage-ID: <%s@test>\n"
          "Date: Mon, 2 Nov 2026 10:00:00 +0000\n\n%s", mail[i].from, mail[i].file,
          mail[i].body);
      assert_int_equal (g_mkdir_with_parents (dir, 0700), 0);
      assert_true (g_file_set_contents (path, text, -1, NULL));
    }
}

/* How many files the Maildir++ folder of the inbox holds in cur/ whose
 * name begins with prefix; "" for the inbox itself (new/ and cur/). */
static guint
files_in (Fixture *f, const char *folder, const char *prefix)
{
  guint n = 0;
  const char *subs[] = { "new", "cur" };
  for (guint s = 0; s < G_N_ELEMENTS (subs); s++)
    {
      g_autofree char *dot = *folder != '\0' ? g_strconcat (".", folder, NULL) : g_strdup ("");
      g_autofree char *path = g_build_filename (f->dir, "inbox", dot, subs[s], NULL);
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        n += g_str_has_prefix (name, prefix);
    }
  return n;
}

/* Cancelled by crash_before_move: the pass stops as the gateway would
 * have died. */
static GCancellable *dying;

/* A move that never happens: the gateway dies after the batch is durable
 * and before its messages leave the inbox. */
static gboolean
crash_before_move (Source *src, const guint32 *ids, guint n, const char *folder,
                   GError **error)
{
  (void) src, (void) ids, (void) n, (void) folder, (void) error;
  g_cancellable_cancel (dying);
  return TRUE;
}

/* One pass over the inbox with src; the number of messages taken in. */
static guint
pass (Fixture *f, Source *src)
{
  guint count = 0;
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancel = g_cancellable_new ();
  Context ctx = { f->db, f->config, cancel };
  dying = cancel;
  gboolean ok = mailbox_pass (&ctx, g_ptr_array_index (f->config->mailboxes, 0), src, &count,
                              &error);
  dying = NULL;
  if (!ok)
    fail_msg ("mailbox_pass: %s", error->message);
  return count;
}

/* Each message goes to the folder of its outcome; quarantined mail is
 * processed (ctcgw.conf(5), rejected_folder). */
static void
test_folders_by_outcome (void **state)
{
  Fixture *f = *state;
  fill_inbox (f);
  g_autoptr (Source) src = mailbox_source_new (g_ptr_array_index (f->config->mailboxes, 0));
  assert_int_equal (pass (f, src), 3);
  fixture_assert_text (f->db, "SELECT group_concat(outcome) FROM"
                       " (SELECT outcome FROM submissions ORDER BY id)",
                       "filed,rejected,quarantined");
  assert_int_equal (files_in (f, "", ""), 0);
  assert_int_equal (files_in (f, "Processed", "1.filed"), 1);
  assert_int_equal (files_in (f, "Processed", "3.quarantined"), 1);
  assert_int_equal (files_in (f, "Rejected", "2.rejected"), 1);
  assert_int_equal (files_in (f, "Processed", ""), 2);
  assert_int_equal (files_in (f, "Rejected", ""), 1);
}

/* A crash between the commit of a batch and its move leaves the messages
 * in the inbox: the next pass recognizes them as duplicates, files nothing
 * again, and moves each where its recorded outcome sends it (ctcgw(8),
 * NOTES). */
static void
test_crash_before_move (void **state)
{
  Fixture *f = *state;
  fill_inbox (f);
  g_autoptr (Source) src = mailbox_source_new (g_ptr_array_index (f->config->mailboxes, 0));
  const SourceOps *ops = src->ops;
  SourceOps crashing = *ops;
  crashing.move = crash_before_move;
  src->ops = &crashing;
  assert_int_equal (pass (f, src), 3);
  assert_int_equal (files_in (f, "", ""), 3);
  src->ops = ops;
  assert_int_equal (pass (f, src), 3);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM submissions"), 3);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox"), 3);
  assert_int_equal (files_in (f, "", ""), 0);
  assert_int_equal (files_in (f, "Rejected", "2.rejected"), 1);
  assert_int_equal (files_in (f, "Rejected", ""), 1);
  assert_int_equal (files_in (f, "Processed", "1.filed"), 1);
  assert_int_equal (files_in (f, "Processed", "3.quarantined"), 1);
  assert_int_equal (files_in (f, "Processed", ""), 2);
}

/* Counts the commits of the database (an sqlite3_commit_hook). */
static int
count_commit (void *commits)
{
  (*(guint *) commits)++;
  return 0;
}

/* A batch is filed in one transaction (group commit): one commit for the
 * three messages, not one each. */
static void
test_one_commit_a_batch (void **state)
{
  Fixture *f = *state;
  fill_inbox (f);
  g_autoptr (Source) src = mailbox_source_new (g_ptr_array_index (f->config->mailboxes, 0));
  guint commits = 0;
  sqlite3_commit_hook (f->db, count_commit, &commits);
  assert_int_equal (pass (f, src), 3);
  sqlite3_commit_hook (f->db, NULL, NULL);
  assert_int_equal (commits, 1);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM submissions"), 3);
  assert_int_equal (files_in (f, "", ""), 0);
}

/* A message whose filing fails is undone alone: the messages before it in
 * the batch stay filed, answered and moved; it stays in the inbox with
 * nothing of it kept, and is filed once by the next pass. */
static void
test_failing_message_undone_alone (void **state)
{
  Fixture *f = *state;
  fill_inbox (f);
  g_autoptr (Source) src = mailbox_source_new (g_ptr_array_index (f->config->mailboxes, 0));
  const MailboxConfig *mbox = g_ptr_array_index (f->config->mailboxes, 0);
  fixture_exec (f->db, "CREATE TEMP TRIGGER refuse_third AFTER INSERT ON main.submissions"
                       " WHEN NEW.message_id LIKE '%3.quarantined%'"
                       " BEGIN SELECT RAISE (ABORT, 'the disk is full'); END");
  guint count = 0;
  g_autoptr (GError) error = NULL;
  Context ctx = { f->db, f->config, NULL };
  assert_false (mailbox_pass (&ctx, mbox, src, &count, &error));
  assert_non_null (strstr (error->message, "the disk is full"));
  assert_int_equal (count, 2);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM submissions"), 2);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox"), 2);
  assert_int_equal (files_in (f, "", "3.quarantined"), 1);
  assert_int_equal (files_in (f, "", ""), 1);
  fixture_exec (f->db, "DROP TRIGGER refuse_third");
  assert_int_equal (pass (f, src), 1);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM submissions"), 3);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox"), 3);
  assert_int_equal (files_in (f, "", ""), 0);
  assert_int_equal (files_in (f, "Processed", "3.quarantined"), 1);
}

/* intake_file tells a duplicate apart and names the outcome recorded for
 * it the first time. */
static void
test_duplicate_names_recorded_outcome (void **state)
{
  Fixture *f = *state;
  fill_inbox (f);
  static const IntakeOutcome first[] = { INTAKE_FILED, INTAKE_REJECTED, INTAKE_QUARANTINED };
  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < G_N_ELEMENTS (mail); i++)
      {
        g_autofree char *path = g_build_filename (f->dir, "inbox", "new", mail[i].file, NULL);
        char *text = NULL;
        gsize len = 0;
        assert_true (g_file_get_contents (path, &text, &len, NULL));
        g_autoptr (GBytes) raw = g_bytes_new_take (text, len);
        IntakeResult r = { 0 };
        g_autoptr (GError) error = NULL;
        if (!intake_process (FIXTURE_CONTEXT (f), raw, "inbox", &r, &error))
          fail_msg ("intake_process: %s", error->message);
        assert_int_equal (r.outcome, round == 0 ? first[i] : INTAKE_DUPLICATE);
        // (no field yet)
        intake_result_clear (&r);
      }
}

int
main (void)
{
  g_mime_init ();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_folders_by_outcome, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_crash_before_move, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_one_commit_a_batch, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_failing_message_undone_alone, setup,
                                     fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_duplicate_names_recorded_outcome, setup,
                                     fixture_gateway_teardown),
  };
  int failed = cmocka_run_group_tests_name ("mailboxes", tests, NULL, NULL);
  g_mime_shutdown ();
  return failed == 0 ? 0 : 1;
}
