/* `ctcgw circular create|list|send|schedule`: staff make circulars, send
 * them and put them on schedules. */
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

#include "gateway/store/audience.h"
#include "gateway/flows/circular.h"
#include "gateway/cli/command.h"
#include "gateway/cli/commands.h"
#include "gateway/store/db.h"
#include "gateway/flows/schedule.h"

#define SYNOPSIS "create --template NAME --audience AUDIENCE [--subject TEXT] | list [--json]" \
  " | send REF [--again] | schedule REF --rrule RRULE --start DATETIME | schedule REF --stop"

/* The options of every action; each action checks those it takes. */
typedef struct {
  char *template;
  char *audience;
  char *subject;
  char *rrule;
  char *start;
  gboolean json;
  gboolean again;
  gboolean stop;
} CircularOptions;

/* Frees the strings of the options (for g_auto). */
static void
circular_options_clear (CircularOptions *o)
{
  g_free (o->template);
  g_free (o->audience);
  g_free (o->subject);
  g_free (o->rrule);
  g_free (o->start);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CircularOptions, circular_options_clear)

/* Prints error and gives the exit status that goes with it. */
static int
failed (const GError *error)
{
  g_autofree char *message = command_printable (error->message, FALSE);
  g_printerr ("ctcgw circular: %s\n", message);
  if (error->domain == DB_ERROR)
    return command_error_status (error);
  if (g_error_matches (error, AUDIENCE_ERROR, AUDIENCE_ERROR_DB))
    return EX_TEMPFAIL;
  return EX_DATAERR;
}

/* `circular create`: prints the new reference. */
static int
circular_do_create (sqlite3 *db, const Config *config, const char *ref,
                    gconstpointer options)
{
  const CircularOptions *o = options;
  Context ctx = { db, config, NULL };
  CircularNew n = { o->template, o->audience, o->subject };
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *reference = circular_create (&ctx, &n, now, &error);
  if (reference == NULL)
    return failed (error);
  printf ("%s\n", reference);
  return EX_OK;
}

