# The digest from the command line: `digest --print`, `digest --send` (a
# multipart/alternative written to the Maildir outbox), `list requests
# --candidates` and `list offers --overlaps`; and the HTML part of the sent
# digest opened in headless Chromium: it renders (a screenshot and a PDF)
# and the rendered text holds every section.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"

need_ctcgw
make_tmpdir
command -v python3 >/dev/null || skip_all "python3 is needed to read the message"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 shell is needed for the fixture"

sink_conf <<EOF
[digest]
to = desk@ctc.example
stale_months = 6
silent_months = 3
EOF

ctcgw () {
    "$CTCGW" -c "$CONF" "$@"
}

check "init" 0 ctcgw init

# --- an empty day ------------------------------------------------------------
check "digest of an empty day" 0 ctcgw digest --print --date 2026-11-29
check_true "an empty day is one line" test "$(sed 1,2d "$OUT")" = \
    "Nothing happened on 2026-11-29 and nothing waits for staff."

# --- a day with something in every section -----------------------------------
sqlite3 "$TMP/db.sqlite" <<'SQL'
INSERT INTO groups (id, name) VALUES (1, 'Central Asia');
INSERT INTO group_members VALUES (1, 'KZ'), (1, 'KG');
INSERT INTO contacts (reference, entity, name, email, status) VALUES
 ('CTC-CP-2026-0001', 'KZ', 'A N', 'focal@mfa.kz.example', 'active'),
 ('CTC-CP-2026-0002', 'DE', 'O A', 'gone@de.example', 'bouncing'),
 ('CTC-CP-2026-0003', 'FR', 'M D', 'm.dupont@fr.example', 'active');
INSERT INTO submissions (id, reference, sha256, received, from_addr, subject, class, outcome)
VALUES (1, 'CTC-SUB-2026-000001', 'a', '2026-11-29T09:00:00Z', 'focal@mfa.kz.example',
        'Offer', 'submission', 'filed'),
       (2, 'CTC-SUB-2026-000002', 'b', '2026-11-29T10:00:00Z', 'focal@mfa.kz.example',
        'Bad', 'submission', 'rejected'),
       (3, 'CTC-SUB-2026-000003', 'c', '2026-11-29T11:00:00Z', 'who@else.example',
        '<b>File this</b>', 'submission', 'quarantined');
INSERT INTO submission_records (submission_id, register, reference, how) VALUES
 (1, 'requests', 'CTC-REQ-2026-0001', 'new'), (2, 'offers', NULL, 'refused');
INSERT INTO quarantine (id, submission_id, reason) VALUES (4, 3, 'unknown sender');
INSERT INTO outbox (id, state, kind, recipient, last_error) VALUES
 (9, 'failed', 'answer', 'x@nowhere.example', '550 no such user');
INSERT INTO meetings (id, reference, title, start) VALUES
 (1, 'CTC-MTG-2026-0001', 'Workshop', '2026-12-05T09:00:00Z');
INSERT INTO attendance (meeting_id, entity, email, partstat, updated) VALUES
 (1, 'KZ', 'focal@mfa.kz.example', 'DECLINED', '2026-11-29T12:00:00Z'),
 (1, 'FR', 'm.dupont@fr.example', 'NEEDS-ACTION', '2026-11-20T12:00:00Z');
INSERT INTO visits (reference, state_code, start_date, organizations) VALUES
 ('CTC-VIS-2026-0001', 'KG', '2026-12-03', '["OSCE"]');
INSERT INTO visit_requests (visit_id, due) VALUES (1, '2026-11-25');
INSERT INTO requests (reference, state_code, areas, description, updated) VALUES
 ('CTC-REQ-2026-0001', 'KG', '["border-control"]', 'D', '2026-11-29T09:00:00Z'),
 ('CTC-REQ-2026-0002', 'UZ', '["other"]', 'D', '2026-01-29T09:00:00Z');
INSERT INTO offers (reference, providers, title, areas, beneficiaries, updated) VALUES
 ('CTC-OFF-2026-0001', '["UNODC"]', 'T', '["border-control"]', '["Central Asia"]',
  '2026-11-29T09:00:00Z'),
 ('CTC-OFF-2026-0002', '["OSCE"]', 'T', '["border-control"]', '["KZ"]',
  '2026-11-29T09:00:00Z');
SQL

check "digest --print" 0 ctcgw digest --print --date 2026-11-29
for title in "WHAT ARRIVED" "FILED, UPDATED OR WITHDRAWN" "ANSWERED WITH ERRORS" \
    "QUARANTINE WAITING" "SENDS THAT FAILED" "MEETING AND VISIT ANSWERS" \
    "MEETINGS AND VISITS IN THE NEXT 30 DAYS" "VISIT INFORMATION OVERDUE" \
    "CANDIDATE OFFERS: PAIRS WITH A REQUEST OR OFFER FILED OR CHANGED ON 2026-11-29" \
    "OVERLAPPING OFFERS: PAIRS WITH AN OFFER FILED OR CHANGED ON 2026-11-29" \
    "REQUESTS WITH NO CHANGE" "ENTITIES THAT HAVE SENT NOTHING"; do
    check_out "the text has $title" "^$title"
