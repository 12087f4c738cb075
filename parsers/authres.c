/* Authentication-Results (RFC 8601 section 2.2), read by its grammar:
 * comments and folding anywhere CFWS may be, quoted strings, spaces around
 * "=", method versions, several results.  What real servers write beyond
 * the grammar and is harmless is accepted: an empty property value
 * ("smtp.mail="), a property without ptype ("action=none"), a trailing ";".
 * Pure code. */

#include <string.h>

#include "parsers/authres.h"
#include "parsers/fail.h"

G_DEFINE_QUARK (ctcgw-authres-error-quark, authres_error)

/* Nested comments at most this deep (RFC 5322 section 3.2.2 allows any). */
#define COMMENT_DEPTH_MAX 16

static const char *const auth_names[] = {
  [MAIL_AUTH_NONE] = "none", [MAIL_AUTH_DKIM] = "dkim",
  [MAIL_AUTH_DMARC] = "dmarc", [MAIL_AUTH_STAFF_CLI] = "staff-cli",
  [MAIL_AUTH_CONFIRMED] = "confirmed",
};

const char *
mail_auth_name (MailAuth auth)
{
  return auth_names[auth];
}

/* The text being read and where. */
typedef struct {
  const char *p;
} Lexer;

static void
prop_free (AuthResProp *prop)
{
  g_free (prop->ptype);
  g_free (prop->property);
  g_free (prop->value);
  g_free (prop);
}

static void
result_free (AuthResResult *r)
{
  g_free (r->method);
  g_free (r->result);
  g_free (r->reason);
  g_ptr_array_unref (r->props);
  g_free (r);
}

void
authres_free (AuthRes *ar)
{
  if (ar == NULL)
    return;
  g_free (ar->authserv_id);
  g_ptr_array_unref (ar->results);
  g_free (ar);
}

/* The failure of one parse, saying where: the next 20 characters (the
 * text is UTF-8, and a character is never cut). */
static gboolean
syntax (GError **error, const Lexer *lx, const char *what)
{
  const char *end = lx->p;
  for (guint i = 0; i < 20 && *end != '\0'; i++)
    end = g_utf8_next_char (end);
  return fail_with (error, AUTHRES_ERROR, AUTHRES_ERROR_SYNTAX,
                    "Authentication-Results: %s at \"%.*s\"", what, (int) (end - lx->p), lx->p);
}

/* Skips a comment (RFC 5322 section 3.2.2), the lexer at its "(". */
static gboolean
skip_comment (Lexer *lx, GError **error)
{
  guint depth = 0;
  do
    {
      if (*lx->p == '\0')
        return syntax (error, lx, "unterminated comment");
      if (*lx->p == '\\' && lx->p[1] != '\0')
        lx->p++;
      else if (*lx->p == '(' && ++depth > COMMENT_DEPTH_MAX)
        return syntax (error, lx, "comments nested too deep");
      else if (*lx->p == ')')
        depth--;
      lx->p++;
    }
  while (depth > 0);
  return TRUE;
}

