/* The register commands list and export: a register's key columns as a
 * table, every column as JSON or CSV (ctcgw(8)); in CSV, a register that
 * import takes in the keys of its form (gateway/store/sheet.h). */
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

#include "gateway/cli/command.h"
#include "gateway/base/text.h"
#include "gateway/cli/commands.h"
#include "gateway/store/db.h"
#include "gateway/store/match.h"
#include "gateway/store/sheet.h"
#include "gateway/flows/distribute.h"
#include "gateway/flows/meeting.h"

/* The filters of `list` (ctcgw(8)), in the order of their parameters
 * ?2 to ?8 (?1 is --state). */
enum { F_AREA, F_BENEFICIARY, F_PROVIDER, F_ENTITY, F_SINCE, F_UNTIL, F_STATUS, N_FILTERS };
static const char *const filter_options[N_FILTERS] = {
  "--area", "--beneficiary", "--provider", "--entity", "--since", "--until", "--status"
};

/* One register as `list` and `export` read it.  Every SQL text is fixed;
 * where a register has states, ?1 is the --state filter (NULL: all).
 * filters[] are the conditions `list` adds for its filters, NULL for a
 * filter the register does not have. */
typedef struct {
  const char *name;
  const char *list_sql;          /* the key columns, for the text table */
  const char *rows_sql;          /* every column but raw bytes */
  const char *const *states;     /* the values of its state column, or NULL */
  const char *no_export;         /* why it cannot be exported, or NULL */
  const char *filters[N_FILTERS];
} RegisterQuery;

static const char *const record_states[] = { "active", "withdrawn", NULL };
static const char *const quarantine_states[] = { "waiting", "approved", "rejected", NULL };
static const char *const outbox_states[] = { "queued", "sent", "deferred", "failed", NULL };
static const char *const counter_states[] = { "open", "accepted", "declined", NULL };

/* A JSON list column shown as its items separated by spaces, under a
 * header of the table. */
#define LISTED(col, header) \
  "(SELECT group_concat(value, ' ') FROM json_each(CASE WHEN json_valid(" col ") " \
  "THEN " col " ELSE json_array(" col ") END)) AS \"" header "\""
/* A time (ISO 8601 text) shown to the day or to the minute. */
#define DAY(col, name) "substr(" col ", 1, 10) AS " name
#define MINUTE(col, name) "replace(substr(" col ", 1, 16), 'T', ' ') AS " name
/* An entity's name for its code (the code when it has none), and the
 * first line of a text, under a header. */
#define NAMED(col, header) \
  "coalesce ((SELECT e.name FROM entities e WHERE e.code = " col "), " col ") AS \"" header "\""
#define FIRST_LINE(col, header) \
  "substr (" col ", 1, min (coalesce (nullif (instr (" col ", char (10)), 0) - 1, 80), 80))" \
  " AS \"" \
  header "\""
#define BY_STATE " WHERE (?1 IS NULL OR state = ?1) ORDER BY id"
#define ALL_BY_STATE(table) "SELECT * FROM " table BY_STATE
/* The conditions of the filters, on the register's own columns. */
#define AREA(col) "EXISTS (SELECT 1 FROM json_each (CASE WHEN json_valid (" col ") THEN " \
  col " END) WHERE value = ?2)"
#define BENEFICIARY \
  "EXISTS (SELECT 1 FROM json_each (beneficiaries) b WHERE b.value = ?3 COLLATE NOCASE" \
  " OR b.value = 'all' OR b.value IN (SELECT g.name FROM \"groups\" g" \
  " JOIN group_members m ON m.group_id = g.id WHERE m.entity = ?3))"
#define PROVIDERS "EXISTS (SELECT 1 FROM json_each (providers) WHERE value = ?4 COLLATE NOCASE)"
#define PROVIDER(col) col " = ?4 COLLATE NOCASE"
#define ENTITY(col) col " = ?5 COLLATE NOCASE"
#define DATES(col) "substr (" col ", 1, 10) >= ?6", "substr (" col ", 1, 10) <= ?7"
#define STATUS(col) col " = ?8"

