/* CSV cells as the gateway writes them for spreadsheets and reads them back
 * (ctcgw(8), CSV AND SPREADSHEETS).  The reading of whole CSV attachments
 * and imports is declared in parsers/form.h. */
#pragma once

#include <glib.h>

/* Whether value is written after an apostrophe so that no spreadsheet takes
 * it for a formula: it begins with = + - @, a tab or a carriage return, or
 * with apostrophes followed by one of these (so that a value that begins
 * with an apostrophe reads back as it was). */
gboolean csv_cell_guarded (const char *value);

/* Appends value (NULL: empty) to out as one RFC 4180 cell: after an
 * apostrophe when csv_cell_guarded() says so; quoted when it holds a comma,
 * a quote, a line break or a space at either end; its bytes otherwise as
 * they are. */
void csv_append_cell (GString *out, const char *value);

/* cell as it was before csv_append_cell() wrote it: without the apostrophe
 * it added, and only where it would have added one.  A pointer into cell. */
const char *csv_cell_value (const char *cell);
