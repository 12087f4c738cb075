/* Tests of gateway/base/config.c: defaults, comments, paths, sizes, and every kind
 * of problem config_check reports. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "gateway/base/config.h"
#include "gateway/base/secret.h"
#include "tests/fixture.h"

#define MINIMAL \
  "[gateway]\n" \
  "database = reg.db\n" \
  "address = gw@un.example\n" \
  "[smtp]\n" \
  "url = maildir:out\n"

static char *tmpdir;

/* Writes text as DIR/NAME and returns its path. */
static char *
write_file (const char *name, const char *text)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static char *
write_config (const char *text)
{
  return write_file ("ctcgw.conf", text);
}

static Config *
load (const char *text)
{
  return fixture_config (tmpdir, text);
}

static char *
in_dir (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

/* Fails unless one problem of text contains expected. */
static void
assert_problem (const char *text, const char *expected)
{
  g_autofree char *path = write_config (text);
  g_autoptr (GPtrArray) problems = config_check (path);
  for (guint i = 0; i < problems->len; i++)
    if (strstr (problems->pdata[i], expected) != NULL)
      return;
  for (guint i = 0; i < problems->len; i++)
    print_message ("problem: %s\n", (char *) problems->pdata[i]);
  fail_msg ("no problem says: %s", expected);
}

static void
assert_no_problem (const char *text)
{
  g_autofree char *path = write_config (text);
  g_autoptr (GPtrArray) problems = config_check (path);
  for (guint i = 0; i < problems->len; i++)
    print_message ("problem: %s\n", (char *) problems->pdata[i]);
  assert_int_equal (problems->len, 0);
}

static void
test_defaults (void **state)
{
  g_autoptr (Config) c = load (MINIMAL);
  g_autofree char *db = in_dir ("reg.db");
  g_autofree char *out = in_dir ("out");
  g_autofree char *sink = g_strconcat ("maildir:", out, NULL);
  CtcLimits d = ctc_limits_default ();
  assert_string_equal (c->database, db);
  assert_string_equal (c->address, "gw@un.example");
  assert_null (c->name);
  assert_string_equal (c->reference_prefix, "CTC");
  assert_string_equal (c->timezone, "UTC");
  assert_string_equal (g_time_zone_get_identifier (c->zone), "UTC");
  assert_string_equal (c->language, "en");
  assert_null (c->trusted_authserv_id);
  assert_non_null (c->staff);
  assert_null (c->staff[0]);
  assert_int_equal (c->mailboxes->len, 0);
  assert_string_equal (c->smtp_url, sink);
  assert_null (c->bounce_address);
  assert_int_equal (c->messages_per_connection, 100);
  assert_int_equal (c->smtp_sessions, 4);
  assert_int_equal (c->smtp_rate, 0);
  assert_int_equal (c->limits.message_max, d.message_max);
  assert_int_equal (c->limits.value_max, d.value_max);
  assert_int_equal (c->limits.fields_max, d.fields_max);
  assert_int_equal (c->limits.records_max, d.records_max);
  assert_int_equal (c->limits.attachment_max, 10 * 1024 * 1024);
  assert_int_equal (c->limits.attachments_max, d.message_max);
  assert_int_equal (c->replies_per_sender_per_hour, 10);
  assert_int_equal (c->calendar_clock_skew_hours, 24);
}

static void
test_mailbox_defaults (void **state)
{
  g_autoptr (Config) c = load (MINIMAL "[mailbox intake]\nurl = maildir:inbox\n");
  assert_int_equal (c->mailboxes->len, 1);
  MailboxConfig *m = c->mailboxes->pdata[0];
  assert_string_equal (m->name, "intake");
  assert_string_equal (m->processed_folder, "Processed");
  assert_string_equal (m->rejected_folder, "Rejected");
  assert_true (m->idle);
  assert_false (m->starttls);
  assert_int_equal (m->poll_interval, 60);
  assert_null (m->user);
  assert_null (m->password_file);
}

static void
test_inline_comments (void **state)
{
  g_autoptr (Config) c = load (
      "[gateway]\n"
      "database = reg.db    # the registers\n"
      "address = gw@un.example        # From of everything sent\n"
      "name = CTC Executive Directorate\t# display name\n"
      "staff = desk@un.example, analyst@un.example # two\n"
      "timezone = America/New_York # New York\n"
      "trusted_authserv_id = # none\n"
      "[mailbox intake]\n"
      "url = maildir:inbox  # or imap\n"
      "idle = false # polling\n"
      "poll_interval = 30 # seconds\n"
      "[smtp]\n"
      "url = maildir:out # preview\n"
      "rate = 120 # a minute\n"
      "[limits]\n"
      "message_size = 25M # 25 MiB\n");
  MailboxConfig *m = c->mailboxes->pdata[0];
  assert_string_equal (c->address, "gw@un.example");
  assert_string_equal (c->name, "CTC Executive Directorate");
  assert_string_equal (c->staff[1], "analyst@un.example");
  assert_string_equal (c->timezone, "America/New_York");
  assert_string_equal (g_time_zone_get_identifier (c->zone), "America/New_York");
  assert_null (c->trusted_authserv_id);
  assert_false (m->idle);
  assert_int_equal (m->poll_interval, 30);
  assert_int_equal (c->smtp_rate, 120 * 60);
  assert_int_equal (c->limits.message_max, 25 * 1024 * 1024);
}

static void
test_hash_inside_value (void **state)
{
  g_autoptr (Config) c = load (MINIMAL "[mailbox x]\nurl = imap://host/INBOX#frag\n");
  MailboxConfig *m = c->mailboxes->pdata[0];
  assert_string_equal (m->url, "imap://host/INBOX#frag");
}

static void
test_relative_paths (void **state)
{
  g_autofree char *secret = write_file ("imap.secret", "pw\n");
  g_autoptr (Config) c = load (
      "[gateway]\ndatabase = data/../data/reg.db\naddress = gw@un.example\n"
      "[mailbox in]\nurl = maildir:spool/inbox\n"
      "[mailbox net]\nurl = imaps://mail.un.example/INBOX\nuser = gw\n"
      "password_file = imap.secret\n"
      "[smtp]\nurl = maildir:/var/tmp/absolute-out\n");
  g_autofree char *db = in_dir ("data/reg.db");
  g_autofree char *inbox = in_dir ("spool/inbox");
  MailboxConfig *in = c->mailboxes->pdata[0];
  MailboxConfig *net = c->mailboxes->pdata[1];
  assert_string_equal (c->database, db);
  assert_string_equal (config_maildir_path (in->url), inbox);
  assert_string_equal (net->password_file, secret);
  assert_string_equal (net->url, "imaps://mail.un.example/INBOX");
  assert_string_equal (config_maildir_path (c->smtp_url), "/var/tmp/absolute-out");
  assert_null (config_maildir_path (net->url));
  assert_null (config_maildir_path ("maildir:"));
}

static void
test_sizes (void **state)
{
  static const struct { const char *text; gsize bytes; } sizes[] = {
    { "25M", 25u << 20 }, { "512K", 512u << 10 }, { "1048576", 1048576 },
    { "2 MB", 2u << 20 }, { "1g", 1u << 30 }, { "64KiB", 64u << 10 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *text = g_strdup_printf (MINIMAL "[limits]\nmessage_size = %s\n",
                                               sizes[i].text);
      g_autoptr (Config) c = load (text);
      assert_int_equal (c->limits.message_max, sizes[i].bytes);
    }
}

static void
test_bad_sizes (void **state)
{
  static const char *const bad[] = { "12X", "0", "2G", "M", "-5M", "100", "99999999999999999999K" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *text = g_strdup_printf (MINIMAL "[limits]\nmessage_size = %s\n", bad[i]);
      assert_problem (text, "[limits] message_size: ");
    }
}

static void
test_limits (void **state)
{
  g_autoptr (Config) c = load (MINIMAL "[limits]\nvalue_length = 500\nfields_per_record = 20\n"
                               "records_per_message = 7\nreplies_per_sender_per_hour = 0\n"
                               "calendar_clock_skew_hours = 2\n");
  assert_int_equal (c->limits.value_max, 500);
  assert_int_equal (c->limits.fields_max, 20);
  assert_int_equal (c->limits.records_max, 7);
  assert_int_equal (c->replies_per_sender_per_hour, 0);
  assert_int_equal (c->calendar_clock_skew_hours, 2);
  assert_problem (MINIMAL "[limits]\ncalendar_clock_skew_hours = 8761\n",
                  "[limits] calendar_clock_skew_hours: ");
  /* attachments_size follows message_size unless it is set. */
  g_autoptr (Config) sized = load (MINIMAL "[limits]\nmessage_size = 5M\nattachment_size = 3K\n");
  assert_int_equal (sized->limits.attachment_max, 3 * 1024);
  assert_int_equal (sized->limits.attachments_max, 5 * 1024 * 1024);
  g_autoptr (Config) both = load (MINIMAL "[limits]\nattachments_size = 1M\n");
  assert_int_equal (both->limits.attachments_max, 1024 * 1024);
  assert_problem (MINIMAL "[limits]\nattachment_size = 10\n", "[limits] attachment_size: ");
  assert_problem (MINIMAL "[limits]\nattachments_size = 2G\n", "[limits] attachments_size: ");
}

static void
test_missing (void **state)
{
  assert_problem ("[gateway]\ndatabase = x.db\n[smtp]\nurl = maildir:o\n",
                  "[gateway] address: missing: set the address everything is sent from");
  assert_problem ("[gateway]\naddress = a@b.example\n[smtp]\nurl = maildir:o\n",
                  "[gateway] database: missing: ");
  assert_problem ("[gateway]\ndatabase = x.db\naddress = a@b.example\n", "[smtp] url: missing: ");
  assert_problem ("[smtp]\nurl = maildir:o\n", "[gateway] address: missing");
  assert_problem (MINIMAL "[mailbox in]\nuser = x\n", "[mailbox in] url: missing: ");
  assert_problem (MINIMAL "[mailbox in]\nurl = # later\n", "[mailbox in] url: missing: ");
}

static void
test_unknown_keys (void **state)
{
  assert_problem (MINIMAL "[gateway]\nadress = x@y.example\n",
                  "[gateway] adress: unknown key; did you mean \"address\"?");
  assert_problem (MINIMAL "bounce_adress = x@y.example\n",
                  "[smtp] bounce_adress: unknown key; did you mean \"bounce_address\"?");
  assert_problem ("[gateway]\ndatabase = x.db\naddress = a@b.example\ntimezon = UTC\n"
                  "[smtp]\nurl = maildir:o\n",
                  "[gateway] timezon: unknown key; did you mean \"timezone\"?");
  assert_problem (MINIMAL "[limits]\nmessage_sise = 1M\n", "did you mean \"message_size\"?");
  assert_problem (MINIMAL "[limits]\ncolour = blue\n", "[limits] colour: unknown key: remove it");
}

static void
test_unknown_sections (void **state)
{
  assert_problem (MINIMAL "[smpt]\nurl = smtp://h\n", "[smpt]: unknown section; did you mean [smtp]?");
  assert_problem (MINIMAL "[mailbx intake]\nurl = maildir:x\n",
                  "[mailbx intake]: unknown section; did you mean [mailbox intake]?");
  assert_problem (MINIMAL "[wholly different]\n", "[wholly different]: unknown section: remove it");
  assert_problem (MINIMAL "[mailbox]\nurl = maildir:x\n", "[mailbox]: the section needs a name: write [mailbox NAME]");
  assert_problem (MINIMAL "[limits x]\n", "[limits x]: the section takes no name: write [limits]");
}

static void
test_digest_schedule_accepted (void **state)
{
  assert_no_problem (MINIMAL "[digest]\ntime = 07:00\nsilent_months = 6\n"
                     "[schedule inventory-call]\ncircular = inventory-call\naudience = all\n"
                     "rrule = FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=15\nstart = 2026-01-15\n");
}

/* [digest]: its keys, defaults, and the daily schedule it makes. */
static void
test_digest (void **state)
{
  g_autoptr (Config) none = load ("[gateway]\ndatabase = reg.db\naddress = gw@un.example\n"
                                  "staff = desk@un.example\n[smtp]\nurl = maildir:out\n");
  assert_int_equal (none->schedules->len, 0);
  assert_string_equal (none->digest_to[0], "desk@un.example");
  assert_int_equal (none->digest_stale_months, 6);
  assert_int_equal (none->digest_silent_months, 6);
  assert_int_equal (none->digest_visit_days, 14);
  assert_int_equal (none->digest_items, 50);

  g_autoptr (Config) c = load (MINIMAL "[digest]\nto = A@un.example, b@un.example\n"
                               "time = 06:30\nstale_months = 3\nitems = 5\n");
  assert_string_equal (c->digest_to[0], "a@un.example");
  assert_string_equal (c->digest_to[1], "b@un.example");
  assert_null (c->digest_to[2]);
  assert_int_equal (c->digest_stale_months, 3);
  assert_int_equal (c->digest_items, 5);
  assert_int_equal (c->schedules->len, 1);
  ScheduleConfig *s = c->schedules->pdata[0];
  assert_string_equal (s->name, "digest");
  assert_string_equal (s->kind, "digest");
  assert_string_equal (s->rrule, "FREQ=DAILY");
  assert_string_equal (s->start, "2026-01-01T06:30:00");
  assert_true (s->enabled);

  g_autoptr (Config) off = load (MINIMAL "[digest]\nenabled = false\n");
  assert_false (((ScheduleConfig *) off->schedules->pdata[0])->enabled);

  assert_problem (MINIMAL "[digest]\ntime = 25:00\n",
                  "[digest] time: \"25:00\" is not a time of day: write one like 07:00");
  assert_problem (MINIMAL "[digest]\ntime = 7\n", "is not a time of day");
  assert_problem (MINIMAL "[digest]\nto = not an address\n", "[digest] to:");
  assert_problem (MINIMAL "[digest]\nstale_months = 0\n", "[digest] stale_months:");
  assert_problem (MINIMAL "[digest]\nsilent_month = 3\n", "silent_month");
  assert_problem (MINIMAL "[digest]\n[schedule digest]\nkind = digest\nrrule = FREQ=DAILY\n"
                  "start = 2026-01-01\n", "the name digest is the schedule of [digest]");
  assert_no_problem (MINIMAL "[schedule morning]\nkind = digest\nrrule = FREQ=DAILY\n"
                     "start = 2026-01-01T08:00\n");
}

static void
test_no_mailbox_is_fine (void **state)
{
  assert_no_problem (MINIMAL);
}

static void
test_bad_urls (void **state)
{
  assert_problem (MINIMAL "[mailbox in]\nurl = pop3://host/\n",
                  "[mailbox in] url: \"pop3://host/\" is not a URL the gateway can use: write imap://");
  assert_problem (MINIMAL "[mailbox in]\nurl = smtp://host/\n", "[mailbox in] url: \"smtp://host/\"");
  assert_problem (MINIMAL "[mailbox in]\nurl = imap:///INBOX\n", "[mailbox in] url: ");
  assert_problem (MINIMAL "[mailbox in]\nurl = /var/mail/x\n", "[mailbox in] url: ");
  assert_problem ("[gateway]\ndatabase = x.db\naddress = a@b.example\n[smtp]\nurl = imap://h\n",
                  "[smtp] url: \"imap://h\" is not a URL the gateway can use: write smtp://");
  assert_problem ("[gateway]\ndatabase = x.db\naddress = a@b.example\n[smtp]\nurl = maildir:\n",
                  "[smtp] url: \"maildir:\"");
  assert_no_problem ("[gateway]\ndatabase = x.db\naddress = a@b.example\n"
                     "[smtp]\nurl = smtps://mail.example:465\n"
                     "[mailbox a]\nurl = imap://127.0.0.1:14300/INBOX\n");
}

static void
test_bad_timezone (void **state)
{
  assert_problem (MINIMAL "[gateway]\ntimezone = Mars/Olympus_Mons\n",
                  "[gateway] timezone: \"Mars/Olympus_Mons\" is not a time zone");
}

static void
test_password_file (void **state)
{
  assert_problem (MINIMAL "[mailbox in]\nurl = imap://h/INBOX\nuser = gw\n"
                  "password_file = missing.secret\n",
                  "[mailbox in] password_file: cannot read ");
  assert_problem (MINIMAL "[mailbox in]\nurl = imap://h/INBOX\npassword_file = .\n",
                  "[mailbox in] password_file: ");
  assert_problem (MINIMAL "[mailbox in]\nurl = imap://h/INBOX\nuser = gw\n",
                  "[mailbox in] password_file: missing: name the file that holds the password of user gw");
  g_autofree char *secret = write_file ("s.secret", "pw");
  assert_problem (MINIMAL "[mailbox in]\nurl = imap://h/INBOX\npassword_file = s.secret\n",
                  "[mailbox in] user: missing: ");
  assert_no_problem (MINIMAL "[mailbox in]\nurl = imap://h/INBOX\nuser = gw\n"
                     "password_file = s.secret\n");
}

static void
test_bad_numbers (void **state)
{
  assert_problem (MINIMAL "[mailbox in]\nurl = maildir:x\npoll_interval = often\n",
                  "[mailbox in] poll_interval: \"often\" is not a whole number from 1 to 86400");
  assert_problem (MINIMAL "[mailbox in]\nurl = maildir:x\npoll_interval = 0\n",
                  "[mailbox in] poll_interval: \"0\"");
  assert_problem (MINIMAL "messages_per_connection = -1\n", "[smtp] messages_per_connection: \"-1\"");
  assert_problem (MINIMAL "sessions = 17\n", "[smtp] sessions: \"17\"");
  assert_problem (MINIMAL "sessions = 0\n", "[smtp] sessions: \"0\"");
  assert_problem (MINIMAL "[limits]\nrecords_per_message = 5e3\n", "[limits] records_per_message: ");
  assert_problem (MINIMAL "rate = fast\n", "[smtp] rate: not a rate");
  assert_problem (MINIMAL "rate = 10/fortnight\n", "[smtp] rate: not a rate");
}

static void
test_rates (void **state)
{
  static const struct { const char *text; guint per_hour; } rates[] = {
    { "60", 3600 }, { "2/s", 7200 }, { "10 / min", 600 }, { "500/hour", 500 }, { "0", 0 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (rates); i++)
    {
      g_autofree char *text = g_strdup_printf (MINIMAL "rate = %s\n", rates[i].text);
      g_autoptr (Config) c = load (text);
      assert_int_equal (c->smtp_rate, rates[i].per_hour);
    }
}

static void
test_bad_values (void **state)
{
  assert_problem (MINIMAL "[mailbox in]\nurl = maildir:x\nidle = perhaps\n",
                  "[mailbox in] idle: \"perhaps\" is not true or false");
  assert_problem (MINIMAL "[gateway]\nreference_prefix = ctc-1\n", "[gateway] reference_prefix: \"ctc-1\"");
  assert_problem (MINIMAL "[gateway]\nlanguage = de\n", "[gateway] language: \"de\"");
  assert_problem (MINIMAL "[gateway]\nname = CTC\\nBcc: x@y.example\n",
                  "[gateway] name: contains a control character");
  assert_problem (MINIMAL "[gateway]\ntrusted_authserv_id = mx one\n", "[gateway] trusted_authserv_id: ");
  assert_problem (MINIMAL "[mailbox in]\nurl = maildir:x\nprocessed_folder = a/b\n",
                  "[mailbox in] processed_folder: \"a/b\" is no Maildir folder name");
}

static void
test_bad_addresses (void **state)
{
  assert_problem ("[gateway]\ndatabase = x.db\naddress = CTC <gw@un.example>\n[smtp]\nurl = maildir:o\n",
                  "[gateway] address: \"CTC <gw@un.example>\" is not an email address");
  assert_problem (MINIMAL "bounce_address = bounces\n", "[smtp] bounce_address: \"bounces\"");
  assert_problem (MINIMAL "[gateway]\nstaff = desk@un.example, not an address\n",
                  "[gateway] staff: \"not an address\" is not an email address");
}

static void
test_address_valid (void **state)
{
  static const char *const good[] = {
    "a@b", "first.last@un.example", "x+tag@sub.domain.example", "o'neil@x.ie",
    "jos\xc3\xa9@ex.example", NULL };
  static const char *const bad[] = {
    "", "a", "@b", "a@", "a@@b", "a b@c", ".a@b", "a.@b", "a..b@c", "a@-b.example",
    "a@b..example", "\"q\"@b", "a@b\r\nRCPT TO:<x@y>", "a@b c", "<a@b>", "a@b_c", NULL };
  for (const char *const *g = good; *g != NULL; g++)
    if (!config_address_valid (*g))
      fail_msg ("refused %s", *g);
  for (const char *const *b = bad; *b != NULL; b++)
    if (config_address_valid (*b))
      fail_msg ("accepted %s", *b);
  assert_false (config_address_valid (NULL));
}

static void
test_staff (void **state)
{
  g_autoptr (Config) c = load (MINIMAL "[gateway]\nstaff = Desk@UN.example; analyst@un.example,,\n");
  assert_string_equal (c->staff[0], "desk@un.example");
  assert_string_equal (c->staff[1], "analyst@un.example");
  assert_null (c->staff[2]);
  assert_true (config_is_staff (c, "DESK@un.example"));
  assert_true (config_is_staff (c, "analyst@un.example"));
  assert_false (config_is_staff (c, "other@un.example"));
  assert_false (config_is_staff (c, NULL));
}

static void
test_gateway_values (void **state)
{
  g_autoptr (Config) c = load (MINIMAL "[gateway]\nreference_prefix = UNX2\nlanguage = FR\n"
                               "trusted_authserv_id = mx.un.example\n"
                               "[smtp]\nbounce_address = bounces@un.example\n"
                               "messages_per_connection = 5\nsessions = 8\n");
  assert_string_equal (c->reference_prefix, "UNX2");
  assert_string_equal (c->language, "fr");
  assert_string_equal (c->trusted_authserv_id, "mx.un.example");
  assert_string_equal (c->bounce_address, "bounces@un.example");
  assert_int_equal (c->messages_per_connection, 5);
  assert_int_equal (c->smtp_sessions, 8);
}

/* [authentication] dkim_keys (ctcgw.conf(5)): a readable file, made
 * absolute from the configuration's directory; no other key. */
static void
test_authentication (void **state)
{
  g_autofree char *keys = write_file ("dkim-keys", "s1._domainkey.un.example v=DKIM1; p=\n");
  g_autoptr (Config) none = load (MINIMAL);
  assert_null (none->dkim_keys);
  g_autoptr (Config) c = load (MINIMAL "[authentication]\ndkim_keys = dkim-keys\n");
  assert_string_equal (c->dkim_keys, keys);
  assert_no_problem (MINIMAL "[authentication]\ndkim_keys = dkim-keys\n");
  assert_problem (MINIMAL "[authentication]\ndkim_keys = absent\n",
                  "[authentication] dkim_keys: ");
  assert_problem (MINIMAL "[authentication]\ndkim_keys = .\n", "is not a file");
  assert_problem (MINIMAL "[authentication]\nrequire = dkim\n", "[authentication] require");
  assert_problem (MINIMAL "[authenticaton]\n", "did you mean [authentication]");
}

/* [authentication] require and confirm_days (ctcgw.conf(5)): default
 * confirm and 7 days. */
static void
test_require (void **state)
{
  g_autoptr (Config) d = load (MINIMAL);
  assert_int_equal (d->auth_require, AUTH_REQUIRE_CONFIRM);
  assert_int_equal (d->confirm_days, 7);
  g_autoptr (Config) a = load (MINIMAL "[authentication]\nrequire = authenticated\n"
                               "confirm_days = 3\n");
  assert_int_equal (a->auth_require, AUTH_REQUIRE_AUTHENTICATED);
  assert_int_equal (a->confirm_days, 3);
  g_autoptr (Config) n = load (MINIMAL "[authentication]\nrequire = none\n");
  assert_int_equal (n->auth_require, AUTH_REQUIRE_NONE);
  assert_string_equal (config_require_name (n->auth_require), "none");
  assert_no_problem (MINIMAL "[authentication]\nrequire = confirm\n");
  assert_problem (MINIMAL "[authentication]\nrequire = maybe\n", "is not a policy");
  assert_problem (MINIMAL "[authentication]\nconfirm_days = 0\n",
                  "[authentication] confirm_days");
}

static void
test_load_errors (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *missing = in_dir ("nowhere.conf");
  assert_null (config_load (missing, &error));
  assert_true (g_error_matches (error, CONFIG_ERROR, CONFIG_ERROR_READ));
  assert_non_null (strstr (error->message, missing));
  assert_non_null (strstr (error->message, "-c FILE"));
  g_clear_error (&error);

  g_autofree char *garbage = write_config ("this is not\nan ini file\n");
  assert_null (config_load (garbage, &error));
  assert_true (g_error_matches (error, CONFIG_ERROR, CONFIG_ERROR_READ));
  g_clear_error (&error);

  g_autofree char *invalid = write_config ("[gateway]\ndatabase = x.db\n[smtp]\nurl = maildir:o\n");
  assert_null (config_load (invalid, &error));
  assert_true (g_error_matches (error, CONFIG_ERROR, CONFIG_ERROR_INVALID));
  assert_non_null (strstr (error->message, "[gateway] address: missing"));

  g_autoptr (GPtrArray) problems = config_check (missing);
  assert_int_equal (problems->len, 1);
  assert_non_null (strstr (problems->pdata[0], "-c FILE"));
}

static void
test_every_problem_listed (void **state)
{
  g_autofree char *path = write_config (
      "[gateway]\nadress = a@b.example\ntimezone = Nowhere/Land\n"
      "[smtp]\nurl = ftp://h\n[limits]\nmessage_size = big\n");
  g_autoptr (GPtrArray) problems = config_check (path);
  /* adress unknown (first: it explains what follows); database, address
   * missing; timezone; url; message_size */
  assert_int_equal (problems->len, 6);
  assert_non_null (strstr (problems->pdata[0], "[gateway] adress: unknown key"));
}

/* The example file of the tree is a valid configuration. */
static void
test_example_file (void **state)
{
  const char *srcdir = g_getenv ("CTCGW_SRCDIR");
  g_autofree char *path = g_build_filename (srcdir != NULL ? srcdir : ".", "ctcgw.conf.example", NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    skip ();
  g_autoptr (GPtrArray) problems = config_check (path);
  for (guint i = 0; i < problems->len; i++)
    print_message ("problem: %s\n", (char *) problems->pdata[i]);
  assert_int_equal (problems->len, 0);
}

static int
setup (void **state)
{
  tmpdir = fixture_dir_new ("test-config");
  return 0;
}

static int
teardown (void **state)
{
  fixture_dir_free (tmpdir);
  return 0;
}

/* The one password-file reader of the IMAP sources and the SMTP sink: the
 * first line without its end (LF or CRLF); an empty first line, one over
 * SECRET_PASSWORD_MAX bytes, or no file are errors that name the file. */
static void
test_secret_read_password (void **state)
{
  g_autofree char *longest = g_strnfill (SECRET_PASSWORD_MAX, 'p');
  g_autofree char *over = g_strnfill (SECRET_PASSWORD_MAX + 1, 'p');
  static const struct { const char *name, *text, *want; } cases[] = {
    { "lf.secret", "s3cret\nsecond line\n", "s3cret" },
    { "crlf.secret", "s3cret\r\n", "s3cret" },
    { "bare.secret", "pass word \xd0\xbf", "pass word \xd0\xbf" },
    { "empty.secret", "\nlater\n", NULL },
    { "nothing.secret", "", NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *path = write_file (cases[i].name, cases[i].text);
      char *password = secret_read_password (path, &error);
      if (cases[i].want == NULL)
        {
          assert_null (password);
          assert_non_null (strstr (error->message, path));
          assert_non_null (strstr (error->message, "first line is empty or longer"));
          continue;
        }
      assert_string_equal (password, cases[i].want);
      secret_free (password);
    }
  g_autofree char *at_limit = write_file ("limit.secret", longest);
  char *password = secret_read_password (at_limit, NULL);
  assert_string_equal (password, longest);
  secret_free (password);
  g_autofree char *too_long = write_file ("long.secret", over);
  assert_null (secret_read_password (too_long, NULL));
  g_autoptr (GError) error = NULL;
  assert_null (secret_read_password ("/nonexistent/ctcgw.secret", &error));
  assert_true (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT));
  assert_non_null (strstr (error->message, "cannot read /nonexistent/ctcgw.secret"));
  secret_free (NULL);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_defaults),
    cmocka_unit_test (test_authentication),
    cmocka_unit_test (test_mailbox_defaults),
    cmocka_unit_test (test_inline_comments),
    cmocka_unit_test (test_hash_inside_value),
    cmocka_unit_test (test_relative_paths),
    cmocka_unit_test (test_sizes),
    cmocka_unit_test (test_bad_sizes),
    cmocka_unit_test (test_limits),
    cmocka_unit_test (test_missing),
    cmocka_unit_test (test_unknown_keys),
    cmocka_unit_test (test_unknown_sections),
    cmocka_unit_test (test_digest_schedule_accepted),
    cmocka_unit_test (test_digest),
    cmocka_unit_test (test_no_mailbox_is_fine),
    cmocka_unit_test (test_bad_urls),
    cmocka_unit_test (test_bad_timezone),
    cmocka_unit_test (test_password_file),
    cmocka_unit_test (test_secret_read_password),
    cmocka_unit_test (test_bad_numbers),
    cmocka_unit_test (test_rates),
    cmocka_unit_test (test_bad_values),
    cmocka_unit_test (test_bad_addresses),
    cmocka_unit_test (test_address_valid),
    cmocka_unit_test (test_staff),
    cmocka_unit_test (test_gateway_values),
    cmocka_unit_test (test_require),
    cmocka_unit_test (test_load_errors),
    cmocka_unit_test (test_every_problem_listed),
    cmocka_unit_test (test_example_file),
  };
  return cmocka_run_group_tests (tests, setup, teardown);
}
