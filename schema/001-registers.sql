-- The registers of ctcgw(8) (list), with the columns of the form table
-- (docs/submissions.md section 5).  Applied once, in one transaction, when
-- PRAGMA user_version < 1.  Times are ISO 8601 UTC text; list columns hold
-- JSON arrays of strings; entity columns hold canonical entity codes.

-- Reference data ----------------------------------------------------------

CREATE TABLE entities (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE COLLATE NOCASE,
  kind TEXT NOT NULL CHECK (kind IN ('state', 'organization')),
  name TEXT NOT NULL COLLATE NOCASE,
  alpha3 TEXT COLLATE NOCASE,
  numeric TEXT,
  official_name TEXT COLLATE NOCASE,
  iso_name TEXT COLLATE NOCASE,        -- the ISO 3166 name when name is its common name
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
CREATE INDEX entities_name ON entities (name);
CREATE INDEX entities_alpha3 ON entities (alpha3);
CREATE INDEX entities_official_name ON entities (official_name);
CREATE INDEX entities_iso_name ON entities (iso_name);
-- The few entities with a name beyond ASCII ("Côte d'Ivoire"): names that
-- COLLATE NOCASE cannot match are compared case- and accent-folded in C.
CREATE INDEX entities_non_ascii ON entities (code)
  WHERE length (CAST (name AS BLOB)) > length (name)
     OR length (CAST (official_name AS BLOB)) > length (official_name)
     OR length (CAST (iso_name AS BLOB)) > length (iso_name);

CREATE TABLE groups (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  description TEXT
);

CREATE TABLE group_members (
  group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
  entity TEXT NOT NULL REFERENCES entities (code),
  PRIMARY KEY (group_id, entity)
);

CREATE TABLE areas (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  paragraph TEXT,
  title TEXT NOT NULL
);

-- Intake ------------------------------------------------------------------

CREATE TABLE submissions (
  id INTEGER PRIMARY KEY,
  reference TEXT UNIQUE,
  message_id TEXT,
  sha256 TEXT NOT NULL,
  mailbox TEXT,
  received TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  from_addr TEXT,
  sender_addr TEXT,
  subject TEXT,
  class TEXT,
  outcome TEXT,
  raw BLOB,
  size INTEGER,
  answer_outbox_id INTEGER REFERENCES outbox (id),
  UNIQUE (message_id, sha256)
);
CREATE INDEX submissions_sha256 ON submissions (sha256);
CREATE INDEX submissions_from ON submissions (from_addr, received);

CREATE TABLE submission_records (
  id INTEGER PRIMARY KEY,
  submission_id INTEGER NOT NULL REFERENCES submissions (id),
  register TEXT,
  record_id INTEGER,
  reference TEXT,
  how TEXT,
  changed TEXT,                        -- JSON array of field names
  problems TEXT                        -- JSON array of formatted problems
);
CREATE INDEX submission_records_submission ON submission_records (submission_id);
CREATE INDEX submission_records_reference ON submission_records (reference);

CREATE TABLE quarantine (
  id INTEGER PRIMARY KEY,
  submission_id INTEGER NOT NULL REFERENCES submissions (id),
  reason TEXT,
  state TEXT NOT NULL DEFAULT 'waiting'
    CHECK (state IN ('waiting', 'approved', 'rejected')),
  created TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  decided TEXT,
  decided_reason TEXT
);
CREATE INDEX quarantine_state ON quarantine (state);
CREATE INDEX quarantine_submission ON quarantine (submission_id);

CREATE TABLE mailbox_state (
  name TEXT PRIMARY KEY,
  uidvalidity INTEGER,
  last_uid INTEGER NOT NULL DEFAULT 0
);

-- Outgoing mail -----------------------------------------------------------

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  state TEXT NOT NULL DEFAULT 'queued'
    CHECK (state IN ('queued', 'sent', 'deferred', 'failed')),
  kind TEXT,
  recipient TEXT NOT NULL,
  mail_from TEXT,
  message_id TEXT,
  raw BLOB,
  submission_id INTEGER REFERENCES submissions (id),
  tries INTEGER NOT NULL DEFAULT 0,
  next_attempt TEXT,
  last_error TEXT,
  created TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  sent TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt);
