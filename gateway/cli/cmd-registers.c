/* The register commands: list, show, import, export; and the helpers every
 * command shares (option parsing, opening the database, printing rows). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <sqlite3.h>

#include "gateway/cli/commands.h"
#include "gateway/store/db.h"
#include "gateway/store/directory.h"
#include "gateway/store/match.h"
#include "gateway/flows/distribute.h"
#include "gateway/flows/intake.h"
#include "gateway/flows/meeting.h"
#include "parsers/form.h"

/* One register as `list` and `export` read it.  Every SQL text is fixed;
 * where a register has states, ?1 is the --state filter (NULL: all). */
typedef struct {
  const char *name;
  const char *list_sql;          /* the key columns, for the text table */
  const char *rows_sql;          /* every column but raw bytes */
  const char *const *states;     /* the values of its state column, or NULL */
  const char *no_export;         /* why it cannot be exported, or NULL */
} RegisterQuery;

static const char *const record_states[] = { "active", "withdrawn", NULL };
static const char *const quarantine_states[] = { "waiting", "approved", "rejected", NULL };
static const char *const outbox_states[] = { "queued", "sent", "deferred", "failed", NULL };
static const char *const counter_states[] = { "open", "accepted", "declined", NULL };

/* A JSON list column shown as its items separated by spaces. */
#define JOINED(col) \
  "(SELECT group_concat(value, ' ') FROM json_each(CASE WHEN json_valid(" col ") " \
  "THEN " col " ELSE json_array(" col ") END)) AS " col
/* A time (ISO 8601 text) shown to the day or to the minute. */
#define DAY(col, name) "substr(" col ", 1, 10) AS " name
#define MINUTE(col, name) "replace(substr(" col ", 1, 16), 'T', ' ') AS " name
#define BY_STATE " WHERE ?1 IS NULL OR state = ?1 ORDER BY id"
#define ALL_BY_STATE(table) "SELECT * FROM " table BY_STATE

static const RegisterQuery registers[] = {
  { "entities",
    "SELECT code, kind, name FROM entities ORDER BY id",
    "SELECT * FROM entities ORDER BY id", NULL, NULL },
  { "groups",
    "SELECT g.name, (SELECT group_concat(m.entity, ' ') FROM group_members m"
    " WHERE m.group_id = g.id) AS members, g.description FROM \"groups\" g ORDER BY g.id",
    "SELECT g.*, (SELECT json_group_array(m.entity) FROM group_members m"
    " WHERE m.group_id = g.id) AS members FROM \"groups\" g ORDER BY g.id", NULL, NULL },
  { "contacts",
    "SELECT reference, state, entity, name, email, role, status FROM contacts" BY_STATE,
    ALL_BY_STATE ("contacts"), record_states, NULL },
  { "offers",
    "SELECT reference, state, " JOINED ("providers") ", status, start_date AS start,"
    " title FROM offers" BY_STATE,
    ALL_BY_STATE ("offers"), record_states, NULL },
  { "requests",
    "SELECT reference, state, state_code AS entity, priority, " DAY ("created", "created")
    ", " JOINED ("areas") " FROM requests" BY_STATE,
    ALL_BY_STATE ("requests"), record_states, NULL },
  { "results",
    "SELECT reference, state, target, reporter, " DAY ("created", "created")
    " FROM results" BY_STATE,
    ALL_BY_STATE ("results"), record_states, NULL },
  { "sources",
    "SELECT reference, state, provider, kind, title FROM sources" BY_STATE,
    ALL_BY_STATE ("sources"), record_states, NULL },
  { "standards",
    "SELECT reference, state, issuer, year, title FROM standards" BY_STATE,
    ALL_BY_STATE ("standards"), record_states, NULL },
  { "inventory",
    "SELECT reference, state, entity, year, kind, title FROM inventory" BY_STATE,
    ALL_BY_STATE ("inventory"), record_states, NULL },
  { "visits",
    "SELECT reference, state, state_code AS entity, start_date AS start,"
    " end_date AS \"end\", status, " JOINED ("organizations") " FROM visits" BY_STATE,
    ALL_BY_STATE ("visits"), record_states, NULL },
  { "assessments",
    "SELECT v.reference AS visit, " DAY ("a.created", "created") " FROM assessments a"
    " LEFT JOIN visits v ON v.id = a.visit_id ORDER BY a.id",
    "SELECT a.id, v.reference AS visit, a.created FROM assessments a"
    " LEFT JOIN visits v ON v.id = a.visit_id ORDER BY a.id", NULL,
    "needs assessments are confidential (docs/submissions.md section 6)" },
  { "meetings",
    "SELECT reference, state, start, \"end\", status, title FROM meetings" BY_STATE,
    ALL_BY_STATE ("meetings"), record_states, NULL },
  { "attendance",
    "SELECT m.reference AS meeting, a.entity, a.email, a.partstat, "
    DAY ("a.updated", "updated") " FROM attendance a"
    " LEFT JOIN meetings m ON m.id = a.meeting_id ORDER BY a.id",
    "SELECT a.*, m.reference AS meeting FROM attendance a"
    " LEFT JOIN meetings m ON m.id = a.meeting_id ORDER BY a.id", NULL, NULL },
  { "calendar-replies",
    "SELECT r.id, " MINUTE ("r.received", "received") ", m.reference AS meeting,"
    " s.from_addr AS \"from\", r.method, r.partstat, r.result FROM calendar_replies r"
    " LEFT JOIN meetings m ON m.id = r.meeting_id"
    " LEFT JOIN submissions s ON s.id = r.submission_id ORDER BY r.id",
    "SELECT r.*, m.reference AS meeting, s.from_addr FROM calendar_replies r"
    " LEFT JOIN meetings m ON m.id = r.meeting_id"
    " LEFT JOIN submissions s ON s.id = r.submission_id ORDER BY r.id", NULL, NULL },
  { "counter-proposals",
    "SELECT c.id, c.state, m.reference AS meeting, c.attendee, c.dtstart AS start,"
    " c.dtend AS \"end\", c.location FROM counter_proposals c"
    " LEFT JOIN meetings m ON m.id = c.meeting_id WHERE ?1 IS NULL OR c.state = ?1"
    " ORDER BY c.id",
    "SELECT c.*, m.reference AS meeting FROM counter_proposals c"
    " LEFT JOIN meetings m ON m.id = c.meeting_id WHERE ?1 IS NULL OR c.state = ?1"
    " ORDER BY c.id", counter_states, NULL },
  { "submissions",
    "SELECT reference, " MINUTE ("received", "received") ", from_addr AS \"from\","
    " class, outcome, subject FROM submissions ORDER BY id",
    "SELECT id, reference, message_id, sha256, mailbox, received, from_addr, sender_addr,"
    " subject, class, outcome, size, answer_outbox_id FROM submissions ORDER BY id",
    NULL, NULL },
  { "quarantine",
    "SELECT q.id, " MINUTE ("s.received", "received") ", q.state, s.from_addr AS \"from\","
    " s.subject, q.reason FROM quarantine q LEFT JOIN submissions s"
    " ON s.id = q.submission_id WHERE ?1 IS NULL OR q.state = ?1 ORDER BY q.id",
    "SELECT q.*, s.reference AS submission, s.received, s.from_addr, s.subject"
    " FROM quarantine q LEFT JOIN submissions s ON s.id = q.submission_id"
    " WHERE ?1 IS NULL OR q.state = ?1 ORDER BY q.id", quarantine_states, NULL },
  { "outbox",
    "SELECT id, state, kind, tries, " MINUTE ("created", "created") ", "
    MINUTE ("sent", "sent") ", recipient FROM outbox" BY_STATE,
    "SELECT id, state, kind, recipient, mail_from, message_id, submission_id, tries,"
    " next_attempt, last_error, created, sent FROM outbox" BY_STATE, outbox_states, NULL },
  { "circulars",
    "SELECT reference, state, template, audience, " DAY ("created", "created") ", "
    DAY ("sent", "sent") ", subject FROM circulars" BY_STATE,
    ALL_BY_STATE ("circulars"), record_states, NULL },
};