done
check_out "the command to approve" '^ +ctcgw quarantine approve 4$'
check_out "the command to retry" '^ +ctcgw outbox retry 9$'
check_true "the text is within 78 columns" \
    awk 'length($0) > 78 { print; bad = 1 } END { exit bad }' "$OUT"

check "list requests --candidates" 0 ctcgw list requests --candidates
check_out "the candidate through a group, named, with its reason" \
    '^CTC-REQ-2026-0001 +Kyrgyzstan +D +CTC-OFF-2026-0001 +UNODC +T +shares border-control; for Central Asia; under way$'
check "list offers --overlaps --json" 0 ctcgw list offers --overlaps --json
check_out "the overlap as JSON, grouped by area and State" \
    '"area":"border-control","beneficiary":"KZ","beneficiary_name":"Kazakhstan","offers":\[\{"offer":"CTC-OFF-2026-0001","providers":\["UNODC"\],"title":"T","start":null,"end":null\},\{"offer":"CTC-OFF-2026-0002"'
check "--candidates goes with requests" 64 ctcgw list offers --candidates

# Columns in display width: a provider named in Chinese takes two columns a
# character, and the areas still start in one column on every line.
sqlite3 "$TMP/db.sqlite" "INSERT INTO offers (reference, providers, title, areas,
  beneficiaries, updated) VALUES ('CTC-OFF-2026-0003',
  '[\"联合国毒品和犯罪问题办公室\"]', 'T', '[\"border-control\"]', '[\"KG\"]',
  '2026-11-29T09:00:00Z');"
check "candidates with a provider named in Chinese" 0 ctcgw list requests --candidates
check_true "the areas start in one display column" python3 -c '
import sys, unicodedata
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
starts = {width(l[:l.rindex("  ")]) for l in open(sys.argv[1], encoding="utf-8")
          if l.strip()}
sys.exit(len(starts) != 1)' "$OUT"
check "a bad date" 64 ctcgw digest --print --date 2026-13-01
check_err "a bad date is named" '"2026-13-01" is no date'
check "--print and --send together" 64 ctcgw digest --print --send

check "digest --send" 0 ctcgw digest --send --date 2026-11-29
check_out "one message queued" 'queued the digest of 2026-11-29 for 1 address'
check "the outbox writes it" 0 ctcgw run --once
msg=$(ls "$TMP/outbox/new" | head -n 1)
check_true "a message in the Maildir" test -n "$msg"

# The HTML part, as the message carries it.
check_true "the message is text and HTML" python3 -c '
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
assert m.get_content_type() == "multipart/alternative", m.get_content_type()
types = [p.get_content_type() for p in m.iter_parts()]
assert types == ["text/plain", "text/html"], types
assert m["To"] == "desk@ctc.example", m["To"]
open(sys.argv[2], "w", encoding="utf-8").write(m.get_body(("html",)).get_content())
' "$TMP/outbox/new/$msg" "$TMP/digest.html"

# --- headless Chromium ---------------------------------------------------------
command -v chromium >/dev/null || skip_all "chromium is not installed (autogen.sh installs it)"
PROFILE="$TMP/chromium-profile"
chromium_run () {
    timeout 120 chromium --headless --no-sandbox --disable-gpu \
        --disable-background-networking --disable-component-update --disable-sync \
        --no-first-run --user-data-dir="$PROFILE" "$@" 2>"$TMP/chromium.log"
}
if ! chromium_run --dump-dom "about:blank" >"$TMP/blank.html" \
   || ! grep -q '<html' "$TMP/blank.html"; then
    diag <"$TMP/chromium.log"
    skip_all "chromium cannot run on this machine (its log is above)"
fi
check_true "Chromium renders a screenshot" chromium_run --window-size=1000,2400 \
    --screenshot="$TMP/digest.png" "file://$TMP/digest.html"
check_true "the screenshot is a PNG" python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n" and len(d) > 10000, len(d)
' "$TMP/digest.png"
check "Chromium reads the page" 0 chromium_run --dump-dom "file://$TMP/digest.html"
for id in arrived filed errors quarantine failures answers upcoming overdue candidates \
    overlaps stale silent; do
    check_out "the rendered page has the section $id" "<h2 id=\"$id\">"
done
if command -v pdftotext >/dev/null; then
    check_true "Chromium prints it to PDF" chromium_run --no-pdf-header-footer \
        --print-to-pdf="$TMP/digest.pdf" "file://$TMP/digest.html"
    pdftotext "$TMP/digest.pdf" "$TMP/digest.txt"
    for title in "What arrived" "Filed, updated or withdrawn" "Answered with errors" \
        "Quarantine waiting for a decision" "Sends that failed and contact points that bounce" \
        "Meeting and visit answers" "Meetings and visits in the next 30 days" \
        "Visit information overdue" "Candidate offers: pairs with a request" \
        "Overlapping offers: pairs with an offer" "Requests with no change and no result report" \
        "Entities that have sent nothing"; do
        check_true "the rendered text shows $title" grep -q "$title" "$TMP/digest.txt"
    done
    check_true "the rendered text shows a command" \
        grep -q "ctcgw quarantine approve 4" "$TMP/digest.txt"
    check_true "markup in a subject is shown as text" grep -q "<b>File" "$TMP/digest.txt"
else
    skip "the rendered text" "pdftotext (poppler-utils) is not installed"
fi
finish
