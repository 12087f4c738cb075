#!/bin/sh
# Text intact in every part (ctcgw(8), DESCRIPTION): each kind of message
# the gateway sends, to contact points with French, Russian, Arabic and
# Chinese names, about a meeting whose title and place have accented
# letters, goes into a maildir: sink and is read back as a mail reader reads
# it (tests/decode-parts.py, Python's email with policy=default): every
# encoded word and every text, HTML and calendar part is UTF-8 with its
# transfer encoding said, and the names, title and place come back as they
# were written; calendars read the same in python3-icalendar and ical.js.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
need_ctcgw
make_tmpdir
SRC=${CTCGW_SRCDIR:-.}
command -v sqlite3 >/dev/null || skip_all "the sqlite3 shell is not installed"
# Debian's python3, which python3-icalendar is installed for.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
"$PY" -c 'import icalendar' 2>/dev/null || skip_all "python3-icalendar is not installed (./autogen.sh)"
command -v node >/dev/null 2>&1 || skip_all "node is needed for ical.js (./autogen.sh installs it)"
[ -f "$SRC/tests/node/node_modules/ical.js/package.json" ] \
    || skip_all "ical.js is not installed in tests/node: ./autogen.sh runs npm ci --prefix tests/node"
export LC_ALL=C.UTF-8

sink_conf 'Direction exécutive du CTC' </dev/null
ctcgw () { "$CTCGW" -q -c "$CONF" "$@"; }
q () { sqlite3 -cmd '.timeout 5000' "$TMP/db.sqlite" "$1"; }

check "init" 0 ctcgw init
cat >"$TMP/contacts.csv" <<'EOF'
Entity,Name,Email,Languages
FR,Claire Lefèvre,claire.lefevre@diplomatie.fr.example,fr
KZ,Сергей Иванов,s.ivanov@mfa.kz.example,ru
EG,أحمد حسن,a.hassan@mfa.eg.example,ar
CN,王小明,wang.xm@mfa.cn.example,zh
UNODC,Élodie Müller,e.muller@unodc.example,en
OSCE,Анна Смирнова,a.smirnova@osce.example,ru
INTERPOL,فاطمة علي,f.ali@interpol.example,ar
ICAO,李华,li.hua@icao.example,zh
EOF
check "import contacts" 0 ctcgw import contacts "$TMP/contacts.csv"

# name_of ADDRESS: the name the Directory holds for ADDRESS.
name_of () { q "SELECT name FROM contacts WHERE email = '$1'"; }

