# `list` as a person reads it: tables under human headers, with the names
# of entities and the titles of records; `--json` under the columns' own
# names; `list requests --candidates` ranked and bounded (--top), each
# offer with its title and reason; `list offers --overlaps` grouped by
# area and State (ctcgw(8), list).
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"

need_ctcgw
make_tmpdir
command -v python3 >/dev/null || skip_all "python3 is needed to read JSON"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 shell is needed for the fixture"

sink_conf </dev/null

ctcgw () {
    "$CTCGW" -c "$CONF" "$@"
}

check "init" 0 ctcgw init
# One request of Kazakhstan in two areas; six offers that could meet it,
# best first: two areas shared, named, under way (0006); one area,
# through Central Asia, with two results of UNODC (0001); named (0002,
# 0003, 0004, by reference); for all States (0005).
sqlite3 "$TMP/db.sqlite" <<'SQL'
INSERT INTO groups (id, name) VALUES (1, 'Central Asia');
INSERT INTO group_members VALUES (1, 'KZ'), (1, 'KG');
INSERT INTO contacts (reference, entity, name, email, status) VALUES
 ('CTC-CP-2026-0001', 'KZ', 'Aigerim Bekova', 'focal@mfa.kz.example', 'active');
INSERT INTO requests (reference, state_code, areas, description, priority) VALUES
 ('CTC-REQ-2026-0001', 'KZ', '["border-control", "criminal-justice"]',
  'Training of border guards' || char (10) || 'in three regions', 'high');
INSERT INTO offers (reference, providers, title, areas, beneficiaries, start_date) VALUES
 ('CTC-OFF-2026-0001', '["UNODC"]', 'Document examination course', '["border-control"]',
  '["Central Asia"]', '2026-01-01'),
 ('CTC-OFF-2026-0002', '["OSCE"]', 'Border management staff college', '["border-control"]',
  '["KZ"]', NULL),
 ('CTC-OFF-2026-0003', '["IOM"]', 'Passenger data workshop', '["border-control"]',
  '["KZ"]', NULL),
 ('CTC-OFF-2026-0004', '["EU"]', 'Prosecutors'' exchange', '["criminal-justice"]',
  '["KZ"]', NULL),
 ('CTC-OFF-2026-0005', '["UNDP"]', 'Rule of law programme', '["criminal-justice"]',
  '["all"]', NULL),
 ('CTC-OFF-2026-0006', '["COE"]', 'Joint border and justice training',
  '["border-control", "criminal-justice"]', '["KZ"]', NULL);
INSERT INTO results (reference, target, reporter, results) VALUES
 ('CTC-RES-2026-0001', 'CTC-REQ-2026-0009', 'UNODC', 'Forty officers trained'),
 ('CTC-RES-2026-0002', 'CTC-REQ-2026-0010', 'UNODC', 'Manual published');
SQL

# --- register tables ---------------------------------------------------------
check "list requests" 0 ctcgw list requests
check_out "human headers" '^Reference +Record +State +Priority +Filed +Areas +Title$'
check_out "the State by its name, the title by the first line" \
    '^CTC-REQ-2026-0001 +active +Kazakhstan +high +[0-9-]+ +border-control criminal-justice +Training of border guards$'
check "list offers" 0 ctcgw list offers
check_out "offers: providers, areas, title" '^Reference +Record +Providers +Status +Start +Areas +Title$'
check_out "an offer's title" '^CTC-OFF-2026-0001 +active +UNODC +planned +2026-01-01 +border-control +Document examination course$'
check "list contacts" 0 ctcgw list contacts
check_out "contacts: the entity by its name" '^CTC-CP-2026-0001 +active +Kazakhstan +Aigerim Bekova '
check "list results" 0 ctcgw list results
check_out "results: the reporter by its name" \
    '^CTC-RES-2026-0001 +active +CTC-REQ-2026-0009 +United Nations Office on Drugs and Crime +[0-9-]+ +Forty officers trained$'
check "list entities --entity filter still works" 0 ctcgw list requests --entity Kazakhstan
check_out "the request of Kazakhstan" '^CTC-REQ-2026-0001 '

