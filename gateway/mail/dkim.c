/* DKIM (RFC 6376) with libopendkim, and relaxed alignment with From
 * (RFC 7489 section 3.1.1) with libpsl: ctcgw(8), AUTHENTICATION. */

#include <errno.h>
#include <string.h>
#include <sys/types.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <resolv.h>
#include <netdb.h>
#include <opendkim/dkim.h>
#include <libpsl.h>

#include "gateway/mail/dkim.h"
#include "gateway/base/log.h"

G_DEFINE_QUARK (ctcgw-dkim-error-quark, mail_dkim_error)

/* The public suffix list, loaded once: the newest of libpsl's built-in
 * list and the system's (Debian package publicsuffix). */
static const psl_ctx_t *
suffix_list (void)
{
  static gsize once = 0;
  static psl_ctx_t *psl = NULL;
  if (g_once_init_enter (&once))
    {
      psl = psl_latest (NULL);
      if (psl == NULL)
        psl = (psl_ctx_t *) psl_builtin ();
      g_once_init_leave (&once, 1);
    }
  return psl;
}

/* The organizational domain of domain (lower case), or NULL when domain is
 * itself a public suffix. */
static char *
organizational_domain (const char *domain)
{
  g_autofree char *lower = g_ascii_strdown (domain, -1);
  const psl_ctx_t *psl = suffix_list ();
  const char *reg = psl != NULL ? psl_registrable_domain (psl, lower) : NULL;
  return reg != NULL ? g_strdup (reg) : NULL;
}

gboolean
mail_dkim_aligned (const char *signer, const char *from_domain)
{
  if (signer == NULL || from_domain == NULL || *signer == '\0' || *from_domain == '\0')
    return FALSE;
  if (g_ascii_strcasecmp (signer, from_domain) == 0)
    return TRUE;
  g_autofree char *a = organizational_domain (signer);
  g_autofree char *b = organizational_domain (from_domain);
  return a != NULL && b != NULL && strcmp (a, b) == 0;
}

/* What the key lookups of one verification found out. */
typedef struct {
  const char *from_domain;
  gboolean timed_out;   /* the DNS query of an aligned signer's key got no answer in time */
} Lookups;

/* The text of the first TXT record of answer (RFC 6376 section 3.6.2.2:
 * its strings joined) into buf; FALSE when there is none. */
static gboolean
txt_record (const guchar *answer, int len, u_char *buf, size_t buflen)
{
  ns_msg msg;
  ns_rr rr;
  if (ns_initparse (answer, len, &msg) < 0)
    return FALSE;
  for (int i = 0; i < ns_msg_count (msg, ns_s_an); i++)
    {
      if (ns_parserr (&msg, ns_s_an, i, &rr) < 0 || ns_rr_type (rr) != ns_t_txt)
        continue;
      const guchar *p = ns_rr_rdata (rr), *end = p + ns_rr_rdlen (rr);
      size_t out = 0;
      while (p < end && p + 1 + *p <= end && out + *p < buflen)
        {
          memcpy (buf + out, p + 1, *p);
          out += *p;
          p += 1 + *p;
        }
      buf[MIN (out, buflen - 1)] = '\0';
      return TRUE;
    }
  return FALSE;
}

/* Looks the key of sig up in DNS with one query of at most
 * MAIL_DKIM_DNS_TIMEOUT seconds.  A query that times out is remembered
 * (a temporary failure); one that cannot be asked at all (no resolver, no
 * network) or finds nothing is "no key": the message is not authenticated. */
