# `ctcgw publish`: the public site.  A fixture with something in every
# register, public or not, and a French offer filed through `deliver`.  The
# site is served by lighttpd on 127.0.0.1 and crawled (no link that does
# not resolve, every page reachable from the first); no e-mail address,
# telephone or non-public text of the database is anywhere in it; pages are
# loaded in headless Chromium at 1280 and 400 pixels; written again, the
# unchanged files keep their inode and time; a command that changes a
# public register writes it again by itself.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
. "${CTCGW_SRCDIR:-.}/tests/servers.sh"

need_ctcgw
make_tmpdir
command -v python3 >/dev/null || skip_all "python3 is needed to crawl the site"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 shell is needed for the fixture"

sink_conf <<EOF
[publish]
dir = $TMP/www
url = https://www.example.org/global-action/
EOF

ctcgw () {
    "$CTCGW" -c "$CONF" "$@"
}

check "init" 0 ctcgw init
check_err "init writes the first site" "public site was written again to $TMP/www/site"

# --- the fixture: public entries and private ones ------------------------------
sqlite3 "$TMP/db.sqlite" <"$CTCGW_SRCDIR/tests/publish-fixture.sql"

# A French offer filed by mail: its entry is marked lang="fr".
printf '%s\n' 'From: j.sender@unodc.example' 'To: intake@ctc.example' \
    'Subject: Private offer by mail' 'Message-ID: <publish-1@unodc.example>' 'MIME-Version: 1.0' \
    'Content-Type: text/plain; charset=UTF-8' '' 'Formulaire: assistance-offer' \
    'Prestataires: UNODC' 'Titre: Atelier sur la justice pénale' \
    'Domaines: criminal-justice' 'Bénéficiaires: KG' 'Début: 2026-06-01' 'Fin: 2026-06-03' \
    >"$TMP/offer.eml"
check "deliver takes a French offer" 0 ctcgw deliver --mailbox mta <"$TMP/offer.eml"
check_err "the fixture's entries are published after the command" \
    "public site was written again"
