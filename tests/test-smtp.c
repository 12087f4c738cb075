/* Tests of the pure parts of gateway/mail/smtp.c and of the outbox's back-off:
 * VERP addresses both ways, CRLF line ends, what a reply means, the URL
 * given to libcurl; and of what smtp_send reports, against Postfix's
 * smtp-sink.  Sending through the outbox is tested against the real
 * Postfix of tests/servers.sh (tests/smtp-*.sh). */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "gateway/flows/outbox.h"
#include "gateway/mail/smtp.h"
#include "tests/fixture.h"

/* smtp_crlf on text, as a new string. */
static char *
crlf (const char *text)
{
  g_autoptr (GBytes) in = g_bytes_new (text, strlen (text));
  g_autoptr (GBytes) out = smtp_crlf (in);
  gsize len;
  const char *data = g_bytes_get_data (out, &len);
  return len > 0 ? g_strndup (data, len) : g_strdup ("");
}

static void
test_verp_address (void **state)
{
  g_autofree char *a = smtp_verp_address ("bounces@ctc.example", 42);
  g_autofree char *b = smtp_verp_address ("ctc.bounces+list@un.example", 7);
  g_autofree char *c = smtp_verp_address ("b@ctc.example", G_MAXINT64);
  assert_string_equal (a, "bounces+42@ctc.example");
  assert_string_equal (b, "ctc.bounces+list+7@un.example");
  assert_string_equal (c, "b+9223372036854775807@ctc.example");
}

/* No VERP address where there can be none. */
static void
test_verp_address_refused (void **state)
{
  g_autofree char *local60 = g_strnfill (60, 'a');
  g_autofree char *long_bounce = g_strconcat (local60, "@ctc.example", NULL);
  g_autofree char *fits = smtp_verp_address (long_bounce, 123);
  g_autofree char *over = smtp_verp_address (long_bounce, 1234);
  assert_non_null (fits);
  assert_null (over);
  assert_null (smtp_verp_address ("bounces@ctc.example", 0));
  assert_null (smtp_verp_address ("bounces@ctc.example", -5));
  assert_null (smtp_verp_address ("not an address", 1));
  assert_null (smtp_verp_address ("a@b.example\r\nRCPT TO:<x@y>", 1));
  assert_null (smtp_verp_address (NULL, 1));
}

static void
test_verp_row_id (void **state)
{
  const char *bounce = "bounces@ctc.example";
  assert_int_equal (smtp_verp_row_id (bounce, "bounces+42@ctc.example"), 42);
  assert_int_equal (smtp_verp_row_id (bounce, "BOUNCES+42@CTC.Example"), 42);
  assert_int_equal (smtp_verp_row_id (bounce, "bounces+999999999999999999@ctc.example"),
                    G_GINT64_CONSTANT (999999999999999999));
  assert_int_equal (smtp_verp_row_id ("a+list@un.example", "a+list+3@un.example"), 3);
}

/* Addresses that are no VERP address of bounce give 0. */
static void
test_verp_row_id_refused (void **state)
{
  const char *bounce = "bounces@ctc.example";
  const char *const others[] = {
    "bounces@ctc.example", "bounces+@ctc.example", "bounces+042@ctc.example",
    "bounces+4x@ctc.example", "bounces+-4@ctc.example", "bounces+42@other.example",
    "bouncesx+42@ctc.example", "other+42@ctc.example", "bounces+1000000000000000000@ctc.example",
    "bounces+42", "", "@", "+42@ctc.example",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (others); i++)
    if (smtp_verp_row_id (bounce, others[i]) != 0)
      fail_msg ("%s gave a row id", others[i]);
  assert_int_equal (smtp_verp_row_id (NULL, "bounces+1@ctc.example"), 0);
  assert_int_equal (smtp_verp_row_id (bounce, NULL), 0);
}

/* A VERP address made from a row id gives the row id back. */
static void
test_verp_round_trip (void **state)
{
  const gint64 ids[] = { 1, 9, 10, 300, 65536, G_GINT64_CONSTANT (123456789012345678) };
  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *verp = smtp_verp_address ("bounces@ctc.example", ids[i]);
      assert_int_equal (smtp_verp_row_id ("bounces@ctc.example", verp), ids[i]);
    }
}

static void
test_crlf (void **state)
{
  g_autofree char *lf = crlf ("From: a@b.example\nSubject: x\n\nbody\n.\n");
  g_autofree char *mixed = crlf ("a\r\nb\nc\r\n");
  g_autofree char *cr = crlf ("a\rb\r");
  g_autofree char *start = crlf ("\nx");
  g_autofree char *none = crlf ("no line end");
  g_autofree char *empty = crlf ("");
  assert_string_equal (lf, "From: a@b.example\r\nSubject: x\r\n\r\nbody\r\n.\r\n");
  assert_string_equal (mixed, "a\r\nb\r\nc\r\n");
  assert_string_equal (cr, "a\r\nb\r\n");
  assert_string_equal (start, "\r\nx");
  assert_string_equal (none, "no line end");
  assert_string_equal (empty, "");
}

