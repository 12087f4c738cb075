-- Circulars on schedules (ctcgw(8), circular; ctcgw.conf(5), [schedule
-- NAME]): the schedules, what each circular was sent to, and the replies
-- linked to it.  Times are
-- ISO 8601 UTC text, except dtstart: the local time of the schedule in its
-- zone tzid (2026-01-15T09:00:00).

CREATE TABLE schedules (
  id INTEGER PRIMARY KEY,
  -- 'config': a [schedule NAME] of the configuration, name is NAME;
  -- 'command': `circular schedule REF`, name is the circular's reference.
  origin TEXT NOT NULL CHECK (origin IN ('config', 'command')),
  name TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'circular'
    CHECK (kind IN ('circular', 'distribute-contacts')),
  circular_id INTEGER REFERENCES circulars (id),  -- sent again at each run
  template TEXT,                                  -- else a new circular each run
  audience TEXT,
  subject TEXT,
  rrule TEXT NOT NULL,
  dtstart TEXT NOT NULL,
  tzid TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  last_run TEXT,
  last_error TEXT,
  next_run TEXT,                                  -- NULL: no occurrence left
  UNIQUE (origin, name)
);
CREATE INDEX schedules_due ON schedules (enabled, next_run);

-- How many recipients the last sending of a circular was queued for.
ALTER TABLE circulars ADD COLUMN recipients INTEGER;

-- The circular an outgoing message belongs to.
ALTER TABLE outbox ADD COLUMN circular_id INTEGER REFERENCES circulars (id);
CREATE INDEX outbox_circular ON outbox (circular_id);

-- The circular a message answers ([CTC-CIR-2026-0001] in its subject).
ALTER TABLE submissions ADD COLUMN circular_id INTEGER REFERENCES circulars (id);
CREATE INDEX submissions_circular ON submissions (circular_id);
