/* The SQL of the daily digest: see digest-sql.h. */
#include "gateway/flows/digest-sql.h"

/* What waits for staff, each with what settles it.  No LIMIT: every row
 * is counted for the summary line; "arrived" finds who sent a message with
 * lower(), SQLite's ASCII-only lower case, through the index contacts_email
 * (a look-alike never matches, docs/submissions.md section 6). */
const DigestList digest_decisions[] = {
  { "is_quarantine",
    "SELECT q.id AS id, " UTC_MINUTE ("s.received") " AS received, s.from_addr AS email, "
    PERSON ("s.from_addr") ", s.subject AS title, q.reason AS why,"
    " 'ctcgw quarantine show ' || q.id AS command, 'ctcgw quarantine approve ' || q.id AS command2,"
    " 'ctcgw quarantine reject ' || q.id AS command3"
    " FROM quarantine q JOIN submissions s ON s.id = q.submission_id"
    " WHERE q.state = 'waiting' ORDER BY q.id",
    "ctcgw quarantine list" },
  { "is_errors",
    "SELECT s.reference AS reference, s.from_addr AS email, " PERSON ("s.from_addr") ","
    " s.subject AS title, (SELECT count(*) FROM submission_records r WHERE r.submission_id = s.id"
    " AND r.how = 'refused') AS refused, s.outcome = 'rejected' AS is_rejected,"
    " (SELECT CASE WHEN json_valid (r.problems) THEN json_extract (r.problems, '$[0]')"
    " ELSE r.problems END FROM submission_records r WHERE r.submission_id = s.id"
    " AND r.how = 'refused' ORDER BY r.id LIMIT 1) AS why,"
    " 'ctcgw show ' || s.reference AS command"
    " FROM submissions s WHERE " OF_THE_DAY " AND (s.outcome = 'rejected' OR EXISTS"
    " (SELECT 1 FROM submission_records r WHERE r.submission_id = s.id AND r.how = 'refused'))"
    " ORDER BY s.id",
    "ctcgw list submissions" },
  { "is_failed",
    "SELECT o.id AS id, o.recipient AS email, " PERSON ("o.recipient") ", o.kind AS kind,"
    " coalesce ((SELECT subject FROM circulars WHERE id = o.circular_id),"
    " (SELECT subject FROM submissions WHERE id = o.submission_id)) AS title,"
    " o.last_error AS why, 'ctcgw outbox retry ' || o.id AS command"
    " FROM outbox o WHERE o.state = 'failed' ORDER BY o.id",
    "ctcgw outbox list --state failed" },
  { "is_bouncing",
    "SELECT c.reference AS reference, c.name AS person, " NAME ("c.entity") " AS org,"
    " c.email AS email, c.title AS title, c.bounces AS bounces,"
    " 'ctcgw show ' || c.reference AS command"
    " FROM contacts c WHERE c.status = 'bouncing' AND c.state = 'active' ORDER BY c.id",
    "ctcgw list contacts" },
};
const gsize digest_decisions_n = G_N_ELEMENTS (digest_decisions);

