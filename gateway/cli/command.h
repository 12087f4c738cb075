/* The library of the command line: what every command of ctcgw(8) shares.
 * Messages go to stderr as "ctcgw COMMAND: ..."; statuses are sysexits.h's
 * (EX_USAGE for a usage error, 78 configuration, 75 try again). */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include <sysexits.h>
#include "gateway/base/config.h"

/* Parses a command's own options with GOptionContext; on a usage error
 * prints it with the command's --help hint and returns FALSE (the command
 * then returns EX_USAGE).  --help prints the help and exits with status 0. */
gboolean command_parse_options (const char *command, const char *synopsis,
                                const char *summary, GOptionEntry *entries,
                                int *argc, char ***argv);

/* Opens the configured database (not creating it); on failure prints what to
 * do and returns NULL with *status set (78 configuration, 75 busy). */
sqlite3 *command_open_db (const Config *config, int *status);

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
gboolean command_print_table (sqlite3 *db, sqlite3_stmt *stmt, GError **error);

/* Appends rows (each n printable cells, the header first) to out aligned in
 * display columns (text_width) and narrowed to fit the terminal; addresses
 * are cut last. */
void command_format_cells (GString *out, GPtrArray *rows, guint n);

/* Prints the current row of stmt as "column  value" lines. */
void command_print_row (sqlite3_stmt *stmt);

/* The text of column i of the current row on one line, for a terminal (a
 * BLOB shows as its size). */
char *command_column_printable (sqlite3_stmt *stmt, int i);

/* Like command_print_table, under "\ntitle:" when title is not NULL (and
 * then nothing at all when stmt has no row). */
gboolean command_print_section (sqlite3 *db, sqlite3_stmt *stmt, const char *title,
                                GError **error);

/* Prints "ctcgw COMMAND: message" of a failure of the database or of intake;
 * returns command_error_status (error). */
int command_failed (const char *command, const GError *error);

/* The same for a staff command whose input was refused: the message made
 * printable; a database failure gives its status, anything else
 * EX_DATAERR. */
int command_refused (const char *command, const GError *error);

/* A usage error: word is no "what" (a register, a state, a format) of
 * candidates (NULL-terminated); names the closest one and lists them all.
 * Returns EX_USAGE. */
int command_unknown_word (const char *command, const char *what, const char *word,
                          const char *const *candidates);

/* Appends every row of rows as a JSON array of objects (a BLOB column is left
 * out; a column that holds a JSON list is embedded as the list). */
gboolean command_json_append_rows (sqlite3 *db, GString *out, sqlite3_stmt *rows,
                                   GError **error);

/* Appends the current row of row as one JSON object, as above. */
gboolean command_json_append_row (sqlite3 *db, GString *out, sqlite3_stmt *row,
                                  GError **error);

/* Appends every row of rows as RFC 4180 CSV under a header row of the column
 * names (the header alone when there is no row; BLOB columns left out). */
gboolean command_csv_append_rows (sqlite3 *db, GString *out, sqlite3_stmt *rows,
                                  GError **error);

/* Writes data to path (a temporary file, fsynced, renamed over it) or, when
 * path is NULL, to stdout.  Returns EX_OK, EX_IOERR or EX_CANTCREAT after
 * printing why. */
int command_write_output (const char *command, const char *path, const GString *data);

/* ---- commands made of subcommands (`ctcgw circular create|list|...`) ---- */

/* One subcommand: the word after the command that picks it, the one operand
 * it takes, and what runs it on the open database with the parsed options. */
typedef struct {
  const char *name;      /* "send" */
  const char *operand;   /* what its one argument is ("REF", "ID"), or NULL: none */
  int (*run) (sqlite3 *db, const Config *config, const char *operand, gconstpointer options);
} Subcommand;

/* A command made of subcommands: its --help texts, its subcommands and the
 * checks of its options (either check may be NULL). */
typedef struct {
  const char *command;   /* "circular" */
  const char *synopsis;  /* --help: the arguments */
  const char *summary;   /* --help: what it does */
  const Subcommand *subcommands;
  gsize n_subcommands;
  /* The first option given that the subcommand name does not take, or NULL:
   * the usage error "OPTION does not go with NAME". */
  const char *(*stray_option) (const char *name, gconstpointer options);
  /* Any other usage error of the options for the subcommand name (newly
   * allocated), or NULL. */
  char *(*options_problem) (const Config *config, const char *name, gconstpointer options);
} SubcommandTable;

/* Runs `ctcgw COMMAND SUBCOMMAND [OPERAND]`: parses argv into entries (whose
 * targets are in options) with command_parse_options, picks the subcommand,
 * checks its operand and options, opens the database and runs it.  A usage
 * error says "say a, b OPERAND or c", "NAME takes one OPERAND", "NAME takes
 * no argument" or the checks' words, and returns EX_USAGE; otherwise the
 * status of command_open_db or of the subcommand. */
int command_dispatch (const SubcommandTable *table, const Config *config,
                      GOptionEntry *entries, gconstpointer options, int argc, char **argv);
