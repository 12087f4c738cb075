#!/bin/sh
# Confirmation by reply (ctcgw(8), AUTHENTICATION) through the private
# Postfix and Dovecot: under [authentication] require = confirm, an unsigned
# update in a contact point's name APPENDed to the gateway's INBOX files
# nothing; `run --once` sends one confirmation request over SMTP, which
# Postfix delivers into the contact point's own Dovecot mailbox; the test
# reads it back over IMAP and APPENDs the contact point's reply to the
# gateway's INBOX; the next pass files the update once, authentication
# confirmed.  A second reply does nothing; a reply to a request that has
# expired files nothing.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
. "${CTCGW_SRCDIR:-.}/tests/servers.sh"
. "${CTCGW_SRCDIR:-.}/tests/smtp-lib.sh"
need_ctcgw
make_tmpdir
servers_start
smtp_gateway_setup "$TMP/gw" || servers_fail "the gateway is set up" "ctcgw init or import failed"
sed 's/^require = none$/require = confirm/' "$GATEWAY_CONF" > "$GATEWAY_CONF.new" \
  && mv "$GATEWAY_CONF.new" "$GATEWAY_CONF"
check "check-config accepts require = confirm" 0 gw -q check-config

# The contact point: a Dovecot user of its own, kz1@ctc.example, in the
# Directory as Kazakhstan's focal point.
add_users kz%d 1
real=kz1@ctc.example
printf 'Entity,Name,Email,Title,Office,Phone,Languages,Role,Areas\nKZ,Aigerim Nurlanova,%s,Head of Division,Ministry of Foreign Affairs,+7 7172 72 05 18,en,focal-point,border-control\n' \
  "$real" > "$TMP/kz.csv"
check "the contact point is imported" 0 gw -q import contacts "$TMP/kz.csv"
cp=$(q "SELECT reference FROM contacts WHERE email = '$real'")
phone=$(q "SELECT phone FROM contacts WHERE email = '$real'")
[ -n "$cp" ] || servers_fail "the contact point is in the Directory" "no contact for $real"

# spoof N FILE: an unsigned update of its phone in the contact point's name.
spoof () {
  printf 'From: Aigerim Nurlanova <%s>\r\nReply-To: spoofer@elsewhere.example\r\nTo: gateway@ctc.example\r\nSubject: Update %s\r\nMessage-ID: <spoof-%s@confirm.example>\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nForm: contact-point\r\nReference: %s\r\nPhone: +7 7172 00000%s\r\n' \
    "$real" "$1" "$1" "$cp" "$1" > "$2"
}
mkdir -p "$TMP/in1"
spoof 1 "$TMP/in1/spoof.eml"
check_true "the spoofed update is APPENDed to the INBOX" imap_append_dir gateway INBOX "$TMP/in1"
check "run --once succeeds" 0 gw -q run --once
db_is "it is pending" "pending|none" \
  "SELECT outcome, authentication FROM submissions WHERE message_id LIKE '%spoof-1@confirm.example%'"
db_is "nothing is filed" "$phone" "SELECT phone FROM contacts WHERE reference = '$cp'"
db_is "one confirmation request" 1 "SELECT count(*) FROM confirmations"
db_is "it went over SMTP" sent \
  "SELECT o.state FROM outbox o JOIN confirmations c ON c.outbox_id = o.id"
db_is "nothing goes to Reply-To" 0 "SELECT count(*) FROM outbox WHERE recipient LIKE '%elsewhere%'"

n=$(wait_count kz1 INBOX 1 15)
[ "$n" = 1 ] && ok "Postfix delivers the request into the contact point's mailbox" \
  || { fail "Postfix delivers the request into the contact point's mailbox" "its INBOX holds ${n:-nothing}"
       tail -n 20 "$POSTFIX_DIR/postfix.log" | diag; }

