#!/bin/sh
# Invitations over the real path: `meeting invite`, `meeting update` and
# `meeting cancel` queue iMIP messages that `ctcgw run --once` sends over
# SMTP to the private Postfix, which delivers them into Dovecot.  Each
# message is read back over IMAP and checked: multipart/mixed of a
# multipart/alternative (text/plain, text/html, text/calendar last, inline,
# method= as METHOD) and invite.ics, the same calendar.  Each calendar is
# parsed by two independent parsers, ical.js (Thunderbird's, through the
# VTIMEZONE it carries) and python3-icalendar (through the IANA zone of
# its TZID), which must agree on METHOD, UID, SEQUENCE, ORGANIZER, the
# attendees and the instants in UTC, for a meeting in Vienna moved from
# before the change to summer time to after it.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
. "${CTCGW_SRCDIR:-.}/tests/servers.sh"
. "${CTCGW_SRCDIR:-.}/tests/smtp-lib.sh"
need_ctcgw
make_tmpdir

SRC=${CTCGW_SRCDIR:-.}
# Debian's python3, which python3-icalendar is installed for.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
command -v node >/dev/null 2>&1 || skip_all "node is needed for ical.js (./autogen.sh installs it)"
# autogen.sh installs ical.js (npm ci), and `make dist` puts it in the tarball.
[ -f "$SRC/tests/node/node_modules/ical.js/package.json" ] \
    || skip_all "ical.js is not installed in tests/node: ./autogen.sh runs npm ci --prefix tests/node"
servers_start
"$PY" -c 'import icalendar' 2>/dev/null \
    || servers_fail "python3-icalendar is installed" "./autogen.sh installs it as root"

smtp_gateway_setup "$TMP/gw" || servers_fail "the gateway is set up" "ctcgw init or import failed"
# The organizer is the address whose mailbox the daemon reads.
sed 's/^address = .*/address = gateway@ctc.example/' "$GATEWAY_CONF" > "$TMP/conf" \
    && mv "$TMP/conf" "$GATEWAY_CONF"
printf 'interpol1:{PLAIN}secret\nicao1:{PLAIN}secret\n' >> "$SERVERS_DIR/users"
cat > "$TMP/contacts.csv" <<'EOF'
Entity,Name,Email,Languages
INTERPOL,"Lefèvre, Paul",interpol1@ctc.example,fr
ICAO,Amina Okafor,icao1@ctc.example,en
EOF
check "contact points in the test domain" 0 gw -q import contacts "$TMP/contacts.csv"

TITLE='Regional workshop, border control; Vienna — Réunion'
check "meeting create" 0 gw -q meeting create --title "$TITLE" --start 2027-03-19T10:00 \
    --end 2027-03-19T12:30 --tz Europe/Vienna --location 'VIC, Room M1' \
    --attendees entities:INTERPOL,ICAO
check_out "prints the reference" '^CTC-MTG-[0-9]{4}-0001$'
REF=$(cat "$OUT")
UID_=$(q "SELECT uid FROM meetings WHERE reference = '$REF'")

# step N ACTION...: the action, a pass of the daemon, and N messages in
# each invitee's INBOX.
step () {
    n=$1
    shift
    check "meeting $1" 0 gw -q meeting "$@"
    check "run --once sends it over SMTP" 0 gw -q run --once
    for u in interpol1 icao1; do
        got=$(wait_count "$u" INBOX "$n" 20)
        [ "$got" = "$n" ] && ok "$u has $n messages in Dovecot" \
            || { fail "$u has $n messages in Dovecot" "INBOX holds ${got:-none}"; tail -n 20 "$POSTFIX_DIR/postfix.log" | diag; }
    done
}
step 1 invite "$REF"
db_is "each invitee is in the attendance register, NEEDS-ACTION" \
    "icao1@ctc.example|NEEDS-ACTION|0
