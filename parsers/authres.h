/* Authentication-Results header fields read by the grammar of RFC 8601
 * section 2.2: authserv-id, version, and each result (resinfo) with its
 * method, result, reason and properties; comments (CFWS) skipped.
 * Pure code: memory only.
 *
 * Ownership: authres_parse() returns a new AuthRes owned by the caller
 * (authres_free / g_autoptr); its strings and arrays belong to it. */
#pragma once

#include <glib.h>

typedef enum {
  AUTHRES_ERROR_SYNTAX,  /* not an Authentication-Results field of RFC 8601 */
} AuthResError;
#define AUTHRES_ERROR authres_error_quark ()
GQuark authres_error_quark (void);

/* How a submission's sender was authenticated (docs/submissions.md
 * section 6), as the submissions.authentication column stores it. */
typedef enum {
  MAIL_AUTH_NONE,       /* "none": nothing showed who sent it */
  MAIL_AUTH_DKIM,       /* "dkim": a valid DKIM signature aligned with From */
  MAIL_AUTH_DMARC,      /* "dmarc": dmarc=pass from the trusted authserv-id */
  MAIL_AUTH_STAFF_CLI,  /* "staff-cli": staff's command (approve, import) */
  MAIL_AUTH_CONFIRMED,  /* "confirmed": its sender's reply to a confirmation request */
} MailAuth;

const char *mail_auth_name (MailAuth auth);

typedef struct {
  char *ptype;      /* lower case: "smtp", "header", "body", "policy"; "" when
                     * the property had no ptype (as "action=none") */
  char *property;   /* lower case: "d", "from", "mailfrom" */
  char *value;      /* as written, quotes removed; may be "" */
} AuthResProp;

typedef struct {
  char *method;     /* lower case: "dkim", "spf", "dmarc" */
  guint version;    /* method-version, 1 when none is written */
  char *result;     /* lower case: "pass", "fail", "none" */
  char *reason;     /* reason=, or NULL */
  GPtrArray *props; /* AuthResProp* */
} AuthResResult;

typedef struct {
  char *authserv_id; /* as written (compare without case) */
  guint version;     /* 1 when none is written */
  GPtrArray *results;/* AuthResResult*; empty for "none" */
} AuthRes;

void authres_free (AuthRes *ar);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AuthRes, authres_free)

/* Parses the value of one Authentication-Results field (after the colon;
 * folded or not).  NULL with AUTHRES_ERROR_SYNTAX when it is not UTF-8 or
 * does not follow RFC 8601 section 2.2; every text returned is UTF-8. */
AuthRes *authres_parse (const char *value, GError **error);

/* TRUE when ar has a result of method (lower case) that is result. */
gboolean authres_has (const AuthRes *ar, const char *method, const char *result);