# reply_to_last DIR NAME: reads the newest confirmation request in kz1's
# INBOX over IMAP (the newest message whose Subject has "[confirm:") and
# writes the contact point's reply to it into DIR; prints its Message-ID.
reply_to_last () {
  python3 - "$IMAP_PORT" "$real" "$1" "$2" <<'EOF'
import email, email.policy, imaplib, os, sys
port, addr, d, name = sys.argv[1:]
m = imaplib.IMAP4("127.0.0.1", int(port))
m.login("kz1", "secret")
m.select("INBOX")
typ, data = m.search(None, "HEADER", "Subject", "[confirm:")
last = data[0].split()[-1]
typ, data = m.fetch(last, "(RFC822)")
m.logout()
req = email.message_from_bytes(data[0][1], policy=email.policy.default)
subject = str(req["Subject"])
with open(os.path.join(d, name + ".eml"), "w") as f:
    f.write("From: Aigerim Nurlanova <%s>\r\nTo: %s\r\nSubject: Re: %s\r\n"
            "In-Reply-To: %s\r\nReferences: %s\r\nMessage-ID: <%s@confirm.example>\r\n"
            "Date: Mon, 7 Dec 2026 11:00:00 +0000\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\nYes, I sent it.\r\n"
            % (addr, req["From"], subject, req["Message-ID"], req["Message-ID"], name))
print(req["Message-ID"])
EOF
}
mkdir -p "$TMP/r1"
got=$(reply_to_last "$TMP/r1" reply-1)
want=$(q "SELECT message_id FROM confirmations")
[ "$got" = "<$want>" ] && ok "the request read back is the one recorded" \
  || fail "the request read back is the one recorded" "got $got, recorded <$want>"
grep -q '^Subject: Re: .*\[confirm:' "$TMP/r1/reply-1.eml" && ok "its Subject carries the token" \
  || fail "its Subject carries the token" "$(grep '^Subject:' "$TMP/r1/reply-1.eml")"
history=$(q "SELECT count(*) FROM contacts_history")
check_true "the reply is APPENDed to the gateway's INBOX" imap_append_dir gateway INBOX "$TMP/r1"
check "run --once succeeds" 0 gw -q run --once
db_is "the reply files the update" "+7 7172 000001" "SELECT phone FROM contacts WHERE reference = '$cp'"
db_is "as confirmed" "filed|confirmed" \
  "SELECT outcome, authentication FROM submissions WHERE message_id LIKE '%spoof-1@confirm.example%'"
db_is "once" $((history + 1)) "SELECT count(*) FROM contacts_history"
db_is "the confirmation is confirmed" confirmed "SELECT state FROM confirmations"

after=$(q "SELECT count(*) FROM outbox")
history=$(q "SELECT count(*) FROM contacts_history")
mkdir -p "$TMP/r2"
reply_to_last "$TMP/r2" reply-2 >/dev/null
check_true "a second reply is APPENDed" imap_append_dir gateway INBOX "$TMP/r2"
check "run --once succeeds" 0 gw -q run --once
db_is "a second reply files nothing more" "$history" "SELECT count(*) FROM contacts_history"
db_is "it is kept as a confirmation" confirmation \
  "SELECT outcome FROM submissions WHERE message_id LIKE '%reply-2@confirm.example%'"
db_is "and is not answered" "$after" "SELECT count(*) FROM outbox"

# Expiry: a second spoofed update; its request's expiry is set in the past.
mkdir -p "$TMP/in2"
spoof 2 "$TMP/in2/spoof.eml"
check_true "another spoofed update is APPENDed" imap_append_dir gateway INBOX "$TMP/in2"
check "run --once succeeds" 0 gw -q run --once
db_is "it is pending" pending \
  "SELECT outcome FROM submissions WHERE message_id LIKE '%spoof-2@confirm.example%'"
# Every message sent to the contact point so far: the requests and answers.
want=$(q "SELECT count(*) FROM outbox WHERE recipient = '$real' AND state = 'sent'")
n=$(wait_count kz1 INBOX "$want" 15)
[ "$n" = "$want" ] && ok "its request is delivered too" \
  || fail "its request is delivered too" "the INBOX holds ${n:-nothing}"
check_true "its expiry is set in the past" \
  q "UPDATE confirmations SET expires = '2000-01-01T00:00:00Z' WHERE state = 'pending'"
mkdir -p "$TMP/r3"
reply_to_last "$TMP/r3" reply-3 >/dev/null
check_true "the late reply is APPENDed" imap_append_dir gateway INBOX "$TMP/r3"
check "run --once succeeds" 0 gw -q run --once
db_is "the late reply files nothing" "+7 7172 000001" "SELECT phone FROM contacts WHERE reference = '$cp'"
db_is "the update stays unfiled" "pending|none" \
  "SELECT outcome, authentication FROM submissions WHERE message_id LIKE '%spoof-2@confirm.example%'"
db_is "the late reply is answered that it expired" 1 \
  "SELECT instr (raw, 'that time has passed') > 0 FROM outbox ORDER BY id DESC LIMIT 1"
db_is "its confirmation is not confirmed" pending \
  "SELECT c.state FROM confirmations c JOIN submissions s ON s.id = c.submission_id WHERE s.message_id LIKE '%spoof-2@confirm.example%'"
finish
