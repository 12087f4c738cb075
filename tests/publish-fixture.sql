-- tests/publish.sh: something in every register, public or not.  Every
-- text starting "Private", every address and every telephone number but
-- those of the contact point that agreed (Publish: yes) must stay out of
-- the public site.
INSERT INTO contacts (reference, entity, name, email, title, phone, publish) VALUES
 ('CTC-CP-2025-0001', 'UNODC', 'Ana Publica', 'ana.publica@unodc.example',
  'Programme Officer', '+43 1 26060 4242', 'yes'),
 ('CTC-CP-2025-0002', 'OSCE', 'Private Hidden Person', 'hidden.person@osce.example',
  'Private adviser title', '+43 1 51436 6000', 'no'),
 ('CTC-CP-2025-0003', 'KG', 'Private Aibek', 'aibek@mfa.kg.example', NULL,
  '+996 312 620 545', 'no'),
 ('CTC-CP-2025-0004', 'UNODC', 'Private Jan Sender', 'j.sender@unodc.example', NULL,
  '+43 1 26060 1111', 'no');
INSERT INTO offers (reference, providers, title, areas, beneficiaries, start_date, end_date,
                    status, objectives, description, contacts) VALUES
 ('CTC-OFF-2025-0001', '["UNODC"]', 'Border management workshop', '["border-control"]',
  '["KZ","KG"]', '2026-03-01', '2026-03-05', 'planned', 'Safer borders.',
  'A week on travel documents.', '["ana.publica@unodc.example"]'),
 ('CTC-OFF-2025-0002', '["OSCE"]', 'Семинар по финансированию', '["terrorist-financing"]',
  '["all"]', '2025-01-10', '2025-01-12', 'completed', NULL, 'Описание семинара.',
  '["hidden.person@osce.example"]'),
 ('CTC-OFF-2025-0003', '["UNODC","OSCE"]', 'Private withdrawn offer', '["other"]', '["KG"]',
  NULL, NULL, 'withdrawn', NULL, NULL, NULL);
UPDATE offers SET state = 'withdrawn' WHERE reference = 'CTC-OFF-2025-0003';
INSERT INTO inventory (reference, entity, kind, title, year, areas, description, contacts) VALUES
 ('CTC-INV-2025-0001', 'OSCE', 'mechanism', 'Counter-terrorism network', 2026,
  '["information-exchange"]', 'A network of focal points.', '["hidden.person@osce.example"]');
INSERT INTO sources (reference, provider, title, kind, areas, url, description, contacts,
                     languages) VALUES
 ('CTC-SRC-2025-0001', 'UNODC', 'Legislative guide', 'legislative-guide',
  '["international-instruments"]', 'https://www.unodc.example/guide', 'A guide.',
  '["aibek@mfa.kg.example"]', '["en","fr"]');
INSERT INTO standards (reference, title, issuer, areas, url, citation, year, summary) VALUES
 ('CTC-STD-2025-0001', 'FATF Recommendations', 'FATF', '["terrorist-financing"]',
  'https://www.fatf.example/recommendations', 'FATF (2012)', 2012, 'Forty recommendations.'),
 ('CTC-STD-2025-0002', '["Draft"] model "provisions" <b>', 'UNODC', '["criminal-justice"]',
  NULL, NULL, 2025, NULL);
INSERT INTO requests (reference, state_code, areas, description) VALUES
 ('CTC-REQ-2025-0001', 'KG', '["border-control"]', 'Private request about scanners at Manas');
INSERT INTO results (reference, target, reporter, results, problems) VALUES
 ('CTC-RES-2025-0001', 'CTC-OFF-2025-0001', 'KG', 'Private result: forty officers trained',
  'Private problem with funding');
INSERT INTO visits (id, reference, state_code, start_date, organizations) VALUES
 (1, 'CTC-VIS-2025-0001', 'KG', '2026-05-04', '["OSCE"]');
INSERT INTO visit_information (reference, visit, entity, information) VALUES
 ('CTC-VIN-2025-0001', 'CTC-VIS-2025-0001', 'OSCE', 'Private visit information on prisons');
INSERT INTO visit_consents (reference, visit, consent, recipients) VALUES
 ('CTC-VIC-2025-0001', 'CTC-VIS-2025-0001', 'yes', '["UNODC"]');
INSERT INTO assessments (visit_id, text, created_by) VALUES
 (1, 'Private needs assessment: the border service lacks scanners', 'desk@ctc.example');
INSERT INTO submissions (id, reference, sha256, from_addr, subject, class, outcome, raw) VALUES
 (900, 'CTC-SUB-2025-000900', 'x', 'stranger@private.example', 'Private subject line',
  'submission', 'quarantined', 'Private raw message body');
INSERT INTO quarantine (submission_id, reason) VALUES (900, 'Private quarantine reason');
INSERT INTO meetings (reference, title, start, "end", tz, uid, location, public) VALUES
 ('CTC-MTG-2025-0001', 'Open briefing to Member States', '2026-12-10T10:00:00',
  '2026-12-10T12:00:00', 'America/New_York', 'mtg-1@ctc.example', 'Conference Room 1', 1),
 ('CTC-MTG-2025-0002', 'Private closed meeting', '2026-12-11T10:00:00',
  '2026-12-11T12:00:00', 'America/New_York', 'mtg-2@ctc.example', 'Private room 2', 0);
INSERT INTO attendance (meeting_id, entity, email) VALUES (2, 'KG', 'aibek@mfa.kg.example');
