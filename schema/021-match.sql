-- The results an entity reported, found at once: the history of an
-- offer's providers counts in the score of a candidate (ctcgw(8), list
-- requests --candidates).
CREATE INDEX IF NOT EXISTS results_reporter ON results (reporter, state);

-- The open offers by area and beneficiary together (each area of an
-- offer with each beneficiary it names, as written: a State, a group or
-- 'all'), so that the offers for a request are found by its areas and the
-- beneficiaries that reach its State, and no other offer is read.
-- Triggers on offer_terms keep it in step.
CREATE TABLE IF NOT EXISTS offer_area_reach (
  area TEXT NOT NULL COLLATE NOCASE,
  beneficiary TEXT NOT NULL COLLATE NOCASE,
  ends TEXT NOT NULL,
  offer_id INTEGER NOT NULL,
  PRIMARY KEY (area, beneficiary, ends, offer_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS offer_area_reach_offer ON offer_area_reach (offer_id);

CREATE TRIGGER IF NOT EXISTS offer_area_reach_insert AFTER INSERT ON offer_terms BEGIN
  INSERT OR IGNORE INTO offer_area_reach (area, beneficiary, ends, offer_id)
    SELECT CASE WHEN new.kind = 'area' THEN new.value ELSE t.value END,
           CASE WHEN new.kind = 'area' THEN t.value ELSE new.value END, new.ends, new.offer_id
      FROM offer_terms t WHERE t.offer_id = new.offer_id AND t.kind != new.kind;
END;
CREATE TRIGGER IF NOT EXISTS offer_area_reach_delete AFTER DELETE ON offer_terms BEGIN
  DELETE FROM offer_area_reach WHERE offer_id = old.offer_id
    AND (CASE WHEN old.kind = 'area' THEN area ELSE beneficiary END) = old.value;
END;

INSERT OR IGNORE INTO offer_area_reach (area, beneficiary, ends, offer_id)
  SELECT a.value, b.value, a.ends, a.offer_id FROM offer_terms a
    JOIN offer_terms b ON b.offer_id = a.offer_id AND b.kind = 'beneficiary'
   WHERE a.kind = 'area';
