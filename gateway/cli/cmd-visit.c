/* `ctcgw visit create|invite|notify|request-info|assess|share`: country visits
 * (action plan G a-e), their invitations (meeting.c), the notice to the
 * State (visit-notice.c) and the confidential needs assessment (visit.c). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sqlite3.h>

#include "gateway/cli/command.h"
#include "gateway/cli/commands.h"
#include "gateway/store/db.h"
#include "gateway/flows/meeting.h"
#include "gateway/flows/visit.h"
#include "gateway/flows/visit-notice.h"

#define SYNOPSIS "create --state CODE --start DATE --end DATE --organizations LIST" \
  " [--location TEXT]" \
  " | invite REF | notify REF --requested-by LIST | request-info REF --due DATE" \
  " | assess REF --file FILE | share REF"

typedef struct {
  char *state;
  char *start;
  char *end;
  char *organizations;
  char *due;
  char *file;
  char *requested_by;
  char *location;
} VisitOptions;

static void
visit_options_clear (VisitOptions *o)
{
  g_free (o->state);
  g_free (o->start);
  g_free (o->end);
  g_free (o->organizations);
  g_free (o->due);
  g_free (o->file);
  g_free (o->requested_by);
  g_free (o->location);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VisitOptions, visit_options_clear)

/* Prints error and gives the exit status that goes with it. */
static int
failed (const GError *error)
{
  return command_refused ("visit", error);
}

/* `visit create`: prints the new reference. */
static int
visit_do_create (sqlite3 *db, const Config *config, const char *ref, gconstpointer options)
{
  const VisitOptions *o = options;
  Context ctx = { db, config, NULL };
  VisitNew n = { o->state, o->start, o->end, o->organizations, o->location };
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *reference = visit_create (&ctx, &n, now, &error);
  if (reference == NULL)
    return failed (error);
  printf ("%s\n", reference);
  return EX_OK;
}

/* `visit invite REF`: the participating organizations (G a). */
static int
visit_do_invite (sqlite3 *db, const Config *config, const char *ref, gconstpointer options)
{
  Context ctx = { db, config, NULL };
  return cmd_invite ("visit", &ctx, ref);
}

/* `visit notify REF --requested-by LIST` (G e): the State is told of
 * the visit and asked for its consent. */
