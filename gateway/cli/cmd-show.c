/* `ctcgw show REFERENCE`: one record, its history and what relates to it. */
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

#include "gateway/cli/command.h"
#include "gateway/cli/commands.h"
#include "gateway/cli/message-view.h"
#include "gateway/store/attachments.h"
#include "gateway/store/db.h"
#include "parsers/filename.h"

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
  Related related[5];
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
                        " ON r.id = c.reply_submission_id WHERE c.submission_id = ?1" },
      /* Kept by schema/016-attachments.sql; `show --attachment N` writes one. */
      { "attachments", "SELECT number, name, content_type AS type, size,"
                       " CASE WHEN sha256 IS NULL THEN 'no: over the limits' ELSE 'yes' END"
                       " AS kept FROM attachments WHERE submission_id = ?1 ORDER BY number" } } },
  { "CP", CONTACT_COLUMNS " WHERE reference = ?1", HISTORY ("contacts"), { { NULL } } },
  { "OFF", BY_REFERENCE ("offers"), HISTORY ("offers"), { RESULTS_OF } },
  { "REQ", BY_REFERENCE ("requests"), HISTORY ("requests"), { RESULTS_OF } },
  { "RES", BY_REFERENCE ("results"), HISTORY ("results"), { { NULL } } },
  { "SRC", BY_REFERENCE ("sources"), HISTORY ("sources"), { { NULL } } },
  { "STD", BY_REFERENCE ("standards"), HISTORY ("standards"), { { NULL } } },
  { "INV", BY_REFERENCE ("inventory"), HISTORY ("inventory"), { { NULL } } },
  { "VIS", BY_REFERENCE ("visits"), NULL,
    { { "information", "SELECT vi.entity, vi.created, s.reference AS submission, vi.information"
                       " FROM visit_information vi LEFT JOIN submissions s"
                       " ON s.id = vi.submission_id WHERE vi.visit = ?2 ORDER BY vi.id" },
      { "consents", "SELECT consent, recipients, created FROM visit_consents"
                    " WHERE visit = ?2 ORDER BY id" },
      { "assessments", "SELECT id, created FROM assessments WHERE visit_id = ?1 ORDER BY id" },
      /* The attachments of the messages that brought its information. */
      { "documents", "SELECT s.reference AS submission, a.number AS attachment, a.name,"
                     " a.content_type AS type, a.size FROM visit_information vi"
                     " JOIN visit_attachments va ON va.visit_information_id = vi.id"
                     " JOIN attachments a ON a.id = va.attachment_id"
                     " JOIN submissions s ON s.id = a.submission_id"
                     " WHERE vi.visit = ?2 ORDER BY va.id" } } },
  { "MTG", BY_REFERENCE ("meetings"), NULL,
    { { "attendance", "SELECT entity, email, partstat, sequence, updated FROM attendance"
                      " WHERE meeting_id = ?1 ORDER BY id" } } },
  /* Staff's own texts (schema/019-circular-texts.sql): their first line. */
  { "CIR", BY_REFERENCE ("circulars"), NULL,
    { { "texts", "SELECT language, subject, substr(body, 1, instr(body || char(10), char(10)) - 1)"
                 " AS first_line, length(body) - length(replace(body, char(10), '')) AS lines"
                 " FROM circular_texts WHERE circular_id = ?1 ORDER BY position" } } },
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

/* Shows the record that stmt has just read, in text or as JSON; a
 * submission's message after it, in text. */
static int
show_record (sqlite3 *db, const Config *config, const ShowQuery *q, sqlite3_stmt *record,
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
  if (!json && strcmp (q->kind, "SUB") == 0
      && !message_view_print_stored (db, config, id, MESSAGE_VIEW_TEXTS, &error))
    return command_failed ("show", error);
  if (!json)
    return EX_OK;
  g_string_append (out, "}\n");
  return command_write_output ("show", NULL, out);
}

/* Finds the record of reference and shows it. */
static int
show_reference (sqlite3 *db, const Config *config, const ShowQuery *q, const char *reference,
                gboolean json)
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
  return show_record (db, config, q, record, reference, json);
}

/* What `show` was asked for besides the record. */
typedef struct {
  gboolean json;
  gboolean raw;          /* --raw: the message as received */
  char *attachment;      /* --attachment N, or NULL */
  char *output;          /* -o FILE or DIRECTORY, or NULL: stdout */
} ShowOptions;

/* Where -o writes: output itself, or name (made safe again) in the
 * directory output names, which must not hold it yet.  NULL with
 * *status set when it may not. */