static const RegisterQuery registers[] = {
  { "entities",
    "SELECT code AS \"Code\", kind AS \"Kind\", name AS \"Name\" FROM entities ORDER BY id",
    "SELECT * FROM entities ORDER BY id", NULL, NULL },
  { "groups",
    "SELECT g.name AS \"Group\", (SELECT group_concat(m.entity, ' ') FROM group_members m"
    " WHERE m.group_id = g.id) AS \"Members\", g.description AS \"Description\""
    " FROM \"groups\" g ORDER BY g.id",
    "SELECT g.*, (SELECT json_group_array(m.entity) FROM group_members m"
    " WHERE m.group_id = g.id) AS members FROM \"groups\" g ORDER BY g.id", NULL, NULL },
  { "contacts",
    /* a withdrawn record is not shown as an active contact point */
    "SELECT reference AS \"Reference\", state AS \"Record\", " NAMED ("entity", "Entity") ","
    " name AS \"Name\", email AS \"Email\", role AS \"Role\","
    " CASE WHEN state = 'active' THEN status ELSE state END AS \"Status\""
    " FROM contacts" BY_STATE,
    /* not the keys its address is found by (schema/011-addresses.sql) */
    "SELECT id, reference, state, submission_id, created, updated, entity, name, email, title,"
    " office, phone, languages, role, areas, replaces, status, bounces FROM contacts" BY_STATE,
    record_states, NULL,
    { AREA ("areas"), NULL, NULL, ENTITY ("entity"), DATES ("created"), STATUS ("status") } },
  { "offers",
    "SELECT reference AS \"Reference\", state AS \"Record\", " LISTED ("providers", "Providers")
    ", status AS \"Status\", start_date AS \"Start\", " LISTED ("areas", "Areas") ","
    " title AS \"Title\" FROM offers" BY_STATE,
    ALL_BY_STATE ("offers"), record_states, NULL,
    { AREA ("areas"), BENEFICIARY, PROVIDERS, NULL, DATES ("created"), STATUS ("status") } },
  { "requests",
    "SELECT reference AS \"Reference\", state AS \"Record\", " NAMED ("state_code", "State")
    ", priority AS \"Priority\", " DAY ("created", "\"Filed\"") ", " LISTED ("areas", "Areas")
    ", " FIRST_LINE ("description", "Title") " FROM requests" BY_STATE,
    ALL_BY_STATE ("requests"), record_states, NULL,
    { AREA ("areas"), NULL, NULL, ENTITY ("state_code"), DATES ("created"), NULL } },
  { "results",
    "SELECT reference AS \"Reference\", state AS \"Record\", target AS \"Reports on\", "
    NAMED ("reporter", "Reporter") ", " DAY ("created", "\"Filed\"") ", "
    FIRST_LINE ("results", "Results") " FROM results" BY_STATE,
    ALL_BY_STATE ("results"), record_states, NULL,
    { NULL, NULL, NULL, ENTITY ("reporter"), DATES ("created"), NULL } },
  { "sources",
    "SELECT reference AS \"Reference\", state AS \"Record\", " NAMED ("provider", "Provider")
    ", kind AS \"Kind\", title AS \"Title\" FROM sources" BY_STATE,
    ALL_BY_STATE ("sources"), record_states, NULL,
    { AREA ("areas"), NULL, PROVIDER ("provider"), NULL, DATES ("created"), NULL } },
  { "standards",
    "SELECT reference AS \"Reference\", state AS \"Record\", " NAMED ("issuer", "Issuer")
    ", year AS \"Year\", title AS \"Title\" FROM standards" BY_STATE,
    ALL_BY_STATE ("standards"), record_states, NULL,
    { AREA ("areas"), NULL, NULL, ENTITY ("issuer"), DATES ("created"), NULL } },
  { "inventory",
    "SELECT reference AS \"Reference\", state AS \"Record\", " NAMED ("entity", "Entity")
    ", year AS \"Year\", kind AS \"Kind\", title AS \"Title\" FROM inventory" BY_STATE,
    ALL_BY_STATE ("inventory"), record_states, NULL,
    { AREA ("areas"), NULL, NULL, ENTITY ("entity"), DATES ("created"), NULL } },
  { "visits",
    "SELECT reference AS \"Reference\", state AS \"Record\", " NAMED ("state_code", "State")
    ", start_date AS \"Start\", end_date AS \"End\", status AS \"Status\", "
    LISTED ("organizations", "Organizations") " FROM visits" BY_STATE,
    ALL_BY_STATE ("visits"), record_states, NULL,
    { NULL, NULL, NULL, ENTITY ("state_code"), DATES ("start_date"), STATUS ("status") } },
  { "visit_information",
    "SELECT reference AS \"Reference\", state AS \"Record\", visit AS \"Visit\", "
    NAMED ("entity", "Entity") ", " DAY ("created", "\"Filed\"") " FROM visit_information"
    BY_STATE,
    ALL_BY_STATE ("visit_information"), record_states, NULL,
    { NULL, NULL, NULL, ENTITY ("entity"), DATES ("created"), NULL } },
  { "visit_consents",
    "SELECT reference AS \"Reference\", state AS \"Record\", visit AS \"Visit\","
    " consent AS \"Consent\", " LISTED ("recipients", "Recipients") ", "
    DAY ("created", "\"Filed\"") " FROM visit_consents" BY_STATE,
    ALL_BY_STATE ("visit_consents"), record_states, NULL,
    { NULL, NULL, NULL, NULL, DATES ("created"), NULL } },
  { "assessments",
    "SELECT v.reference AS \"Visit\", " DAY ("a.created", "\"Filed\"") " FROM assessments a"
    " LEFT JOIN visits v ON v.id = a.visit_id ORDER BY a.id",
    "SELECT a.id, v.reference AS visit, a.created FROM assessments a"
    " LEFT JOIN visits v ON v.id = a.visit_id ORDER BY a.id", NULL,
    "needs assessments are confidential (docs/submissions.md section 6)" },
  { "meetings",
    "SELECT reference AS \"Reference\", state AS \"Record\", start AS \"Start\","
    " \"end\" AS \"End\", status AS \"Status\", title AS \"Title\" FROM meetings" BY_STATE,
    ALL_BY_STATE ("meetings"), record_states, NULL,
    { NULL, NULL, NULL, NULL, DATES ("start"), STATUS ("status") } },
  { "attendance",
    "SELECT m.reference AS \"Meeting\", " NAMED ("a.entity", "Entity") ", a.email AS \"Email\","
    " CASE WHEN a.removed IS NULL THEN a.partstat ELSE 'removed' END AS \"Answer\", "
    DAY ("a.updated", "\"Updated\"") " FROM attendance a"
    " LEFT JOIN meetings m ON m.id = a.meeting_id ORDER BY a.id",
    "SELECT a.*, m.reference AS meeting FROM attendance a"
    " LEFT JOIN meetings m ON m.id = a.meeting_id ORDER BY a.id", NULL, NULL },
  { "calendar-replies",
    "SELECT r.id AS \"Number\", " MINUTE ("r.received", "\"Received\"") ","
    " m.reference AS \"Meeting\", s.from_addr AS \"From\", r.method AS \"Method\","
    " r.partstat AS \"Answer\", r.result AS \"Result\" FROM calendar_replies r"
    " LEFT JOIN meetings m ON m.id = r.meeting_id"
    " LEFT JOIN submissions s ON s.id = r.submission_id ORDER BY r.id",
    "SELECT r.*, m.reference AS meeting, s.from_addr FROM calendar_replies r"
    " LEFT JOIN meetings m ON m.id = r.meeting_id"
    " LEFT JOIN submissions s ON s.id = r.submission_id ORDER BY r.id", NULL, NULL },
  { "counter-proposals",
    "SELECT c.id AS \"Number\", c.state AS \"Decision\", m.reference AS \"Meeting\","
    " c.attendee AS \"Attendee\", c.dtstart AS \"Start\", c.dtend AS \"End\","
    " c.location AS \"Location\" FROM counter_proposals c"
    " LEFT JOIN meetings m ON m.id = c.meeting_id WHERE ?1 IS NULL OR c.state = ?1"
    " ORDER BY c.id",
    "SELECT c.*, m.reference AS meeting FROM counter_proposals c"
    " LEFT JOIN meetings m ON m.id = c.meeting_id WHERE ?1 IS NULL OR c.state = ?1"
    " ORDER BY c.id", counter_states, NULL },
  { "submissions",
    "SELECT reference AS \"Reference\", " MINUTE ("received", "\"Received\"") ","
    " from_addr AS \"From\", class AS \"Class\", outcome AS \"Outcome\","
    " subject AS \"Subject\" FROM submissions WHERE TRUE ORDER BY id",
    "SELECT id, reference, message_id, sha256, mailbox, received, from_addr, sender_addr,"
    " subject, class, outcome, size, answer_outbox_id FROM submissions WHERE TRUE ORDER BY id",
    NULL, NULL,
    { NULL, NULL, NULL, NULL, DATES ("received"), NULL } },
  { "quarantine",
    "SELECT q.id AS \"Number\", " MINUTE ("s.received", "\"Received\"") ","
    " q.state AS \"Review\", s.from_addr AS \"From\", s.subject AS \"Subject\","
    " q.reason AS \"Reason\" FROM quarantine q LEFT JOIN submissions s"
    " ON s.id = q.submission_id WHERE ?1 IS NULL OR q.state = ?1 ORDER BY q.id",
    "SELECT q.*, s.reference AS submission, s.received, s.from_addr, s.subject"
    " FROM quarantine q LEFT JOIN submissions s ON s.id = q.submission_id"
    " WHERE ?1 IS NULL OR q.state = ?1 ORDER BY q.id", quarantine_states, NULL },
  { "outbox",
    "SELECT id AS \"Number\", state AS \"Delivery\", kind AS \"Kind\", tries AS \"Tries\", "
    MINUTE ("created", "\"Queued\"") ", " MINUTE ("sent", "\"Sent\"") ","
    " recipient AS \"Recipient\" FROM outbox" BY_STATE,
    "SELECT id, state, kind, recipient, mail_from, message_id, submission_id, tries,"
    " next_attempt, last_error, created, sent FROM outbox" BY_STATE, outbox_states, NULL },
  { "circulars",
    "SELECT reference AS \"Reference\", state AS \"Record\", template AS \"Template\","
    " audience AS \"Audience\", " DAY ("created", "\"Created\"") ", " DAY ("sent", "\"Sent\"")
    ", subject AS \"Subject\" FROM circulars" BY_STATE,
    ALL_BY_STATE ("circulars"), record_states, NULL,
    { NULL, NULL, NULL, NULL, DATES ("created"), NULL } },
};

