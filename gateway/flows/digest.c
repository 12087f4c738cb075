/* The daily digest (digest.h): one query a table, one table a part of a
 * section, rendered through the templates digest.en.txt and
 * digest.en.html. */

#include <string.h>
#include <gmime/gmime.h>

#include "gateway/store/db.h"
#include "gateway/flows/digest.h"
#include "gateway/store/match.h"
#include "gateway/flows/outbox.h"
#include "gateway/mail/compose.h"
#include "gateway/base/template.h"
#include "gateway/base/text.h"

/* The longest value a cell shows, in characters. */
#define CELL_MAX 60
/* Days ahead that "the next 30 days" covers. */
#define DIGEST_AHEAD_DAYS 30
/* A meeting keeps its start as a wall time of its zone (most often the
 * gateway's): the digest compares it with wall times of the gateway's zone. */
#define WALL_TIME "%Y-%m-%dT%H:%M:%S"

/* The bounds of a digest, bound to the queries by name. */
typedef struct {
  char *day;          /* :day, the date reported on */
  char *since;        /* :since, the day's first moment, UTC */
  char *until;        /* :until, the next day's first moment, UTC */
  char *next_day;     /* :next_day, the date after day */
  char *horizon_day;  /* :horizon_day, DIGEST_AHEAD_DAYS after next_day */
  char *horizon;      /* :horizon, its first moment, UTC */
  char *until_local;  /* :until_local, :until as a wall time in the gateway's zone */
  char *horizon_local; /* :horizon_local, :horizon as a wall time in the gateway's zone */
  char *stale;        /* :stale, no change since then makes a request stale, UTC */
  char *silent;       /* :silent, nothing sent since then makes an entity silent, UTC */
  gint64 limit;       /* :limit, one more than the items shown */
} Bounds;

/* A list column as its items separated by spaces. */
#define JOINED(col) \
  "(SELECT group_concat(value, ' ') FROM json_each(CASE WHEN json_valid(" col ")" \
  " THEN " col " ELSE json_array(" col ") END))"
#define OF_THE_DAY "s.received >= :since AND s.received < :until"

/* One table of the digest: the rows of sql, or of a match.c function.
 * Columns named command... are commands to run, the others its cells. */
typedef struct {
  const char *section;     /* the template's name of the heading */
  const char *table;       /* the template's name of the table */
  const char *sql;
  GPtrArray *(*match) (sqlite3 *, const char *, const MatchWindow *, guint, GError **);
  const char *more;        /* the command that lists every row */
} DigestQuery;

/* "arrived" finds who sent a message with lower(), SQLite's ASCII-only
 * lower case, through the index contacts_email: a look-alike never matches
 * (docs/submissions.md section 6), and a sender whose IDNA domain is in the
 * other form than the contact's shows as its address.  "silent" compares
 * with address() against the day's senders, gathered once. */