/* A message that already ends its lines with CRLF is not copied. */
static void
test_crlf_unchanged (void **state)
{
  const char text[] = "a\r\n\r\nb\r\n";
  g_autoptr (GBytes) in = g_bytes_new (text, strlen (text));
  g_autoptr (GBytes) out = smtp_crlf (in);
  assert_ptr_equal (in, out);
}

/* Bytes that are no text (NUL) pass through; only line ends change. */
static void
test_crlf_binary (void **state)
{
  const char text[] = { 'a', '\0', '\n', '\0', '\r' };
  const char want[] = { 'a', '\0', '\r', '\n', '\0', '\r', '\n' };
  g_autoptr (GBytes) in = g_bytes_new (text, sizeof text);
  g_autoptr (GBytes) out = smtp_crlf (in);
  gsize len;
  const char *data = g_bytes_get_data (out, &len);
  assert_int_equal (len, sizeof want);
  assert_memory_equal (data, want, sizeof want);
}

static void
test_outcome (void **state)
{
  assert_int_equal (smtp_outcome (TRUE, SMTP_PHASE_DATA, 250), SMTP_SENT);
  assert_int_equal (smtp_outcome (FALSE, SMTP_PHASE_RCPT, 550), SMTP_FAILED);
  assert_int_equal (smtp_outcome (FALSE, SMTP_PHASE_MAIL, 553), SMTP_FAILED);
  assert_int_equal (smtp_outcome (FALSE, SMTP_PHASE_DATA, 554), SMTP_FAILED);
  assert_int_equal (smtp_outcome (FALSE, SMTP_PHASE_RCPT, 450), SMTP_DEFERRED);
  assert_int_equal (smtp_outcome (FALSE, SMTP_PHASE_DATA, 452), SMTP_DEFERRED);
  assert_int_equal (smtp_outcome (FALSE, SMTP_PHASE_RCPT, 421), SMTP_DEFERRED);
  /* No reply: the connection broke. */
  assert_int_equal (smtp_outcome (FALSE, SMTP_PHASE_DATA, 0), SMTP_DEFERRED);
  assert_int_equal (smtp_outcome (FALSE, SMTP_PHASE_DATA, 354), SMTP_DEFERRED);
  /* Before MAIL FROM nothing is about the message: a 5xx to AUTH defers. */
  assert_int_equal (smtp_outcome (FALSE, SMTP_PHASE_SESSION, 535), SMTP_DEFERRED);
  assert_int_equal (smtp_outcome (FALSE, SMTP_PHASE_SESSION, 0), SMTP_DEFERRED);
}

/* 60 s doubling with each try, at most a day. */
static void
test_retry_delay (void **state)
{
  assert_int_equal (outbox_retry_delay (0), 60);
  assert_int_equal (outbox_retry_delay (1), 120);
  assert_int_equal (outbox_retry_delay (2), 240);
  assert_int_equal (outbox_retry_delay (10), 61440);
  assert_int_equal (outbox_retry_delay (11), OUTBOX_RETRY_MAX_SECONDS);
  assert_int_equal (outbox_retry_delay (63), OUTBOX_RETRY_MAX_SECONDS);
  assert_int_equal (outbox_retry_delay (G_MAXINT64), OUTBOX_RETRY_MAX_SECONDS);
  assert_int_equal (outbox_retry_delay (-3), 60);
  for (gint64 t = 1; t < 40; t++)
    assert_true (outbox_retry_delay (t) >= outbox_retry_delay (t - 1));
}

/* smtp_curl_url: url, starttls key -> URL, STARTTLS */
static void
check_url (const char *url, gboolean key, const char *want, gboolean want_tls)
{
  gboolean tls = !want_tls;
  g_autofree char *got = smtp_curl_url (url, "ctc.example", key, &tls);
  if (g_strcmp0 (got, want) != 0)
    fail_msg ("%s gave %s, not %s", url, got ? got : "(null)", want ? want : "(null)");
  if (want != NULL && tls != want_tls)
    fail_msg ("%s: STARTTLS %d", url, tls);
}

