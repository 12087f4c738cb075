-- Meetings and visits (ctcgw(8), meeting and visit).  Every invitation the
-- gateway sends, for a meeting or a visit, is a row of meetings with its
-- iCalendar UID and SEQUENCE; a visit's row has the visit's reference and
-- visits.meeting_id points to it.  start and "end" of a meeting are local
-- times in its zone tz (2026-03-20T10:00:00); a visit's are dates
-- (2026-05-04, the end inclusive) with tz NULL.

-- The audience the meeting's invitations go to (audience.h); NULL for a
-- visit, whose invitations go to its organizations.
ALTER TABLE meetings ADD COLUMN audience TEXT;
ALTER TABLE meetings ADD COLUMN kind TEXT NOT NULL DEFAULT 'meeting'
  CHECK (kind IN ('meeting', 'visit'));

-- The invitee's name, the CN of the ATTENDEE the invitations carry.
ALTER TABLE attendance ADD COLUMN name TEXT;

ALTER TABLE visits ADD COLUMN meeting_id INTEGER REFERENCES meetings (id);
CREATE INDEX visits_meeting ON visits (meeting_id);

-- Requests for information in advance of a visit (G d) and their
-- reminders: remind_at (UTC) is when the contact points of the visit's
-- organizations that have sent no visit-information are reminded; reminded
-- is when that was done (NULL: not yet).
CREATE TABLE visit_requests (
  id INTEGER PRIMARY KEY,
  visit_id INTEGER NOT NULL REFERENCES visits (id),
  due TEXT NOT NULL,                   -- YYYY-MM-DD
  remind_at TEXT,                      -- NULL: too close to the due date for a reminder
  reminded TEXT,
  recipients INTEGER,
  created TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX visit_requests_due ON visit_requests (reminded, remind_at);