/* The registers' names, comma separated, for messages. */
static char *
register_names (void)
{
  GString *s = g_string_new (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (registers); i++)
    g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", registers[i].name);
  return g_string_free (s, FALSE);
}

/* The register named name, or NULL after a usage error. */
/* Whether register names a and b are the same, "-" and "_" alike
 * (calendar-replies, visit_information). */
static gboolean
same_register (const char *a, const char *b)
{
  g_autofree char *x = g_strdelimit (g_ascii_strdown (a, -1), "-", '_');
  g_autofree char *y = g_strdelimit (g_ascii_strdown (b, -1), "-", '_');
  return strcmp (x, y) == 0;
}

static const RegisterQuery *
register_find (const char *command, const char *name)
{
  const char *names[G_N_ELEMENTS (registers) + 1];

  for (gsize i = 0; i < G_N_ELEMENTS (registers); i++)
    {
      if (same_register (registers[i].name, name))
        return &registers[i];
      names[i] = registers[i].name;
    }
  names[G_N_ELEMENTS (registers)] = NULL;
  command_unknown_word (command, "register", name, names);
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
  command_unknown_word (command, "state", state, reg->states);
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
    return command_csv_append_rows (db, out, rows, error);
  if (!command_json_append_rows (db, out, rows, error))
    return FALSE;
  g_string_append_c (out, '\n');
  return TRUE;
}