/* More about a record that `show` prints after it: ?1 is the record's id,
 * ?2 its reference. */
typedef struct {
  const char *title;
  const char *sql;
} Related;

/* The register of a reference's KIND, as `show` reads it. */
typedef struct {
  const char *kind;
  const char *record_sql;   /* every column but raw bytes; ?1 the reference */
  const char *history_sql;  /* NULL: the register keeps no history */
  Related related[3];
} ShowQuery;

#define HISTORY(table) \
  "SELECT h.changed, h.action, h.field, h.old_value, h.new_value, s.reference AS submission" \
  " FROM " table "_history h LEFT JOIN submissions s ON s.id = h.submission_id" \
  " WHERE h.record_id = ?1 ORDER BY h.id"
#define BY_REFERENCE(table) "SELECT * FROM " table " WHERE reference = ?1"
#define RESULTS_OF \
  { "results", "SELECT reference, state, reporter, created FROM results" \
               " WHERE target = ?2 ORDER BY id" }

static const ShowQuery show_queries[] = {
  { "SUB",
    "SELECT id, reference, message_id, sha256, mailbox, received, from_addr, sender_addr,"
    " subject, class, outcome, size, answer_outbox_id FROM submissions WHERE reference = ?1",
    NULL,
    { { "records", "SELECT register, reference, how, changed, problems"
                   " FROM submission_records WHERE submission_id = ?1 ORDER BY id" },
      { "quarantine", "SELECT id, state, reason, decided, decided_reason"
                      " FROM quarantine WHERE submission_id = ?1 ORDER BY id" },
      { "outbox", "SELECT id, state, kind, recipient, created, sent"
                  " FROM outbox WHERE submission_id = ?1 ORDER BY id" } } },
  { "CP", BY_REFERENCE ("contacts"), HISTORY ("contacts"), { { NULL } } },
  { "OFF", BY_REFERENCE ("offers"), HISTORY ("offers"), { RESULTS_OF } },
  { "REQ", BY_REFERENCE ("requests"), HISTORY ("requests"), { RESULTS_OF } },
  { "RES", BY_REFERENCE ("results"), HISTORY ("results"), { { NULL } } },
  { "SRC", BY_REFERENCE ("sources"), HISTORY ("sources"), { { NULL } } },
  { "STD", BY_REFERENCE ("standards"), HISTORY ("standards"), { { NULL } } },
  { "INV", BY_REFERENCE ("inventory"), HISTORY ("inventory"), { { NULL } } },
  { "VIS", BY_REFERENCE ("visits"), NULL,
    { { "information", "SELECT vi.entity, vi.created, s.reference AS submission"
                       " FROM visit_information vi LEFT JOIN submissions s"
                       " ON s.id = vi.submission_id WHERE vi.visit = ?2 ORDER BY vi.id" },
      { "consents", "SELECT consent, recipients, created FROM visit_consents"
                    " WHERE visit = ?2 ORDER BY id" },
      { "assessments", "SELECT id, created FROM assessments WHERE visit_id = ?1 ORDER BY id" } } },
  { "MTG", BY_REFERENCE ("meetings"), NULL,
    { { "attendance", "SELECT entity, email, partstat, sequence, updated FROM attendance"
                      " WHERE meeting_id = ?1 ORDER BY id" } } },
  { "CIR", BY_REFERENCE ("circulars"), NULL, { { NULL } } },
};