held=$(sqlite3 "$TMP/db.sqlite" "SELECT id FROM quarantine WHERE state = 'waiting'
    AND submission_id = (SELECT max(id) FROM submissions)")
check "staff approve it" 0 ctcgw quarantine approve "$held"
check_err "the approved offer is published after the command" "public site was written again"
check "a command that changes nothing" 0 ctcgw list offers
check_true "leaves the site alone" sh -c "! grep -q 'public site' '$ERR'"

check "publish" 0 ctcgw publish
check_out "publish says where" "^published [0-9]+ files \\([0-9]+ unchanged\\) to $TMP/www/site$"
SITE=$TMP/www/site
check_true "the site is a link to a version" test -L "$SITE"
check_true "the first page lists the six languages" \
    grep -q 'href="zh/index.html"' "$SITE/index.html"
for f in en/index.html fr/offers.html ar/offers-by-areas.html ru/inventory.html \
    zh/sources.html es/standards.html en/organizations.html en/organizations/UNODC.html \
    en/offers/CTC-OFF-2025-0001.html data/offers.csv data/offers.json feed.atom \
    meetings.ics style.css; do
    check_true "the site has $f" test -s "$SITE/$f"
done
check_true "the withdrawn offer is not published" \
    test ! -e "$SITE/en/offers/CTC-OFF-2025-0003.html"
check_true "the French offer is marked lang=fr" \
    grep -q 'lang="fr"><a href="offers/CTC-OFF-2026-0001.html">Atelier sur la justice pénale' \
    "$SITE/en/offers.html"
check_true "area names in the page's language" grep -q 'пограничный контроль' "$SITE/ru/offers.html"
check_true "States' names from iso-codes" grep -q 'Kirghizistan' "$SITE/fr/offers.html"
check_true "Arabic pages are right to left" \
    grep -q '<html lang="ar" dir="rtl">' "$SITE/ar/index.html"
check_true "the contact point that agreed is on its offer" \
    grep -q 'ana.publica@unodc.example' "$SITE/en/offers/CTC-OFF-2025-0001.html"
check_true "the public meeting is in the calendar" \
    grep -q 'SUMMARY:Open briefing' "$SITE/meetings.ics"
check_true "the feed links to the site's address" grep -q \
    'href="https://www.example.org/global-action/en/offers/CTC-OFF-2025-0001.html"' \
    "$SITE/feed.atom"
check_true "a title that looks like a list, quotes or a tag is text" \
    grep -q '<td data-label="Title" dir="auto">\[&quot;Draft&quot;\] model &quot;provisions&quot; &lt;b&gt;</td>' \
    "$SITE/en/standards.html"
check_true "the downloads and feeds are what they say" python3 -c '
import csv, json, sys, xml.etree.ElementTree as ET
site = sys.argv[1]
offers = json.load(open(site + "/data/offers.json", encoding="utf-8"))
assert {o["reference"] for o in offers} >= {"CTC-OFF-2025-0001", "CTC-OFF-2026-0001"}, offers
assert [o for o in offers if o["reference"] == "CTC-OFF-2025-0001"][0]["beneficiaries"] == ["KZ", "KG"]
standards = json.load(open(site + "/data/standards.json", encoding="utf-8"))
assert [t for t in (s["title"] for s in standards) if t.startswith("[") and t.endswith("<b>")], standards
rows = list(csv.DictReader(open(site + "/data/offers.csv", encoding="utf-8", newline="")))
assert "KZ, KG" in [r["beneficiaries"] for r in rows], rows
assert "contacts" not in rows[0], rows[0]
feed = ET.parse(site + "/feed.atom").getroot()
assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 7, ET.tostring(feed)
' "$SITE"
# Debian's python3, which python3-icalendar is installed for.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
if "$PY" -c 'import icalendar' 2>/dev/null; then
    check_true "the calendar parses" "$PY" -c '
import icalendar, sys
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["Open briefing to Member States"]
' "$SITE/meetings.ics"
else
    skip "the calendar parses" "python3-icalendar is not installed (autogen.sh installs it)"
fi
check_true "no page has a script" sh -c "! grep -rl '<script' '$SITE'"
check_true "one stylesheet" test "$(find "$SITE/" -name '*.css' | wc -l)" = 1

# --- the privacy scan ------------------------------------------------------------
check_true "nothing private is in the site" python3 "$CTCGW_SRCDIR/tests/publish-scan.py" \
    scan "$TMP/db.sqlite" "$SITE/"
check_true "the scan finds a private text put into a page" sh -c "
    cp -rL '$SITE' '$TMP/leak' &&
    echo 'Private request about scanners at Manas +996 312 620 545' >>'$TMP/leak/en/index.html' &&
    ! python3 '$CTCGW_SRCDIR/tests/publish-scan.py' scan '$TMP/db.sqlite' '$TMP/leak/'"
check_true "the colours have a contrast of 4.5:1 at least" \
    python3 "$CTCGW_SRCDIR/tests/publish-scan.py" contrast "$SITE/style.css"

# --- written again: unchanged files keep their inode and time ---------------------
stat -c '%i %Y' "$SITE/en/standards.html" "$SITE/en/offers/CTC-OFF-2025-0001.html" \
    >"$TMP/before"
old=$(readlink "$SITE")
sqlite3 "$TMP/db.sqlite" "UPDATE offers SET title = 'Border management course',
    updated = '2026-12-01T00:00:00Z' WHERE reference = 'CTC-OFF-2025-0001'"
check "publish again" 0 ctcgw publish
check_true "a new version" test "$(readlink "$SITE")" != "$old"
stat -c '%i %Y' "$SITE/en/standards.html" "$SITE/en/offers/CTC-OFF-2025-0001.html" \
    >"$TMP/after"
check_true "an unchanged page is the same file" \
    test "$(sed -n 1p "$TMP/before")" = "$(sed -n 1p "$TMP/after")"
check_true "a changed page is a new file" \
    test "$(sed -n 2p "$TMP/before")" != "$(sed -n 2p "$TMP/after")"
check_true "the changed title is there" \
    grep -q 'Border management course' "$SITE/en/offers/CTC-OFF-2025-0001.html"
check_true "one version before is kept for its readers, no more" \
    test "$(ls -d "$TMP/www/site."* | wc -l)" = 2

# --- the daemon's pass writes it after a change ------------------------------------
sqlite3 "$TMP/db.sqlite" "UPDATE standards SET summary = 'Forty recommendations, revised.'"
check "a pass of run" 0 ctcgw run --once
check_err "the pass wrote the site" "publish: dir=$TMP/www written"
check_true "with the change" grep -q 'Forty recommendations, revised.' "$SITE/en/standards.html"

# --- meetings staff mark public --------------------------------------------------
check "a meeting made private" 0 ctcgw publish --private CTC-MTG-2025-0001
check_true "it left the calendar" sh -c "! grep -q 'Open briefing' '$SITE/meetings.ics'"
check "an unknown meeting" 65 ctcgw publish --meeting CTC-MTG-2026-0099
check_err "is named" "no meeting CTC-MTG-2026-0099"

# --- the configuration --------------------------------------------------------------
grep -v '^url = https://www.example.org' "$CONF" >"$TMP/no-url.conf"
check "[publish] without url" 78 "$CTCGW" -c "$TMP/no-url.conf" check-config
check_err "the missing url is named" '\[publish\] url: missing'

# --- served by lighttpd, crawled ---------------------------------------------------------
LIGHTTPD=$(command -v lighttpd || echo /usr/sbin/lighttpd)
[ -x "$LIGHTTPD" ] || skip_all "lighttpd is not installed (autogen.sh installs it)"
PORT=$(free_ports 1)
printf '%s\n' "server.document-root = \"$SITE/\"" "server.port = $PORT" \
    'server.bind = "127.0.0.1"' "server.errorlog = \"$TMP/lighttpd.log\"" \
    "server.pid-file = \"$TMP/lighttpd.pid\"" 'index-file.names = ( "index.html" )' \
    'server.follow-symlink = "enable"' \
    'mimetype.assign = ( ".html" => "text/html; charset=utf-8", ".css" => "text/css",
      ".json" => "application/json", ".csv" => "text/csv; charset=utf-8",
      ".atom" => "application/atom+xml", ".ics" => "text/calendar; charset=utf-8" )' \
    >"$TMP/lighttpd.conf"
