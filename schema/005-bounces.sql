-- Delivery reports received for mail the gateway sent: one row for each
-- failed or delayed recipient of a report (ctcgw.conf(5), [smtp]:
-- hard_bounces).
CREATE TABLE bounces (
  id INTEGER PRIMARY KEY,
  outbox_id INTEGER REFERENCES outbox (id),   -- NULL: matched to no row
  submission_id INTEGER NOT NULL REFERENCES submissions (id),  -- the report
  recipient TEXT,                      -- lower case, as the report names it
  status TEXT,                         -- "5.1.1", or NULL
  action TEXT,                         -- failed, delayed
  diagnostic TEXT,
  hard INTEGER NOT NULL DEFAULT 0 CHECK (hard IN (0, 1)),
  counted INTEGER NOT NULL DEFAULT 0 CHECK (counted IN (0, 1)),  -- added to contacts.bounces
  matched_by TEXT CHECK (matched_by IN ('verp', 'message-id')),
  received TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX bounces_outbox ON bounces (outbox_id, hard);
CREATE INDEX bounces_submission ON bounces (submission_id);
CREATE INDEX bounces_recipient ON bounces (recipient);
CREATE INDEX bounces_received ON bounces (received);