/* What is ahead, and who is late. */
const DigestList digest_outlook[] = {
  { "meetings",
    "SELECT m.reference AS reference, " UTC_MINUTE ("m.start") " AS start, m.title AS title,"
    " m.location AS place FROM meetings m"
    " WHERE m.start >= :until_local AND m.start < :horizon_local AND m.state = 'active'"
    " AND m.kind = 'meeting'"   /* a visit's invitation: listed with the visits */
    " AND lower (m.status) != 'cancelled' ORDER BY m.start, m.reference LIMIT :limit",
    "ctcgw list meetings" },
  { "visits",
    "SELECT v.reference AS reference, " NAME ("v.state_code") " AS org, v.start_date AS start,"
    " v.end_date AS end, " NAMES ("v.organizations") " AS names FROM visits v"
    " WHERE v.start_date >= :next_day AND v.start_date < :horizon_day AND v.state = 'active'"
    " AND lower (v.status) NOT IN ('cancelled', 'completed')"
    " ORDER BY v.start_date, v.reference LIMIT :limit",
    "ctcgw list visits" },
  /* Information requested (visit request-info) whose due date has passed,
   * by the organizations of a visit not over yet that sent none; a later
   * request for the same visit moves its due date. */
  { "overdue",
    "SELECT v.reference AS reference, " NAME ("v.state_code") " AS state, r.due AS due,"
    " " NAME ("o.value") " AS org FROM visit_requests r JOIN visits v ON v.id = r.visit_id,"
    " " JSON_LIST ("v.organizations") " o"
    " WHERE r.due < :day AND coalesce (v.end_date, v.start_date) >= :day"
    " AND NOT EXISTS (SELECT 1 FROM visit_requests later WHERE later.visit_id = r.visit_id"
    " AND (later.due > r.due OR (later.due = r.due AND later.id > r.id)))"
    " AND v.state = 'active' AND lower (v.status) NOT IN ('cancelled', 'completed')"
    " AND o.value IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM visit_information i WHERE i.visit = v.reference"
    " AND i.entity = o.value COLLATE NOCASE AND i.state = 'active')"
    " ORDER BY r.due, v.reference, o.value LIMIT :limit",
    "ctcgw list visits" },
  { "unanswered",
    "SELECT m.reference AS reference, " UTC_MINUTE ("m.start") " AS start, m.title AS title,"
    " coalesce (a.name, '') AS person, " NAME ("a.entity") " AS org, a.email AS email"
    " FROM meetings m JOIN attendance a ON a.meeting_id = m.id"
    " WHERE m.start >= :until_local AND m.start < :horizon_local AND m.state = 'active'"
    " AND lower (m.status) != 'cancelled' AND upper (a.partstat) = 'NEEDS-ACTION'"
    " AND a.removed IS NULL"
    " ORDER BY m.start, m.reference, a.email LIMIT :limit",
    "ctcgw list attendance" },
  /* Submissions held for their sender's confirmation (ctcgw(8),
   * AUTHENTICATION; schema/012-pending.sql): expired against the clock, as
   * show SUB-... says; the entity is that of the contact point asked. */
  { "confirmations",
    "SELECT s.reference AS reference, k.expires <= strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')"
    " AS is_expired, k.address AS email, " PERSON ("k.address") ", s.subject AS title,"
    " " UTC_MINUTE ("k.created") " AS asked, " UTC_MINUTE ("k.expires") " AS expires,"
    " 'ctcgw show ' || s.reference AS command"
    " FROM confirmations k JOIN submissions s ON s.id = k.submission_id"
    " WHERE k.state = 'pending' ORDER BY k.expires, k.id LIMIT :limit",
    "ctcgw list submissions" },
  { "stale",
    "SELECT r.reference AS reference, " NAME ("r.state_code") " AS org,"
    " r.description AS title, substr (r.updated, 1, 10) AS updated, r.priority AS priority,"
    " 'ctcgw show ' || r.reference AS command FROM requests r"
    " WHERE r.state = 'active' AND r.updated < :stale AND NOT EXISTS (SELECT 1 FROM results x"
    " WHERE x.target = r.reference AND x.created >= :stale)"
    " ORDER BY r.updated, r.id LIMIT :limit",
    "ctcgw list requests" },
  /* Silent: nothing sent since :silent, and a contact point for longer
   * than that (the silence counts from the first one entered). */
  { "silent",
    "SELECT e.name AS org, e.code AS code, substr (min (c.created), 1, 10) AS since"
    " FROM entities e JOIN contacts c ON c.entity = e.code WHERE e.active = 1"
    " AND EXISTS (SELECT 1 FROM contacts a WHERE a.entity = e.code AND a.state = 'active'"
    " AND a.status = 'active')"
    " AND NOT EXISTS (SELECT 1 FROM contacts a WHERE a.entity = e.code"
    " AND a.address_key IN (SELECT address (s.from_addr) FROM submissions s"
    " WHERE s.received >= :silent))"
    " GROUP BY e.code HAVING min (c.created) < :silent"
    " ORDER BY e.name LIMIT :limit",
    "ctcgw list entities" },
};
const gsize digest_outlook_n = G_N_ELEMENTS (digest_outlook);

/* What happened on the day: the records filed, updated or withdrawn (a
 * visit-information or visit-consent record is logged under its visit's
 * reference), the meeting answers received, and the records of the
 * candidate and overlapping pairs of the day (:pair_...) that were not
 * filed; each with its entity's name and its title or first line. */
