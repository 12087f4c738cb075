#!/bin/sh
# A delivery report made by Postfix itself: the gateway's answer to a
# contact point whose mailbox does not exist (ghost@ctc.example: Postfix
# takes it, Dovecot's LMTP refuses it with 550 5.1.1) goes out with the
# VERP envelope sender gateway+ID@ctc.example; Postfix's report comes back
# to the gateway's IMAP INBOX, and `ctcgw run --once` matches it to the
# outbox row, records it and counts it ([smtp] hard_bounces = 1 here).
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
. "${CTCGW_SRCDIR:-.}/tests/servers.sh"
need_ctcgw
make_tmpdir
servers_start
gateway_setup "$TMP/gw" || servers_fail "the gateway is set up" "ctcgw init or import failed"

# Answers go to Postfix; the gateway's mailbox takes their reports; one
# failed delivery is enough.
sed -i -e "s|^url = maildir:outbox\$|url = smtp://127.0.0.1:$SMTP_PORT|" \
    -e 's|^\[smtp\]$|[smtp]\nbounce_address = gateway@ctc.example\nhard_bounces = 1|' \
    "$GATEWAY_CONF"
printf 'Entity,Name,Email,Title,Languages,Role\nUNODC,Gus Ghost,ghost@ctc.example,Liaison,en,alternate\n' \
    > "$TMP/ghost.csv"
check "the contact point without a mailbox is imported" 0 gw -q import contacts "$TMP/ghost.csv"

# A message from the contact point, with no record in it: answered with help.
printf 'From: Gus Ghost <ghost@ctc.example>\nTo: intake@ctc.example\nSubject: Hello\nMessage-ID: <ghost-1@ctc.example>\nDate: Mon, 30 Nov 2026 10:00:00 +0000\n\nHow do I send an offer?\n' \
    | imap_save gateway INBOX
check "run --once takes the message and sends its answer" 0 gw -q run --once
row=$(q "SELECT id FROM outbox WHERE recipient = 'ghost@ctc.example'")
[ -n "$row" ] && ok "the answer is an outbox row" || { fail "the answer is an outbox row"; finish; }
verp="gateway+$row@ctc.example"

db_is "the SMTP sink sent the answer to Postfix" sent "SELECT state FROM outbox WHERE id = $row"

n=$(wait_count gateway INBOX 1 30)
if [ "$n" = 1 ]; then
    ok "Postfix's delivery report reaches the gateway's INBOX"
else
    fail "Postfix's delivery report reaches the gateway's INBOX" "INBOX holds ${n:-none}"
    tail -n 20 "$POSTFIX_DIR/postfix.log" | diag
    finish
fi
# The answer's queue file went through Postfix's queue manager before the
# report was written; its log line is read once the log has caught up.
postfix_log_sync || diag "Postfix's log did not catch up within 20 s"
grep -q "from=<$verp>" "$POSTFIX_DIR/postfix.log" \
    && ok "with the VERP envelope sender $verp" \
    || { fail "with the VERP envelope sender $verp"; grep 'from=<' "$POSTFIX_DIR/postfix.log" | diag; }
report=$(doveadm -c "$DOVECOT_CONF" fetch -u gateway text mailbox INBOX all 2>/dev/null)
printf '%s\n' "$report" | grep -qi "^To: *$verp" \
    && ok "the report is addressed to the VERP address" \
    || { fail "the report is addressed to the VERP address"; printf '%s\n' "$report" | head -n 20 | diag; }

check "run --once takes the report" 0 gw run --once
check_err "it is logged as a counted bounce" "bounce: .*outbox=$row .*hard=yes matched=verp counted=yes"
db_is "the report is kept as automatic mail" "delivery-report|automatic" \
    "SELECT class, outcome FROM submissions WHERE from_addr LIKE 'mailer-daemon@%'"
db_is "the report is matched to the row by its VERP address" \
    "$row|ghost@ctc.example|5.1.1|failed|1|1|verp" \
    "SELECT outbox_id, recipient, status, action, hard, counted, matched_by FROM bounces"
db_is "its diagnostic is Dovecot's" 1 \
    "SELECT count(*) FROM bounces WHERE diagnostic LIKE '%550%'"
db_is "the row is failed with the report's reason" "failed|1" \
    "SELECT state, last_error LIKE 'delivery report: 5.1.1%' FROM outbox WHERE id = $row"
db_is "the bounce is counted against the contact point" "1|bouncing" \
    "SELECT bounces, status FROM contacts WHERE email = 'ghost@ctc.example'"
db_is "with a history row" 1 "SELECT count(*) FROM contacts_history h JOIN contacts c ON c.id = h.record_id WHERE c.email = 'ghost@ctc.example' AND h.field = 'Status' AND h.new_value = 'bouncing'"
db_is "the other contact points are untouched" "0|0" \
    "SELECT count(*), coalesce (sum (bounces), 0) FROM contacts WHERE email != 'ghost@ctc.example' AND (bounces > 0 OR status != 'active')"
db_is "the report is not answered" 1 "SELECT count(*) FROM outbox"
finish
