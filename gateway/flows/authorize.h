/* Who may submit (docs/submissions.md section 6). */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include "gateway/base/config.h"
#include "parsers/authres.h"
#include "parsers/form.h"
#include "parsers/message.h"

/* NULL when the sender of msg may file every checked record of parse; else
 * a new string saying why not, the reason the message is quarantined: for
 * records, every record refused, separated by "; ".
 * auth: how the sender was authenticated; a sender authenticated by DKIM
 * or DMARC is never quarantined for a failed Authentication-Results.
 * On a database failure returns NULL with error set. */
char *authorize_submission (sqlite3 *db, const Config *config, const MailMessage *msg,
                            MailAuth auth, FormParse *parse, GError **error);

/* The problem of each record of parse that the sender of msg may not
 * file, by the record's index: NULL for a record it may file, for one
 * that has problems of its own, and for every record of a sender that is
 * no contact point.  A new array that frees its problems. */
GPtrArray *authorize_records (sqlite3 *db, const MailMessage *msg, FormParse *parse);

/* Gives the records that name nobody (a result without Reporter,
 * information without Entity) the sender's first entity.  Called before
 * authorize_submission, and for staff-approved messages too. */
void authorize_defaults (sqlite3 *db, const MailMessage *msg, FormParse *parse);

/* TRUE when an Authentication-Results header (RFC 8601; auth_results holds
 * them one a line) from the trusted authserv-id reports dmarc=fail, or
 * dkim=fail together with spf=fail.  Malformed headers are ignored. */
gboolean authorize_auth_failed (const char *auth_results, const char *authserv_id);

/* TRUE when one of them reports dmarc=pass and none a failure as above:
 * the sender is authenticated as "dmarc" (docs/submissions.md section 6).
 * Malformed headers are ignored and logged. */
gboolean authorize_dmarc_passed (const char *auth_results, const char *authserv_id);

/* The policy for a submission that nothing authenticated (ctcgw(8),
 * AUTHENTICATION): of the entities the checked records of parse name (an
 * update's stored owners too), each with its own entities.require or else
 * config's [authentication] require, the strictest (authenticated, then
 * confirm, then none); config's when they name none.  FALSE with error set
 * on a database failure. */
gboolean authorize_policy (sqlite3 *db, const Config *config, const FormParse *parse,
                           AuthRequire *require, GError **error);

/* Sets *strict when one of the entities the checked records of parse name
 * (as authorize_policy finds them) requires strict DKIM alignment
 * (entities.dkim_alignment, schema/014-entity-alignment.sql).  FALSE with
 * error set on a database failure. */
gboolean authorize_strict (sqlite3 *db, const FormParse *parse, gboolean *strict,
                           GError **error);