static const DigestQuery queries[] = {
  { "arrived", "arrived",
    "SELECT s.reference, coalesce ((SELECT group_concat (DISTINCT c.entity) FROM contacts c"
    " WHERE lower (c.email) = lower (s.from_addr)), s.from_addr) AS who,"
    " coalesce ((SELECT group_concat (register || ' ' || n, ', ') FROM (SELECT register,"
    " count(*) AS n FROM submission_records WHERE submission_id = s.id AND register IS NOT NULL"
    " GROUP BY register)), s.class) AS forms, s.outcome, s.authentication"
    " FROM submissions s WHERE " OF_THE_DAY " ORDER BY who, forms, s.id LIMIT :limit",
    NULL, "ctcgw list submissions" },
  { "filed", "filed",
    "SELECT r.reference, r.how, coalesce ((SELECT group_concat (value, ', ')"
    " FROM json_each (r.changed)), ''), s.reference"
    " FROM submissions s JOIN submission_records r ON r.submission_id = s.id"
    " WHERE " OF_THE_DAY " AND r.how IN ('new', 'updated', 'withdrawn')"
    " ORDER BY r.register, r.reference LIMIT :limit",
    NULL, "ctcgw list submissions" },
  { "errors", "errors",
    "SELECT s.reference, s.from_addr, (SELECT count(*) FROM submission_records r"
    " WHERE r.submission_id = s.id AND r.how = 'refused'), 'ctcgw show ' || s.reference AS command"
    " FROM submissions s WHERE " OF_THE_DAY " AND (s.outcome = 'rejected' OR EXISTS"
    " (SELECT 1 FROM submission_records r WHERE r.submission_id = s.id AND r.how = 'refused'))"
    " ORDER BY s.id LIMIT :limit",
    NULL, "ctcgw list submissions" },
  { "quarantine", "quarantine",
    "SELECT q.id, replace (substr (s.received, 1, 16), 'T', ' '), s.from_addr, s.subject, q.reason,"
    " 'ctcgw quarantine approve ' || q.id AS command, 'ctcgw quarantine reject ' || q.id AS command2"
    " FROM quarantine q JOIN submissions s ON s.id = q.submission_id"
    " WHERE q.state = 'waiting' ORDER BY q.id LIMIT :limit",
    NULL, "ctcgw quarantine list" },
  /* Submissions held for their sender's confirmation (ctcgw(8),
   * AUTHENTICATION; schema/012-pending.sql): expired against the clock, as
   * show SUB-... says; the entity is that of the contact point asked. */
  { "confirmations", "confirmations",
    "SELECT s.reference, CASE WHEN k.expires <= strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')"
    " THEN 'expired' ELSE 'pending' END, k.address, coalesce ((SELECT group_concat"
    " (DISTINCT c.entity) FROM contacts c WHERE lower (c.email) = lower (k.address)), ''),"
    " replace (substr (k.created, 1, 16), 'T', ' '), replace (substr (k.expires, 1, 16), 'T', ' '),"
    " 'ctcgw show ' || s.reference AS command"
    " FROM confirmations k JOIN submissions s ON s.id = k.submission_id"
    " WHERE k.state = 'pending' ORDER BY k.expires, k.id LIMIT :limit",
    NULL, "ctcgw list submissions" },
  { "failures", "failed_sends",
    "SELECT o.id, o.recipient, o.kind, coalesce (o.last_error, ''),"
    " 'ctcgw outbox retry ' || o.id AS command"
    " FROM outbox o WHERE o.state = 'failed' ORDER BY o.id LIMIT :limit",
    NULL, "ctcgw outbox list --state failed" },
  { "failures", "bouncing",
    "SELECT c.reference, c.entity, c.email, c.bounces, 'ctcgw show ' || c.reference AS command"
    " FROM contacts c WHERE c.status = 'bouncing' AND c.state = 'active' ORDER BY c.id"
    " LIMIT :limit",
    NULL, "ctcgw list contacts" },
  { "answers", "answered",
    "SELECT m.reference, coalesce (a.entity, ''), a.email, lower (a.partstat)"
    " FROM attendance a JOIN meetings m ON m.id = a.meeting_id"
    " WHERE a.updated >= :since AND a.updated < :until AND upper (a.partstat) != 'NEEDS-ACTION'"
    " ORDER BY m.reference, a.email LIMIT :limit",
    NULL, "ctcgw list attendance" },
  { "answers", "unanswered",
    "SELECT m.reference, replace (substr (m.start, 1, 16), 'T', ' '), coalesce (a.entity, ''),"
    " a.email FROM meetings m JOIN attendance a ON a.meeting_id = m.id"
    " WHERE m.start >= :until_local AND m.start < :horizon_local AND m.state = 'active'"
    " AND lower (m.status) != 'cancelled' AND upper (a.partstat) = 'NEEDS-ACTION'"
    " ORDER BY m.start, m.reference, a.email LIMIT :limit",
    NULL, "ctcgw list attendance" },
  { "upcoming", "meetings",
    "SELECT m.reference, replace (substr (m.start, 1, 16), 'T', ' '), m.title,"
    " coalesce (m.location, '') FROM meetings m"
    " WHERE m.start >= :until_local AND m.start < :horizon_local AND m.state = 'active'"
    " AND m.kind = 'meeting'"   /* a visit's invitation: listed with the visits */
    " AND lower (m.status) != 'cancelled' ORDER BY m.start, m.reference LIMIT :limit",
    NULL, "ctcgw list meetings" },
  { "upcoming", "visits",
    "SELECT v.reference, v.state_code, v.start_date, coalesce (v.end_date, ''),"
    " coalesce (" JOINED ("v.organizations") ", '') FROM visits v"
    " WHERE v.start_date >= :next_day AND v.start_date < :horizon_day AND v.state = 'active'"
    " AND lower (v.status) NOT IN ('cancelled', 'completed')"
    " ORDER BY v.start_date, v.reference LIMIT :limit",
    NULL, "ctcgw list visits" },
  /* Information requested (visit request-info) whose due date has passed,
   * by the organizations of a visit not over yet that sent none; a later
   * request for the same visit moves its due date. */
  { "overdue", "overdue",
    "SELECT v.reference, v.state_code, r.due, o.value FROM visit_requests r"
    " JOIN visits v ON v.id = r.visit_id,"
    " json_each (CASE WHEN json_valid (v.organizations) THEN v.organizations"
    " ELSE json_array (v.organizations) END) o"
    " WHERE r.due < :day AND coalesce (v.end_date, v.start_date) >= :day"
    " AND NOT EXISTS (SELECT 1 FROM visit_requests later WHERE later.visit_id = r.visit_id"
    " AND (later.due > r.due OR (later.due = r.due AND later.id > r.id)))"
    " AND v.state = 'active' AND lower (v.status) NOT IN ('cancelled', 'completed')"
    " AND o.value IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM visit_information i WHERE i.visit = v.reference"
    " AND i.entity = o.value COLLATE NOCASE AND i.state = 'active')"
    " ORDER BY r.due, v.reference, o.value LIMIT :limit",
    NULL, "ctcgw list visits" },
  { "candidates", "candidates", NULL, match_candidates, "ctcgw list requests --candidates" },
  { "overlaps", "overlaps", NULL, match_overlaps, "ctcgw list offers --overlaps" },
  { "stale", "stale",
    "SELECT r.reference, r.state_code, substr (r.updated, 1, 10), r.priority,"
    " 'ctcgw show ' || r.reference AS command FROM requests r"
    " WHERE r.state = 'active' AND r.updated < :stale AND NOT EXISTS (SELECT 1 FROM results x"
    " WHERE x.target = r.reference AND x.created >= :stale)"
    " ORDER BY r.updated, r.id LIMIT :limit",
    NULL, "ctcgw list requests" },
  { "silent", "silent",
    "SELECT e.code, e.name FROM entities e WHERE e.active = 1"
    " AND EXISTS (SELECT 1 FROM contacts c WHERE c.entity = e.code AND c.state = 'active'"
    " AND c.status = 'active')"
    " AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.entity = e.code"
    " AND c.address_key IN (SELECT address (s.from_addr) FROM submissions s"
    " WHERE s.received >= :silent))"
    " ORDER BY e.code LIMIT :limit",
    NULL, "ctcgw list entities" },
};

