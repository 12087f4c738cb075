/* A register as the CSV that `ctcgw import` reads back (ctcgw(8), import
 * and export): the keys of its form as the header row, lists written as
 * "a, b", a withdrawn record with Action withdraw. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "parsers/form.h"

/* The kind whose rows `import` files into register_name, when that
 * register is exported in the keys of its form; else NULL. */
const struct form_kind *sheet_kind (const char *register_name);

/* Appends every record of kind's register to out as CSV: a header row of
 * the form's keys (the record's own Reference first, Action last), then a
 * row a record in the order they were filed.  FALSE on a database
 * failure. */
gboolean sheet_append (sqlite3 *db, const struct form_kind *kind, GString *out,
                       GError **error);
