/* The library of the command line: what every command of ctcgw(8) shares
 * (its options, usage errors, exit statuses, the database, and printing rows
 * as tables, JSON and CSV). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <sqlite3.h>

#include "gateway/base/text.h"
#include "gateway/cli/command.h"
#include "gateway/store/db.h"
#include "gateway/flows/publish.h"
#include "parsers/csv.h"
#include "parsers/form.h"

/* Reports a usage error the same way for every command. */
int
command_usage_error (const char *command, const char *fmt, ...)
{
  va_list args;
  va_start (args, fmt);
  g_autofree char *message = g_strdup_vprintf (fmt, args);
  va_end (args);
  g_printerr ("ctcgw %s: %s\nctcgw: `ctcgw %s --help` describes its arguments\n",
              command, message, command);
  return EX_USAGE;
}

/* GOptionContext for a command: --help prints its help and exits 0. */
gboolean
command_parse_options (const char *command, const char *synopsis,
                       const char *summary, GOptionEntry *entries,
                       int *argc, char ***argv)
{
  g_autofree char *parameters = g_strchomp (g_strdup_printf ("%s %s", command, synopsis));
  g_autoptr (GOptionContext) context = g_option_context_new (parameters);
  g_autoptr (GError) error = NULL;

  g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      command_usage_error (command, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

/* The exit status for a failure of the database or of intake. */
int
command_error_status (const GError *error)
{
  if (g_error_matches (error, DB_ERROR, DB_ERROR_SCHEMA)
      || g_error_matches (error, DB_ERROR, DB_ERROR_OPEN))
    return EX_CONFIG;
  return EX_TEMPFAIL;
}

/* Opens the configured database for a staff command. */
sqlite3 *
command_open_db (const Config *config, int *status)
{
  g_autoptr (GError) error = NULL;
  sqlite3 *db = db_open (config->database, FALSE, &error);

  if (db == NULL)
    {
      g_printerr ("ctcgw: %s\n", error->message);
      *status = command_error_status (error);
    }
  return db;
}

/* See commands.h.  A database that is not there yet (before init) or a
 * site that cannot be written leaves the command's own status alone: the
 * next command or pass tries again, as the mark stays. */
void
command_publish_changed (const Config *config)
{
  if (config->publish_dir == NULL || !g_file_test (config->database, G_FILE_TEST_EXISTS))
    return;
  g_autoptr (GError) error = NULL;
  sqlite3 *db = db_open (config->database, FALSE, &error);
  Context ctx = { db, config, NULL };
  gboolean written = FALSE;
  if (db == NULL || !publish_if_changed (&ctx, &written, &error))
    g_printerr ("ctcgw: the public site was not written: %s\n", error->message);
  else if (written)
    g_printerr ("ctcgw: the public site was written again to %s/%s\n", config->publish_dir,
                PUBLISH_LINK);
  if (db != NULL)
    db_close (db);
}

/* Characters that would let a value rewrite the screen or reorder the text
 * around it: C0/C1 controls, line separators, bidirectional overrides. */
static gboolean
unprintable (gunichar c)
{
  return g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029
         || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

/* Text from the registers (written by outsiders) made safe for a terminal:
 * valid UTF-8, no control characters (newlines kept when asked). */
char *
command_printable (const char *text, gboolean keep_newlines)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  GString *out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c == '\n' && keep_newlines)
        g_string_append_c (out, '\n');
      else if (c == '\t' || c == '\n' || c == '\r')
        g_string_append_c (out, ' ');
      else if (unprintable (c))
        g_string_append_c (out, '?');
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* The text of column i of the current row, printable on one line. */
char *
command_column_printable (sqlite3_stmt *stmt, int i)
{
  if (sqlite3_column_type (stmt, i) == SQLITE_BLOB)
    return g_strdup_printf ("(%d bytes)", sqlite3_column_bytes (stmt, i));
  return command_printable ((const char *) sqlite3_column_text (stmt, i), FALSE);
}

/* ---- aligned tables ---------------------------------------------------- */

/* Appends s cut to width columns ("…" marks a cut), padded when pad. */
static void
append_cell (GString *out, const char *s, guint width, gboolean pad)
{
  guint used = 0;
  gboolean cut = text_width (s) > width;
  guint room = cut && width > 0 ? width - 1 : width;

  for (; *s != '\0'; s = g_utf8_next_char (s))
    {
      gunichar c = g_utf8_get_char (s);
      if (used + text_char_width (c) > room)
        break;
      g_string_append_unichar (out, c);
      used += text_char_width (c);
    }
  if (cut && width > 0)
    {
      g_string_append (out, "…");
      used++;
    }
  for (; pad && used < width; used++)
    g_string_append_c (out, ' ');
}

/* The width of the terminal on stdout, or 0 when it is no terminal. */
static guint
terminal_width (void)
{
  struct winsize ws;
  if (isatty (STDOUT_FILENO) && ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
    return ws.ws_col;
  return 0;
}

/* The widest of columns 1 to n - 1 that can be narrowed, among those
 * kept whole when whole, or n when there is none. */
static guint
widest_column (const guint *widths, const gboolean *whole, guint n, gboolean among_whole)
{
  const guint narrowest = 6;
  guint widest = n;
  for (guint i = 1; i < n; i++)
    if (widths[i] > narrowest && whole[i] == among_whole
        && (widest == n || widths[i] > widths[widest]))
      widest = i;
  return widest;
}

/* Narrows the widest columns until the table fits max columns (0: as is);
 * the first column (the reference or code) is never cut, and columns of
 * addresses (whole) only when cutting the others is not enough. */
static void
fit_widths (guint *widths, const gboolean *whole, guint n, guint max)
{
  const guint gap = 2;
  for (;;)
    {
      guint total = (n - 1) * gap;
      for (guint i = 0; i < n; i++)
        total += widths[i];
      if (max == 0 || n < 2 || total <= max)
        return;
      guint widest = widest_column (widths, whole, n, FALSE);
      if (widest == n)
        widest = widest_column (widths, whole, n, TRUE);
      if (widest == n)
        return;
      widths[widest]--;
    }
}

/* Whether column i holds addresses: every cell under the header that is
 * not empty has an '@' and no space. */
static gboolean
address_column (GPtrArray *rows, guint i)
{
  gboolean any = FALSE;
  for (guint r = 1; r < rows->len; r++)
    {
      const char *s = ((char **) rows->pdata[r])[i];
      if (*s != '\0' && (strchr (s, '@') == NULL || strchr (s, ' ') != NULL))
        return FALSE;
      any |= *s != '\0';
    }
  return any;
}

/* Appends one row of the table. */
static void
append_row (GString *out, char **cells, const guint *widths, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      append_cell (out, cells[i], widths[i], TRUE);
      g_string_append (out, "  ");
    }
  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  g_string_append_c (out, '\n');
}

/* A column's header: a name written as a header ("Reference", "Offer
 * title") as it is, a name in lower case ("reference") in capitals. */
static char *
column_header (const char *name)
{
  for (const char *c = name; *c != '\0'; c++)
    if (g_ascii_isupper (*c))
      return g_strdup (name);
  return g_ascii_strup (name, -1);
}

/* Reads every row of stmt as printable cells; the first row is the header. */
static GPtrArray *
read_cells (sqlite3 *db, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  int n = sqlite3_column_count (stmt), rc;
  char **header = g_new0 (char *, n + 1);

  for (int i = 0; i < n; i++)
    header[i] = column_header (sqlite3_column_name (stmt, i));
  g_ptr_array_add (rows, header);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      char **cells = g_new0 (char *, n + 1);
      for (int i = 0; i < n; i++)
        cells[i] = command_column_printable (stmt, i);
      g_ptr_array_add (rows, cells);
    }
  if (rc != SQLITE_DONE)
    {
      db_set_error (db, error, "reading the register");
      return NULL;
    }
  return g_steal_pointer (&rows);
}

/* Prints the rows of stmt as a table aligned to fit the terminal, under
 * "title:" when title is given (and then only when there is a row). */
gboolean
command_print_section (sqlite3 *db, sqlite3_stmt *stmt, const char *title, GError **error)
{
  g_autoptr (GPtrArray) rows = read_cells (db, stmt, error);
  guint n = sqlite3_column_count (stmt);
  g_autoptr (GString) out = g_string_new (NULL);

  if (rows == NULL)
    return FALSE;
  if (n == 0 || (title != NULL && rows->len < 2))
    return TRUE;
  command_format_cells (out, rows, n);
  if (title != NULL)
    printf ("\n%s:\n", title);
  fputs (out->str, stdout);
  return TRUE;
}

/* See command.h. */
void
command_format_cells (GString *out, GPtrArray *rows, guint n)
{
  g_autofree guint *widths = g_new0 (guint, n + 1);
  g_autofree gboolean *whole = g_new0 (gboolean, n + 1);

  for (guint r = 0; r < rows->len; r++)
    for (guint i = 0; i < n; i++)
      widths[i] = MAX (widths[i], text_width (((char **) rows->pdata[r])[i]));
  for (guint i = 0; i < n; i++)
    whole[i] = address_column (rows, i);
  fit_widths (widths, whole, n, terminal_width ());
  for (guint r = 0; r < rows->len; r++)
    append_row (out, rows->pdata[r], widths, n);
}

/* The table of every row of stmt, with its header (for `list`). */
gboolean
command_print_table (sqlite3 *db, sqlite3_stmt *stmt, GError **error)
{
  return command_print_section (db, stmt, NULL, error);
}

/* Prints the current row of stmt as "name: value" lines. */
void
command_print_row (sqlite3_stmt *stmt)
{
  int n = sqlite3_column_count (stmt);
  guint key_width = 0;

  for (int i = 0; i < n; i++)
    key_width = MAX (key_width, strlen (sqlite3_column_name (stmt, i)));
  for (int i = 0; i < n; i++)
    {
      g_autofree char *value = sqlite3_column_type (stmt, i) == SQLITE_BLOB
        ? command_column_printable (stmt, i)
        : command_printable ((const char *) sqlite3_column_text (stmt, i), TRUE);
      g_auto (GStrv) lines = g_strsplit (value, "\n", -1);
      printf ("%-*s  %s\n", (int) key_width + 1, sqlite3_column_name (stmt, i),
              lines[0] != NULL ? lines[0] : "");
      for (guint l = 1; lines[0] != NULL && lines[l] != NULL; l++)
        printf ("%-*s  %s\n", (int) key_width + 1, "", lines[l]);
    }
}

/* Prints a failure of the database and gives its status. */
int
command_failed (const char *command, const GError *error)
{
  g_printerr ("ctcgw %s: %s\n", command, error->message);
  return command_error_status (error);
}

/* See command.h. */
int
command_refused (const char *command, const GError *error)
{
  g_autofree char *message = command_printable (error->message, FALSE);
  g_printerr ("ctcgw %s: %s\n", command, message);
  if (error->domain == DB_ERROR)
    return command_error_status (error);
  return EX_DATAERR;
}

/* Prints that word is none of candidates, with the closest one. */
int
command_unknown_word (const char *command, const char *what, const char *word,
              const char *const *candidates)
{
  const char *suggestion = form_suggest (word, candidates);
  g_autofree char *list = g_strjoinv (", ", (char **) candidates);

  if (suggestion != NULL)
    return command_usage_error (command, "unknown %s \"%s\"; did you mean \"%s\"?\n%ss: %s",
                                what, word, suggestion, what, list);
  return command_usage_error (command, "unknown %s \"%s\"\n%ss: %s", what, word, what, list);
}

/* ---- JSON and CSV --------------------------------------------------------- */

/* Columns that hold JSON (lists): --json embeds them as JSON, not strings. */
static const char *const json_columns[] = {
  "areas", "providers", "beneficiaries", "contacts", "languages", "recipients",
  "organizations", "members", "changed", "problems", NULL
};

/* Quotes values as JSON with SQLite's JSON functions; a JSON column (?2)
 * that holds a JSON array is embedded as the array. */
#define JSON_QUOTE_SQL \
  "SELECT CASE WHEN ?2 AND json_valid(?1) THEN" \
  " CASE WHEN json_type(?1) = 'array' THEN json(?1) ELSE json_quote(?1) END" \
  " ELSE json_quote(?1) END"

/* Steps quote, bound by the caller, and appends the JSON text it made. */
static gboolean
json_append_quoted (sqlite3 *db, sqlite3_stmt *quote, GString *out, GError **error)
{
  if (sqlite3_step (quote) != SQLITE_ROW)
    {
      db_set_error (db, error, "writing JSON");
      return FALSE;
    }
  g_string_append (out, (const char *) sqlite3_column_text (quote, 0));
  return TRUE;
}

/* Appends one value as JSON. */
static gboolean
json_append_value (sqlite3 *db, sqlite3_stmt *quote, GString *out,
                   sqlite3_value *value, gboolean embed, GError **error)
{
  sqlite3_reset (quote);
  sqlite3_bind_value (quote, 1, value);
  sqlite3_bind_int (quote, 2, embed);
  return json_append_quoted (db, quote, out, error);
}

/* Appends a column name as a JSON string. */
static gboolean
json_append_name (sqlite3 *db, sqlite3_stmt *quote, GString *out,
                  const char *name, GError **error)
{
  sqlite3_reset (quote);
  sqlite3_bind_text (quote, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (quote, 2, 0);
  return json_append_quoted (db, quote, out, error);
}

/* Raw bytes never leave the database through a listing or an export. */
static gboolean
column_is_blob (sqlite3_stmt *stmt, int i)
{
  const char *type = sqlite3_column_decltype (stmt, i);
  return (type != NULL && g_ascii_strcasecmp (type, "BLOB") == 0)
         || sqlite3_column_type (stmt, i) == SQLITE_BLOB;
}

/* Appends the current row of row as one JSON object. */
static gboolean
json_append_row (sqlite3 *db, sqlite3_stmt *quote, GString *out,
                 sqlite3_stmt *row, GError **error)
{
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  for (int i = 0; i < sqlite3_column_count (row); i++)
    {
      const char *name = sqlite3_column_name (row, i);
      if (column_is_blob (row, i))
        continue;
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      if (!json_append_name (db, quote, out, name, error))
        return FALSE;
      g_string_append_c (out, ':');
      if (!json_append_value (db, quote, out, sqlite3_column_value (row, i),
                              g_strv_contains (json_columns, name), error))
        return FALSE;
    }
  g_string_append_c (out, '}');
  return TRUE;
}

/* Appends every row of rows as a JSON array of objects. */
gboolean
command_json_append_rows (sqlite3 *db, GString *out, sqlite3_stmt *rows, GError **error)
{
  g_autoptr (sqlite3_stmt) quote = db_prepare (db, JSON_QUOTE_SQL, error);
  int rc, n = 0;

  if (quote == NULL)
    return FALSE;
  g_string_append_c (out, '[');
  while ((rc = sqlite3_step (rows)) == SQLITE_ROW)
    {
      g_string_append (out, n++ > 0 ? ",\n" : "\n");
      if (!json_append_row (db, quote, out, rows, error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      db_set_error (db, error, "reading the register");
      return FALSE;
    }
  g_string_append (out, n > 0 ? "\n]" : "]");
  return TRUE;
}

/* Appends the header or the current row of stmt as one CSV line. */
static void
csv_append_line (GString *out, sqlite3_stmt *stmt, gboolean header)
{
  gboolean first = TRUE;
  for (int i = 0; i < sqlite3_column_count (stmt); i++)
    {
      if (column_is_blob (stmt, i))
        continue;
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      csv_append_cell (out, header ? sqlite3_column_name (stmt, i)
                                   : (const char *) sqlite3_column_text (stmt, i));
    }
  g_string_append (out, "\r\n");
}

/* Appends every row of rows as CSV with a header row. */
gboolean
command_csv_append_rows (sqlite3 *db, GString *out, sqlite3_stmt *rows, GError **error)
{
  int rc;
  gboolean header = TRUE;

  while ((rc = sqlite3_step (rows)) == SQLITE_ROW)
    {
      if (header)
        csv_append_line (out, rows, TRUE);
      header = FALSE;
      csv_append_line (out, rows, FALSE);
    }
  if (rc != SQLITE_DONE)
    {
      db_set_error (db, error, "reading the register");
      return FALSE;
    }
  if (header)
    csv_append_line (out, rows, TRUE);
  return TRUE;
}

/* `show --json` writes the record itself as one object. */
gboolean
command_json_append_row (sqlite3 *db, GString *out, sqlite3_stmt *row, GError **error)
{
  g_autoptr (sqlite3_stmt) quote = db_prepare (db, JSON_QUOTE_SQL, error);

  return quote != NULL && json_append_row (db, quote, out, row, error);
}

/* Writes data to path (a temporary file, fsync, rename) or to stdout. */
int
command_write_output (const char *command, const char *path, const GString *data)
{
  g_autoptr (GError) error = NULL;

  if (path == NULL)
    {
      if (fwrite (data->str, 1, data->len, stdout) != data->len || fflush (stdout) != 0)
        {
          g_printerr ("ctcgw %s: cannot write the output: %s\n", command, g_strerror (errno));
          return EX_IOERR;
        }
      return EX_OK;
    }
  if (!g_file_set_contents_full (path, data->str, data->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0640, &error))
    {
      g_printerr ("ctcgw %s: %s\n", command, error->message);
      return EX_CANTCREAT;
    }
  return EX_OK;
}

/* ---- commands made of subcommands ----------------------------------------- */

/* The subcommand named name, or NULL. */
static const Subcommand *
subcommand_find (const SubcommandTable *table, const char *name)
{
  for (gsize i = 0; i < table->n_subcommands; i++)
    if (strcmp (table->subcommands[i].name, name) == 0)
      return &table->subcommands[i];
  return NULL;
}

/* "say create, list, send REF or schedule REF": what a subcommand can be. */
static char *
subcommands_said (const SubcommandTable *table)
{
  GString *s = g_string_new ("say ");
  for (gsize i = 0; i < table->n_subcommands; i++)
    {
      const Subcommand *sub = &table->subcommands[i];
      if (i > 0)
        g_string_append (s, i + 1 < table->n_subcommands ? ", " : " or ");
      g_string_append (s, sub->name);
      if (sub->operand != NULL)
        g_string_append_printf (s, " %s", sub->operand);
    }
  return g_string_free (s, FALSE);
}

/* The usage error of the options for sub, or NULL when they go with it. */
static char *
subcommand_options_error (const SubcommandTable *table, const Config *config,
                          const Subcommand *sub, gconstpointer options)
{
  const char *stray = table->stray_option != NULL ? table->stray_option (sub->name, options)
                                                  : NULL;
  if (stray != NULL)
    return g_strdup_printf ("%s does not go with %s", stray, sub->name);
  if (table->options_problem != NULL)
    return table->options_problem (config, sub->name, options);
  return NULL;
}

/* The subcommand the words and options of the command line name, or NULL
 * after a usage error. */
static const Subcommand *
subcommand_check (const SubcommandTable *table, const Config *config,
                  gconstpointer options, int argc, char **argv)
{
  const Subcommand *sub = argc >= 2 ? subcommand_find (table, argv[1]) : NULL;
  g_autofree char *problem = NULL;

  if (sub == NULL)
    {
      g_autofree char *said = subcommands_said (table);
      command_usage_error (table->command, "%s", said);
    }
  else if (argc != (sub->operand != NULL ? 3 : 2) && sub->operand != NULL)
    command_usage_error (table->command, "%s takes one %s", sub->name, sub->operand);
  else if (argc != (sub->operand != NULL ? 3 : 2))
    command_usage_error (table->command, "%s takes no argument", sub->name);
  else if ((problem = subcommand_options_error (table, config, sub, options)) != NULL)
    command_usage_error (table->command, "%s", problem);
  else
    return sub;
  return NULL;
}

/* One dispatch for every command made of subcommands, so that they parse,
 * check and report usage errors alike (ctcgw(8)). */
int
command_dispatch (const SubcommandTable *table, const Config *config,
                  GOptionEntry *entries, gconstpointer options, int argc, char **argv)
{
  int status = EX_OK;

  if (!command_parse_options (table->command, table->synopsis, table->summary,
                              entries, &argc, &argv))
    return EX_USAGE;
  const Subcommand *sub = subcommand_check (table, config, options, argc, argv);
  if (sub == NULL)
    return EX_USAGE;
  sqlite3 *db = command_open_db (config, &status);
  if (db == NULL)
    return status;
  status = sub->run (db, config, sub->operand != NULL ? argv[2] : NULL, options);
  db_close (db);
  return status;
}

