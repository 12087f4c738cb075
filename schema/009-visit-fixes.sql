-- Reminders of requests for information (006-meetings.sql): how many
-- contact points each reminder went to, and why one could not be sent.
-- A reminder that fails for a reason other than the database (every
-- organization of the visit deactivated, a template that cannot be
-- rendered) is recorded as done, reminders = 0 and last_error saying why,
-- so the reminders after it still go out.
ALTER TABLE visit_requests ADD COLUMN reminders INTEGER;
ALTER TABLE visit_requests ADD COLUMN last_error TEXT;

-- The digest's "visit information overdue" reads the requests whose due
-- date has passed, and for each the later requests of its visit.
CREATE INDEX visit_requests_due_date ON visit_requests (due);
CREATE INDEX visit_requests_visit ON visit_requests (visit_id, due);
