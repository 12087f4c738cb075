/* Tests of parsers/authres.c (RFC 8601 Authentication-Results): the
 * grammar's corners by hand, then the headers of real servers in the
 * corpus ($CTCGW_CORPUS), read in place. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "parsers/authres.h"
#include "parsers/message.h"
#include "gateway/flows/authorize.h"
#include "tests/fixture.h"

/* Parses value, which must be accepted. */
static AuthRes *
parse_ok (const char *value)
{
  g_autoptr (GError) error = NULL;
  AuthRes *ar = authres_parse (value, &error);
  if (ar == NULL)
    fail_msg ("%s: %s", value, error->message);
  return ar;
}

/* value must be refused with AUTHRES_ERROR_SYNTAX. */
static void
parse_bad (const char *value)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthRes) ar = authres_parse (value, &error);
  if (ar != NULL)
    fail_msg ("accepted: %s", value);
  assert_true (g_error_matches (error, AUTHRES_ERROR, AUTHRES_ERROR_SYNTAX));
}

static const AuthResResult *
result_at (const AuthRes *ar, guint i)
{
  assert_true (i < ar->results->len);
  return g_ptr_array_index (ar->results, i);
}

/* The value of property ptype.property of r, or NULL. */
static const char *
prop (const AuthResResult *r, const char *ptype, const char *property)
{
  for (guint i = 0; i < r->props->len; i++)
    {
      const AuthResProp *p = g_ptr_array_index (r->props, i);
      if (strcmp (p->ptype, ptype) == 0 && strcmp (p->property, property) == 0)
        return p->value;
    }
  return NULL;
}

static void
test_spaced_equals (void **state)
{
  g_autoptr (AuthRes) ar = parse_ok ("mx.ctc.example; dmarc = fail (p=reject)"
                                     " header.from = mfa.kz.example");
  assert_string_equal (ar->authserv_id, "mx.ctc.example");
  assert_int_equal (ar->results->len, 1);
  const AuthResResult *r = result_at (ar, 0);
  assert_string_equal (r->method, "dmarc");
  assert_string_equal (r->result, "fail");
  assert_string_equal (prop (r, "header", "from"), "mfa.kz.example");
  assert_true (authres_has (ar, "dmarc", "fail"));
}

static void
test_comments_everywhere (void **state)
{
  g_autoptr (AuthRes) ar = parse_ok ("(front) mx.ctc.example (our (nested) MX) 1 ;\r\n"
                                     "\tDKIM (x) = (y) Pass (good) header . d (c) = kz.example;"
                                     " spf=pass (a \\) b) smtp.mailfrom=a@kz.example");
  assert_int_equal (ar->version, 1);
  assert_int_equal (ar->results->len, 2);
  assert_string_equal (result_at (ar, 0)->method, "dkim");
  assert_string_equal (result_at (ar, 0)->result, "pass");
  assert_string_equal (prop (result_at (ar, 0), "header", "d"), "kz.example");
  assert_string_equal (prop (result_at (ar, 1), "smtp", "mailfrom"), "a@kz.example");
}

static void
test_quoted_strings (void **state)
{
  g_autoptr (AuthRes) ar = parse_ok ("\"mx.ctc.example\"; dkim=fail"
                                     " reason=\"signature; did \\\"not\\\" verify\""
                                     " header.d=kz.example; dmarc=pass");
  assert_string_equal (ar->authserv_id, "mx.ctc.example");
  assert_int_equal (ar->results->len, 2);
  assert_string_equal (result_at (ar, 0)->reason, "signature; did \"not\" verify");
  assert_true (authres_has (ar, "dmarc", "pass"));
  assert_false (authres_has (ar, "dmarc", "fail"));
}

static void
test_versions_and_none (void **state)
{
  g_autoptr (AuthRes) ar = parse_ok ("mx.ctc.example 1; dkim/1 = pass header.i=@kz.example;"
                                     " spf=none;");
  assert_int_equal (result_at (ar, 0)->version, 1);
  assert_int_equal (ar->results->len, 2);
  g_autoptr (AuthRes) none = parse_ok ("mx.ctc.example; none");
  assert_int_equal (none->results->len, 0);
}

