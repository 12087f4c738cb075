/* Delivery reports matched to the outbox: VERP addresses, Message-IDs,
 * counting against contact points, soft bounces, the intake hook, and every
 * report of the corpus ($CTCGW_CORPUS/dsn). */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <gmime/gmime.h>

#include "gateway/flows/bounce.h"
#include "gateway/base/config.h"
#include "gateway/store/db.h"
#include "gateway/flows/intake.h"
#include "parsers/dsn.h"
#include "tests/fixture.h"

typedef struct {
  char *dir;
  Config *config;
  sqlite3 *db;
  guint reports;   /* reports made so far: unique Message-IDs */
} Fixture;

static const char *conf_text =
  "[gateway]\n"
  "database = registers.db\n"
  "address = gateway@ctc.example\n"
  "staff = desk@ctc.example\n"
  "[smtp]\n"
  "url = maildir:outbox\n"
  "bounce_address = bounces@ctc.example\n";

/* A delivery report (RFC 3464) sent to `to` for the message `message_id`
 * sent to `recipient`. */
typedef struct {
  const char *to;
  const char *recipient;
  const char *action;
  const char *status;
  const char *message_id;
  const char *extra;        /* more header lines, or NULL */
} ReportSpec;

/* A fresh database and a configuration with extra [smtp] lines. */
static Fixture *
fixture_new (const char *smtp_extra)
{
  Fixture *f = g_new0 (Fixture, 1);
  g_autofree char *all = g_strconcat (conf_text, smtp_extra, NULL);
  f->dir = fixture_dir_new ("bounce");
  f->config = fixture_config (f->dir, all);
  f->db = fixture_db (f->config->database);
  fixture_exec (f->db,
      "INSERT INTO contacts (reference, entity, name, email, status, state)"
      " VALUES ('CTC-CP-2026-0001', 'UNODC', 'Jan Doe', 'J.Doe@unodc.example', 'active', 'active'),"
      " ('CTC-CP-2026-0002', 'KZ', 'Aigerim N', 'focal@mfa.kz.example', 'active', 'active');");
  return f;
}

static int
setup (void **state)
{
  *state = fixture_new ("");
  return 0;
}

static int
teardown (void **state)
{
  Fixture *f = *state;
  db_close (f->db);
  config_free (f->config);
  fixture_dir_free (f->dir);
  g_free (f);
  return 0;
}

/* A sent outbox row; returns its id. */
static gint64
sent_row (Fixture *f, const char *recipient, const char *message_id)
{
  g_autofree char *sql = g_strdup_printf (
      "INSERT INTO outbox (state, kind, recipient, message_id, raw, sent)"
      " VALUES ('sent', 'circular', '%s', '%s', 'x', '2026-11-30T10:00:00Z')",
      recipient, message_id);
  fixture_exec (f->db, sql);
  return sqlite3_last_insert_rowid (f->db);
}

/* The submission row a report is stored as; returns its id. */
static gint64
report_row (Fixture *f)
{
  fixture_exec (f->db, "INSERT INTO submissions (sha256, class, outcome)"
                       " VALUES ('0', 'delivery-report', 'automatic')");
  return sqlite3_last_insert_rowid (f->db);
}

/* The raw report of spec. */
static GBytes *
report_bytes (Fixture *f, const ReportSpec *spec)
{
  char *s = g_strdup_printf (
      "From: Mail Delivery System <MAILER-DAEMON@mx.example>\r\n"
      "To: %s\r\n%s"
      "Subject: Undelivered Mail Returned to Sender\r\n"
      "Message-ID: <report-%u@mx.example>\r\n"
      "Date: Mon, 30 Nov 2026 10:00:00 +0000\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n"
      "\r\n--B\r\nContent-Type: text/plain\r\n\r\n"
      "This is the mail system at host mx.example.\r\n"
      "\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\n"
      "Reporting-MTA: dns; mx.example\r\n\r\n"
      "Final-Recipient: rfc822; %s\r\nAction: %s\r\nStatus: %s\r\n"
      "Diagnostic-Code: smtp; %s mailbox problem\r\n"
      "\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
      "From: CTC <gateway@ctc.example>\r\nTo: %s\r\nSubject: Circular\r\n"
      "Message-ID: <%s>\r\n"
      "\r\n--B--\r\n",
      spec->to, spec->extra != NULL ? spec->extra : "", ++f->reports, spec->recipient, spec->action, spec->status, spec->status,
      spec->recipient, spec->message_id);
  return g_bytes_new_take (s, strlen (s));
}