interpol1@ctc.example|NEEDS-ACTION|0" \
    "SELECT a.email, a.partstat, a.sequence FROM attendance a JOIN meetings m ON m.id = a.meeting_id WHERE m.reference = '$REF' ORDER BY a.email"
step 2 update "$REF" --start 2027-04-02T10:00 --end 2027-04-02T12:30

# The round trip: ICAO's contact point answers the invitation it received
# as a client does (a REPLY built by python3-icalendar from the calendar in
# its INBOX), the reply comes back through Postfix to the gateway's
# mailbox, and the daemon files it in the attendance register.
"$PY" - "$IMAP_PORT" > "$TMP/accept.eml" <<'EOF'
import email, email.policy, imaplib, sys
from datetime import datetime, timezone
from email.mime.text import MIMEText
from icalendar import Calendar, Event, vCalAddress
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
m.login("icao1", "secret")
m.select("INBOX")
typ, data = m.search(None, "ALL")
typ, msg_data = m.fetch(data[0].split()[-1], "(RFC822)")
msg = email.message_from_bytes(msg_data[0][1], policy=email.policy.default)
part = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
got = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]
cal = Calendar()
cal.add("prodid", "-//Example//Client//EN")
cal.add("version", "2.0")
cal.add("method", "REPLY")
ev = Event()
for key in ("uid", "sequence", "summary", "organizer"):
    ev.add(key, got[key])
for key in ("dtstart", "dtend"):
    ev.add(key, got.decoded(key))
ev.add("dtstamp", datetime.now(timezone.utc))
me = vCalAddress("mailto:icao1@ctc.example")
me.params["PARTSTAT"] = "ACCEPTED"
ev.add("attendee", me, encode=0)
cal.add_component(ev)
reply = MIMEText(cal.to_ical().decode(), "calendar", "utf-8")
reply.set_param("method", "REPLY")
reply["From"] = "icao1@ctc.example"
reply["To"] = str(got["organizer"]).replace("mailto:", "")
reply["Subject"] = "Accepted: " + str(got["summary"])
reply["Message-ID"] = "<accept-1@icao.example>"
sys.stdout.write(reply.as_string())
EOF
[ -s "$TMP/accept.eml" ] && ok "icao1 builds an ACCEPTED reply to the update it received" \
    || fail "icao1 builds an ACCEPTED reply to the update it received"
smtp_send icao1@ctc.example gateway@ctc.example < "$TMP/accept.eml"
got=$(wait_count gateway INBOX 1 20)
[ "$got" = 1 ] && ok "the reply reaches the gateway's INBOX" \
    || fail "the reply reaches the gateway's INBOX" "it holds ${got:-none}"
check "run --once reads it" 0 gw -q run --once
db_is "icao1 has ACCEPTED at SEQUENCE 1, interpol1 still waits" \
    "icao1@ctc.example|ACCEPTED|1
interpol1@ctc.example|NEEDS-ACTION|1" \
    "SELECT a.email, a.partstat, a.sequence FROM attendance a JOIN meetings m ON m.id = a.meeting_id WHERE m.reference = '$REF' ORDER BY a.email"
db_is "and the reply is not answered" 0 \
    "SELECT count(*) FROM outbox WHERE recipient = 'icao1@ctc.example' AND kind != 'invitation'"
step 3 cancel "$REF"
db_is "the meeting is cancelled at SEQUENCE 2" "cancelled|2" \
    "SELECT status, sequence FROM meetings WHERE reference = '$REF'"

# Every message of both INBOXes, over IMAP: its structure checked, its
# inline calendar in DIR/USER-N.ics.
mkdir -p "$TMP/cal"
check_true "each message has the iMIP structure, the inline calendar equals invite.ics" \
    "$PY" - "$IMAP_PORT" "$TMP/cal" <<'EOF'
