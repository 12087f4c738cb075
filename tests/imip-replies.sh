#!/bin/sh
# Calendar replies over the whole real path: REPLYs built by Debian's
# python3-icalendar as a calendar client builds them (METHOD:REPLY, the
# attendee's PARTSTAT, the invitation's UID and SEQUENCE, inline in a
# multipart/alternative, base64 UTF-8) are sent to the private Postfix,
# delivered into Dovecot's INBOX and read by `ctcgw run --once` over IMAP.
# The attendee's own reply updates attendance; the same reply sent by
# another address goes to quarantine; one with an older SEQUENCE is
# ignored; none is answered.  A reply dated years ahead or for a SEQUENCE
# never sent is refused and locks nothing, and the digest counts it; a
# delegation to an outsider waits in quarantine until staff approve it.
# The meeting and its attendance rows are inserted with SQL, as the
# invitation commands would leave them.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
. "${CTCGW_SRCDIR:-.}/tests/servers.sh"
need_ctcgw

# Debian's python3-icalendar is installed for Debian's python3, which may
# not be the first python3 on PATH.
PY=
for candidate in /usr/bin/python3 python3; do
    if "$candidate" -c 'import icalendar' >/dev/null 2>&1; then
        PY=$candidate
        break
    fi
done
[ -n "$PY" ] || skip_all "python3-icalendar is not installed (autogen.sh installs it)"

make_tmpdir
servers_start
gateway_setup "$TMP/gw" || servers_fail "the gateway is set up" "ctcgw init or import failed"

UID_=CTC-MTG-2026-0001@ctc.example
q "INSERT INTO meetings (id, reference, title, start, \"end\", tz, uid, sequence)
   VALUES (1, 'CTC-MTG-2026-0001', 'Regional briefing', '2026-12-10T09:00:00Z',
           '2026-12-10T17:00:00Z', 'Europe/Vienna', '$UID_', 1);
   INSERT INTO attendance (meeting_id, entity, email, sequence) VALUES
   (1, 'UNODC', 'j.doe@unodc.example', 1), (1, 'OSCE', 'm.rossi@osce.example', 1),
   (1, 'FATF', 'h.park@fatf.example', 1);"
db_is "the meeting waits for three answers" 3 \
    "SELECT count(*) FROM attendance WHERE partstat = 'NEEDS-ACTION'"