CREATE INDEX outbox_message_id ON outbox (message_id);
CREATE INDEX outbox_recipient ON outbox (recipient);

CREATE TABLE circulars (
  id INTEGER PRIMARY KEY,
  reference TEXT UNIQUE,
  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'withdrawn')),
  template TEXT NOT NULL,
  audience TEXT NOT NULL,
  subject TEXT,
  created TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  updated TEXT,
  sent TEXT,
  rrule TEXT,
  start TEXT
);

CREATE TABLE reply_log (
  id INTEGER PRIMARY KEY,
  sender TEXT NOT NULL,
  sent TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX reply_log_sender ON reply_log (sender, sent);

CREATE TABLE counters (
  prefix TEXT NOT NULL,
  kind TEXT NOT NULL,
  year INTEGER NOT NULL,
  seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (prefix, kind, year)
);

-- Registers filed from submissions (docs/submissions.md section 5) -------

CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  reference TEXT UNIQUE,
  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'withdrawn')),
  submission_id INTEGER REFERENCES submissions (id),
  created TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  updated TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  entity TEXT NOT NULL REFERENCES entities (code),
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  title TEXT,
  office TEXT,
  phone TEXT,
  languages TEXT DEFAULT '["en"]',
  role TEXT DEFAULT 'focal-point'
    CHECK (role IN ('focal-point', 'alternate', 'technical')),
  areas TEXT,
  replaces TEXT,
  status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'inactive', 'bouncing')),
  bounces INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX contacts_email ON contacts (lower (email));
CREATE INDEX contacts_entity ON contacts (entity, status);

CREATE TABLE offers (
  id INTEGER PRIMARY KEY,
  reference TEXT UNIQUE,
  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'withdrawn')),
  submission_id INTEGER REFERENCES submissions (id),
  created TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  updated TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  providers TEXT NOT NULL,
  title TEXT NOT NULL,
  areas TEXT NOT NULL,
  beneficiaries TEXT,
  start_date TEXT,
  end_date TEXT,
  status TEXT DEFAULT 'planned'
    CHECK (status IN ('planned', 'ongoing', 'completed', 'withdrawn')),
  objectives TEXT,
  description TEXT,
  contacts TEXT
);

CREATE TABLE requests (
  id INTEGER PRIMARY KEY,
  reference TEXT UNIQUE,
  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'withdrawn')),
  submission_id INTEGER REFERENCES submissions (id),
  created TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  updated TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  state_code TEXT NOT NULL REFERENCES entities (code),
  areas TEXT NOT NULL,
  description TEXT NOT NULL,
  priority TEXT DEFAULT 'medium' CHECK (priority IN ('high', 'medium', 'low'))
);
CREATE INDEX requests_state_code ON requests (state_code);

CREATE TABLE results (
  id INTEGER PRIMARY KEY,
  reference TEXT UNIQUE,
  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'withdrawn')),
  submission_id INTEGER REFERENCES submissions (id),
  created TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  updated TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  target TEXT NOT NULL,                -- the request or offer it reports on
  reporter TEXT REFERENCES entities (code),
  results TEXT NOT NULL,
  difference TEXT,
  problems TEXT
);
CREATE INDEX results_target ON results (target);

CREATE TABLE sources (
  id INTEGER PRIMARY KEY,
  reference TEXT UNIQUE,
  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'withdrawn')),
  submission_id INTEGER REFERENCES submissions (id),
  created TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  updated TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  provider TEXT NOT NULL REFERENCES entities (code),
  title TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('publication', 'database', 'training',
    'expert-roster', 'funding', 'legislative-guide', 'other')),
  areas TEXT,
  url TEXT,
  description TEXT,
  contacts TEXT,
  languages TEXT
);

CREATE TABLE standards (
  id INTEGER PRIMARY KEY,
  reference TEXT UNIQUE,
  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'withdrawn')),
  submission_id INTEGER REFERENCES submissions (id),
  created TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  updated TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  title TEXT NOT NULL,
  issuer TEXT NOT NULL REFERENCES entities (code),
  areas TEXT NOT NULL,
  url TEXT,
  citation TEXT,
  year INTEGER,
  summary TEXT
);

