/* `ctcgw outbox`: what the gateway sent and what waits to be sent, and
 * sending a failed or deferred message again. */
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

#include "gateway/cli/commands.h"
#include "gateway/store/db.h"
#include "gateway/flows/outbox.h"

static const char *const states[] = { "queued", "sent", "deferred", "failed", NULL };

#define BY_STATE " FROM outbox WHERE ?1 IS NULL OR state = ?1 ORDER BY id"

/* The table: what staff look at first when something was not sent. */
#define LIST_SQL \
  "SELECT id, state, kind, tries, replace(substr(coalesce(sent, next_attempt), 1, 16)," \
  " 'T', ' ') AS \"when\", recipient, last_error AS error" BY_STATE

/* Every column but the message, as one JSON array. */
#define JSON_SQL \
  "SELECT json_group_array(json_object('id', id, 'state', state, 'kind', kind," \
  " 'recipient', recipient, 'mail_from', mail_from, 'message_id', message_id," \
  " 'submission_id', submission_id, 'tries', tries, 'next_attempt', next_attempt," \
  " 'last_error', last_error, 'created', created, 'sent', sent))" \
  " FROM (SELECT *" BY_STATE ")"

/* Prints a failure of the database and gives its status. */
static int
failed (const GError *error)
{
  g_printerr ("ctcgw outbox: %s\n", error->message);
  return command_error_status (error);
}

/* `outbox list [--state S] [--json]` */
static int
outbox_list (sqlite3 *db, const char *state, gboolean json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (sqlite3_stmt) stmt = db_prepare (db, json ? JSON_SQL : LIST_SQL, &error);
  if (stmt == NULL)
    return failed (error);
  sqlite3_bind_text (stmt, 1, state, -1, SQLITE_TRANSIENT);
  if (!json)
    return command_print_table (db, stmt, &error) ? EX_OK : failed (error);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      db_set_error (db, &error, "reading the outbox");
      return failed (error);
    }
  printf ("%s\n", (const char *) sqlite3_column_text (stmt, 0));
  return EX_OK;
}

/* `outbox retry ID` */
static int
outbox_retry_one (sqlite3 *db, const char *text)
{
  g_autoptr (GError) error = NULL;
  guint64 id = 0;
  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &id, NULL))
    {
      g_autofree char *shown = command_printable (text, FALSE);
      return command_usage_error ("outbox", "\"%s\" is no message number: write the id"
                                  " that `ctcgw outbox list` shows", shown);
    }
  if (outbox_retry (db, (gint64) id, &error))
    {
      printf ("queued %" G_GUINT64_FORMAT "\n", id);
      return EX_OK;
    }
  if (error->domain != OUTBOX_ERROR)
    return failed (error);
  g_printerr ("ctcgw outbox: %s\n", error->message);
  return EX_DATAERR;
}

/* The words of the command line make sense together. */
static gboolean
arguments_valid (int argc, char **argv, const char *state, gboolean json)
{
  gboolean list = argc >= 2 && strcmp (argv[1], "list") == 0;
  gboolean retry = argc >= 2 && strcmp (argv[1], "retry") == 0;
  if (!list && !retry)
    command_usage_error ("outbox", "say list or retry ID");
  else if (argc != (list ? 2 : 3))
    command_usage_error ("outbox", list ? "list takes no argument" : "retry takes one ID");
  else if (retry && (state != NULL || json))
    command_usage_error ("outbox", "--state and --json go with list");
  else if (state != NULL && !g_strv_contains (states, state))
    command_usage_error ("outbox", "\"%s\" is no state of the outbox: say queued, sent,"
                         " deferred or failed", state);
  else
    return TRUE;
  return FALSE;
}

/* `ctcgw outbox list [--state STATE] [--json] | retry ID` */
int
cmd_outbox (const Config *config, int argc, char **argv)
{
  g_autofree char *state = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "state", 0, 0, G_OPTION_ARG_STRING, &state, "only the messages in STATE"
      " (queued, sent, deferred, failed)", "STATE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "one JSON document with every column", NULL },
    { NULL }
  };
  int status = EX_OK;
  if (!command_parse_options ("outbox", "list [--state STATE] [--json] | retry ID",
                              "The messages the gateway sent or will send.\nretry ID sends a"
                              " failed or deferred message again at the next pass.",
                              entries, &argc, &argv))
    return EX_USAGE;
  if (!arguments_valid (argc, argv, state, json))
    return EX_USAGE;
  sqlite3 *db = command_open_db (config, &status);
  if (db == NULL)
    return status;
  status = argc == 2 ? outbox_list (db, state, json) : outbox_retry_one (db, argv[2]);
  db_close (db);
  return status;
}
