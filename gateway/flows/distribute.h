/* The distribution of the directory of contact points (action plan E 6 a):
 * one message per recipient with the directory as a text table, a CSV
 * attachment and a vCard 4.0 attachment. */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include "gateway/base/config.h"
#include "gateway/base/context.h"
#include "gateway/store/countries.h"

/* One contact point of the directory. */
typedef struct {
  char *reference;    /* CTC-CP-2026-0001 */
  char *entity;       /* canonical code */
  char *entity_name;
  char *name;
  char *email;
  char *title;        /* the others may be NULL */
  char *office;
  char *phone;
  char *languages;    /* ISO 639-1 codes, ", " between them: "ru, kk, en" */
  char *role;
  char *areas;        /* area codes, ", " between them */
  char *updated;      /* ISO 8601 UTC */
} ContactPoint;

void contact_point_free (ContactPoint *cp);

/* The active contact points (state and status active), sorted by entity
 * then name: a new array of ContactPoint*, or NULL with error. */
GPtrArray *distribute_directory (sqlite3 *db, GError **error);

/* The directory as a text table of entity, name, role, email and phone in
 * at most 78 columns, long values wrapped on following lines. */
char *distribute_text_table (GPtrArray *directory);

/* distribute_text_table() with its headings in lang (ISO 639-1; "fr-CA"
 * reads as "fr"), English when lang has none, and the States named in
 * lang where names (may be NULL) has them. */
char *distribute_text_table_in (GPtrArray *directory, const char *lang,
                                const CountryNames *names);

/* The directory as CSV (RFC 4180, CRLF) with the contact-point form's
 * fields as header: Entity,Name,Email,Title,Office,Phone,Languages,Role,Areas. */
char *distribute_csv (GPtrArray *directory);

/* The directory as vCard 4.0 (RFC 6350): one card per contact point,
 * values escaped, lines folded at 75 octets, CRLF line ends. */
char *distribute_vcard (GPtrArray *directory);

/* One vCard content line "NAME:value" folded at 75 octets (never inside a
 * UTF-8 character) and ended with CRLF, appended to out; value is
 * written as given (escape it first). */
void vcard_append_line (GString *out, const char *name, const char *value);

/* text escaped for a vCard value (RFC 6350 section 3.4): backslash, comma,
 * semicolon and newlines; CR and other control characters dropped. */
char *vcard_escape (const char *text);

/* The stable urn:uuid of a contact point's reference (a name-based UUID). */
char *vcard_uid (const char *reference);

/* Queues, in one transaction, one message (templates distribute.LANG.txt
 * in the recipient's language; Auto-Submitted: auto-generated; List-Id
 * <contacts.DOMAIN> of the gateway's address) to every recipient of
 * audience with the directory; *queued counts them.  A recipient whose
 * address the outbox refuses is left out with a warning.  FALSE with error
 * (AUDIENCE_ERROR for a bad audience, DB_ERROR, TPL_ERROR) and nothing
 * queued on failure.  Opens its own transaction: the caller is in none. */
gboolean distribute_contacts (const Context *ctx, const char *audience, guint *queued,
                              GError **error);

/* The same in the caller's transaction (a schedule that runs it with
 * other work): on FALSE the caller rolls back. */
gboolean distribute_queue (const Context *ctx, const char *audience, guint *queued,
                           GError **error);
