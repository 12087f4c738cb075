/* iCalendar invitations with libical: one VEVENT with its VTIMEZONE, the
 * iMIP body that carries it, and the feed of all meetings. */

#include "build-config.h"

#include <stdio.h>
#include <string.h>
#include <libical/ical.h>

#include "gateway/mail/compose.h"
#include "gateway/mail/invite.h"
#include "parsers/fail.h"

G_DEFINE_QUARK (ctcgw-invite-error-quark, invite_error)

#define PRODID "-//CTC Executive Directorate//ctcgw " PACKAGE_VERSION "//EN"

static const char *const method_names[] = {
  [INVITE_REQUEST] = "REQUEST", [INVITE_CANCEL] = "CANCEL",
};
static const icalproperty_method methods[] = {
  [INVITE_REQUEST] = ICAL_METHOD_REQUEST, [INVITE_CANCEL] = ICAL_METHOD_CANCEL,
};

/* See invite.h. */
const char *
invite_method_name (InviteMethod method)
{
  return method_names[method];
}

/* icalcomponent has no g_autoptr cleanup of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (icalcomponent, icalcomponent_free)

/* See invite.h. */
gboolean
invite_zone_known (const char *tzid)
{
  return tzid != NULL && *tzid != '\0' && strlen (tzid) < 128
         && icaltimezone_get_builtin_timezone (tzid) != NULL;
}

/* Reads "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" into *t (floating); FALSE
 * when text is neither or names no real day or time. */