/* Skips CFWS: white space, line folds and comments. */
static gboolean
skip_cfws (Lexer *lx, GError **error)
{
  for (;;)
    {
      while (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r' || *lx->p == '\n')
        lx->p++;
      if (*lx->p != '(')
        return TRUE;
      if (!skip_comment (lx, error))
        return FALSE;
    }
}

/* A Keyword (RFC 8601: an Ldh-str; "_" accepted), lower-cased; NULL when
 * there is none. */
static char *
read_keyword (Lexer *lx)
{
  const char *start = lx->p;
  while (g_ascii_isalnum (*lx->p) || *lx->p == '-' || *lx->p == '_')
    lx->p++;
  return lx->p > start ? g_ascii_strdown (start, lx->p - start) : NULL;
}

/* A quoted-string (RFC 5322 section 3.2.4) without its quotes; the lexer
 * at its opening quote. */
static char *
read_quoted (Lexer *lx, GError **error)
{
  GString *s = g_string_new (NULL);
  for (lx->p++; *lx->p != '"'; lx->p++)
    {
      if (*lx->p == '\\' && lx->p[1] != '\0')
        lx->p++;
      if (*lx->p == '\0')
        {
          g_string_free (s, TRUE);
          syntax (error, lx, "unterminated quoted string");
          return NULL;
        }
      g_string_append_c (s, *lx->p);
    }
  lx->p++;
  return g_string_free (s, FALSE);
}

/* A value (RFC 2045 token or quoted-string; UTF-8 allowed as by RFC
 * 8616); NULL with error when there is none. */
static char *
read_value (Lexer *lx, GError **error)
{
  if (*lx->p == '"')
    return read_quoted (lx, error);
  const char *start = lx->p;
  while ((guchar) *lx->p > ' ' && *lx->p != 0x7f && strchr ("()<>@,;:\\\"/[]?=", *lx->p) == NULL)
    lx->p++;
  if (lx->p == start)
    {
      syntax (error, lx, "a value is missing");
      return NULL;
    }
  return g_strndup (start, lx->p - start);
}

/* A pvalue: a value, or an address or domain ("@example.com",
 * "user@example.com", "<>"); up to white space, ";" or a comment, maybe
 * empty. */
static char *
read_pvalue (Lexer *lx, GError **error)
{
  if (*lx->p == '"')
    return read_quoted (lx, error);
  const char *start = lx->p;
  while ((guchar) *lx->p > ' ' && *lx->p != 0x7f && strchr (";(\"", *lx->p) == NULL)
    lx->p++;
  return g_strndup (start, lx->p - start);
}

/* Digits of a version; 1 when there are none.  FALSE on overflow. */
static gboolean
read_version (Lexer *lx, guint *version, GError **error)
{
  *version = 1;
  if (!g_ascii_isdigit (*lx->p))
    return TRUE;
  guint64 v = 0;
  while (g_ascii_isdigit (*lx->p))
    {
      v = v * 10 + (guint64) (*lx->p++ - '0');
      if (v > G_MAXUINT)
        return syntax (error, lx, "version too large");
    }
  *version = (guint) v;
  return skip_cfws (lx, error);
}

/* "=" between optional CFWS. */
static gboolean
read_equals (Lexer *lx, GError **error)
{
  if (!skip_cfws (lx, error))
    return FALSE;
  if (*lx->p != '=')
    return syntax (error, lx, "\"=\" expected");
  lx->p++;
  return skip_cfws (lx, error);
}

/* One reasonspec or propspec after a result, its first keyword read. */
static gboolean
read_property (Lexer *lx, AuthResResult *r, char *keyword, GError **error)
{
  g_autofree char *ptype = keyword;
  g_autofree char *property = NULL;
  if (!skip_cfws (lx, error))
    return FALSE;
  if (*lx->p == '.')
    {
      lx->p++;
      if (!skip_cfws (lx, error))
        return FALSE;
      if ((property = read_keyword (lx)) == NULL)
        return syntax (error, lx, "property expected");
    }
  if (!read_equals (lx, error))
    return FALSE;
  if (property == NULL && strcmp (ptype, "reason") == 0)
    {
      g_free (r->reason);
      r->reason = read_value (lx, error);
      return r->reason != NULL;
    }
  char *value = read_pvalue (lx, error);
  if (value == NULL)
    return FALSE;
  AuthResProp *prop = g_new0 (AuthResProp, 1);
  prop->ptype = property != NULL ? g_steal_pointer (&ptype) : g_strdup ("");
  prop->property = property != NULL ? g_steal_pointer (&property) : g_steal_pointer (&ptype);
  prop->value = value;
  g_ptr_array_add (r->props, prop);
  return TRUE;
}

/* methodspec: method [ "/" version ] "=" result. */
static gboolean
read_methodspec (Lexer *lx, AuthResResult *r, GError **error)
{
  if ((r->method = read_keyword (lx)) == NULL)
    return syntax (error, lx, "method expected");
  if (!skip_cfws (lx, error))
    return FALSE;
  if (*lx->p == '/')
    {
      lx->p++;
      if (!skip_cfws (lx, error))
        return FALSE;
      if (!g_ascii_isdigit (*lx->p))
        return syntax (error, lx, "method version expected");
      if (!read_version (lx, &r->version, error))
        return FALSE;
    }
  if (!read_equals (lx, error))
    return FALSE;
  if ((r->result = read_keyword (lx)) == NULL)
    return syntax (error, lx, "result expected");
  return TRUE;
}

/* resinfo after its ";": methodspec, then reason and properties. */
static AuthResResult *
read_resinfo (Lexer *lx, GError **error)
{
  AuthResResult *r = g_new0 (AuthResResult, 1);
  r->version = 1;
  r->props = g_ptr_array_new_with_free_func ((GDestroyNotify) prop_free);
  gboolean ok = read_methodspec (lx, r, error);
  while (ok && (ok = skip_cfws (lx, error)) && *lx->p != ';' && *lx->p != '\0')
    {
      char *keyword = read_keyword (lx);
      ok = keyword != NULL ? read_property (lx, r, keyword, error)
                           : syntax (error, lx, "property or \";\" expected");
    }
  if (!ok)
    g_clear_pointer (&r, result_free);
  return r;
}

/* After authserv-id and version: "; none" or one or more "; resinfo". */
static gboolean
read_results (Lexer *lx, AuthRes *ar, GError **error)
{
  if (*lx->p != ';')
    return syntax (error, lx, "\";\" expected after the authserv-id");
  while (*lx->p == ';')
    {
      lx->p++;
      if (!skip_cfws (lx, error))
        return FALSE;
      if (*lx->p == '\0')
        return TRUE;
      Lexer peek = *lx;
      g_autofree char *word = read_keyword (&peek);
      if (ar->results->len == 0 && g_strcmp0 (word, "none") == 0
          && skip_cfws (&peek, NULL) && *peek.p == '\0')
        return TRUE;
      AuthResResult *r = read_resinfo (lx, error);
      if (r == NULL)
        return FALSE;
      g_ptr_array_add (ar->results, r);
    }
  return *lx->p == '\0' || syntax (error, lx, "\";\" expected");
}

AuthRes *
authres_parse (const char *value, GError **error)
{
  g_autoptr (AuthRes) ar = g_new0 (AuthRes, 1);
  ar->results = g_ptr_array_new_with_free_func ((GDestroyNotify) result_free);
  Lexer lx = { value != NULL ? value : "" };
  if (!g_utf8_validate (lx.p, -1, NULL))
    {
      fail_with (error, AUTHRES_ERROR, AUTHRES_ERROR_SYNTAX,
                 "Authentication-Results: not UTF-8 text");
      return NULL;
    }
  if (!skip_cfws (&lx, error) || (ar->authserv_id = read_value (&lx, error)) == NULL)
    return NULL;
  if (*ar->authserv_id == '\0')
    {
      syntax (error, &lx, "empty authserv-id");
      return NULL;
    }
  if (!skip_cfws (&lx, error) || !read_version (&lx, &ar->version, error)
      || !read_results (&lx, ar, error))
    return NULL;
  return g_steal_pointer (&ar);
}

gboolean
authres_has (const AuthRes *ar, const char *method, const char *result)
{
  for (guint i = 0; ar != NULL && i < ar->results->len; i++)
    {
      const AuthResResult *r = g_ptr_array_index (ar->results, i);
      if (strcmp (r->method, method) == 0 && strcmp (r->result, result) == 0)
        return TRUE;
    }
  return FALSE;
}