CREATE TABLE inventory (
  id INTEGER PRIMARY KEY,
  reference TEXT UNIQUE,
  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'withdrawn')),
  submission_id INTEGER REFERENCES submissions (id),
  created TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  updated TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  entity TEXT NOT NULL REFERENCES entities (code),
  kind TEXT NOT NULL CHECK (kind IN ('activity', 'mechanism', 'institution')),
  title TEXT NOT NULL,
  year INTEGER,
  areas TEXT,
  description TEXT,
  contacts TEXT
);
CREATE INDEX inventory_entity ON inventory (entity, year);

-- Visits and meetings (G a-e) ---------------------------------------------

CREATE TABLE visits (
  id INTEGER PRIMARY KEY,
  reference TEXT UNIQUE,
  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'withdrawn')),
  submission_id INTEGER REFERENCES submissions (id),
  created TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  updated TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  state_code TEXT NOT NULL REFERENCES entities (code),
  start_date TEXT,
  end_date TEXT,
  organizations TEXT,
  status TEXT NOT NULL DEFAULT 'planned'
);

CREATE TABLE visit_information (
  id INTEGER PRIMARY KEY,
  reference TEXT UNIQUE,
  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'withdrawn')),
  submission_id INTEGER REFERENCES submissions (id),
  created TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  updated TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  visit TEXT NOT NULL REFERENCES visits (reference),
  entity TEXT REFERENCES entities (code),
  information TEXT NOT NULL
);
CREATE INDEX visit_information_visit ON visit_information (visit);

CREATE TABLE visit_attachments (
  id INTEGER PRIMARY KEY,
  visit_information_id INTEGER NOT NULL REFERENCES visit_information (id),
  name TEXT,
  content_type TEXT,
  data BLOB
);
CREATE INDEX visit_attachments_information ON visit_attachments (visit_information_id);

CREATE TABLE visit_consents (
  id INTEGER PRIMARY KEY,
  reference TEXT UNIQUE,
  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'withdrawn')),
  submission_id INTEGER REFERENCES submissions (id),
  created TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  updated TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  visit TEXT NOT NULL REFERENCES visits (reference),
  consent TEXT NOT NULL CHECK (consent IN ('yes', 'no')),
  recipients TEXT
);
CREATE INDEX visit_consents_visit ON visit_consents (visit);

CREATE TABLE assessments (
  id INTEGER PRIMARY KEY,
  visit_id INTEGER NOT NULL REFERENCES visits (id),
  text TEXT NOT NULL,
  created TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  created_by TEXT
);
CREATE INDEX assessments_visit ON assessments (visit_id);

CREATE TABLE assessment_shares (
  id INTEGER PRIMARY KEY,
  assessment_id INTEGER NOT NULL REFERENCES assessments (id),
  entity TEXT NOT NULL REFERENCES entities (code),
  shared TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  UNIQUE (assessment_id, entity)
);

CREATE TABLE meetings (
  id INTEGER PRIMARY KEY,
  reference TEXT UNIQUE,
  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'withdrawn')),
  submission_id INTEGER REFERENCES submissions (id),
  created TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  updated TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  title TEXT NOT NULL,
  start TEXT NOT NULL,
  "end" TEXT,
  tz TEXT,
  location TEXT,
  uid TEXT UNIQUE,
  sequence INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'planned'
);

CREATE TABLE attendance (
  id INTEGER PRIMARY KEY,
  meeting_id INTEGER NOT NULL REFERENCES meetings (id),
  entity TEXT REFERENCES entities (code),
  email TEXT NOT NULL,
  partstat TEXT NOT NULL DEFAULT 'NEEDS-ACTION'
    CHECK (upper (partstat) IN ('NEEDS-ACTION', 'ACCEPTED', 'DECLINED',
                                'TENTATIVE', 'DELEGATED')),
  sequence INTEGER NOT NULL DEFAULT 0,
  updated TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  UNIQUE (meeting_id, email)
);

-- History of every register a submission can change -----------------------

