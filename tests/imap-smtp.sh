#!/bin/sh
# The whole real path: a submission sent over SMTP to the private Postfix,
# delivered over LMTP into Dovecot's INBOX, read by `ctcgw run --once` over
# IMAP, filed, moved and answered.  A message with nothing valid in it goes
# to the Rejected folder.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
. "${CTCGW_SRCDIR:-.}/tests/servers.sh"
need_ctcgw
make_tmpdir
servers_start
gateway_setup "$TMP/gw" || servers_fail "the gateway is set up" "ctcgw init or import failed"

make_submission 2 "$TMP/offer.eml"
check_true "Postfix takes the offer for gateway@ctc.example" \
  smtp_send j.doe@unodc.example gateway@ctc.example < "$TMP/offer.eml"
printf 'From: Marco Rossi <m.rossi@osce.example>\nTo: gateway@ctc.example\nSubject: Broken\nMessage-ID: <broken-1@osce.example>\n\nForm: assistance-offer\nProvider: OSCE\nTitel: no title here\n' > "$TMP/broken.eml"
check_true "and a malformed offer" smtp_send m.rossi@osce.example gateway@ctc.example < "$TMP/broken.eml"
n=$(wait_count gateway INBOX 2 15)
[ "$n" = 2 ] && ok "both reach Dovecot's INBOX over LMTP" \
  || { fail "both reach Dovecot's INBOX over LMTP" "INBOX holds ${n:-none}"; tail -n 20 "$POSTFIX_DIR/postfix.log" | diag; }

check "run --once succeeds" 0 gw -q run --once
db_is "the offer is filed from the IMAP mailbox" "filed|intake|j.doe@unodc.example" \
  "SELECT outcome, mailbox, from_addr FROM submissions WHERE message_id LIKE '%imap-2@test.example%'"
db_is "its record is in the offers register" 1 "SELECT count(*) FROM offers"
db_is "the malformed one is kept as rejected" rejected \
  "SELECT outcome FROM submissions WHERE message_id LIKE '%broken-1@osce.example%'"
n=$(imap_count gateway INBOX)
[ "$n" = 0 ] && ok "the INBOX is empty" || fail "the INBOX is empty" "it holds ${n:-?}"
n=$(imap_count gateway Processed)
[ "$n" = 1 ] && ok "the filed one is in Processed" || fail "the filed one is in Processed" "Processed holds ${n:-no folder}"
n=$(imap_count gateway Rejected)
[ "$n" = 1 ] && ok "the malformed one is in Rejected" || fail "the malformed one is in Rejected" "Rejected holds ${n:-no folder}"
db_is "both are answered" 2 "SELECT count(*) FROM outbox WHERE state = 'sent'"
a=$(grep -l '^In-Reply-To: <broken-1@osce.example>' "$GATEWAY_DIR"/outbox/new/* 2>/dev/null | head -n 1)
[ -n "$a" ] && ok "the malformed one's answer replies to it" || fail "the malformed one's answer replies to it"
finish
