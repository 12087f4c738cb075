/* The notice of a country visit to the visited State (action plan G e:
 * "with the consent of the States concerned"): its contact points are told
 * of the visit, each in its language, and asked whether the needs
 * assessment may be shared with the entities that asked for it.  The
 * State answers with the visit-consent form the notice carries, or with a
 * plain "yes" or "no" in any of the six languages (docs/submissions.md
 * section 6), which visit_notice_reply() reads as that form. */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include "gateway/base/context.h"
#include "parsers/form.h"
#include "parsers/limits.h"
#include "parsers/message.h"

/* What visit_notify() did; borrowed strings. */
typedef struct {
  guint queued;            /* notices queued, one for each contact point */
  char *requested_by;      /* the entities asked about, "UNODC, EU" (owned by the caller) */
} VisitNotified;

/* Queues the notice (template visit-notice) of the visit reference (any
 * case) to every active contact point of its State, naming requested_by
 * (a list of registered entities separated by commas, at least one) as
 * the entities that asked for the needs assessment, and records it in
 * visit_notices, in one transaction.  VISIT_ERROR_INVALID when an entity
 * is unknown, the visit is cancelled or the State has no contact point;
 * VISIT_ERROR_NOT_FOUND for no such visit. */
gboolean visit_notify (const Context *ctx, const char *reference, const char *requested_by,
                       GDateTime *now, VisitNotified *out, GError **error);

/* When msg has no record of its own, is from a contact point of a visited
 * State, names a visit of that State that was notified in its subject
 * ([CTC-VIS-…], as the notice's subject has it) and its text begins with
 * "yes" or "no" in one of the six languages: adds to parse the
 * visit-consent record that reply means (Consent as it says, Recipients
 * the entities the latest notice named).  Otherwise parse is left as it
 * is.  The record is checked, authorized and filed as any other. */
void visit_notice_reply (sqlite3 *db, const MailMessage *msg, FormParse *parse,
                         const CtcLimits *limits);