static DKIM_CBSTAT
lookup_key (DKIM *dkim, DKIM_SIGINFO *sig, u_char *buf, size_t buflen)
{
  Lookups *lookups = dkim_get_user_context (dkim);
  g_autofree char *name = g_strdup_printf ("%s._domainkey.%s", dkim_sig_getselector (sig),
                                           dkim_sig_getdomain (sig));
  struct __res_state res = { 0 };
  guchar answer[4096];
  if (res_ninit (&res) != 0)
    return DKIM_CBSTAT_NOTFOUND;
  res.retrans = MAIL_DKIM_DNS_TIMEOUT;
  res.retry = 1;
  errno = 0;
  int len = res_nquery (&res, name, ns_c_in, ns_t_txt, answer, sizeof answer);
  int saved = errno;
  res_nclose (&res);
  if (len >= 0 && txt_record (answer, len, buf, buflen))
    return DKIM_CBSTAT_CONTINUE;
  g_autofree char *what = log_escape (name);
  log_info ("dkim", "key=%s found=no reason=\"%s\"", what, len >= 0 ? "no TXT record"
            : saved == ETIMEDOUT || saved == ECONNREFUSED ? g_strerror (saved)
            : hstrerror (res.res_h_errno));
  if (len < 0 && saved == ETIMEDOUT)
    {
      if (mail_dkim_aligned ((const char *) dkim_sig_getdomain (sig), lookups->from_domain))
        lookups->timed_out = TRUE;
      return DKIM_CBSTAT_TRYAGAIN;
    }
  return DKIM_CBSTAT_NOTFOUND;
}

/* A libopendkim library handle reading keys from the file keys, or from
 * DNS with a timeout (MAIL_DKIM_DNS_TIMEOUT). */
static DKIM_LIB *
library_new (const char *keys, GError **error)
{
  DKIM_LIB *lib = dkim_init (NULL, NULL);
  if (lib == NULL)
    {
      g_set_error (error, MAIL_DKIM_ERROR, MAIL_DKIM_ERROR_SETUP, "libopendkim: dkim_init failed");
      return NULL;
    }
  unsigned int flags = DKIM_LIBFLAGS_FIXCRLF;
  unsigned int timeout = MAIL_DKIM_DNS_TIMEOUT;
  dkim_query_t method = DKIM_QUERY_FILE;
  gboolean ok = dkim_options (lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags, sizeof flags)
                    == DKIM_STAT_OK
                && dkim_options (lib, DKIM_OP_SETOPT, DKIM_OPTS_TIMEOUT, &timeout,
                                 sizeof timeout) == DKIM_STAT_OK;
  if (ok && keys == NULL)
    ok = dkim_set_key_lookup (lib, lookup_key) == DKIM_STAT_OK;
  else if (ok)
    ok = dkim_options (lib, DKIM_OP_SETOPT, DKIM_OPTS_QUERYMETHOD, &method, sizeof method)
             == DKIM_STAT_OK
         && dkim_options (lib, DKIM_OP_SETOPT, DKIM_OPTS_QUERYINFO, (void *) keys,
                          strlen (keys)) == DKIM_STAT_OK;
  if (ok)
    return lib;
  dkim_close (lib);
  g_set_error (error, MAIL_DKIM_ERROR, MAIL_DKIM_ERROR_SETUP, "libopendkim: options refused");
  return NULL;
}

/* TRUE when the signature passed and covers the whole body: one with an
 * l= tag lets anyone append to it (RFC 6376 section 8.2), so it does not
 * count. */
static gboolean
signature_passed (DKIM *dkim, DKIM_SIGINFO *sig)
{
  if (!DKIM_SIG_CHECK (sig))
    return FALSE;
  ssize_t msglen = 0, canonlen = 0, signlen = 0;
  if (dkim_sig_getcanonlen (dkim, sig, &msglen, &canonlen, &signlen) != DKIM_STAT_OK)
    return FALSE;
  return signlen < 0;
}

/* What one signature with domain d shows about from_domain. */
static MailDkimResult
signature_result (DKIM *dkim, DKIM_SIGINFO *sig, const char *d, const char *from_domain)
{
  if (!mail_dkim_aligned (d, from_domain))
    return MAIL_DKIM_NONE;
  if (signature_passed (dkim, sig))
    return g_ascii_strcasecmp (d, from_domain) == 0 ? MAIL_DKIM_STRICT : MAIL_DKIM_RELAXED;
  /* One that verifies but not the whole body (l=) does not count, and did not fail. */
  return DKIM_SIG_CHECK (sig) ? MAIL_DKIM_NONE : MAIL_DKIM_FAILED;
}

