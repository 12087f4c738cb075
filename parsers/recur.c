/* Recurrence rules and local start times of schedules: see recur.h. */
#include <string.h>

#include "parsers/fail.h"
#include "parsers/recur.h"

G_DEFINE_QUARK (ctcgw-recur-error-quark, recur_error)

/* A rule or a start refused: the message says why. */
#define refuse(error, ...) fail_with (error, RECUR_ERROR, RECUR_ERROR_INVALID, __VA_ARGS__)

/* See recur.h. */
gboolean
recur_printable_ascii (const char *s)
{
  for (; *s != '\0'; s++)
    if ((guchar) *s < 0x20 || (guchar) *s > 0x7e)
      return FALSE;
  return TRUE;
}

/* BYMONTH holds Gregorian months only (libical also reads the leap months
 * of RFC 7529, which need RSCALE). */
static gboolean
months_valid (const struct icalrecurrencetype *rule)
{
  for (guint i = 0; i < ICAL_BY_MONTH_SIZE && rule->by_month[i] != ICAL_RECURRENCE_ARRAY_MAX; i++)
    {
      int month = icalrecurrencetype_month_month (rule->by_month[i]);
      if (icalrecurrencetype_month_is_leap (rule->by_month[i]) || month < 1 || month > 12)
        return FALSE;
    }
  return TRUE;
}

/* TRUE when the array of a BY… part (ICAL_RECURRENCE_ARRAY_MAX-ended) is
 * given. */
static gboolean
by_given (const short *by)
{
  return by[0] != ICAL_RECURRENCE_ARRAY_MAX;
}

/* TRUE when a BYDAY entry has an ordinal ("5MO", "-1FR"). */
static gboolean
by_day_numbered (const struct icalrecurrencetype *rule)
{
  for (guint i = 0; i < ICAL_BY_DAY_SIZE && rule->by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; i++)
    if (icalrecurrencetype_day_position (rule->by_day[i]) != 0)
      return TRUE;
  return FALSE;
}

/* TRUE when a BYDAY ordinal is beyond what the FREQ has: 5 weeks in a
 * month, 53 in a year (RFC 5545 section 3.3.10).  libical would search
 * for the 203rd Wednesday of a month for seconds on end. */
static gboolean
by_day_beyond (const struct icalrecurrencetype *rule)
{
  int most = rule->freq == ICAL_MONTHLY_RECURRENCE && !by_given (rule->by_month) ? 5 : 53;
  if (rule->freq == ICAL_YEARLY_RECURRENCE && by_given (rule->by_month))
    most = 5;
  for (guint i = 0; i < ICAL_BY_DAY_SIZE && rule->by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; i++)
    if (ABS (icalrecurrencetype_day_position (rule->by_day[i])) > most)
      return TRUE;
  return FALSE;
}

/* The BY… part that RFC 5545 section 3.3.10 forbids with the rule's FREQ,
 * or NULL: libical expands such rules out of order ("FREQ=WEEKLY;BYDAY=5MO"
 * gives a date, then one before it). */
static const char *
part_forbidden (const struct icalrecurrencetype *rule)
{
  icalrecurrencetype_frequency f = rule->freq;
  if (by_day_beyond (rule))
    return "a BYDAY number is at most 5 in a month and 53 in a year";
  if (by_day_numbered (rule)
      && (f != ICAL_MONTHLY_RECURRENCE && f != ICAL_YEARLY_RECURRENCE))
    return "BYDAY with a number (as 1MO) is for FREQ=MONTHLY or FREQ=YEARLY";
  if (by_day_numbered (rule) && f == ICAL_YEARLY_RECURRENCE && by_given (rule->by_week_no))
    return "BYDAY with a number (as 1MO) cannot go with BYWEEKNO";
  if (by_given (rule->by_month_day) && f == ICAL_WEEKLY_RECURRENCE)
    return "BYMONTHDAY cannot go with FREQ=WEEKLY";
  if (by_given (rule->by_year_day) && (f == ICAL_DAILY_RECURRENCE || f == ICAL_WEEKLY_RECURRENCE
                                       || f == ICAL_MONTHLY_RECURRENCE))
    return "BYYEARDAY is for FREQ=YEARLY or FREQ=HOURLY";
  if (by_given (rule->by_week_no) && f != ICAL_YEARLY_RECURRENCE)
    return "BYWEEKNO is for FREQ=YEARLY";
  return NULL;
}

