/* Submissions held until their sender confirms them by reply
 * (docs/submissions.md section 6; ctcgw(8), AUTHENTICATION; ctcgw.conf(5),
 * [authentication] require = confirm). */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include "gateway/base/context.h"
#include "parsers/message.h"

/* The pending submission a request is about. */
typedef struct {
  gint64 submission_id;
  const char *reference;   /* SUB-… */
  const char *subject;     /* of the held message, "" when none */
  guint records;           /* records it holds */
  const char *from_addr;   /* its From: whose contact point is asked */
} ConfirmPending;

/* A confirmation a reply names. */
typedef struct {
  gint64 id;               /* confirmations.id, 0 when the reply names none */
  gint64 submission_id;    /* the held submission */
  char *reference;         /* its reference */
  char *expires;           /* ISO 8601 UTC */
  gboolean confirmed;      /* confirmed already */
  gboolean expired;        /* still pending, but expires has passed */
} ConfirmMatch;

void confirm_match_clear (ConfirmMatch *m);

/* Holds the submission of p: a confirmations row with a random token and
 * one confirmation request queued to the address the Directory holds for
 * the contact point of p->from_addr (never Reply-To, never From as
 * written).  Returns the request's outbox id, 0 when the Directory has no
 * address for it or when replies_per_sender_per_hour requests went to that
 * address in the last hour (the submission still waits: the digest lists
 * it), -1 with error set. */
gint64 confirm_request (const Context *ctx, const ConfirmPending *p, GError **error);

/* Fills m with the confirmation msg replies to: its In-Reply-To or
 * References naming the request's Message-ID, or its Subject the token,
 * and its From the address the request went to.  m->id stays 0 when
 * there is none.  FALSE on a database failure. */
gboolean confirm_find (const Context *ctx, const MailMessage *msg, ConfirmMatch *m,
                       GError **error);

/* Marks confirmation id confirmed by the reply reply_submission_id, and
 * its submission's authentication 'confirmed'. */
gboolean confirm_done (const Context *ctx, gint64 id, gint64 reply_submission_id,
                       GError **error);
