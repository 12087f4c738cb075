-- The attachments of submissions, kept (ctcgw(8), show --attachment;
-- docs/DESIGN.md, Attachments).  Every attachment of a person's message is
-- listed in attachments, numbered from 1 in the order of the message; its
-- decoded bytes are kept once in attachment_data, by their SHA-256, however
-- many messages carry them.  An attachment over [limits] attachment_size,
-- or past attachments_size for its message (ctcgw.conf(5)), is listed with
-- its size and no sha256: its bytes were not kept (the raw message still
-- holds them).  The bytes are only ever written back out, never opened.
CREATE TABLE attachment_data (
  sha256 TEXT PRIMARY KEY,               -- hex, of data
  size INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE TABLE attachments (
  id INTEGER PRIMARY KEY,
  submission_id INTEGER NOT NULL REFERENCES submissions (id),
  number INTEGER NOT NULL,               -- from 1, as `show --attachment` takes it
  name TEXT NOT NULL,                    -- made safe (docs/DESIGN.md, parsers/filename.c)
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,                 -- of the decoded bytes
  sha256 TEXT REFERENCES attachment_data (sha256),  -- NULL: not kept
  UNIQUE (submission_id, number)
);
CREATE INDEX attachments_sha256 ON attachments (sha256);
-- The documents of a visit: the attachments of the message that brought
-- its information.  The table of 001 (which nothing wrote) held the bytes
-- again for each visit; it is made again as a link.
DROP TABLE visit_attachments;
CREATE TABLE visit_attachments (
  id INTEGER PRIMARY KEY,
  visit_information_id INTEGER NOT NULL REFERENCES visit_information (id),
  attachment_id INTEGER NOT NULL REFERENCES attachments (id),
  UNIQUE (visit_information_id, attachment_id)
);
