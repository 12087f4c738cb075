#!/bin/sh
# `meeting update --title`, `--add` and `--remove` (ctcgw(8) "meeting"):
# a new title raises SEQUENCE and keeps the replies; a removed invitee
# gets a CANCEL that lists it alone, without STATUS, and the others the
# REQUEST without it, SEQUENCE raised (RFC 5546 section 3.2.5); an added
# one gets the current REQUEST listing everyone still invited.  Every
# calendar is read by python3-icalendar and ical.js, which must agree.
# A removed invitee is not invited again by `meeting invite`, and its
# calendar reply is not filed.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
need_ctcgw
make_tmpdir
command -v sqlite3 >/dev/null || skip_all "the sqlite3 shell is not installed"
SRC=${CTCGW_SRCDIR:-.}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
"$PY" -c 'import icalendar' 2>/dev/null || skip_all "python3-icalendar is not installed (./autogen.sh)"
command -v node >/dev/null 2>&1 || skip_all "node is needed for ical.js (./autogen.sh installs it)"
[ -f "$SRC/tests/node/node_modules/ical.js/package.json" ] \
    || skip_all "ical.js is not installed in tests/node: ./autogen.sh runs npm ci --prefix tests/node"

sink_conf </dev/null
ctcgw () { "$CTCGW" -q -c "$CONF" "$@"; }
q () { sqlite3 -cmd '.timeout 5000' "$TMP/db.sqlite" "$1"; }

check "init" 0 ctcgw init
cat >"$TMP/contacts.csv" <<'EOF'
Entity,Name,Email,Languages
KZ,Aigerim Nurlanovna,focal@mfa.kz.example,"ru,en"
UNODC,"Doe, Jane",j.doe@unodc.example,en
OSCE,Marco Rossi,m.rossi@osce.example,en
EU,Eva Maier,e.maier@eeas.example,en
INTERPOL,Paul Lefevre,p.lefevre@interpol.example,fr
EOF
check "import contacts" 0 ctcgw import contacts "$TMP/contacts.csv"
check "meeting create" 0 ctcgw meeting create --title 'Coordination' \
    --start 2027-03-19T10:00 --end 2027-03-19T12:00 --tz Europe/Vienna --location VIC \
    --attendees organizations
