#!/bin/sh
# The real-server harness alone: a private Postfix takes a message over SMTP
# and hands it over LMTP to a private Dovecot, where it shows in the INBOX.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
. "${CTCGW_SRCDIR:-.}/tests/servers.sh"
make_tmpdir
servers_start
ok "Dovecot and Postfix start in ${SERVERS_STARTUP} s"

msg=$TMP/smoke.eml
printf 'From: j.doe@unodc.example\nTo: gateway@ctc.example\nSubject: smoke\nMessage-ID: <smoke-1@test.example>\n\nHello.\n' > "$msg"
check_true "Postfix accepts a message for gateway@ctc.example" smtp_send j.doe@unodc.example gateway@ctc.example < "$msg"
n=$(wait_count gateway INBOX 1 10)
[ "$n" = 1 ] && ok "it arrives in Dovecot's INBOX" || fail "it arrives in Dovecot's INBOX" "INBOX has ${n:-no} messages" "$(tail -n 20 "$POSTFIX_DIR/postfix.log")"
if smtp_send j.doe@unodc.example someone@elsewhere.example < "$msg" 2>"$TMP/refused"; then
  fail "mail to another domain is refused"
else
  ok "mail to another domain is refused"
fi

check_true "doveadm save stores a message" imap_save gateway INBOX < "$msg"
n=$(imap_count gateway INBOX)
[ "$n" = 2 ] && ok "doveadm save leaves it in the INBOX" || fail "doveadm save leaves it in the INBOX" "INBOX has ${n:-no} messages"
mkdir "$TMP/two" && cp "$msg" "$TMP/two/a.eml" && cp "$msg" "$TMP/two/b.eml"
check_true "IMAP APPEND stores messages" imap_append_dir gateway INBOX "$TMP/two"
n=$(imap_count gateway INBOX)
[ "$n" = 4 ] && ok "and they are in the INBOX" || fail "and they are in the INBOX" "INBOX has ${n:-no} messages"
unseen=$(doveadm -c "$DOVECOT_CONF" -f flow mailbox status -u gateway unseen INBOX | sed 's/.*unseen=//')
[ "$unseen" = 4 ] && ok "none of them is seen" || fail "none of them is seen" "unseen=$unseen"

t0=$(date +%s.%N)
dovecot_stop
greets "$IMAP_PORT" "$SERVERS_TAG" && fail "Dovecot stops" || ok "Dovecot stops"
dovecot_start
ok "Dovecot restarts in $(elapsed "$t0") s"
n=$(imap_count gateway INBOX)
[ "$n" = 4 ] && ok "the INBOX is kept across the restart" || fail "the INBOX is kept across the restart" "INBOX has ${n:-no} messages"
t0=$(date +%s.%N)
servers_stop
diag "servers stopped in $(elapsed "$t0") s"
greets "$SMTP_PORT" "$SERVERS_TAG" && fail "Postfix stops" || ok "Postfix stops"
finish