static void
test_malformed (void **state)
{
  parse_bad ("");
  parse_bad ("mx.ctc.example");
  parse_bad ("mx.ctc.example dmarc=fail");
  parse_bad ("mx.ctc.example; dmarc=");
  parse_bad ("mx.ctc.example; =pass");
  parse_bad ("mx.ctc.example; dmarc=pass (unterminated");
  parse_bad ("mx.ctc.example; dmarc=pass reason=\"unterminated");
  parse_bad ("mx.ctc.example; dmarc=pass header.=x");
  parse_bad ("mx.ctc.example; dkim/=pass");
  parse_bad ("mx.ctc.example; dkim/99999999999=pass");
  /* Microsoft 365 writes no authserv-id. */
  parse_bad ("spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=kz.example; dmarc=pass");
}

/* The deciding functions keep their meaning on the new parser. */
/* Bytes that are not UTF-8 are refused, and a message about a syntax
 * error never cuts a character in two. */
static void
test_not_utf8 (void **state)
{
  parse_bad ("mx.ctc.example; dkim=pass header.d=\xc3(");
  parse_bad ("mx.ctc.example; dkim=pass header.i=\xff@kz.example");
  parse_bad ("\xe9mx.ctc.example; dkim=pass");

  g_autoptr (GError) error = NULL;
  g_autoptr (AuthRes) ar = authres_parse ("mx.ctc.example; dkim=pass header.d=\"abcdefghijklmnopqrs\xd0\x94\xd0\x94", &error);
  assert_null (ar);
  assert_true (g_utf8_validate (error->message, -1, NULL));
}

/* An authserv-id is never empty, even quoted. */
static void
test_empty_authserv_id (void **state)
{
  parse_bad ("\"\"; dkim=pass");
  parse_bad ("\"\";");
}

static void
test_trusted_results (void **state)
{
  const char *trusted = "mx.ctc.example";
  assert_true (authorize_auth_failed ("mx.ctc.example; dmarc = fail", trusted));
  assert_true (authorize_auth_failed ("other; dmarc=pass\nmx.ctc.example;"
                                      " dkim=fail (bad) header.d=x; spf=fail", trusted));
  assert_false (authorize_auth_failed ("mx.ctc.example; dkim=fail; spf=pass", trusted));
  assert_false (authorize_auth_failed ("mx.evil.example; dmarc=fail", trusted));
  assert_false (authorize_auth_failed ("mx.ctc.example; reason=\"dmarc=fail\" dkim=pass",
                                       trusted));
  assert_false (authorize_auth_failed ("mx.ctc.example; dmarc=fail", NULL));
  assert_true (authorize_dmarc_passed ("mx.ctc.example; dmarc=pass header.from=kz.example",
                                       trusted));
  assert_false (authorize_dmarc_passed ("mx.evil.example; dmarc=pass", trusted));
  assert_false (authorize_dmarc_passed ("mx.ctc.example dmarc=pass", trusted));
  assert_false (authorize_dmarc_passed ("mx.ctc.example; dmarc=pass\n"
                                        "mx.ctc.example; dmarc=fail", trusted));
}

/* The Authentication-Results headers of corpus file folder/name, one a
 * line, or NULL (the test skipped) when the corpus lacks it. */
static GStrv
corpus_headers (const char *corpus, const char *folder, const char *name)
{
  fixture_need_corpus (corpus);
  g_autofree char *path = g_build_filename (corpus, folder, name, NULL);
  g_autofree char *data = NULL;
  gsize len;
  if (!g_file_get_contents (path, &data, &len, NULL))
    {
      print_message ("%s missing: skipped\n", path);
      return NULL;
    }
  g_autoptr (GBytes) raw = g_bytes_new (data, len);
  CtcLimits limits = ctc_limits_default ();
  g_autoptr (MailMessage) msg = mail_message_parse (raw, NULL, &limits, NULL);
  assert_non_null (msg);
  assert_non_null (msg->auth_results);
  return g_strsplit (msg->auth_results, "\n", -1);
}

/* Gmail (mx.google.com): comments with colons and parentheses, empty and
 * address-valued properties. */