static void
test_curl_url (void **state)
{
  check_url ("smtp://127.0.0.1:2525", FALSE, "smtp://127.0.0.1:2525/ctc.example", FALSE);
  check_url ("smtp://127.0.0.1:2525/", FALSE, "smtp://127.0.0.1:2525/ctc.example", FALSE);
  check_url ("smtp://mx.un.example?starttls", FALSE, "smtp://mx.un.example/ctc.example", TRUE);
  check_url ("smtp://mx.un.example:587/?STARTTLS", FALSE,
             "smtp://mx.un.example:587/ctc.example", TRUE);
  check_url ("smtp://mx.un.example", TRUE, "smtp://mx.un.example/ctc.example", TRUE);
  check_url ("smtps://mx.un.example", TRUE, "smtps://mx.un.example/ctc.example", FALSE);
  check_url ("smtp://mx.un.example/gw.un.example", FALSE,
             "smtp://mx.un.example/gw.un.example", FALSE);
  check_url ("smtp://mx.un.example?relay=1", FALSE, NULL, FALSE);
  check_url ("imap://mx.un.example", FALSE, NULL, FALSE);
  check_url ("maildir:/tmp/x", FALSE, NULL, FALSE);
  check_url ("smtp://", FALSE, NULL, FALSE);
}

