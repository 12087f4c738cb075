/* What the files of the public site share (publish.h): the public entries
 * read from the database, and the files of a site being made. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

/* A register the site shows, with the columns it shows: the rule of what
 * is public (publish-registers.c). */
typedef struct {
  const char *table;          /* the register's table, and the stem of its files */
  const char *const *columns; /* public columns: reference and updated first */
  const char *owner;          /* the column naming whose entry it is */
  const char *const *sorts;   /* the columns its table can be sorted by, default first */
} PublicRegister;

extern const PublicRegister publish_registers[];
extern const guint publish_n_registers;
/* The offers register, the Matrix of Joint Activities. */
#define PUBLISH_OFFERS (&publish_registers[0])
/* A contact point named by an offer, when it agreed: these columns. */
extern const char *const publish_contact_columns[];
/* A meeting staff marked public: these columns. */
extern const char *const publish_meeting_columns[];

/* One public entry: its columns' text (a list column as its JSON array). */
typedef struct {
  const PublicRegister *reg;
  GHashTable *values;        /* column -> text; a NULL column is absent */
  char *lang;                /* the language it was sent in, or NULL */
  GPtrArray *contacts;       /* GHashTable* of publish_contact_columns */
} PublicEntry;

typedef struct {
  GPtrArray *entries;        /* PublicEntry*, register by register, by reference */
  GPtrArray *meetings;       /* GHashTable* of publish_meeting_columns */
  GHashTable *names;         /* entity code -> English name */
  GPtrArray *organizations;  /* codes of the organizations with an entry, sorted */
  char *updated;             /* the latest updated of an entry, or NULL */
} PublicData;

void public_data_free (PublicData *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PublicData, public_data_free)

/* Reads every public entry of db; NULL with error on a database failure. */
PublicData *public_data_read (sqlite3 *db, GError **error);

/* The value of column of entry, or "". */
const char *public_value (const PublicEntry *entry, const char *column);
/* TRUE for the columns that hold lists (JSON arrays of strings). */
gboolean public_is_list (const char *column);
/* The items of column of entry: those of a list column, else its value
 * alone (none when empty); never NULL.  Owned by the caller. */
char **public_items (const PublicEntry *entry, const char *column);
/* TRUE when the entry names code in its owner column. */
gboolean public_owned_by (const PublicEntry *entry, const char *code);

/* The files of a site being made: relative path -> GBytes. */
typedef struct {
  GHashTable *files;
  const char *url;           /* the site's address without a last '/', or NULL */
  sqlite3 *db;               /* for the names of States */
  const char *organizer;     /* the gateway's address: the calendar's ORGANIZER */
} Site;

/* Adds the file path with text (taken). */
void site_add (Site *site, const char *path, char *text);

/* publish-pages.c: every HTML page and the stylesheet. */
gboolean publish_pages (Site *site, const PublicData *data, GError **error);
/* publish-feeds.c: the CSV and JSON downloads, the Atom feed and the
 * calendar of public meetings. */
gboolean publish_feeds (Site *site, const PublicData *data, GError **error);
