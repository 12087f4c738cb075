-- What staff review of a quarantined submission (ctcgw(8), quarantine show):
-- each of its records as it stood when the submission was quarantined, what
-- approving it would do, and every problem found.  `quarantine approve`
-- files the records kept here with action 'file', and no other: a record
-- kept as 'refuse' stays refused even if it could be filed by then.
--   position  the record's place in the message, from 0, as it is read again
--   action    'file': approving files it (how: new, updated, unchanged or
--             withdrawn; changed: the fields an update changes, JSON);
--             'refuse': approving leaves it unfiled
--   problems  every problem of the record, one a line, in English: its own,
--             what the registers refused, and whom its sender may not speak for
-- A submission quarantined before this table has no rows here; approving
-- it files what its records hold then, as before.
CREATE TABLE quarantine_records (
  id INTEGER PRIMARY KEY,
  quarantine_id INTEGER NOT NULL REFERENCES quarantine (id),
  position INTEGER NOT NULL,
  line INTEGER,
  source TEXT,
  form TEXT,
  reference TEXT,
  action TEXT NOT NULL CHECK (action IN ('file', 'refuse')),
  how TEXT,
  changed TEXT,
  problems TEXT,
  UNIQUE (quarantine_id, position)
);
