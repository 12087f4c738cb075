-- Senders found through an index (docs/submissions.md section 6): each
-- contact point keeps its address in the form addresses are compared in,
-- address(email), and its confusable skeleton, skeleton(email) (SQL
-- functions of gateway/store/db.c over parsers/address.c, registered on
-- every connection before this file runs).  Who a sender speaks for is
-- one lookup of address_key, and whether a sender is a look-alike of a
-- contact point one lookup of skeleton, instead of a pass over the
-- contacts for every message.
ALTER TABLE contacts ADD COLUMN address_key TEXT;
ALTER TABLE contacts ADD COLUMN skeleton TEXT;
UPDATE contacts SET address_key = address (email), skeleton = skeleton (email);
CREATE INDEX contacts_address ON contacts (address_key, state, status);
CREATE INDEX contacts_skeleton ON contacts (skeleton, state, email);

-- An email changed keeps its keys in step.  A row inserted gets its keys
-- from the TEMP trigger contacts_keys_insert that db.c creates on every
-- connection of ctcgw: a trigger here would call address() in any
-- program that inserts a contact, and the sqlite3 shell does not have it
-- (a row it inserts has no keys, so no sender is found through it).  An
-- email changed in the sqlite3 shell fails here, "no such function",
-- rather than leave its old address speaking for the entity.
CREATE TRIGGER contacts_keys_update AFTER UPDATE OF email ON contacts
BEGIN
  UPDATE contacts SET address_key = address (NEW.email), skeleton = skeleton (NEW.email)
  WHERE id = NEW.id;
END;