/* Parses the report of spec and processes it as submission submission_id. */
static void
process (Fixture *f, const ReportSpec *spec)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) raw = report_bytes (f, spec);
  g_autoptr (MailMessage) msg = mail_message_parse (raw, f->config->address,
                                                    &f->config->limits, &error);
  assert_non_null (msg);
  assert_int_equal (msg->klass, MAIL_DELIVERY_REPORT);
  gint64 sub = report_row (f);
  assert_true (db_begin (f->db, &error));
  assert_true (bounce_process (f->db, f->config, msg, sub, &error));
  assert_true (db_commit (f->db, &error));
}

/* A hard bounce of message_id to the VERP address of row id. */
static void
hard_bounce_verp (Fixture *f, gint64 id, const char *recipient, const char *message_id)
{
  g_autofree char *to = g_strdup_printf ("bounces+%" G_GINT64_FORMAT "@ctc.example", id);
  ReportSpec spec = { to, recipient, "failed", "5.1.1", message_id, NULL };
  process (f, &spec);
}

/* A report to the VERP address of a row matches that row, whatever the
 * report says of the returned message. */
static void
test_verp_match (void **state)
{
  Fixture *f = *state;
  sent_row (f, "focal@mfa.kz.example", "other@ctc.example");
  gint64 id = sent_row (f, "j.doe@unodc.example", "circ-1@ctc.example");
  hard_bounce_verp (f, id, "jdoe@mail.unodc.example", "unknown@elsewhere.example");
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM bounces WHERE outbox_id = %"
      G_GINT64_FORMAT " AND matched_by = 'verp' AND hard = 1 AND counted = 1"
      " AND recipient = 'jdoe@mail.unodc.example' AND status = '5.1.1' AND action = 'failed'"
      " AND diagnostic LIKE '5.1.1 mailbox problem%%'", id);
  assert_int_equal (fixture_count (f->db, sql), 1);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM bounces"), 1);
  g_autofree char *state_sql = g_strdup_printf ("SELECT state || ' ' || last_error FROM outbox"
                                                " WHERE id = %" G_GINT64_FORMAT, id);
  fixture_assert_text (f->db, state_sql, "failed delivery report: 5.1.1 5.1.1 mailbox problem");
  assert_int_equal (fixture_count (f->db, "SELECT bounces FROM contacts WHERE id = 1"), 1);
  assert_int_equal (fixture_count (f->db, "SELECT bounces FROM contacts WHERE id = 2"), 0);
  fixture_assert_text (f->db, "SELECT status FROM contacts WHERE id = 1", "active");
}

/* A report forwarded from elsewhere keeps the VERP address in
 * Delivered-To, in any case. */
static void
test_verp_delivered_to (void **state)
{
  Fixture *f = *state;
  gint64 id = sent_row (f, "j.doe@unodc.example", "fwd@ctc.example");
  g_autofree char *extra = g_strdup_printf ("Delivered-To: desk@ctc.example\r\n"
      "Delivered-To: Bounces+%" G_GINT64_FORMAT "@CTC.Example\r\n", id);
  ReportSpec spec = { "Staff <desk@ctc.example>", "j.doe@unodc.example", "failed", "5.1.1",
                      "other@elsewhere.example", extra };
  process (f, &spec);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM bounces WHERE outbox_id = %"
      G_GINT64_FORMAT " AND matched_by = 'verp' AND counted = 1", id);
  assert_int_equal (fixture_count (f->db, sql), 1);
}

