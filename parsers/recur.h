/* Recurrence rules and local start times as staff write them for schedules
 * (ctcgw.conf(5), [schedule NAME]; ctcgw(8), circular schedule): read and
 * checked here, pure code with libical, so that the configuration can be
 * checked without the schedules that run them. */
#pragma once

#include <glib.h>
#include <libical/ical.h>

typedef enum {
  RECUR_ERROR_INVALID,   /* not an RRULE we run, or not a start: the message says why */
} RecurError;
#define RECUR_ERROR recur_error_quark ()
GQuark recur_error_quark (void);

/* The longest RRULE accepted, in bytes. */
#define RECUR_RRULE_MAX 1024
/* The years a start may fall in. */
#define RECUR_YEAR_MIN 1970
#define RECUR_YEAR_MAX 2200

/* Reads rrule, an RRULE value (RFC 5545 section 3.3.10) that libical
 * reads, HOURLY or less often (a circular is no minute-by-minute thing),
 * Gregorian (no RSCALE, no leap months), into *rule.  FALSE with
 * RECUR_ERROR_INVALID otherwise. */
gboolean recur_rule_read (const char *rrule, struct icalrecurrencetype *rule, GError **error);

/* recur_rule_read, for a check alone. */
gboolean recur_rule_check (const char *rrule, GError **error);

/* Reads "YYYY-MM-DD[( |T)HH:MM[:SS]]" into v (year, month, day, hour,
 * minute, second): FALSE when text is not that, names no such time, or
 * falls outside RECUR_YEAR_MIN to RECUR_YEAR_MAX. */
gboolean recur_local_time_read (const char *text, int v[6]);

/* A start "YYYY-MM-DD", "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS" (a
 * space may replace the T; a date alone is 00:00), local time without a
 * zone, as "YYYY-MM-DDTHH:MM:SS" (owned by the caller), or NULL with
 * RECUR_ERROR_INVALID. */
char *recur_start_parse (const char *text, GError **error);

/* Printable ASCII only (what an RRULE or a zone name is made of). */
gboolean recur_printable_ascii (const char *s);
