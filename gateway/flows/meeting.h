/* Meetings (ctcgw(8), meeting; action plan E 6 d) and the invitations
 * of visits: every invitation the gateway sends is a row of meetings with
 * its iCalendar UID and SEQUENCE; each invitee is a row of attendance
 * (meeting_id, email) with PARTSTAT NEEDS-ACTION until a reply comes back.
 *
 * A meeting's start and end are local times in its zone
 * ("2026-03-20T10:00:00", tz "Europe/Vienna"); a visit's are dates
 * ("2026-05-04", the end inclusive) with no zone.  The invitations go to
 * the meeting's audience (audience.h; a visit's is
 * "entities:ORGANIZATIONS").
 *
 * SEQUENCE rules (RFC 5546 section 2.1.4): a change of start, end, zone,
 * location or status raises it by one, resets every invitee's PARTSTAT to
 * NEEDS-ACTION (attendance.sequence becomes the new SEQUENCE: a reply with
 * a lower one is stale) and sends a REQUEST to everyone invited; a
 * cancellation raises it and sends a CANCEL with STATUS:CANCELLED to
 * everyone invited.  An invitee removed (meeting_update()) keeps its
 * attendance row, marked removed: it is invited no more, and counts no
 * more among the invitees. */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include "gateway/base/config.h"
#include "gateway/base/context.h"

typedef enum {
  MEETING_ERROR_INVALID,    /* a time, zone, title or audience is refused: the message says why */
  MEETING_ERROR_NOT_FOUND,  /* no meeting or visit has that reference */
  MEETING_ERROR_CANCELLED,  /* the meeting is cancelled: nothing more is sent */
} MeetingError;
#define MEETING_ERROR meeting_error_quark ()
GQuark meeting_error_quark (void);

/* What meeting_create() and visit_create() store. */
typedef struct {
  const char *kind;       /* "meeting" or "visit" */
  const char *reference;  /* NULL: a new MTG reference; a visit's is its VIS reference */
  const char *title;
  const char *start;      /* as the command line gives it: YYYY-MM-DDTHH:MM[:SS], or a date for a visit */
  const char *end;
  const char *tz;         /* IANA zone of a meeting; NULL for a visit */
  const char *location;   /* NULL: none */
  const char *audience;
} MeetingNew;

/* Checks and stores a new meeting in the caller's transaction; returns its
 * reference (owned by the caller) and *id, or NULL with error
 * (MEETING_ERROR_INVALID, DB_ERROR). */
char *meeting_insert (const Context *ctx, const MeetingNew *m, GDateTime *now, gint64 *id,
                      GError **error);

/* meeting_insert() of a kind "meeting" in its own transaction. */
char *meeting_create (const Context *ctx, const MeetingNew *m, GDateTime *now,
                      GError **error);

/* What meeting_invite() reports.  The caller gives inactive (an array of
 * strings it owns, freeing them); meeting_invite() sets the counts. */
typedef struct {
  guint invited;        /* invited now */
  guint before;         /* invited already */
  GPtrArray *inactive;  /* entities of an entities: audience left out: deactivated since */
} MeetingInvited;

/* Invites those of the meeting's audience not invited yet: an attendance
 * row each and a REQUEST (listing every invitee) to each of them, in one
 * transaction; out says how many and which entities were left out. */
gboolean meeting_invite (const Context *ctx, const char *reference, GDateTime *now,
                         MeetingInvited *out, GError **error);

/* What meeting_update() changes: the meeting reference (any case) and its
 * new title, start, end and location, each NULL when unchanged (an empty
 * location removes it); add, an audience to invite as well (NULL: none);
 * remove, the addresses to uninvite (NULL-terminated; NULL: none).
 * Borrowed. */
typedef struct {
  const char *reference;
  const char *title;
  const char *start;
  const char *end;
  const char *location;
  const char *add;
  const char *const *remove;
} MeetingChange;

/* What meeting_update() did. */
typedef struct {
  gboolean changed;   /* anything at all */
  gboolean raised;    /* SEQUENCE raised: the REQUEST went to everyone still invited */
  guint sent;         /* REQUESTs queued, to those invited before and to those added */
  guint added;        /* invitees added (or invited again after a removal) */
  guint removed;      /* invitees removed, each sent a CANCEL of their own */
} MeetingUpdated;

/* Applies change in one transaction.  A new start, end, zone or location
 * is significant (RFC 5546 section 2.1.4): SEQUENCE raised, every reply
 * asked for again.  A new title raises SEQUENCE and keeps the replies.
 * Removing an invitee (RFC 5546 section 3.2.5) raises SEQUENCE, marks its
 * attendance row removed and sends it a CANCEL that lists it alone (no
 * STATUS: the meeting goes on); the others get the REQUEST without it.
 * Those added receive the current REQUEST listing everyone still invited;
 * the others are not written to for an addition alone.  Removing an
 * address not invited, or a title for a visit (its title is its State's),
 * is MEETING_ERROR_INVALID. */
gboolean meeting_update (const Context *ctx, const MeetingChange *change, GDateTime *now,
                         MeetingUpdated *out, GError **error);

/* Cancels the meeting: STATUS cancelled, SEQUENCE raised, the CANCEL to
 * everyone invited (*sent of them). */
gboolean meeting_cancel (const Context *ctx, const char *reference, GDateTime *now,
                         guint *sent, GError **error);

/* The id of the meeting or visit reference (any case), or 0 with
 * MEETING_ERROR_NOT_FOUND (-1 with DB_ERROR). */
gint64 meeting_id (sqlite3 *db, const char *reference, GError **error);

/* The iCalendar feed of every meeting and visit (invite_feed()); never an
 * assessment, never an attendee. */
char *meeting_feed (const Context *ctx, GDateTime *now, GError **error);
