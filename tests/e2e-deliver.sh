#!/bin/sh
# End to end over the examples: the demo's whole flow (import, a Maildir
# inbox, `run --once`, a Maildir outbox) checked in the database and in the
# answers, then `deliver` from standard input: duplicates, exit statuses and
# a database that cannot be written.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
need_ctcgw
make_tmpdir
command -v sqlite3 >/dev/null || skip_all "the sqlite3 shell is not installed"

cd "$TMP" || exit 99
check "the demo runs" 0 sh "$CTCGW_SRCDIR/examples/demo.sh" "$CTCGW_SRCDIR/examples"
conf=$TMP/demo/ctcgw.conf
db=$TMP/demo/registers.db
year=$(date +%Y)
# The demo ends on the default require = confirm (its second pass); the
# messages delivered below are unsigned, and are filed as in its first pass.
sed 's/^require = confirm$/require = none/' "$conf" > "$conf.new" && mv "$conf.new" "$conf"
q () { sqlite3 "$db" "$1"; }

# The 22 samples of the first pass; the second pass's signed and unsigned
# requests and the reply that confirms the unsigned one.
is "every message is kept" 25 "SELECT count(*) FROM submissions WHERE class != 'import'"
left=$(find "$TMP/demo/inbox/new" "$TMP/demo/inbox/cur" "$TMP/demo/inbox/tmp" -type f | wc -l)
[ "$left" -eq 0 ] && ok "the inbox is empty afterwards" || fail "the inbox is empty afterwards" "$left left"
moved=$(find "$TMP/demo/inbox/.Processed/cur" "$TMP/demo/inbox/.Rejected/cur" -type f 2>/dev/null | wc -l)
[ "$moved" -eq 25 ] && ok "every message moved to a folder" || fail "every message moved to a folder" "$moved moved"

is "the joint offer is filed with both providers" '["UNODC","OSCE"]' \
   "SELECT providers FROM offers WHERE reference = 'CTC-OFF-$year-0001'"
is "the Outlook HTML request is filed" 1 "SELECT count(*) FROM requests r JOIN submissions s ON s.id = r.submission_id WHERE r.state_code = 'KZ' AND s.message_id LIKE 'DB9PR02MB7340%'"
is "the signed request of the second pass is filed at once" "filed|dkim" \
   "SELECT outcome, authentication FROM submissions WHERE message_id = '20261120093015.4a1f@mfa.kz.example'"
is "the unsigned one is filed once confirmed" "filed|confirmed|1" \
   "SELECT s.outcome, s.authentication, count(r.id) FROM submissions s JOIN requests r ON r.submission_id = s.id WHERE s.message_id = '20261120111204.77c3@mfa.tj.example'"
is "the reply that confirms it is kept, not answered" "confirmation|0" \
   "SELECT s.outcome, (SELECT count(*) FROM outbox o WHERE o.submission_id = s.id) FROM submissions s WHERE s.message_id = '20261120120301.9d02@mfa.tj.example'"
is "the result names its request" "CTC-REQ-$year-0001" "SELECT target FROM results"
is "the windows-1252 standard is UTF-8" 1 "SELECT count(*) FROM standards WHERE title LIKE '%–%' OR summary LIKE '%’%' OR title LIKE '%é%' OR summary LIKE '%é%'"
is "two good inventory rows of the CSV are filed" 2 "SELECT count(*) FROM inventory"
is "the French contact point is filed" 1 "SELECT count(*) FROM contacts WHERE entity = 'FR' AND languages = '[\"fr\"]' AND submission_id IS NOT NULL AND email LIKE 'claire%'"
is "the update is in the history" 1 "SELECT count(*) FROM contacts_history h JOIN contacts c ON c.id = h.record_id WHERE c.reference = 'CTC-CP-$year-0001' AND h.action = 'update' AND h.field = 'Title'"
is "the information ahead of the visit is filed" UNODC \
   "SELECT entity FROM visit_information WHERE visit = 'CTC-VIS-$year-0001'"
is "the State's consent to share the assessment is filed" 'yes|["all-donors"]' \
   "SELECT consent, recipients FROM visit_consents WHERE visit = 'CTC-VIS-$year-0001'"
is "a record of every form kind is filed" 9 \
   "SELECT (SELECT count(*) > 0 FROM contacts WHERE submission_id IN (SELECT id FROM submissions WHERE class = 'submission'))
         + (SELECT count(*) > 0 FROM offers) + (SELECT count(*) > 0 FROM requests)
         + (SELECT count(*) > 0 FROM results) + (SELECT count(*) > 0 FROM sources)
         + (SELECT count(*) > 0 FROM standards) + (SELECT count(*) > 0 FROM inventory)
         + (SELECT count(*) > 0 FROM visit_information) + (SELECT count(*) > 0 FROM visit_consents)"