/* The values of the filters of `list`, NULL where not given. */
typedef struct {
  char *values[N_FILTERS];
} ListFilters;

static void
list_filters_clear (ListFilters *f)
{
  for (int i = 0; i < N_FILTERS; i++)
    g_free (f->values[i]);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ListFilters, list_filters_clear)

/* The registers that have filter i, comma separated. */
static char *
registers_with_filter (int i)
{
  GString *s = g_string_new (NULL);
  for (gsize r = 0; r < G_N_ELEMENTS (registers); r++)
    if (registers[r].filters[i] != NULL)
      g_string_append_printf (s, "%s%s", s->len > 0 ? ", " : "", registers[r].name);
  return g_string_free (s, FALSE);
}

/* Whether text is a date YYYY-MM-DD. */
static gboolean
is_date (const char *text)
{
  unsigned y, m, d;
  char end;
  return strlen (text) == 10 && sscanf (text, "%4u-%2u-%2u%c", &y, &m, &d, &end) == 3
         && g_date_valid_dmy (d, m, y);
}

/* Whether any filter is given. */
static gboolean
filters_given (const ListFilters *f)
{
  for (int i = 0; i < N_FILTERS; i++)
    if (f->values[i] != NULL)
      return TRUE;
  return FALSE;
}

/* Checks the filters given against the register; FALSE after a usage error. */
static gboolean
filters_check (const RegisterQuery *reg, const ListFilters *f)
{
  for (int i = 0; i < N_FILTERS; i++)
    {
      if (f->values[i] == NULL)
        continue;
      if (reg->filters[i] == NULL)
        {
          g_autofree char *names = registers_with_filter (i);
          command_usage_error ("list", "%s goes with the registers %s, not %s",
                               filter_options[i], names, reg->name);
          return FALSE;
        }
      if ((i == F_SINCE || i == F_UNTIL) && !is_date (f->values[i]))
        {
          command_usage_error ("list", "%s takes a date YYYY-MM-DD, not \"%s\"",
                               filter_options[i], f->values[i]);
          return FALSE;
        }
    }
  return TRUE;
}

