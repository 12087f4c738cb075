-- Submissions waiting for their sender's confirmation (docs/submissions.md
-- section 6; ctcgw(8), AUTHENTICATION; ctcgw.conf(5), [authentication]
-- require = confirm).  A contact point's submission that nothing
-- authenticated files nothing: it waits here, and one confirmation request
-- goes to the address the Directory holds for the contact point.  A reply
-- from that address (In-Reply-To or References naming message_id, or the
-- token in its Subject) before expires files it, authentication
-- 'confirmed'.
--   state  pending    waiting for the reply (expired once expires is past)
--          confirmed  the reply came: the submission is filed
CREATE TABLE confirmations (
  id INTEGER PRIMARY KEY,
  token TEXT NOT NULL UNIQUE,
  submission_id INTEGER NOT NULL UNIQUE REFERENCES submissions (id),
  address TEXT NOT NULL,                 -- contacts.email, as the Directory holds it
  message_id TEXT,                       -- of the confirmation request, without <>
  outbox_id INTEGER REFERENCES outbox (id),
  created TEXT NOT NULL,
  expires TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'confirmed')),
  confirmed TEXT,                        -- when the reply came
  reply_submission_id INTEGER REFERENCES submissions (id)
);
CREATE INDEX confirmations_message_id ON confirmations (message_id);
-- The requests that went to one address lately (the hourly limit).
CREATE INDEX confirmations_address ON confirmations (address, created);