static int
visit_do_notify (sqlite3 *db, const Config *config, const char *ref, gconstpointer options)
{
  const VisitOptions *o = options;
  Context ctx = { db, config, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  VisitNotified out = { 0 };
  if (!visit_notify (&ctx, ref, o->requested_by, now, &out, &error))
    return failed (error);
  g_autofree char *requested_by = out.requested_by;
  g_autofree char *shown = g_ascii_strup (ref, -1);
  printf ("%s notified %u, consent asked for %s\n", shown, out.queued, requested_by);
  return EX_OK;
}

/* `visit request-info REF --due DATE` (G d). */
static int
visit_do_request (sqlite3 *db, const Config *config, const char *ref, gconstpointer options)
{
  const VisitOptions *o = options;
  Context ctx = { db, config, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  guint queued = 0;
  if (!visit_request_info (&ctx, ref, o->due, now, &queued, &error))
    return failed (error);
  g_autofree char *shown = g_ascii_strup (ref, -1);
  printf ("%s requested %u, due %s\n", shown, queued, o->due);
  return EX_OK;
}

/* The text of path, at most VISIT_ASSESSMENT_MAX bytes. */
static char *
read_assessment (const char *path, GError **error)
{
  struct stat st;
  char *text = NULL;
  if (stat (path, &st) == 0 && S_ISREG (st.st_mode) && st.st_size > VISIT_ASSESSMENT_MAX)
    {
      g_set_error (error, VISIT_ERROR, VISIT_ERROR_INVALID, "%s is larger than %d bytes",
                   path, VISIT_ASSESSMENT_MAX);
      return NULL;
    }
  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  return text;
}

/* `visit assess REF --file FILE` (staff only: the command line). */
static int
visit_do_assess (sqlite3 *db, const Config *config, const char *ref, gconstpointer options)
{
  const VisitOptions *o = options;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = read_assessment (o->file, &error);
  if (text == NULL)
    return error->domain == G_FILE_ERROR ? (g_printerr ("ctcgw visit: %s\n", error->message),
                                            EX_NOINPUT) : failed (error);
  if (!visit_assess (db, ref, text, g_get_user_name (), &error))
    return failed (error);
  g_autofree char *shown = g_ascii_strup (ref, -1);
  printf ("%s assessment stored (confidential)\n", shown);
  return EX_OK;
}

/* `visit share REF` (G e): only as the State consented. */
static int
visit_do_share (sqlite3 *db, const Config *config, const char *ref, gconstpointer options)
{
  Context ctx = { db, config, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  VisitShares out = { 0 };
  gboolean ok = visit_share (&ctx, ref, now, &out, &error);
  g_autoptr (GPtrArray) shared = out.shared;
  g_autoptr (GPtrArray) skipped = out.skipped;
  g_autoptr (GPtrArray) inactive = out.inactive;
  if (!ok)
    return failed (error);
  g_autofree char *shown = g_ascii_strup (ref, -1);
  for (guint i = 0; i < shared->len; i++)
    printf ("%s shared with %s\n", shown, (char *) shared->pdata[i]);
  for (guint i = 0; i < skipped->len; i++)
    printf ("%s not shared with %s: it has no active contact point\n", shown,
            (char *) skipped->pdata[i]);
  for (guint i = 0; i < inactive->len; i++)
    printf ("%s not shared with %s: it is inactive in the entities register\n", shown,
            (char *) inactive->pdata[i]);
  if (shared->len == 0 && skipped->len == 0 && inactive->len == 0)
    printf ("%s already shared with everyone the consent names\n", shown);
  return EX_OK;
}

/* The subcommands: the word, its operand, what runs it. */
static const Subcommand subcommands[] = {
  { "create", NULL, visit_do_create },
  { "invite", "REF", visit_do_invite },
  { "notify", "REF", visit_do_notify },
  { "request-info", "REF", visit_do_request },
  { "assess", "REF", visit_do_assess },
  { "share", "REF", visit_do_share },
};

/* The first option given that action does not take, or NULL. */
static const char *
stray_option (const char *action, gconstpointer options)
{
  const VisitOptions *o = options;
  if (strcmp (action, "create") != 0 && (o->state || o->start || o->end || o->organizations))
    return o->state ? "--state" : o->start ? "--start" : o->end ? "--end" : "--organizations";
  if (strcmp (action, "create") != 0 && o->location)
    return "--location";
  if (strcmp (action, "request-info") != 0 && o->due)
    return "--due";
  if (strcmp (action, "assess") != 0 && o->file)
    return "--file";
  if (strcmp (action, "notify") != 0 && o->requested_by)
    return "--requested-by";
  return NULL;
}

/* What is missing in the options of action, or NULL. */
static char *
options_problem (const Config *config, const char *action, gconstpointer options)
{
  const VisitOptions *o = options;
  if (strcmp (action, "create") == 0 && (!o->state || !o->start || !o->end || !o->organizations))
    return g_strdup ("create needs --state, --start, --end and --organizations");
  if (strcmp (action, "request-info") == 0 && !o->due)
    return g_strdup ("request-info needs --due DATE");
  if (strcmp (action, "assess") == 0 && !o->file)
    return g_strdup ("assess needs --file FILE");
  if (strcmp (action, "notify") == 0 && !o->requested_by)
    return g_strdup ("notify needs --requested-by LIST: the entities that asked for the"
                     " needs assessment");
  return NULL;
}

/* The subcommands of `ctcgw visit` and its --help. */
static const SubcommandTable table = {
  .command = "visit",
  .synopsis = SYNOPSIS,
  .summary = "Country visits: the invitation of the"
             " participating organizations, the notice to the State that asks"
             " its consent, requests for information in advance, the confidential needs assessment and its sharing"
             " as the State consented.\nREF is the visit's reference"
             " (CTC-VIS-2026-0001); DATE is YYYY-MM-DD.",
  .subcommands = subcommands,
  .n_subcommands = G_N_ELEMENTS (subcommands),
  .stray_option = stray_option,
  .options_problem = options_problem,
};

/* `ctcgw visit create | invite REF | notify REF | request-info REF | assess REF | share REF` */
int
cmd_visit (const Config *config, const char *config_path, int argc, char **argv)
{
  g_auto (VisitOptions) o = { 0 };
  GOptionEntry entries[] = {
    { "state", 0, 0, G_OPTION_ARG_STRING, &o.state, "create: the State visited", "CODE" },
    { "start", 0, 0, G_OPTION_ARG_STRING, &o.start, "create: the first day", "DATE" },
    { "end", 0, 0, G_OPTION_ARG_STRING, &o.end, "create: the last day", "DATE" },
    { "organizations", 0, 0, G_OPTION_ARG_STRING, &o.organizations, "create: the participating organizations (UNODC,OSCE)", "LIST" },
    { "location", 0, 0, G_OPTION_ARG_STRING, &o.location, "create: the place of the visit (default: the State's name)", "TEXT" },
    { "due", 0, 0, G_OPTION_ARG_STRING, &o.due, "request-info: when the information is due", "DATE" },
    { "requested-by", 0, 0, G_OPTION_ARG_STRING, &o.requested_by, "notify: the entities that asked for the needs assessment (UNODC,EU)", "LIST" },
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &o.file, "assess: the needs assessment, UTF-8 text", "FILE" },
    { NULL }
  };
  return command_dispatch (&table, config, entries, &o, argc, argv);
}