void
digest_free (Digest *digest)
{
  if (digest == NULL)
    return;
  g_free (digest->day);
  g_free (digest->subject);
  g_free (digest->text);
  g_free (digest->html);
  g_free (digest);
}

static void
bounds_clear (Bounds *b)
{
  g_free (b->day);
  g_free (b->since);
  g_free (b->until);
  g_free (b->next_day);
  g_free (b->horizon_day);
  g_free (b->horizon);
  g_free (b->until_local);
  g_free (b->horizon_local);
  g_free (b->stale);
  g_free (b->silent);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Bounds, bounds_clear)

gboolean
digest_day_valid (const char *day)
{
  int y, m, d;
  char end;
  return day != NULL && strlen (day) == 10 && day[4] == '-' && day[7] == '-'
         && sscanf (day, "%4d-%2d-%2d%c", &y, &m, &d, &end) == 3
         && g_date_valid_dmy (d, m, y);
}

char *
digest_default_day (const Config *config, GDateTime *now)
{
  g_autoptr (GDateTime) local = g_date_time_to_timezone (now, config->zone);
  g_autoptr (GDateTime) before = g_date_time_add_days (local, -1);
  return g_date_time_format (before, "%Y-%m-%d");
}

/* The bounds of the digest of day (digest_day_valid) in the zone. */
static void
bounds_init (Bounds *b, const Config *config, const char *day)
{
  int y, m, d;
  sscanf (day, "%4d-%2d-%2d", &y, &m, &d);
  g_autoptr (GDateTime) start = g_date_time_new (config->zone, y, m, d, 0, 0, 0);
  g_autoptr (GDateTime) end = g_date_time_add_days (start, 1);
  g_autoptr (GDateTime) horizon = g_date_time_add_days (end, DIGEST_AHEAD_DAYS);
  g_autoptr (GDateTime) stale = g_date_time_add_months (end, -(gint) config->digest_stale_months);
  g_autoptr (GDateTime) silent = g_date_time_add_months (end, -(gint) config->digest_silent_months);

  b->day = g_strdup (day);
  b->since = db_time_text (start);
  b->until = db_time_text (end);
  b->next_day = g_date_time_format (end, "%Y-%m-%d");
  b->horizon_day = g_date_time_format (horizon, "%Y-%m-%d");
  b->horizon = db_time_text (horizon);
  b->until_local = g_date_time_format (end, WALL_TIME);
  b->horizon_local = g_date_time_format (horizon, WALL_TIME);
  b->stale = db_time_text (stale);
  b->silent = db_time_text (silent);
  b->limit = (gint64) config->digest_items + 1;
}

