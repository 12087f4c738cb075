/* `ctcgw stats`: how many submissions and records, by entity, month, area
 * or form (ctcgw(8), stats).  Records are the active ones of the registers
 * filed from submissions; a submission counts once in each row that one of
 * its records is in (by month: in the month it was received). */
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

#include "gateway/cli/command.h"
#include "gateway/cli/commands.h"
#include "gateway/store/db.h"

/* Every active record: its form (register), submission, entities and
 * areas (JSON arrays) and when it was filed. */
#define RECORDS \
  "WITH records (form, submission_id, entities, areas, created) AS (" \
  " SELECT 'contacts', submission_id, json_array (entity), areas, created FROM contacts" \
  "  WHERE state = 'active'" \
  " UNION ALL SELECT 'offers', submission_id, providers, areas, created FROM offers" \
  "  WHERE state = 'active'" \
  " UNION ALL SELECT 'requests', submission_id, json_array (state_code), areas, created" \
  "  FROM requests WHERE state = 'active'" \
  " UNION ALL SELECT 'results', submission_id, json_array (reporter), NULL, created" \
  "  FROM results WHERE state = 'active'" \
  " UNION ALL SELECT 'sources', submission_id, json_array (provider), areas, created" \
  "  FROM sources WHERE state = 'active'" \
  " UNION ALL SELECT 'standards', submission_id, json_array (issuer), areas, created" \
  "  FROM standards WHERE state = 'active'" \
  " UNION ALL SELECT 'inventory', submission_id, json_array (entity), areas, created" \
  "  FROM inventory WHERE state = 'active'" \
  " UNION ALL SELECT 'visit-information', submission_id, json_array (entity), NULL," \
  "  created FROM visit_information WHERE state = 'active'" \
  " UNION ALL SELECT 'visit-consents', submission_id, NULL, NULL, created" \
  "  FROM visit_consents WHERE state = 'active') "

/* The rows of a list column of records, "-" for none. */
#define EACH(col) \
  " FROM records r LEFT JOIN json_each (CASE WHEN json_valid (r." col ") THEN r." col \
  " END) j GROUP BY 1 ORDER BY 1"

typedef struct {
  const char *by;
  const char *sql;
} StatsQuery;

static const StatsQuery queries[] = {
  { "form", RECORDS "SELECT form, count (DISTINCT submission_id) AS submissions,"
            " count (*) AS records FROM records GROUP BY form ORDER BY form" },
  { "entity", RECORDS "SELECT coalesce (j.value, '-') AS entity,"
              " count (DISTINCT r.submission_id) AS submissions, count (*) AS records"
              EACH ("entities") },
  { "area", RECORDS "SELECT coalesce (j.value, '-') AS area,"
            " count (DISTINCT r.submission_id) AS submissions, count (*) AS records"
            EACH ("areas") },
  { "month", RECORDS ", months (month) AS (SELECT substr (received, 1, 7) FROM submissions"
             " WHERE reference IS NOT NULL UNION SELECT substr (created, 1, 7) FROM records)"
             " SELECT m.month,"
             " (SELECT count (*) FROM submissions s WHERE s.reference IS NOT NULL"
             "  AND substr (s.received, 1, 7) = m.month) AS submissions,"
             " (SELECT count (*) FROM records r WHERE substr (r.created, 1, 7) = m.month)"
             " AS records FROM months m ORDER BY m.month" },
};

static const char *const axes[] = { "form", "entity", "area", "month", NULL };

/* Prints the counts by axis as a table or as one JSON array. */
static int
stats_print (sqlite3 *db, const StatsQuery *q, gboolean json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (sqlite3_stmt) st = db_prepare (db, q->sql, &error);
  g_autoptr (GString) out = g_string_new (NULL);

  if (st == NULL)
    return command_failed ("stats", error);
  if (!json)
    return command_print_table (db, st, &error) ? EX_OK : command_failed ("stats", error);
  if (!command_json_append_rows (db, out, st, &error))
    return command_failed ("stats", error);
  g_string_append_c (out, '\n');
  return command_write_output ("stats", NULL, out);
}

/* `ctcgw stats [--by form|entity|area|month] [--json]` */
int
cmd_stats (const Config *config, const char *config_path, int argc, char **argv)
{
  gboolean json = FALSE;
  g_autofree char *by = NULL;
  GOptionEntry entries[] = {
    { "by", 0, 0, G_OPTION_ARG_STRING, &by, "count by form (the default), entity, area"
      " or month", "AXIS" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "one JSON document", NULL },
    { NULL }
  };
  int status = EX_OK;

  if (!command_parse_options ("stats", "", "Count the submissions and the active records.",
                              entries, &argc, &argv))
    return EX_USAGE;
  if (argc != 1)
    return command_usage_error ("stats", "stats takes no argument");
  const char *axis = by != NULL ? by : "form";
  const StatsQuery *q = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (queries); i++)
    if (strcmp (queries[i].by, axis) == 0)
      q = &queries[i];
  if (q == NULL)
    return command_unknown_word ("stats", "axis", axis, axes);
  sqlite3 *db = command_open_db (config, &status);
  if (db == NULL)
    return status;
  status = stats_print (db, q, json);
  db_close (db);
  return status;
}
