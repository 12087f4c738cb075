/* Fuzz target for Authentication-Results (parsers/authres.c): the bytes as
 * one header value, and spliced after a valid start so that the results'
 * grammar is reached.  Nothing may crash or leak, and every header read
 * keeps its promises. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "parsers/authres.h"
#include "tests/fuzz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* What a header read promises: an authserv-id, and for each result a
 * lower-case method and result and properties with values. */
static void
check (AuthRes *ar, GError *error)
{
  g_assert ((ar == NULL) != (error == NULL));
  if (ar == NULL)
    return;
  g_assert (ar->authserv_id != NULL && *ar->authserv_id != '\0');
  g_assert (g_utf8_validate (ar->authserv_id, -1, NULL));
  for (guint i = 0; i < ar->results->len; i++)
    {
      AuthResResult *r = g_ptr_array_index (ar->results, i);
      g_assert (r->method != NULL && *r->method != '\0' && r->result != NULL);
      g_assert (g_utf8_validate (r->method, -1, NULL) && g_utf8_validate (r->result, -1, NULL));
      g_assert (r->reason == NULL || g_utf8_validate (r->reason, -1, NULL));
      for (const char *p = r->method; *p != '\0'; p++)
        g_assert (!g_ascii_isupper (*p));
      for (guint j = 0; j < r->props->len; j++)
        {
          AuthResProp *prop = g_ptr_array_index (r->props, j);
          g_assert (prop->ptype != NULL && prop->property != NULL && prop->value != NULL);
          g_assert (g_utf8_validate (prop->ptype, -1, NULL)
                    && g_utf8_validate (prop->property, -1, NULL)
                    && g_utf8_validate (prop->value, -1, NULL));
        }
    }
}

/* Parses text and checks the result. */
static void
parse_one (const char *text)
{
  GError *error = NULL;
  AuthRes *ar = authres_parse (text, &error);
  check (ar, error);
  authres_free (ar);
  g_clear_error (&error);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  if (fuzz_way (size, 0, 2))
    parse_one (text);
  if (fuzz_way (size, 1, 2))
    {
      g_autofree char *spliced = g_strconcat ("mx.ctc.example 1; dkim = pass header.d=", text,
                                              "; dmarc=fail (p=reject) header.from=a", NULL);
      parse_one (spliced);
    }
  return 0;
}
