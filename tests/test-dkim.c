/* Tests of gateway/mail/dkim.c that need no signer: relaxed alignment
 * (RFC 7489 section 3.1.1) by the public suffix list, and messages that
 * carry no signature.  Signed messages are tests/dkim-deliver.sh's. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "gateway/mail/dkim.h"

static void
test_aligned (void **state)
{
  assert_true (mail_dkim_aligned ("mfa.kz.example", "mfa.kz.example"));
  assert_true (mail_dkim_aligned ("mail.mfa.kz.example", "mfa.kz.example"));
  assert_true (mail_dkim_aligned ("MFA.KZ.example", "mail.mfa.kz.EXAMPLE"));
  assert_false (mail_dkim_aligned ("attacker.example", "mfa.kz.example"));
  assert_true (mail_dkim_aligned ("mail.mofa.gov.uk", "mofa.gov.uk"));
  assert_false (mail_dkim_aligned ("other.gov.uk", "mofa.gov.uk"));
  assert_true (mail_dkim_aligned ("a.example.co.uk", "b.example.co.uk"));
  assert_false (mail_dkim_aligned ("co.uk", "example.co.uk"));
  assert_false (mail_dkim_aligned ("gov.uk", "mofa.gov.uk"));
  assert_false (mail_dkim_aligned (NULL, "mfa.kz.example"));
  assert_false (mail_dkim_aligned ("mfa.kz.example", NULL));
  assert_false (mail_dkim_aligned ("", ""));
}

/* A message without DKIM-Signature is not authenticated and asks no DNS;
 * one whose only such text is in its body neither. */
static void
test_unsigned (void **state)
{
  static const char *const texts[] = {
    "From: a@mfa.kz.example\r\nSubject: x\r\n\r\nbody\r\n",
    "From: a@mfa.kz.example\n\nDKIM-Signature: v=1; d=mfa.kz.example\n",
    "",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr (GBytes) raw = g_bytes_new_static (texts[i], strlen (texts[i]));
      g_autoptr (GError) error = NULL;
      MailDkimResult result = MAIL_DKIM_STRICT;
      assert_true (mail_dkim_verify (raw, "mfa.kz.example", "/nonexistent", &result, &error));
      assert_int_equal (result, MAIL_DKIM_NONE);
      assert_null (error);
    }
}

/* A malformed signature is "not authenticated", never an error. */
static void
test_malformed_signature (void **state)
{
  static const char text[] = "DKIM-Signature: v=1; a=rsa-sha256; d=mfa.kz.example; junk\r\n"
                             "From: a@mfa.kz.example\r\n\r\nbody\r\n";
  g_autoptr (GBytes) raw = g_bytes_new_static (text, strlen (text));
  g_autoptr (GError) error = NULL;
  MailDkimResult result = MAIL_DKIM_STRICT;
  assert_true (mail_dkim_verify (raw, "mfa.kz.example", "/dev/null", &result, &error));
  assert_false (MAIL_DKIM_PASSED (result));
}

/* A well-formed signature of domain over a message from mfa.kz.example,
 * with a key nowhere to be found (the key file is empty): MAIL_DKIM_FAILED
 * when domain is aligned, MAIL_DKIM_NONE when not. */
static MailDkimResult
verify_unverifiable (const char *domain)
{
  g_autofree char *text = g_strdup_printf (
      "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=%s; s=s1;\r\n"
      " h=from:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n"
      " b=dGhpcyBpcyBub3QgYSBzaWduYXR1cmUgYXQgYWxs\r\n"
      "From: a@mfa.kz.example\r\nSubject: x\r\n\r\nbody\r\n", domain);
  g_autoptr (GBytes) raw = g_bytes_new (text, strlen (text));
  g_autoptr (GError) error = NULL;
  MailDkimResult result = MAIL_DKIM_STRICT;
  assert_true (mail_dkim_verify (raw, "mfa.kz.example", "/dev/null", &result, &error));
  assert_null (error);
  return result;
}

/* An aligned signature that does not verify is reported as such; another
 * domain's is not (ctcgw(8), AUTHENTICATION). */
static void
test_aligned_failure (void **state)
{
  assert_int_equal (verify_unverifiable ("mfa.kz.example"), MAIL_DKIM_FAILED);
  assert_int_equal (verify_unverifiable ("mail.mfa.kz.example"), MAIL_DKIM_FAILED);
  assert_int_equal (verify_unverifiable ("attacker.example"), MAIL_DKIM_NONE);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_aligned),
    cmocka_unit_test (test_unsigned),
    cmocka_unit_test (test_malformed_signature),
    cmocka_unit_test (test_aligned_failure),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