/* Columns that hold JSON (lists): --json embeds them as JSON, not strings. */
static const char *const json_columns[] = {
  "areas", "providers", "beneficiaries", "contacts", "languages", "recipients",
  "organizations", "members", "changed", "problems", NULL
};

/* ---- shared helpers ---------------------------------------------------- */

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
struct sqlite3 *
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
static char *
column_printable (sqlite3_stmt *stmt, int i)
{
  if (sqlite3_column_type (stmt, i) == SQLITE_BLOB)
    return g_strdup_printf ("(%d bytes)", sqlite3_column_bytes (stmt, i));
  return command_printable ((const char *) sqlite3_column_text (stmt, i), FALSE);
}

/* ---- aligned tables ---------------------------------------------------- */

/* Columns that a character takes on a terminal. */
static guint
char_width (gunichar c)
{
  if (g_unichar_iszerowidth (c))
    return 0;
  return g_unichar_iswide (c) ? 2 : 1;
}

/* Columns that s takes on a terminal. */
static guint
text_width (const char *s)
{
  guint width = 0;
  for (; *s != '\0'; s = g_utf8_next_char (s))
    width += char_width (g_utf8_get_char (s));
  return width;
}

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
      if (used + char_width (c) > room)
        break;
      g_string_append_unichar (out, c);
      used += char_width (c);
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

/* Narrows the widest columns until the table fits max columns (0: as is);
 * the first column (the reference or code) is never cut. */
