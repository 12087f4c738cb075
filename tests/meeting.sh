#!/bin/sh
# Meetings and visits through the command line (ctcgw(8) "meeting" and
# "visit") into a maildir: sink: usage and refusals, invitations to an
# audience once each, updates that raise SEQUENCE, cancellation; a visit's
# invitation of its organizations (whole days), its request for
# information and the reminder to those who sent none; the needs
# assessment, refused to share without the State's consent and shared
# only with the donor the consent names; no list, show or export prints
# it; `export meetings --format ics`; invitations in each invitee's
# language, with Content-Language, the Arabic HTML right to left.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
need_ctcgw
make_tmpdir
command -v sqlite3 >/dev/null || skip_all "the sqlite3 shell is not installed"

sink_conf </dev/null
ctcgw () { "$CTCGW" -q -c "$CONF" "$@"; }
q () { sqlite3 -cmd '.timeout 5000' "$TMP/db.sqlite" "$1"; }
# sink_count REGEX: the messages in the sink with a line matching REGEX.
sink_count () { grep -El -- "$1" "$TMP"/outbox/new/* 2>/dev/null | wc -l | tr -d ' '; }
# subject_count PREFIX: the messages in the sink whose decoded subject
# begins with PREFIX (a French subject has a no-break space, so is encoded).
subject_count () {
  python3 - "$TMP/outbox/new" "$1" <<'PY'
import email, email.policy, os, sys
d, prefix = sys.argv[1], sys.argv[2]
n = 0
for f in os.listdir(d):
    with open(os.path.join(d, f), 'rb') as fh:
        m = email.message_from_binary_file(fh, policy=email.policy.default)
    n += str(m['Subject'] or '').startswith(prefix)
print(n)
PY
}
# deliver FROM BODY: a message from FROM through `ctcgw deliver`.
n_msg=0
deliver () {
    n_msg=$((n_msg + 1))
    printf 'From: %s\nTo: gateway@ctc.example\nSubject: form %s\nMessage-ID: <m%s@test.example>\n\n%s\n' \
        "$1" "$n_msg" "$n_msg" "$2" | "$CTCGW" -q -c "$CONF" deliver
}

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

# --- usage and refusals -------------------------------------------------------
check "meeting is in the command list" 0 "$CTCGW" --help
check_out "listed" '^ +meeting '
check "meeting without an action exits 64" 64 ctcgw meeting
check "create without --tz exits 64" 64 ctcgw meeting create --title T --start 2027-01-10T10:00 --end 2027-01-10T11:00 --attendees all
check "--tz with invite exits 64" 64 ctcgw meeting invite CTC-MTG-2027-0001 --tz UTC
check "an unknown zone exits 65" 65 ctcgw meeting create --title T --start 2027-01-10T10:00 --end 2027-01-10T11:00 --tz Europe/Viena --attendees all
check_err "it names the zone" 'Europe/Viena'
check "an end before the start exits 65" 65 ctcgw meeting create --title T --start 2027-01-10T10:00 --end 2027-01-10T09:00 --tz Europe/Vienna --attendees all
check_err "it says so" 'not after'
check "an unknown audience exits 65" 65 ctcgw meeting create --title T --start 2027-01-10T10:00 --end 2027-01-10T11:00 --tz Europe/Vienna --attendees organisations
check_err "it suggests the closest" 'did you mean "organizations"'
check "an unknown meeting exits 65" 65 ctcgw meeting invite CTC-MTG-2027-0099
is "nothing was stored" 0 "SELECT count(*) FROM meetings"

# --- a meeting ----------------------------------------------------------------
check "meeting create" 0 ctcgw meeting create --title 'Coordination, 2027; partners' \
    --start 2027-03-19T10:00 --end 2027-03-19T12:00 --tz Europe/Vienna --location 'VIC' \
    --attendees organizations
check_out "prints the reference" '^CTC-MTG-[0-9]{4}-0001$'
MTG=$(cat "$OUT")
check "meeting invite" 0 ctcgw meeting invite "$MTG"
check_out "four organizations' contact points" "^$MTG invited 4 \\(before: 0\\)$"
check "meeting invite again" 0 ctcgw meeting invite "$MTG"
check_out "invites nobody twice" "^$MTG invited 0 \\(before: 4\\)$"
is "four NEEDS-ACTION rows" "4|NEEDS-ACTION" "SELECT count(*), partstat FROM attendance GROUP BY partstat"
check "update with the same place" 0 ctcgw meeting update "$MTG" --location VIC
check_out "is no change" "^$MTG unchanged$"
is "SEQUENCE stays 0" 0 "SELECT sequence FROM meetings WHERE reference = '$MTG'"
q "UPDATE attendance SET partstat = 'ACCEPTED' WHERE email = 'j.doe@unodc.example'"
check "update --start --end" 0 ctcgw meeting update "$MTG" --start 2027-04-02T10:00 --end 2027-04-02T12:00
check_out "sent to the four" "^$MTG updated, sent 4$"
is "SEQUENCE 1, every invitee asked again" "1|4" \
    "SELECT m.sequence, (SELECT count(*) FROM attendance WHERE meeting_id = m.id AND partstat = 'NEEDS-ACTION' AND sequence = 1) FROM meetings m WHERE reference = '$MTG'"
check "update --end before the start exits 65" 65 ctcgw meeting update "$MTG" --end 2027-04-01T12:00
check "attendance" 0 ctcgw meeting attendance "$MTG"
check_out "lists the register" 'j\.doe@unodc\.example +Doe, Jane +NEEDS-ACTION +1'
check "attendance --json" 0 ctcgw meeting attendance "$MTG" --json
check_true "is one JSON array of four" python3 -c 'import json, sys; assert len(json.load(open(sys.argv[1]))) == 4' "$OUT"
check "meeting cancel" 0 ctcgw meeting cancel "$MTG"
check_out "to the four" "^$MTG cancelled, sent 4$"
check "cancel twice exits 65" 65 ctcgw meeting cancel "$MTG"
check_err "it says it is cancelled" 'cancelled'
check "update after cancel exits 65" 65 ctcgw meeting update "$MTG" --location X
check "run --once" 0 ctcgw run --once
is "twelve invitations sent" 12 "SELECT count(*) FROM outbox WHERE kind = 'invitation' AND state = 'sent'"
[ "$(sink_count '^METHOD:CANCEL')" = 4 ] && ok "four CANCELs" || fail "four CANCELs" "$(sink_count '^METHOD:CANCEL')"
[ "$(sink_count '^SEQUENCE:1')" = 4 ] && ok "four updates at SEQUENCE 1" || fail "four updates at SEQUENCE 1"
[ "$(sink_count '^Precedence: bulk')" = 12 ] && ok "every invitation says Precedence: bulk" \
    || fail "every invitation says Precedence: bulk" "$(sink_count '^Precedence: bulk')"
[ "$(sink_count '^X-Auto-Response-Suppress: OOF, AutoReply')" = 12 ] \
    && ok "and asks Exchange for no out-of-office reply" \
    || fail "and asks Exchange for no out-of-office reply" "$(sink_count '^X-Auto-Response-Suppress: OOF, AutoReply')"
[ "$(subject_count "$(printf 'Annulation\302\240: ')")" = 1 ] && ok "INTERPOL reads its cancellation in French" \
    || fail "INTERPOL reads its cancellation in French" "$(subject_count "$(printf 'Annulation\302\240: ')")"

# --- a visit ------------------------------------------------------------------
check "visit create with a State that is no State exits 65" 65 ctcgw visit create --state UNODC --start 2027-05-03 --end 2027-05-07 --organizations OSCE
check "visit create with times exits 65" 65 ctcgw visit create --state KZ --start 2027-05-03T10:00 --end 2027-05-07 --organizations OSCE
check "visit create" 0 ctcgw visit create --state Kazakhstan --start 2027-05-03 --end 2027-05-07 --organizations 'unodc, OSCE'
check_out "prints the reference" '^CTC-VIS-[0-9]{4}-0001$'
VIS=$(cat "$OUT")
is "the visit links to its invitation row" "KZ|[\"UNODC\",\"OSCE\"]|visit|$VIS" \
    "SELECT v.state_code, v.organizations, m.kind, m.reference FROM visits v JOIN meetings m ON m.id = v.meeting_id"
check "visit invite" 0 ctcgw visit invite "$VIS"
check_out "the two organizations' contact points" "^$VIS invited 2 \\(before: 0\\)$"
check "visit request-info in the past exits 65" 65 ctcgw visit request-info "$VIS" --due 2020-01-01
check "visit request-info" 0 ctcgw visit request-info "$VIS" --due 2099-04-20
check_out "to the two" "^$VIS requested 2, due 2099-04-20$"
is "its reminder three days before, 09:00 Vienna" "2099-04-17T07:00:00Z" "SELECT remind_at FROM visit_requests"
check "UNODC sends its information" 0 deliver 'Jane Doe <j.doe@unodc.example>' \
    "Form: visit-information
Visit: $VIS
Information: Two workshops planned in Almaty."
is "it is filed" UNODC "SELECT entity FROM visit_information"
q "UPDATE visit_requests SET remind_at = '2020-01-01T00:00:00Z'"
before=$(q "SELECT count(*) FROM outbox WHERE kind = 'visit-reminder'")
check "run --once sends the due reminder" 0 ctcgw run --once
is "only OSCE, which sent nothing, is reminded" "m.rossi@osce.example" \
    "SELECT recipient FROM outbox WHERE kind = 'visit-reminder'"
is "the request is marked reminded" 1 "SELECT count(*) FROM visit_requests WHERE reminded IS NOT NULL"
check "run --once again" 0 ctcgw run --once
is "reminds once" 1 "SELECT count(*) FROM outbox WHERE kind = 'visit-reminder'"
[ "$before" = 0 ] && ok "no reminder before it was due" || fail "no reminder before it was due" "$before"

# --- the needs assessment -----------------------------------------------------
SECRET='ASSESSMENT-SECRET-7f3a: border posts lack document readers'
printf '%s\nSecond line.\n' "$SECRET" > "$TMP/assessment.txt"
check "visit share before an assessment exits 65" 65 ctcgw visit share "$VIS"
check "visit assess of a missing file exits 66" 66 ctcgw visit assess "$VIS" --file "$TMP/none.txt"
check "visit assess" 0 ctcgw visit assess "$VIS" --file "$TMP/assessment.txt"
check "visit share without consent exits 65" 65 ctcgw visit share "$VIS"
check_err "it says the State has not consented" 'has sent no visit-consent'
is "nothing was shared" "0|0" "SELECT (SELECT count(*) FROM assessment_shares), (SELECT count(*) FROM outbox WHERE kind = 'assessment')"
check "KZ says no" 0 deliver 'Aigerim Nurlanovna <focal@mfa.kz.example>' \
    "Form: visit-consent
Visit: $VIS
Consent: no"
check "visit share after a refusal exits 65" 65 ctcgw visit share "$VIS"
check_err "it says so" 'said no'
check "KZ consents for the EU only" 0 deliver 'Aigerim Nurlanovna <focal@mfa.kz.example>' \
    "Form: visit-consent
Visit: $VIS
Consent: yes
Recipients: EU"
check "visit share" 0 ctcgw visit share "$VIS"
check_out "shared with the EU" "^$VIS shared with EU$"
is "only the EU's contact point gets it" "e.maier@eeas.example" \
    "SELECT group_concat(recipient) FROM outbox WHERE kind = 'assessment'"
is "the sharing is recorded" "EU" "SELECT entity FROM assessment_shares"
check "visit share again" 0 ctcgw visit share "$VIS"
check_out "sends nothing twice" 'already shared'
is "still one message" 1 "SELECT count(*) FROM outbox WHERE kind = 'assessment'"
check "run --once" 0 ctcgw run --once
[ "$(sink_count "$SECRET")" = 1 ] && ok "one message in the sink holds the assessment" \
    || fail "one message in the sink holds the assessment" "$(sink_count "$SECRET")"
[ "$(grep -l "$SECRET" "$TMP"/outbox/new/* | xargs grep -c '^To: Eva Maier <e.maier@eeas.example>')" = 1 ] \
    && ok "it is the EU's" || fail "it is the EU's"
# all-donors: the providers of active offers; UNODC offers a workshop.
check "UNODC offers a workshop" 0 deliver 'Jane Doe <j.doe@unodc.example>' \
    "Form: assistance-offer
Provider: UNODC
Title: Border workshop
Areas: border-control"
check "KZ consents for all donors" 0 deliver 'Aigerim Nurlanovna <focal@mfa.kz.example>' \
    "Form: visit-consent
Visit: $VIS
Consent: yes
Recipients: all-donors"
check "visit share to all donors" 0 ctcgw visit share "$VIS"
check_out "goes to UNODC" "^$VIS shared with UNODC$"
is "and to no one else" "EU,UNODC" "SELECT group_concat(entity) FROM (SELECT entity FROM assessment_shares ORDER BY entity)"

# --- nothing else prints it ---------------------------------------------------
leaks=0
for reg in entities groups contacts offers requests results sources standards inventory \
           visits assessments meetings attendance submissions quarantine outbox circulars; do
    for args in "list $reg" "list $reg --json" "export $reg" "export $reg --format json"; do
        # shellcheck disable=SC2086
        "$CTCGW" -q -c "$CONF" $args > "$TMP/leak" 2>&1
        grep -q 'ASSESSMENT-SECRET' "$TMP/leak" && { leaks=$((leaks + 1)); diag "$args prints it"; }
    done
done
for args in "show $VIS" "show $VIS --json" "export meetings --format ics" "meeting attendance $VIS"; do
    # shellcheck disable=SC2086
    "$CTCGW" -q -c "$CONF" $args > "$TMP/leak" 2>&1
    grep -q 'ASSESSMENT-SECRET' "$TMP/leak" && { leaks=$((leaks + 1)); diag "$args prints it"; }
done
[ "$leaks" = 0 ] && ok "no list, show or export prints the assessment" || fail "no list, show or export prints the assessment"
check "export assessments is refused" 64 ctcgw export assessments

# --- a visit moved and cancelled -----------------------------------------------
check "meeting update of the visit's dates" 0 ctcgw meeting update "$VIS" --start 2027-05-10 --end 2027-05-14
check_out "asks the two again" "^$VIS updated, sent 2$"
check "a visit's date with a time exits 65" 65 ctcgw meeting update "$VIS" --end 2027-05-14T10:00
is "the visit follows" "2027-05-10|2027-05-14|planned" "SELECT start_date, end_date, status FROM visits"

# --- the feed -----------------------------------------------------------------
check "export meetings --format ics" 0 ctcgw export meetings --format ics -o "$TMP/feed.ics"
check_true "one VCALENDAR with the meeting and the visit" python3 - "$TMP/feed.ics" <<'EOF'
import sys
text = open(sys.argv[1], newline="").read()
assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
assert text.count("BEGIN:VEVENT") == 2, text.count("BEGIN:VEVENT")
assert "STATUS:CANCELLED" in text and "DTSTART;VALUE=DATE:20270510" in text
assert "DTEND;VALUE=DATE:20270515" in text and "TZID:Europe/Vienna" in text
assert "METHOD:" not in text and "ATTENDEE" not in text
EOF
check "export visits --format ics is refused" 64 ctcgw export visits --format ics

# --- a cancelled visit --------------------------------------------------------
q "INSERT INTO visit_requests (visit_id, due, remind_at) VALUES (1, '2099-04-20', '2020-01-01T00:00:00Z')"
check "meeting cancel of the visit" 0 ctcgw meeting cancel "$VIS"
is "the visit is cancelled" cancelled "SELECT status FROM visits"
check "request-info for a cancelled visit exits 65" 65 ctcgw visit request-info "$VIS" --due 2099-04-20
check "run --once" 0 ctcgw run --once
is "no reminder for a cancelled visit" 1 "SELECT count(*) FROM outbox WHERE kind = 'visit-reminder'"
# --- an organization deactivated ------------------------------------------------
# A visit keeps the organizations it was created with; one deactivated
# since is left out, said so, and holds back no other reminder or sharing.
check "a visit of OSCE alone" 0 ctcgw visit create --state KZ --start 2027-06-01 --end 2027-06-02 --organizations OSCE
VIS_OSCE=$(cat "$OUT")
check "a visit of OSCE and UNODC" 0 ctcgw visit create --state KZ --start 2027-06-07 --end 2027-06-09 --organizations 'OSCE,UNODC'
VIS2=$(cat "$OUT")
check "a visit of UNODC" 0 ctcgw visit create --state KZ --start 2027-07-05 --end 2027-07-07 --organizations UNODC
VIS3=$(cat "$OUT")
for v in "$VIS_OSCE" "$VIS2" "$VIS3"; do
    check "request-info $v" 0 ctcgw visit request-info "$v" --due 2099-05-20
done
check "visit assess $VIS2" 0 ctcgw visit assess "$VIS2" --file "$TMP/assessment.txt"
check "KZ consents for OSCE and the EU" 0 deliver 'Aigerim Nurlanovna <focal@mfa.kz.example>' \
    "Form: visit-consent
Visit: $VIS2
Consent: yes
Recipients: OSCE, EU"
q "UPDATE entities SET active = 0 WHERE code = 'OSCE'"
check "visit invite with OSCE inactive" 0 ctcgw visit invite "$VIS2"
check_out "invites UNODC" "^$VIS2 invited 1 \\(before: 0\\)$"
check_out "says OSCE was left out" "^$VIS2 did not invite OSCE: it is inactive"
q "UPDATE visit_requests SET remind_at = '2020-01-0' || visit_id || 'T00:00:00Z' WHERE visit_id IN (SELECT id FROM visits WHERE reference IN ('$VIS_OSCE', '$VIS2', '$VIS3'))"
before=$(q "SELECT count(*) FROM outbox WHERE kind = 'visit-reminder'")
check "run --once with a reminder that cannot go out" 0 ctcgw run --once
is "the reminder to nobody is done, with its reason" "0|1" \
    "SELECT reminders, last_error LIKE '%inactive%' FROM visit_requests r JOIN visits v ON v.id = r.visit_id WHERE v.reference = '$VIS_OSCE' AND reminded IS NOT NULL"
is "the later reminders went out, to UNODC" "$((before + 2))|j.doe@unodc.example" \
    "SELECT count(*), (SELECT group_concat(DISTINCT recipient) FROM outbox WHERE kind = 'visit-reminder' AND id > (SELECT max(id) FROM outbox WHERE kind <> 'visit-reminder')) FROM outbox WHERE kind = 'visit-reminder'"
is "no reminder is left due" 0 "SELECT count(*) FROM visit_requests WHERE reminded IS NULL AND visit_id IN (SELECT id FROM visits WHERE status <> 'cancelled')"
check "visit request-info with OSCE inactive" 0 ctcgw visit request-info "$VIS2" --due 2099-06-01
check_out "goes to UNODC" "^$VIS2 requested 1, due 2099-06-01$"
check_err "says OSCE was left out" 'organization=OSCE skipped: it is inactive'
check "visit request-info with every organization inactive exits 65" 65 ctcgw visit request-info "$VIS_OSCE" --due 2099-06-01
check_err "says why" "every organization of $VIS_OSCE is inactive in the entities register \\(OSCE\\)"
check "visit share with OSCE inactive" 0 ctcgw visit share "$VIS2"
check_out "shared with the EU" "^$VIS2 shared with EU$"
check_out "not with OSCE, said so" "^$VIS2 not shared with OSCE: it is inactive"
# A consent that names an entity by its name: recorded under its code, so
# a second share sends nothing again.
check "visit assess $VIS3" 0 ctcgw visit assess "$VIS3" --file "$TMP/assessment.txt"
check "KZ consents for the European Union by name" 0 deliver 'Aigerim Nurlanovna <focal@mfa.kz.example>' \
    "Form: visit-consent
Visit: $VIS3
Consent: yes
Recipients: European Union"
# Written straight into the register: intake stores codes, older rows
# may not.
q "UPDATE visit_consents SET recipients = '[\"European Union\"]' WHERE visit = '$VIS3'"
check "visit share by name" 0 ctcgw visit share "$VIS3"
check_out "shared with the EU" "^$VIS3 shared with EU$"
check "visit share by name again" 0 ctcgw visit share "$VIS3"
check_out "sends nothing twice" 'already shared'
is "every sharing is recorded" "$(q "SELECT count(*) FROM outbox WHERE kind = 'assessment'")" \
    "SELECT count(*) FROM assessment_shares"

# --- a place removed ---------------------------------------------------------
check "a second meeting" 0 ctcgw meeting create --title 'Follow-up' \
    --start 2027-05-19T10:00 --end 2027-05-19T12:00 --tz Europe/Vienna --location 'VIC' \
    --attendees organizations
MTG2=$(cat "$OUT")
check "update --location '' removes the place" 0 ctcgw meeting update "$MTG2" --location ''
check_out "a change" "^$MTG2 updated, sent 0$"
is "no location, SEQUENCE 1" "1|1" \
    "SELECT location IS NULL, sequence FROM meetings WHERE reference = '$MTG2'"

# --- an invitation in Arabic and in Russian -----------------------------------
# Each invitee reads the invitation in the first language of its contact
# point, with Content-Language; the Arabic HTML part reads right to left.
cat >"$TMP/contacts-ar.csv" <<'EOF'
Entity,Name,Email,Languages
EG,أحمد حسن,a.hassan@mfa.eg.example,ar
LAS,عمر خليل,o.khalil@las.example,ar
EOF
check "import an Arabic contact point" 0 ctcgw import contacts "$TMP/contacts-ar.csv"
check "a meeting for Egypt and Kazakhstan" 0 ctcgw meeting create --title 'Almaty' \
    --start 2027-06-07T10:00 --end 2027-06-07T12:00 --tz Asia/Almaty --attendees entities:EG,KZ
MTG3=$(cat "$OUT")
check "invite them" 0 ctcgw meeting invite "$MTG3"
check_out "both" "^$MTG3 invited 2 "
check "run --once sends them" 0 ctcgw run --once
check_true "each reads the invitation in its language" python3 - "$TMP/outbox/new" <<'EOF'
import email, email.policy, os, sys
seen = {}
for f in os.listdir(sys.argv[1]):
    with open(os.path.join(sys.argv[1], f), 'rb') as fh:
        msg = email.message_from_binary_file(fh, policy=email.policy.default)
    if 'Almaty' not in str(msg['Subject']):
        continue
    to = msg['To'].addresses[0].addr_spec
    html = msg.get_body(('html',)).get_content()
    text = msg.get_body(('plain',)).get_content()
    seen[to] = (str(msg['Content-Language']), html, text, str(msg['Subject']))
lang, html, text, subject = seen['a.hassan@mfa.eg.example']
assert lang == 'ar', lang
assert '<html dir="rtl" lang="ar">' in html, html
assert 'أحمد حسن' in html and 'أحمد حسن' in text, text
assert subject.startswith('دعوة: '), subject
lang, html, text, subject = seen['focal@mfa.kz.example']
assert lang == 'ru', lang
assert '<html lang="ru">' in html and 'dir=' not in html, html
assert subject.startswith('Приглашение: '), subject
EOF
# A visit's title, and its State, in the language of each organization.
check "a visit to Kazakhstan with the League of Arab States" 0 ctcgw visit create --state KZ \
    --start 2027-07-05 --end 2027-07-09 --organizations LAS
VIS4=$(cat "$OUT")
check "invite it" 0 ctcgw visit invite "$VIS4"
check "request its information" 0 ctcgw visit request-info "$VIS4" --due 2099-07-01
check "run --once sends them" 0 ctcgw run --once
check_true "the League reads the visit to Kazakhstan in Arabic" python3 - "$TMP/outbox/new" "$VIS4" <<'EOF'
import email, email.policy, os, sys
kinds = []
for f in os.listdir(sys.argv[1]):
    with open(os.path.join(sys.argv[1], f), 'rb') as fh:
        msg = email.message_from_binary_file(fh, policy=email.policy.default)
    if sys.argv[2] not in str(msg['Subject']):
        continue
    assert msg['To'].addresses[0].addr_spec == 'o.khalil@las.example', msg['To']
    assert str(msg['Content-Language']) == 'ar', msg['Content-Language']
    text = msg.get_body(('plain',)).get_content()
    for shown in (str(msg['Subject']), text):
        assert 'كازاخستان' in shown and 'Kazakhstan' not in shown, shown
    kinds.append('html' if msg.get_body(('html',)) else 'text')
assert sorted(kinds) == ['html', 'text'], kinds
EOF
finish
