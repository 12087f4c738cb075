/* Search: the words of every register and of the submissions, in the FTS5
 * index of schema/018-search.sql (ctcgw(8), search).  Ranked by BM25, a
 * word of a title counting ten times a word of the text; Chinese matched
 * as a substring of the records that hold Han characters.
 *
 * Ownership: search_find() returns a new array that frees its hits. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

typedef struct {
  char *register_name;   /* "offers", "submissions", ... */
  char *reference;       /* "CTC-OFF-2026-0001", or a group's name */
  char *title;           /* the title or name, or NULL */
  char *line;            /* the line a word matched in, the words in [ ] */
  char *state;           /* "active", "withdrawn", or NULL (groups, submissions) */
} SearchHit;

/* The registers in the index, NULL-terminated, for --register. */
extern const char *const search_registers[];

/* The records that hold every word of words (space separated), best
 * first, at most limit; only those of register_name when it is not NULL.
 * An empty array when there is none; NULL with error set on a database
 * failure. */
GPtrArray *search_find (sqlite3 *db, const char *words, const char *register_name,
                        int limit, GError **error);