/* The codes of the areas, a new NULL-terminated array (empty on a
 * database error: the filter then finds nothing). */
static char **
area_codes (sqlite3 *db)
{
  g_autoptr (GPtrArray) codes = g_ptr_array_new ();
  g_autoptr (sqlite3_stmt) st = db_prepare (db, "SELECT code FROM areas ORDER BY id", NULL);
  while (st != NULL && sqlite3_step (st) == SQLITE_ROW)
    g_ptr_array_add (codes, db_column_dup (st, 0));
  g_ptr_array_add (codes, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&codes), FALSE);
}

/* Checks --area against the areas, and replaces the entities given (any
 * way of writing them) by their codes; FALSE after a usage error. */
static gboolean
filters_resolve (sqlite3 *db, ListFilters *f)
{
  if (f->values[F_AREA] != NULL)
    {
      g_auto (GStrv) areas = area_codes (db);
      if (!g_strv_contains ((const char *const *) areas, f->values[F_AREA]))
        {
          command_unknown_word ("list", "area", f->values[F_AREA], (const char *const *) areas);
          return FALSE;
        }
    }
  for (int i = F_BENEFICIARY; i <= F_ENTITY; i++)
    {
      if (f->values[i] == NULL)
        continue;
      g_autofree char *suggestion = NULL;
      char *code = db_entity_resolve (db, f->values[i], &suggestion);
      if (code == NULL)
        {
          command_usage_error ("list", "%s: no entity \"%s\"%s%s%s", filter_options[i],
                               f->values[i], suggestion ? " (did you mean \"" : "",
                               suggestion ? suggestion : "", suggestion ? "\"?)" : "");
          return FALSE;
        }
      g_free (f->values[i]);
      f->values[i] = code;
    }
  return TRUE;
}

/* Prepares sql with the conditions of the filters given added before its
 * ORDER BY (the fixed texts of reg->filters, the values bound). */
static sqlite3_stmt *
filtered_prepare (sqlite3 *db, const RegisterQuery *reg, const char *sql,
                  const char *state, const ListFilters *f, GError **error)
{
  const char *order = g_strrstr (sql, " ORDER BY ");
  g_autoptr (GString) text = g_string_new_len (sql, order - sql);
  for (int i = 0; i < N_FILTERS; i++)
    if (f->values[i] != NULL)
      g_string_append_printf (text, " AND (%s)", reg->filters[i]);
  g_string_append (text, order);
  sqlite3_stmt *stmt = register_prepare (db, reg, text->str, state, error);
  for (int i = 0; stmt != NULL && i < N_FILTERS; i++)
    sqlite3_bind_text (stmt, i + 2, f->values[i], -1, SQLITE_TRANSIENT);
  return stmt;
}

/* Lists the register as a table or as one JSON document (every column),
 * the same rows. */
