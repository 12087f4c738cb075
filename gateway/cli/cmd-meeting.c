/* `ctcgw meeting create|invite|update|cancel|attendance`: staff plan
 * meetings and send their iCalendar invitations (meeting.c). */
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

#include "gateway/store/audience.h"
#include "gateway/cli/command.h"
#include "gateway/cli/commands.h"
#include "gateway/store/db.h"
#include "gateway/flows/meeting.h"

#define SYNOPSIS "create --title TEXT --start DATETIME --end DATETIME --tz ZONE" \
  " [--location TEXT] --attendees AUDIENCE | invite REF | update REF [--title TEXT]" \
  " [--start DATETIME] [--end DATETIME] [--location TEXT] [--add AUDIENCE]" \
  " [--remove ADDRESS]... | cancel REF | attendance REF [--json]"

typedef struct {
  char *title;
  char *start;
  char *end;
  char *tz;
  char *location;
  char *attendees;
  char *add;
  char **remove;
  gboolean json;
} MeetingOptions;

static void
meeting_options_clear (MeetingOptions *o)
{
  g_free (o->title);
  g_free (o->start);
  g_free (o->end);
  g_free (o->tz);
  g_free (o->location);
  g_free (o->attendees);
  g_free (o->add);
  g_strfreev (o->remove);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MeetingOptions, meeting_options_clear)

/* Prints error and gives the exit status that goes with it. */
static int
failed (const GError *error)
{
  return command_refused ("meeting", error);
}

/* `meeting create`: prints the new reference. */
static int
meeting_do_create (sqlite3 *db, const Config *config, const char *ref, gconstpointer options)
{
  const MeetingOptions *o = options;
  Context ctx = { db, config, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  MeetingNew m = { .kind = "meeting", .title = o->title, .start = o->start, .end = o->end,
                   .tz = o->tz, .location = o->location, .audience = o->attendees };
  g_autofree char *reference = meeting_create (&ctx, &m, now, &error);
  if (reference == NULL)
    return failed (error);
  printf ("%s\n", reference);
  return EX_OK;
}

/* See commands.h: `meeting invite REF` and `visit invite REF`. */
int
cmd_invite (const char *command, const Context *ctx, const char *ref)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GPtrArray) inactive = g_ptr_array_new_with_free_func (g_free);
  MeetingInvited out = { .inactive = inactive };
  if (!meeting_invite (ctx, ref, now, &out, &error))
    return command_refused (command, error);
  g_autofree char *shown = g_ascii_strup (ref, -1);
  printf ("%s invited %u (before: %u)\n", shown, out.invited, out.before);
  for (guint i = 0; i < inactive->len; i++)
    printf ("%s did not invite %s: it is inactive in the entities register\n", shown,
            (char *) inactive->pdata[i]);
  return EX_OK;
}

/* `meeting invite REF`: those of the audience not invited yet. */
static int
meeting_do_invite (sqlite3 *db, const Config *config, const char *ref, gconstpointer options)
{
  Context ctx = { db, config, NULL };
  return cmd_invite ("meeting", &ctx, ref);
}

/* `meeting update REF`: the REQUEST again when something changed, to
 * those added; a CANCEL to those removed. */
static int
meeting_do_update (sqlite3 *db, const Config *config, const char *ref, gconstpointer options)
{
  const MeetingOptions *o = options;
  Context ctx = { db, config, NULL };
  MeetingChange change = { ref, o->title, o->start, o->end, o->location, o->add,
                           (const char *const *) o->remove };
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  MeetingUpdated out = { 0 };
  if (!meeting_update (&ctx, &change, now, &out, &error))
    return failed (error);
  g_autofree char *shown = g_ascii_strup (ref, -1);
  if (!out.changed)
    printf ("%s unchanged\n", shown);
  else if (o->add == NULL && o->remove == NULL)
    printf ("%s updated, sent %u\n", shown, out.sent);
  else
    printf ("%s updated, sent %u (added %u, removed %u)\n", shown, out.sent, out.added,
            out.removed);
  return EX_OK;
}