/* See recur.h. */
gboolean
recur_rule_read (const char *rrule, struct icalrecurrencetype *rule, GError **error)
{
  if (rrule == NULL || *rrule == '\0' || strlen (rrule) > RECUR_RRULE_MAX
      || !recur_printable_ascii (rrule))
    return refuse (error, "an RRULE is printable ASCII of 1 to %d characters, like"
                   " FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=15", RECUR_RRULE_MAX);
  icalerror_set_errors_are_fatal (0);
  icalerror_clear_errno ();
  *rule = icalrecurrencetype_from_string (rrule);
  gboolean rscale = rule->rscale != NULL;
  g_clear_pointer (&rule->rscale, icalmemory_free_buffer);
  if (rule->freq == ICAL_NO_RECURRENCE || icalerrno != ICAL_NO_ERROR || !months_valid (rule))
    return refuse (error, "\"%s\" is not an RRULE (RFC 5545 section 3.3.10), like"
                   " FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1", rrule);
  if (rscale)
    return refuse (error, "\"%s\": RSCALE is not supported: the Gregorian calendar is", rrule);
  if (rule->freq == ICAL_SECONDLY_RECURRENCE || rule->freq == ICAL_MINUTELY_RECURRENCE)
    return refuse (error, "\"%s\": a schedule recurs at most hourly", rrule);
  const char *forbidden = part_forbidden (rule);
  if (forbidden != NULL)
    return refuse (error, "\"%s\": %s (RFC 5545 section 3.3.10)", rrule, forbidden);
  return TRUE;
}

/* See recur.h. */
gboolean
recur_rule_check (const char *rrule, GError **error)
{
  struct icalrecurrencetype rule;
  return recur_rule_read (rrule, &rule, error);
}

/* The number of n digits at s, or -1. */
static int
digits (const char *s, guint n)
{
  int v = 0;
  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return -1;
      v = v * 10 + (s[i] - '0');
    }
  return v;
}

/* See recur.h. */
gboolean
recur_local_time_read (const char *text, int v[6])
{
  gsize len = strlen (text);
  if (len != 10 && len != 16 && len != 19)
    return FALSE;
  if (text[4] != '-' || text[7] != '-' || (len > 10 && text[10] != 'T' && text[10] != ' ')
      || (len > 10 && text[13] != ':') || (len > 16 && text[16] != ':'))
    return FALSE;
  v[0] = digits (text, 4);
  v[1] = digits (text + 5, 2);
  v[2] = digits (text + 8, 2);
  v[3] = len > 10 ? digits (text + 11, 2) : 0;
  v[4] = len > 10 ? digits (text + 14, 2) : 0;
  v[5] = len > 16 ? digits (text + 17, 2) : 0;
  for (guint i = 0; i < 6; i++)
    if (v[i] < 0)
      return FALSE;
  return v[0] >= RECUR_YEAR_MIN && v[0] <= RECUR_YEAR_MAX && v[1] >= 1 && v[1] <= 12
         && v[2] >= 1 && g_date_valid_dmy ((GDateDay) v[2], (GDateMonth) v[1], (GDateYear) v[0])
         && v[3] < 24 && v[4] < 60 && v[5] < 60;
}

/* text as an error message may show it: UTF-8 (invalid bytes made U+FFFD),
 * control characters made '?'.  New string. */
static char *
shown (const char *text)
{
  char *out = g_utf8_make_valid (text != NULL ? text : "", -1);
  for (char *p = out; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = '?';
  return out;
}

/* See recur.h. */
char *
recur_start_parse (const char *text, GError **error)
{
  int v[6];
  if (text == NULL || !recur_local_time_read (text, v))
    {
      g_autofree char *what = shown (text);
      refuse (error, "\"%s\" is not a start: write a local date and time like"
              " 2026-01-15T09:00 (or a date, for 00:00), years %d to %d, without a"
              " zone", what, RECUR_YEAR_MIN, RECUR_YEAR_MAX);
      return NULL;
    }
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d", v[0], v[1], v[2], v[3], v[4], v[5]);
}