static int
list_register (sqlite3 *db, const RegisterQuery *reg, const char *state,
               const ListFilters *f, gboolean json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (sqlite3_stmt) stmt = filtered_prepare (db, reg, json ? reg->rows_sql
                                                    : reg->list_sql, state, f, &error);
  if (stmt == NULL)
    return command_failed ("list", error);
  if (!json)
    return command_print_table (db, stmt, &error) ? EX_OK : command_failed ("list", error);
  if (!command_json_append_rows (db, out, stmt, &error))
    return command_failed ("list", error);
  g_string_append_c (out, '\n');
  return command_write_output ("list", NULL, out);
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
        text_append_json_string (out, *it);
      }
  g_string_append_c (out, ']');
}

/* Appends s as a JSON string, or null. */
static void
json_append_nullable (GString *out, const char *s)
{
  if (s == NULL)
    g_string_append (out, "null");
  else
    text_append_json_string (out, s);
}

/* Appends "key":value, with a comma before it unless it is the first. */
static void
json_append_key (GString *out, const char *key, gboolean first)
{
  g_string_append_printf (out, "%s\"%s\":", first ? "" : ",", key);
}

/* The candidates as one JSON array of objects, with the keys that ctcgw(8)
 * lists under --candidates. */
static void
candidates_json (GString *out, GPtrArray *pairs)
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < pairs->len; i++)
    {
      const MatchPair *p = pairs->pdata[i];
      g_string_append (out, i > 0 ? ",{" : "{");
      json_append_key (out, "request", TRUE);
      text_append_json_string (out, p->first);
      json_append_key (out, "state", FALSE);
      text_append_json_string (out, p->first_who);
      json_append_key (out, "offer", FALSE);
      text_append_json_string (out, p->second);
      json_append_key (out, "providers", FALSE);
      json_append_words (out, p->second_who);
      json_append_key (out, "areas", FALSE);
      json_append_words (out, p->areas);
      json_append_key (out, "state_name", FALSE);
      text_append_json_string (out, p->first_name);
      json_append_key (out, "request_title", FALSE);
      text_append_json_string (out, p->first_title);
      json_append_key (out, "offer_title", FALSE);
      text_append_json_string (out, p->second_title);
      g_string_append_printf (out, ",\"score\":%d", p->score);
      json_append_key (out, "reason", FALSE);
      text_append_json_string (out, p->reason);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]\n");
}

/* A new row of printable cells, NULL values as empty ones. */
static char **
cells_new (const char *const *values, guint n)
{
  char **cells = g_new0 (char *, n + 1);
  for (guint k = 0; k < n; k++)
    cells[k] = command_printable (values[k] != NULL ? values[k] : "", FALSE);
  return cells;
}

/* The candidates as a table: a request's columns on the line of its best
 * offer only. */
static void
candidates_table (GString *out, GPtrArray *pairs)
{
  static const char *const header[] = { "Request", "State", "Needs", "Offer", "Providers",
                                        "Offer title", "Why" };
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_ptr_array_add (rows, cells_new (header, G_N_ELEMENTS (header)));
  for (guint i = 0; i < pairs->len; i++)
    {
      const MatchPair *p = pairs->pdata[i];
      const MatchPair *before = i > 0 ? pairs->pdata[i - 1] : NULL;
      gboolean same = before != NULL && strcmp (before->first, p->first) == 0;
      const char *values[] = { same ? NULL : p->first, same ? NULL : p->first_name,
                               same ? NULL : p->first_title, p->second, p->second_who,
                               p->second_title, p->reason };
      g_ptr_array_add (rows, cells_new (values, G_N_ELEMENTS (values)));
    }
  command_format_cells (out, rows, G_N_ELEMENTS (header));
}

/* The overlap groups as one JSON array, with the keys that ctcgw(8)
 * lists under --overlaps. */
static void
groups_json (GString *out, GPtrArray *groups)
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < groups->len; i++)
    {
      const MatchGroup *g = groups->pdata[i];
      g_string_append (out, i > 0 ? ",{" : "{");
      json_append_key (out, "area", TRUE);
      text_append_json_string (out, g->area);
      json_append_key (out, "beneficiary", FALSE);
      text_append_json_string (out, g->beneficiary);
      json_append_key (out, "beneficiary_name", FALSE);
      text_append_json_string (out, g->name);
      g_string_append (out, ",\"offers\":[");
      for (guint j = 0; j < g->offers->len; j++)
        {
          const MatchOffer *o = g->offers->pdata[j];
          g_string_append (out, j > 0 ? ",{" : "{");
          json_append_key (out, "offer", TRUE);
          text_append_json_string (out, o->reference);
          json_append_key (out, "providers", FALSE);
          json_append_words (out, o->providers);
          json_append_key (out, "title", FALSE);
          text_append_json_string (out, o->title);
          json_append_key (out, "start", FALSE);
          json_append_nullable (out, o->start);
          json_append_key (out, "end", FALSE);
          json_append_nullable (out, o->end);
          g_string_append_c (out, '}');
        }
      g_string_append (out, "]}");
    }
  g_string_append (out, "]\n");
}