# reply FROM ATTENDEE PARTSTAT SEQUENCE ID [DTSTAMP [DELEGATED-TO]]: a
# client's reply, on stdout; DTSTAMP (YYYYMMDDTHHMMSSZ) is now when empty.
reply () {
    "$PY" - "$UID_" "$@" <<'PYEOF'
import sys
from datetime import datetime, timezone
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate
from icalendar import Calendar, Event, vCalAddress, vText

uid, sender, attendee, partstat, sequence, msgid = sys.argv[1:7]
dtstamp = sys.argv[7] if len(sys.argv) > 7 and sys.argv[7] else None
delegated_to = sys.argv[8] if len(sys.argv) > 8 else None
cal = Calendar()
cal.add("prodid", "-//Example Corp.//Calendar Client 1.0//EN")
cal.add("version", "2.0")
cal.add("method", "REPLY")
ev = Event()
ev.add("uid", uid)
ev.add("sequence", int(sequence))
ev.add("dtstamp", datetime.strptime(dtstamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
       if dtstamp else datetime.now(timezone.utc))
ev.add("dtstart", datetime(2026, 12, 10, 9, 0, tzinfo=timezone.utc))
ev.add("dtend", datetime(2026, 12, 10, 17, 0, tzinfo=timezone.utc))
ev.add("summary", "Regional briefing – Réunion régionale")
ev.add("organizer", vCalAddress("mailto:intake@ctc.example"))
who = vCalAddress("mailto:" + attendee)
who.params["partstat"] = vText(partstat)
who.params["cn"] = vText(attendee.split("@")[0])
if delegated_to:
    who.params["delegated-to"] = vText("mailto:" + delegated_to)
ev.add("attendee", who, encode=0)
cal.add_component(ev)

msg = MIMEMultipart("alternative")
msg["From"] = sender
msg["To"] = "intake@ctc.example"
msg["Subject"] = "Accepted: Regional briefing"
msg["Message-ID"] = "<%s>" % msgid
msg["Date"] = formatdate()
msg.attach(MIMEText("%s has accepted this invitation.\n" % attendee, "plain", "utf-8"))
part = MIMEText(cal.to_ical().decode("utf-8"), "calendar", "utf-8")
part.set_param("method", "REPLY")
msg.attach(part)
sys.stdout.write(msg.as_string())
PYEOF
}

reply j.doe@unodc.example j.doe@unodc.example ACCEPTED 1 accept-1@unodc.example > "$TMP/accept.eml"
reply h.park@fatf.example m.rossi@osce.example ACCEPTED 1 spoof-1@fatf.example > "$TMP/spoof.eml"
reply m.rossi@osce.example m.rossi@osce.example DECLINED 0 old-1@osce.example > "$TMP/old.eml"
grep -q '^Content-Type: text/calendar; charset="utf-8"; method="REPLY"' "$TMP/accept.eml" \
    && ok "python3-icalendar and email build an inline text/calendar REPLY" \
    || { fail "python3-icalendar and email build an inline text/calendar REPLY"; diag <"$TMP/accept.eml"; }

check_true "Postfix takes the attendee's own reply" \
    smtp_send j.doe@unodc.example gateway@ctc.example <"$TMP/accept.eml"
check_true "a reply for another attendee" \
    smtp_send h.park@fatf.example gateway@ctc.example <"$TMP/spoof.eml"
check_true "and a reply to an older SEQUENCE" \
    smtp_send m.rossi@osce.example gateway@ctc.example <"$TMP/old.eml"
n=$(wait_count gateway INBOX 3 30)
[ "$n" = 3 ] && ok "the three reach Dovecot's INBOX" \
    || { fail "the three reach Dovecot's INBOX" "INBOX holds ${n:-none}"; tail -n 20 "$POSTFIX_DIR/postfix.log" | diag; finish; }

check "run --once takes them in" 0 gw run --once
check_err "each is logged with what became of it" "replies: .*uid=$UID_ attendee=j.doe@unodc.example result=filed"

db_is "the attendee's reply is classified and kept" "calendar-reply|automatic" \
    "SELECT class, outcome FROM submissions WHERE message_id = 'accept-1@unodc.example'"
db_is "it updates the attendee's attendance" "ACCEPTED|1" \
    "SELECT partstat, sequence FROM attendance WHERE email = 'j.doe@unodc.example'"
db_is "it is recorded as filed" "filed|REPLY|1" \
    "SELECT r.result, r.method, r.sequence FROM calendar_replies r JOIN submissions s ON s.id = r.submission_id WHERE s.message_id = 'accept-1@unodc.example'"

db_is "the reply sent by another address is quarantined" "calendar-reply|quarantined" \
    "SELECT class, outcome FROM submissions WHERE message_id = 'spoof-1@fatf.example'"
db_is "with a reason naming the sender and the attendee" 1 \
    "SELECT count(*) FROM quarantine q JOIN submissions s ON s.id = q.submission_id
     WHERE s.message_id = 'spoof-1@fatf.example' AND q.state = 'waiting'
     AND q.reason LIKE '%h.park@fatf.example%' AND q.reason LIKE '%m.rossi@osce.example%'"
db_is "and the older reply is ignored" "older-sequence|SEQUENCE 0 is older than the meeting's 1: ignored" \
    "SELECT r.result, r.detail FROM calendar_replies r JOIN submissions s ON s.id = r.submission_id WHERE s.message_id = 'old-1@osce.example'"
db_is "neither changes attendance" "NEEDS-ACTION|NEEDS-ACTION" \
    "SELECT group_concat(partstat, '|') FROM (SELECT partstat FROM attendance WHERE email IN ('m.rossi@osce.example', 'h.park@fatf.example') ORDER BY id)"
db_is "no answer is queued for any of them" 0 "SELECT count(*) FROM outbox"
n=$(ls "$GATEWAY_DIR/outbox/new" | wc -l)
[ "$n" = 0 ] && ok "and nothing is sent" || fail "and nothing is sent" "$n messages in the outbox Maildir"
n=$(imap_count gateway Processed)
[ "$n" = 3 ] && ok "the three are moved to Processed" || fail "the three are moved to Processed" "Processed holds ${n:-no folder}"

check "list calendar-replies shows them to staff" 0 gw list calendar-replies
check_out "with the meeting and what became of each" "CTC-MTG-2026-0001.*h\.park@fatf\.example.*not-attendee"
check "list counter-proposals --json" 0 gw list counter-proposals --json
check_out "is an empty JSON array" '^\[\]$'

# Staff approve the quarantined reply: it is filed, still unanswered.
qid=$(q "SELECT q.id FROM quarantine q JOIN submissions s ON s.id = q.submission_id WHERE s.message_id = 'spoof-1@fatf.example'")
check "staff approve the quarantined reply" 0 gw -q quarantine approve "$qid"
db_is "then it is filed" ACCEPTED "SELECT partstat FROM attendance WHERE email = 'm.rossi@osce.example'"
db_is "still nothing is queued" 0 "SELECT count(*) FROM outbox"
db_is "the attendance register lists the answers" "UNODC|ACCEPTED
OSCE|ACCEPTED
FATF|NEEDS-ACTION" "SELECT entity, partstat FROM attendance ORDER BY id"

# deliver_and_run NAME FILE...: the messages through Postfix and Dovecot,
# then one pass of the gateway over INBOX.
deliver_and_run () {
    _name=$1
    shift
    for _f in "$@"; do
        smtp_send sender@example.net gateway@ctc.example <"$_f" \
            || fail "$_name: Postfix takes $_f"
    done
    _n=$(wait_count gateway INBOX $# 30)
    [ "$_n" = $# ] || { fail "$_name: INBOX holds ${_n:-none}"; finish; }
    check "$_name" 0 gw run --once
}

# A reply dated in 2099 and one for SEQUENCE 7 (the meeting is at 1) are
# refused; an attendee delegates to an address of no entity of hers.
reply j.doe@unodc.example j.doe@unodc.example DECLINED 1 future-1@unodc.example \
    20990101T000000Z > "$TMP/future.eml"
reply h.park@fatf.example h.park@fatf.example ACCEPTED 7 unsent-1@fatf.example > "$TMP/unsent.eml"
reply h.park@fatf.example h.park@fatf.example DELEGATED 1 delegate-1@fatf.example "" \
    outsider@elsewhere.example > "$TMP/delegate.eml"
deliver_and_run "run --once takes the claiming replies in" \
    "$TMP/future.eml" "$TMP/unsent.eml" "$TMP/delegate.eml"
db_is "the reply dated in 2099 is refused" "future-dtstamp|automatic" \
    "SELECT r.result, s.outcome FROM calendar_replies r JOIN submissions s ON s.id = r.submission_id WHERE s.message_id = 'future-1@unodc.example'"
db_is "so is the reply for a SEQUENCE never sent" "future-sequence|SEQUENCE 7 is above the meeting's 1: no such invitation was sent: refused" \
    "SELECT r.result, r.detail FROM calendar_replies r JOIN submissions s ON s.id = r.submission_id WHERE s.message_id = 'unsent-1@fatf.example'"
db_is "both are kept, neither is quarantined" "2|0" \
    "SELECT count(s.raw), count(q.id) FROM submissions s LEFT JOIN quarantine q ON q.submission_id = s.id WHERE s.message_id IN ('future-1@unodc.example', 'unsent-1@fatf.example')"
db_is "the delegation to an outsider is quarantined" "outside-delegate|quarantined|waiting" \
    "SELECT r.result, s.outcome, q.state FROM calendar_replies r JOIN submissions s ON s.id = r.submission_id JOIN quarantine q ON q.submission_id = s.id WHERE s.message_id = 'delegate-1@fatf.example'"
db_is "with a reason naming the delegate and the entity" 1 \
    "SELECT count(*) FROM quarantine WHERE reason LIKE '%h.park@fatf.example delegates to outsider@elsewhere.example, who is not a contact point of FATF%'"
db_is "none of them changes attendance" "UNODC|ACCEPTED||1
OSCE|ACCEPTED||1
FATF|NEEDS-ACTION||1" "SELECT entity, partstat, delegated_to, sequence FROM attendance ORDER BY id"

# The attendee's real answer after the one dated in 2099 is filed; the
# outsider's answer finds no invitation.
reply j.doe@unodc.example j.doe@unodc.example TENTATIVE 1 later-1@unodc.example > "$TMP/later.eml"
reply outsider@elsewhere.example outsider@elsewhere.example ACCEPTED 1 \
    outsider-1@elsewhere.example > "$TMP/outsider.eml"
deliver_and_run "run --once takes the real answer and the outsider's" \
    "$TMP/later.eml" "$TMP/outsider.eml"
db_is "the real answer is filed: nothing was locked" "TENTATIVE" \
    "SELECT partstat FROM attendance WHERE email = 'j.doe@unodc.example'"
db_is "the outsider is not invited" "not-invited" \
    "SELECT r.result FROM calendar_replies r JOIN submissions s ON s.id = r.submission_id WHERE s.message_id = 'outsider-1@elsewhere.example'"
db_is "and no attendee of FATF" 3 "SELECT count(*) FROM attendance"

day=$(q "SELECT substr (received, 1, 10) FROM calendar_replies WHERE result = 'future-dtstamp'")
check "the digest of the day" 0 gw digest --print --date "$day"
check_out "counts the replies refused" "calendar repl(y|ies) refused: .*1 dated in the future"
day=$(q "SELECT substr (received, 1, 10) FROM calendar_replies WHERE result = 'future-sequence'")
check "the digest of that day" 0 gw digest --print --date "$day"
check_out "counts the reply for a version never sent" "1 for a version never"

# Staff approve the delegation: it is applied, and the outsider's next
# answer is filed for FATF.
qid=$(q "SELECT q.id FROM quarantine q JOIN submissions s ON s.id = q.submission_id WHERE s.message_id = 'delegate-1@fatf.example'")
check "staff approve the delegation" 0 gw -q quarantine approve "$qid"
db_is "then it is applied" "DELEGATED|outsider@elsewhere.example" \
    "SELECT partstat, delegated_to FROM attendance WHERE email = 'h.park@fatf.example'"
reply outsider@elsewhere.example outsider@elsewhere.example ACCEPTED 1 \
    outsider-2@elsewhere.example > "$TMP/outsider2.eml"
deliver_and_run "run --once takes the delegate's answer" "$TMP/outsider2.eml"
db_is "the delegate attends for FATF" "FATF|ACCEPTED" \
    "SELECT entity, partstat FROM attendance WHERE email = 'outsider@elsewhere.example'"
db_is "and still nothing is queued" 0 "SELECT count(*) FROM outbox"
finish
