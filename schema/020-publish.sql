-- The public site (ctcgw(8), publish; ctcgw.conf(5), [publish]).
--
-- A contact point's consent to be named on the site (Publish: yes on its
-- contact-point record, docs/submissions.md section 5): only then do its
-- name, title, office and address appear on the page of an offer that
-- names it.  Its telephone never does.
ALTER TABLE contacts ADD COLUMN publish TEXT NOT NULL DEFAULT 'no'
  CHECK (publish IN ('yes', 'no'));

-- Meetings staff mark public (`ctcgw publish --meeting REF`) are in the
-- site's calendar; the others never are.
ALTER TABLE meetings ADD COLUMN public INTEGER NOT NULL DEFAULT 0
  CHECK (public IN (0, 1));

-- One row: changed is 1 when a register the site shows has changed since
-- the site was last written.  The triggers below set it; writing the site
-- clears it.  Starts at 1, so the first pass writes the site.
CREATE TABLE publish_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  changed INTEGER NOT NULL DEFAULT 1
);
INSERT OR IGNORE INTO publish_state (id, changed) VALUES (1, 1);

CREATE TRIGGER publish_offers_insert AFTER INSERT ON offers
  BEGIN UPDATE publish_state SET changed = 1; END;
CREATE TRIGGER publish_offers_update AFTER UPDATE ON offers
  BEGIN UPDATE publish_state SET changed = 1; END;
CREATE TRIGGER publish_offers_delete AFTER DELETE ON offers
  BEGIN UPDATE publish_state SET changed = 1; END;
CREATE TRIGGER publish_inventory_insert AFTER INSERT ON inventory
  BEGIN UPDATE publish_state SET changed = 1; END;
CREATE TRIGGER publish_inventory_update AFTER UPDATE ON inventory
  BEGIN UPDATE publish_state SET changed = 1; END;
CREATE TRIGGER publish_inventory_delete AFTER DELETE ON inventory
  BEGIN UPDATE publish_state SET changed = 1; END;
CREATE TRIGGER publish_sources_insert AFTER INSERT ON sources
  BEGIN UPDATE publish_state SET changed = 1; END;
CREATE TRIGGER publish_sources_update AFTER UPDATE ON sources
  BEGIN UPDATE publish_state SET changed = 1; END;
CREATE TRIGGER publish_sources_delete AFTER DELETE ON sources
  BEGIN UPDATE publish_state SET changed = 1; END;
CREATE TRIGGER publish_standards_insert AFTER INSERT ON standards
  BEGIN UPDATE publish_state SET changed = 1; END;
CREATE TRIGGER publish_standards_update AFTER UPDATE ON standards
  BEGIN UPDATE publish_state SET changed = 1; END;
CREATE TRIGGER publish_standards_delete AFTER DELETE ON standards
  BEGIN UPDATE publish_state SET changed = 1; END;
-- Contact points: their names show on offers when they agree.
CREATE TRIGGER publish_contacts_insert AFTER INSERT ON contacts
  WHEN NEW.publish = 'yes'
  BEGIN UPDATE publish_state SET changed = 1; END;
CREATE TRIGGER publish_contacts_update AFTER UPDATE ON contacts
  WHEN NEW.publish = 'yes' OR OLD.publish = 'yes'
  BEGIN UPDATE publish_state SET changed = 1; END;
CREATE TRIGGER publish_meetings_update AFTER UPDATE ON meetings
  WHEN NEW.public = 1 OR OLD.public = 1
  BEGIN UPDATE publish_state SET changed = 1; END;
CREATE TRIGGER publish_entities_update AFTER UPDATE ON entities
  BEGIN UPDATE publish_state SET changed = 1; END;

-- The language a submission's keys were written in (form_parse_language):
-- the site marks the entries it filed with it (lang), since entries stay
-- in the language they were sent in.
ALTER TABLE submissions ADD COLUMN language TEXT;