static void
bind_named (sqlite3_stmt *stmt, const char *name, const char *value)
{
  int i = sqlite3_bind_parameter_index (stmt, name);
  if (i > 0)
    sqlite3_bind_text (stmt, i, value, -1, SQLITE_TRANSIENT);
}

static void
bind_bounds (sqlite3_stmt *stmt, const Bounds *b)
{
  bind_named (stmt, ":day", b->day);
  bind_named (stmt, ":since", b->since);
  bind_named (stmt, ":until", b->until);
  bind_named (stmt, ":next_day", b->next_day);
  bind_named (stmt, ":horizon_day", b->horizon_day);
  bind_named (stmt, ":horizon", b->horizon);
  bind_named (stmt, ":until_local", b->until_local);
  bind_named (stmt, ":horizon_local", b->horizon_local);
  bind_named (stmt, ":stale", b->stale);
  bind_named (stmt, ":silent", b->silent);
  int i = sqlite3_bind_parameter_index (stmt, ":limit");
  if (i > 0)
    sqlite3_bind_int64 (stmt, i, b->limit);
}

/* A value from a register or a message as one short line: no control
 * characters, at most CELL_MAX characters. */
static char *
cell_text (const char *value)
{
  g_autofree char *valid = g_utf8_make_valid (value != NULL ? value : "", -1);
  GString *s = g_string_new (NULL);
  const char *p = valid;
  for (guint n = 0; *p != '\0' && n < CELL_MAX; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
        c = ' ';
      g_string_append_unichar (s, c);
    }
  if (*p != '\0')
    g_string_append (s, "\xe2\x80\xa6");
  return g_string_free (s, FALSE);
}

/* The table object of q in data, made with its heading on first use. */
static TplData *
table_for (TplData *data, GHashTable *tables, const DigestQuery *q)
{
  TplData *table = g_hash_table_lookup (tables, q->table);
  if (table != NULL)
    return table;
  TplData *section = g_hash_table_lookup (tables, q->section);
  if (section == NULL)
    {
      section = tpl_add (data, q->section);
      g_hash_table_insert (tables, (gpointer) q->section, section);
    }
  table = tpl_add (section, q->table);
  g_hash_table_insert (tables, (gpointer) q->table, table);
  return table;
}

/* Adds one item: its cells, their line for the text ("-" for an empty
 * cell), its commands. */
static void
add_item (TplData *table, const char *const *cells, guint n_cells,
          const char *const *commands, guint n_commands)
{
  TplData *item = tpl_add (table, "items");
  g_autoptr (GString) line = g_string_new (NULL);
  for (guint i = 0; i < n_cells; i++)
    {
      g_autofree char *text = cell_text (cells[i]);
      tpl_set (tpl_add (item, "cells"), "cell", text);
      /* An empty cell still holds its place in the line. */
      g_string_append_printf (line, "%s%s", i > 0 ? "  " : "", *text != '\0' ? text : "-");
    }
  tpl_set (item, "line", line->str);
  for (guint i = 0; i < n_commands; i++)
    tpl_set (tpl_add (item, "commands"), "command", commands[i]);
}

/* What the tables of one digest are read with and into. */
typedef struct {
  sqlite3 *db;
  const Bounds *b;
  TplData *data;
  GHashTable *tables;   /* table name -> its TplData in data */
} Collecting;