static gboolean
time_read (const char *text, struct icaltimetype *t)
{
  int y, mo, d, h = 0, mi = 0, s = 0, n = 0;
  gsize len = text != NULL ? strlen (text) : 0;
  *t = icaltime_null_time ();
  if (len == 10 && sscanf (text, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10)
    t->is_date = 1;
  else if (!(len == 19 && sscanf (text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi,
                                  &s, &n) == 6 && n == 19))
    return FALSE;
  if (y < 1900 || y > 2999 || !g_date_valid_dmy (d, mo, y) || h > 23 || mi > 59 || s > 59
      || h < 0 || mi < 0 || s < 0)
    return FALSE;
  t->year = y, t->month = mo, t->day = d, t->hour = h, t->minute = mi, t->second = s;
  return TRUE;
}

/* One line of text with no control characters (newlines too, when
 * newlines), of 1 to max characters. */
static gboolean
text_valid (const char *text, guint max, gboolean newlines)
{
  if (text == NULL || *text == '\0' || !g_utf8_validate (text, -1, NULL)
      || g_utf8_strlen (text, -1) > max)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (((guchar) *p < 0x20 && !(newlines && (*p == '\n' || *p == '\t'))) || *p == 0x7f)
      return FALSE;
  return TRUE;
}

/* An event refused: the message says why. */
#define refuse(error, ...) fail_with (error, INVITE_ERROR, INVITE_ERROR_INVALID, __VA_ARGS__)

/* The texts of ev within their limits. */
static gboolean
texts_check (const InviteEvent *ev, GError **error)
{
  if (!text_valid (ev->title, INVITE_TITLE_MAX, TRUE))
    return refuse (error, "the title must be text of 1 to %d characters", INVITE_TITLE_MAX);
  if (ev->location != NULL && !text_valid (ev->location, INVITE_LOCATION_MAX, FALSE))
    return refuse (error, "the location must be one line of 1 to %d characters",
                   INVITE_LOCATION_MAX);
  if (ev->description != NULL && !text_valid (ev->description, INVITE_DESCRIPTION_MAX, TRUE))
    return refuse (error, "the description must be text of 1 to %d characters",
                   INVITE_DESCRIPTION_MAX);
  if (ev->uid == NULL || !text_valid (ev->uid, 255, FALSE) || ev->sequence < 0)
    return refuse (error, "the event has no valid UID or SEQUENCE");
  return TRUE;
}

/* Whether the local time t exists in zone: not in the hour skipped when
 * clocks go forward, which clients would each place differently. */
static gboolean
local_time_exists (struct icaltimetype t, const char *tzid)
{
  icaltimezone *zone = icaltimezone_get_builtin_timezone (tzid);
  if (zone == NULL || t.is_date)
    return TRUE;
  time_t utc = icaltime_as_timet_with_zone (t, zone);
  struct icaltimetype back = icaltime_from_timet_with_zone (utc, 0, zone);
  return back.hour == t.hour && back.minute == t.minute && back.day == t.day;
}

/* See invite.h. */
gboolean
invite_event_check (const InviteEvent *ev, GError **error)
{
  struct icaltimetype start, end;
  if (!texts_check (ev, error))
    return FALSE;
  if (!time_read (ev->start, &start))
    return refuse (error, "start %s: write YYYY-MM-DDTHH:MM (or a date YYYY-MM-DD)",
                   ev->start != NULL ? ev->start : "(none)");
  if (!time_read (ev->end, &end) || end.is_date != start.is_date)
    return refuse (error, "end %s: write it as start is written (%s)",
                   ev->end != NULL ? ev->end : "(none)",
                   start.is_date ? "YYYY-MM-DD" : "YYYY-MM-DDTHH:MM");
  if (!start.is_date && !invite_zone_known (ev->tzid))
    return refuse (error, "time zone %s: give an IANA name such as Europe/Vienna",
                   ev->tzid != NULL ? ev->tzid : "(none)");
  if (!local_time_exists (start, ev->tzid) || !local_time_exists (end, ev->tzid))
    return refuse (error, "%s: that local time does not exist in %s (the clocks go forward"
                   " then)", local_time_exists (start, ev->tzid) ? ev->end : ev->start,
                   ev->tzid);
  if (start.is_date ? icaltime_compare_date_only (end, start) < 0
                    : invite_event_utc (ev, FALSE) <= invite_event_utc (ev, TRUE))
    return refuse (error, "the end %s is not after the start %s", ev->end, ev->start);
  return TRUE;
}

/* Start or end of ev as libical reads it (floating; an all-day end is the
 * day after the last, as DTEND wants it). */
static struct icaltimetype
event_time (const InviteEvent *ev, gboolean start)
{
  struct icaltimetype t;
  if (!time_read (start ? ev->start : ev->end, &t))
    return icaltime_null_time ();
  if (t.is_date && !start)
    icaltime_adjust (&t, 1, 0, 0, 0);
  return t;
}

/* See invite.h. */
gint64
invite_event_utc (const InviteEvent *ev, gboolean start)
{
  struct icaltimetype t = event_time (ev, start);
  icaltimezone *zone = t.is_date || ev->tzid == NULL ? icaltimezone_get_utc_timezone ()
                       : icaltimezone_get_builtin_timezone (ev->tzid);
  if (zone == NULL)
    zone = icaltimezone_get_utc_timezone ();
  t.is_date = 0;
  return (gint64) icaltime_as_timet_with_zone (t, zone);
}

/* Whether tzid is libical's UTC, which has no VTIMEZONE: its times are
 * written in UTC ("Z"). */
static gboolean
zone_is_utc (const char *tzid)
{
  return tzid != NULL
         && icaltimezone_get_builtin_timezone (tzid) == icaltimezone_get_utc_timezone ();
}

/* Whether ev has times in a zone that needs its VTIMEZONE. */
static gboolean
needs_vtimezone (const InviteEvent *ev)
{
  return ev->tzid != NULL && !event_time (ev, TRUE).is_date && !zone_is_utc (ev->tzid);
}

/* A DTSTART or DTEND property: TZID=IANA name, UTC, or VALUE=DATE. */
static icalproperty *
time_property (const InviteEvent *ev, gboolean start)
{
  struct icaltimetype t = event_time (ev, start);
  if (!t.is_date && zone_is_utc (ev->tzid))
    t.zone = icaltimezone_get_utc_timezone ();
  icalproperty *p = start ? icalproperty_new_dtstart (t) : icalproperty_new_dtend (t);
  if (needs_vtimezone (ev))
    icalproperty_add_parameter (p, icalparameter_new_tzid (ev->tzid));
  return p;
}

/* A display name fit for a CN parameter: cleaned as every name that goes
 * out (compose_display_name), and no double quote, which would end the
 * quoted value (RFC 5545 section 3.1).  NULL when nothing is left. */
static char *
parameter_text (const char *name)
{
  char *cn = compose_display_name (name);
  for (char *p = cn; p != NULL && *p != '\0'; p++)
    if (*p == '"')
      *p = '\'';
  return cn;
}

/* "mailto:" address. */
static char *
mailto (const char *address)
{
  return g_strconcat ("mailto:", address, NULL);
}

static icalparameter_role
role_of (const char *role)
{
  if (g_strcmp0 (role, "CHAIR") == 0)
    return ICAL_ROLE_CHAIR;
  if (g_strcmp0 (role, "OPT-PARTICIPANT") == 0)
    return ICAL_ROLE_OPTPARTICIPANT;
  if (g_strcmp0 (role, "NON-PARTICIPANT") == 0)
    return ICAL_ROLE_NONPARTICIPANT;
  return ICAL_ROLE_REQPARTICIPANT;
}

/* The ORGANIZER property. */
static icalproperty *
organizer_property (const InviteEvent *ev)
{
  g_autofree char *uri = mailto (ev->organizer);
  icalproperty *p = icalproperty_new_organizer (uri);
  g_autofree char *cn = parameter_text (ev->organizer_name);
  if (cn != NULL)
    icalproperty_add_parameter (p, icalparameter_new_cn (cn));
  return p;
}

/* One ATTENDEE; an invitation asks for an answer. */
static icalproperty *
attendee_property (const InviteAttendee *a, gboolean ask)
{
  g_autofree char *uri = mailto (a->email);
  icalproperty *p = icalproperty_new_attendee (uri);
  g_autofree char *cn = parameter_text (a->name);
  if (cn != NULL)
    icalproperty_add_parameter (p, icalparameter_new_cn (cn));
  icalproperty_add_parameter (p, icalparameter_new_role (role_of (a->role)));
  if (ask)
    {
      icalproperty_add_parameter (p, icalparameter_new_partstat (ICAL_PARTSTAT_NEEDSACTION));
      icalproperty_add_parameter (p, icalparameter_new_rsvp (ICAL_RSVP_TRUE));
    }
  return p;
}

/* DTSTAMP's value: dtstamp in UTC. */
static struct icaltimetype
utc_stamp (GDateTime *dtstamp)
{
  return icaltime_from_timet_with_zone ((time_t) g_date_time_to_unix (dtstamp), 0,
                                        icaltimezone_get_utc_timezone ());
}

/* The VEVENT of ev; with_attendees for an invitation or cancellation, ask
 * for answers (PARTSTAT, RSVP) in an invitation; no STATUS in the CANCEL
 * that uninvites the attendees it lists from an event that goes on
 * (uninvite, RFC 5546 section 3.2.5). */
static icalcomponent *
vevent (const InviteEvent *ev, GDateTime *dtstamp, gboolean with_attendees, gboolean ask,
        gboolean uninvite)
{
  icalcomponent *e = icalcomponent_new (ICAL_VEVENT_COMPONENT);
  icalcomponent_add_property (e, icalproperty_new_uid (ev->uid));
  icalcomponent_add_property (e, icalproperty_new_dtstamp (utc_stamp (dtstamp)));
  icalcomponent_add_property (e, icalproperty_new_sequence ((int) ev->sequence));
  icalcomponent_add_property (e, icalproperty_new_summary (ev->title));
  icalcomponent_add_property (e, time_property (ev, TRUE));
  icalcomponent_add_property (e, time_property (ev, FALSE));
  if (ev->location != NULL)
    icalcomponent_add_property (e, icalproperty_new_location (ev->location));
  if (ev->description != NULL)
    icalcomponent_add_property (e, icalproperty_new_description (ev->description));
  if (!uninvite)
    icalcomponent_add_property (e, icalproperty_new_status (ev->cancelled ? ICAL_STATUS_CANCELLED
                                                                          : ICAL_STATUS_CONFIRMED));
  icalcomponent_add_property (e, icalproperty_new_transp (ICAL_TRANSP_OPAQUE));
  icalcomponent_add_property (e, organizer_property (ev));
  for (guint i = 0; with_attendees && i < ev->n_attendees; i++)
    icalcomponent_add_property (e, attendee_property (&ev->attendees[i], ask));
  return e;
}

/* The year of a UTC time given in seconds. */
static int
utc_year (gint64 seconds)
{
  g_autoptr (GDateTime) t = g_date_time_new_from_unix_utc (seconds);
  return t != NULL ? g_date_time_get_year (t) : 1970;
}

/* Jan 1 of year, 00:00 UTC. */
static struct icaltimetype
year_start (int year)
{
  struct icaltimetype t = icaltime_null_time ();
  t.year = year, t.month = 1, t.day = 1;
  t.zone = icaltimezone_get_utc_timezone ();
  return t;
}

/* Removes what libical adds to a VTIMEZONE and RFC 5545 does not define:
 * TZUNTIL (RFC 7808, from the truncation) and X-LIC-LOCATION.  Strict
 * clients warn about them.  Collected first: removing while iterating
 * loses libical's place. */
static void
drop_private_properties (icalcomponent *vtz)
{
  GSList *drop = NULL;
  for (icalproperty *p = icalcomponent_get_first_property (vtz, ICAL_ANY_PROPERTY); p != NULL;
       p = icalcomponent_get_next_property (vtz, ICAL_ANY_PROPERTY))
    {
      const char *name = icalproperty_get_property_name (p);
      if (name != NULL && (g_ascii_strcasecmp (name, "TZUNTIL") == 0
                           || g_ascii_strncasecmp (name, "X-", 2) == 0))
        drop = g_slist_prepend (drop, p);
    }
  for (GSList *l = drop; l != NULL; l = l->next)
    {
      icalcomponent_remove_property (vtz, l->data);
      icalproperty_free (l->data);
    }
  g_slist_free (drop);
}

/* The VTIMEZONE of tzid from libical's built-in data, with the IANA name
 * as TZID (the built-in one carries a /freeassociation.sourceforge.net/
 * prefix) and only the rules in force from first_year to last_year. */
static icalcomponent *
vtimezone (const char *tzid, int first_year, int last_year)
{
  icaltimezone *zone = icaltimezone_get_builtin_timezone (tzid);
  icalcomponent *vtz = icalcomponent_new_clone (icaltimezone_get_component (zone));
  icaltimezone_truncate_vtimezone (vtz, year_start (first_year), year_start (last_year + 1), 1);
  icalproperty *p = icalcomponent_get_first_property (vtz, ICAL_TZID_PROPERTY);
  icalproperty_set_tzid (p, tzid);
  drop_private_properties (vtz);
  return vtz;
}

/* An empty VCALENDAR: VERSION, PRODID, and METHOD unless ICAL_METHOD_NONE. */
static icalcomponent *
vcalendar (icalproperty_method method)
{
  icalcomponent *cal = icalcomponent_new (ICAL_VCALENDAR_COMPONENT);
  icalcomponent_add_property (cal, icalproperty_new_prodid (PRODID));
  icalcomponent_add_property (cal, icalproperty_new_version ("2.0"));
  icalcomponent_add_property (cal, icalproperty_new_calscale ("GREGORIAN"));
  if (method != ICAL_METHOD_NONE)
    icalcomponent_add_property (cal, icalproperty_new_method (method));
  return cal;
}

/* The text of cal, owned by the caller. */
static char *
calendar_text (icalcomponent *cal)
{
  char *text = icalcomponent_as_ical_string_r (cal);
  char *copy = g_strdup (text);
  free (text);
  return copy;
}

/* See invite.h. */
char *
invite_calendar (const InviteEvent *ev, InviteMethod method, GDateTime *dtstamp,
                 GError **error)
{
  if (!invite_event_check (ev, error))
    return NULL;
  g_autoptr (icalcomponent) cal = vcalendar (methods[method]);
  if (needs_vtimezone (ev))
    icalcomponent_add_component (cal, vtimezone (ev->tzid,
                                                 utc_year (invite_event_utc (ev, TRUE)),
                                                 utc_year (invite_event_utc (ev, FALSE))));
  icalcomponent_add_component (cal, vevent (ev, dtstamp, TRUE, method == INVITE_REQUEST,
                                            method == INVITE_CANCEL && !ev->cancelled));
  return calendar_text (cal);
}

/* The years that the timed events in zone tzid span. */
static void
zone_years (const InviteEvent *events, guint n, const char *tzid, int *first, int *last)
{
  *first = G_MAXINT, *last = G_MININT;
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (events[i].tzid, tzid) == 0 && !event_time (&events[i], TRUE).is_date)
      {
        *first = MIN (*first, utc_year (invite_event_utc (&events[i], TRUE)));
        *last = MAX (*last, utc_year (invite_event_utc (&events[i], FALSE)));
      }
}

