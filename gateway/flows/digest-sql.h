/* The SQL of the daily digest (digest.c): the lists of its sections and
 * what happened on the day, with the named parameters digest.c binds
 * (:day, :since, :until, :limit and the others of its Bounds). */
#pragma once

#include <glib.h>

/* A list column as its items separated by spaces. */
#define JSON_LIST(col) \
  "json_each (CASE WHEN json_valid (" col ") THEN " col " ELSE json_array (" col ") END)"
/* The names of the entities of a list column, separated by commas. */
#define NAMES(col) \
  "(SELECT group_concat (coalesce (e.name, j.value), ', ') FROM " JSON_LIST (col) " j" \
  " LEFT JOIN entities e ON e.code = j.value)"
/* The name of the entity of a code column, or the code. */
#define NAME(col) "coalesce ((SELECT e.name FROM entities e WHERE e.code = " col "), " col ")"
/* The contact point an address column is, its name and its entity's. */
#define PERSON(col) \
  "(SELECT c.name FROM contacts c WHERE lower (c.email) = lower (" col ")" \
  " ORDER BY c.state, c.id LIMIT 1) AS person," \
  " (SELECT " NAME ("c.entity") " FROM contacts c WHERE lower (c.email) = lower (" col ")" \
  " ORDER BY c.state, c.id LIMIT 1) AS org"
#define OF_THE_DAY "s.received >= :since AND s.received < :until"
#define UTC_MINUTE(col) "replace (substr (" col ", 1, 16), 'T', ' ')"

/* A list of the digest read with SQL.  Each column is a value of an item
 * by its name: command... are commands to run, title... the first line of
 * a text, is_... flags, names... lists of names, the others short values. */
typedef struct {
  const char *key;    /* the template's name of the list (or, for decisions, of the flag) */
  const char *sql;
  const char *more;   /* the command that lists every row */
} DigestList;

/* What waits for staff, each with what settles it (every row is counted
 * for the summary line). */
extern const DigestList digest_decisions[];
extern const gsize digest_decisions_n;

/* The outlook: meetings, visits, information due, and what is stale. */
extern const DigestList digest_outlook[];
extern const gsize digest_outlook_n;

/* What happened on the day, each row with its entity's name and title. */
extern const char digest_happened_sql[];
