/* CSV attachments (docs/submissions.md section 4): RFC 4180 through libcsv,
 * one record a row.  Rows are numbered as a spreadsheet shows them: the
 * header is row 1, the first record row 2 (a quoted cell spanning lines is
 * one row).  And the one writer of a CSV cell, whose apostrophe before a
 * formula the reader takes off again (ctcgw(8), CSV AND SPREADSHEETS). */
#include "parsers/csv.h"
#include "parsers/form.h"

#include <csv.h>
#include <string.h>

typedef struct {
  FormParse *parse;
  const char *filename;
  CtcLimits limits;
  const struct form_kind *file_kind;  /* kind the file name gives, or NULL */
  GPtrArray *header;    /* keys: canonical, else as written */
  gint form_column;     /* index of the Form column, or -1 */
  GPtrArray *cells;     /* cells of the current row, at most cells_max */
  guint n_cells;        /* cells of the current row, all of them */
  guint cells_max;
  guint row;
  gboolean stop;
} CsvReader;

/* The kind a file name gives: "inventory.csv", "assistance-offer.csv",
 * "offers-2026.csv" (a kind or register name, then anything after a '-'). */
static const struct form_kind *
kind_from_filename (const char *filename)
{
  if (filename == NULL)
    return NULL;
  const char *base = filename;
  for (const char *p = filename; *p; p++)
    if (*p == '/' || *p == '\\')
      base = p + 1;
  g_autofree char *name = g_strdup (base);
  if (g_str_has_suffix (name, ".csv") || g_str_has_suffix (name, ".CSV"))
    name[strlen (name) - 4] = '\0';
  g_autofree char *folded = form_fold (name);
  const struct form_kind *best = NULL;
  gsize best_len = 0;
  for (guint i = 0; form_kinds[i]; i++)
    {
      g_autofree char *reg = form_fold (form_kinds[i]->register_name);
      const char *names[] = { form_kinds[i]->name, reg };
      for (guint j = 0; j < G_N_ELEMENTS (names); j++)
        {
          gsize n = strlen (names[j]);
          if (g_str_has_prefix (folded, names[j])
              && (folded[n] == '\0' || folded[n] == '-') && n > best_len)
            {
              best = form_kinds[i];
              best_len = n;
            }
        }
    }
  return best;
}

/* ---- cells written for spreadsheets ------------------------------------ */

/* The first characters that make a spreadsheet read a cell as a formula
 * (OWASP's list; a tab or CR is skipped before the formula). */
#define FORMULA_STARTS "=+-@\t\r"

/* See csv.h. */
gboolean
csv_cell_guarded (const char *value)
{
  if (value == NULL)
    return FALSE;
  while (*value == '\'')
    value++;
  return *value != '\0' && strchr (FORMULA_STARTS, *value) != NULL;
}

/* Whether value must be quoted (RFC 4180, and a space at an end that
 * readers would trim). */
static gboolean
cell_needs_quotes (const char *value)
{
  gsize len = strlen (value);
  return strpbrk (value, ",\"\r\n") != NULL
         || (len > 0 && (value[0] == ' ' || value[len - 1] == ' '));
}