static void
fit_widths (guint *widths, guint n, guint max)
{
  const guint gap = 2, narrowest = 6;
  for (;;)
    {
      guint total = widths[0] + (n - 1) * gap, widest = 1;
      for (guint i = 1; i < n; i++)
        {
          total += widths[i];
          if (widths[i] > widths[widest])
            widest = i;
        }
      if (max == 0 || n < 2 || total <= max || widths[widest] <= narrowest)
        return;
      widths[widest]--;
    }
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

/* Reads every row of stmt as printable cells; the first row is the header. */
static GPtrArray *
read_cells (sqlite3 *db, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  int n = sqlite3_column_count (stmt), rc;
  char **header = g_new0 (char *, n + 1);

  for (int i = 0; i < n; i++)
    header[i] = g_ascii_strup (sqlite3_column_name (stmt, i), -1);
  g_ptr_array_add (rows, header);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      char **cells = g_new0 (char *, n + 1);
      for (int i = 0; i < n; i++)
        cells[i] = column_printable (stmt, i);
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
static gboolean
print_table (sqlite3 *db, sqlite3_stmt *stmt, const char *title, GError **error)
{
  g_autoptr (GPtrArray) rows = read_cells (db, stmt, error);
  guint n = sqlite3_column_count (stmt);
  g_autofree guint *widths = g_new0 (guint, n + 1);
  g_autoptr (GString) out = g_string_new (NULL);

  if (rows == NULL)
    return FALSE;
  if (n == 0 || (title != NULL && rows->len < 2))
    return TRUE;
  for (guint r = 0; r < rows->len; r++)
    for (guint i = 0; i < n; i++)
      widths[i] = MAX (widths[i], text_width (((char **) rows->pdata[r])[i]));
  fit_widths (widths, n, terminal_width ());
  for (guint r = 0; r < rows->len; r++)
    append_row (out, rows->pdata[r], widths, n);
  if (title != NULL)
    printf ("\n%s:\n", title);
  fputs (out->str, stdout);
  return TRUE;
}

/* The table of every row of stmt, with its header (for `list`). */
gboolean
command_print_table (struct sqlite3 *db, struct sqlite3_stmt *stmt, GError **error)
{
  return print_table (db, stmt, NULL, error);
}

/* Prints the current row of stmt as "name: value" lines. */
void
command_print_row (struct sqlite3_stmt *stmt)
{
  int n = sqlite3_column_count (stmt);
  guint key_width = 0;

  for (int i = 0; i < n; i++)
    key_width = MAX (key_width, strlen (sqlite3_column_name (stmt, i)));
  for (int i = 0; i < n; i++)
    {
      g_autofree char *value = sqlite3_column_type (stmt, i) == SQLITE_BLOB
        ? column_printable (stmt, i)
        : command_printable ((const char *) sqlite3_column_text (stmt, i), TRUE);
      g_auto (GStrv) lines = g_strsplit (value, "\n", -1);
      printf ("%-*s  %s\n", (int) key_width + 1, sqlite3_column_name (stmt, i),
              lines[0] != NULL ? lines[0] : "");
      for (guint l = 1; lines[0] != NULL && lines[l] != NULL; l++)
        printf ("%-*s  %s\n", (int) key_width + 1, "", lines[l]);
    }
}

/* ---- JSON and CSV --------------------------------------------------------- */

/* Quotes values as JSON with SQLite's JSON functions; a JSON column (?2)
 * that holds a JSON array is embedded as the array. */
#define JSON_QUOTE_SQL \
  "SELECT CASE WHEN ?2 AND json_valid(?1) THEN" \
  " CASE WHEN json_type(?1) = 'array' THEN json(?1) ELSE json_quote(?1) END" \
  " ELSE json_quote(?1) END"

/* Appends one value as JSON. */
static gboolean
json_append_value (sqlite3 *db, sqlite3_stmt *quote, GString *out,
                   sqlite3_value *value, gboolean embed, GError **error)
{
  sqlite3_reset (quote);
  sqlite3_bind_value (quote, 1, value);
  sqlite3_bind_int (quote, 2, embed);
  if (sqlite3_step (quote) != SQLITE_ROW)
    {
      db_set_error (db, error, "writing JSON");
      return FALSE;
    }
  g_string_append (out, (const char *) sqlite3_column_text (quote, 0));
  return TRUE;
}

/* Appends a column name as a JSON string. */
static gboolean
json_append_name (sqlite3 *db, sqlite3_stmt *quote, GString *out,
                  const char *name, GError **error)
{
  sqlite3_reset (quote);
  sqlite3_bind_text (quote, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (quote, 2, 0);
  if (sqlite3_step (quote) != SQLITE_ROW)
    {
      db_set_error (db, error, "writing JSON");
      return FALSE;
    }
  g_string_append (out, (const char *) sqlite3_column_text (quote, 0));
  return TRUE;
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
static gboolean
json_append_rows (sqlite3 *db, GString *out, sqlite3_stmt *rows, GError **error)
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

/* Appends one CSV field, quoted as RFC 4180 says when it must be. */
static void
csv_append_field (GString *out, const char *s)
{
  if (s == NULL)
    return;
  if (strpbrk (s, ",\"\r\n") == NULL && *s != ' ' && (*s == '\0' || s[strlen (s) - 1] != ' '))
    {
      g_string_append (out, s);
      return;
    }
  g_string_append_c (out, '"');
  for (; *s != '\0'; s++)
    {
      if (*s == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *s);
    }
  g_string_append_c (out, '"');
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
      csv_append_field (out, header ? sqlite3_column_name (stmt, i)
                                    : (const char *) sqlite3_column_text (stmt, i));
    }
  g_string_append (out, "\r\n");
}

/* Appends every row of rows as CSV with a header row. */
static gboolean
csv_append_rows (sqlite3 *db, GString *out, sqlite3_stmt *rows, GError **error)
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

/* Writes data to path (a temporary file, fsync, rename) or to stdout. */
static int
write_output (const char *command, const char *path, const GString *data)
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

/* ---- registers ----------------------------------------------------------- */

/* The registers' names, comma separated, for messages. */
static char *
register_names (void)
{
  GString *s = g_string_new (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (registers); i++)
    g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", registers[i].name);
  return g_string_free (s, FALSE);
}

/* Prints that word is none of candidates, with the closest one. */
static int
unknown_word (const char *command, const char *what, const char *word,
              const char *const *candidates)
{
  const char *suggestion = form_suggest (word, candidates);
  g_autofree char *list = g_strjoinv (", ", (char **) candidates);

  if (suggestion != NULL)
    return command_usage_error (command, "unknown %s \"%s\"; did you mean \"%s\"?\n%ss: %s",
                                what, word, suggestion, what, list);
  return command_usage_error (command, "unknown %s \"%s\"\n%ss: %s", what, word, what, list);
}

/* The register named name, or NULL after a usage error. */
static const RegisterQuery *
register_find (const char *command, const char *name)
{
  const char *names[G_N_ELEMENTS (registers) + 1];

  for (gsize i = 0; i < G_N_ELEMENTS (registers); i++)
    {
      if (g_ascii_strcasecmp (registers[i].name, name) == 0)
        return &registers[i];
      names[i] = registers[i].name;
    }
  names[G_N_ELEMENTS (registers)] = NULL;
  unknown_word (command, "register", name, names);
  return NULL;
}

/* Checks --state against the register's states; FALSE after a usage error. */
static gboolean
state_check (const char *command, const RegisterQuery *reg, const char *state)
{
  if (state == NULL)
    return TRUE;
  if (reg->states == NULL)
    {
      command_usage_error (command, "the register %s has no state", reg->name);
      return FALSE;
    }
  if (g_strv_contains (reg->states, state))
    return TRUE;
  unknown_word (command, "state", state, reg->states);
  return FALSE;
}

/* Prepares one of the register's queries with its --state filter. */
static sqlite3_stmt *
register_prepare (sqlite3 *db, const RegisterQuery *reg, const char *sql,
                  const char *state, GError **error)
{
  sqlite3_stmt *stmt = db_prepare (db, sql, error);
  if (stmt != NULL && reg->states != NULL)
    sqlite3_bind_text (stmt, 1, state, -1, SQLITE_TRANSIENT);
  return stmt;
}

/* Reads every column of the register as JSON or CSV into out. */
static gboolean
register_dump (sqlite3 *db, const RegisterQuery *reg, const char *state,
               gboolean json, GString *out, GError **error)
{
  g_autoptr (sqlite3_stmt) rows = register_prepare (db, reg, reg->rows_sql, state, error);

  if (rows == NULL)
    return FALSE;
  if (!json)
    return csv_append_rows (db, out, rows, error);
  if (!json_append_rows (db, out, rows, error))
    return FALSE;
  g_string_append_c (out, '\n');
  return TRUE;
}

/* Prints a failure of the database and gives its status. */
static int
database_failed (const char *command, const GError *error)
{
  g_printerr ("ctcgw %s: %s\n", command, error->message);
  return command_error_status (error);
}

/* Lists the register as a table or as one JSON document. */
static int
list_register (sqlite3 *db, const RegisterQuery *reg, const char *state, gboolean json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) out = g_string_new (NULL);

  if (json)
    {
      if (!register_dump (db, reg, state, TRUE, out, &error))
        return database_failed ("list", error);
      return write_output ("list", NULL, out);
    }
  g_autoptr (sqlite3_stmt) stmt = register_prepare (db, reg, reg->list_sql, state, &error);
  if (stmt == NULL || !command_print_table (db, stmt, &error))
    return database_failed ("list", error);
  return EX_OK;
}

/* A string as JSON. */
static void
json_append_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s != NULL ? s : ""; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if ((guchar) *p < 0x20)
        g_string_append_printf (out, "\\u%04x", (guchar) *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* Space-separated words as a JSON array of strings. */
static void
json_append_words (GString *out, const char *words)
{
  g_auto (GStrv) items = g_strsplit (words != NULL ? words : "", " ", -1);
  g_string_append_c (out, '[');
  guint n = 0;
  for (char **it = items; *it != NULL; it++)
    if (**it != '\0')
      {
        g_string_append (out, n++ > 0 ? "," : "");
        json_append_string (out, *it);
      }
  g_string_append_c (out, ']');
}

/* The pairs as one JSON array; names[] names the first four fields. */
static void
pairs_json (GString *out, GPtrArray *pairs, const char *const names[4])
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < pairs->len; i++)
    {
      const MatchPair *p = pairs->pdata[i];
      const char *values[4] = { p->first, p->first_who, p->second, p->second_who };
      g_string_append (out, i > 0 ? ",{" : "{");
      for (int k = 0; k < 4; k++)
        {
          g_string_append_printf (out, "\"%s\":", names[k]);
          if (g_str_has_suffix (names[k], "providers"))
            json_append_words (out, values[k]);
          else
            json_append_string (out, values[k]);
          g_string_append_c (out, ',');
        }
      g_string_append (out, "\"areas\":");
      json_append_words (out, p->areas);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]\n");
}

/* The pairs as an aligned table under the names. */
static void
pairs_table (GString *out, GPtrArray *pairs, const char *const names[4])
{
  int widths[4];
  for (int k = 0; k < 4; k++)
    widths[k] = strlen (names[k]);
  for (guint i = 0; i < pairs->len; i++)
    {
      const MatchPair *p = pairs->pdata[i];
      const char *values[4] = { p->first, p->first_who, p->second, p->second_who };
      for (int k = 0; k < 4; k++)
        widths[k] = MAX (widths[k], (int) g_utf8_strlen (values[k] ? values[k] : "", -1));
    }
  g_string_append_printf (out, "%-*s  %-*s  %-*s  %-*s  areas\n", widths[0], names[0],
                          widths[1], names[1], widths[2], names[2], widths[3], names[3]);
  for (guint i = 0; i < pairs->len; i++)
    {
      const MatchPair *p = pairs->pdata[i];
      g_autofree char *first_who = command_printable (p->first_who, FALSE);
      g_autofree char *second_who = command_printable (p->second_who, FALSE);
      g_string_append_printf (out, "%-*s  %-*s  %-*s  %-*s  %s\n", widths[0], p->first,
                              widths[1], first_who, widths[2], p->second, widths[3],
                              second_who, p->areas);
    }
}

/* `list requests --candidates` and `list offers --overlaps`: the pairs of
 * match.c as of today, in the configured time zone. */
static int
list_pairs (sqlite3 *db, const Config *config, gboolean candidates, gboolean json)
{
  static const char *const candidate_names[4] = { "request", "state", "offer", "providers" };
  static const char *const overlap_names[4] = { "offer", "providers", "other_offer",
                                                "other_providers" };
  g_autoptr (GError) error = NULL;
  g_autoptr (GTimeZone) tz = config->timezone != NULL
      ? g_time_zone_new_identifier (config->timezone) : NULL;
  g_autoptr (GDateTime) now = tz != NULL ? g_date_time_new_now (tz) : g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autoptr (GPtrArray) pairs = candidates ? match_candidates (db, today, NULL, 0, &error)
                                           : match_overlaps (db, today, NULL, 0, &error);
  g_autoptr (GString) out = g_string_new (NULL);
  if (pairs == NULL)
    return database_failed ("list", error);
  if (json)
    pairs_json (out, pairs, candidates ? candidate_names : overlap_names);
  else
    pairs_table (out, pairs, candidates ? candidate_names : overlap_names);
  return write_output ("list", NULL, out);
}

/* `ctcgw list REGISTER [--json] [--state STATE]`, `list requests
 * --candidates`, `list offers --overlaps` */
int
cmd_list (const Config *config, int argc, char **argv)
{
  gboolean json = FALSE, candidates = FALSE, overlaps = FALSE;
  g_autofree char *state = NULL;
  g_autofree char *names = register_names ();
  g_autofree char *summary = g_strdup_printf ("List a register: its key columns as a table, or "
                                              "every column as JSON.\nRegisters: %s", names);
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "one JSON document with every column", NULL },
    { "state", 0, 0, G_OPTION_ARG_STRING, &state, "only the records in STATE", "STATE" },
    { "candidates", 0, 0, G_OPTION_ARG_NONE, &candidates, "requests: each open request"
      " with the offers that could meet it", NULL },
    { "overlaps", 0, 0, G_OPTION_ARG_NONE, &overlaps, "offers: the pairs of offers that"
      " overlap", NULL },
    { NULL }
  };
  int status = EX_OK;

  if (!command_parse_options ("list", "REGISTER", summary, entries, &argc, &argv))
    return EX_USAGE;
  if (argc != 2)
    return command_usage_error ("list", "name one register: %s", names);
  const RegisterQuery *reg = register_find ("list", argv[1]);
  if (reg == NULL || !state_check ("list", reg, state))
    return EX_USAGE;
  if (candidates && strcmp (reg->name, "requests") != 0)
    return command_usage_error ("list", "--candidates goes with the register requests");
  if (overlaps && strcmp (reg->name, "offers") != 0)
    return command_usage_error ("list", "--overlaps goes with the register offers");
  if ((candidates || overlaps) && state != NULL)
    return command_usage_error ("list", "--state does not go with --candidates or --overlaps");
  sqlite3 *db = command_open_db (config, &status);
  if (db == NULL)
    return status;
  status = candidates || overlaps ? list_pairs (db, config, candidates, json)
                                  : list_register (db, reg, state, json);
  db_close (db);
  return status;
}

