/* Filing checked records into the registers, with their history.
 * Each call runs inside the caller's transaction. */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include "parsers/form.h"

typedef enum {
  FILED_NEW,        /* a new record with a new reference */
  FILED_UPDATED,    /* Reference: named an existing record; fields changed */
  FILED_UNCHANGED,  /* Reference: named it, nothing changed */
  FILED_WITHDRAWN,  /* Action: withdraw */
  FILED_REFUSED,    /* not filed: rec->problems says why */
} FiledHow;

typedef struct {
  FiledHow how;
  char *reference;        /* the record's reference, or NULL when refused */
  GPtrArray *changed;     /* canonical field names that changed (updates) */
} FiledRecord;

void filed_record_clear (FiledRecord *out);

/* Files one checked record (no problems) for the submission submission_id:
 * insert, update (Reference:) or withdraw, and a history row for every
 * field that changed.  A reference that does not exist, belongs to another
 * register, or to an entity the sender does not speak for becomes a problem
 * of rec and out->how = FILED_REFUSED (TRUE is still returned).  FALSE only
 * for a database failure. */
gboolean registers_file (sqlite3 *db, const char *prefix, FormRecord *rec,
                         gint64 submission_id, FiledRecord *out, GError **error);

/* The lookup table of form.h backed by the entities and groups registers. */
FormLookup registers_lookup (sqlite3 *db);
