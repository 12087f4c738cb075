/* Search over the index of schema/018-search.sql (ctcgw(8), search). */
#include "gateway/store/search.h"
#include "gateway/store/db.h"

#include <string.h>

#define MARK_START '\x02'    /* around a matched word, in highlight() */
#define MARK_END '\x03'
#define LINE_MAX_CHARS 160   /* a longer line is cut around its first match */

const char *const search_registers[] = {
  "contacts", "offers", "requests", "results", "sources", "standards", "inventory",
  "visit-information", "meetings", "circulars", "groups", "submissions", NULL
};

/* The state of the record d names ('active', 'withdrawn'), or NULL for
 * the registers that have none (groups, submissions). */
#define STATE_OF_DOC \
  "(SELECT state FROM contacts WHERE d.register = 'contacts' AND id = d.record_id" \
  " UNION ALL SELECT state FROM offers WHERE d.register = 'offers' AND id = d.record_id" \
  " UNION ALL SELECT state FROM requests WHERE d.register = 'requests' AND id = d.record_id" \
  " UNION ALL SELECT state FROM results WHERE d.register = 'results' AND id = d.record_id" \
  " UNION ALL SELECT state FROM sources WHERE d.register = 'sources' AND id = d.record_id" \
  " UNION ALL SELECT state FROM standards WHERE d.register = 'standards' AND id = d.record_id" \
  " UNION ALL SELECT state FROM inventory WHERE d.register = 'inventory' AND id = d.record_id" \
  " UNION ALL SELECT state FROM visit_information WHERE d.register = 'visit-information'" \
  "  AND id = d.record_id" \
  " UNION ALL SELECT state FROM meetings WHERE d.register = 'meetings' AND id = d.record_id" \
  " UNION ALL SELECT state FROM circulars WHERE d.register = 'circulars' AND id = d.record_id)"

/* The words: FTS5 ranks them with BM25 (a title's words weigh ten times
 * the text's); ?1 the FTS5 query, ?2 the register or NULL, ?3 the limit. */
static const char words_sql[] =
  "SELECT d.register, d.reference, d.title,"
  " highlight (search_words, 0, char (2), char (3)),"
  " highlight (search_words, 1, char (2), char (3)), " STATE_OF_DOC
  " FROM search_words JOIN search_docs d ON d.id = search_words.rowid"
  " WHERE search_words MATCH ?1 AND (?2 IS NULL OR d.register = ?2)"
  " ORDER BY bm25 (search_words, 10.0, 1.0) LIMIT ?3";

/* Han words: substrings (?4, a JSON array) of the rows with Han characters
 * (the partial index search_docs_han), newest first; the other words, if
 * any, through the index (?1). */
static const char han_sql[] =
  "SELECT d.register, d.reference, d.title, d.title, d.body, " STATE_OF_DOC
  " FROM search_docs d"
  " WHERE d.han AND (?2 IS NULL OR d.register = ?2)"
  " AND NOT EXISTS (SELECT 1 FROM json_each (?4) WHERE instr (coalesce (d.title, '')"
  "  || char (10) || coalesce (d.body, ''), value) = 0)"
  " AND (?1 IS NULL OR d.id IN (SELECT rowid FROM search_words WHERE search_words MATCH ?1))"
  " ORDER BY d.id DESC LIMIT ?3";

/* Frees a hit of search_find(). */
static void
search_hit_free (SearchHit *hit)
{
  g_free (hit->register_name);
  g_free (hit->reference);
  g_free (hit->title);
  g_free (hit->line);
  g_free (hit->state);
  g_free (hit);
}

/* Whether word holds a Han character (U+3400 to U+9FFF, as the GLOB of
 * search_docs.han). */
static gboolean
is_han (const char *word)
{
  for (const char *p = word; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c >= 0x3400 && c <= 0x9FFF)
        return TRUE;
    }
  return FALSE;
}

