-- An entity's own DKIM alignment (ctcgw(8), AUTHENTICATION): NULL or
-- 'relaxed' accepts a valid signature of any domain with the From: domain's
-- organizational domain (RFC 7489 section 3.1.1); 'strict' only one whose
-- d= is the From: domain itself.  A submission whose records name an
-- entity with 'strict' and that only a relaxed signature authenticated is
-- not authenticated (none: the policy applies).  Set by `ctcgw import
-- entities` (Alignment).
ALTER TABLE entities ADD COLUMN dkim_alignment TEXT
  CHECK (dkim_alignment IS NULL OR dkim_alignment IN ('relaxed', 'strict'));