# --json keeps the columns' names.
keys () {
    python3 -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1]))[0].keys()))' "$OUT"
}
check "list requests --json" 0 ctcgw list requests --json
check_true "requests' JSON keys are the columns" test "$(keys)" = \
    "id reference state submission_id created updated state_code areas description priority"
check "list offers --json" 0 ctcgw list offers --json
check_true "offers' JSON keys are the columns" test "$(keys)" = \
    "id reference state submission_id created updated providers title areas beneficiaries start_date end_date status objectives description contacts"

# --- candidates --------------------------------------------------------------
check "list requests --candidates" 0 ctcgw list requests --candidates
check_out "candidates' headers" '^Request +State +Needs +Offer +Providers +Offer title +Why$'
check_true "the best five, best first" test "$(sed -n 's/.*\(CTC-OFF-[0-9-]*\).*/\1/p' "$OUT" | tr '\n' ' ')" = \
    "CTC-OFF-2026-0006 CTC-OFF-2026-0001 CTC-OFF-2026-0002 CTC-OFF-2026-0003 CTC-OFF-2026-0004 "
check_out "the request named once, with its State and title, beside its best offer" \
    '^CTC-REQ-2026-0001 +Kazakhstan +Training of border guards +CTC-OFF-2026-0006 +COE +Joint border and justice training +shares border-control, criminal-justice; for Kazakhstan; under way$'
check_out "an offer through a group, with its providers' results" \
    '^ +CTC-OFF-2026-0001 +UNODC +Document examination course +shares border-control; for Central Asia; under way; UNODC reported 2 results$'
check "--top 2" 0 ctcgw list requests --candidates --top 2
check_true "two offers" test "$(grep -c 'CTC-OFF-' "$OUT")" = 2
check "--top 6" 0 ctcgw list requests --candidates --top 6
check_out "the offer for all States comes last" \
    '^ +CTC-OFF-2026-0005 +UNDP +Rule of law programme +shares criminal-justice; for all States; under way$'
check "--top 0" 64 ctcgw list requests --candidates --top 0
check "--top without --candidates" 64 ctcgw list requests --top 2
check "list requests --candidates --json" 0 ctcgw list requests --candidates --json
check_true "candidates' JSON keys" test "$(keys)" = \
    "request state offer providers areas state_name request_title offer_title score reason"
check_true "candidates' JSON values" python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))
assert len(c) == 5, len(c)
first = c[0]
assert first["request"] == "CTC-REQ-2026-0001" and first["state"] == "KZ", first
assert first["offer"] == "CTC-OFF-2026-0006" and first["providers"] == ["COE"], first
assert first["areas"] == ["border-control", "criminal-justice"], first
assert first["state_name"] == "Kazakhstan", first
assert first["request_title"] == "Training of border guards", first
assert first["score"] > c[1]["score"] >= c[4]["score"], c
' "$OUT"

# --- overlaps ----------------------------------------------------------------
check "list offers --overlaps" 0 ctcgw list offers --overlaps
check_out "overlaps' headers" '^Area +Beneficiary +Offer +Providers +Start +End +Title$'
check_out "a group's area and State on its first line" \
    '^border-control +Kazakhstan +CTC-OFF-2026-0001 +UNODC +2026-01-01 +Document examination course$'
check_true "each offer of a group once, not each pair" test \
    "$(grep -c 'CTC-OFF-2026-0006' "$OUT")" = 2
check "list offers --overlaps --json" 0 ctcgw list offers --overlaps --json
check_true "overlap groups as JSON" python3 -c '
import json, sys
g = json.load(open(sys.argv[1]))
assert [(x["area"], x["beneficiary"]) for x in g] == [
    ("border-control", "KZ"), ("criminal-justice", "KZ")], g
first = g[0]
assert list(first.keys()) == ["area", "beneficiary", "beneficiary_name", "offers"], first
assert first["beneficiary_name"] == "Kazakhstan", first
assert [o["offer"] for o in first["offers"]] == ["CTC-OFF-2026-0001", "CTC-OFF-2026-0002",
    "CTC-OFF-2026-0003", "CTC-OFF-2026-0006"], first
assert list(first["offers"][0].keys()) == ["offer", "providers", "title", "start", "end"]
assert first["offers"][1]["start"] is None
' "$OUT"

finish
