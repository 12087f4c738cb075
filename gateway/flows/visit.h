/* Country visits (action plan G a-e): the visit and its invitation (a row
 * of meetings with the visit's reference, see meeting.h), requests to the
 * participating organizations for information in advance (G d) with a
 * reminder before the due date, the needs assessment and its sharing with
 * donors (G e).
 *
 * Confidentiality: an assessment's text leaves the database only through
 * visit_share(), and only to the contact points of the entities that the
 * State's latest visit-consent names (every donor for "all-donors").
 * Donors are the entities that provide an active assistance offer (the
 * Matrix) or an active information source of kind "funding".  Every
 * sharing is a row of assessment_shares. */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include "gateway/base/config.h"
#include "gateway/base/context.h"

typedef enum {
  VISIT_ERROR_INVALID,      /* a state, organization, date or file is refused: the message says why */
  VISIT_ERROR_NOT_FOUND,    /* no visit has that reference */
  VISIT_ERROR_NO_CONSENT,   /* the State has not consented to sharing the assessment */
  VISIT_ERROR_NO_ASSESSMENT,/* visit share before visit assess */
} VisitError;
#define VISIT_ERROR visit_error_quark ()
GQuark visit_error_quark (void);

/* The largest assessment file, in bytes. */
#define VISIT_ASSESSMENT_MAX (1024 * 1024)
/* Days before the due date of a request for information that the
 * reminder goes out. */
#define VISIT_REMINDER_DAYS 3

/* What visit_create() is given, as the command line writes it; borrowed. */
typedef struct {
  const char *state;          /* any way of writing the State */
  const char *start;          /* dates YYYY-MM-DD, inclusive */
  const char *end;
  const char *organizations;  /* a list separated by commas */
  const char *location;       /* the place of its invitation; NULL: none given (each
                               * invitee reads the State's name in its language) */
} VisitNew;

/* Creates the visit n and its row of meetings; returns the VIS reference
 * (owned by the caller), or NULL with error. */
char *visit_create (const Context *ctx, const VisitNew *n, GDateTime *now, GError **error);

/* Sends the request for information in advance (template
 * visit-request-info) to the contact points of the visit's organizations,
 * due on due (YYYY-MM-DD, not before today), and plans its reminder
 * VISIT_REMINDER_DAYS days before, at 09:00 in the configured zone (none
 * when that has passed).  *queued counts the messages. */
gboolean visit_request_info (const Context *ctx, const char *reference, const char *due,
                             GDateTime *now, guint *queued, GError **error);

/* Sends the reminders that are due at now (template visit-reminder) to
 * the contact points of the organizations that have sent no
 * visit-information for the visit; each request once, in its own
 * transaction.  A reminder that fails otherwise (every organization
 * deactivated, a template that cannot be rendered) is recorded as done,
 * with reminders = 0 and its last_error, so the later ones still go out.
 * FALSE only for a database failure. */
gboolean visit_remind_due (const Context *ctx, GDateTime *now, GError **error);

/* Seconds until the next reminder is due (at least 1), or G_MAXUINT. */
guint visit_seconds_until_due (sqlite3 *db, GDateTime *now);

/* Stores text (UTF-8, at most VISIT_ASSESSMENT_MAX bytes) as the visit's
 * needs assessment, entered by by. */
gboolean visit_assess (sqlite3 *db, const char *reference, const char *text, const char *by,
                       GError **error);

/* What visit_share() reports: three new arrays of entity codes (strings),
 * set even when it fails (then empty); the caller unrefs them. */
typedef struct {
  GPtrArray *shared;    /* the entities it went to now */
  GPtrArray *skipped;   /* named, with no contact point */
  GPtrArray *inactive;  /* named, deactivated in the entities register: left out */
} VisitShares;

/* Sends the visit's latest assessment to the entities that the State's
 * latest consent names and that have not received it yet, one message to
 * each of their active contact points, recording each entity in
 * assessment_shares.  Refused with VISIT_ERROR_NO_CONSENT when there is
 * no consent, or it says no; out says to whom it went. */
gboolean visit_share (const Context *ctx, const char *reference, GDateTime *now,
                      VisitShares *out, GError **error);