# sent KIND N [TEXT...]: `run --once` sends N messages of KIND; each decodes
# (tests/decode-parts.py), names its recipient as the Directory does, and
# every text part holds each TEXT (@name: the recipient's name).  The
# decoded messages stay in $TMP/KIND.
sent () {
    kind=$1 want=$2
    shift 2
    check "run --once sends the $kind messages" 0 ctcgw run --once
    mkdir -p "$TMP/$kind"
    n=0 bad=
    for f in "$TMP"/outbox/new/*; do
        [ -f "$f" ] || continue
        n=$((n + 1))
        mv "$f" "$TMP/$kind/$n.eml"
        f=$TMP/$kind/$n.eml
        if ! "$PY" "$SRC/tests/decode-parts.py" "$f" >"$f.txt" 2>"$f.err"; then
            bad="$bad $(cat "$f.err")"
            continue
        fi
        to=$(sed -n 's/^To: .*<\(.*\)>$/\1/p' "$f.txt")
        grep -qxF "Name: $(name_of "$to")" "$f.txt" || bad="$bad $n.eml: To is not $(name_of "$to")"
        grep -qxF "Name: Direction exécutive du CTC" "$f.txt" || bad="$bad $n.eml: From"
        for text in "$@"; do
            [ "$text" = @name ] && text=$(name_of "$to")
            awk -v t="$text" '/^--- text\//{p++; if (found < p - 1) exit 1} index($0, t) {found = p}
                END {exit !(p > 0 && found == p)}' "$f.txt" \
                || bad="$bad $n.eml: a part without \"$text\""
        done
    done
    if [ "$n" = "$want" ]; then ok "$want $kind messages"; else fail "$want $kind messages" "$n sent"; fi
    if [ -z "$bad" ]; then ok "every part of the $kind messages reads as written"
    else fail "every part of the $kind messages reads as written" "$bad"; fi
}

# calendars KIND METHOD: the calendar part and invite.ics of each KIND
# message read the same in python3-icalendar and ical.js, with METHOD, the
# title ($TITLE, or with TITLE=@subject the title that the message's own
# subject names), the place and every attendee's name as written.
calendars () {
    bad=
    for ics in "$TMP/$1"/*.ics; do
        "$PY" "$SRC/tests/invite-parse.py" "$ics" >"$ics.py" 2>&1 || { bad="$bad $ics: $(cat "$ics.py")"; continue; }
        node "$SRC/tests/invite-parse.mjs" "$ics" >"$ics.js" 2>&1 || { bad="$bad $ics: $(cat "$ics.js")"; continue; }
        cmp -s "$ics.py" "$ics.js" || bad="$bad $ics: $(cat "$ics.py" "$ics.js")"
        title=$TITLE
        if [ "$title" = @subject ]; then
            title=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["summary"])' "$ics.py")
            grep -qF "$title" "${ics%.*.ics}.txt" || bad="$bad $ics: the subject does not name \"$title\""
        fi
        "$PY" - "$ics.py" "$2" "$title" <<'EOF' || bad="$bad $ics: $(cat "$ics.py")"
import json, sys
cal = json.load(open(sys.argv[1], encoding="utf-8"))
names = {"Claire Lefèvre", "Сергей Иванов", "أحمد حسن", "王小明", "Élodie Müller",
         "Анна Смирнова", "فاطمة علي", "李华"}
got = {a.split("|")[1] for a in cal["attendees"]}
assert cal["method"] == sys.argv[2] and cal["summary"] == sys.argv[3], cal
assert got <= names and len(got) > 0, got
EOF
    done
    [ -n "$(ls "$TMP/$1"/*.ics 2>/dev/null)" ] || bad="no calendar"
    if [ -z "$bad" ]; then ok "the $1 calendars read the same in python3-icalendar and ical.js"
    else fail "the $1 calendars read the same in python3-icalendar and ical.js" "$bad"; fi
}

# --- meetings ----------------------------------------------------------------
TITLE='Atelier régional sur le financement'
check "meeting create" 0 ctcgw meeting create --title "$TITLE" \
    --start 2027-03-19T10:00 --end 2027-03-19T12:00 --tz Europe/Vienna \
    --location 'Salle Lefèvre à Genève' --attendees all
MTG=$(cat "$OUT")
check "meeting invite" 0 ctcgw meeting invite "$MTG"
sent invitation 8 "$TITLE" 'Salle Lefèvre à Genève' @name
calendars invitation REQUEST
check_true "the subject names the meeting" grep -q "^Subject: .*$TITLE" "$TMP/invitation/1.eml.txt"
check "meeting update" 0 ctcgw meeting update "$MTG" --location 'Palais Wilson à Genève'
sent update 8 "$TITLE" 'Palais Wilson à Genève' @name
calendars update REQUEST
check "meeting cancel" 0 ctcgw meeting cancel "$MTG"
sent cancel 8 "$TITLE" @name
calendars cancel CANCEL

# --- a visit -------------------------------------------------------------------
check "visit create" 0 ctcgw visit create --state KZ --start 2027-05-03 --end 2027-05-07 \
    --organizations 'UNODC, OSCE, INTERPOL, ICAO'
VIS=$(cat "$OUT")
check "visit invite" 0 ctcgw visit invite "$VIS"
sent visit-invitation 4 @name
TITLE=@subject
calendars visit-invitation REQUEST
check_true "each organization's calendar names the visit in its language" \
    grep -q '"summary":"Посещение страны: Казахстан"' "$TMP"/visit-invitation/*.ics.py
check "visit request-info" 0 ctcgw visit request-info "$VIS" --due 2099-04-20
sent visit-request 4 "$VIS" @name
q "UPDATE visit_requests SET remind_at = '2020-01-01T00:00:00Z'"
sent visit-reminder 4 "$VIS" @name
printf 'Besoins évalués — Казахстан — 边境 — الحدود\n' >"$TMP/assessment.txt"
check "visit assess" 0 ctcgw visit assess "$VIS" --file "$TMP/assessment.txt"
printf 'From: Сергей Иванов <s.ivanov@mfa.kz.example>\nTo: gateway@ctc.example\nSubject: consent\nMessage-ID: <consent@test.example>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nForm: visit-consent\nVisit: %s\nConsent: yes\nRecipients: OSCE, ICAO\n' \
    "$VIS" >"$TMP/consent.eml"
check "KZ consents" 0 ctcgw deliver <"$TMP/consent.eml"
sent consent-answer 1 @name
check "visit share" 0 ctcgw visit share "$VIS"
sent assessment 2 'Besoins évalués — Казахстан — 边境 — الحدود' @name

# --- circulars and the directory -----------------------------------------------
for template in inventory-call sources-reminder; do
    check "circular create --template $template" 0 ctcgw circular create --template "$template" --audience all
    check "circular send" 0 ctcgw circular send "$(cat "$OUT")"
    sent "$template" 8 @name
done
check "distribute contacts" 0 ctcgw distribute contacts --to all
sent distribution 8 'Claire Lefèvre' 'Сергей Иванов' 'أحمد حسن' '王小明' @name
check_true "a Russian subject keeps every word" \
    grep -qx 'Subject: Справочник координаторов по состоянию на [0-9-]*' "$TMP"/distribution/*.eml.txt

# --- answers ---------------------------------------------------------------------
# update FROM-NAME ADDRESS REFERENCE ID: a contact-point update through deliver.
update () {
    printf 'From: %s <%s>\nTo: gateway@ctc.example\nSubject: update\nMessage-ID: <%s@test.example>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nForm: contact-point\nReference: %s\nPhone: +1 555 0100\n' \
        "$1" "$2" "$4" "$3" | ctcgw deliver
}
for address in s.ivanov@mfa.kz.example a.hassan@mfa.eg.example wang.xm@mfa.cn.example; do
    ref=$(q "SELECT reference FROM contacts WHERE email = '$address'")
    check "an update from $address" 0 update "$(name_of "$address")" "$address" "$ref" "$address"
done
sent answer 3 @name
ref=$(q "SELECT reference FROM contacts WHERE email = 's.ivanov@mfa.kz.example'")
check "an update of KZ from FR is quarantined" 0 update 'Claire Lefèvre' claire.lefevre@diplomatie.fr.example "$ref" q1
sent quarantine 1 @name
sed 's/^require = none$/require = confirm/' "$CONF" >"$CONF.new" && mv "$CONF.new" "$CONF"
check "an update to confirm" 0 update 'أحمد حسن' a.hassan@mfa.eg.example \
    "$(q "SELECT reference FROM contacts WHERE email = 'a.hassan@mfa.eg.example'")" c1
sent confirmation 1 @name

finish