/* See csv.h. */
void
csv_append_cell (GString *out, const char *value)
{
  const char *v = value != NULL ? value : "";
  gboolean quote = cell_needs_quotes (v);

  if (quote)
    g_string_append_c (out, '"');
  if (csv_cell_guarded (v))
    g_string_append_c (out, '\'');
  for (const char *p = v; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  if (quote)
    g_string_append_c (out, '"');
}

/* See csv.h. */
const char *
csv_cell_value (const char *cell)
{
  if (cell[0] == '\'' && csv_cell_guarded (cell + 1))
    return cell + 1;
  return cell;
}

/* ---- reading ------------------------------------------------------------ */

/* A cell as UTF-8 with no NUL inside, cut at a few times the value limit
 * (the limit itself is checked where the cell becomes a value), without
 * the apostrophe that csv_append_cell() puts before a formula. */
static char *
cell_text (const char *s, gsize len, guint value_max)
{
  gsize cap = (gsize) value_max * 4 + 4;
  g_autofree char *valid = g_utf8_make_valid (s ? s : "", s ? MIN (len, cap) : 0);
  return g_strdup (csv_cell_value (g_strstrip (valid)));
}

/* libcsv: one cell. */
static void
on_cell (void *s, size_t len, void *data)
{
  CsvReader *r = data;
  if (r->stop)
    return;
  r->n_cells++;
  if (r->cells->len < r->cells_max)
    g_ptr_array_add (r->cells, cell_text (s, len, r->limits.value_max));
}

/* Reads the header row: keys, and where the Form column is. */
static void
read_header (CsvReader *r)
{
  char number[PROBLEM_NUMBER_LEN];
  r->header = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < r->cells->len; i++)
    {
      const char *cell = r->cells->pdata[i];
      const char *canonical = form_key_canonical (cell);
      form_parse_count_key (r->parse, cell);
      if (g_strcmp0 (canonical, "Form") == 0 && r->form_column < 0)
        r->form_column = i;
      g_ptr_array_add (r->header, g_strdup (canonical ? canonical : cell));
    }
  if (r->n_cells > r->cells->len)
    form_parse_problem (r->parse, r->filename, 1, TRUE, PROBLEM_CSV_COLUMNS_MAX,
                        problem_number (number, r->cells_max), NULL);
  r->cells_max = r->header->len + 1;
  if (r->form_column < 0 && r->file_kind == NULL)
    {
      form_parse_problem (r->parse, r->filename, 0, TRUE, PROBLEM_CSV_NO_FORM_COLUMN, NULL);
      r->stop = TRUE;
    }
}

/* Adds cell i of the current row to rec as a value. */
static void
add_cell (CsvReader *r, FormRecord *rec, guint i)
{
  char number[PROBLEM_NUMBER_LEN];
  const char *cell = r->cells->pdata[i];
  const char *key = i < r->header->len ? r->header->pdata[i] : "";
  if (*cell == '\0' || (gint) i == r->form_column)
    return;
  if (*key == '\0')
    {
      form_record_problem (rec, r->row, NULL, PROBLEM_CSV_UNNAMED_COLUMN,
                           problem_number (number, i + 1), NULL);
      return;
    }
  if (rec->values->len >= r->limits.fields_max)
    {
      form_record_problem (rec, r->row, NULL, PROBLEM_FIELDS_MAX,
                           problem_number (number, r->limits.fields_max), NULL);
      return;
    }
  if (g_utf8_strlen (cell, -1) > (glong) r->limits.value_max)
    {
      form_record_problem (rec, r->row, key, PROBLEM_VALUE_TOO_LONG,
                           problem_number (number, r->limits.value_max), NULL);
      return;
    }
  FormValue *v = g_new0 (FormValue, 1);
  v->key = g_strdup (key);
  v->value = g_strdup (cell);
  v->line = r->row;
  g_ptr_array_add (rec->values, v);
}

/* Reads one record row. */
static void
read_record (CsvReader *r)
{
  char number[PROBLEM_NUMBER_LEN], header[PROBLEM_NUMBER_LEN];
  if (r->parse->records->len >= r->limits.records_max)
    {
      form_parse_problem (r->parse, NULL, 0, FALSE, PROBLEM_RECORDS_MAX,
                          problem_number (number, r->limits.records_max), NULL);
      r->stop = TRUE;
      return;
    }
  const char *form = r->form_column >= 0 && (guint) r->form_column < r->cells->len
                     ? r->cells->pdata[r->form_column] : "";
  gboolean of_file_kind = *form == '\0' && r->file_kind;
  if (of_file_kind)
    form = r->file_kind->name;
  FormRecord *rec = form_record_new (form, r->filename, r->row, TRUE);
  if (of_file_kind)
    rec->kind = r->file_kind;   /* a staff-only kind is not in form_kinds */
  g_ptr_array_add (r->parse->records, rec);
  for (guint i = 0; i < r->cells->len && i < r->header->len; i++)
    add_cell (r, rec, i);
  if (r->n_cells > r->header->len)
    form_record_problem (rec, r->row, NULL, PROBLEM_CSV_CELLS,
                         problem_number (number, r->n_cells),
                         problem_number (header, r->header->len), NULL);
}