MTG=$(cat "$OUT")
check "meeting invite" 0 ctcgw meeting invite "$MTG"
check_out "the four organizations" "^$MTG invited 4 "
check "run --once" 0 ctcgw run --once
rm -f "$TMP"/outbox/new/*
q "UPDATE attendance SET partstat = 'ACCEPTED' WHERE email = 'j.doe@unodc.example'"

# --- usage and refusals -------------------------------------------------------
check "--add with invite exits 64" 64 ctcgw meeting invite "$MTG" --add all
check "--remove with cancel exits 64" 64 ctcgw meeting cancel "$MTG" --remove j.doe@unodc.example
check "--title with attendance exits 64" 64 ctcgw meeting attendance "$MTG" --title T
check "removing an address not invited exits 65" 65 ctcgw meeting update "$MTG" --remove nobody@x.example
check_err "it says so" 'nobody@x.example is not invited to'
check "an unknown audience exits 65" 65 ctcgw meeting update "$MTG" --add organisations
is "nothing changed" "0|0|Coordination" \
    "SELECT sequence, (SELECT count(*) FROM attendance WHERE removed IS NOT NULL), title FROM meetings"
check "--help names the new options" 0 "$CTCGW" meeting --help
check_out "--add" '--add'
check_out "--remove" '--remove'

# --- a title and an invitee removed --------------------------------------------
check "update --title --remove" 0 ctcgw meeting update "$MTG" --title 'Coordination, second round' \
    --remove M.Rossi@osce.example
check_out "the REQUEST to the three left" "^$MTG updated, sent 3 \\(added 0, removed 1\\)$"
is "SEQUENCE 1, the title stored" "1|Coordination, second round" "SELECT sequence, title FROM meetings"
is "OSCE's row is kept, marked removed" "m.rossi@osce.example|1" \
    "SELECT email, removed IS NOT NULL FROM attendance WHERE removed IS NOT NULL"
is "a new title keeps the replies" "ACCEPTED" \
    "SELECT partstat FROM attendance WHERE email = 'j.doe@unodc.example'"
check "list attendance" 0 ctcgw list attendance
check_out "says OSCE's invitee was removed" 'm\.rossi@osce\.example +removed'
check "the digest of a day before the meeting" 0 ctcgw digest --print --date 2027-03-10
check_out "lists the invitees who have not answered" 'e\.maier@eeas\.example'
check_true "but not the removed one" sh -c "! grep -q 'm.rossi@osce.example' '$OUT'"
check "the same title again" 0 ctcgw meeting update "$MTG" --title 'Coordination, second round'
check_out "is no change" "^$MTG unchanged$"

# --- an invitee added -----------------------------------------------------------
check "update --add entities:KZ" 0 ctcgw meeting update "$MTG" --add entities:KZ
check_out "the current REQUEST to Kazakhstan alone" "^$MTG updated, sent 1 \\(added 1, removed 0\\)$"
is "SEQUENCE stays 1" 1 "SELECT sequence FROM meetings"
check "update --add of those invited already" 0 ctcgw meeting update "$MTG" --add entities:KZ,EU
check_out "is no change" "^$MTG unchanged$"
check "meeting invite" 0 ctcgw meeting invite "$MTG"
check_out "does not invite OSCE again" "^$MTG invited 0 \\(before: 4\\)$"
check "attendance --json" 0 ctcgw meeting attendance "$MTG" --json
check_true "shows who was removed" "$PY" -c '
import json, sys
rows = {r["email"]: r for r in json.load(open(sys.argv[1]))}
assert rows["m.rossi@osce.example"]["removed"], rows
assert rows["focal@mfa.kz.example"]["removed"] is None, rows' "$OUT"

# --- what each one received, read by two calendar parsers ----------------------
check "run --once" 0 ctcgw run --once
mkdir -p "$TMP/read"
n=0
for f in "$TMP"/outbox/new/*; do
    n=$((n + 1))
    cp "$f" "$TMP/read/$n.eml"
    "$PY" "$SRC/tests/decode-parts.py" "$TMP/read/$n.eml" >"$TMP/read/$n.txt" 2>"$TMP/read/$n.err" \
        || diag "$(cat "$TMP/read/$n.err")"
    for ics in "$TMP/read/$n.eml".*.ics; do
        "$PY" "$SRC/tests/invite-parse.py" "$ics" >"$ics.py" 2>&1
        node "$SRC/tests/invite-parse.mjs" "$ics" >"$ics.js" 2>&1
        cmp -s "$ics.py" "$ics.js" || diag "$ics: $(cat "$ics.py" "$ics.js")"
    done
done
[ "$n" = 5 ] && ok "five messages" || fail "five messages" "$n"
check_true "the CANCEL lists OSCE alone; the others read SEQUENCE 1 without it" "$PY" - "$TMP/read" "$MTG" <<'EOF'
import email, email.policy, glob, json, os, sys
d, ref = sys.argv[1], sys.argv[2]
got = {}
for eml in sorted(glob.glob(os.path.join(d, "*.eml"))):
    with open(eml, "rb") as fh:
        msg = email.message_from_binary_file(fh, policy=email.policy.default)
    to = [a.addr_spec for a in msg["To"].addresses]
    assert len(to) == 1, to
    cals = []
    for ics in sorted(glob.glob(eml + ".*.ics")):
        py, js = open(ics + ".py").read(), open(ics + ".js").read()
        assert py == js, (ics, py, js)
        cals.append(json.loads(py))
    assert len(cals) == 2 and cals[0] == cals[1], (eml, cals)
    got[to[0]] = (str(msg["Subject"]), cals[0])
assert sorted(got) == ["e.maier@eeas.example", "focal@mfa.kz.example", "j.doe@unodc.example",
                       "m.rossi@osce.example", "p.lefevre@interpol.example"], sorted(got)
who = lambda cal: sorted(a.split("|")[0] for a in cal["attendees"])
subject, cal = got["m.rossi@osce.example"]
assert subject == "Invitation withdrawn: Coordination, second round [%s]" % ref, subject
assert cal["method"] == "CANCEL" and cal["status"] == "" and cal["sequence"] == 1, cal
assert who(cal) == ["m.rossi@osce.example"], cal
three = ["e.maier@eeas.example", "j.doe@unodc.example", "p.lefevre@interpol.example"]
for address in three:
    subject, cal = got[address]
    assert cal["method"] == "REQUEST" and cal["status"] == "CONFIRMED", cal
    assert cal["sequence"] == 1 and cal["summary"] == "Coordination, second round", cal
    assert cal["location"] == "VIC", cal
    assert who(cal) == three, cal
assert got["e.maier@eeas.example"][0].startswith("Updated invitation: "), got["e.maier@eeas.example"]
subject, cal = got["focal@mfa.kz.example"]
assert subject.startswith("Приглашение: "), subject
assert cal["method"] == "REQUEST" and cal["sequence"] == 1, cal
assert who(cal) == sorted(three + ["focal@mfa.kz.example"]), cal
uids = {c["uid"] for _, c in got.values()}
assert len(uids) == 1, uids
EOF
check_true "the withdrawal is worded for it" grep -q 'you are no longer invited' "$TMP/read/"*.txt

# --- a reply from the removed invitee ------------------------------------------
UID_=$(q "SELECT uid FROM meetings")
cat >"$TMP/reply.eml" <<EOF
From: Marco Rossi <m.rossi@osce.example>
To: gateway@ctc.example
Subject: Accepted: Coordination
Message-ID: <reply-removed@osce.example>
MIME-Version: 1.0
Content-Type: text/calendar; charset=UTF-8; method=REPLY

BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
METHOD:REPLY
BEGIN:VEVENT
UID:$UID_
DTSTAMP:$(date -u +%Y%m%dT%H%M%SZ)
SEQUENCE:1
DTSTART;TZID=Europe/Vienna:20270319T100000
ORGANIZER:mailto:gateway@ctc.example
ATTENDEE;PARTSTAT=ACCEPTED:mailto:m.rossi@osce.example
END:VEVENT
END:VCALENDAR
EOF
check "the removed invitee's reply is delivered" 0 sh -c "\"$CTCGW\" -q -c \"$CONF\" deliver <\"$TMP/reply.eml\""
is "it is not filed" "not-invited" "SELECT result FROM calendar_replies"
is "its row stays removed, unanswered" "NEEDS-ACTION|1" \
    "SELECT partstat, removed IS NOT NULL FROM attendance WHERE email = 'm.rossi@osce.example'"

# --- invited again --------------------------------------------------------------
check "update --add entities:OSCE" 0 ctcgw meeting update "$MTG" --add entities:OSCE
check_out "invites OSCE again" "^$MTG updated, sent 1 \\(added 1, removed 0\\)$"
is "its row is invited again" "NEEDS-ACTION|0|1" \
    "SELECT partstat, removed IS NOT NULL, sequence FROM attendance WHERE email = 'm.rossi@osce.example'"

# --- a visit's title is its State's ---------------------------------------------
check "visit create" 0 ctcgw visit create --state KZ --start 2027-05-03 --end 2027-05-07 --organizations UNODC
VIS=$(cat "$OUT")
check "update --title of a visit exits 65" 65 ctcgw meeting update "$VIS" --title 'Other'
check_err "it says why" 'is a visit'

# --- a visit's place (LOCATION) -------------------------------------------------
check "--location with visit invite exits 64" 64 ctcgw visit invite "$VIS" --location Astana
check "a visit with its place" 0 ctcgw visit create --state KZ --start 2027-06-01 --end 2027-06-03 \
    --organizations EU --location 'Astana, Ministry of Foreign Affairs'
VIS2=$(cat "$OUT")
is "without --location, none is stored" "1" "SELECT location IS NULL FROM meetings WHERE reference = '$VIS'"
check "run --once sends what is queued" 0 ctcgw run --once
rm -f "$TMP"/outbox/new/*
check "visit invite" 0 ctcgw visit invite "$VIS"
check "visit invite of the other" 0 ctcgw visit invite "$VIS2"
check "run --once" 0 ctcgw run --once
mkdir -p "$TMP/place"
for f in "$TMP"/outbox/new/*; do
    cp "$f" "$TMP/place/"
    "$PY" "$SRC/tests/decode-parts.py" "$TMP/place/$(basename "$f")" >/dev/null 2>&1
done
places=
for ics in "$TMP"/place/*.ics; do
    "$PY" "$SRC/tests/invite-parse.py" "$ics" >"$ics.py" 2>&1
    node "$SRC/tests/invite-parse.mjs" "$ics" >"$ics.js" 2>&1
    cmp -s "$ics.py" "$ics.js" || diag "$ics: $(cat "$ics.py" "$ics.js")"
    cmp -s "$ics.py" "$ics.js" && places="$places|$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["location"])' "$ics.py")"
done
[ "$(printf '%s\n' "$places" | tr '|' '\n' | sort -u | sed '/^$/d' | tr '\n' '|')" = 'Astana, Ministry of Foreign Affairs|Kazakhstan|' ] \
    && ok "both parsers read each visit's LOCATION, the State's name when none was given" \
    || fail "both parsers read each visit's LOCATION, the State's name when none was given" "$places"
check_true "the text says the place" grep -qF 'Astana, Ministry of Foreign Affairs' "$TMP"/place/*
finish
