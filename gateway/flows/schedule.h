/* Schedules (ctcgw(8), circular schedule; ctcgw.conf(5), [schedule NAME]):
 * iCalendar RRULEs expanded with libical in a time zone, kept in the
 * database (table schedules).
 *
 * A schedule is due when its next_run (UTC) has passed.  A due schedule
 * runs once, however many of its occurrences were missed while the daemon
 * was stopped; its next_run then becomes the first occurrence after now.
 * Occurrences are computed in the local time of the zone (09:00 stays
 * 09:00 across a daylight-saving change) and kept in UTC.
 *
 * Kinds: "circular" sends a circular (the one a `circular schedule REF`
 * names, again each time; or, for a [schedule NAME] of the configuration,
 * a new circular from its template each time: one reference per run) and
 * "distribute-contacts" runs distribute_contacts() for its audience. */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include "gateway/base/config.h"
#include "gateway/base/context.h"

typedef enum {
  SCHEDULE_ERROR_INVALID,   /* rrule, start or time zone refused: the message says why */
  SCHEDULE_ERROR_NOT_FOUND, /* no such circular or schedule */
} ScheduleError;
#define SCHEDULE_ERROR schedule_error_quark ()
GQuark schedule_error_quark (void);

/* Occurrences looked at, at most, to find the next one. */
#define SCHEDULE_ITERATIONS_MAX 2000000

/* The first occurrence of rrule from dtstart (as recur_start_parse
 * returns it) in time zone tzid (IANA name) that is after `after`, or at
 * it when inclusive; a new UTC GDateTime, or NULL: with error set when the
 * rule, start or zone is refused, without when the rule has no such
 * occurrence (COUNT or UNTIL reached). */
GDateTime *schedule_next (const char *rrule, const char *dtstart, const char *tzid,
                          GDateTime *after, gboolean inclusive, GError **error);

/* The schedule of a circular as `circular schedule` gives it; borrowed. */
typedef struct {
  const char *reference;  /* the circular's, any case */
  const char *rrule;
  const char *start;      /* local time in the configured time zone */
} CircularSchedule;

/* Schedules the circular s->reference on s->rrule from s->start,
 * replacing a schedule it had; sets the circular's rrule and start.
 * *next_run (may be NULL) gets the first occurrence at or after now, UTC
 * ("2026-01-15T14:00:00Z"; NULL when none).  Runs its own transaction. */
gboolean schedule_circular (const Context *ctx, const CircularSchedule *s, GDateTime *now,
                            char **next_run, GError **error);

/* Stops the schedule of the circular reference (enabled = 0). */
gboolean schedule_stop (sqlite3 *db, const char *reference, GError **error);

/* Brings the [schedule NAME] sections of config into the database: new
 * and changed ones get their next_run from now, those no longer in the
 * configuration are disabled.  Writes only what changed. */
gboolean schedule_sync_config (const Context *ctx, GDateTime *now, GError **error);

/* Syncs the configuration, then runs every enabled schedule whose next_run
 * is at or before now, once each (the sending and the new next_run in one
 * transaction for circulars).  A run that fails for a reason other than
 * the database (an audience or template that no longer resolves) is
 * logged and kept in last_error, and the schedule moves on to its next
 * occurrence.  FALSE only for a database failure (retry at the next pass). */
gboolean schedule_run_due (const Context *ctx, GDateTime *now, GError **error);

/* How long the daemon may sleep, in seconds, before the earliest next_run
 * of an enabled schedule: the time until it rounded up, plus one (timers
 * may fire a little early); SCHEDULE_RETRY_SECONDS when one is overdue (it
 * failed at this pass); G_MAXUINT when there is none or the database
 * cannot be read. */
#define SCHEDULE_RETRY_SECONDS 60u
guint schedule_seconds_until_due (sqlite3 *db, GDateTime *now);
