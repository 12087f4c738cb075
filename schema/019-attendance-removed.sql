-- Invitees that staff removed from a meeting (ctcgw(8), meeting update
-- --remove): the row stays, so that the attendance register still shows
-- who was asked, and a later `meeting invite` does not ask them again;
-- removed is when (UTC), NULL while invited.  `meeting update --add`
-- that names the address again invites it again.
ALTER TABLE attendance ADD COLUMN removed TEXT;
