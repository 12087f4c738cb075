-- Search (ctcgw(8), search): the text of every register and of the
-- submissions, in one FTS5 index.  search_docs holds one row a record:
-- its register (the name `list` and `search --register` use), its id in
-- that register, its reference, a title and the rest of its text, one
-- field a line, so that the line a word matched in can be shown.  The
-- index search_words reads search_docs (an external content table) and is
-- kept in step by the triggers below, in the transaction of each write,
-- whichever program writes: the sqlite3 shell too.
--
-- Words are matched with FTS5's unicode61 tokenizer, case and diacritics
-- folded (remove_diacritics 2: "resume" finds "résumé"), for the
-- languages written with spaces between words.  Chinese is not: unicode61
-- reads a run of Han characters as one word, and the trigram tokenizer
-- cannot match a word of fewer than three characters, as most Chinese
-- words are.  So Chinese is matched as a substring (LIKE) of the rows that
-- hold a Han character at all, which the partial index search_docs_han
-- finds without reading the others.
--
-- Needs assessments are confidential (docs/submissions.md section 6) and
-- never indexed.  A submission's text is read from its raw message by
-- message_text() (gateway/store/db.c), which the sqlite3 shell does not
-- have: a submission gets its row from the TEMP trigger that db.c creates
-- on every connection of ctcgw, as contacts get their address keys
-- (schema/011-addresses.sql).

CREATE TABLE search_docs (
  id INTEGER PRIMARY KEY,
  register TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  reference TEXT,
  title TEXT,
  body TEXT,
  han INTEGER GENERATED ALWAYS AS
    ((coalesce (title, '') || coalesce (body, '')) GLOB '*[㐀-鿿]*') VIRTUAL,
  UNIQUE (register, record_id)
);
CREATE INDEX search_docs_han ON search_docs (id) WHERE han;