/* Whether word holds a letter or a digit: anything else is no word. */
static gboolean
is_word (const char *word)
{
  for (const char *p = word; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_isalnum (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

/* A word as a quoted FTS5 phrase or a JSON string: in quotes, a quote
 * doubled (FTS5) or escaped with a backslash, as are a backslash and a
 * control character (JSON). */
static void
append_quoted (GString *to, const char *word, gboolean json)
{
  g_string_append_c (to, '"');
  for (const char *p = word; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append (to, json ? "\\\"" : "\"\"");
      else if (*p == '\\' && json)
        g_string_append (to, "\\\\");
      else if ((guchar) *p < 0x20 && json)
        g_string_append_printf (to, "\\u%04x", (guchar) *p);
      else
        g_string_append_c (to, *p);
    }
  g_string_append_c (to, '"');
}

/* Sorts the words into the FTS5 query of the others (each a quoted
 * phrase, all of them required; NULL when none) and the Han ones. */
static char *
split_words (const char *words, GPtrArray *han)
{
  g_auto (GStrv) items = g_strsplit_set (words, " \t\n", -1);
  GString *query = g_string_new (NULL);

  for (char **it = items; *it != NULL; it++)
    {
      if (!is_word (*it))
        continue;
      if (is_han (*it))
        {
          g_ptr_array_add (han, g_strdup (*it));
          continue;
        }
      if (query->len > 0)
        g_string_append_c (query, ' ');
      append_quoted (query, *it, FALSE);
    }
  return g_string_free (query, query->len == 0);
}

/* The Han words as a JSON array. */
static char *
han_json (GPtrArray *han)
{
  GString *json = g_string_new ("[");
  for (guint i = 0; i < han->len; i++)
    {
      if (i > 0)
        g_string_append_c (json, ',');
      append_quoted (json, han->pdata[i], TRUE);
    }
  g_string_append_c (json, ']');
  return g_string_free (json, FALSE);
}

/* text with every occurrence of the words between the marks, as
 * highlight() marks them. */
static char *
mark_words (const char *text, GPtrArray *words)
{
  GString *out = g_string_new (NULL);
  for (const char *p = text != NULL ? text : ""; *p != '\0';)
    {
      gsize len = 0;
      for (guint i = 0; i < words->len && len == 0; i++)
        if (g_str_has_prefix (p, words->pdata[i]))
          len = strlen (words->pdata[i]);
      if (len == 0)
        {
          g_string_append_c (out, *p++);
          continue;
        }
      g_string_append_c (out, MARK_START);
      g_string_append_len (out, p, len);
      g_string_append_c (out, MARK_END);
      p += len;
    }
  return g_string_free (out, FALSE);
}

/* The first line of marked (text with marks) that holds a mark, or NULL. */
static char *
marked_line (const char *marked)
{
  if (marked == NULL)
    return NULL;
  const char *mark = strchr (marked, MARK_START);
  if (mark == NULL)
    return NULL;
  const char *start = mark;
  while (start > marked && start[-1] != '\n')
    start--;
  const char *end = mark + strcspn (mark, "\n");
  return g_strndup (start, end - start);
}

/* The line shown: at most LINE_MAX_CHARS characters around its first
 * match, the marks made brackets. */
static char *
shown_line (const char *line)
{
  const char *mark = strchr (line, MARK_START);
  glong before = g_utf8_pointer_to_offset (line, mark);
  const char *from = before > LINE_MAX_CHARS / 3
    ? g_utf8_offset_to_pointer (mark, -(LINE_MAX_CHARS / 3)) : line;
  glong length = g_utf8_strlen (from, -1);
  g_autofree char *cut = g_utf8_substring (from, 0, MIN (length, LINE_MAX_CHARS));
  GString *out = g_string_new (from > line ? "…" : "");
  for (const char *p = cut; *p != '\0'; p++)
    g_string_append_c (out, *p == MARK_START ? '[' : *p == MARK_END ? ']' : *p);
  if (length > LINE_MAX_CHARS)
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}

/* The hit of the current row of st: columns register, reference, title,
 * then the title and the text with their matches marked, then the state. */
static SearchHit *
hit_of_row (sqlite3_stmt *st, GPtrArray *han)
{
  SearchHit *hit = g_new0 (SearchHit, 1);
  hit->register_name = db_column_dup (st, 0);
  hit->reference = db_column_dup (st, 1);
  hit->title = db_column_dup (st, 2);
  hit->state = db_column_dup (st, 5);
  const char *title = (const char *) sqlite3_column_text (st, 3);
  const char *body = (const char *) sqlite3_column_text (st, 4);
  g_autofree char *marked_title = han->len > 0 ? mark_words (title, han) : g_strdup (title);
  g_autofree char *marked_body = han->len > 0 ? mark_words (body, han) : g_strdup (body);
  g_autofree char *line = marked_line (marked_body);
  if (line == NULL)
    line = marked_line (marked_title);
  hit->line = line != NULL ? shown_line (line) : g_strdup ("");
  return hit;
}

GPtrArray *
search_find (sqlite3 *db, const char *words, const char *register_name, int limit,
             GError **error)
{
  g_autoptr (GPtrArray) han = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *fts = split_words (words, han);
  g_autofree char *json = han_json (han);
  GPtrArray *hits = g_ptr_array_new_with_free_func ((GDestroyNotify) search_hit_free);

  if (fts == NULL && han->len == 0)
    return hits;
  g_autoptr (sqlite3_stmt) st = db_prepare (db, han->len > 0 ? han_sql : words_sql, error);
  if (st == NULL)
    {
      g_ptr_array_unref (hits);
      return NULL;
    }
  sqlite3_bind_text (st, 1, fts, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, register_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (st, 3, limit);
  if (han->len > 0)
    sqlite3_bind_text (st, 4, json, -1, SQLITE_TRANSIENT);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_ptr_array_add (hits, hit_of_row (st, han));
  if (rc != SQLITE_DONE)
    {
      db_set_error (db, error, "searching");
      g_ptr_array_unref (hits);
      return NULL;
    }
  return hits;
}