is "the withdrawal is filed" withdrawn "SELECT state FROM contacts WHERE reference = 'CTC-CP-$year-0004'"
is "the unknown sender waits in quarantine" 1 "SELECT count(*) FROM quarantine q JOIN submissions s ON s.id = q.submission_id WHERE s.from_addr = 'p.novak@osce.example' AND q.state = 'waiting'"
is "nothing of the quarantined message is filed" 0 "SELECT count(*) FROM offers WHERE title LIKE '%border management%'"
is "the out-of-office reply is kept, not filed" auto-reply "SELECT class FROM submissions WHERE from_addr = 's.volkov@cis-atc.example'"
is "the bounce is kept as a delivery report" delivery-report "SELECT class FROM submissions WHERE from_addr LIKE 'mailer-daemon@%'"
is "automatic messages get no answer" 0 "SELECT count(*) FROM outbox o JOIN submissions s ON s.id = o.submission_id WHERE s.class != 'submission'"
is "every person's message gets exactly one answer" 0 "SELECT count(*) FROM submissions s WHERE s.class = 'submission' AND s.outcome != 'confirmation' AND (SELECT count(*) FROM outbox o WHERE o.submission_id = s.id AND o.kind != 'confirm') != 1"
is "every answer was delivered to the sink" 0 "SELECT count(*) FROM outbox WHERE state != 'sent'"

# Samples 21 to 25: a request in Russian, Arabic, Chinese, Spanish and
# French, keys and values alike, filed with the English values and each
# answered in its language.
ids="'20261123101500.4f1a@mfa.kz.example', '20261123113000.7c2e@mfa.eg.example',
     '20261123160000.1b9d@mfa.cn.example', '20261123091000.5e3a@cancilleria.co.example',
     '20261123143000.9a7c@diplomatie.fr.example'"
is "a request in each official language is filed" \
   'CN|["border-control","information-exchange"]|medium CO|["terrorist-financing","criminal-justice"]|high EG|["criminal-justice","border-control"]|high FR|["criminal-justice","early-warning"]|medium KZ|["border-control","early-warning"]|high' \
   "SELECT group_concat(v, ' ') FROM (SELECT r.state_code || '|' || r.areas || '|' || r.priority AS v FROM requests r JOIN submissions s ON s.id = r.submission_id WHERE s.message_id IN ($ids) ORDER BY 1)"
check_true "each is answered in its language" python3 - "$TMP/demo/outbox/new" <<'EOF'
import email, email.policy, os, sys
want = {
    '20261123101500.4f1a@mfa.kz.example': ('ru', 'Ваше сообщение зарегистрировано', 'принято: CTC-REQ-'),
    '20261123113000.7c2e@mfa.eg.example': ('ar', 'سُجلت رسالتكم', 'قُبل CTC-REQ-'),
    '20261123160000.1b9d@mfa.cn.example': ('zh', '您的来信已登记', '已接受 CTC-REQ-'),
    '20261123091000.5e3a@cancilleria.co.example': ('es', 'Su mensaje ha quedado registrado', 'aceptado CTC-REQ-'),
    '20261123143000.9a7c@diplomatie.fr.example': ('fr', 'Votre message a été enregistré', 'accepté'),
}
seen = set()
for f in os.listdir(sys.argv[1]):
    with open(os.path.join(sys.argv[1], f), 'rb') as fh:
        msg = email.message_from_binary_file(fh, policy=email.policy.default)
    replied = str(msg['In-Reply-To'] or '').strip('<>')
    if replied not in want:
        continue
    lang, greeting, line = want[replied]
    text = msg.get_body(('plain',)).get_content()
    assert str(msg['Content-Language']) == lang, (replied, msg['Content-Language'])
    assert greeting in text and line in text, text
    for english in ('Dear', 'Your message', 'accepted', 'Reference:'):
        assert english not in text, (english, text)
    seen.add(replied)
assert seen == set(want), set(want) - seen
EOF

files=$(find "$TMP/demo/outbox/new" -type f | wc -l)
is "one file in the outbox Maildir per answer" "$files" "SELECT count(*) FROM outbox"