/* See invite.h. */
char *
invite_feed (const InviteEvent *events, guint n_events, GDateTime *dtstamp, GError **error)
{
  g_autoptr (icalcomponent) cal = vcalendar (ICAL_METHOD_NONE);
  g_autoptr (GHashTable) zones = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n_events; i++)
    if (!invite_event_check (&events[i], error))
      {
        g_prefix_error (error, "%s: ", events[i].title != NULL ? events[i].title : events[i].uid);
        return NULL;
      }
  for (guint i = 0; i < n_events; i++)
    {
      const char *tzid = events[i].tzid;
      int first, last;
      if (!needs_vtimezone (&events[i]) || !g_hash_table_add (zones, (gpointer) tzid))
        continue;
      zone_years (events, n_events, tzid, &first, &last);
      icalcomponent_add_component (cal, vtimezone (tzid, first, last));
    }
  for (guint i = 0; i < n_events; i++)
    icalcomponent_add_component (cal, vevent (&events[i], dtstamp, FALSE, FALSE, FALSE));
  return calendar_text (cal);
}

/* See invite.h. */
gboolean
invite_significant_change (const InviteEvent *before, const InviteEvent *after)
{
  return g_strcmp0 (before->start, after->start) != 0
         || g_strcmp0 (before->end, after->end) != 0
         || g_strcmp0 (before->tzid, after->tzid) != 0
         || g_strcmp0 (before->location, after->location) != 0
         || before->cancelled != after->cancelled;
}

/* text with CRLF line ends turned into LF: the transport writes CRLF. */
static char *
lf_lines (const char *text)
{
  GString *s = g_string_new (NULL);
  for (const char *p = text; *p != '\0'; p++)
    if (!(p[0] == '\r' && p[1] == '\n'))
      g_string_append_c (s, *p);
  return g_string_free (s, FALSE);
}

/* The calendar inline: text/calendar with its method, LF line ends. */
static GMimeObject *
calendar_part (const char *calendar, InviteMethod method)
{
  g_autofree char *lf = lf_lines (calendar);
  GMimeObject *part = compose_text_part ("calendar", lf);
  g_mime_object_set_content_type_parameter (part, "method", invite_method_name (method));
  return part;
}

/* See invite.h. */
GMimeObject *
invite_mime_body (const char *calendar, InviteMethod method, const char *text, const char *html)
{
  GMimeObject *alternative = compose_multipart ("alternative", compose_text_part ("plain", text),
                                                compose_text_part ("html", html),
                                                calendar_part (calendar, method), NULL);
  return compose_multipart ("mixed", alternative,
                            compose_attachment ("application/ics", "invite.ics", calendar,
                                                "method", invite_method_name (method), NULL),
                            NULL);
}
