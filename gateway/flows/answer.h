/* The answer to a submission (docs/submissions.md section 7), composed from
 * a template and queued in the outbox inside the filing transaction. */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include "gateway/base/config.h"
#include "gateway/base/context.h"
#include "gateway/base/template.h"
#include "parsers/message.h"

/* The language answers to addr are written in: the first language of its
 * contact point, else keys_language (the language of the keys the message
 * used, form_parse_language(); may be NULL), else the configured default.
 * Returns a new string. */
char *answer_language (const Context *ctx, const char *addr, const char *keys_language);

/* TRUE when addr has been answered replies_per_sender_per_hour times in the
 * last hour already. */
gboolean answer_rate_limited (const Context *ctx, const char *addr, GError **error);

/* Renders template NAME in the sender's language (answer_language) with
 * data and queues it to the sender of msg as a reply (In-Reply-To,
 * References, Auto-Submitted: auto-replied, Content-Language); logs the
 * reply for the rate limit.  Returns the outbox row id, or 0 with error
 * set. */
gint64 answer_queue (const Context *ctx, const MailMessage *msg, const char *name,
                     TplData *data, const char *keys_language, gint64 submission_id,
                     GError **error);

/* Withdraws the answers named name (a template) to submission_id that
 * have not gone out (queued or deferred in the outbox): the final answer
 * of a review replaces the quarantine notice (docs/submissions.md
 * section 6).  FALSE on a database failure. */
gboolean answer_withdraw_unsent (const Context *ctx, gint64 submission_id, const char *name,
                                 GError **error);

/* The address answers go to: Reply-To, else From; NULL when there is none. */
const char *answer_address (const MailMessage *msg);