/* ---- show ------------------------------------------------------------------ */

/* The register of reference (PREFIX-KIND-YEAR-SEQ), or NULL. */
static const ShowQuery *
show_query_find (const char *reference)
{
  g_auto (GStrv) parts = g_strsplit (reference, "-", -1);
  guint n = g_strv_length (parts);

  if (n < 4 || strlen (parts[n - 2]) != 4 || parts[n - 1][0] == '\0'
      || strspn (parts[n - 2], "0123456789") != 4
      || strspn (parts[n - 1], "0123456789") != strlen (parts[n - 1]))
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (show_queries); i++)
    if (strcmp (show_queries[i].kind, parts[n - 3]) == 0)
      return &show_queries[i];
  return NULL;
}

/* The index of the column named name in stmt, or -1. */
static int
column_index (sqlite3_stmt *stmt, const char *name)
{
  for (int i = 0; i < sqlite3_column_count (stmt); i++)
    if (strcmp (sqlite3_column_name (stmt, i), name) == 0)
      return i;
  return -1;
}

/* Prepares a query about the record: ?1 its id, ?2 its reference. */
static sqlite3_stmt *
record_prepare (sqlite3 *db, const char *sql, gint64 id, const char *reference,
                GError **error)
{
  sqlite3_stmt *stmt = db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    sqlite3_bind_text (stmt, 2, reference, -1, SQLITE_TRANSIENT);
  return stmt;
}

