/* iCalendar invitations (iMIP, RFC 5545, 5546 and 6047) built with libical:
 * the calendar of one event, the MIME body that carries it, and the feed of
 * `export meetings --format ics`.
 *
 * A calendar holds one VEVENT: UID, DTSTAMP (UTC), SEQUENCE, SUMMARY,
 * DTSTART and DTEND, LOCATION and DESCRIPTION when given, STATUS,
 * ORGANIZER (mailto: the gateway's address) and, in an invitation, one
 * ATTENDEE per invitee with CN, ROLE, PARTSTAT=NEEDS-ACTION and RSVP=TRUE.
 * A timed event refers to its zone by the IANA name and carries that
 * zone's VTIMEZONE from libical's built-in data, cut to the years of the
 * event (its standard and daylight rules, no history).  An all-day event
 * (dates) has VALUE=DATE times and no VTIMEZONE.
 *
 * Everything returned is owned by the caller. */
#pragma once

#include <glib.h>
#include <gmime/gmime.h>

typedef enum {
  INVITE_ERROR_INVALID,   /* a time, zone or text of the event is refused: the message says why */
} InviteError;
#define INVITE_ERROR invite_error_quark ()
GQuark invite_error_quark (void);

typedef enum { INVITE_REQUEST, INVITE_CANCEL } InviteMethod;

/* The longest title, location and description, in characters. */
#define INVITE_TITLE_MAX 200
#define INVITE_LOCATION_MAX 500
#define INVITE_DESCRIPTION_MAX 10000

typedef struct {
  const char *email;
  const char *name;       /* CN; NULL: none */
  const char *role;       /* "REQ-PARTICIPANT" (NULL), "OPT-PARTICIPANT", "CHAIR" or "NON-PARTICIPANT" */
} InviteAttendee;

typedef struct {
  const char *uid;
  gint64 sequence;
  const char *title;
  const char *description;    /* NULL: none */
  const char *location;       /* NULL: none */
  const char *start;          /* "YYYY-MM-DDTHH:MM:SS" local in tzid, or "YYYY-MM-DD" */
  const char *end;            /* the same form as start; a date is the last day */
  const char *tzid;           /* IANA name with times; NULL with dates */
  gboolean cancelled;         /* STATUS:CANCELLED, else CONFIRMED */
  const char *organizer;      /* the gateway's address */
  const char *organizer_name; /* NULL: none */
  const InviteAttendee *attendees;
  guint n_attendees;
} InviteEvent;

/* The method's name as iCalendar and Content-Type write it: "REQUEST". */
const char *invite_method_name (InviteMethod method);

/* TRUE when libical has a built-in zone of that IANA name. */
gboolean invite_zone_known (const char *tzid);

/* Checks what an event is made of: title, location and description within
 * their limits and free of control characters (newlines allowed in the
 * description), start and end of one form with end after start (or the
 * same day), a known zone with times.  FALSE with INVITE_ERROR_INVALID. */
gboolean invite_event_check (const InviteEvent *ev, GError **error);

/* The start or end (start FALSE) of ev in UTC, as seconds since the epoch
 * (an all-day end is the day after its last day, 00:00 UTC). */
gint64 invite_event_utc (const InviteEvent *ev, gboolean start);

/* The calendar of ev for method, stamped dtstamp: METHOD, the VTIMEZONE of
 * a timed event and one VEVENT; a cancellation has STATUS:CANCELLED.  A
 * CANCEL of an event that is not cancelled uninvites the attendees it
 * lists, and has no STATUS (RFC 5546 section 3.2.5).
 * CRLF line ends.  NULL with error when invite_event_check() refuses ev. */
char *invite_calendar (const InviteEvent *ev, InviteMethod method, GDateTime *dtstamp,
                       GError **error);

/* A calendar of every event (no METHOD, no ATTENDEE: a feed to publish),
 * with one VTIMEZONE for each zone used, cut to the years of all the
 * events in it.  NULL with error when one is refused. */
char *invite_feed (const InviteEvent *events, guint n_events, GDateTime *dtstamp,
                   GError **error);

/* Whether after differs from before in what makes attendees look again
 * (RFC 5546 section 2.1.4): start, end, zone, location or status; then its
 * SEQUENCE must be higher. */
gboolean invite_significant_change (const InviteEvent *before, const InviteEvent *after);

/* The body of an invitation: multipart/mixed of a multipart/alternative
 * (text/plain text, text/html html, and last the calendar inline as
 * text/calendar; charset=UTF-8; method=METHOD) and the same calendar as the
 * attachment invite.ics (application/ics). */
GMimeObject *invite_mime_body (const char *calendar, InviteMethod method, const char *text,
                               const char *html);