/* The problems of a configuration whose [smtp] section is smtp. */
static GPtrArray *
smtp_problems (const char *smtp, gboolean *starttls)
{
  g_autofree char *dir = g_dir_make_tmp ("test-smtp-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "ctcgw.conf", NULL);
  g_autofree char *text = g_strdup_printf ("[gateway]\ndatabase = r.db\n"
                                           "address = intake@ctc.example\n[smtp]\n%s\n", smtp);
  assert_true (g_file_set_contents (path, text, -1, NULL));
  GPtrArray *problems = config_check (path);
  Config *config = config_load (path, NULL);
  *starttls = config != NULL && config->smtp_starttls;
  g_clear_pointer (&config, config_free);
  g_unlink (path);
  g_rmdir (dir);
  return problems;
}

/* STARTTLS: the key, or ?starttls on an smtp:// URL; nothing else. */
static void
test_config_starttls (void **state)
{
  const struct { const char *smtp; guint problems; gboolean starttls; } cases[] = {
    { "url = smtp://mx.un.example", 0, FALSE },
    { "url = smtp://mx.un.example:587?starttls", 0, TRUE },
    { "url = smtp://mx.un.example\nstarttls = true", 0, TRUE },
    { "url = smtps://mx.un.example", 0, FALSE },
    { "url = smtps://mx.un.example?starttls", 1, FALSE },
    { "url = smtp://mx.un.example?relay\nstarttls = yes", 1, FALSE },
    { "url = smtp://mx.un.example\nstarttls = sometimes", 1, FALSE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean starttls = FALSE;
      g_autoptr (GPtrArray) problems = smtp_problems (cases[i].smtp, &starttls);
      if (problems->len != cases[i].problems)
        fail_msg ("%s: %u problems", cases[i].smtp, problems->len);
      if (cases[i].problems == 0 && starttls != cases[i].starttls)
        fail_msg ("%s: STARTTLS %d", cases[i].smtp, starttls);
    }
}

/* ---- smtp_send against smtp-sink ------------------------------------------- */

/* Postfix's smtp-sink on a free loopback port, writing each message it
 * takes into a file of dir. */
typedef struct {
  char *dir;
  GPid pid;
  guint16 port;
} Sink;

static guint16
free_port (void)
{
  g_autoptr (GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                           G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  assert_true (g_socket_bind (sock, any, FALSE, NULL));
  g_autoptr (GSocketAddress) bound = g_socket_get_local_address (sock, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* Waits up to 5 s for the sink to take connections. */
static gboolean
sink_listening (const Sink *k)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  for (int i = 0; i < 100; i++)
    {
      g_autoptr (GSocketConnection) c = g_socket_client_connect_to_host (client, "127.0.0.1",
                                                                        k->port, NULL, NULL);
      if (c != NULL)
        return TRUE;
      g_usleep (50 * G_TIME_SPAN_MILLISECOND);
    }
  return FALSE;
}

/* FALSE when smtp-sink is not installed (Debian package postfix). */
static gboolean
sink_start (Sink *k)
{
  g_autofree char *found = g_find_program_in_path ("smtp-sink");
  const char *path = found != NULL ? found : "/usr/sbin/smtp-sink";
  if (!g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;
  k->dir = fixture_dir_new ("smtp-sink");
  assert_int_equal (g_chmod (k->dir, 0777), 0);   /* written as nobody when run as root */
  k->port = free_port ();
  g_autofree char *dump = g_build_filename (k->dir, "m.", NULL);
  g_autofree char *where = g_strdup_printf ("127.0.0.1:%u", k->port);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) path);
  if (geteuid () == 0)
    {
      g_ptr_array_add (argv, "-u");
      g_ptr_array_add (argv, "nobody");
    }
  g_ptr_array_add (argv, "-d");
  g_ptr_array_add (argv, dump);
  g_ptr_array_add (argv, where);
  g_ptr_array_add (argv, "16");
  g_ptr_array_add (argv, NULL);
  assert_true (g_spawn_async (NULL, (char **) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                              NULL, NULL, &k->pid, NULL));
  assert_true (sink_listening (k));
  return TRUE;
}

/* The messages the sink took. */
static guint
sink_count (const Sink *k)
{
  guint n = 0;
  g_autoptr (GDir) d = g_dir_open (k->dir, 0, NULL);
  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
sink_stop (Sink *k)
{
  kill (k->pid, SIGTERM);
  waitpid (k->pid, NULL, 0);
  g_spawn_close_pid (k->pid);
  fixture_dir_free (k->dir);
}

/* What the sender is given and what it reports. */
typedef struct {
  guint total;      /* messages next gives */
  guint fail_at;    /* next fails on this call (from 1), 0: never */
  guint asked;
  guint sent;       /* SMTP_SENT reported */
  guint other;      /* any other result */
  GBytes *raw;
} Feed;

static gboolean
feed_next (gpointer data, SmtpMessage *msg, GError **error)
{
  Feed *f = data;
  f->asked++;
  if (f->asked == f->fail_at)
    {
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_IO, "the outbox cannot be read");
      return FALSE;
    }
  if (f->asked > f->total)
    return FALSE;
  *msg = (SmtpMessage) { f->asked, "bounces@ctc.example", "u@ctc.example", f->raw };
  return TRUE;
}

static gboolean
feed_done (gpointer data, gint64 id, SmtpOutcome outcome, const char *detail, GError **error)
{
  Feed *f = data;
  if (outcome == SMTP_SENT)
    f->sent++;
  else
    f->other++;
  return TRUE;
}

/* Sends feed through 3 sessions to the sink; the error of smtp_send. */
static GError *
send_to_sink (Feed *feed, guint *taken)
{
  Sink k = { 0 };
  if (!sink_start (&k))
    skip ();
  char *dir = fixture_dir_new ("smtp");
  g_autofree char *text = g_strdup_printf (
      "[gateway]\ndatabase = r.db\naddress = intake@ctc.example\n"
      "[smtp]\nurl = smtp://127.0.0.1:%u\nsessions = 3\n", k.port);
  Config *config = fixture_config (dir, text);
  const char *body = "From: intake@ctc.example\nTo: u@ctc.example\nSubject: s\n\ntext\n";
  feed->raw = g_bytes_new_static (body, strlen (body));
  GError *error = NULL;
  smtp_send (config, feed_next, feed_done, feed, &error);
  *taken = sink_count (&k);
  g_bytes_unref (feed->raw);
  config_free (config);
  fixture_dir_free (dir);
  sink_stop (&k);
  return error;
}

/* Every message is sent over the sessions and reported once. */
static void
test_send_all (void **state)
{
  Feed feed = { .total = 40 };
  guint taken = 0;
  g_autoptr (GError) error = send_to_sink (&feed, &taken);
  assert_null (error);
  assert_int_equal (feed.sent, 40);
  assert_int_equal (feed.other, 0);
  assert_int_equal (taken, 40);
}

/* next fails part way: nothing more is taken, and every message the
 * server took is still reported sent (only those not yet sent are not). */
static void
test_next_fails (void **state)
{
  for (guint fail_at = 1; fail_at <= 12; fail_at++)
    {
      Feed feed = { .total = 40, .fail_at = fail_at };
      guint taken = 0;
      g_autoptr (GError) error = send_to_sink (&feed, &taken);
      assert_true (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_IO));
      assert_int_equal (feed.asked, fail_at);
      if (feed.sent != taken || feed.other != 0)
        fail_msg ("next failing at call %u: %u reported sent, %u taken by the server, %u other",
                  fail_at, feed.sent, taken, feed.other);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_verp_address),
    cmocka_unit_test (test_verp_address_refused),
    cmocka_unit_test (test_verp_row_id),
    cmocka_unit_test (test_verp_row_id_refused),
    cmocka_unit_test (test_verp_round_trip),
    cmocka_unit_test (test_crlf),
    cmocka_unit_test (test_crlf_unchanged),
    cmocka_unit_test (test_crlf_binary),
    cmocka_unit_test (test_outcome),
    cmocka_unit_test (test_retry_delay),
    cmocka_unit_test (test_curl_url),
    cmocka_unit_test (test_config_starttls),
    cmocka_unit_test (test_send_all),
    cmocka_unit_test (test_next_fails),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
