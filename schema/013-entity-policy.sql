-- An entity's own authentication policy (ctcgw(8), AUTHENTICATION;
-- ctcgw.conf(5), [authentication] require): what a submission whose
-- records name the entity needs when nothing authenticated its sender.
-- NULL is the configured default; a value replaces it for the entity, and
-- of the entities a submission names the strictest wins (authenticated,
-- then confirm, then none).  Set by `ctcgw import entities` (Require).
ALTER TABLE entities ADD COLUMN require TEXT
  CHECK (require IS NULL OR require IN ('authenticated', 'confirm', 'none'));