static void
test_corpus_gmail (void **state)
{
  g_auto (GStrv) h = corpus_headers (*state, "autoreply", "bounceparser__boxbe-cr.msg");
  if (h == NULL)
    skip ();
  for (guint i = 0; h[i] != NULL; i++)
    {
      g_autoptr (AuthRes) ar = parse_ok (h[i]);
      assert_string_equal (ar->authserv_id, "mx.google.com");
      assert_true (authres_has (ar, "spf", "pass"));
      assert_true (authres_has (ar, "dkim", "pass"));
    }
  g_autoptr (AuthRes) first = parse_ok (h[0]);
  assert_string_equal (prop (result_at (first, 0), "smtp", "mail"), "noreply@boxbe.com");
  assert_string_equal (prop (result_at (first, 1), "header", "i"), "@boxbe.com");
}

/* Fastmail (mx4.messagingengine.com): one result a header, dmarc=pass with
 * policy properties and a comment after them. */
static void
test_corpus_fastmail (void **state)
{
  g_auto (GStrv) h = corpus_headers (*state, "dsn", "postalmime__bounce.eml");
  if (h == NULL)
    skip ();
  guint dmarc = 0;
  for (guint i = 0; h[i] != NULL; i++)
    {
      g_autoptr (AuthRes) ar = parse_ok (h[i]);
      assert_string_equal (ar->authserv_id, "mx4.messagingengine.com");
      if (authres_has (ar, "dmarc", "pass"))
        {
          dmarc++;
          const AuthResResult *r = result_at (ar, 1);
          assert_string_equal (r->method, "dmarc");
          assert_string_equal (prop (r, "policy", "policy-from"), "p");
          assert_string_equal (prop (r, "header", "from"), "messagingengine.com");
          assert_string_equal (prop (result_at (ar, 3), "smtp", "mailfrom"), "");
        }
    }
  assert_int_equal (dmarc, 1);
  g_autofree char *joined = g_strjoinv ("\n", h);
  assert_true (authorize_dmarc_passed (joined, "mx4.messagingengine.com"));
  assert_false (authorize_auth_failed (joined, "mx4.messagingengine.com"));
}

/* Yahoo as relayed to Gmail ("(test mode)"), and Yahoo's own
 * non-conforming "authserv-id from=domain;" which is refused. */
static void
test_corpus_yahoo (void **state)
{
  g_auto (GStrv) relayed = corpus_headers (*state, "mime/charsets",
                                           "flanker__russian-attachment-yahoo.eml");
  g_auto (GStrv) own = corpus_headers (*state, "mime/structure",
                                       "commcentral__mailformed_subject.eml");
  if (relayed == NULL || own == NULL)
    skip ();
  g_autoptr (AuthRes) ar = parse_ok (relayed[0]);
  assert_string_equal (prop (result_at (ar, 1), "header", "i"), "@yahoo.com");
  parse_bad (own[0]);
  assert_false (authorize_dmarc_passed (own[0], "mta1087.mail.ird.yahoo.com"));
}

/* Microsoft 365 writes no authserv-id: never the trusted server's. */
static void
test_corpus_microsoft (void **state)
{
  g_auto (GStrv) h = corpus_headers (*state, "dsn", "sisimai__lhost-office365-11.eml");
  if (h == NULL)
    skip ();
  parse_bad (h[0]);
  assert_false (authorize_dmarc_passed (h[0], "spf"));
}

int
main (void)
{
  g_autofree char *corpus = fixture_corpus_dir ();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_spaced_equals),
    cmocka_unit_test (test_comments_everywhere),
    cmocka_unit_test (test_quoted_strings),
    cmocka_unit_test (test_versions_and_none),
    cmocka_unit_test (test_malformed),
    cmocka_unit_test (test_not_utf8),
    cmocka_unit_test (test_empty_authserv_id),
    cmocka_unit_test (test_trusted_results),
  };
  const struct CMUnitTest corpus_tests[] = {
    cmocka_unit_test_prestate (test_corpus_gmail, corpus),
    cmocka_unit_test_prestate (test_corpus_fastmail, corpus),
    cmocka_unit_test_prestate (test_corpus_yahoo, corpus),
    cmocka_unit_test_prestate (test_corpus_microsoft, corpus),
  };
  int failed = cmocka_run_group_tests (tests, NULL, NULL);
  return failed + cmocka_run_group_tests (corpus_tests, NULL, NULL);
}
