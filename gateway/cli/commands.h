/* The commands of ctcgw(8).  Each takes the loaded configuration and its own
 * arguments (argv[0] is the command name) and returns a sysexits.h status. */
#pragma once

#include <glib.h>
#include <sysexits.h>
#include "gateway/base/config.h"

typedef struct {
  const char *name;
  const char *args;      /* synopsis of the arguments, for --help */
  const char *summary;   /* what it does, one line, for --help */
  gboolean needs_config; /* FALSE: runs without a configuration file */
  int (*run) (const Config *config, int argc, char **argv);
} Command;

/* cmd-run.c */
int cmd_init (const Config *config, int argc, char **argv);
int cmd_check_config (const Config *config, int argc, char **argv);
int cmd_run (const Config *config, int argc, char **argv);
int cmd_deliver (const Config *config, int argc, char **argv);
/* cmd-registers.c */
int cmd_list (const Config *config, int argc, char **argv);
int cmd_show (const Config *config, int argc, char **argv);
int cmd_import (const Config *config, int argc, char **argv);
int cmd_export (const Config *config, int argc, char **argv);
/* cmd-quarantine.c */
int cmd_quarantine (const Config *config, int argc, char **argv);
/* cmd-circular.c */
int cmd_circular (const Config *config, int argc, char **argv);
/* cmd-outbox.c */
int cmd_outbox (const Config *config, int argc, char **argv);
/* cmd-distribute.c */
int cmd_distribute (const Config *config, int argc, char **argv);
/* cmd-meeting.c */
int cmd_meeting (const Config *config, int argc, char **argv);
/* cmd-visit.c */
int cmd_visit (const Config *config, int argc, char **argv);
/* cmd-digest.c */
int cmd_digest (const Config *config, int argc, char **argv);

/* Parses a command's own options with GOptionContext; on a usage error
 * prints it with the command's --help hint and returns FALSE (the command
 * then returns EX_USAGE).  --help prints the help and exits with status 0. */
gboolean command_parse_options (const char *command, const char *synopsis,
                                const char *summary, GOptionEntry *entries,
                                int *argc, char ***argv);

/* Opens the configured database (not creating it); on failure prints what to
 * do and returns NULL with *status set (78 configuration, 75 busy). */
struct sqlite3 *command_open_db (const Config *config, int *status);

/* The path of the configuration file given with -c (set by main). */
extern const char *command_config_path;

/* Helpers shared by the commands (cmd-registers.c). */
struct sqlite3;
struct sqlite3_stmt;

/* Prints "ctcgw COMMAND: message" and the --help hint; returns EX_USAGE. */
int command_usage_error (const char *command, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

/* The exit status for a GError from the database or intake: 78 for a
 * missing or unopenable database, 75 otherwise (busy, failing, disk). */
int command_error_status (const GError *error);

/* text (may be NULL) as valid UTF-8 without control characters, for a
 * terminal; newlines are kept when keep_newlines, else become spaces. */
char *command_printable (const char *text, gboolean keep_newlines);

/* Steps stmt to its end, printing its rows as an aligned table (a header of
 * the column names first) that fits the terminal.  FALSE on a database error. */
gboolean command_print_table (struct sqlite3 *db, struct sqlite3_stmt *stmt, GError **error);

/* Prints the current row of stmt as "column  value" lines. */
void command_print_row (struct sqlite3_stmt *stmt);