/* Prints the history rows: when, what changed, and from which submission. */
static gboolean
print_history (sqlite3 *db, sqlite3_stmt *stmt, GError **error)
{
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *when = column_printable (stmt, 0);
      g_autofree char *action = column_printable (stmt, 1);
      g_autofree char *field = column_printable (stmt, 2);
      g_autofree char *old_value = column_printable (stmt, 3);
      g_autofree char *new_value = column_printable (stmt, 4);
      g_autofree char *submission = column_printable (stmt, 5);
      printf ("  %s  %s", when, action);
      if (*field != '\0' && sqlite3_column_type (stmt, 3) == SQLITE_NULL)
        printf ("  %s: %s", field, new_value);
      else if (*field != '\0')
        printf ("  %s: %s -> %s", field, old_value, new_value);
      printf ("%s%s%s\n", *submission ? "  (" : "", submission, *submission ? ")" : "");
    }
  if (rc != SQLITE_DONE)
    {
      db_set_error (db, error, "reading the history");
      return FALSE;
    }
  return TRUE;
}

/* Prints one section about a record, or appends it as JSON to out. */
static gboolean
show_section (sqlite3 *db, const char *title, const char *sql, gint64 id,
              const char *reference, GString *out, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = record_prepare (db, sql, id, reference, error);

  if (stmt == NULL)
    return FALSE;
  if (out != NULL)
    {
      g_string_append_printf (out, ",\n\"%s\":", title);
      return json_append_rows (db, out, stmt, error);
    }
  if (strcmp (title, "history") != 0)
    return print_table (db, stmt, title, error);
  printf ("\nhistory:\n");
  return print_history (db, stmt, error);
}

