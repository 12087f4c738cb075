/* `ctcgw distribute contacts [--to AUDIENCE]`: the directory of contact
 * points to an audience, through the outbox. */
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

#include "gateway/store/audience.h"
#include "gateway/cli/command.h"
#include "gateway/cli/commands.h"
#include "gateway/store/db.h"
#include "gateway/flows/distribute.h"
#include "parsers/form.h"

static const char *const distributions[] = { "contacts", NULL };

/* The exit status and message for a failed distribution. */
static int
distribute_failed (const GError *error)
{
  if (g_error_matches (error, AUDIENCE_ERROR, AUDIENCE_ERROR_INVALID))
    return command_usage_error ("distribute", "%s", error->message);
  g_printerr ("ctcgw distribute: %s\n", error->message);
  if (error->domain == AUDIENCE_ERROR)
    return EX_TEMPFAIL;
  return command_error_status (error);
}

/* Queues the distribution and says how many messages wait in the outbox. */
static int
distribute_run (const Config *config, const char *audience)
{
  g_autoptr (GError) error = NULL;
  guint queued = 0;
  int status = EX_OK;
  sqlite3 *db = command_open_db (config, &status);

  if (db == NULL)
    return status;
  Context ctx = { db, config, NULL };
  gboolean ok = distribute_contacts (&ctx, audience, &queued, &error);
  db_close (db);
  if (!ok)
    return distribute_failed (error);
  printf ("queued %u %s\n", queued, queued == 1 ? "message" : "messages");
  return EX_OK;
}

/* `ctcgw distribute contacts [--to AUDIENCE]` */
int
cmd_distribute (const Config *config, const char *config_path, int argc, char **argv)
{
  g_autofree char *to = NULL;
  GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, "who gets it (default: all): all, states, "
      "organizations, group:NAME, entities:CODE,CODE or providers:AREA", "AUDIENCE" },
    { NULL }
  };

  if (!command_parse_options ("distribute", "contacts", "Send the directory of contact "
                              "points (a text table, CSV and vCard) to an audience; the "
                              "messages wait in the outbox for `ctcgw run`.",
                              entries, &argc, &argv))
    return EX_USAGE;
  if (argc != 2)
    return command_usage_error ("distribute", "name what to distribute: contacts");
  if (strcmp (argv[1], "contacts") != 0)
    {
      g_autofree char *quoted = form_quote (argv[1]);
      const char *near = form_suggest (argv[1], distributions);
      return command_usage_error ("distribute", "unknown distribution %s%s%s%s", quoted,
                                  near != NULL ? "; did you mean \"" : "",
                                  near != NULL ? near : "", near != NULL ? "\"?" : "");
    }
  return distribute_run (config, to != NULL ? to : "all");
}