/* Looks at each signature after dkim_eom: the best result of the aligned ones. */
static void
judge_signatures (DKIM *dkim, const char *from_domain, MailDkimResult *result)
{
  DKIM_SIGINFO **sigs = NULL;
  int nsigs = 0;
  if (dkim_getsiglist (dkim, &sigs, &nsigs) != DKIM_STAT_OK)
    return;
  for (int i = 0; i < nsigs; i++)
    {
      const char *d = (const char *) dkim_sig_getdomain (sigs[i]);
      gboolean in_line = mail_dkim_aligned (d, from_domain);
      gboolean passed = signature_passed (dkim, sigs[i]);
      int sigerr = dkim_sig_geterror (sigs[i]);
      g_autofree char *who = log_escape (d != NULL ? d : "");
      log_debug ("dkim", "d=%s aligned=%s passed=%s error=%s", who, in_line ? "yes" : "no",
                 passed ? "yes" : "no", dkim_sig_geterrorstr (sigerr));
      *result = MAX (*result, signature_result (dkim, sigs[i], d, from_domain));
    }
}

/* A message without a DKIM-Signature header field needs no library. */
static gboolean
has_signature (const char *data, gsize len)
{
  static const char name[] = "dkim-signature:";
  for (gsize i = 0; i + sizeof name - 1 <= len; i++)
    {
      if ((i == 0 || data[i - 1] == '\n')
          && g_ascii_strncasecmp (data + i, name, sizeof name - 1) == 0)
        return TRUE;
      if (data[i] == '\n' && (i + 1 == len || data[i + 1] == '\n'
                              || (data[i + 1] == '\r' && i + 2 < len && data[i + 2] == '\n')))
        return FALSE;
    }
  return FALSE;
}

/* Feeds raw to a verifying handle and judges its signatures. */
static gboolean
verify_with (DKIM_LIB *lib, GBytes *raw, const char *from_domain, MailDkimResult *result,
             GError **error)
{
  gsize len;
  const guchar *data = g_bytes_get_data (raw, &len);
  DKIM_STAT status;
  Lookups lookups = { from_domain, FALSE };
  DKIM *dkim = dkim_verify (lib, (const u_char *) "ctcgw", NULL, &status);
  if (dkim == NULL)
    {
      g_set_error (error, MAIL_DKIM_ERROR, MAIL_DKIM_ERROR_SETUP, "libopendkim: %s",
                   dkim_getresultstr (status));
      return FALSE;
    }
  dkim_set_user_context (dkim, &lookups);
  status = dkim_chunk (dkim, (u_char *) data, len);
  if (status == DKIM_STAT_OK)
    status = dkim_chunk (dkim, NULL, 0);
  if (status == DKIM_STAT_OK)
    status = dkim_eom (dkim, NULL);
  judge_signatures (dkim, from_domain, result);
  if (!MAIL_DKIM_PASSED (*result) && status != DKIM_STAT_OK && status != DKIM_STAT_NOSIG)
    log_info ("dkim", "not-authenticated reason=%s", dkim_getresultstr (status));
  dkim_free (dkim);
  if (MAIL_DKIM_PASSED (*result) || !lookups.timed_out)
    return TRUE;
  g_set_error (error, MAIL_DKIM_ERROR, MAIL_DKIM_ERROR_TEMPORARY,
               "the DNS lookup of the DKIM key of %s timed out: try again later",
               from_domain);
  return FALSE;
}

gboolean
mail_dkim_verify (GBytes *raw, const char *from_domain, const char *keys,
                  MailDkimResult *result, GError **error)
{
  gsize len;
  const char *data = g_bytes_get_data (raw, &len);
  *result = MAIL_DKIM_NONE;
  if (from_domain == NULL || !has_signature (data, len))
    return TRUE;
  DKIM_LIB *lib = library_new (keys, error);
  if (lib == NULL)
    return FALSE;
  gboolean ok = verify_with (lib, raw, from_domain, result, error);
  dkim_close (lib);
  return ok;
}