/* Prints (or appends as JSON to out) the history and related sections. */
static gboolean
show_sections (sqlite3 *db, const ShowQuery *q, gint64 id, const char *reference,
               GString *out, GError **error)
{
  if (q->history_sql != NULL
      && !show_section (db, "history", q->history_sql, id, reference, out, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (q->related) && q->related[i].title != NULL; i++)
    if (!show_section (db, q->related[i].title, q->related[i].sql, id, reference, out, error))
      return FALSE;
  return TRUE;
}

/* Shows the record that stmt has just read, in text or as JSON. */
static int
show_record (sqlite3 *db, const ShowQuery *q, sqlite3_stmt *record,
             const char *reference, gboolean json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) out = json ? g_string_new ("{\"record\":") : NULL;
  g_autoptr (sqlite3_stmt) quote = json ? db_prepare (db, JSON_QUOTE_SQL, &error) : NULL;
  int id_column = column_index (record, "id");
  gint64 id = id_column >= 0 ? sqlite3_column_int64 (record, id_column) : 0;

  if (json && (quote == NULL || !json_append_row (db, quote, out, record, &error)))
    return database_failed ("show", error);
  if (!json)
    command_print_row (record);
  if (!show_sections (db, q, id, reference, out, &error))
    return database_failed ("show", error);
  if (!json)
    return EX_OK;
  g_string_append (out, "}\n");
  return write_output ("show", NULL, out);
}

/* Finds the record of reference and shows it. */
static int
show_reference (sqlite3 *db, const ShowQuery *q, const char *reference, gboolean json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (sqlite3_stmt) record = db_prepare (db, q->record_sql, &error);
  int rc;

  if (record == NULL)
    return database_failed ("show", error);
  sqlite3_bind_text (record, 1, reference, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (record);
  if (rc == SQLITE_DONE)
    {
      g_printerr ("ctcgw show: no record %s\n", reference);
      return EX_DATAERR;
    }
  if (rc != SQLITE_ROW)
    {
      db_set_error (db, &error, "reading the record");
      return database_failed ("show", error);
    }
  return show_record (db, q, record, reference, json);
}

/* `ctcgw show REFERENCE [--json]` */
int
cmd_show (const Config *config, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "one JSON document", NULL },
    { NULL }
  };
  int status = EX_OK;

  if (!command_parse_options ("show", "REFERENCE", "Show one record (CTC-OFF-2026-0042, "
                              "CTC-SUB-2026-000123, ...) and its history.",
                              entries, &argc, &argv))
    return EX_USAGE;
  if (argc != 2)
    return command_usage_error ("show", "name one reference, e.g. CTC-OFF-2026-0042");
  g_autofree char *clean = command_printable (argv[1], FALSE);
  g_autofree char *reference = g_ascii_strup (clean, -1);
  const ShowQuery *q = show_query_find (reference);
  if (q == NULL)
    {
      g_printerr ("ctcgw show: no record %s (a reference reads PREFIX-KIND-YEAR-NUMBER, "
                  "e.g. CTC-OFF-2026-0042)\n", reference);
      return EX_DATAERR;
    }
  sqlite3 *db = command_open_db (config, &status);
  if (db == NULL)
    return status;
  status = show_reference (db, q, reference, json);
  db_close (db);
  return status;
}

/* ---- import ---------------------------------------------------------------- */

/* Reads the whole of path; more than max bytes is G_FILE_ERROR_FAILED. */
static char *
read_bounded (const char *path, gsize max, gsize *len, GError **error)
{
  FILE *f = fopen (path, "rb");
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  char chunk[65536];
  size_t n;

  if (f == NULL)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "cannot read %s: %s", path, g_strerror (errno));
      return NULL;
    }
  while ((n = fread (chunk, 1, sizeof chunk, f)) > 0 && buf->len + n <= max)
    g_byte_array_append (buf, (const guint8 *) chunk, n);
  int read_errno = ferror (f) ? (errno != 0 ? errno : EIO) : 0;
  fclose (f);
  if (read_errno != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "cannot read %s: %s", path,
                   g_strerror (read_errno));
      return NULL;
    }
  if (n > 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                   "%s is larger than %" G_GSIZE_FORMAT " bytes", path, max);
      return NULL;
    }
  *len = buf->len;
  g_byte_array_append (buf, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (g_steal_pointer (&buf), FALSE);
}

/* What `import` takes: the registers that a form files into, then the
 * entities and groups that staff keep. */
static GPtrArray *
import_registers (void)
{
  GPtrArray *names = g_ptr_array_new ();
  for (guint i = 0; form_kinds[i] != NULL; i++)
    g_ptr_array_add (names, (gpointer) form_kinds[i]->register_name);
  g_ptr_array_add (names, (gpointer) form_entity.register_name);
  g_ptr_array_add (names, (gpointer) form_group.register_name);
  g_ptr_array_add (names, NULL);
  return names;
}

