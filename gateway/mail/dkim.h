/* DKIM signatures verified (RFC 6376) with libopendkim, and the signer's
 * alignment with the From: domain as DMARC has it (RFC 7489 section
 * 3.1.1, relaxed: the same organizational domain, found with libpsl).
 * Keys come from DNS, or from a file (ctcgw.conf(5), [authentication]
 * dkim_keys).  No database. */
#pragma once

#include <glib.h>

typedef enum {
  MAIL_DKIM_ERROR_TEMPORARY,  /* a key lookup timed out or failed: retry later */
  MAIL_DKIM_ERROR_SETUP,      /* libopendkim could not be set up */
} MailDkimError;
#define MAIL_DKIM_ERROR mail_dkim_error_quark ()
GQuark mail_dkim_error_quark (void);

/* Seconds a DNS key lookup may take before it is a temporary failure. */
#define MAIL_DKIM_DNS_TIMEOUT 5

/* What the DKIM signatures of a message aligned with its From: domain
 * show, best first (ctcgw(8), AUTHENTICATION). */
typedef enum {
  MAIL_DKIM_NONE,     /* no signature aligned with From */
  MAIL_DKIM_FAILED,   /* an aligned signature that does not verify, and no aligned pass */
  MAIL_DKIM_RELAXED,  /* a valid aligned signature, none whose d= is the From: domain itself */
  MAIL_DKIM_STRICT,   /* a valid signature whose d= is the From: domain (strict alignment) */
} MailDkimResult;

/* Verifies every DKIM-Signature of raw (a whole message) into *result: a
 * pass is a valid signature that signs the whole body and whose d= is
 * aligned with from_domain (may be NULL: never aligned).  keys: a key file,
 * or NULL for DNS.  A signature that does not verify or is malformed is not
 * an error (it is logged).  FALSE with MAIL_DKIM_ERROR_TEMPORARY when the key
 * of an aligned signature could not be had, and none verified. */
gboolean mail_dkim_verify (GBytes *raw, const char *from_domain, const char *keys,
                           MailDkimResult *result, GError **error);

/* TRUE when result authenticates the sender (a relaxed or strict pass). */
#define MAIL_DKIM_PASSED(result) ((result) >= MAIL_DKIM_RELAXED)

/* TRUE when signer and from_domain (any case) have the same organizational
 * domain (RFC 7489 section 3.1.1 relaxed alignment); a domain that is a
 * public suffix itself is aligned only with itself. */
gboolean mail_dkim_aligned (const char *signer, const char *from_domain);
