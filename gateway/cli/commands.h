/* The commands of ctcgw(8).  Each takes the loaded configuration (NULL for a
 * command that needs none), the path of the file it came from (-c, or the
 * default) and its own arguments (argv[0] is the command name), and returns a
 * sysexits.h status.  Their shared helpers are in command.h. */
#pragma once

#include <glib.h>
#include <sysexits.h>
#include "gateway/base/config.h"
#include "gateway/base/context.h"

typedef struct {
  const char *name;
  const char *args;      /* synopsis of the arguments, for --help */
  const char *summary;   /* what it does, one line, for --help */
  gboolean needs_config; /* FALSE: runs without a configuration file */
  int (*run) (const Config *config, const char *config_path, int argc, char **argv);
} Command;

/* cmd-run.c */
int cmd_init (const Config *config, const char *config_path, int argc, char **argv);
int cmd_check_config (const Config *config, const char *config_path, int argc, char **argv);
int cmd_run (const Config *config, const char *config_path, int argc, char **argv);
int cmd_deliver (const Config *config, const char *config_path, int argc, char **argv);
/* cmd-registers.c */
int cmd_list (const Config *config, const char *config_path, int argc, char **argv);
int cmd_export (const Config *config, const char *config_path, int argc, char **argv);
/* cmd-show.c */
int cmd_show (const Config *config, const char *config_path, int argc, char **argv);
/* cmd-import.c */
int cmd_import (const Config *config, const char *config_path, int argc, char **argv);
/* cmd-quarantine.c */
int cmd_quarantine (const Config *config, const char *config_path, int argc, char **argv);
/* cmd-circular.c */
int cmd_circular (const Config *config, const char *config_path, int argc, char **argv);
/* cmd-outbox.c */
int cmd_outbox (const Config *config, const char *config_path, int argc, char **argv);
/* cmd-distribute.c */
int cmd_distribute (const Config *config, const char *config_path, int argc, char **argv);
/* cmd-meeting.c */
int cmd_meeting (const Config *config, const char *config_path, int argc, char **argv);
/* Invites the audience of meeting or visit ref not invited yet and prints
 * how many (`meeting invite`, `visit invite`); command names the command
 * in messages. */
int cmd_invite (const char *command, const Context *ctx, const char *ref);
/* cmd-visit.c */
int cmd_visit (const Config *config, const char *config_path, int argc, char **argv);
/* cmd-search.c */
int cmd_search (const Config *config, const char *config_path, int argc, char **argv);
/* cmd-stats.c */
int cmd_stats (const Config *config, const char *config_path, int argc, char **argv);
/* cmd-digest.c */
int cmd_digest (const Config *config, const char *config_path, int argc, char **argv);
/* cmd-publish.c */
int cmd_publish (const Config *config, const char *config_path, int argc, char **argv);
/* After a command: the public site written again when a public register
 * changed and [publish] dir is set (command.c). */
void command_publish_changed (const Config *config);