/* Files the records of data and reports what became of them. */
static int
import_data (const Config *config, const char *register_name, const char *path,
             const char *data, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *name = g_path_get_basename (path);
  guint filed = 0;
  int status = EX_OK;
  sqlite3 *db = command_open_db (config, &status);

  if (db == NULL)
    return status;
  gboolean ok = directory_register (register_name)
                ? directory_import (db, config, register_name, name, data, len,
                                    problems, &filed, &error)
                : intake_import (db, config, register_name, name, data, len,
                                 problems, &filed, &error);
  db_close (db);
  if (!ok)
    return database_failed ("import", error);
  for (guint i = 0; i < problems->len; i++)
    {
      g_autofree char *line = command_printable (problems->pdata[i], FALSE);
      g_printerr ("%s\n", line);
    }
  printf ("imported %u %s\n", filed, filed == 1 ? "record" : "records");
  return problems->len > 0 && filed == 0 ? EX_DATAERR : EX_OK;
}

/* `ctcgw import REGISTER FILE.csv` */
int
cmd_import (const Config *config, int argc, char **argv)
{
  g_autoptr (GPtrArray) names = import_registers ();
  g_autofree char *list = g_strjoinv (", ", (char **) names->pdata);
  g_autofree char *summary = g_strdup_printf ("Import records from CSV (a header row of the "
                                              "form's fields), with the checks of email.\n"
                                              "entities: Code,Name,Kind,Active; groups: "
                                              "Group,Members,Description.\n"
                                              "Registers: %s", list);
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = { { NULL } };
  gsize len = 0;

  if (!command_parse_options ("import", "REGISTER FILE.csv", summary, entries, &argc, &argv))
    return EX_USAGE;
  if (argc != 3)
    return command_usage_error ("import", "name a register and a CSV file");
  if (!g_strv_contains ((const char *const *) names->pdata, argv[1]))
    return unknown_word ("import", "register", argv[1], (const char *const *) names->pdata);
  g_autofree char *data = read_bounded (argv[2], config->limits.message_max, &len, &error);
  if (data == NULL)
    {
      g_printerr ("ctcgw import: %s\n", error->message);
      return g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_FAILED) ? EX_DATAERR : EX_NOINPUT;
    }
  return import_data (config, argv[1], argv[2], data, len);
}

/* ---- export ---------------------------------------------------------------- */

static const char *const export_formats[] = { "csv", "json", "vcard", "ics", NULL };

/* Writes the register in format to path (NULL: stdout). */
static int
export_register (const Config *config, const RegisterQuery *reg, const char *format,
                 const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  int status = EX_OK;
  sqlite3 *db = command_open_db (config, &status);

  if (db == NULL)
    return status;
  gboolean ok = register_dump (db, reg, NULL, strcmp (format, "json") == 0, out, &error);
  db_close (db);
  if (!ok)
    return database_failed ("export", error);
  return write_output ("export", path, out);
}

/* Writes the active contact points as vCard 4.0, the file that
 * `distribute contacts` attaches. */
static int
export_vcard (const Config *config, const char *path)
{
  g_autoptr (GError) error = NULL;
  int status = EX_OK;
  sqlite3 *db = command_open_db (config, &status);

  if (db == NULL)
    return status;
  g_autoptr (GPtrArray) directory = distribute_directory (db, &error);
  db_close (db);
  if (directory == NULL)
    return database_failed ("export", error);
  g_autofree char *vcard = distribute_vcard (directory);
  g_autoptr (GString) out = g_string_new (vcard);
  return write_output ("export", path, out);
}

/* Writes every meeting and visit as one iCalendar feed (meeting_feed():
 * no attendee, never an assessment). */
static int
export_ics (const Config *config, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  int status = EX_OK;
  sqlite3 *db = command_open_db (config, &status);

  if (db == NULL)
    return status;
  g_autofree char *feed = meeting_feed (db, config, now, &error);
  db_close (db);
  if (feed == NULL)
    return database_failed ("export", error);
  g_autoptr (GString) out = g_string_new (feed);
  return write_output ("export", path, out);
}

/* `ctcgw export REGISTER [--format csv|json|vcard|ics] [-o FILE]` */
int
cmd_export (const Config *config, int argc, char **argv)
{
  g_autofree char *format = NULL;
  g_autofree char *path = NULL;
  g_autofree char *names = register_names ();
  g_autofree char *summary = g_strdup_printf ("Export every column of a register.\n"
                                              "Registers: %s", names);
  GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, "csv (the default), json, vcard for contacts, ics for meetings",
      "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &path, "write to FILE, not standard output",
      "FILE" },
    { NULL }
  };

  if (!command_parse_options ("export", "REGISTER", summary, entries, &argc, &argv))
    return EX_USAGE;
  if (argc != 2)
    return command_usage_error ("export", "name one register: %s", names);
  const RegisterQuery *reg = register_find ("export", argv[1]);
  if (reg == NULL)
    return EX_USAGE;
  const char *fmt = format != NULL ? format : "csv";
  if (!g_strv_contains (export_formats, fmt))
    return unknown_word ("export", "format", fmt, export_formats);
  if (reg->no_export != NULL)
    return command_usage_error ("export", "%s cannot be exported: %s", reg->name, reg->no_export);
  if (strcmp (fmt, "vcard") == 0 && strcmp (reg->name, "contacts") == 0)
    return export_vcard (config, path);
  if (strcmp (fmt, "ics") == 0 && strcmp (reg->name, "meetings") == 0)
    return export_ics (config, path);
  if (strcmp (fmt, "csv") != 0 && strcmp (fmt, "json") != 0)
    return command_usage_error ("export", "format %s is not available for %s", fmt, reg->name);
  return export_register (config, reg, fmt, path);
}
