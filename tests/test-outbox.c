/* Tests of gateway/flows/outbox.c and the writing half of gateway/mail/maildir.c:
 * composing, queueing, delivering to a maildir: sink, deferral and
 * re-delivery. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <fcntl.h>
#include <string.h>
#include <cmocka.h>
#include <glib/gstdio.h>

#include "gateway/store/db.h"
#include "gateway/flows/intake.h"
#include "gateway/flows/mailboxes.h"
#include "gateway/mail/maildir.h"
#include "gateway/flows/outbox.h"
#include "gateway/mail/compose.h"
#include "gateway/base/template.h"
#include "tests/fixture.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)

#define SUBJECT "Réponse à votre offre — atelier"

typedef struct {
  char *dir;       /* a fresh directory for the test */
  char *sink;      /* dir/out */
  sqlite3 *db;
  Config *config;
} Fixture;

static Config *
load_config (const char *dir, const char *smtp)
{
  g_autofree char *text = g_strdup_printf (
      "[gateway]\ndatabase = reg.db\naddress = gw@un.example\n"
      "name = CTC Executive Directorate\n[authentication]\nrequire = none\n"
      "[smtp]\n%s\n", smtp);
  return fixture_config (dir, text);
}

static int
setup (void **state)
{
  Fixture *f = g_new0 (Fixture, 1);
  f->dir = fixture_dir_new ("outbox");
  f->sink = g_build_filename (f->dir, "out", NULL);
  f->config = load_config (f->dir, "url = maildir:out");
  f->db = fixture_db (f->config->database);
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  Fixture *f = *state;
  db_close (f->db);
  config_free (f->config);
  fixture_dir_free (f->dir);
  g_free (f->sink);
  g_free (f);
  return 0;
}

/* A complete answer to recipient, as the gateway composes them. */
static GMimeMessage *
compose (const Config *config, const char *recipient, const char *subject)
{
  GMimeMessage *msg = compose_message_new (config, "auto-replied");
  g_mime_message_add_mailbox (msg, GMIME_ADDRESS_TYPE_TO, "Aigerim", recipient);
  g_mime_message_set_subject (msg, subject, "utf-8");
  GMimeTextPart *part = g_mime_text_part_new_with_subtype ("plain");
  g_mime_text_part_set_text (part, "accepted CTC-OFF-2026-0042 (new)\n");
  g_mime_message_set_mime_part (msg, GMIME_OBJECT (part));
  g_object_unref (part);
  return msg;
}

static gint64
queue (Fixture *f, const char *recipient)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GMimeMessage) msg = compose (f->config, recipient, SUBJECT);
  gint64 id = outbox_queue (f->db, msg, recipient, 0, "ack", &error);
  if (id <= 0)
    fail_msg ("outbox_queue: %s", error->message);
  return id;
}

/* One text column of the outbox row id. */
static char *
column (sqlite3 *db, const char *name, gint64 id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM outbox WHERE id = ?1", name);
  g_autoptr (sqlite3_stmt) st = db_prepare (db, sql, NULL);
  assert_non_null (st);
  sqlite3_bind_int64 (st, 1, id);
  assert_int_equal (sqlite3_step (st), SQLITE_ROW);
  const char *text = (const char *) sqlite3_column_text (st, 0);
  return g_strdup (text);
}

static guint
deliver (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  guint sent = 99;
  Context ctx = { f->db, f->config, NULL };
  if (!outbox_deliver (&ctx, &sent, &error))
    fail_msg ("outbox_deliver: %s", error->message);
  return sent;
}

/* The names of the files in dir/sub, sorted. */
static GPtrArray *
files_in (const char *dir, const char *sub)
{
  g_autofree char *path = g_build_filename (dir, sub, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_build_filename (path, name, NULL));
  return names;
}

static GMimeMessage *
parse_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GMimeStream) stream = g_mime_stream_fs_open (path, O_RDONLY, 0, &error);
  assert_non_null (stream);
  g_autoptr (GMimeParser) parser = g_mime_parser_new_with_stream (stream);
  GMimeMessage *msg = g_mime_parser_construct_message (parser, NULL);
  assert_non_null (msg);
  return msg;
}

