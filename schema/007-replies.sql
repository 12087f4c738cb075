-- Calendar replies (iMIP METHOD:REPLY and COUNTER) received through intake:
-- what each one did to the attendance register, and the new times or places
-- that attendees proposed, for staff (ctcgw(8), DESCRIPTION).

-- What the reply applied to an attendance row last said.
ALTER TABLE attendance ADD COLUMN delegated_to TEXT;      -- addr-spec of DELEGATED-TO
ALTER TABLE attendance ADD COLUMN replied TEXT;           -- DTSTAMP of that reply (UTC)
ALTER TABLE attendance ADD COLUMN reply_submission_id INTEGER REFERENCES submissions (id);

-- Every calendar reply received, one row per message, and what became of it.
CREATE TABLE calendar_replies (
  id INTEGER PRIMARY KEY,
  submission_id INTEGER NOT NULL REFERENCES submissions (id),
  method TEXT,                 -- REPLY, COUNTER, REFRESH, ...; NULL: unreadable
  uid TEXT,
  sequence INTEGER,
  dtstamp TEXT,
  meeting_id INTEGER REFERENCES meetings (id),   -- NULL: unknown UID
  attendee TEXT,               -- the attendee that is the sender, or NULL
  partstat TEXT,
  result TEXT NOT NULL CHECK (result IN ('filed', 'counter', 'unreadable', 'not-handled',
    'unknown-uid', 'not-attendee', 'not-authenticated', 'not-invited', 'older-sequence',
    'older-reply')),
  detail TEXT,                 -- what a person reads: why
  received TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX calendar_replies_submission ON calendar_replies (submission_id);
CREATE INDEX calendar_replies_meeting ON calendar_replies (meeting_id);

-- COUNTER proposals: never answered by the gateway; staff decide.
CREATE TABLE counter_proposals (
  id INTEGER PRIMARY KEY,
  submission_id INTEGER NOT NULL REFERENCES submissions (id),
  meeting_id INTEGER NOT NULL REFERENCES meetings (id),
  attendee TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  dtstart TEXT,                -- UTC "…Z", a date, or local time
  dtend TEXT,
  location TEXT,
  comment TEXT,
  received TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'accepted', 'declined'))
);
CREATE INDEX counter_proposals_meeting ON counter_proposals (meeting_id, state);