"$LIGHTTPD" -D -f "$TMP/lighttpd.conf" >"$TMP/lighttpd.out" 2>&1 &
LIGHTTPD_PID=$!
at_exit 'kill $LIGHTTPD_PID 2>/dev/null; wait $LIGHTTPD_PID 2>/dev/null'
check_true "lighttpd serves the site" python3 -c '
import sys, time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen("http://127.0.0.1:%s/" % sys.argv[1], timeout=2).read()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)' "$PORT"
check_true "every link resolves and every page is reached" \
    python3 "$CTCGW_SRCDIR/tests/publish-scan.py" crawl "http://127.0.0.1:$PORT/" "$SITE/"

# --- headless Chromium ------------------------------------------------------------------------
command -v chromium >/dev/null || skip_all "chromium is not installed (autogen.sh installs it)"
PROFILE="$TMP/chromium-profile"
chromium_run () {
    timeout 120 chromium --headless --no-sandbox --disable-gpu \
        --disable-background-networking --disable-component-update --disable-sync \
        --no-first-run --user-data-dir="$PROFILE" "$@" 2>"$TMP/chromium.log"
}
SHOTS=${CTCGW_PUBLISH_SHOTS:-$TMP}
for width in 1280 400; do
    for page in en/offers.html ar/offers/CTC-OFF-2025-0001.html; do
        name=$(echo "$page" | tr '/.' '--')
        check_true "Chromium takes $page at $width px" chromium_run \
            --window-size=$width,1400 --screenshot="$SHOTS/$name-$width.png" \
            "http://127.0.0.1:$PORT/$page"
        check "Chromium reads $page at $width px" 0 chromium_run \
            --window-size=$width,1400 --dump-dom "http://127.0.0.1:$PORT/$page"
        check_out "its heading" '<h1'
        check_out "its navigation" '<nav aria-label='
    done
done
check "Chromium reads the Matrix" 0 chromium_run --dump-dom "http://127.0.0.1:$PORT/en/offers.html"
check_out "a table sorted by a link" '<a href="offers-by-title.html">Title</a>'
check_out "the offer's row" '<tr id="CTC-OFF-2025-0001">'

finish