static void
test_message_new (void **state)
{
  Fixture *f = *state;
  g_autoptr (GMimeMessage) msg = compose_message_new (f->config, "auto-generated");
  g_autofree char *from = internet_address_list_to_string (g_mime_message_get_from (msg), NULL, FALSE);
  assert_string_equal (from, "CTC Executive Directorate <gw@un.example>");
  assert_non_null (g_mime_message_get_date (msg));
  assert_true (g_str_has_suffix (g_mime_message_get_message_id (msg), "@un.example"));
  assert_string_equal (g_mime_object_get_header (GMIME_OBJECT (msg), "Auto-Submitted"),
                       "auto-generated");
  g_autoptr (GMimeMessage) other = compose_message_new (f->config, NULL);
  assert_null (g_mime_object_get_header (GMIME_OBJECT (other), "Auto-Submitted"));
  assert_string_not_equal (g_mime_message_get_message_id (msg),
                           g_mime_message_get_message_id (other));
}

static void
test_queue_row (void **state)
{
  Fixture *f = *state;
  gint64 id = queue (f, "focal@mfa.example");
  g_autofree char *st = column (f->db, "state", id);
  g_autofree char *to = column (f->db, "recipient", id);
  g_autofree char *from = column (f->db, "mail_from", id);
  g_autofree char *kind = column (f->db, "kind", id);
  g_autofree char *msgid = column (f->db, "message_id", id);
  g_autofree char *tries = column (f->db, "tries", id);
  g_autofree char *sub = column (f->db, "submission_id", id);
  g_autofree char *raw = column (f->db, "raw", id);
  assert_string_equal (st, "queued");
  assert_string_equal (to, "focal@mfa.example");
  assert_string_equal (from, "gw@un.example");
  assert_string_equal (kind, "ack");
  assert_true (g_str_has_suffix (msgid, "@un.example"));
  assert_string_equal (tries, "0");
  assert_null (sub);
  assert_non_null (strstr (raw, "To: Aigerim <focal@mfa.example>"));
  assert_string_equal (outbox_state_name (OUTBOX_DEFERRED), "deferred");
}

static void
test_bounce_address (void **state)
{
  Fixture *f = *state;
  g_autoptr (Config) config = load_config (f->dir, "url = maildir:out\nbounce_address = bounces@un.example");
  g_autoptr (GError) error = NULL;
  g_autoptr (GMimeMessage) msg = compose (config, "a@b.example", "x");
  gint64 id = outbox_queue (f->db, msg, "a@b.example", 0, "ack", &error);
  g_autofree char *from = column (f->db, "mail_from", id);
  assert_string_equal (from, "bounces@un.example");

  /* a message made elsewhere: its From is the envelope sender */
  g_autoptr (GMimeMessage) plain = g_mime_message_new (TRUE);
  g_mime_message_add_mailbox (plain, GMIME_ADDRESS_TYPE_FROM, NULL, "desk@un.example");
  g_mime_message_set_message_id (plain, "x1@un.example");
  id = outbox_queue (f->db, plain, "a@b.example", 0, "test", &error);
  g_autofree char *plain_from = column (f->db, "mail_from", id);
  assert_string_equal (plain_from, "desk@un.example");
}

static void
test_bad_recipients (void **state)
{
  static const char *const bad[] = {
    "a@b.example\r\nRCPT TO:<x@evil.example>", "a@b.example\n", "not an address",
    "Name <a@b.example>", "", NULL };
  Fixture *f = *state;
  for (const char *const *r = bad; *r != NULL; r++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GMimeMessage) msg = compose (f->config, "a@b.example", "x");
      assert_int_equal (outbox_queue (f->db, msg, *r, 0, "ack", &error), 0);
      assert_true (g_error_matches (error, OUTBOX_ERROR, OUTBOX_ERROR_RECIPIENT));
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (GMimeMessage) msg = compose (f->config, "a@b.example", "x");
  assert_int_equal (outbox_queue (f->db, msg, NULL, 0, "ack", &error), 0);
  g_autoptr (sqlite3_stmt) st = db_prepare (f->db, "SELECT count(*) FROM outbox", NULL);
  assert_int_equal (sqlite3_step (st), SQLITE_ROW);
  assert_int_equal (sqlite3_column_int (st, 0), 0);
}

