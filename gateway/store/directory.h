/* Staff imports into the entities and groups registers: the organizations
 * staff add to the starter set, and the named sets of States
 * (docs/submissions.md section 3) that forms may then name. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "gateway/base/config.h"
#include "gateway/base/context.h"

/* A staff file to import (ctcgw(8), import): the register it goes into,
 * its name as the problems and the submission row show it, and its
 * contents.  Borrowed by the importers. */
typedef struct {
  const char *register_name;
  const char *path;
  const char *data;
  gsize len;
} ImportFile;

/* What became of the record rows of an import: rows read, and rows filed
 * (new, updated, unchanged or withdrawn); the others were refused. */
typedef struct {
  guint rows;
  guint filed;
} ImportCount;

/* Whether register_name is one that directory_import takes. */
gboolean directory_register (const char *register_name);

/* Files the rows of the CSV file (file->register_name one that
 * directory_register takes) into the entities or groups register, in one
 * transaction.  An entity whose code is known is
 * renamed, activated or deactivated; a group whose name is known gets the
 * members of the row instead of its own.  Rows with a problem are not filed:
 * their problems are appended to problems (formatted lines, "FILE row N:
 * ..."); count says how many rows were read and filed.  FALSE only for a
 * database failure. */
gboolean directory_import (const Context *ctx, const ImportFile *file, GPtrArray *problems,
                           ImportCount *count, GError **error);