/* Adds the rows of q's SQL; *rows counts them. */
static gboolean
add_sql_rows (const Collecting *c, const DigestQuery *q, gint64 *rows, GError **error)
{
  sqlite3 *db = c->db;
  const Bounds *b = c->b;
  g_autoptr (sqlite3_stmt) stmt = db_prepare (db, q->sql, error);
  int rc;
  if (stmt == NULL)
    return FALSE;
  bind_bounds (stmt, b);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW && ++*rows < b->limit)
    {
      const char *cells[16], *commands[4];
      guint n_cells = 0, n_commands = 0;
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          const char *value = (const char *) sqlite3_column_text (stmt, i);
          if (g_str_has_prefix (sqlite3_column_name (stmt, i), "command"))
            {
              if (n_commands < G_N_ELEMENTS (commands))
                commands[n_commands++] = value;
            }
          else if (n_cells < G_N_ELEMENTS (cells))
            cells[n_cells++] = value;
        }
      add_item (table_for (c->data, c->tables, q), cells, n_cells, commands, n_commands);
    }
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;
  db_set_error (db, error, "reading the digest");
  return FALSE;
}

/* Adds the pairs of q's match function that came up on the day. */
static gboolean
add_match_rows (const Collecting *c, const DigestQuery *q, gint64 *rows, GError **error)
{
  const Bounds *b = c->b;
  MatchWindow window = { b->since, b->until };
  g_autoptr (GPtrArray) pairs = q->match (c->db, b->day, &window, (guint) b->limit, error);
  if (pairs == NULL)
    return FALSE;
  for (guint i = 0; i < pairs->len && ++*rows < b->limit; i++)
    {
      const MatchPair *p = pairs->pdata[i];
      const char *cells[] = { p->first, p->first_who, p->second, p->second_who, p->areas };
      g_autofree char *show = g_strdup_printf ("ctcgw show %s", p->second);
      const char *commands[] = { show };
      add_item (table_for (c->data, c->tables, q), cells, G_N_ELEMENTS (cells), commands, 1);
    }
  return TRUE;
}

/* Reads every table into data; *empty when none has a row. */
static gboolean
collect (sqlite3 *db, const Bounds *b, TplData *data, gboolean *empty, GError **error)
{
  g_autoptr (GHashTable) tables = g_hash_table_new (g_str_hash, g_str_equal);
  Collecting c = { db, b, data, tables };
  *empty = TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      const DigestQuery *q = &queries[i];
      gint64 rows = 0;
      gboolean ok = q->sql != NULL ? add_sql_rows (&c, q, &rows, error)
                                   : add_match_rows (&c, q, &rows, error);
      if (!ok)
        return FALSE;
      if (rows >= b->limit)
        tpl_set (g_hash_table_lookup (tables, q->table), "more", q->more);
      if (rows > 0)
        *empty = FALSE;
    }
  return TRUE;
}

/* The results of calendar replies refused (schema/015-reply-claims.sql),
 * in the order the digest gives them, and the template's name of each. */
static const struct {
  const char *result, *flag;
} refusals[] = {
  { "future-dtstamp", "future" },
  { "future-sequence", "sequence" },
  { "unknown-occurrence", "occurrence" },
};

static const char *
refusal_flag (const char *result)
{
  for (gsize i = 0; i < G_N_ELEMENTS (refusals); i++)
    if (g_strcmp0 (result, refusals[i].result) == 0)
      return refusals[i].flag;
  return NULL;
}

/* The calendar replies refused on the day, counted by why; *empty is
 * cleared when there is one. */
static gboolean
add_refused_replies (sqlite3 *db, const Bounds *b, TplData *data, gboolean *empty,
                     GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT result, count(*) FROM calendar_replies WHERE received >= :since"
      " AND received < :until AND result IN ('future-dtstamp', 'future-sequence',"
      " 'unknown-occurrence') GROUP BY result ORDER BY result", error);
  TplData *refused = NULL;
  gint64 total = 0;
  int rc;
  if (st == NULL)
    return FALSE;
  bind_bounds (st, b);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      if (refused == NULL)
        refused = tpl_add (data, "refused_replies");
      TplData *reason = tpl_add (refused, "reasons");
      gint64 n = sqlite3_column_int64 (st, 1);
      tpl_set_bool (reason, "first", total == 0);
      tpl_set_bool (reason, refusal_flag ((const char *) sqlite3_column_text (st, 0)), TRUE);
      tpl_set_printf (reason, "n", "%" G_GINT64_FORMAT, n);
      total += n;
    }
  if (rc != SQLITE_DONE)
    {
      db_set_error (db, error, "reading the digest");
      return FALSE;
    }
  if (refused == NULL)
    return TRUE;
  tpl_set_printf (refused, "count", "%" G_GINT64_FORMAT, total);
  tpl_set_bool (refused, "one", total == 1);
  *empty = FALSE;
  return TRUE;
}