static void
test_deliver_to_maildir (void **state)
{
  Fixture *f = *state;
  gint64 id = queue (f, "focal@mfa.example");
  g_autofree char *msgid = column (f->db, "message_id", id);
  assert_int_equal (deliver (f), 1);
  g_autofree char *st = column (f->db, "state", id);
  g_autofree char *sent = column (f->db, "sent", id);
  assert_string_equal (st, "sent");
  assert_non_null (sent);
  g_autoptr (GPtrArray) files = files_in (f->sink, "new");
  g_autoptr (GPtrArray) tmp = files_in (f->sink, "tmp");
  assert_int_equal (files->len, 1);
  assert_int_equal (tmp->len, 0);

  g_autoptr (GMimeMessage) msg = parse_file (files->pdata[0]);
  g_autofree char *from = internet_address_list_to_string (g_mime_message_get_from (msg), NULL, FALSE);
  g_autofree char *to = internet_address_list_to_string (g_mime_message_get_to (msg), NULL, FALSE);
  assert_string_equal (from, "CTC Executive Directorate <gw@un.example>");
  assert_string_equal (to, "Aigerim <focal@mfa.example>");
  assert_string_equal (g_mime_message_get_subject (msg), SUBJECT);
  assert_string_equal (g_mime_message_get_message_id (msg), msgid);
  assert_non_null (g_mime_message_get_date (msg));
  assert_string_equal (g_mime_object_get_header (GMIME_OBJECT (msg), "Auto-Submitted"), "auto-replied");

  /* the subject is RFC 2047-encoded: the file's headers are ASCII */
  g_autofree char *raw = NULL;
  assert_true (g_file_get_contents (files->pdata[0], &raw, NULL, NULL));
  char *end = strstr (raw, "\n\n");
  assert_non_null (end);
  for (const char *p = raw; p < end; p++)
    assert_true ((guchar) *p < 0x80);
  assert_non_null (strstr (raw, "Subject: =?"));

  /* nothing left to send */
  assert_int_equal (deliver (f), 0);
  g_autoptr (GPtrArray) again = files_in (f->sink, "new");
  assert_int_equal (again->len, 1);
}

/* A crash between writing the file and marking the row sent leaves it
 * queued: delivering it again replaces the file. */
static void
test_redelivery_no_duplicate (void **state)
{
  Fixture *f = *state;
  gint64 first = queue (f, "a@b.example");
  gint64 second = queue (f, "c@d.example");
  assert_int_equal (deliver (f), 2);
  fixture_exec (f->db, "UPDATE outbox SET state = 'queued', sent = NULL");
  assert_int_equal (deliver (f), 2);
  g_autoptr (GPtrArray) files = files_in (f->sink, "new");
  assert_int_equal (files->len, 2);
  g_autofree char *s1 = column (f->db, "state", first);
  g_autofree char *s2 = column (f->db, "state", second);
  assert_string_equal (s1, "sent");
  assert_string_equal (s2, "sent");
}

/* A batch the sink cannot take (a rename into new/ fails) waits, and a row
 * already deferred while the batch was written is deferred once, not twice. */
static void
test_sink_commit_failure_defers_once (void **state)
{
  Fixture *f = *state;
  gint64 a = queue (f, "a@b.example");
  gint64 b = queue (f, "c@d.example");
  g_autofree char *no_raw = g_strdup_printf ("UPDATE outbox SET raw = NULL WHERE id = %"
                                             G_GINT64_FORMAT, b);
  fixture_exec (f->db, no_raw);
  /* new/ holds a directory of the name row a's file takes */
  g_autofree char *mid = column (f->db, "message_id", a);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, mid, -1);
  g_autofree char *name = g_strdup_printf ("outbox-%010" G_GINT64_FORMAT "-%.12s.eml", a, hash);
  g_autofree char *blocker = g_build_filename (f->sink, "new", name, "x", NULL);
  assert_int_equal (g_mkdir_with_parents (blocker, 0700), 0);

  assert_int_equal (deliver (f), 0);
  g_autofree char *state_a = column (f->db, "state", a);
  g_autofree char *tries_a = column (f->db, "tries", a);
  g_autofree char *tries_b = column (f->db, "tries", b);
  assert_string_equal (state_a, "deferred");
  assert_string_equal (tries_a, "1");
  assert_string_equal (tries_b, "1");
}

/* Seconds from now to an ISO time of the database. */
static gint64
seconds_until (const char *iso)
{
  g_autoptr (GDateTime) t = g_date_time_new_from_iso8601 (iso, NULL);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  assert_non_null (t);
  return g_date_time_difference (t, now) / G_USEC_PER_SEC;
}

