/* Email addresses compared as addresses, and their look-alikes
 * (docs/submissions.md section 6). */

#include <string.h>
#include <unicode/uspoof.h>

#include "parsers/address.h"

/* An addr-spec written plainly holds no space, control character or
 * special outside a quoted string (RFC 5322 section 3.4.1); quoted local
 * parts are not plain. */
static gboolean
plain_bytes (const char *addr)
{
  for (const guchar *p = (const guchar *) addr; *p != '\0'; p++)
    if (*p <= 0x20 || *p == 0x7f || strchr ("\"(),:;<>[\\]@", *p) != NULL)
      return FALSE;
  return TRUE;
}

/* A domain's labels are not empty: no leading, trailing or doubled dot. */
static gboolean
labels_present (const char *domain)
{
  gsize n = strlen (domain);

  return n > 0 && domain[0] != '.' && domain[n - 1] != '.' && strstr (domain, "..") == NULL;
}

/* The A-label form of an ASCII domain; one whose xn-- labels do not
 * decode to a domain that encodes back to them is refused, so an A-label
 * cannot hide a character IDNA maps (a Kelvin sign). */
static char *
ascii_domain (const char *domain)
{
  g_autofree char *lower = g_ascii_strdown (domain, -1);

  if (strstr (lower, "xn--") == NULL)
    return g_steal_pointer (&lower);
  g_autofree char *unicode = g_hostname_to_unicode (lower);
  g_autofree char *back = unicode != NULL ? g_hostname_to_ascii (unicode) : NULL;
  return g_strcmp0 (back, lower) == 0 ? g_steal_pointer (&lower) : NULL;
}

/* The A-label form of a non-ASCII domain; NULL when IDNA would change it
 * beyond encoding it (case folding, NFKC, even NFC, which makes a Kelvin
 * sign a K), since such a domain is written to look like another. */
static char *
unicode_domain (const char *domain)
{
  g_autofree char *ascii = g_hostname_to_ascii (domain);
  g_autofree char *back = ascii != NULL ? g_hostname_to_unicode (ascii) : NULL;
  g_autofree char *lower = g_ascii_strdown (domain, -1);

  if (back == NULL || strcmp (back, lower) != 0)
    return NULL;
  return ascii_domain (ascii);
}

char *
address_normalize (const char *addr)
{
  if (addr == NULL || !g_utf8_validate (addr, -1, NULL))
    return NULL;
  const char *at = strrchr (addr, '@');
  if (at == NULL || at == addr || strlen (addr) > 254)
    return NULL;
  g_autofree char *local = g_ascii_strdown (addr, at - addr);
  const char *domain = at + 1;
  if (!plain_bytes (local) || !plain_bytes (domain) || !labels_present (domain))
    return NULL;
  g_autofree char *ascii = g_str_is_ascii (domain) ? ascii_domain (domain)
                                                   : unicode_domain (domain);
  return ascii != NULL ? g_strconcat (local, "@", ascii, NULL) : NULL;
}

gboolean
address_equal (const char *a, const char *b)
{
  g_autofree char *na = address_normalize (a);
  g_autofree char *nb = address_normalize (b);

  return na != NULL && nb != NULL && strcmp (na, nb) == 0;
}

/* One checker for the process: ICU's spoof checkers may be shared between
 * threads once configured. */
static gpointer
spoof_checker_once (gpointer data)
{
  UErrorCode status = U_ZERO_ERROR;
  USpoofChecker *checker = uspoof_open (&status);

  (void) data;
  if (U_SUCCESS (status))
    uspoof_setChecks (checker, USPOOF_CONFUSABLE, &status);
  if (U_FAILURE (status))
    g_error ("ICU: cannot open a spoof checker: %s", u_errorName (status));
  return checker;
}

/* The process's spoof checker, opened on first use. */
static const USpoofChecker *
spoof_checker (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, spoof_checker_once, NULL);
}

/* text with the xn-- labels of its domain read as Unicode, so that the
 * A-label of a look-alike is seen as the look-alike. */
static char *
unicode_labels (const char *text)
{
  const char *at = strrchr (text, '@');
  const char *domain = at != NULL ? at + 1 : text;
  g_autofree char *unicode = strstr (domain, "xn--") != NULL
                             ? g_hostname_to_unicode (domain) : NULL;

  if (unicode == NULL)
    return g_strdup (text);
  return g_strdup_printf ("%.*s%s", (int) (domain - text), text, unicode);
}

/* UTS 39's skeleton of text, or text itself if ICU refuses it. */
static char *
uts39_skeleton (const char *text)
{
  UErrorCode status = U_ZERO_ERROR;
  int32_t n = uspoof_getSkeletonUTF8 (spoof_checker (), 0, text, -1, NULL, 0, &status);

  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE (status))
    return g_strdup (text);
  char *out = g_malloc ((gsize) n + 1);
  status = U_ZERO_ERROR;
  uspoof_getSkeletonUTF8 (spoof_checker (), 0, text, -1, out, n + 1, &status);
  if (U_FAILURE (status))
    {
      g_free (out);
      return g_strdup (text);
    }
  return out;
}

char *
address_skeleton (const char *addr)
{
  if (addr == NULL || !g_utf8_validate (addr, -1, NULL))
    return NULL;
  /* NFKC first: a Kelvin sign, a full-width '@', a mathematical letter
   * become the letters they are drawn as; then case, which UTS 39 keeps. */
  g_autofree char *nfkc = g_utf8_normalize (addr, -1, G_NORMALIZE_ALL_COMPOSE);
  g_autofree char *folded = g_utf8_casefold (nfkc != NULL ? nfkc : addr, -1);
  g_autofree char *readable = unicode_labels (folded);
  g_autofree char *skeleton = uts39_skeleton (readable);
  g_autofree char *nfkc2 = g_utf8_normalize (skeleton, -1, G_NORMALIZE_ALL_COMPOSE);
  return g_utf8_casefold (nfkc2 != NULL ? nfkc2 : skeleton, -1);
}

gboolean
address_looks_like (const char *addr, const char *known)
{
  if (addr == NULL || known == NULL || strcmp (addr, known) == 0 || address_equal (addr, known))
    return FALSE;
  g_autofree char *a = address_skeleton (addr);
  g_autofree char *k = address_skeleton (known);
  return a != NULL && k != NULL && strcmp (a, k) == 0;
}