/* Whether every cell of the current row is empty. */
static gboolean
row_is_empty (CsvReader *r)
{
  for (guint i = 0; i < r->cells->len; i++)
    if (*(const char *) r->cells->pdata[i])
      return FALSE;
  return r->n_cells <= r->cells->len;
}

/* libcsv: the end of a row. */
static void
on_row (int c, void *data)
{
  CsvReader *r = data;
  if (r->stop)
    return;
  r->row++;
  if (r->row == 1)
    read_header (r);
  else if (!row_is_empty (r))
    read_record (r);
  g_ptr_array_set_size (r->cells, 0);
  r->n_cells = 0;
}

/* The delimiter of data: ',' unless its first line has more ';' or tabs. */
static unsigned char
guess_delimiter (const char *data, gsize len)
{
  guint comma = 0, semicolon = 0, tab = 0;
  gboolean quoted = FALSE;
  for (gsize i = 0; i < len && (quoted || (data[i] != '\n' && data[i] != '\r')); i++)
    {
      quoted ^= data[i] == '"';
      comma += !quoted && data[i] == ',';
      semicolon += !quoted && data[i] == ';';
      tab += !quoted && data[i] == '\t';
    }
  if (tab > comma && tab > semicolon)
    return '\t';
  return semicolon > comma ? ';' : ',';
}

/* Runs libcsv over data; a syntax error becomes a problem of the file. */
static void
run_parser (CsvReader *r, const char *data, gsize len)
{
  struct csv_parser p;
  if (csv_init (&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
    g_error ("csv_init failed");
  csv_set_delim (&p, guess_delimiter (data, len));
  if (csv_parse (&p, data, len, on_cell, on_row, r) != len
      || csv_fini (&p, on_cell, on_row, r) != 0)
    form_parse_problem (r->parse, r->filename, r->row + 1, TRUE, PROBLEM_CSV_INVALID,
                        csv_strerror (csv_error (&p)), NULL);
  csv_free (&p);
}

/* Reads data as CSV whose rows are of file_kind unless a Form column says. */
static void
parse_csv (FormParse *parse, const char *data, gsize len, const char *filename,
           const struct form_kind *file_kind, const CtcLimits *limits)
{
  CsvReader r = { .parse = parse, .filename = filename, .form_column = -1,
                  .limits = limits ? *limits : ctc_limits_default () };
  if (data == NULL)
    len = 0;
  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      data += 3;
      len -= 3;
    }
  r.file_kind = file_kind;
  r.cells = g_ptr_array_new_with_free_func (g_free);
  r.cells_max = MAX (r.limits.fields_max, 1) * 4;
  run_parser (&r, data ? data : "", len);
  if (r.row == 0 && len > 0)
    form_parse_problem (parse, filename, 0, TRUE, PROBLEM_CSV_NO_HEADER, NULL);
  g_ptr_array_unref (r.cells);
  if (r.header)
    g_ptr_array_unref (r.header);
}

/* Reads a CSV attachment: see form.h. */
void
form_parse_csv (FormParse *parse, const char *data, gsize len,
                const char *filename, const CtcLimits *limits)
{
  parse_csv (parse, data, len, filename, kind_from_filename (filename), limits);
}

/* Reads a staff import of kind: see form.h. */
void
form_parse_csv_as (FormParse *parse, const char *data, gsize len,
                   const char *filename, const struct form_kind *kind,
                   const CtcLimits *limits)
{
  parse_csv (parse, data, len, filename, kind, limits);
}
