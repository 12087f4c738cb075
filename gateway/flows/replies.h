/* Calendar replies to the gateway's invitations (iMIP, RFC 6047): a REPLY
 * updates the attendance register, a COUNTER is recorded for staff; neither
 * is ever answered (ctcgw(8), DESCRIPTION). */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include "gateway/base/config.h"
#include "gateway/base/context.h"
#include "parsers/authres.h"
#include "parsers/message.h"

/* How a calendar reply's sender was authenticated. */
typedef struct {
  MailAuth auth;        /* ctcgw(8), AUTHENTICATION */
  gboolean dkim_failed; /* a DKIM signature aligned with From did not verify (MAIL_DKIM_FAILED) */
} RepliesAuth;

/* Files the calendar reply msg (stored as submission submission_id) in the
 * caller's transaction and records what became of it in calendar_replies.
 * A reply dated more than [limits] calendar_clock_skew_hours ahead of the
 * clock, for a SEQUENCE above the meeting's, or for one occurrence
 * (RECURRENCE-ID) is refused: recorded, nothing filed, never quarantined.
 * A REPLY changes attendance only for a known UID (a meetings row), when
 * the From address is the replying ATTENDEE (RFC 6047 section 3: replies
 * can be spoofed), and when its SEQUENCE is not older than the meeting's;
 * a COUNTER that passes the same checks becomes a counter_proposals row.
 * When the sender is not the attendee, or the trusted Authentication-Results
 * report that its From failed, or a DKIM signature aligned with From does
 * not verify (auth->dkim_failed) and no other passed, or the REPLY
 * delegates to an address that is no contact point of the attendee's
 * entity, *quarantine is set to why (newly allocated) and nothing is
 * filed.  auth->auth: how the sender was authenticated (ctcgw(8),
 * AUTHENTICATION); MAIL_AUTH_STAFF_CLI (staff approved the message from
 * quarantine) skips those checks, and a sender authenticated by DKIM or
 * DMARC is not quarantined for a failed Authentication-Results.  FALSE
 * only when the database fails. */
gboolean replies_process (const Context *ctx, const MailMessage *msg, gint64 submission_id,
                          const RepliesAuth *auth, char **quarantine, GError **error);