import email, email.policy, imaplib, sys
port, out = sys.argv[1:]
for user in ("interpol1", "icao1"):
    m = imaplib.IMAP4("127.0.0.1", int(port))
    m.login(user, "secret")
    m.select("INBOX")
    typ, data = m.search(None, "ALL")
    for n, num in enumerate(data[0].split(), 1):
        typ, msg_data = m.fetch(num, "(RFC822)")
        msg = email.message_from_bytes(msg_data[0][1], policy=email.policy.default)
        assert msg.get_content_type() == "multipart/mixed", msg.get_content_type()
        alt, ics = msg.get_payload()
        assert alt.get_content_type() == "multipart/alternative"
        kinds = [p.get_content_type() for p in alt.get_payload()]
        assert kinds == ["text/plain", "text/html", "text/calendar"], kinds
        cal = alt.get_payload()[2]
        assert cal.get("Content-Disposition") is None, "the calendar is inline"
        assert cal.get_param("charset").upper() == "UTF-8"
        method = cal.get_param("method")
        inline = cal.get_payload(decode=True)
        assert ics.get_filename() == "invite.ics" and ics.get_content_disposition() == "attachment"
        attached = ics.get_payload(decode=True)
        assert inline.replace(b"\r\n", b"\n") == attached.replace(b"\r\n", b"\n"), "two calendars"
        assert b"\r\nMETHOD:%s\r\n" % method.encode() in attached, method
        assert "[CTC-MTG-" in str(msg["Subject"])
        with open("%s/%s-%d.ics" % (out, user, n), "wb") as f:
            f.write(inline)
    m.logout()
EOF

# Both parsers on each calendar: the same JSON, and the expected values.
i=0
for f in "$TMP"/cal/*.ics; do
    i=$((i + 1))
    node "$SRC/tests/invite-parse.mjs" "$f" > "$f.icaljs" 2> "$f.err1"
    "$PY" "$SRC/tests/invite-parse.py" "$f" > "$f.python" 2> "$f.err2"
    if [ -s "$f.icaljs" ] && cmp -s "$f.icaljs" "$f.python"; then
        ok "ical.js and python3-icalendar agree on $(basename "$f")"
    else
        fail "ical.js and python3-icalendar agree on $(basename "$f")"
        cat "$f.icaljs" "$f.err1" "$f.python" "$f.err2" | diag
    fi
done
[ "$i" -eq 6 ] && ok "six calendars were read back" || fail "six calendars were read back" "$i"

check_true "METHOD, UID, SEQUENCE, ORGANIZER, attendees and UTC instants are right" \
    "$PY" - "$TMP/cal" "$UID_" "$TITLE" <<'EOF'
import json, sys
d, uid, title = sys.argv[1:]
want = {
    1: ("REQUEST", 0, "CONFIRMED", "2027-03-19T09:00:00Z", "2027-03-19T11:30:00Z", "NEEDS-ACTION|TRUE"),
    2: ("REQUEST", 1, "CONFIRMED", "2027-04-02T08:00:00Z", "2027-04-02T10:30:00Z", "NEEDS-ACTION|TRUE"),
    3: ("CANCEL", 2, "CANCELLED", "2027-04-02T08:00:00Z", "2027-04-02T10:30:00Z", "|"),
}
for user in ("interpol1", "icao1"):
    for n, (method, seq, status, start, end, ask) in want.items():
        got = json.load(open("%s/%s-%d.ics.icaljs" % (d, user, n)))
        assert got["method"] == method and got["sequence"] == seq and got["status"] == status, got
        assert got["uid"] == uid and got["summary"] == title, got
        assert got["organizer"] == "gateway@ctc.example", got
        assert (got["start"], got["end"]) == (start, end), got
        assert got["attendees"] == [
            "icao1@ctc.example|Amina Okafor|REQ-PARTICIPANT|" + ask,
            "interpol1@ctc.example|Lefèvre, Paul|REQ-PARTICIPANT|" + ask], got["attendees"]
EOF
finish