answer_file () { # the answer file whose To is $1 and Subject matches $2
  grep -l -i "^To: .*$1" "$TMP"/demo/outbox/new/* | xargs grep -l "$2" | head -n 1
}
a=$(answer_file m.rossi@osce.example "Subject:")
if [ -n "$a" ] && grep -q '^Auto-Submitted: auto-replied' "$a" && grep -q '^In-Reply-To: <' "$a" \
   && grep -q '^References: <' "$a"; then
  ok "answers carry Auto-Submitted, In-Reply-To and References"
else
  fail "answers carry Auto-Submitted, In-Reply-To and References" "$a"
fi
if [ -n "$a" ] && grep -q 'line [0-9][0-9]*: unknown field "Emial"; did you mean "Email"?' "$a"; then
  ok "the malformed form's answer names the line and the field"
else
  fail "the malformed form's answer names the line and the field" "$(cat "$a" 2>/dev/null | head -40)"
fi
b=$(answer_file claire.martin "Subject:")
if [ -n "$b" ] && grep -q '^Subject: .*=?UTF-8?' "$b" && grep -q '^Madame, Monsieur,' "$b"; then
  ok "the French sender is answered in French, with an RFC 2047 subject"
else
  fail "the French sender is answered in French, with an RFC 2047 subject" "$(head -30 "$b" 2>/dev/null)"
fi

# deliver: one message on standard input.
ctc () { "$CTCGW" -q -c "$conf" "$@"; }
msg=$TMP/deliver.eml
printf 'From: j.doe@unodc.example\nTo: intake@ctc.example\nSubject: Standard\nMessage-ID: <deliver-1@unodc.example>\n\nForm: standard\nTitle: Model law\nIssuer: UNODC\nAreas: criminal-justice\n' > "$msg"
before=$(q "SELECT count(*) FROM standards")
check "deliver takes a message in" 0 ctc deliver --mailbox mta < "$msg"
check "deliver of the same message again succeeds" 0 ctc deliver --mailbox mta < "$msg"
is "the same message is filed once" $((before + 1)) "SELECT count(*) FROM standards"
is "the mailbox name is recorded" 1 "SELECT count(*) FROM submissions WHERE mailbox = 'mta'"
check "deliver of bytes that are no message is taken in" 0 sh -c "printf '\\000\\001garbage' | $CTCGW -q -c $conf deliver"

# A database that cannot be written: nothing stored, the MTA retries (75).
# Root ignores file permissions: as root, deliver runs as nobody, to whom
# the demo's directory is given for the while.
chmod 0755 "$TMP"
chown -R "$(unprivileged_owner)" "$TMP/demo"
chmod 0444 "$db"
printf 'From: j.doe@unodc.example\nMessage-ID: <deliver-2@unodc.example>\n\nHello\n' > "$msg"
check "deliver to a read-only database asks the MTA to retry" 75 \
  as_unprivileged "$CTCGW" -q -c "$conf" deliver < "$msg"
chmod 0644 "$db"
chown -R "$(id -u):$(id -g)" "$TMP/demo"
is "nothing of the message to a read-only database was stored" 0 \
  "SELECT count(*) FROM submissions WHERE message_id = 'deliver-2@unodc.example'"
# A database that another process holds locked for longer than the busy
# timeout: nothing stored, the MTA retries (75).  Unlike a read-only file
# this also holds for root.  The lock is held by a sqlite3 shell that reads
# its commands from a FIFO, so the test decides when it ends.
printf 'From: j.doe@unodc.example\nMessage-ID: <deliver-4@unodc.example>\n\nHello\n' > "$msg"
mkfifo "$TMP/locker"
sqlite3 "$db" < "$TMP/locker" > /dev/null 2>&1 &
locker=$!
exec 3> "$TMP/locker"
# The locker waits for the lock (.timeout): a probe below may hold it for
# an instant as the locker begins.
printf '.timeout 10000\nBEGIN EXCLUSIVE; SELECT 1;\n' >&3
tries=0
while sqlite3 "$db" '.timeout 0' 'BEGIN IMMEDIATE;' 'ROLLBACK;' > /dev/null 2>&1 && [ $tries -lt 100 ]; do
  sleep 0.1
  tries=$((tries + 1))
done
[ $tries -lt 100 ] || diag "the locker did not take the lock within 10 s"
check "deliver to a database locked by another process asks the MTA to retry" 75 ctc deliver < "$msg"
check_err "and says that nothing was stored" 'nothing was stored'
echo 'ROLLBACK;' >&3
exec 3>&-
wait "$locker"
is "nothing of that message was stored" 0 "SELECT count(*) FROM submissions WHERE message_id = 'deliver-4@unodc.example'"
check "once the lock is gone, the retry takes it in" 0 ctc deliver < "$msg"
is "and keeps it once" 1 "SELECT count(*) FROM submissions WHERE message_id = 'deliver-4@unodc.example'"

mv "$db" "$db.away"
printf 'From: j.doe@unodc.example\nMessage-ID: <deliver-3@unodc.example>\n\nHello\n' > "$msg"
check "deliver without a database asks the MTA to retry" 75 ctc deliver < "$msg"
check_err "and says to run init" "ctcgw init"
mv "$db.away" "$db"
check "deliver with no configuration file asks the MTA to retry" 75 \
  sh -c "$CTCGW -c $TMP/missing.conf deliver < $msg"
finish