/* `circular send REF`: one outbox row per recipient. */
static int
circular_do_send (sqlite3 *db, const Config *config, const char *ref,
                  gconstpointer options)
{
  const CircularOptions *o = options;
  Context ctx = { db, config, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  guint queued = 0;
  if (!circular_send (&ctx, ref, o->again, now, &queued, &error))
    return failed (error);
  g_autofree char *shown = g_ascii_strup (ref, -1);
  printf ("%s queued %u\n", shown, queued);
  return EX_OK;
}

/* `circular schedule REF`: prints the first run, or stops the schedule. */
static int
circular_do_schedule (sqlite3 *db, const Config *config, const char *ref,
                      gconstpointer options)
{
  const CircularOptions *o = options;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *next = NULL;
  g_autofree char *shown = g_ascii_strup (ref, -1);
  if (o->stop)
    {
      if (!schedule_stop (db, ref, &error))
        return failed (error);
      printf ("%s stopped\n", shown);
      return EX_OK;
    }
  Context ctx = { db, config, NULL };
  CircularSchedule s = { ref, o->rrule, o->start };
  if (!schedule_circular (&ctx, &s, now, &next, &error))
    return failed (error);
  printf ("%s next %s\n", shown, next);
  return EX_OK;
}

#define CIRCULARS_SQL \
  "SELECT c.reference, c.state, c.template, c.audience, substr(c.created, 1, 10) AS created," \
  " replace(substr(c.sent, 1, 16), 'T', ' ') AS sent, c.recipients, s.rrule," \
  " CASE WHEN s.enabled THEN s.next_run END AS next_run, c.subject" \
  " FROM circulars c LEFT JOIN schedules s ON s.origin = 'command' AND s.circular_id = c.id" \
  " ORDER BY c.id"
#define SCHEDULES_SQL \
  "SELECT name, origin, kind, coalesce(template, (SELECT reference FROM circulars" \
  " WHERE id = circular_id)) AS circular, audience, rrule, dtstart, tzid, enabled," \
  " last_run, next_run, last_error FROM schedules ORDER BY id"

/* The circulars and the schedules as one JSON document. */
static gboolean
print_json (sqlite3 *db, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT json_object('circulars', (SELECT json_group_array(json_object("
      "  'reference', reference, 'state', state, 'template', template, 'audience', audience,"
      "  'created', created, 'sent', sent, 'recipients', recipients, 'rrule', rrule,"
      "  'next_run', next_run, 'subject', subject)) FROM (" CIRCULARS_SQL ")),"
      " 'schedules', (SELECT json_group_array(json_object('name', name, 'origin', origin,"
      "  'kind', kind, 'circular', circular, 'audience', audience, 'rrule', rrule,"
      "  'start', dtstart, 'timezone', tzid, 'enabled', json(CASE WHEN enabled"
      "  THEN 'true' ELSE 'false' END), 'last_run', last_run, 'next_run', next_run,"
      "  'last_error', last_error)) FROM (" SCHEDULES_SQL ")))", error);
  if (st == NULL)
    return FALSE;
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      db_set_error (db, error, "reading the circulars");
      return FALSE;
    }
  printf ("%s\n", sqlite3_column_text (st, 0));
  return TRUE;
}

/* The schedules under a title, when there is one. */
static gboolean
print_schedules (sqlite3 *db, GError **error)
{
  g_autoptr (sqlite3_stmt) count = db_prepare (db, "SELECT count(*) FROM schedules", error);
  g_autoptr (sqlite3_stmt) st = count == NULL ? NULL : db_prepare (db,
      "SELECT name, kind, circular, audience, rrule, dtstart AS start, tzid AS timezone,"
      " CASE WHEN enabled THEN 'yes' ELSE 'no' END AS enabled,"
      " replace(substr(last_run, 1, 16), 'T', ' ') AS last_run,"
      " replace(substr(next_run, 1, 16), 'T', ' ') AS next_run, last_error"
      " FROM (" SCHEDULES_SQL ")", error);
  if (st == NULL)
    return FALSE;
  if (sqlite3_step (count) != SQLITE_ROW)
    {
      db_set_error (db, error, "reading the schedules");
      return FALSE;
    }
  if (sqlite3_column_int64 (count, 0) == 0)
    return TRUE;
  printf ("\nschedules (UTC):\n");
  return command_print_table (db, st, error);
}

/* `circular list [--json]`: the circulars, then the schedules (those of
 * the configuration brought up to date first). */
static int
circular_do_list (sqlite3 *db, const Config *config, const char *ref,
                  gconstpointer options)
{
  const CircularOptions *o = options;
  Context ctx = { db, config, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  if (!schedule_sync_config (&ctx, now, &error))
    return failed (error);
  if (o->json)
    return print_json (db, &error) ? EX_OK : failed (error);
  g_autoptr (sqlite3_stmt) st = db_prepare (db, CIRCULARS_SQL, &error);
  if (st == NULL || !command_print_table (db, st, &error) || !print_schedules (db, &error))
    return failed (error);
  return EX_OK;
}

/* The subcommands: the word, its operand, what runs it. */
static const Subcommand subcommands[] = {
  { "create", NULL, circular_do_create },
  { "list", NULL, circular_do_list },
  { "send", "REF", circular_do_send },
  { "schedule", "REF", circular_do_schedule },
};

/* The first option given that action does not take, or NULL. */
static const char *
stray_option (const char *action, gconstpointer options)
{
  const CircularOptions *o = options;
  gboolean create = strcmp (action, "create") == 0;
  gboolean schedule = strcmp (action, "schedule") == 0;
  if (!create && (o->template || o->audience || o->subject))
    return o->template ? "--template" : o->audience ? "--audience" : "--subject";
  if (!schedule && (o->rrule || o->start || o->stop))
    return o->rrule ? "--rrule" : o->start ? "--start" : "--stop";
  if (o->json && strcmp (action, "list") != 0)
    return "--json";
  if (o->again && strcmp (action, "send") != 0)
    return "--again";
  return NULL;
}

/* What is missing or contradictory in the options of action, or NULL. */
static char *
options_problem (const Config *config, const char *action, gconstpointer options)
{
  const CircularOptions *o = options;
  if (strcmp (action, "create") == 0 && (o->template == NULL || o->audience == NULL))
    return g_strdup ("create needs --template NAME and --audience AUDIENCE");
  if (strcmp (action, "schedule") == 0 && o->stop && (o->rrule || o->start))
    return g_strdup ("--stop goes without --rrule and --start");
  if (strcmp (action, "schedule") == 0 && !o->stop && (o->rrule == NULL || o->start == NULL))
    return g_strdup ("schedule needs --rrule RRULE and --start DATETIME (or --stop)");
  return NULL;
}

/* The subcommands of `ctcgw circular` and its --help. */
static const SubcommandTable table = {
  .command = "circular",
  .synopsis = SYNOPSIS,
  .summary = "Create circulars from a template and an"
             " audience, send them, and send them on iCalendar RRULE"
             " schedules.\nREF is the circular's reference (CTC-CIR-2026-0001).",
  .subcommands = subcommands,
  .n_subcommands = G_N_ELEMENTS (subcommands),
  .stray_option = stray_option,
  .options_problem = options_problem,
};

/* `ctcgw circular create | list | send REF | schedule REF` */
int
cmd_circular (const Config *config, const char *config_path, int argc, char **argv)
{
  g_auto (CircularOptions) o = { 0 };
  GOptionEntry entries[] = {
    { "template", 0, 0, G_OPTION_ARG_STRING, &o.template, "create: the template (templates/NAME.LANG.txt)", "NAME" },
    { "audience", 0, 0, G_OPTION_ARG_STRING, &o.audience, "create: who gets it (see ctcgw(8))", "AUDIENCE" },
    { "subject", 0, 0, G_OPTION_ARG_STRING, &o.subject, "create: the subject instead of the template's", "TEXT" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "list: one JSON document", NULL },
    { "again", 0, 0, G_OPTION_ARG_NONE, &o.again, "send: send a circular sent before once more", NULL },
    { "rrule", 0, 0, G_OPTION_ARG_STRING, &o.rrule, "schedule: an iCalendar RRULE", "RRULE" },
    { "start", 0, 0, G_OPTION_ARG_STRING, &o.start, "schedule: the first time, local ([gateway] timezone)", "DATETIME" },
    { "stop", 0, 0, G_OPTION_ARG_NONE, &o.stop, "schedule: stop the circular's schedule", NULL },
    { NULL }
  };
  return command_dispatch (&table, config, entries, &o, argc, argv);
}
