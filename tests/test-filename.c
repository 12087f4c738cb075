/* Tests of parsers/filename.c: attachments' names made safe to show, store
 * and write under. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "parsers/filename.h"
#include "parsers/limits.h"

/* Fails unless name cleans to expected (NULL: nothing left). */
static void
assert_clean (const char *name, const char *expected)
{
  g_autofree char *got = ctc_file_name_clean (name);

  if (expected == NULL)
    assert_null (got);
  else
    assert_string_equal (got, expected);
}

static void
test_plain_names_kept (void **state)
{
  assert_clean ("report.pdf", "report.pdf");
  assert_clean ("Rapport annuel 2026.docx", "Rapport annuel 2026.docx");
  assert_clean ("تقرير.pdf", "تقرير.pdf");
  assert_clean ("年度报告.xlsx", "年度报告.xlsx");
}

static void
test_no_path (void **state)
{
  assert_clean ("../../etc/passwd", "passwd");
  assert_clean ("C:\\Windows\\system32\\evil.dll", "evil.dll");
  assert_clean ("dir/", NULL);
  assert_clean ("/", NULL);
  assert_clean ("..", NULL);
  assert_clean (NULL, NULL);
}

static void
test_no_leading_dot (void **state)
{
  assert_clean (".bashrc", "bashrc");
  assert_clean ("...", NULL);
  assert_clean (" . hidden.txt", "hidden.txt");
  assert_clean ("name.pdf. ", "name.pdf");
}

static void
test_no_controls (void **state)
{
  assert_clean ("a\nb\rc\td\x1b[31m.pdf", "abcd[31m.pdf");
  assert_clean ("nul\x7f.txt", "nul.txt");
  assert_clean ("c1\xc2\x85.txt", "c1.txt");   /* U+0085 NEXT LINE */
  assert_clean ("bad\xff\xfe.txt", "bad.txt"); /* not UTF-8 */
}

/* Right-to-left overrides and isolates, and other invisible characters:
 * "invoice\u202Efdp.exe" shows as "invoiceexe.pdf". */
static void
test_no_bidi (void **state)
{
  assert_clean ("invoice\u202Efdp.exe", "invoicefdp.exe");
  assert_clean ("\u2066a\u2069\u200Eb\u200Fc\u061C\u200Bd\uFEFF.txt", "abcd.txt");
  assert_clean ("\u202E", NULL);
}

static void
test_windows_reserved (void **state)
{
  assert_clean ("a<b>c:d\"e|f?g*h.txt", "abcdefgh.txt");
}

/* A long name is cut, its extension kept, on a character boundary, within
 * both the characters and the bytes allowed. */
static void
test_bounded (void **state)
{
  g_autoptr (GString) ascii = g_string_new (NULL);
  for (guint i = 0; i < 500; i++)
    g_string_append_c (ascii, 'a');
  g_string_append (ascii, ".pdf");
  g_autofree char *cut = ctc_file_name_clean (ascii->str);
  assert_int_equal (g_utf8_strlen (cut, -1), CTC_FILE_NAME_MAX);
  assert_true (g_str_has_suffix (cut, "aaa.pdf"));

  g_autoptr (GString) wide = g_string_new (NULL);
  for (guint i = 0; i < 150; i++)
    g_string_append (wide, "报");   /* three bytes each */
  g_string_append (wide, ".docx");
  g_autofree char *wide_cut = ctc_file_name_clean (wide->str);
  assert_true (strlen (wide_cut) <= CTC_FILE_NAME_BYTES_MAX);
  assert_true (g_utf8_validate (wide_cut, -1, NULL));
  assert_true (g_str_has_suffix (wide_cut, "报.docx"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_plain_names_kept),
    cmocka_unit_test (test_no_path),
    cmocka_unit_test (test_no_leading_dot),
    cmocka_unit_test (test_no_controls),
    cmocka_unit_test (test_no_bidi),
    cmocka_unit_test (test_windows_reserved),
    cmocka_unit_test (test_bounded),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