static void
test_deferral (void **state)
{
  Fixture *f = *state;
  /* the sink lies under a plain file: it can never be created */
  g_autofree char *blocker = g_build_filename (f->dir, "blocker", NULL);
  assert_true (g_file_set_contents (blocker, "", 0, NULL));
  config_free (f->config);
  f->config = load_config (f->dir, "url = maildir:blocker/out");
  gint64 id = queue (f, "a@b.example");

  assert_int_equal (deliver (f), 0);
  g_autofree char *st = column (f->db, "state", id);
  g_autofree char *tries = column (f->db, "tries", id);
  g_autofree char *next = column (f->db, "next_attempt", id);
  g_autofree char *why = column (f->db, "last_error", id);
  assert_string_equal (st, "deferred");
  assert_string_equal (tries, "1");
  assert_non_null (why);
  gint64 wait = seconds_until (next);
  assert_true (wait >= 55 && wait <= 61);

  /* not due yet: not tried again */
  assert_int_equal (deliver (f), 0);
  g_autofree char *tries2 = column (f->db, "tries", id);
  assert_string_equal (tries2, "1");

  /* due after three tries: waits 60 s * 2^3 */
  fixture_exec (f->db, "UPDATE outbox SET tries = 3, next_attempt = '2000-01-01T00:00:00Z'");
  assert_int_equal (deliver (f), 0);
  g_autofree char *next3 = column (f->db, "next_attempt", id);
  wait = seconds_until (next3);
  assert_true (wait >= 475 && wait <= 481);

  /* the last wait: 60 s * 2^8 */
  fixture_exec (f->db, "UPDATE outbox SET tries = 8, next_attempt = '2000-01-01T00:00:00Z'");
  assert_int_equal (deliver (f), 0);
  g_autofree char *next8 = column (f->db, "next_attempt", id);
  wait = seconds_until (next8);
  assert_true (wait >= 15355 && wait <= 15361);

  /* the tenth try fails for good */
  fixture_exec (f->db, "UPDATE outbox SET tries = 9, next_attempt = '2000-01-01T00:00:00Z'");
  assert_int_equal (deliver (f), 0);
  g_autofree char *final = column (f->db, "state", id);
  g_autofree char *tries10 = column (f->db, "tries", id);
  assert_string_equal (final, "failed");
  assert_string_equal (tries10, "10");
  assert_int_equal (deliver (f), 0);
}

static void
test_deferred_then_sent (void **state)
{
  Fixture *f = *state;
  gint64 id = queue (f, "a@b.example");
  /* a sink whose new/ is a file: writing fails, then the file goes away */
  g_autofree char *new_dir = g_build_filename (f->sink, "new", NULL);
  assert_int_equal (g_mkdir_with_parents (f->sink, 0700), 0);
  assert_true (g_file_set_contents (new_dir, "", 0, NULL));
  assert_int_equal (deliver (f), 0);
  g_autofree char *st = column (f->db, "state", id);
  assert_string_equal (st, "deferred");
  assert_int_equal (g_unlink (new_dir), 0);
  fixture_exec (f->db, "UPDATE outbox SET next_attempt = '2000-01-01T00:00:00Z'");
  assert_int_equal (deliver (f), 1);
  g_autofree char *st2 = column (f->db, "state", id);
  g_autofree char *why = column (f->db, "last_error", id);
  assert_string_equal (st2, "sent");
  assert_null (why);
}

/* An SMTP server that cannot be reached defers the row with back-off. */
static void
test_smtp_sink_unreachable_defers (void **state)
{
  Fixture *f = *state;
  config_free (f->config);
  f->config = load_config (f->dir, "url = smtp://127.0.0.1:1");
  gint64 id = queue (f, "a@b.example");
  assert_int_equal (outbox_seconds_until_due (f->db), G_MAXUINT);
  assert_int_equal (deliver (f), 0);
  guint wait = outbox_seconds_until_due (f->db);
  assert_in_range (wait, 50, 60);
  g_autofree char *st = column (f->db, "state", id);
  g_autofree char *tries = column (f->db, "tries", id);
  g_autofree char *next = column (f->db, "next_attempt", id);
  assert_string_equal (st, "deferred");
  assert_string_equal (tries, "1");
  assert_non_null (next);
}

/* The count of outbox rows that one SQL condition holds for. */
static gint64
rows_where (sqlite3 *db, const char *condition)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM outbox WHERE %s", condition);
  g_autoptr (sqlite3_stmt) st = db_prepare (db, sql, NULL);
  assert_non_null (st);
  assert_int_equal (sqlite3_step (st), SQLITE_ROW);
  return sqlite3_column_int64 (st, 0);
}