/* Appends one line of text broken at spaces to fit width display columns
 * (text_width); a word wider than a line (an address, a URL) stands whole
 * on its own line. */
static void
wrap_line (GString *out, const char *line, guint width)
{
  guint indent = strspn (line, " ");
  const char *p = line;
  guint column = 0;
  gboolean first = TRUE;

  while (*p != '\0')
    {
      const char *word = p;
      while (*p == ' ')
        p++;
      const char *end = p;
      while (*end != '\0' && *end != ' ')
        end++;
      g_autofree char *text = g_strndup (p, end - p);
      guint spaces = p - word, columns = text_width (text);
      if (!first && column + spaces + columns > width)
        {
          g_string_append_printf (out, "\n%*s", indent + 4, "");
          column = indent + 4;
          spaces = 0;
        }
      g_string_append_printf (out, "%*s%s", spaces, "", text);
      column += spaces + columns;
      p = end;
      first = FALSE;
    }
}

char *
digest_wrap (const char *text, guint width)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);
  for (char **l = lines; *l != NULL; l++)
    {
      if (l != lines)
        g_string_append_c (out, '\n');
      if (text_width (*l) <= width)
        g_string_append (out, *l);
      else
        wrap_line (out, *l, width);
    }
  return g_string_free (out, FALSE);
}

Digest *
digest_make (const Context *ctx, const char *day, GError **error)
{
  const Config *config = ctx->config;
  g_auto (Bounds) b = { 0 };
  g_autoptr (TplData) data = tpl_data_new ();
  g_autoptr (Digest) digest = g_new0 (Digest, 1);
  g_autofree char *text = NULL, *html_source = NULL;

  bounds_init (&b, config, day);
  if (!collect (ctx->db, &b, data, &digest->empty, error)
      || !add_refused_replies (ctx->db, &b, data, &digest->empty, error))
    return NULL;
  tpl_set (data, "date", day);
  tpl_set (data, "name", config->name);
  tpl_set (data, "address", config->address);
  tpl_set_bool (data, "quiet", digest->empty);
  tpl_set_printf (data, "stale_months", "%u", config->digest_stale_months);
  tpl_set_printf (data, "silent_months", "%u", config->digest_silent_months);
  text = tpl_render_report ("digest", "en", data, &digest->subject, error);
  if (text == NULL)
    return NULL;
  html_source = tpl_load ("digest", "en", "html", error);
  if (html_source == NULL)
    return NULL;
  digest->html = tpl_render_string (html_source, data, TRUE, error);
  if (digest->html == NULL)
    return NULL;
  digest->text = digest_wrap (text, DIGEST_COLUMNS);
  digest->day = g_strdup (day);
  return g_steal_pointer (&digest);
}

/* The message of digest to one address. */
static GMimeMessage *
digest_message (const Config *config, const Digest *digest, const char *to)
{
  ComposeHeaders headers = {
    .auto_submitted = "auto-generated", .to = to, .subject = digest->subject,
    .language = "en",
  };
  GMimeMessage *msg = compose_message (config, &headers);
  compose_set_body (msg, compose_multipart ("alternative",
                                            compose_text_part ("plain", digest->text),
                                            compose_text_part ("html", digest->html), NULL));
  return msg;
}

gboolean
digest_queue (const Context *ctx, const Digest *digest, guint *queued, GError **error)
{
  *queued = 0;
  for (char **to = ctx->config->digest_to; to != NULL && *to != NULL; to++)
    {
      g_autoptr (GMimeMessage) msg = digest_message (ctx->config, digest, *to);
      if (outbox_queue (ctx->db, msg, *to, 0, "digest", error) == 0)
        {
          *queued = 0;
          return FALSE;
        }
      (*queued)++;
    }
  return TRUE;
}

gboolean
digest_send (const Context *ctx, const char *day, guint *queued, GError **error)
{
  sqlite3 *db = ctx->db;
  const Config *config = ctx->config;
  *queued = 0;
  g_autoptr (Digest) digest = digest_make (ctx, day, error);
  if (digest == NULL)
    return FALSE;
  if (config->digest_to == NULL || config->digest_to[0] == NULL)
    return TRUE;
  if (!db_begin (db, error))
    return FALSE;
  if (digest_queue (ctx, digest, queued, error) && db_commit (db, error))
    return TRUE;
  db_rollback (db);
  *queued = 0;
  return FALSE;
}
