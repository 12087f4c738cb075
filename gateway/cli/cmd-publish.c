/* `ctcgw publish`: the public site written by hand, and the meetings
 * staff mark public (ctcgw(8), publish). */
#include <stdio.h>

#include "gateway/cli/command.h"
#include "gateway/cli/commands.h"
#include "gateway/store/db.h"
#include "gateway/flows/publish.h"

/* Marks the meetings of refs public or not; FALSE when one fails. */
static gboolean
mark_meetings (const Context *ctx, char **refs, gboolean public)
{
  for (guint i = 0; refs != NULL && refs[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      if (!publish_set_meeting (ctx, refs[i], public, &error))
        {
          command_failed ("publish", error);
          return FALSE;
        }
    }
  return TRUE;
}

/* `ctcgw publish [--out DIR] [--url URL] [--meeting REF]... [--private REF]...` */
int
cmd_publish (const Config *config, const char *config_path, int argc, char **argv)
{
  g_autofree char *out = NULL, *url = NULL;
  g_auto (GStrv) public = NULL, private = NULL;
  GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "the directory to write to (default [publish] dir)", "DIR" },
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, "the address the site is read at (default [publish] url)", "URL" },
    { "meeting", 0, 0, G_OPTION_ARG_STRING_ARRAY, &public, "put the meeting in the site's calendar", "REF" },
    { "private", 0, 0, G_OPTION_ARG_STRING_ARRAY, &private, "take the meeting out of it", "REF" },
    { NULL }
  };
  int status = EX_OK;
  if (!command_parse_options ("publish", "[--out DIR] [--meeting REF] [--private REF]",
                              "The public site: the Matrix of Joint Activities, the inventory,"
                              " the Directory of sources and the standards, in six languages.",
                              entries, &argc, &argv))
    return EX_USAGE;
  if (argc != 1)
    return command_usage_error ("publish", "it takes no argument but its options");
  const char *dir = out != NULL ? out : config->publish_dir;
  if (dir == NULL)
    return command_usage_error ("publish", "say where: --out DIR, or [publish] dir");
  sqlite3 *db = command_open_db (config, &status);
  if (db == NULL)
    return status;
  Context ctx = { db, config, NULL };
  guint files = 0, kept = 0;
  g_autoptr (GError) error = NULL;
  if (!mark_meetings (&ctx, public, TRUE) || !mark_meetings (&ctx, private, FALSE))
    status = EX_DATAERR;
  else if (!publish_write (&ctx, dir, url != NULL ? url : config->publish_url, &files, &kept,
                           &error))
    status = command_failed ("publish", error);
  else
    printf ("published %u files (%u unchanged) to %s/%s\n", files, kept, dir, PUBLISH_LINK);
  db_close (db);
  return status;
}