/* With no server, each of 3 sessions tries one of n rows and stops; the
 * rows the sender had taken ahead for the sessions (two a session), and
 * those it never took, are deferred as not tried: none is lost or left
 * queued. */
static void
unreachable_rows (Fixture *f, int n)
{
  config_free (f->config);
  f->config = load_config (f->dir, "url = smtp://127.0.0.1:1\nsessions = 3");
  for (int i = 0; i < n; i++)
    {
      g_autofree char *to = g_strdup_printf ("u%d@b.example", i);
      queue (f, to);
    }
  assert_int_equal (deliver (f), 0);
  assert_int_equal (rows_where (f->db, "state = 'deferred' AND tries = 1"), n);
  assert_int_equal (rows_where (f->db, "last_error LIKE 'not tried: %'"), n - 3);
  assert_int_equal (rows_where (f->db, "last_error NOT LIKE 'not tried: %'"), 3);
}

static void
test_smtp_sink_unreachable_takes_back (void **state)
{
  unreachable_rows (*state, 20);
}

static void
test_smtp_sink_unreachable_all_taken (void **state)
{
  unreachable_rows (*state, 5);
}

/* CR and LF in a value cannot make a header line of their own. */
static void
test_no_header_injection (void **state)
{
  Fixture *f = *state;
  g_autoptr (TplData) data = tpl_data_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *subject = NULL;
  tpl_set (data, "subject", "Hi\r\nBcc: victim@evil.example\r\n\r\nbody");
  tpl_set (data, "reference", "CTC-SUB-2026-000001");
  g_autofree char *body = tpl_render_message ("ack", "en", data, &subject, &error);
  assert_non_null (body);
  g_autoptr (GMimeMessage) msg = compose (f->config, "a@b.example", subject);
  assert_true (outbox_queue (f->db, msg, "a@b.example", 0, "ack", &error) > 0);
  assert_int_equal (deliver (f), 1);
  g_autoptr (GPtrArray) files = files_in (f->sink, "new");
  g_autoptr (GMimeMessage) back = parse_file (files->pdata[0]);
  assert_null (g_mime_object_get_header (GMIME_OBJECT (back), "Bcc"));
  assert_int_equal (internet_address_list_length (g_mime_message_get_bcc (back)), 0);
  assert_non_null (strstr (g_mime_message_get_subject (back), "Bcc: victim@evil.example"));
}

static void
test_maildir_store (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_build_filename (f->dir, "deep", "er", "box", NULL);
  g_autofree char *a = maildir_store (dir, "one\n", 4, &error);
  g_autofree char *b = maildir_store (dir, "two\n", 4, &error);
  assert_non_null (a);
  assert_non_null (b);
  assert_string_not_equal (a, b);
  g_autofree char *text = NULL;
  assert_true (g_file_get_contents (b, &text, NULL, NULL));
  assert_string_equal (text, "two\n");
  g_autofree char *cur = g_build_filename (dir, "cur", NULL);
  assert_true (g_file_test (cur, G_FILE_TEST_IS_DIR));
  static const char *const bad[] = { "../escape", ".hidden", "", "a/b" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) e = NULL;
      assert_null (maildir_store_named (dir, bad[i], "x", 1, &e));
      assert_true (g_error_matches (e, G_FILE_ERROR, G_FILE_ERROR_INVAL));
    }
  g_autofree char *n1 = maildir_store_named (dir, "same", "first", 5, &error);
  g_autofree char *n2 = maildir_store_named (dir, "same", "second", 6, &error);
  assert_string_equal (n1, n2);
  g_autofree char *second = NULL;
  assert_true (g_file_get_contents (n2, &second, NULL, NULL));
  assert_string_equal (second, "second");
}

/* A message from staff to the gateway. */
static char *
staff_message (const char *id, const char *body)
{
  return g_strdup_printf ("From: Desk <desk@un.example>\nTo: gw@un.example\n"
                          "Subject: test %s\nMessage-ID: <%s@un.example>\n"
                          "Date: Mon, 2 Mar 2026 10:00:00 +0000\n\n%s", id, id, body);
}

static void
put_file (const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  assert_int_equal (g_mkdir_with_parents (parent, 0700), 0);
  assert_true (g_file_set_contents (path, text, -1, NULL));
}

static guint
intake_pass (Fixture *f, const Config *config)
{
  g_autoptr (GError) error = NULL;
  guint count = 99;
  Context ctx = { f->db, config, NULL };
  const MailboxConfig *mbox = config->mailboxes->pdata[0];
  g_autoptr (Source) src = mailbox_source_new (mbox);
  if (!mailbox_pass (&ctx, mbox, src, &count, &error))
    fail_msg ("mailbox_pass: %s", error->message);
  return count;
}

