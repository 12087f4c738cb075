-- The staff digest and the matching of offers and requests (ctcgw(8),
-- digest and list --candidates|--overlaps; action plan D 5 b, F 7 d-f).

-- Offers and requests keep their areas and beneficiaries as JSON arrays.
-- To find the offers of an area or a beneficiary without reading every
-- offer, the terms of each open offer (not withdrawn, not completed) are
-- kept here with the offer's end date ('9999-12-31' when it has none):
-- triggers keep the table in step with the offers.
CREATE TABLE offer_terms (
  kind TEXT NOT NULL CHECK (kind IN ('area', 'beneficiary')),
  value TEXT NOT NULL COLLATE NOCASE,
  ends TEXT NOT NULL,
  offer_id INTEGER NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
  PRIMARY KEY (kind, value, ends, offer_id)
) WITHOUT ROWID;
CREATE INDEX offer_terms_offer ON offer_terms (offer_id, kind, value);

-- The areas of each active request with its State, likewise: the offers
-- of a State and an area find their requests at once.
CREATE TABLE request_areas (
  state TEXT NOT NULL COLLATE NOCASE,
  area TEXT NOT NULL COLLATE NOCASE,
  request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
  PRIMARY KEY (state, area, request_id)
) WITHOUT ROWID;
CREATE INDEX request_areas_area ON request_areas (area, request_id);
CREATE INDEX request_areas_request ON request_areas (request_id, area);

-- The groups a State is a member of.
CREATE INDEX group_members_entity ON group_members (entity);

-- A list column as a JSON array (a lone value stored as text is one item).
CREATE VIEW offer_term_source AS
  SELECT o.id AS offer_id, 'area' AS kind, a.value AS value,
         coalesce (o.end_date, '9999-12-31') AS ends
    FROM offers o, json_each (CASE WHEN json_valid (o.areas) THEN o.areas
                                   ELSE json_array (o.areas) END) a
   WHERE o.state = 'active' AND coalesce (o.status, 'planned') NOT IN ('withdrawn', 'completed')
     AND a.value IS NOT NULL AND a.value != ''
  UNION ALL
  SELECT o.id, 'beneficiary', b.value, coalesce (o.end_date, '9999-12-31')
    FROM offers o, json_each (CASE WHEN json_valid (o.beneficiaries) THEN o.beneficiaries
                                   ELSE json_array (o.beneficiaries) END) b
   WHERE o.state = 'active' AND coalesce (o.status, 'planned') NOT IN ('withdrawn', 'completed')
     AND b.value IS NOT NULL AND b.value != '';

CREATE VIEW request_area_source AS
  SELECT r.id AS request_id, r.state_code AS state, a.value AS area
    FROM requests r, json_each (CASE WHEN json_valid (r.areas) THEN r.areas
                                     ELSE json_array (r.areas) END) a
   WHERE r.state = 'active' AND a.value IS NOT NULL AND a.value != '';

CREATE TRIGGER offer_terms_insert AFTER INSERT ON offers BEGIN
  INSERT OR IGNORE INTO offer_terms (kind, value, ends, offer_id)
    SELECT kind, value, ends, offer_id FROM offer_term_source WHERE offer_id = new.id;
END;
CREATE TRIGGER offer_terms_update AFTER UPDATE OF state, status, areas, beneficiaries,
    end_date ON offers BEGIN
  DELETE FROM offer_terms WHERE offer_id = old.id;
  INSERT OR IGNORE INTO offer_terms (kind, value, ends, offer_id)
    SELECT kind, value, ends, offer_id FROM offer_term_source WHERE offer_id = new.id;
END;
CREATE TRIGGER offer_terms_delete AFTER DELETE ON offers BEGIN
  DELETE FROM offer_terms WHERE offer_id = old.id;
END;

CREATE TRIGGER request_areas_insert AFTER INSERT ON requests BEGIN
  INSERT OR IGNORE INTO request_areas (state, area, request_id)
    SELECT state, area, request_id FROM request_area_source WHERE request_id = new.id;
END;
CREATE TRIGGER request_areas_update AFTER UPDATE OF state, state_code, areas ON requests BEGIN
  DELETE FROM request_areas WHERE request_id = old.id;
  INSERT OR IGNORE INTO request_areas (state, area, request_id)
    SELECT state, area, request_id FROM request_area_source WHERE request_id = new.id;
END;
CREATE TRIGGER request_areas_delete AFTER DELETE ON requests BEGIN
  DELETE FROM request_areas WHERE request_id = old.id;
END;

INSERT OR IGNORE INTO offer_terms (kind, value, ends, offer_id)
  SELECT kind, value, ends, offer_id FROM offer_term_source;
INSERT OR IGNORE INTO request_areas (state, area, request_id)
  SELECT state, area, request_id FROM request_area_source;

-- The States an open offer reaches: those it names and the members of the
-- groups it names ('all' stays 'all').
CREATE VIEW offer_reach AS
  SELECT t.offer_id, t.ends, CASE WHEN g.id IS NULL THEN t.value ELSE m.entity END AS state
    FROM offer_terms t
    LEFT JOIN "groups" g ON g.name = t.value
    LEFT JOIN group_members m ON m.group_id = g.id
   WHERE t.kind = 'beneficiary' AND (g.id IS NULL OR m.entity IS NOT NULL);

-- Indexes for the digest's queries: each reads a day, a state or a few
-- rows, never a whole register.
CREATE INDEX offers_updated ON offers (updated);
CREATE INDEX requests_updated ON requests (state, updated);
CREATE INDEX requests_updated_all ON requests (updated);
CREATE INDEX submissions_received ON submissions (received);
CREATE INDEX submissions_from_lower ON submissions (lower (from_addr), received);
CREATE INDEX contacts_status ON contacts (status, state);
CREATE INDEX meetings_start ON meetings (start);
CREATE INDEX visits_start ON visits (start_date);
CREATE INDEX attendance_updated ON attendance (updated);
CREATE INDEX quarantine_waiting ON quarantine (state, id);
CREATE INDEX outbox_failed ON outbox (state, id);
CREATE INDEX results_target_created ON results (target, created);

-- The digest runs on a schedule of its own kind: the CHECK of
-- schedules.kind is widened by copying the table.
CREATE TABLE schedules_new (
  id INTEGER PRIMARY KEY,
  origin TEXT NOT NULL CHECK (origin IN ('config', 'command')),
  name TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'circular'
    CHECK (kind IN ('circular', 'distribute-contacts', 'digest')),
  circular_id INTEGER REFERENCES circulars (id),
  template TEXT,
  audience TEXT,
  subject TEXT,
  rrule TEXT NOT NULL,
  dtstart TEXT NOT NULL,
  tzid TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')),
  last_run TEXT,
  last_error TEXT,
  next_run TEXT,
  UNIQUE (origin, name)
);
INSERT INTO schedules_new SELECT id, origin, name, kind, circular_id, template, audience,
  subject, rrule, dtstart, tzid, enabled, created, last_run, last_error, next_run
  FROM schedules;
DROP TABLE schedules;
ALTER TABLE schedules_new RENAME TO schedules;
CREATE INDEX schedules_due ON schedules (enabled, next_run);
