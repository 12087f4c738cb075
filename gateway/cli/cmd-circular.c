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
#include "gateway/mail/compose.h"
#include "gateway/flows/schedule.h"

#define SYNOPSIS "create (--template NAME | --text-file [LANG=]FILE...) --audience AUDIENCE" \
  " [--subject TEXT] [--preview [--to ADDRESS]] | list [--json] | send REF [--again]" \
  " | schedule REF --rrule RRULE --start DATETIME | schedule REF --stop"

/* The options of every action; each action checks those it takes. */
typedef struct {
  char *template;
  char **text_files;  /* [LANG=]FILE each */
  char *audience;
  char *subject;
  char *to;
  gboolean preview;
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
  g_strfreev (o->text_files);
  g_free (o->audience);
  g_free (o->subject);
  g_free (o->to);
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

/* The texts of --text-file ([LANG=]FILE each, LANG the configured
 * language when not given), and the strings they point to. */
typedef struct {
  GArray *texts;        /* CircularText */
  GPtrArray *strings;   /* what the texts point to */
} Texts;

/* Frees the texts (for g_auto). */
static void
texts_clear (Texts *t)
{
  g_clear_pointer (&t->texts, g_array_unref);
  g_clear_pointer (&t->strings, g_ptr_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Texts, texts_clear)

/* The length of the LANG= that arg begins with (a language code of two or
 * three letters and "="), or 0. */
static gsize
language_length (const char *arg)
{
  gsize n = 0;
  while (g_ascii_isalpha (arg[n]))
    n++;
  return (n == 2 || n == 3) && arg[n] == '=' ? n : 0;
}

/* Reads the file of arg ([LANG=]FILE) into t; EX_OK, or the status after
 * saying why not. */
static int
read_text (Texts *t, const Config *config, const char *arg)
{
  gsize n = language_length (arg), len = 0;
  const char *file = n > 0 ? arg + n + 1 : arg;
  g_autofree char *content = NULL;
  g_autoptr (GError) error = NULL;
  if (!g_file_get_contents (file, &content, &len, &error))
    {
      g_autofree char *message = command_printable (error->message, FALSE);
      g_printerr ("ctcgw circular: %s\n", message);
      return EX_NOINPUT;
    }
  if (strlen (content) != len)
    {
      g_autofree char *shown = command_printable (file, FALSE);
      g_printerr ("ctcgw circular: %s: not text (it holds a NUL byte)\n", shown);
      return EX_DATAERR;
    }
  char *language = n > 0 ? g_ascii_strdown (arg, (gssize) n)
                         : g_strdup (config->language != NULL ? config->language : "en");
  CircularText text = { language, g_strdup (file), g_steal_pointer (&content) };
  g_ptr_array_add (t->strings, (char *) text.language);
  g_ptr_array_add (t->strings, (char *) text.file);
  g_ptr_array_add (t->strings, (char *) text.content);
  g_array_append_val (t->texts, text);
  return EX_OK;
}

/* Reads every --text-file into t; EX_OK or the status of the first that
 * cannot be read. */
static int
read_texts (Texts *t, const Config *config, char **args)
{
  t->texts = g_array_new (FALSE, TRUE, sizeof (CircularText));
  t->strings = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    {
      int status = read_text (t, config, args[i]);
      if (status != EX_OK)
        return status;
    }
  return EX_OK;
}

/* Prints the headers of object that have a value, decoded and made
 * printable. */
static void
print_headers (GMimeObject *object)
{
  GMimeHeaderList *headers = g_mime_object_get_header_list (object);
  for (int i = 0; i < g_mime_header_list_get_count (headers); i++)
    {
      GMimeHeader *h = g_mime_header_list_get_header_at (headers, i);
      g_autofree char *value = command_printable (g_mime_header_get_value (h), FALSE);
      if (*g_strstrip (value) != '\0')
        printf ("%s: %s\n", g_mime_header_get_name (h), value);
    }
}

/* `circular create --preview`: the message as one recipient gets it, its
 * headers then its text. */
static void
print_preview (GMimeMessage *msg)
{
  GMimeObject *body = g_mime_message_get_mime_part (msg);
  print_headers (GMIME_OBJECT (msg));
  print_headers (body);
  g_autofree char *text = g_mime_text_part_get_text (GMIME_TEXT_PART (body));
  g_autofree char *shown = command_printable (text, TRUE);
  printf ("\n%s", shown);
  if (*shown != '\0' && shown[strlen (shown) - 1] != '\n')
    printf ("\n");
}

/* `circular create`: prints the new reference, or with --preview the
 * message for one recipient, storing nothing. */
static int
circular_do_create (sqlite3 *db, const Config *config, const char *ref,
                    gconstpointer options)
{
  const CircularOptions *o = options;
  Context ctx = { db, config, NULL };
  g_auto (Texts) texts = { 0 };
  int status = read_texts (&texts, config, o->text_files);
  if (status != EX_OK)
    return status;
  CircularNew n = { o->template, o->audience, o->subject,
                    (const CircularText *) (void *) texts.texts->data, texts.texts->len };
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  if (o->preview)
    {
      g_autoptr (GMimeMessage) msg = circular_preview (&ctx, &n, o->to, now, &error);
      if (msg == NULL)
        return failed (error);
      print_preview (msg);
      return EX_OK;
    }
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
  "SELECT c.reference, c.state, CASE WHEN c.template <> '' THEN c.template" \
  " ELSE 'text: ' || (SELECT group_concat(language, ', ') FROM (SELECT language" \
  " FROM circular_texts WHERE circular_id = c.id ORDER BY position)) END AS template," \
  " c.audience, substr(c.created, 1, 10) AS created," \
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
  if (!create && (o->text_files || o->preview))
    return o->text_files ? "--text-file" : "--preview";
  if (o->to && !o->preview)
    return "--to";
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
  gboolean create = strcmp (action, "create") == 0;
  if (create && (o->template == NULL) == (o->text_files == NULL))
    return g_strdup ("create needs --template NAME or --text-file [LANG=]FILE (one or the other)");
  if (create && o->audience == NULL)
    return g_strdup ("create needs --audience AUDIENCE");
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
  .summary = "Create circulars from a template, or from texts of your own"
             " (one file a language, LANG one of ar, en, es, fr, ru, zh), and an"
             " audience; preview one recipient's message; send them, and send them"
             " on iCalendar RRULE schedules.\nREF is the circular's reference"
             " (CTC-CIR-2026-0001).",
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
    { "text-file", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.text_files, "create: your own text in LANG (default: the configured language), once a language; placeholders as in the templates", "[LANG=]FILE" },
    { "audience", 0, 0, G_OPTION_ARG_STRING, &o.audience, "create: who gets it (see ctcgw(8))", "AUDIENCE" },
    { "subject", 0, 0, G_OPTION_ARG_STRING, &o.subject, "create: the subject instead of the template's or the texts' Subject: lines", "TEXT" },
    { "preview", 0, 0, G_OPTION_ARG_NONE, &o.preview, "create: print one recipient's message; store and queue nothing", NULL },
    { "to", 0, 0, G_OPTION_ARG_STRING, &o.to, "create --preview: the recipient (default: the audience's first)", "ADDRESS" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "list: one JSON document", NULL },
    { "again", 0, 0, G_OPTION_ARG_NONE, &o.again, "send: send a circular sent before once more", NULL },
    { "rrule", 0, 0, G_OPTION_ARG_STRING, &o.rrule, "schedule: an iCalendar RRULE", "RRULE" },
    { "start", 0, 0, G_OPTION_ARG_STRING, &o.start, "schedule: the first time, local ([gateway] timezone)", "DATETIME" },
    { "stop", 0, 0, G_OPTION_ARG_NONE, &o.stop, "schedule: stop the circular's schedule", NULL },
    { NULL }
  };
  return command_dispatch (&table, config, entries, &o, argc, argv);
}