CREATE VIRTUAL TABLE search_words USING fts5 (
  title, body, content = 'search_docs', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2');

CREATE TRIGGER search_docs_insert AFTER INSERT ON search_docs
BEGIN
  INSERT INTO search_words (rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body);
END;
CREATE TRIGGER search_docs_delete AFTER DELETE ON search_docs
BEGIN
  INSERT INTO search_words (search_words, rowid, title, body)
  VALUES ('delete', OLD.id, OLD.title, OLD.body);
END;
CREATE TRIGGER search_docs_update AFTER UPDATE OF title, body ON search_docs
BEGIN
  INSERT INTO search_words (search_words, rowid, title, body)
  VALUES ('delete', OLD.id, OLD.title, OLD.body);
  INSERT INTO search_words (rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body);
END;

-- The registers: the title first, then the other text fields, one a line.
CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts
BEGIN
  INSERT INTO search_docs (register, record_id, reference, title, body)
  VALUES ('contacts', NEW.id, NEW.reference, NEW.name, coalesce(NEW.title, '') || char(10) || coalesce(NEW.office, '') || char(10) || coalesce(NEW.email, ''));
END;
CREATE TRIGGER contacts_search_update AFTER UPDATE OF reference, name, title, office, email ON contacts
BEGIN
  UPDATE search_docs SET reference = NEW.reference, title = NEW.name, body = coalesce(NEW.title, '') || char(10) || coalesce(NEW.office, '') || char(10) || coalesce(NEW.email, '')
  WHERE register = 'contacts' AND record_id = NEW.id;
END;
CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts
BEGIN
  DELETE FROM search_docs WHERE register = 'contacts' AND record_id = OLD.id;
END;
INSERT INTO search_docs (register, record_id, reference, title, body)
  SELECT 'contacts', NEW.id, NEW.reference, NEW.name, coalesce(NEW.title, '') || char(10) || coalesce(NEW.office, '') || char(10) || coalesce(NEW.email, '') FROM contacts AS NEW;

CREATE TRIGGER offers_search_insert AFTER INSERT ON offers
BEGIN
  INSERT INTO search_docs (register, record_id, reference, title, body)
  VALUES ('offers', NEW.id, NEW.reference, NEW.title, coalesce(NEW.objectives, '') || char(10) || coalesce(NEW.description, ''));
END;
CREATE TRIGGER offers_search_update AFTER UPDATE OF reference, title, objectives, description ON offers
BEGIN
  UPDATE search_docs SET reference = NEW.reference, title = NEW.title, body = coalesce(NEW.objectives, '') || char(10) || coalesce(NEW.description, '')
  WHERE register = 'offers' AND record_id = NEW.id;
END;
CREATE TRIGGER offers_search_delete AFTER DELETE ON offers
BEGIN
  DELETE FROM search_docs WHERE register = 'offers' AND record_id = OLD.id;
END;
INSERT INTO search_docs (register, record_id, reference, title, body)
  SELECT 'offers', NEW.id, NEW.reference, NEW.title, coalesce(NEW.objectives, '') || char(10) || coalesce(NEW.description, '') FROM offers AS NEW;

CREATE TRIGGER requests_search_insert AFTER INSERT ON requests
BEGIN
  INSERT INTO search_docs (register, record_id, reference, title, body)
  VALUES ('requests', NEW.id, NEW.reference, NEW.description, NULL);
END;
CREATE TRIGGER requests_search_update AFTER UPDATE OF reference, description ON requests
BEGIN
  UPDATE search_docs SET reference = NEW.reference, title = NEW.description, body = NULL
  WHERE register = 'requests' AND record_id = NEW.id;
END;
CREATE TRIGGER requests_search_delete AFTER DELETE ON requests
BEGIN
  DELETE FROM search_docs WHERE register = 'requests' AND record_id = OLD.id;
END;
INSERT INTO search_docs (register, record_id, reference, title, body)
  SELECT 'requests', NEW.id, NEW.reference, NEW.description, NULL FROM requests AS NEW;

CREATE TRIGGER results_search_insert AFTER INSERT ON results
BEGIN
  INSERT INTO search_docs (register, record_id, reference, title, body)
  VALUES ('results', NEW.id, NEW.reference, NEW.target, coalesce(NEW.results, '') || char(10) || coalesce(NEW.difference, '') || char(10) || coalesce(NEW.problems, ''));
END;
CREATE TRIGGER results_search_update AFTER UPDATE OF reference, target, results, difference, problems ON results
BEGIN
  UPDATE search_docs SET reference = NEW.reference, title = NEW.target, body = coalesce(NEW.results, '') || char(10) || coalesce(NEW.difference, '') || char(10) || coalesce(NEW.problems, '')
  WHERE register = 'results' AND record_id = NEW.id;
END;
CREATE TRIGGER results_search_delete AFTER DELETE ON results
BEGIN
  DELETE FROM search_docs WHERE register = 'results' AND record_id = OLD.id;
END;
INSERT INTO search_docs (register, record_id, reference, title, body)
  SELECT 'results', NEW.id, NEW.reference, NEW.target, coalesce(NEW.results, '') || char(10) || coalesce(NEW.difference, '') || char(10) || coalesce(NEW.problems, '') FROM results AS NEW;

CREATE TRIGGER sources_search_insert AFTER INSERT ON sources
BEGIN
  INSERT INTO search_docs (register, record_id, reference, title, body)
  VALUES ('sources', NEW.id, NEW.reference, NEW.title, coalesce(NEW.description, '') || char(10) || coalesce(NEW.url, ''));
END;
CREATE TRIGGER sources_search_update AFTER UPDATE OF reference, title, description, url ON sources
BEGIN
  UPDATE search_docs SET reference = NEW.reference, title = NEW.title, body = coalesce(NEW.description, '') || char(10) || coalesce(NEW.url, '')
  WHERE register = 'sources' AND record_id = NEW.id;
END;
CREATE TRIGGER sources_search_delete AFTER DELETE ON sources
BEGIN
  DELETE FROM search_docs WHERE register = 'sources' AND record_id = OLD.id;
END;
INSERT INTO search_docs (register, record_id, reference, title, body)
  SELECT 'sources', NEW.id, NEW.reference, NEW.title, coalesce(NEW.description, '') || char(10) || coalesce(NEW.url, '') FROM sources AS NEW;

CREATE TRIGGER standards_search_insert AFTER INSERT ON standards
BEGIN
  INSERT INTO search_docs (register, record_id, reference, title, body)
  VALUES ('standards', NEW.id, NEW.reference, NEW.title, coalesce(NEW.citation, '') || char(10) || coalesce(NEW.summary, ''));
END;
CREATE TRIGGER standards_search_update AFTER UPDATE OF reference, title, citation, summary ON standards
BEGIN
  UPDATE search_docs SET reference = NEW.reference, title = NEW.title, body = coalesce(NEW.citation, '') || char(10) || coalesce(NEW.summary, '')
  WHERE register = 'standards' AND record_id = NEW.id;
END;
CREATE TRIGGER standards_search_delete AFTER DELETE ON standards
BEGIN
  DELETE FROM search_docs WHERE register = 'standards' AND record_id = OLD.id;
END;
INSERT INTO search_docs (register, record_id, reference, title, body)
  SELECT 'standards', NEW.id, NEW.reference, NEW.title, coalesce(NEW.citation, '') || char(10) || coalesce(NEW.summary, '') FROM standards AS NEW;

CREATE TRIGGER inventory_search_insert AFTER INSERT ON inventory
BEGIN
  INSERT INTO search_docs (register, record_id, reference, title, body)
  VALUES ('inventory', NEW.id, NEW.reference, NEW.title, coalesce(NEW.description, ''));
END;
CREATE TRIGGER inventory_search_update AFTER UPDATE OF reference, title, description ON inventory
BEGIN
  UPDATE search_docs SET reference = NEW.reference, title = NEW.title, body = coalesce(NEW.description, '')
  WHERE register = 'inventory' AND record_id = NEW.id;
END;
CREATE TRIGGER inventory_search_delete AFTER DELETE ON inventory
BEGIN
  DELETE FROM search_docs WHERE register = 'inventory' AND record_id = OLD.id;
END;
INSERT INTO search_docs (register, record_id, reference, title, body)
  SELECT 'inventory', NEW.id, NEW.reference, NEW.title, coalesce(NEW.description, '') FROM inventory AS NEW;

CREATE TRIGGER visit_information_search_insert AFTER INSERT ON visit_information
BEGIN
  INSERT INTO search_docs (register, record_id, reference, title, body)
  VALUES ('visit-information', NEW.id, NEW.reference, NEW.visit, coalesce(NEW.information, ''));
END;
CREATE TRIGGER visit_information_search_update AFTER UPDATE OF reference, visit, information ON visit_information
BEGIN
  UPDATE search_docs SET reference = NEW.reference, title = NEW.visit, body = coalesce(NEW.information, '')
  WHERE register = 'visit-information' AND record_id = NEW.id;
END;
CREATE TRIGGER visit_information_search_delete AFTER DELETE ON visit_information
BEGIN
  DELETE FROM search_docs WHERE register = 'visit-information' AND record_id = OLD.id;
END;
INSERT INTO search_docs (register, record_id, reference, title, body)
  SELECT 'visit-information', NEW.id, NEW.reference, NEW.visit, coalesce(NEW.information, '') FROM visit_information AS NEW;

CREATE TRIGGER meetings_search_insert AFTER INSERT ON meetings
BEGIN
  INSERT INTO search_docs (register, record_id, reference, title, body)
  VALUES ('meetings', NEW.id, NEW.reference, NEW.title, coalesce(NEW.location, ''));
END;
CREATE TRIGGER meetings_search_update AFTER UPDATE OF reference, title, location ON meetings
BEGIN
  UPDATE search_docs SET reference = NEW.reference, title = NEW.title, body = coalesce(NEW.location, '')
  WHERE register = 'meetings' AND record_id = NEW.id;
END;
CREATE TRIGGER meetings_search_delete AFTER DELETE ON meetings
BEGIN
  DELETE FROM search_docs WHERE register = 'meetings' AND record_id = OLD.id;
END;
INSERT INTO search_docs (register, record_id, reference, title, body)
  SELECT 'meetings', NEW.id, NEW.reference, NEW.title, coalesce(NEW.location, '') FROM meetings AS NEW;

CREATE TRIGGER circulars_search_insert AFTER INSERT ON circulars
BEGIN
  INSERT INTO search_docs (register, record_id, reference, title, body)
  VALUES ('circulars', NEW.id, NEW.reference, NEW.subject, NULL);
END;
CREATE TRIGGER circulars_search_update AFTER UPDATE OF reference, subject ON circulars
BEGIN
  UPDATE search_docs SET reference = NEW.reference, title = NEW.subject, body = NULL
  WHERE register = 'circulars' AND record_id = NEW.id;
END;
CREATE TRIGGER circulars_search_delete AFTER DELETE ON circulars
BEGIN
  DELETE FROM search_docs WHERE register = 'circulars' AND record_id = OLD.id;
END;
INSERT INTO search_docs (register, record_id, reference, title, body)
  SELECT 'circulars', NEW.id, NEW.reference, NEW.subject, NULL FROM circulars AS NEW;

CREATE TRIGGER groups_search_insert AFTER INSERT ON "groups"
BEGIN
  INSERT INTO search_docs (register, record_id, reference, title, body)
  VALUES ('groups', NEW.id, NEW.name, NEW.name, coalesce(NEW.description, ''));
END;
CREATE TRIGGER groups_search_update AFTER UPDATE OF name, description ON "groups"
BEGIN
  UPDATE search_docs SET reference = NEW.name, title = NEW.name, body = coalesce(NEW.description, '')
  WHERE register = 'groups' AND record_id = NEW.id;
END;
CREATE TRIGGER groups_search_delete AFTER DELETE ON "groups"
BEGIN
  DELETE FROM search_docs WHERE register = 'groups' AND record_id = OLD.id;
END;
INSERT INTO search_docs (register, record_id, reference, title, body)
  SELECT 'groups', NEW.id, NEW.name, NEW.name, coalesce(NEW.description, '') FROM "groups" AS NEW;

-- The submissions that have a reference: the subject and the text of the
-- message (its body and text attachments, as intake read them).
INSERT INTO search_docs (register, record_id, reference, title, body)
  SELECT 'submissions', id, reference, subject, message_text (raw, class)
  FROM submissions WHERE reference IS NOT NULL;