/* A VERP address of no row, or of another domain, matches nothing: the
 * report is recorded, not counted. */
static void
test_verp_unknown (void **state)
{
  Fixture *f = *state;
  gint64 id = sent_row (f, "j.doe@unodc.example", "circ-2@ctc.example");
  hard_bounce_verp (f, id + 100, "j.doe@unodc.example", "none@ctc.example");
  ReportSpec other = { "bounces+1@elsewhere.example", "j.doe@unodc.example", "failed",
                       "5.1.1", "none@ctc.example", NULL };
  process (f, &other);
  ReportSpec odd = { "bounces+01@ctc.example, bounces+1x@ctc.example", "j.doe@unodc.example",
                     "failed", "5.1.1", "none@ctc.example", "Return-Path: <bounces@ctc.example>\r\n" };
  process (f, &odd);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM bounces WHERE outbox_id IS NULL"
                                          " AND matched_by IS NULL AND counted = 0 AND hard = 1"), 3);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM bounces"), 3);
  assert_int_equal (fixture_count (f->db, "SELECT bounces FROM contacts WHERE id = 1"), 0);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox WHERE state = 'sent'"), 1);
}

/* Without a VERP address, the returned Message-ID and the recipient find
 * the row among those that share the Message-ID. */
static void
test_message_id_match (void **state)
{
  Fixture *f = *state;
  sent_row (f, "focal@mfa.kz.example", "circ-3@ctc.example");
  gint64 id = sent_row (f, "j.doe@unodc.example", "circ-3@ctc.example");
  sent_row (f, "j.doe@unodc.example", "circ-4@ctc.example");
  ReportSpec spec = { "bounces@ctc.example", "J.Doe@UNODC.example", "failed", "5.2.1",
                      "circ-3@ctc.example", NULL };
  process (f, &spec);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM bounces WHERE outbox_id = %"
      G_GINT64_FORMAT " AND matched_by = 'message-id' AND counted = 1"
      " AND recipient = 'j.doe@unodc.example'", id);
  assert_int_equal (fixture_count (f->db, sql), 1);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM bounces"), 1);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox WHERE state = 'failed'"), 1);
  assert_int_equal (fixture_count (f->db, "SELECT bounces FROM contacts WHERE id = 1"), 1);
  assert_int_equal (fixture_count (f->db, "SELECT bounces FROM contacts WHERE id = 2"), 0);
  /* The same Message-ID for a recipient it was not sent to: no match. */
  ReportSpec stranger = { "bounces@ctc.example", "x@unodc.example", "failed", "5.1.1",
                          "circ-3@ctc.example", NULL };
  process (f, &stranger);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM bounces WHERE outbox_id IS NULL"
                                          " AND recipient = 'x@unodc.example'"), 1);
}

/* The third hard bounce (the default limit) marks the contact point
 * bouncing, with its history; a row counts once. */
static void
test_third_bounce (void **state)
{
  Fixture *f = *state;
  assert_int_equal (f->config->hard_bounces, 3);
  gint64 ids[3];
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *mid = g_strdup_printf ("third-%d@ctc.example", i);
      ids[i] = sent_row (f, "j.doe@unodc.example", mid);
    }
  hard_bounce_verp (f, ids[0], "j.doe@unodc.example", "third-0@ctc.example");
  hard_bounce_verp (f, ids[0], "j.doe@unodc.example", "third-0@ctc.example");
  hard_bounce_verp (f, ids[1], "j.doe@unodc.example", "third-1@ctc.example");
  assert_int_equal (fixture_count (f->db, "SELECT bounces FROM contacts WHERE id = 1"), 2);
  fixture_assert_text (f->db, "SELECT status FROM contacts WHERE id = 1", "active");
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM bounces WHERE counted = 0"), 1);
  hard_bounce_verp (f, ids[2], "j.doe@unodc.example", "third-2@ctc.example");
  assert_int_equal (fixture_count (f->db, "SELECT bounces FROM contacts WHERE id = 1"), 3);
  fixture_assert_text (f->db, "SELECT status FROM contacts WHERE id = 1", "bouncing");
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM contacts_history WHERE record_id = 1"
      " AND field = 'Status' AND old_value = 'active' AND new_value = 'bouncing'"
      " AND action = 'update' AND submission_id = (SELECT max (id) FROM submissions)"), 1);
  fixture_assert_text (f->db, "SELECT status FROM contacts WHERE id = 2", "active");
}

