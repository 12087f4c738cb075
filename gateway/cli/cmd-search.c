/* `ctcgw search`: the records and submissions that hold some words, best
 * first, each with the line the words were found in (ctcgw(8), search). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "gateway/cli/command.h"
#include "gateway/base/text.h"
#include "gateway/cli/commands.h"
#include "gateway/store/db.h"
#include "gateway/store/search.h"

#define DEFAULT_LIMIT 20
#define TITLE_MAX_CHARS 80

/* The first line of a title, cut to TITLE_MAX_CHARS, for a terminal. */
static char *
short_title (const char *title)
{
  g_autofree char *first = g_strndup (title != NULL ? title : "",
                                      strcspn (title != NULL ? title : "", "\n"));
  glong length = g_utf8_strlen (first, -1);
  g_autofree char *cut = g_utf8_substring (first, 0, MIN (length, TITLE_MAX_CHARS));
  g_autofree char *shown = command_printable (cut, FALSE);
  gboolean longer = length > TITLE_MAX_CHARS || title == NULL
                    || strchr (title, '\n') != NULL;
  return g_strconcat (shown, longer && title != NULL ? " …" : "", NULL);
}

/* Each hit as "REFERENCE  REGISTER  TITLE" ("(withdrawn)" after a
 * withdrawn record's; a record with no reference of its own, visit
 * information, under its title, the visit's) and its line, indented. */
static void
hits_text (GString *out, GPtrArray *hits)
{
  for (guint i = 0; i < hits->len; i++)
    {
      const SearchHit *h = hits->pdata[i];
      g_autofree char *title = short_title (h->title);
      g_autofree char *line = command_printable (h->line, FALSE);
      gboolean withdrawn = g_strcmp0 (h->state, "withdrawn") == 0;
      g_string_append_printf (out, "%s  %s  %s%s\n    %s\n",
                              h->reference != NULL ? h->reference : title, h->register_name,
                              title, withdrawn ? " (withdrawn)" : "", line);
    }
}

/* The hits as one JSON array of {register, reference, title, line, state}. */
static void
hits_json (GString *out, GPtrArray *hits)
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < hits->len; i++)
    {
      const SearchHit *h = hits->pdata[i];
      const char *names[] = { "register", "reference", "title", "line", "state" };
      const char *values[] = { h->register_name, h->reference, h->title, h->line, h->state };
      g_string_append (out, i > 0 ? ",\n{" : "\n{");
      for (int k = 0; k < 5; k++)
        {
          g_string_append_printf (out, "%s\"%s\":", k > 0 ? "," : "", names[k]);
          text_append_json_string (out, values[k]);
        }
      g_string_append_c (out, '}');
    }
  g_string_append (out, hits->len > 0 ? "\n]\n" : "]\n");
}

/* Runs the search on the open database and prints it. */
static int
search_print (sqlite3 *db, const char *words, const char *reg, int limit, gboolean json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) hits = search_find (db, words, reg, limit, &error);
  g_autoptr (GString) out = g_string_new (NULL);

  if (hits == NULL)
    return command_failed ("search", error);
  if (json)
    hits_json (out, hits);
  else
    hits_text (out, hits);
  return command_write_output ("search", NULL, out);
}

/* `ctcgw search WORDS... [--register R] [--json] [--limit N]` */
int
cmd_search (const Config *config, const char *config_path, int argc, char **argv)
{
  gboolean json = FALSE;
  g_autofree char *reg = NULL;
  int limit = DEFAULT_LIMIT;
  GOptionEntry entries[] = {
    { "register", 0, 0, G_OPTION_ARG_STRING, &reg, "only the records of REGISTER", "REGISTER" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "one JSON document", NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "at most N hits (default 20)", "N" },
    { NULL }
  };
  int status = EX_OK;

  if (!command_parse_options ("search", "WORDS...", "Find the records and submissions that "
                              "hold every word, best first.", entries, &argc, &argv))
    return EX_USAGE;
  if (argc < 2)
    return command_usage_error ("search", "say what to search for");
  if (limit < 1)
    return command_usage_error ("search", "--limit takes a number above 0");
  /* The registers as `list` names them too: visit_information. */
  if (reg != NULL)
    g_strdelimit (reg, "_", '-');
  if (reg != NULL && !g_strv_contains (search_registers, reg))
    return command_unknown_word ("search", "register", reg, search_registers);
  g_autofree char *words = g_strjoinv (" ", argv + 1);
  if (!g_utf8_validate (words, -1, NULL))
    return command_usage_error ("search", "the words are not UTF-8");
  sqlite3 *db = command_open_db (config, &status);
  if (db == NULL)
    return status;
  status = search_print (db, words, reg, limit, json);
  db_close (db);
  return status;
}
