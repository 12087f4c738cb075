# The digest from the command line: `digest --print`, `digest --send` (a
# multipart/alternative written to the Maildir outbox), `list requests
# --candidates` and `list offers --overlaps`; and the HTML part of the sent
# digest opened in headless Chromium: it renders (a screenshot and a PDF)
# and the rendered text holds every section; laid out 1000 and 400 pixels
# wide, the summary line and every decision come first, above the fold, in
# one column.
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
check_out "an empty day says so first" '^Nothing needs you today · 0 filed · 0 meetings this week$'
check_out "an empty section says so" '^  Nothing waits for a decision\.$'

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
check_true "the summary line comes first" test "$(sed -n 3p "$OUT")" = \
    "4 need you today: 1 in quarantine, 1 answer with errors, 1 failed send, 1"
for title in "NEEDS YOU" "WHAT HAPPENED ON 2026-11-29" "AHEAD"; do
    check_out "the text has $title" "^$title\$"
done
check_out "the command to approve" '^ +ctcgw quarantine approve 4$'
check_out "the command to retry" '^ +ctcgw outbox retry 9$'
check_out "the request by its State's name" '^Kyrgyzstan$'
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
# The page at 1000 and 400 pixels wide, in a frame of that width: a script
# added to a copy (the digest itself has none) writes where each part lies
# into the page that --dump-dom prints; the layout is read from the DOM,
# not from pixels.
layout_page () {   # $1 width, $2 output page
    python3 - "$TMP/digest.html" "$1" "$2" <<'PY'
import html, sys
page = open(sys.argv[1], encoding="utf-8").read()
width = sys.argv[2]
probe = """<script>
var r = function (e) { var b = e.getBoundingClientRect();
  return {id: e.id || e.className, top: b.top, bottom: b.bottom, left: b.left, right: b.right}; };
var parts = [].map.call(document.querySelectorAll('#summary, .decision, #decisions, #happened, #outlook'), r);
var out = {width: innerWidth, scroll: document.documentElement.scrollWidth, parts: parts};
var pre = parent.document.createElement('pre'); pre.id = 'layout';
pre.textContent = JSON.stringify(out); parent.document.body.appendChild(pre);
</script>"""
page = page.replace("</body>", probe + "</body>")
open(sys.argv[3], "w", encoding="utf-8").write(
    '<!DOCTYPE html><html><body style="margin:0"><iframe style="border:0;width:%spx;'
    'height:1000px" srcdoc="%s"></iframe></body></html>' % (width, html.escape(page, quote=True)))
PY
}
check_layout () {   # $1 width, $2 the dumped DOM; prints what is wrong
    python3 - "$1" "$2" <<'PY'
import json, re, sys
width = int(sys.argv[1])
dom = open(sys.argv[2], encoding="utf-8").read()
m = re.search(r'<pre id="layout">(.*?)</pre>', dom, re.S)
assert m, "no layout in the page"
import html
out = json.loads(html.unescape(m.group(1)))
parts = out["parts"]
assert out["width"] == width, out["width"]
assert out["scroll"] <= width, "wider than the screen: %s" % out["scroll"]
ids = [p["id"] for p in parts]
assert ids[0] == "summary" and ids[1] == "decisions" and ids[-2:] == ["happened", "outlook"], ids
decisions = [p for p in parts if p["id"] == "decision"]
assert len(decisions) == 4, ids
tops = [p["top"] for p in parts]
assert tops == sorted(tops), "not in order: %s" % tops
if width >= 1000:
    for p in parts[:1] + decisions:
        assert p["bottom"] <= 1000, "below the fold: %s" % p
else:
    # One column: every part starts at one left edge and fits the width.
    lefts = {round(p["left"]) for p in parts if p["id"] != "summary"}
    assert len(lefts) <= 2, lefts
    for p in parts:
        assert p["right"] <= width, p
PY
}
for width in 1000 400; do
    layout_page "$width" "$TMP/frame-$width.html"
    check_true "Chromium renders a screenshot $width pixels wide" chromium_run \
        --window-size=1000,1000 --screenshot="$TMP/digest-$width.png" "file://$TMP/frame-$width.html"
    check "Chromium lays the page out $width pixels wide" 0 chromium_run \
        --window-size=1000,1000 --dump-dom "file://$TMP/frame-$width.html"
    cp "$OUT" "$TMP/dom-$width.html"
    check_true "at $width pixels the summary, then each decision, in one column" \
        check_layout "$width" "$TMP/dom-$width.html"
done
if [ -n "${DIGEST_SCREENSHOTS:-}" ]; then
    cp "$TMP"/digest-*.png "$DIGEST_SCREENSHOTS"/
fi
check_true "the screenshot is a PNG" python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n" and len(d) > 10000, len(d)
' "$TMP/digest-1000.png"
check "Chromium reads the page" 0 chromium_run --dump-dom "file://$TMP/digest.html"
for id in summary decisions happened outlook; do
    check_out "the rendered page has the part $id" "id=\"$id\""
done
if command -v pdftotext >/dev/null; then
    check_true "Chromium prints it to PDF" chromium_run --no-pdf-header-footer \
        --print-to-pdf="$TMP/digest.pdf" "file://$TMP/digest.html"
    pdftotext "$TMP/digest.pdf" "$TMP/digest.txt"
    for title in "Needs you" "What happened on 2026-11-29" "Ahead" \
        "Meetings in the next 30 days" "Visit information overdue" \
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
