/* `ctcgw show REFERENCE`: one record, its history and what relates to it. */
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

#include "gateway/cli/command.h"
#include "gateway/cli/commands.h"
#include "gateway/store/db.h"

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
  Related related[4];
} ShowQuery;

#define HISTORY(table) \
  "SELECT h.changed, h.action, h.field, h.old_value, h.new_value, s.reference AS submission" \
  " FROM " table "_history h LEFT JOIN submissions s ON s.id = h.submission_id" \
  " WHERE h.record_id = ?1 ORDER BY h.id"
#define BY_REFERENCE(table) "SELECT * FROM " table " WHERE reference = ?1"
/* A contact's columns but the keys its address is found by
 * (schema/011-addresses.sql). */
#define CONTACT_COLUMNS \
  "SELECT id, reference, state, submission_id, created, updated, entity, name, email, title," \
  " office, phone, languages, role, areas, replaces, status, bounces FROM contacts"
#define RESULTS_OF \
  { "results", "SELECT reference, state, reporter, created FROM results" \
               " WHERE target = ?2 ORDER BY id" }

static const ShowQuery show_queries[] = {
  { "SUB",
    "SELECT id, reference, message_id, sha256, mailbox, received, from_addr, sender_addr,"
    " authentication, subject, class, outcome, size, answer_outbox_id FROM submissions"
    " WHERE reference = ?1",
    NULL,
    { { "records", "SELECT register, reference, how, changed, problems"
                   " FROM submission_records WHERE submission_id = ?1 ORDER BY id" },
      { "quarantine", "SELECT id, state, reason, decided, decided_reason"
                      " FROM quarantine WHERE submission_id = ?1 ORDER BY id" },
      { "outbox", "SELECT id, state, kind, recipient, created, sent"
                  " FROM outbox WHERE submission_id = ?1 ORDER BY id" },
      /* Held until its sender confirms it (ctcgw(8), AUTHENTICATION). */
      { "confirmation", "SELECT CASE WHEN c.state = 'confirmed' THEN 'confirmed'"
                        " WHEN c.expires <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
                        " THEN 'expired' ELSE 'pending' END AS state, c.address,"
                        " c.created, c.expires, c.confirmed, r.reference AS confirmed_by"
                        " FROM confirmations c LEFT JOIN submissions r"
                        " ON r.id = c.reply_submission_id WHERE c.submission_id = ?1" } } },
  { "CP", CONTACT_COLUMNS " WHERE reference = ?1", HISTORY ("contacts"), { { NULL } } },
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
      g_autofree char *when = command_column_printable (stmt, 0);
      g_autofree char *action = command_column_printable (stmt, 1);
      g_autofree char *field = command_column_printable (stmt, 2);
      g_autofree char *old_value = command_column_printable (stmt, 3);
      g_autofree char *new_value = command_column_printable (stmt, 4);
      g_autofree char *submission = command_column_printable (stmt, 5);
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

/* The record one show is about, and where its sections go. */
typedef struct {
  sqlite3 *db;
  gint64 id;              /* its row id, 0 when it has none */
  const char *reference;
  GString *out;           /* the JSON so far; NULL: print text */
} Showing;

/* Prints one section about s's record, or appends it as JSON to s->out. */
static gboolean
show_section (const Showing *s, const char *title, const char *sql, GError **error)
{
  sqlite3 *db = s->db;
  GString *out = s->out;
  g_autoptr (sqlite3_stmt) stmt = record_prepare (db, sql, s->id, s->reference, error);

  if (stmt == NULL)
    return FALSE;
  if (out != NULL)
    {
      g_string_append_printf (out, ",\n\"%s\":", title);
      return command_json_append_rows (db, out, stmt, error);
    }
  if (strcmp (title, "history") != 0)
    return command_print_section (db, stmt, title, error);
  printf ("\nhistory:\n");
  return print_history (db, stmt, error);
}

/* Prints (or appends as JSON to out) the history and related sections. */
static gboolean
show_sections (const Showing *s, const ShowQuery *q, GError **error)
{
  if (q->history_sql != NULL && !show_section (s, "history", q->history_sql, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (q->related) && q->related[i].title != NULL; i++)
    if (!show_section (s, q->related[i].title, q->related[i].sql, error))
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
  int id_column = column_index (record, "id");
  gint64 id = id_column >= 0 ? sqlite3_column_int64 (record, id_column) : 0;

  if (json && !command_json_append_row (db, out, record, &error))
    return command_failed ("show", error);
  if (!json)
    command_print_row (record);
  Showing s = { db, id, reference, out };
  if (!show_sections (&s, q, &error))
    return command_failed ("show", error);
  if (!json)
    return EX_OK;
  g_string_append (out, "}\n");
  return command_write_output ("show", NULL, out);
}

/* Finds the record of reference and shows it. */
static int
show_reference (sqlite3 *db, const ShowQuery *q, const char *reference, gboolean json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (sqlite3_stmt) record = db_prepare (db, q->record_sql, &error);
  int rc;

  if (record == NULL)
    return command_failed ("show", error);
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
      return command_failed ("show", error);
    }
  return show_record (db, q, record, reference, json);
}

/* `ctcgw show REFERENCE [--json]` */
int
cmd_show (const Config *config, const char *config_path, int argc, char **argv)
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
