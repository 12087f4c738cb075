/* The commands of ctcgw(8).  Each takes the loaded configuration and its own
 * arguments (argv[0] is the command name) and returns a sysexits.h status. */
#pragma once

#include <glib.h>
#include <sysexits.h>
#include "config.h"

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

/* Parses a command's own options with GOptionContext; on a usage error
 * prints it with the command's --help hint and returns FALSE. */
gboolean command_parse_options (const char *command, const char *synopsis,
                                const char *summary, GOptionEntry *entries,
                                int *argc, char ***argv);

/* Opens the configured database (not creating it); on failure prints what to
 * do and returns NULL with *status set (78 configuration, 75 busy). */
struct sqlite3 *command_open_db (const Config *config, int *status);

/* The path of the configuration file given with -c (set by main). */
extern const char *command_config_path;
