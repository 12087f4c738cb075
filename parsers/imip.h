/* Calendar replies (iMIP, RFC 6047 / RFC 5546): the text/calendar part of a
 * received message read with libical.  Pure code: no database, no I/O.
 *
 * Ownership: imip_parse() and imip_parse_text() return a new ImipMessage
 * owned by the caller (imip_message_free / g_autoptr); its strings and its
 * attendees belong to it.  Every text in it is valid UTF-8: bytes that are
 * not are replaced by U+FFFD. */
#pragma once

#include <glib.h>
#include "parsers/limits.h"
#include "parsers/message.h"

typedef enum {
  IMIP_ERROR_NO_CALENDAR,  /* the message carries no calendar part */
  IMIP_ERROR_TOO_LARGE,    /* over CTC_CALENDAR_MAX */
  IMIP_ERROR_TOO_MANY,     /* over the component or attendee limit */
  IMIP_ERROR_INVALID,      /* not an iCalendar object, or no event with a UID */
} ImipError;
#define IMIP_ERROR imip_error_quark ()
GQuark imip_error_quark (void);

typedef struct {
  char *address;       /* lower-case addr-spec of the mailto: URI */
  char *partstat;      /* upper case: ACCEPTED, DECLINED, TENTATIVE, DELEGATED,
                        * NEEDS-ACTION (also when absent), or another value */
  char *delegated_to;  /* addr-spec of the first DELEGATED-TO, or NULL */
} ImipAttendee;

typedef struct {
  char *method;        /* the calendar's METHOD, upper case ("REPLY", "COUNTER") */
  char *uid;           /* of the event, never NULL */
  gint64 sequence;     /* SEQUENCE, 0 when absent */
  char *dtstamp;       /* DTSTAMP in UTC, "2026-03-02T09:00:00Z", or NULL */
  char *recurrence_id; /* RECURRENCE-ID of the event read, as dtstamp (or a date):
                        * the reply answers for that occurrence only; NULL: for
                        * the whole event (libical drops a RECURRENCE-ID that is
                        * no time) */
  GPtrArray *attendees;/* ImipAttendee*, in the order written */
  /* What a COUNTER proposes (may be set for other methods; NULL when absent):
   * instants in UTC as dtstamp, or "2026-03-02" for a date, or local time
   * without "Z" when its zone is unknown. */
  char *dtstart;
  char *dtend;
  char *location;
  char *comment;
} ImipMessage;

void imip_message_free (ImipMessage *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImipMessage, imip_message_free)

/* The calendar of msg (the part message.c chose and classify.c looked at)
 * read as an iTIP message.  NULL with IMIP_ERROR_* when there is none or it
 * cannot be read, over a limit included. */
ImipMessage *imip_parse (const MailMessage *msg, GError **error);

/* The same for calendar text of len bytes (-1: NUL-terminated); fallback
 * is the method to use when the calendar has no METHOD (may be NULL). */
ImipMessage *imip_parse_text (const char *text, gssize len, const char *fallback,
                              GError **error);

/* The addr-spec of a calendar address, ASCII lower-cased ("MAILTO:A@B.example"
 * gives "a@b.example"), or NULL when it is not a mail address. */
char *imip_address (const char *cal_address);
