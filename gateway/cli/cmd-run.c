/* init, check-config, run and deliver: the commands of the daemon's life. */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gateway/cli/command.h"
#include "gateway/cli/commands.h"
#include "gateway/cli/daemon.h"
#include "gateway/flows/mailboxes.h"
#include "gateway/store/db.h"
#include "gateway/flows/intake.h"
#include "gateway/base/log.h"
#include "gateway/flows/outbox.h"

int
cmd_init (const Config *config, const char *config_path, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  if (!command_parse_options ("init", "", "Create the database, or upgrade it, and load the"
                              " reference data. Running it again changes nothing.",
                              entries, &argc, &argv))
    return EX_USAGE;
  g_autoptr (GError) error = NULL;
  sqlite3 *db = db_open (config->database, TRUE, &error);
  if (db == NULL || !db_init (db, &error))
    {
      g_printerr ("ctcgw: init: %s\n", error->message);
      db_close (db);
      return g_error_matches (error, DB_ERROR, DB_ERROR_BUSY) ? EX_TEMPFAIL : EX_CANTCREAT;
    }
  db_close (db);
  if (log_get_level () >= LOG_NORMAL)
    printf ("database %s is at schema version %d\n", config->database, db_schema_version ());
  return EX_OK;
}

int
cmd_check_config (const Config *config, const char *config_path, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  if (!command_parse_options ("check-config", "", "Read the configuration file and list"
                              " every problem in it, one a line.", entries, &argc, &argv))
    return EX_USAGE;
  g_autoptr (GPtrArray) problems = config_check (config_path);
  for (guint i = 0; i < problems->len; i++)
    g_printerr ("%s: %s\n", config_path, (const char *) g_ptr_array_index (problems, i));
  if (problems->len > 0)
    return EX_CONFIG;
  printf ("%s: no problems\n", config_path);
  return EX_OK;
}

/* Reads standard input, keeping at most max bytes but counting all. */
static GBytes *
read_stdin (gsize max, gsize *total, GError **error)
{
  GByteArray *kept = g_byte_array_new ();
  guint8 buf[65536];
  size_t n;
  *total = 0;
  while ((n = fread (buf, 1, sizeof buf, stdin)) > 0)
    {
      if (kept->len < max)
        g_byte_array_append (kept, buf, MIN (n, max - kept->len));
      *total += n;
    }
  if (ferror (stdin))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "reading standard input failed");
      g_byte_array_unref (kept);
      return NULL;
    }
  return g_byte_array_free_to_bytes (kept);
}

int
cmd_deliver (const Config *config, const char *config_path, int argc, char **argv)
{
  g_autofree char *mailbox = NULL;
  GOptionEntry entries[] = {
    { "mailbox", 'm', 0, G_OPTION_ARG_STRING, &mailbox, "the mailbox name recorded (default: stdin)", "NAME" },
    { NULL }
  };
  if (!command_parse_options ("deliver", "[--mailbox NAME]", "Process one RFC 5322 message"
                              " from standard input as if it had been fetched. Exit 0: taken"
                              " in (filed, quarantined or answered); 75: nothing stored, retry.",
                              entries, &argc, &argv))
    return EX_USAGE;
  g_autoptr (GError) error = NULL;
  gsize total;
  /* One byte over the limit is enough to know the message is too large. */
  g_autoptr (GBytes) raw = read_stdin (config->limits.message_max + 1, &total, &error);
  int status;
  sqlite3 *db = raw ? command_open_db (config, &status) : NULL;
  if (raw == NULL)
    {
      g_printerr ("ctcgw: deliver: %s\n", error->message);
      return EX_TEMPFAIL;
    }
  if (db == NULL)
    return status == EX_CONFIG ? EX_TEMPFAIL : status;
  IntakeResult result = { 0 };
  Context ctx = { db, config, NULL };
  gboolean ok = intake_process_sized (&ctx, raw, total, mailbox ? mailbox : "stdin", &result,
                                      &error);
  db_close (db);
  if (!ok)
    {
      g_printerr ("ctcgw: deliver: nothing was stored, the MTA should retry: %s\n", error->message);
      return EX_TEMPFAIL;
    }
  if (log_get_level () >= LOG_VERBOSE)
    printf ("%s %s\n", intake_outcome_name (result.outcome), result.reference ? result.reference : "-");
  intake_result_clear (&result);
  return EX_OK;
}

int
cmd_run (const Config *config, const char *config_path, int argc, char **argv)
{
  gboolean once = FALSE;
  GOptionEntry entries[] = {
    { "once", 0, 0, G_OPTION_ARG_NONE, &once, "one pass over the mailboxes and the outbox, then exit", NULL },
    { NULL }
  };
  if (!command_parse_options ("run", "[--once]", "Run the gateway in the foreground: read the"
                              " mailboxes, file and answer what arrives, and deliver the outbox.",
                              entries, &argc, &argv))
    return EX_USAGE;
  int status;
  sqlite3 *db = command_open_db (config, &status);
  if (db == NULL)
    return status;
  g_autoptr (GError) error = NULL;
  if (once)
    {
      g_autoptr (GHashTable) sources = mailboxes_table_new ();
      Context ctx = { db, config, NULL };
      PassCounts counts;
      status = daemon_pass (&ctx, sources, &counts, &error) ? EX_OK : EX_TEMPFAIL;
      if (status != EX_OK)
        g_printerr ("ctcgw: run: %s\n", error->message);
    }
  else
    status = daemon_run (db, config, config_path);
  db_close (db);
  return status;
}