/* A delay (4.x.x) is recorded, not counted, and leaves its row sent. */
static void
test_soft_bounce (void **state)
{
  Fixture *f = *state;
  gint64 id = sent_row (f, "j.doe@unodc.example", "soft@ctc.example");
  g_autofree char *to = g_strdup_printf ("bounces+%" G_GINT64_FORMAT "@ctc.example", id);
  for (int i = 0; i < 4; i++)
    {
      ReportSpec spec = { to, "j.doe@unodc.example", "delayed", "4.2.2", "soft@ctc.example",
                          NULL };
      process (f, &spec);
    }
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM bounces WHERE hard = 0 AND counted = 0"
                                          " AND action = 'delayed' AND status = '4.2.2'"
                                          " AND matched_by = 'verp'"), 4);
  assert_int_equal (fixture_count (f->db, "SELECT bounces FROM contacts WHERE id = 1"), 0);
  fixture_assert_text (f->db, "SELECT status FROM contacts WHERE id = 1", "active");
  g_autofree char *sql = g_strdup_printf ("SELECT state FROM outbox WHERE id = %"
                                          G_GINT64_FORMAT, id);
  fixture_assert_text (f->db, sql, "sent");
}

/* [smtp] hard_bounces = 1: the first hard bounce is enough. */
static void
test_configured_limit (void **state)
{
  Fixture *f = fixture_new ("hard_bounces = 1\n");
  assert_int_equal (f->config->hard_bounces, 1);
  gint64 id = sent_row (f, "focal@mfa.kz.example", "limit@ctc.example");
  hard_bounce_verp (f, id, "focal@mfa.kz.example", "limit@ctc.example");
  fixture_assert_text (f->db, "SELECT status FROM contacts WHERE id = 2", "bouncing");
  void *fs = f;
  teardown (&fs);
}

/* Through intake: a report is stored as automatic mail, never answered,
 * and its bounce recorded in the same transaction. */
static void
test_intake_hook (void **state)
{
  Fixture *f = *state;
  gint64 id = sent_row (f, "j.doe@unodc.example", "hook@ctc.example");
  g_autofree char *to = g_strdup_printf ("bounces+%" G_GINT64_FORMAT "@ctc.example", id);
  ReportSpec spec = { to, "j.doe@unodc.example", "failed", "5.1.1", "hook@ctc.example", NULL };
  g_autoptr (GBytes) raw = report_bytes (f, &spec);
  g_autoptr (GError) error = NULL;
  IntakeResult result = { 0 };
  assert_true (intake_process (FIXTURE_CONTEXT (f), raw, "test", &result, &error));
  assert_int_equal (result.outcome, INTAKE_AUTOMATIC);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM bounces WHERE submission_id = %"
      G_GINT64_FORMAT " AND outbox_id = %" G_GINT64_FORMAT " AND counted = 1",
      result.submission_id, id);
  assert_int_equal (fixture_count (f->db, sql), 1);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox"), 1);
  intake_result_clear (&result);
}

/* The corpus directory (test_corpus reads it). */
static const char *corpus_path;

/* The first hard-bounced recipient of a report, or NULL. */
static const DsnRecipient *
first_hard (const DsnReport *dsn)
{
  for (guint i = 0; dsn != NULL && i < dsn->recipients->len; i++)
    {
      const DsnRecipient *r = g_ptr_array_index (dsn->recipients, i);
      if (r->hard && r->recipient != NULL && config_address_valid (r->recipient))
        return r;
    }
  return NULL;
}