CREATE TABLE contacts_history (
  id INTEGER PRIMARY KEY,
  record_id INTEGER NOT NULL REFERENCES contacts (id),
  submission_id INTEGER REFERENCES submissions (id),
  changed TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  field TEXT,
  old_value TEXT,
  new_value TEXT,
  action TEXT NOT NULL CHECK (action IN ('create', 'update', 'withdraw'))
);
CREATE INDEX contacts_history_record ON contacts_history (record_id);

CREATE TABLE offers_history (
  id INTEGER PRIMARY KEY,
  record_id INTEGER NOT NULL REFERENCES offers (id),
  submission_id INTEGER REFERENCES submissions (id),
  changed TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  field TEXT,
  old_value TEXT,
  new_value TEXT,
  action TEXT NOT NULL CHECK (action IN ('create', 'update', 'withdraw'))
);
CREATE INDEX offers_history_record ON offers_history (record_id);

CREATE TABLE requests_history (
  id INTEGER PRIMARY KEY,
  record_id INTEGER NOT NULL REFERENCES requests (id),
  submission_id INTEGER REFERENCES submissions (id),
  changed TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  field TEXT,
  old_value TEXT,
  new_value TEXT,
  action TEXT NOT NULL CHECK (action IN ('create', 'update', 'withdraw'))
);
CREATE INDEX requests_history_record ON requests_history (record_id);

CREATE TABLE results_history (
  id INTEGER PRIMARY KEY,
  record_id INTEGER NOT NULL REFERENCES results (id),
  submission_id INTEGER REFERENCES submissions (id),
  changed TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  field TEXT,
  old_value TEXT,
  new_value TEXT,
  action TEXT NOT NULL CHECK (action IN ('create', 'update', 'withdraw'))
);
CREATE INDEX results_history_record ON results_history (record_id);

CREATE TABLE sources_history (
  id INTEGER PRIMARY KEY,
  record_id INTEGER NOT NULL REFERENCES sources (id),
  submission_id INTEGER REFERENCES submissions (id),
  changed TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  field TEXT,
  old_value TEXT,
  new_value TEXT,
  action TEXT NOT NULL CHECK (action IN ('create', 'update', 'withdraw'))
);
CREATE INDEX sources_history_record ON sources_history (record_id);

CREATE TABLE standards_history (
  id INTEGER PRIMARY KEY,
  record_id INTEGER NOT NULL REFERENCES standards (id),
  submission_id INTEGER REFERENCES submissions (id),
  changed TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  field TEXT,
  old_value TEXT,
  new_value TEXT,
  action TEXT NOT NULL CHECK (action IN ('create', 'update', 'withdraw'))
);
CREATE INDEX standards_history_record ON standards_history (record_id);

CREATE TABLE inventory_history (
  id INTEGER PRIMARY KEY,
  record_id INTEGER NOT NULL REFERENCES inventory (id),
  submission_id INTEGER REFERENCES submissions (id),
  changed TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  field TEXT,
  old_value TEXT,
  new_value TEXT,
  action TEXT NOT NULL CHECK (action IN ('create', 'update', 'withdraw'))
);
CREATE INDEX inventory_history_record ON inventory_history (record_id);

CREATE TABLE visit_information_history (
  id INTEGER PRIMARY KEY,
  record_id INTEGER NOT NULL REFERENCES visit_information (id),
  submission_id INTEGER REFERENCES submissions (id),
  changed TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  field TEXT,
  old_value TEXT,
  new_value TEXT,
  action TEXT NOT NULL CHECK (action IN ('create', 'update', 'withdraw'))
);
CREATE INDEX visit_information_history_record ON visit_information_history (record_id);

CREATE TABLE visit_consents_history (
  id INTEGER PRIMARY KEY,
  record_id INTEGER NOT NULL REFERENCES visit_consents (id),
  submission_id INTEGER REFERENCES submissions (id),
  changed TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  field TEXT,
  old_value TEXT,
  new_value TEXT,
  action TEXT NOT NULL CHECK (action IN ('create', 'update', 'withdraw'))
);
CREATE INDEX visit_consents_history_record ON visit_consents_history (record_id);