/* Intake from a Maildir: every file of new/ and cur/ is taken in once and
 * moved, after its transaction, to .Processed (or .Rejected when nothing of
 * it could be filed); dot files are left alone. */
static void
test_maildir_intake (void **state)
{
  Fixture *f = *state;
  g_autoptr (Config) config = load_config (f->dir, "url = maildir:out\n[gateway]\n"
                                           "staff = desk@un.example\n[mailbox in]\n"
                                           "url = maildir:inbox");
  g_autofree char *inbox = g_build_filename (f->dir, "inbox", NULL);
  g_autofree char *hello = staff_message ("m1", "Hello, no record here.\n");
  g_autofree char *bad = staff_message ("m2", "Form: assistance-request\nState: KZ\n");
  put_file (inbox, "new/1000.M1P1Q1.host", hello);
  put_file (inbox, "cur/1001.M1P1Q2.host:2,S", bad);
  put_file (inbox, "new/.hidden", hello);

  assert_int_equal (intake_pass (f, config), 2);
  g_autoptr (GPtrArray) processed = files_in (inbox, ".Processed/cur");
  g_autoptr (GPtrArray) rejected = files_in (inbox, ".Rejected/cur");
  g_autoptr (GPtrArray) left_new = files_in (inbox, "new");
  g_autoptr (GPtrArray) left_cur = files_in (inbox, "cur");
  assert_int_equal (processed->len, 1);
  assert_true (g_str_has_suffix (processed->pdata[0], "/1000.M1P1Q1.host:2,S"));
  assert_int_equal (rejected->len, 1);
  assert_true (g_str_has_suffix (rejected->pdata[0], "/1001.M1P1Q2.host:2,S"));
  assert_int_equal (left_new->len, 1);
  assert_int_equal (left_cur->len, 0);
  g_autofree char *mark = g_build_filename (inbox, ".Processed", "maildirfolder", NULL);
  assert_true (g_file_test (mark, G_FILE_TEST_EXISTS));

  /* nothing left; the same message again is a duplicate, moved too */
  assert_int_equal (intake_pass (f, config), 0);
  put_file (inbox, "new/1002.M1P1Q3.host", hello);
  assert_int_equal (intake_pass (f, config), 1);
  g_autoptr (GPtrArray) processed2 = files_in (inbox, ".Processed/cur");
  assert_int_equal (processed2->len, 2);
}

/* A message written and read back, as a receiver sees it. */
static GMimeMessage *
round_trip (GMimeMessage *msg, char **raw)
{
  *raw = g_mime_object_to_string (GMIME_OBJECT (msg), NULL);
  g_autoptr (GMimeStream) stream = g_mime_stream_mem_new_with_buffer (*raw, strlen (*raw));
  g_autoptr (GMimeParser) parser = g_mime_parser_new_with_stream (stream);
  GMimeMessage *back = g_mime_parser_construct_message (parser, NULL);
  assert_non_null (back);
  return back;
}

/* The display name of the first To of msg. */
static const char *
to_name (GMimeMessage *msg)
{
  InternetAddressList *to = g_mime_message_get_addresses (msg, GMIME_ADDRESS_TYPE_TO);
  assert_int_equal (internet_address_list_length (to), 1);
  return internet_address_get_name (internet_address_list_get_address (to, 0));
}

/* One way to clean a name: controls and line breaks are spaces, trimmed,
 * bounded, UTF-8 kept. */