/* `meeting cancel REF`: the CANCEL to everyone invited. */
static int
meeting_do_cancel (sqlite3 *db, const Config *config, const char *ref, gconstpointer options)
{
  Context ctx = { db, config, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  guint sent = 0;
  if (!meeting_cancel (&ctx, ref, now, &sent, &error))
    return failed (error);
  g_autofree char *shown = g_ascii_strup (ref, -1);
  printf ("%s cancelled, sent %u\n", shown, sent);
  return EX_OK;
}

#define ATTENDANCE_SQL \
  "SELECT entity, email, name, partstat, sequence, updated, removed FROM attendance" \
  " WHERE meeting_id = ?1 ORDER BY id"

/* `meeting attendance REF [--json]`: the attendance register's rows. */
static int
meeting_do_attendance (sqlite3 *db, const Config *config, const char *ref,
                       gconstpointer options)
{
  const MeetingOptions *o = options;
  g_autoptr (GError) error = NULL;
  gint64 id = meeting_id (db, ref, &error);
  if (id <= 0)
    return failed (error);
  g_autoptr (sqlite3_stmt) st = db_prepare (db, o->json
      ? "SELECT json_group_array(json_object('entity', entity, 'email', email, 'name', name,"
        " 'partstat', partstat, 'sequence', sequence, 'updated', updated, 'removed', removed))"
        " FROM (" ATTENDANCE_SQL ")"
      : ATTENDANCE_SQL, &error);
  if (st == NULL)
    return failed (error);
  sqlite3_bind_int64 (st, 1, id);
  if (!o->json)
    return command_print_table (db, st, &error) ? EX_OK : failed (error);
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      db_set_error (db, &error, "reading the attendance register");
      return failed (error);
    }
  printf ("%s\n", sqlite3_column_text (st, 0));
  return EX_OK;
}

/* The subcommands: the word, its operand, what runs it. */
static const Subcommand subcommands[] = {
  { "create", NULL, meeting_do_create },
  { "invite", "REF", meeting_do_invite },
  { "update", "REF", meeting_do_update },
  { "cancel", "REF", meeting_do_cancel },
  { "attendance", "REF", meeting_do_attendance },
};

/* The first option given that action does not take, or NULL. */
static const char *
stray_option (const char *action, gconstpointer options)
{
  const MeetingOptions *o = options;
  gboolean create = strcmp (action, "create") == 0;
  gboolean update = strcmp (action, "update") == 0;
  if (!create && !update && o->title)
    return "--title";
  if (!create && (o->tz || o->attendees))
    return o->tz ? "--tz" : "--attendees";
  if (!update && (o->add || o->remove))
    return o->add ? "--add" : "--remove";
  if (!create && !update && (o->start || o->end || o->location))
    return o->start ? "--start" : o->end ? "--end" : "--location";
  if (o->json && strcmp (action, "attendance") != 0)
    return "--json";
  return NULL;
}

/* What is missing in the options of action, or NULL. */
static char *
options_problem (const Config *config, const char *action, gconstpointer options)
{
  const MeetingOptions *o = options;
  if (strcmp (action, "create") == 0
      && (!o->title || !o->start || !o->end || !o->tz || !o->attendees))
    return g_strdup ("create needs --title, --start, --end, --tz and --attendees");
  if (strcmp (action, "update") == 0 && !o->title && !o->start && !o->end && !o->location
      && !o->add && !o->remove)
    return g_strdup ("update needs --title, --start, --end, --location, --add or --remove");
  return NULL;
}

/* The subcommands of `ctcgw meeting` and its --help. */
static const SubcommandTable table = {
  .command = "meeting",
  .synopsis = SYNOPSIS,
  .summary = "Plan meetings and send their iCalendar"
             " invitations, updates and cancellations.\nREF is the meeting's"
             " reference (CTC-MTG-2026-0001); DATETIME is"
             " YYYY-MM-DDTHH:MM in the meeting's zone.",
  .subcommands = subcommands,
  .n_subcommands = G_N_ELEMENTS (subcommands),
  .stray_option = stray_option,
  .options_problem = options_problem,
};

/* `ctcgw meeting create | invite REF | update REF | cancel REF | attendance REF` */
int
cmd_meeting (const Config *config, const char *config_path, int argc, char **argv)
{
  g_auto (MeetingOptions) o = { 0 };
  GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &o.title, "create, update: the title", "TEXT" },
    { "start", 0, 0, G_OPTION_ARG_STRING, &o.start, "create, update: the start, local time in the zone", "DATETIME" },
    { "end", 0, 0, G_OPTION_ARG_STRING, &o.end, "create, update: the end, local time in the zone", "DATETIME" },
    { "tz", 0, 0, G_OPTION_ARG_STRING, &o.tz, "create: the IANA time zone (Europe/Vienna)", "ZONE" },
    { "location", 0, 0, G_OPTION_ARG_STRING, &o.location, "create, update: the place (update: \"\" removes it)", "TEXT" },
    { "attendees", 0, 0, G_OPTION_ARG_STRING, &o.attendees, "create: who is invited (an audience, see ctcgw(8))", "AUDIENCE" },
    { "add", 0, 0, G_OPTION_ARG_STRING, &o.add, "update: invite these as well (an audience)", "AUDIENCE" },
    { "remove", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.remove, "update: uninvite this address (again for more)", "ADDRESS" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "attendance: one JSON document", NULL },
    { NULL }
  };
  return command_dispatch (&table, config, entries, &o, argc, argv);
}