/* The overlap groups as a table: a group's area and beneficiary on the
 * line of its first offer only. */
static void
groups_table (GString *out, GPtrArray *groups)
{
  static const char *const header[] = { "Area", "Beneficiary", "Offer", "Providers", "Start",
                                        "End", "Title" };
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_ptr_array_add (rows, cells_new (header, G_N_ELEMENTS (header)));
  for (guint i = 0; i < groups->len; i++)
    {
      const MatchGroup *g = groups->pdata[i];
      for (guint j = 0; j < g->offers->len; j++)
        {
          const MatchOffer *o = g->offers->pdata[j];
          const char *values[] = { j == 0 ? g->area : NULL, j == 0 ? g->name : NULL,
                                   o->reference, o->providers, o->start, o->end, o->title };
          g_ptr_array_add (rows, cells_new (values, G_N_ELEMENTS (values)));
        }
    }
  command_format_cells (out, rows, G_N_ELEMENTS (header));
}

/* `list requests --candidates`: each request's best top offers, as of
 * today in the configured time zone. */
static int
list_candidates (sqlite3 *db, const char *today, guint top, gboolean json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) pairs = match_candidates_top (db, today, NULL, top, 0, &error);
  g_autoptr (GString) out = g_string_new (NULL);
  if (pairs == NULL)
    return command_failed ("list", error);
  if (json)
    candidates_json (out, pairs);
  else
    candidates_table (out, pairs);
  return command_write_output ("list", NULL, out);
}

/* `list offers --overlaps`: the overlap groups as of today. */
static int
list_overlaps (sqlite3 *db, const char *today, gboolean json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) groups = match_overlap_groups (db, today, &error);
  g_autoptr (GString) out = g_string_new (NULL);
  if (groups == NULL)
    return command_failed ("list", error);
  if (json)
    groups_json (out, groups);
  else
    groups_table (out, groups);
  return command_write_output ("list", NULL, out);
}

/* The candidates or the overlaps as of today, in the configured time zone. */
static int
list_matches (sqlite3 *db, const Config *config, gboolean candidates, guint top, gboolean json)
{
  g_autoptr (GDateTime) now = g_date_time_new_now (config->zone);
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  return candidates ? list_candidates (db, today, top, json) : list_overlaps (db, today, json);
}

/* `ctcgw list REGISTER [--json] [--state STATE] [--area A] [--beneficiary E]
 * [--provider E] [--entity E] [--since DATE] [--until DATE] [--status S]`,
 * `list requests --candidates [--top K]`, `list offers --overlaps` */