const char digest_happened_sql[] =
  "WITH filed AS (SELECT r.register AS register, r.reference AS reference, r.how AS how,"
  "  (SELECT group_concat (value, ', ') FROM json_each (r.changed)) AS changed,"
  "  r.submission_id AS submission_id, NULL AS code, NULL AS title, NULL AS person"
  "  FROM submissions s JOIN submission_records r ON r.submission_id = s.id"
  "  WHERE " OF_THE_DAY " AND r.how IN ('new', 'updated', 'withdrawn')),"
  " day AS (SELECT * FROM filed"
  "  UNION ALL SELECT 'requests', p.value, NULL, NULL, NULL, NULL, NULL, NULL"
  "  FROM (SELECT DISTINCT value FROM json_each (:pair_requests)) p"
  "  WHERE NOT EXISTS (SELECT 1 FROM filed f WHERE f.reference = p.value)"
  "  UNION ALL SELECT 'offers', p.value, NULL, NULL, NULL, NULL, NULL, NULL"
  "  FROM (SELECT DISTINCT value FROM json_each (:pair_offers)) p"
  "  WHERE NOT EXISTS (SELECT 1 FROM filed f WHERE f.reference = p.value)"
  "  UNION ALL SELECT 'attendance', m.reference, lower (a.partstat), NULL, NULL, a.entity,"
  "  m.title, coalesce (a.name, a.email) FROM attendance a JOIN meetings m ON m.id = a.meeting_id"
  "  WHERE a.updated >= :since AND a.updated < :until"
  "  AND upper (a.partstat) != 'NEEDS-ACTION'),"
  " rows AS (SELECT d.*, coalesce (d.code, CASE d.register"
  "  WHEN 'requests' THEN (SELECT state_code FROM requests WHERE reference = d.reference)"
  "  WHEN 'contacts' THEN (SELECT entity FROM contacts WHERE reference = d.reference)"
  "  WHEN 'results' THEN (SELECT reporter FROM results WHERE reference = d.reference)"
  "  WHEN 'sources' THEN (SELECT provider FROM sources WHERE reference = d.reference)"
  "  WHEN 'standards' THEN (SELECT issuer FROM standards WHERE reference = d.reference)"
  "  WHEN 'inventory' THEN (SELECT entity FROM inventory WHERE reference = d.reference)"
  "  WHEN 'visit_information' THEN (SELECT entity FROM visit_information"
  "   WHERE visit = d.reference AND submission_id = d.submission_id ORDER BY id DESC LIMIT 1)"
  "  WHEN 'visit_consents' THEN (SELECT state_code FROM visits WHERE reference = d.reference)"
  "  END) AS entity_code, coalesce (d.title, CASE d.register"
  "  WHEN 'offers' THEN (SELECT title FROM offers WHERE reference = d.reference)"
  "  WHEN 'requests' THEN (SELECT description FROM requests WHERE reference = d.reference)"
  "  WHEN 'contacts' THEN (SELECT name FROM contacts WHERE reference = d.reference)"
  "  WHEN 'results' THEN (SELECT results FROM results WHERE reference = d.reference)"
  "  WHEN 'sources' THEN (SELECT title FROM sources WHERE reference = d.reference)"
  "  WHEN 'standards' THEN (SELECT title FROM standards WHERE reference = d.reference)"
  "  WHEN 'inventory' THEN (SELECT title FROM inventory WHERE reference = d.reference)"
  "  WHEN 'visit_information' THEN (SELECT information FROM visit_information"
  "   WHERE visit = d.reference AND submission_id = d.submission_id ORDER BY id DESC LIMIT 1)"
  "  END) AS title_text FROM day d)"
  " SELECT r.register AS kind, r.reference AS reference, coalesce (r.how, '') AS how,"
  "  r.changed AS changed, r.title_text AS title, r.person AS person, CASE WHEN r.register = 'offers' THEN (SELECT " NAMES ("o.providers")
  "  FROM offers o WHERE o.reference = r.reference) ELSE " NAME ("r.entity_code") " END AS org,"
  "  CASE WHEN r.register = 'results' THEN (SELECT target FROM results"
  "  WHERE reference = r.reference) END AS target,"
  "  CASE WHEN r.register IN ('visit_information', 'visit_consents') THEN (SELECT "
  NAME ("v.state_code") " FROM visits v WHERE v.reference = r.reference) END AS visited,"
  "  CASE WHEN r.register = 'visit_consents' THEN (SELECT consent FROM visit_consents"
  "  WHERE visit = r.reference AND submission_id = r.submission_id ORDER BY id DESC LIMIT 1)"
  "  END AS consent"
  " FROM rows r ORDER BY org IS NULL, org COLLATE NOCASE, r.register, r.reference, r.how"
  " LIMIT :limit";
