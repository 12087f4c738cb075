/* What the cmocka tests share: a temporary directory, a configuration
 * written into it, a database made by db_init, one-value queries, the
 * messages the outbox holds and the sample corpus.  Every helper fails the
 * running test rather than return an error, so a test reads as the steps it
 * takes.  Include after <cmocka.h>. */
#pragma once

#include <glib.h>
#include <gmime/gmime.h>
#include <sqlite3.h>

#include "gateway/base/config.h"
#include "gateway/base/context.h"

/* A new empty directory under the temporary directory, named after the
 * test (ctcgw-NAME-XXXXXX); the caller gives it to fixture_dir_free. */
char *fixture_dir_new (const char *name);
/* Removes dir and everything below it, then frees the string. */
void fixture_dir_free (char *dir);

/* Writes text as DIR/ctcgw.conf and loads it; the caller owns the Config. */
Config *fixture_config (const char *dir, const char *text);
/* The database at path, created and initialized; the caller closes it. */
sqlite3 *fixture_db (const char *path);

/* The Context of f's db and config (f: a Gateway or a test's own state
 * with both), never cancelled, for the flows' calls: a compound literal,
 * alive to the end of the enclosing block. */
#define FIXTURE_CONTEXT(f) (&(Context) { (f)->db, (f)->config, NULL })

/* What most tests run against: a directory of their own, a configuration
 * written there and loaded, and the database it names, initialized. */
typedef struct {
  char *dir;
  Config *config;
  sqlite3 *db;
} Gateway;

/* A new Gateway in ctcgw-NAME-XXXXXX with text as its ctcgw.conf; the
 * caller gives it to fixture_gateway_free. */
Gateway *fixture_gateway_new (const char *name, const char *text);
/* Closes the database, frees the configuration, removes the directory. */
void fixture_gateway_free (Gateway *gw);
/* fixture_gateway_free as a cmocka teardown of a Gateway in *state. */
int fixture_gateway_teardown (void **state);

/* Runs sql (one or more statements). */
void fixture_exec (sqlite3 *db, const char *sql);
/* The first column of the first row of sql, as a number: a count. */
gint64 fixture_count (sqlite3 *db, const char *sql);
/* The first column of the first row of sql as new text, or NULL when there
 * is no row or the value is NULL. */
char *fixture_text (sqlite3 *db, const char *sql);
/* Fails unless fixture_text gives expected (NULL for no value). */
void fixture_assert_text (sqlite3 *db, const char *sql, const char *expected);

/* The last message of kind queued in the outbox for recipient, parsed; the
 * caller unrefs it. */
GMimeMessage *fixture_queued (sqlite3 *db, const char *kind, const char *recipient);

/* The decoded content of a MIME part, as new text. */
char *fixture_part_text (GMimeObject *part);

/* The directory of sample messages: $CTCGW_CORPUS, else ../shared/corpus
 * beside $CTCGW_SRCDIR; NULL when it is not there (the test skips). */
char *fixture_corpus_dir (void);

/* Skips the running test (cmocka's skip) when dir, what fixture_corpus_dir
 * returned, is NULL. */
void fixture_need_corpus (const char *dir);
