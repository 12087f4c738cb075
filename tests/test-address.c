/* Tests of parsers/address.c: addresses compared as addresses, and the
 * look-alikes of a contact point (docs/submissions.md section 6). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "parsers/address.h"

#define REAL "a.nurlanova@mfa.kz.example"
#define KELVIN "\xe2\x84\xaa"           /* U+212A KELVIN SIGN */
#define CYR_A "\xd0\xb0"                /* U+0430 CYRILLIC SMALL LETTER A */
#define CYR_E "\xd0\xb5"                /* U+0435 CYRILLIC SMALL LETTER IE */
#define CYR_O "\xd0\xbe"                /* U+043E CYRILLIC SMALL LETTER O */
#define FULL_AT "\xef\xbc\xa0"          /* U+FF20 FULLWIDTH COMMERCIAL AT */
#define U_UML "\xc3\xbc"                /* ü */

/* Asserts that addr normalizes to want (NULL: not a plain addr-spec). */
static void
assert_normal (const char *addr, const char *want)
{
  g_autofree char *got = address_normalize (addr);
  if (want == NULL)
    assert_null (got);
  else
    assert_string_equal (got, want);
}

/* ASCII case is no difference, in either part. */
static void
test_ascii_case (void **state)
{
  (void) state;
  assert_normal ("A.Nurlanova@MFA.KZ.Example", REAL);
  assert_true (address_equal ("A.NURLANOVA@mfa.kz.EXAMPLE", REAL));
  assert_false (address_looks_like ("A.NURLANOVA@mfa.kz.EXAMPLE", REAL));
}

/* A Kelvin sign is not a K: the address is not plain, and it looks like
 * the real one. */
static void
test_kelvin (void **state)
{
  (void) state;
  const char *fake = "a.nurlanova@mfa." KELVIN "z.example";
  assert_normal (fake, NULL);
  assert_false (address_equal (fake, REAL));
  assert_true (address_looks_like (fake, REAL));
}

/* Cyrillic letters in the local part and in the domain. */
static void
test_cyrillic (void **state)
{
  (void) state;
  const char *local = CYR_A ".nurlanova@mfa.kz.example";
  const char *domain = "a.nurlanova@mfa.kz." CYR_E "xample";
  const char *both = "a.nurl" CYR_A "nova@mf" CYR_A ".kz.ex" CYR_A "mple";
  assert_false (address_equal (local, REAL));
  assert_false (address_equal (domain, REAL));
  assert_true (address_looks_like (local, REAL));
  assert_true (address_looks_like (domain, REAL));
  assert_true (address_looks_like (both, REAL));
  assert_true (address_looks_like ("j.d" CYR_O "e@st" CYR_A "te.example", "j.doe@state.example"));
}

/* A full-width '@' is no '@'. */
static void
test_full_width_at (void **state)
{
  (void) state;
  const char *fake = "a.nurlanova" FULL_AT "mfa.kz.example";
  assert_normal (fake, NULL);
  assert_true (address_looks_like (fake, REAL));
}

/* An IDNA domain is the same in its U-label and A-label forms. */
static void
test_idna (void **state)
{
  (void) state;
  assert_normal ("info@b" U_UML "cher.example", "info@xn--bcher-kva.example");
  assert_normal ("Info@XN--BCHER-KVA.example", "info@xn--bcher-kva.example");
  assert_true (address_equal ("info@b" U_UML "cher.example", "info@xn--bcher-kva.example"));
  assert_true (address_equal ("info@xn--bcher-kva.example", "info@b" U_UML "cher.example"));
  assert_false (address_looks_like ("info@b" U_UML "cher.example", "info@xn--bcher-kva.example"));
  /* What IDNA would map is refused: upper-case Ü, a decomposed ü. */
  assert_normal ("info@B\xc3\x9c" "CHER.example", NULL);
  assert_normal ("info@bu\xcc\x88" "cher.example", NULL);
  /* So is an A-label that decodes to a Kelvin sign. */
  assert_normal ("a@xn--z-3wn.example", NULL);
}

/* What is not a plain addr-spec. */
static void
test_not_plain (void **state)
{
  (void) state;
  assert_normal (NULL, NULL);
  assert_normal ("", NULL);
  assert_normal ("no-at.example", NULL);
  assert_normal ("@mfa.kz.example", NULL);
  assert_normal ("a@", NULL);
  assert_normal ("a@b@mfa.kz.example", NULL);
  assert_normal ("\"a b\"@mfa.kz.example", NULL);
  assert_normal ("a b@mfa.kz.example", NULL);
  assert_normal ("a@mfa..kz.example", NULL);
  assert_normal ("a@mfa.kz.example.", NULL);
  assert_normal ("a\r\n@mfa.kz.example", NULL);
  assert_normal ("a@\xff.example", NULL);
}

/* A non-ASCII local part is compared byte for byte: its upper case is
 * another address. */
static void
test_non_ascii_local (void **state)
{
  (void) state;
  assert_normal ("J" U_UML "rg@Example.ORG", "j" U_UML "rg@example.org");
  assert_false (address_equal ("j\xc3\x9crg@example.org", "j" U_UML "rg@example.org"));
}

/* Different addresses that do not look alike stay apart. */
static void
test_unrelated (void **state)
{
  (void) state;
  assert_false (address_looks_like ("b.nurlanova@mfa.kz.example", REAL));
  assert_false (address_looks_like (REAL, REAL));
  assert_false (address_looks_like (NULL, REAL));
  /* ASCII look-alikes are look-alikes too. */
  assert_true (address_looks_like ("a.nurlanova@rnfa.kz.example", REAL));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_ascii_case),
    cmocka_unit_test (test_kelvin),
    cmocka_unit_test (test_cyrillic),
    cmocka_unit_test (test_full_width_at),
    cmocka_unit_test (test_idna),
    cmocka_unit_test (test_not_plain),
    cmocka_unit_test (test_non_ascii_local),
    cmocka_unit_test (test_unrelated),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