/* A row for what the report says was sent, when it names the message and a
 * hard-bounced recipient; its id, or 0. */
static gint64
seed_row (Fixture *f, const MailMessage *msg)
{
  g_autoptr (DsnReport) dsn = dsn_parse (msg->mime);
  const DsnRecipient *r = first_hard (dsn);
  if (r == NULL || dsn->original_message_id == NULL)
    return 0;
  sqlite3_stmt *st = NULL;
  assert_int_equal (sqlite3_prepare_v2 (f->db, "INSERT INTO outbox (state, recipient, message_id)"
                                        " VALUES ('sent', ?1, ?2)", -1, &st, NULL), SQLITE_OK);
  sqlite3_bind_text (st, 1, r->recipient, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, dsn->original_message_id, -1, SQLITE_TRANSIENT);
  assert_int_equal (sqlite3_step (st), SQLITE_DONE);
  sqlite3_finalize (st);
  return sqlite3_last_insert_rowid (f->db);
}

/* One corpus file: parsed, processed; a seeded row is matched. */
static gboolean
corpus_file (Fixture *f, const char *path, guint *matched)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;
  assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_autoptr (GBytes) raw = g_bytes_new (data, len);
  g_autoptr (MailMessage) msg = mail_message_parse (raw, f->config->address,
                                                    &f->config->limits, NULL);
  if (msg == NULL)
    return FALSE;
  gint64 row = seed_row (f, msg);
  gint64 sub = report_row (f);
  assert_true (db_begin (f->db, &error));
  if (!bounce_process (f->db, f->config, msg, sub, &error))
    fail_msg ("%s: %s", path, error->message);
  assert_true (db_commit (f->db, &error));
  if (row == 0)
    return TRUE;
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM bounces WHERE outbox_id = %"
      G_GINT64_FORMAT " AND submission_id = %" G_GINT64_FORMAT " AND matched_by = 'message-id'"
      " AND counted = 1", row, sub);
  if (fixture_count (f->db, sql) != 1)
    fail_msg ("%s: the report of a row sent was not matched to it", path);
  (*matched)++;
  return TRUE;
}

static void
test_corpus (void **state)
{
  Fixture *f = *state;
  fixture_need_corpus (corpus_path);
  g_autofree char *dir = g_build_filename (corpus_path, "dsn", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  assert_non_null (d);
  guint files = 0, matched = 0;
  for (const char *name; (name = g_dir_read_name (d)) != NULL;)
    {
      if (strcmp (name, "INDEX.tsv") == 0)
        continue;
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (corpus_file (f, path, &matched))
        files++;
    }
  printf ("# %u corpus reports processed, %u matched by Message-ID\n", files, matched);
  assert_true (files > 100);
  assert_true (matched > 20);
  assert_true (fixture_count (f->db, "SELECT count(*) FROM bounces") > 100);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM bounces WHERE outbox_id IS NOT NULL"
                                          " AND matched_by IS NULL"), 0);
}

int
main (void)
{
  g_mime_init ();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_verp_match, setup, teardown),
    cmocka_unit_test_setup_teardown (test_verp_delivered_to, setup, teardown),
    cmocka_unit_test_setup_teardown (test_verp_unknown, setup, teardown),
    cmocka_unit_test_setup_teardown (test_message_id_match, setup, teardown),
    cmocka_unit_test_setup_teardown (test_third_bounce, setup, teardown),
    cmocka_unit_test_setup_teardown (test_soft_bounce, setup, teardown),
    cmocka_unit_test (test_configured_limit),
    cmocka_unit_test_setup_teardown (test_intake_hook, setup, teardown),
  };
  const struct CMUnitTest corpus_tests[] = {
    cmocka_unit_test_setup_teardown (test_corpus, setup, teardown),
  };
  g_autofree char *corpus = fixture_corpus_dir ();
  corpus_path = corpus;
  int failed = cmocka_run_group_tests (tests, NULL, NULL);
  return failed + cmocka_run_group_tests (corpus_tests, NULL, NULL);
}
