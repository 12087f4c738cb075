-- The results an entity reported, found at once: the history of an
-- offer's providers counts in the score of a candidate (ctcgw(8), list
-- requests --candidates).
CREATE INDEX IF NOT EXISTS results_reporter ON results (reporter, state);
