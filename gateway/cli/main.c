/* ctcgw: command dispatch only. */

#include "build-config.h"

#include <locale.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <gmime/gmime.h>

#include "gateway/cli/commands.h"
#include "gateway/base/config.h"
#include "gateway/base/log.h"
#include "parsers/form.h"

/* Freed heap kept by the process rather than trimmed (see main). */
#define MALLOC_KEEP_BYTES (64 * 1024 * 1024)

/* The configuration file of the installed program: /etc/ctcgw/ctcgw.conf
 * for the package (--sysconfdir=/etc), where make install puts the example
 * and the unit looks. */
#define DEFAULT_CONFIG CTC_SYSCONFDIR "/ctcgw/ctcgw.conf"

static const Command commands[] = {
  { "init", "", "create or upgrade the database and load reference data", TRUE, cmd_init },
  { "check-config", "", "validate the configuration file and say what is wrong", FALSE, cmd_check_config },
  { "run", "[--once]", "the daemon in the foreground: intake and outbox; --once: one pass", TRUE, cmd_run },
  { "deliver", "[--mailbox NAME]", "process one message from standard input (for an MTA)", TRUE, cmd_deliver },
  { "list", "REGISTER [--json] [--state S] [--area A] [--entity E] [--since D] ... | requests --candidates [--top K] | offers --overlaps",
    "list a register, filtered; each request's best offers and why; overlapping offers by area", TRUE, cmd_list },
  { "search", "WORDS... [--register R] [--json] [--limit N]", "find records and submissions by their words", TRUE, cmd_search },
  { "stats", "[--by form|entity|area|month] [--json]", "count submissions and records", TRUE, cmd_stats },
  { "show", "REFERENCE [--json] [--raw | --attachment N] [-o FILE]",
    "one record and its history; a submission's message, attachments and what was filed", TRUE, cmd_show },
  { "import", "REGISTER FILE.csv", "import records from CSV, with the checks of email", TRUE, cmd_import },
  { "export", "REGISTER [--format csv|json|vcard|ics] [-o FILE]", "export a register", TRUE, cmd_export },
  { "quarantine", "list [--json] | show ID | approve ID | reject ID [--reason TEXT]", "review held submissions", TRUE, cmd_quarantine },
  { "circular", "create|list|send|schedule", "circulars to audiences, from the shipped texts or staff's own (--text-file), and their RRULE schedules", TRUE, cmd_circular },
  { "outbox", "list [--state STATE] [--json] | retry ID", "what was sent or waits; send a failed message again", TRUE, cmd_outbox },
  { "distribute", "contacts [--to AUDIENCE]", "the directory of contact points to an audience (CSV and vCard)", TRUE, cmd_distribute },
  { "meeting", "create|invite|update|cancel|attendance", "meetings and their iCalendar invitations", TRUE, cmd_meeting },
  { "visit", "create|invite|notify|request-info|assess|share", "country visits: invitations, the State asked for its consent, information, the needs assessment", TRUE, cmd_visit },
  { "digest", "[--print|--send] [--date YYYY-MM-DD]", "the daily digest to staff: print it or send it", TRUE, cmd_digest },
  { "publish", "[--out DIR] [--meeting REF]", "write the public site of the public registers", TRUE, cmd_publish },
};

static const Command *
find_command (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

static char *
commands_help (void)
{
  GString *s = g_string_new ("Commands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      /* The synopses are too long for a column: the summary goes below. */
      g_string_append_printf (s, "  %s %s\n      %s\n", commands[i].name, commands[i].args,
                              commands[i].summary);
    }
  g_string_append (s, "\n`ctcgw COMMAND --help` describes a command's options;"
                      " ctcgw(8) and ctcgw.conf(5) describe the rest.");
  return g_string_free (s, FALSE);
}

/* An unknown command: say which one was meant, where one is close. */
static void
unknown_command (const char *name, const char *help)
{
  const char *names[G_N_ELEMENTS (commands) + 1];
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    names[i] = commands[i].name;
  names[G_N_ELEMENTS (commands)] = NULL;
  const char *near = form_suggest (name, names);
  if (near != NULL)
    g_printerr ("ctcgw: unknown command \"%s\"; did you mean \"%s\"?\n", name, near);
  else
    g_printerr ("ctcgw: unknown command \"%s\"\n%s\n", name, help);
}

static int
run_command (const Command *cmd, const char *config_path, int argc, char **argv)
{
  g_autoptr (Config) config = NULL;
  g_autoptr (GError) error = NULL;
  gboolean wants_help = argc > 1 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0);

  if (cmd->needs_config && !wants_help)
    {
      config = config_load (config_path, &error);
      if (config == NULL)
        {
          g_printerr ("ctcgw: %s\n", error->message);
          g_printerr ("ctcgw: `ctcgw -c %s check-config` lists every problem\n", config_path);
          /* An MTA must retry, not bounce, what deliver could not store. */
          return cmd->run == cmd_deliver ? EX_TEMPFAIL : EX_CONFIG;
        }
    }
  int status = cmd->run (config, config_path, argc, argv);
  if (config != NULL && !wants_help && cmd->run != cmd_publish)
    command_publish_changed (config);
  return status;
}

int
main (int argc, char **argv)
{
  g_autofree char *config_path = NULL;
  gboolean verbose = FALSE, quiet = FALSE, version = FALSE;
  GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "configuration file (default " DEFAULT_CONFIG ")", "FILE" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "log more", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "log only warnings", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "print the version", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("COMMAND [ARGS]");
  g_autoptr (GError) error = NULL;
  g_autofree char *help = commands_help ();

  setlocale (LC_ALL, "");
  /* Messages and IMAP batches of megabytes come and go: keep the freed
   * heap for the next one instead of returning it to the kernel each time. */
  mallopt (M_TRIM_THRESHOLD, MALLOC_KEEP_BYTES);
  mallopt (M_TOP_PAD, MALLOC_KEEP_BYTES / 4);
  /* A write to a server or a reader that went away is an error to handle. */
  signal (SIGPIPE, SIG_IGN);
  g_option_context_set_summary (context, "The email intake and circulation gateway of the CTC secretariat.");
  g_option_context_set_description (context, help);
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_strict_posix (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("ctcgw: %s\nctcgw: `ctcgw --help` lists the options and commands\n", error->message);
      return EX_USAGE;
    }
  if (version)
    {
      printf ("%s\n", PACKAGE_STRING);
      return EX_OK;
    }
  log_set_level (quiet ? LOG_QUIET : verbose ? LOG_VERBOSE : LOG_NORMAL);
  log_init ();
  if (argc < 2)
    {
      g_printerr ("ctcgw: no command given\n%s\n", help);
      return EX_USAGE;
    }
  const Command *cmd = find_command (argv[1]);
  if (cmd == NULL)
    {
      unknown_command (argv[1], help);
      return EX_USAGE;
    }
  g_mime_init ();
  int status = run_command (cmd, config_path != NULL ? config_path : DEFAULT_CONFIG,
                            argc - 1, argv + 1);
  g_mime_shutdown ();
  return status;
}