static void
test_display_name (void **state)
{
  (void) state;
  const char *cases[][2] = {
    { "Aigerim\r\nBcc: x@evil.example", "Aigerim  Bcc: x@evil.example" },
    { "\t Jean\tDupont \x01\x7f", "Jean Dupont" },
    { "Ivan\xc2\x85Petrov\xe2\x80\xa8", "Ivan Petrov" },
    { "Иван Петров", "Иван Петров" },
    { "محمد عبد الله", "محمد عبد الله" },
    { "王小明", "王小明" },
    { "bad \xff byte", "bad \xef\xbf\xbd byte" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *clean = compose_display_name (cases[i][0]);
      assert_string_equal (clean, cases[i][1]);
    }
  assert_null (compose_display_name (NULL));
  assert_null (compose_display_name (" \r\n\t "));
  g_autoptr (GString) cjk = g_string_new (NULL);
  for (guint i = 0; i < COMPOSE_NAME_MAX + 50; i++)
    g_string_append (cjk, "名");
  g_autofree char *bounded = compose_display_name (cjk->str);
  assert_true (g_utf8_validate (bounded, -1, NULL));
  assert_int_equal (g_utf8_strlen (bounded, -1), COMPOSE_NAME_MAX);
}

/* A name from the registers cannot break the To line, and a UTF-8 name
 * goes out RFC 2047-encoded and comes back intact. */
static void
test_compose_headers (void **state)
{
  Fixture *f = *state;
  const char *names[] = { "Иван Петров", "محمد عبد الله", "王小明", "Jean\r\nBcc: x@evil.example",
                          "Claire Lefèvre" };
  const char *back_names[] = { "Иван Петров", "محمد عبد الله", "王小明", "Jean  Bcc: x@evil.example",
                               "Claire Lefèvre" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      ComposeHeaders h = { .auto_submitted = "auto-replied", .to = "a@b.example",
                           .to_name = names[i], .subject = SUBJECT, .list_id = "<l.un.example>",
                           .in_reply_to = "m1@b.example", .references = "<m0@b.example>" };
      g_autoptr (GMimeMessage) msg = compose_message (f->config, &h);
      compose_set_body (msg, compose_text_part ("plain", "text\n"));
      g_autofree char *raw = NULL;
      g_autoptr (GMimeMessage) back = round_trip (msg, &raw);
      assert_string_equal (to_name (back), back_names[i]);
      assert_null (strstr (raw, "\nBcc:"));
      for (const char *p = raw; *p != '\0'; p++)
        assert_true ((guchar) *p < 0x80);
      const char *to_line = strstr (raw, "\nTo: ");
      assert_non_null (to_line);
      assert_true (i == 3 || g_str_has_prefix (to_line, "\nTo: =?UTF-8?")
                   || g_str_has_prefix (to_line, "\nTo: Claire =?UTF-8?"));
      GMimeObject *o = GMIME_OBJECT (back);
      assert_string_equal (g_mime_object_get_header (o, "In-Reply-To"), "<m1@b.example>");
      assert_string_equal (g_mime_object_get_header (o, "References"),
                           "<m0@b.example> <m1@b.example>");
      assert_string_equal (g_mime_object_get_header (o, "List-Id"), "<l.un.example>");
      assert_string_equal (g_mime_object_get_header (o, "Auto-Submitted"), "auto-replied");
      assert_string_equal (g_mime_message_get_subject (back), SUBJECT);
    }
}

/* The content type of o as "type/subtype". */
static char *
mime_type (GMimeObject *o)
{
  GMimeContentType *ct = g_mime_object_get_content_type (o);
  return g_strdup_printf ("%s/%s", g_mime_content_type_get_media_type (ct),
                          g_mime_content_type_get_media_subtype (ct));
}

/* multipart/mixed of a text/plain + text/html alternative and a base64
 * attachment, parts in the order given. */
static void
test_compose_structure (void **state)
{
  Fixture *f = *state;
  ComposeHeaders h = { .to = "a@b.example", .subject = "s" };
  g_autoptr (GMimeMessage) msg = compose_message (f->config, &h);
  GMimeObject *csv = compose_attachment ("text/csv", "x.csv", "a,b\r\n1,2\r\n",
                                         "charset", "utf-8", NULL);
  compose_set_body (msg, compose_multipart ("mixed",
      compose_multipart ("alternative", compose_text_part ("plain", "Привет\n"),
                         compose_text_part ("html", "<p>hi</p>\n"), NULL), csv, NULL));
  g_autofree char *raw = NULL;
  g_autoptr (GMimeMessage) back = round_trip (msg, &raw);
  assert_non_null (strstr (raw, "Content-Type: text/csv; charset=utf-8; name=x.csv"));
  GMimeMultipart *mixed = GMIME_MULTIPART (g_mime_message_get_mime_part (back));
  g_autofree char *mixed_type = mime_type (GMIME_OBJECT (mixed));
  assert_string_equal (mixed_type, "multipart/mixed");
  assert_int_equal (g_mime_multipart_get_count (mixed), 2);
  GMimeMultipart *alt = GMIME_MULTIPART (g_mime_multipart_get_part (mixed, 0));
  const char *want[] = { "text/plain", "text/html" };
  for (int i = 0; i < 2; i++)
    {
      g_autofree char *t = mime_type (g_mime_multipart_get_part (alt, i));
      assert_string_equal (t, want[i]);
    }
  g_autofree char *plain = g_mime_text_part_get_text (GMIME_TEXT_PART (g_mime_multipart_get_part (alt, 0)));
  assert_string_equal (plain, "Привет\n");
  GMimePart *att = GMIME_PART (g_mime_multipart_get_part (mixed, 1));
  assert_int_equal (g_mime_part_get_content_encoding (att), GMIME_CONTENT_ENCODING_BASE64);
  assert_string_equal (g_mime_part_get_filename (att), "x.csv");
  g_autofree char *text = g_mime_text_part_get_text (GMIME_TEXT_PART (att));
  assert_string_equal (text, "a,b\r\n1,2\r\n");
}

/* A text part holds UTF-8 bytes labelled UTF-8 even when the text fits in
 * iso-8859-1 or iso-8859-5, and says how it is encoded. */
static void
test_utf8_part (void **state)
{
  (void) state;
  const char *texts[] = { "plain\n", "Réunion café\n", "Встреча — 会议\n", "Сергей Иванов\n",
                          "أحمد حسن\n" };
  const char *subtypes[] = { "plain", "html", "calendar" };
  for (guint i = 0; i < G_N_ELEMENTS (texts) * G_N_ELEMENTS (subtypes); i++)
    {
      const char *text = texts[i / G_N_ELEMENTS (subtypes)];
      const char *subtype = subtypes[i % G_N_ELEMENTS (subtypes)];
      GMimeObject *part = compose_text_part (subtype, text);
      g_autofree char *raw = g_mime_object_to_string (part, NULL);
      g_autofree char *type = g_strdup_printf ("Content-Type: text/%s; charset=UTF-8", subtype);
      assert_non_null (strstr (raw, type));
      GMimeContentEncoding encoding = g_mime_part_get_content_encoding (GMIME_PART (part));
      if (i < G_N_ELEMENTS (subtypes))
        assert_int_equal (encoding, GMIME_CONTENT_ENCODING_7BIT);
      else
        assert_true (encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE
                     || encoding == GMIME_CONTENT_ENCODING_BASE64);
      GMimeDataWrapper *content = g_mime_part_get_content (GMIME_PART (part));
      g_autoptr (GByteArray) bytes = g_byte_array_new ();
      GMimeStream *out = g_mime_stream_mem_new_with_byte_array (bytes);
      g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (out), FALSE);
      g_mime_data_wrapper_write_to_stream (content, out);
      g_object_unref (out);
      assert_int_equal (bytes->len, strlen (text));
      assert_memory_equal (bytes->data, text, bytes->len);
      g_object_unref (part);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_message_new, setup, teardown),
    cmocka_unit_test_setup_teardown (test_queue_row, setup, teardown),
    cmocka_unit_test (test_display_name),
    cmocka_unit_test (test_utf8_part),
    cmocka_unit_test_setup_teardown (test_compose_headers, setup, teardown),
    cmocka_unit_test_setup_teardown (test_compose_structure, setup, teardown),
    cmocka_unit_test_setup_teardown (test_bounce_address, setup, teardown),
    cmocka_unit_test_setup_teardown (test_bad_recipients, setup, teardown),
    cmocka_unit_test_setup_teardown (test_deliver_to_maildir, setup, teardown),
    cmocka_unit_test_setup_teardown (test_redelivery_no_duplicate, setup, teardown),
    cmocka_unit_test_setup_teardown (test_deferral, setup, teardown),
    cmocka_unit_test_setup_teardown (test_deferred_then_sent, setup, teardown),
    cmocka_unit_test_setup_teardown (test_smtp_sink_unreachable_defers, setup, teardown),
    cmocka_unit_test_setup_teardown (test_smtp_sink_unreachable_takes_back, setup, teardown),
    cmocka_unit_test_setup_teardown (test_smtp_sink_unreachable_all_taken, setup, teardown),
    cmocka_unit_test_setup_teardown (test_no_header_injection, setup, teardown),
    cmocka_unit_test_setup_teardown (test_sink_commit_failure_defers_once, setup, teardown),
    cmocka_unit_test_setup_teardown (test_maildir_store, setup, teardown),
    cmocka_unit_test_setup_teardown (test_maildir_intake, setup, teardown),
  };
  g_mime_init ();
  int failed = cmocka_run_group_tests (tests, NULL, NULL);
  g_mime_shutdown ();
  return failed;
}
