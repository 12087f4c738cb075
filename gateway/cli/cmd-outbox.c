/* `ctcgw outbox`: what the gateway sent and what waits to be sent, and
 * sending a failed or deferred message again. */
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

#include "gateway/cli/command.h"
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

/* The options of `outbox`; list takes them, retry none. */
typedef struct {
  char *state;
  gboolean json;
} OutboxOptions;

/* Frees the strings of the options (for g_auto). */
static void
outbox_options_clear (OutboxOptions *o)
{
  g_free (o->state);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OutboxOptions, outbox_options_clear)

/* `outbox list [--state S] [--json]` */
static int
outbox_list (sqlite3 *db, const Config *config, const char *operand, gconstpointer options)
{
  const OutboxOptions *o = options;
  g_autoptr (GError) error = NULL;
  g_autoptr (sqlite3_stmt) stmt = db_prepare (db, o->json ? JSON_SQL : LIST_SQL, &error);
  if (stmt == NULL)
    return failed (error);
  sqlite3_bind_text (stmt, 1, o->state, -1, SQLITE_TRANSIENT);
  if (!o->json)
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
outbox_retry_one (sqlite3 *db, const Config *config, const char *text, gconstpointer options)
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

/* The subcommands: the word, its operand, what runs it. */
static const Subcommand subcommands[] = {
  { "list", NULL, outbox_list },
  { "retry", "ID", outbox_retry_one },
};

/* Any usage error of --state and --json for the subcommand action, or NULL. */
static char *
options_problem (const Config *config, const char *action, gconstpointer options)
{
  const OutboxOptions *o = options;

  if (strcmp (action, "retry") == 0 && (o->state != NULL || o->json))
    return g_strdup ("--state and --json go with list");
  if (o->state != NULL && !g_strv_contains (states, o->state))
    return g_strdup_printf ("\"%s\" is no state of the outbox: say queued, sent,"
                            " deferred or failed", o->state);
  return NULL;
}

/* The subcommands of `ctcgw outbox` and its --help. */
static const SubcommandTable table = {
  .command = "outbox",
  .synopsis = "list [--state STATE] [--json] | retry ID",
  .summary = "The messages the gateway sent or will send.\nretry ID sends a"
             " failed or deferred message again at the next pass.",
  .subcommands = subcommands,
  .n_subcommands = G_N_ELEMENTS (subcommands),
  .options_problem = options_problem,
};

/* `ctcgw outbox list [--state STATE] [--json] | retry ID` */
int
cmd_outbox (const Config *config, const char *config_path, int argc, char **argv)
{
  g_auto (OutboxOptions) o = { 0 };
  GOptionEntry entries[] = {
    { "state", 0, 0, G_OPTION_ARG_STRING, &o.state, "only the messages in STATE"
      " (queued, sent, deferred, failed)", "STATE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "one JSON document with every column", NULL },
    { NULL }
  };
  return command_dispatch (&table, config, entries, &o, argc, argv);
}
