-- How the sender of each message was authenticated (docs/submissions.md
-- section 6; ctcgw(8), show and quarantine show):
--   dkim       a valid DKIM signature aligned with the From: domain (RFC 7489)
--   dmarc      dmarc=pass in an Authentication-Results header (RFC 8601)
--              of the trusted authserv-id
--   staff-cli  a staff command: import, or quarantine approve
--   confirmed  its sender's reply to a confirmation request
--              (012-pending.sql)
--   none       nothing showed who sent it
-- Messages received before this column are 'none'; imports and approved
-- quarantined messages were staff's doing.
ALTER TABLE submissions ADD COLUMN authentication TEXT NOT NULL DEFAULT 'none'
  CHECK (authentication IN ('none', 'dkim', 'dmarc', 'staff-cli', 'confirmed'));
UPDATE submissions SET authentication = 'staff-cli'
  WHERE class = 'import'
     OR id IN (SELECT submission_id FROM quarantine WHERE state = 'approved');
