/* The SQLite registers: opening, the numbered schema files, reference data,
 * transactions and references.  Statements are prepared, never built from
 * input. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "parsers/message.h"

typedef enum {
  DB_ERROR_OPEN,      /* cannot open or create the file */
  DB_ERROR_SCHEMA,    /* the database is missing (run `ctcgw init`) or newer */
  DB_ERROR_BUSY,      /* locked beyond the busy timeout: try again later */
  DB_ERROR_FAILED,    /* any other SQLite error */
} DbError;
#define DB_ERROR db_error_quark ()
/* Prepared statements kept per connection, at most. */
#define DB_KEPT_MAX 256
GQuark db_error_quark (void);

/* Opens (creating when create is TRUE) the database at path: WAL, foreign
 * keys, a busy timeout.  Without create, a database that `ctcgw init` has not
 * made is DB_ERROR_SCHEMA with a message that says to run it. */
sqlite3 *db_open (const char *path, gboolean create, GError **error);
void db_close (sqlite3 *db);

/* Applies the schema files not yet applied (PRAGMA user_version) and loads
 * the reference data (areas, countries from iso-codes, organizations).
 * Running it again changes nothing. */
gboolean db_init (sqlite3 *db, GError **error);

/* Loads the states of the iso-codes JSON file at path (db_init uses
 * CTC_ISO3166_JSON) in its own transaction; codes already there are kept. */
gboolean db_load_countries (sqlite3 *db, const char *path, GError **error);

/* The schema version this program writes. */
int db_schema_version (void);

gboolean db_exec (sqlite3 *db, const char *sql, GError **error);
gboolean db_begin (sqlite3 *db, GError **error);   /* BEGIN IMMEDIATE */
gboolean db_commit (sqlite3 *db, GError **error);
void db_rollback (sqlite3 *db);

/* The work of one message of a batch (group commit): a savepoint when the
 * caller holds a transaction (db_begin) for the whole batch, else a
 * transaction of its own (BEGIN IMMEDIATE); *nested says which.  Rolled
 * back, it undoes its own work alone; the batch's transaction then still
 * keeps the messages before it. */
gboolean db_part_begin (sqlite3 *db, gboolean *nested, GError **error);
gboolean db_part_commit (sqlite3 *db, gboolean nested, GError **error);
void db_part_rollback (sqlite3 *db, gboolean nested);

/* The message about to be stored with raw through db, already read (NULL,
 * NULL: none): the search index of schema/018-search.sql takes its texts
 * instead of reading raw again.  Both are borrowed until the next call. */
void db_known_message (sqlite3 *db, GBytes *raw, const MailMessage *msg);

/* Sets error from the last SQLite failure on db (busy -> DB_ERROR_BUSY). */
void db_set_error (sqlite3 *db, GError **error, const char *what);

/* A prepared statement; NULL with error set on failure.  Give it back with
 * db_release (g_autoptr(sqlite3_stmt) does): the statements of up to
 * DB_KEPT_MAX SQL texts are kept prepared for the next call. */
sqlite3_stmt *db_prepare (sqlite3 *db, const char *sql, GError **error);
/* Gives a statement of db_prepare back: reset and kept for the next
 * db_prepare of the same SQL, or finalized.  g_autoptr (sqlite3_stmt) calls
 * it; never sqlite3_finalize() a statement of db_prepare. */
void db_release (sqlite3_stmt *stmt);

/* Steps st to its end: TRUE at SQLITE_DONE, else FALSE with error set
 * (what: the step, for the message). */
gboolean db_step_done (sqlite3 *db, sqlite3_stmt *st, const char *what, GError **error);

/* Steps st to its end: the first column of its rows as gint64, in order
 * (a new array), or NULL with error set ("what: SQLite's message"). */
GArray *db_step_ids (sqlite3 *db, sqlite3_stmt *st, const char *what, GError **error);

/* A copy of the text of column i of the current row, or NULL. */
char *db_column_dup (sqlite3_stmt *st, int i);

/* A time as the database stores them, in UTC: 2026-01-31T12:00:00Z; NULL
 * for NULL. */
char *db_time_text (GDateTime *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, db_release)

/* Allocates the next reference PREFIX-KIND-YEAR-SEQ ("CTC-OFF-2026-0042";
 * SUB references have six digits).  Call inside the filing transaction. */
char *db_next_reference (sqlite3 *db, const char *prefix, const char *kind,
                         int year, GError **error);

/* Marks the reference PREFIX-KIND-YEAR-SEQ as given, so that
 * db_next_reference never allocates it (or one before it) again: a record
 * filed under the reference it had in another register (ctcgw(8),
 * import).  A text that is no such reference is refused with
 * G_IO_ERROR_INVALID_DATA.  Call inside the filing transaction. */
gboolean db_claim_reference (sqlite3 *db, const char *reference, GError **error);

/* An entity's canonical code for any way of writing it (alpha-2, alpha-3,
 * English name, acronym; any case, accents optional), or NULL.  *suggestion,
 * when not NULL, is set to the closest known code or name (a new string), or
 * NULL when none is close. */
char *db_entity_resolve (sqlite3 *db, const char *text, char **suggestion);

/* The group's name as stored, or NULL. */
char *db_group_resolve (sqlite3 *db, const char *text);

/* Makes every transaction committed so far durable.  Commits run with
 * synchronous=NORMAL (no fsync each); a source calls this once per batch,
 * before it moves the batch's messages away (group commit). */
gboolean db_sync (sqlite3 *db, GError **error);

/* The same from any thread, given the path of the database's write-ahead
 * log (db_wal_path: a new string, NULL when there is none): a sync of the
 * file covers every transaction committed before it, whichever connection
 * wrote it. */
char *db_wal_path (sqlite3 *db);
gboolean db_sync_wal (const char *wal, GError **error);

/* The UIDVALIDITY and highest processed UID kept for an IMAP mailbox;
 * 0 and 0 when none is kept yet. */
gboolean db_mailbox_state (sqlite3 *db, const char *name, guint32 *uidvalidity,
                           guint32 *last_uid, GError **error);
gboolean db_mailbox_state_set (sqlite3 *db, const char *name, guint32 uidvalidity,
                               guint32 last_uid, GError **error);