int
cmd_list (const Config *config, const char *config_path, int argc, char **argv)
{
  gboolean json = FALSE, candidates = FALSE, overlaps = FALSE;
  gint top = -1;
  g_autofree char *state = NULL;
  g_auto (ListFilters) f = { { NULL } };
  g_autofree char *names = register_names ();
  g_autofree char *summary = g_strdup_printf ("List a register: its key columns as a table, or "
                                              "every column as JSON.\nRegisters: %s", names);
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "one JSON document with every column", NULL },
    { "state", 0, 0, G_OPTION_ARG_STRING, &state, "only the records in STATE", "STATE" },
    { "candidates", 0, 0, G_OPTION_ARG_NONE, &candidates, "requests: each active request"
      " with the best offers that could meet it", NULL },
    { "top", 0, 0, G_OPTION_ARG_INT, &top, "with --candidates: the best K offers of each"
      " request (default 5)", "K" },
    { "overlaps", 0, 0, G_OPTION_ARG_NONE, &overlaps, "offers: the offers that overlap,"
      " by area and beneficiary", NULL },
    { "area", 0, 0, G_OPTION_ARG_STRING, &f.values[F_AREA], "only the records of AREA", "AREA" },
    { "beneficiary", 0, 0, G_OPTION_ARG_STRING, &f.values[F_BENEFICIARY], "offers: only"
      " those that ENTITY benefits from", "ENTITY" },
    { "provider", 0, 0, G_OPTION_ARG_STRING, &f.values[F_PROVIDER], "offers, sources: only"
      " those that ENTITY provides", "ENTITY" },
    { "entity", 0, 0, G_OPTION_ARG_STRING, &f.values[F_ENTITY], "only the records of ENTITY",
      "ENTITY" },
    { "since", 0, 0, G_OPTION_ARG_STRING, &f.values[F_SINCE], "only the records of DATE or"
      " later", "DATE" },
    { "until", 0, 0, G_OPTION_ARG_STRING, &f.values[F_UNTIL], "only the records of DATE or"
      " earlier", "DATE" },
    { "status", 0, 0, G_OPTION_ARG_STRING, &f.values[F_STATUS], "only the records whose status"
      " is STATUS", "STATUS" },
    { NULL }
  };
  int status = EX_OK;

  if (!command_parse_options ("list", "REGISTER", summary, entries, &argc, &argv))
    return EX_USAGE;
  if (argc != 2)
    return command_usage_error ("list", "name one register: %s", names);
  const RegisterQuery *reg = register_find ("list", argv[1]);
  if (reg == NULL || !state_check ("list", reg, state) || !filters_check (reg, &f))
    return EX_USAGE;
  if (candidates && strcmp (reg->name, "requests") != 0)
    return command_usage_error ("list", "--candidates goes with the register requests");
  if (overlaps && strcmp (reg->name, "offers") != 0)
    return command_usage_error ("list", "--overlaps goes with the register offers");
  if (top != -1 && !candidates)
    return command_usage_error ("list", "--top goes with --candidates");
  if (candidates && top != -1 && top < 1)
    return command_usage_error ("list", "--top takes a number of 1 or more, not %d", top);
  if ((candidates || overlaps) && (state != NULL || filters_given (&f)))
    return command_usage_error ("list", "--candidates and --overlaps take no filter");
  sqlite3 *db = command_open_db (config, &status);
  if (db == NULL)
    return status;
  if (!filters_resolve (db, &f))
    status = EX_USAGE;
  else
    status = candidates || overlaps ? list_matches (db, config, candidates,
                                                    top > 0 ? (guint) top : MATCH_TOP, json)
                                    : list_register (db, reg, state, &f, json);
  db_close (db);
  return status;
}

/* ---- export ---------------------------------------------------------------- */

static const char *const export_formats[] = { "csv", "json", "vcard", "ics", NULL };

/* Writes the register in format to path (NULL: stdout): in CSV, a register
 * that `import` takes in the keys of its form (sheet.h). */
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
  gboolean json = strcmp (format, "json") == 0;
  const struct form_kind *kind = json ? NULL : sheet_kind (reg->name);
  gboolean ok = kind != NULL ? sheet_append (db, kind, out, &error)
                             : register_dump (db, reg, NULL, json, out, &error);
  db_close (db);
  if (!ok)
    return command_failed ("export", error);
  return command_write_output ("export", path, out);
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
    return command_failed ("export", error);
  g_autofree char *vcard = distribute_vcard (directory);
  g_autoptr (GString) out = g_string_new (vcard);
  return command_write_output ("export", path, out);
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
  Context ctx = { db, config, NULL };
  g_autofree char *feed = meeting_feed (&ctx, now, &error);
  db_close (db);
  if (feed == NULL)
    return command_failed ("export", error);
  g_autoptr (GString) out = g_string_new (feed);
  return command_write_output ("export", path, out);
}

/* `ctcgw export REGISTER [--format csv|json|vcard|ics] [-o FILE]` */
int
cmd_export (const Config *config, const char *config_path, int argc, char **argv)
{
  g_autofree char *format = NULL;
  g_autofree char *path = NULL;
  g_autofree char *names = register_names ();
  g_autofree char *summary = g_strdup_printf ("Export a register: every column, or in CSV the "
                                              "file that import reads back for the registers "
                                              "it takes.\n"
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
    return command_unknown_word ("export", "format", fmt, export_formats);
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
