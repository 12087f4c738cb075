-- Calendar replies that claim more than they may (ctcgw(8), DESCRIPTION):
-- four more results of calendar_replies.
--   future-dtstamp      its DTSTAMP is further ahead of the clock than
--                       [limits] calendar_clock_skew_hours (ctcgw.conf(5)):
--                       refused, since it would outrank every later answer
--   future-sequence     its SEQUENCE is above the meeting's: an invitation
--                       never sent, refused for the same reason
--   unknown-occurrence  it answers for one occurrence (RECURRENCE-ID) of a
--                       meeting or visit, which has only the one: refused
--   outside-delegate    it delegates (DELEGATED-TO) to an address that is no
--                       contact point of the attendee's entity: quarantined
--                       for staff, and applied only if they approve it
-- SQLite cannot change a CHECK constraint: the table is made again.
CREATE TABLE calendar_replies_015 (
  id INTEGER PRIMARY KEY,
  submission_id INTEGER NOT NULL REFERENCES submissions (id),
  method TEXT,
  uid TEXT,
  sequence INTEGER,
  dtstamp TEXT,
  meeting_id INTEGER REFERENCES meetings (id),
  attendee TEXT,
  partstat TEXT,
  result TEXT NOT NULL CHECK (result IN ('filed', 'counter', 'unreadable', 'not-handled',
    'unknown-uid', 'not-attendee', 'not-authenticated', 'not-invited', 'older-sequence',
    'older-reply', 'future-dtstamp', 'future-sequence', 'unknown-occurrence',
    'outside-delegate')),
  detail TEXT,
  received TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
INSERT INTO calendar_replies_015 (id, submission_id, method, uid, sequence, dtstamp,
  meeting_id, attendee, partstat, result, detail, received)
  SELECT id, submission_id, method, uid, sequence, dtstamp, meeting_id, attendee, partstat,
         result, detail, received FROM calendar_replies;
DROP TABLE calendar_replies;
ALTER TABLE calendar_replies_015 RENAME TO calendar_replies;
CREATE INDEX calendar_replies_submission ON calendar_replies (submission_id);
CREATE INDEX calendar_replies_meeting ON calendar_replies (meeting_id);
-- The digest counts the replies refused on a day.
CREATE INDEX calendar_replies_received ON calendar_replies (received, result);
