/* `ctcgw digest`: the daily digest to staff, printed or sent. */
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

#include "gateway/cli/command.h"
#include "gateway/cli/commands.h"
#include "gateway/store/db.h"
#include "gateway/flows/digest.h"

/* SQLITE_TRACE_STMT: keeps each statement run, with its values, so that
 * --queries can show what the digest asks the database. */
static int
keep_statement (unsigned type, void *data, void *p, void *x)
{
  GString *out = data;
  const char *sql = x;
  if (type != SQLITE_TRACE_STMT || sql == NULL || g_str_has_prefix (sql, "--"))
    return 0;
  char *expanded = sqlite3_expanded_sql (p);
  g_string_append_printf (out, "%s;\n", expanded != NULL ? expanded : sql);
  sqlite3_free (expanded);
  return 0;
}

/* Makes the digest and prints it, its HTML page, or the queries it ran. */
static int
digest_print (sqlite3 *db, const Config *config, const char *day, gboolean html,
              gboolean queries)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) trace = g_string_new (NULL);
  if (queries)
    sqlite3_trace_v2 (db, SQLITE_TRACE_STMT, keep_statement, trace);
  Context ctx = { db, config, NULL };
  g_autoptr (Digest) digest = digest_make (&ctx, day, &error);
  sqlite3_trace_v2 (db, 0, NULL, NULL);
  if (digest == NULL)
    {
      g_printerr ("ctcgw digest: %s\n", error->message);
      return command_error_status (error);
    }
  if (queries)
    fputs (trace->str, stdout);
  else if (html)
    fputs (digest->html, stdout);
  else
    printf ("Subject: %s\n\n%s", digest->subject, digest->text);
  return EX_OK;
}

/* Queues the digest to the [digest] addresses. */
static int
digest_do_send (sqlite3 *db, const Config *config, const char *day)
{
  g_autoptr (GError) error = NULL;
  guint queued = 0;
  if (config->digest_to == NULL || config->digest_to[0] == NULL)
    {
      g_printerr ("ctcgw digest: nobody to send it to: set [digest] to or [gateway] staff\n");
      return EX_CONFIG;
    }
  Context ctx = { db, config, NULL };
  if (!digest_send (&ctx, day, &queued, &error))
    {
      g_printerr ("ctcgw digest: %s\n", error->message);
      return command_error_status (error);
    }
  printf ("queued the digest of %s for %u address%s\n", day, queued, queued == 1 ? "" : "es");
  return EX_OK;
}

/* `ctcgw digest [--print|--send] [--html] [--queries] [--date YYYY-MM-DD]` */
int
cmd_digest (const Config *config, const char *config_path, int argc, char **argv)
{
  gboolean print = FALSE, send = FALSE, html = FALSE, queries = FALSE;
  g_autofree char *date = NULL;
  GOptionEntry entries[] = {
    { "print", 0, 0, G_OPTION_ARG_NONE, &print, "write the text to standard output (the default)", NULL },
    { "send", 0, 0, G_OPTION_ARG_NONE, &send, "queue it to the [digest] addresses, text and HTML", NULL },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, "the day to report on (default yesterday)", "YYYY-MM-DD" },
    { "html", 0, 0, G_OPTION_ARG_NONE, &html, "with --print: the HTML page instead", NULL },
    { "queries", 0, 0, G_OPTION_ARG_NONE, &queries, "with --print: the SQL it runs instead", NULL },
    { NULL }
  };
  int status = EX_OK;

  if (!command_parse_options ("digest", "[--print|--send] [--date YYYY-MM-DD]",
                              "The daily digest to staff: what the gateway did on a day and"
                              " what waits for a decision.", entries, &argc, &argv))
    return EX_USAGE;
  if (argc != 1)
    return command_usage_error ("digest", "it takes no argument but its options");
  if (print && send)
    return command_usage_error ("digest", "say --print or --send, not both");
  if (send && (html || queries))
    return command_usage_error ("digest", "--html and --queries go with --print");
  if (date != NULL && !digest_day_valid (date))
    {
      g_autofree char *shown = command_printable (date, FALSE);
      return command_usage_error ("digest", "\"%s\" is no date: write one like 2026-11-29",
                                  shown);
    }
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *day = date != NULL ? g_strdup (date) : digest_default_day (config, now);
  sqlite3 *db = command_open_db (config, &status);
  if (db == NULL)
    return status;
  status = send ? digest_do_send (db, config, day) : digest_print (db, config, day, html, queries);
  db_close (db);
  return status;
}
