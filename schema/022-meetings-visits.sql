-- Invitees that staff removed from a meeting (ctcgw(8), meeting update
-- --remove): the row stays, so that the attendance register still shows
-- who was asked, and a later `meeting invite` does not ask them again;
-- removed is when (UTC), NULL while invited.  `meeting update --add`
-- that names the address again invites it again.
ALTER TABLE attendance ADD COLUMN removed TEXT;

-- The notices that told a visited State of its visit and asked for its
-- consent to share the needs assessment (ctcgw(8), visit notify; action
-- plan G e): one row a notice, naming the entities that asked for the
-- assessment.  A plain reply "yes" or "no" of a contact point of the
-- State to it is read as the visit-consent naming those entities
-- (docs/submissions.md section 6).
CREATE TABLE visit_notices (
  id INTEGER PRIMARY KEY,
  visit_id INTEGER NOT NULL REFERENCES visits (id),
  requested_by TEXT NOT NULL,            -- JSON array of entity codes
  recipients INTEGER NOT NULL,           -- contact points it was queued to
  created TEXT NOT NULL
);
CREATE INDEX visit_notices_visit ON visit_notices (visit_id, id);