static char *
output_path (const char *output, const char *name, int *status)
{
  if (!g_file_test (output, G_FILE_TEST_IS_DIR))
    return g_strdup (output);
  g_autofree char *safe = ctc_file_name_clean (name);
  char *path = g_build_filename (output, safe != NULL ? safe : "attachment", NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return path;
  g_autofree char *shown = command_printable (path, FALSE);
  g_printerr ("ctcgw show: %s exists already; name the file with -o\n", shown);
  g_free (path);
  *status = EX_CANTCREAT;
  return NULL;
}

/* Writes data to -o (or stdout), a file name named when -o is a directory. */
static int
write_out (const ShowOptions *o, const char *name, const void *data, gsize len)
{
  int status = EX_OK;
  g_autofree char *path = o->output != NULL ? output_path (o->output, name, &status) : NULL;
  g_autoptr (GString) out = g_string_new_len (data, (gssize) len);

  if (o->output != NULL && path == NULL)
    return status;
  return command_write_output ("show", path, out);
}

/* `show SUB --raw`: the message as it was received, byte for byte. */
static int
write_raw (sqlite3 *db, const char *reference, const ShowOptions *o)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (sqlite3_stmt) stmt = db_prepare (db,
    "SELECT raw, size FROM submissions WHERE reference = ?1", &error);

  if (stmt == NULL)
    return command_failed ("show", error);
  sqlite3_bind_text (stmt, 1, reference, -1, SQLITE_STATIC);
  int rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        {
          db_set_error (db, &error, "reading the message");
          return command_failed ("show", error);
        }
      g_printerr ("ctcgw show: no record %s\n", reference);
      return EX_DATAERR;
    }
  gsize len = (gsize) sqlite3_column_bytes (stmt, 0);
  if ((gint64) len < sqlite3_column_int64 (stmt, 1))
    g_printerr ("ctcgw show: %s was over [limits] message_size: only its header was kept\n",
                reference);
  g_autofree char *name = g_strdup_printf ("%s.eml", reference);
  return write_out (o, name, sqlite3_column_blob (stmt, 0), len);
}

/* `show SUB --attachment N`: one attachment's bytes, as they came. */
static int
write_attachment (sqlite3 *db, const char *reference, guint number, const ShowOptions *o)
{
  g_autoptr (GError) error = NULL;
  g_auto (StoredAttachment) a = { 0 };
  gboolean found = FALSE;

  if (!attachments_get (db, reference, number, &a, &found, &error))
    return command_failed ("show", error);
  if (!found)
    {
      g_printerr ("ctcgw show: %s has no attachment %u (`ctcgw show %s` lists them)\n",
                  reference, number, reference);
      return EX_DATAERR;
    }
  if (a.data == NULL)
    {
      g_printerr ("ctcgw show: attachment %u of %s (%" G_GSIZE_FORMAT " bytes) was over"
                  " [limits] attachment_size or attachments_size: it was not kept\n",
                  number, reference, a.size);
      return EX_DATAERR;
    }
  gsize len = 0;
  const void *data = g_bytes_get_data (a.data, &len);
  return write_out (o, a.name, data, len);
}

/* A usage error in the options, or NULL. */
static const char *
options_problem (const ShowOptions *o, const ShowQuery *q, guint64 *number)
{
  if (o->raw && o->attachment != NULL)
    return "say --raw or --attachment, not both";
  if ((o->raw || o->attachment != NULL) && o->json)
    return "--json does not go with --raw or --attachment";
  if (o->output != NULL && !o->raw && o->attachment == NULL)
    return "-o goes with --raw or --attachment";
  if ((o->raw || o->attachment != NULL) && strcmp (q->kind, "SUB") != 0)
    return "--raw and --attachment take a submission's reference (CTC-SUB-...)";
  if (o->attachment != NULL
      && !g_ascii_string_to_unsigned (o->attachment, 10, 1, G_MAXINT, number, NULL))
    return "--attachment takes the number `show` lists, from 1";
  return NULL;
}

/* Runs what o asks for on the open database. */
static int
show_run (sqlite3 *db, const Config *config, const ShowQuery *q, const char *reference,
          const ShowOptions *o, guint64 number)
{
  if (o->raw)
    return write_raw (db, reference, o);
  if (o->attachment != NULL)
    return write_attachment (db, reference, (guint) number, o);
  return show_reference (db, config, q, reference, o->json);
}

/* `ctcgw show REFERENCE [--json | --raw | --attachment N] [-o FILE]` */
int
cmd_show (const Config *config, const char *config_path, int argc, char **argv)
{
  ShowOptions o = { 0 };
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "one JSON document", NULL },
    { "raw", 0, 0, G_OPTION_ARG_NONE, &o.raw, "the message as received (a submission)", NULL },
    { "attachment", 0, 0, G_OPTION_ARG_STRING, &o.attachment,
      "attachment N of a submission, as it came", "N" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output,
      "write --raw or --attachment to FILE, or under its name in a directory", "FILE" },
    { NULL }
  };
  int status = EX_OK;
  guint64 number = 0;

  if (!command_parse_options ("show", "REFERENCE", "Show one record (CTC-OFF-2026-0042, "
                              "CTC-SUB-2026-000123, ...) and its history; a submission "
                              "with its message and attachments.",
                              entries, &argc, &argv))
    return EX_USAGE;
  g_autofree char *attachment = o.attachment, *output = o.output;
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
  const char *problem = options_problem (&o, q, &number);
  if (problem != NULL)
    return command_usage_error ("show", "%s", problem);
  sqlite3 *db = command_open_db (config, &status);
  if (db == NULL)
    return status;
  status = show_run (db, config, q, reference, &o, number);
  db_close (db);
  return status;
}
