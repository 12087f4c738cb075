#!/bin/sh
# The outbox over SMTP into the private Postfix: a fan-out to 300
# recipients arrives in each one's Dovecot mailbox exactly once, with its
# VERP envelope sender, over connections reused up to
# messages_per_connection; a recipient Postfix refuses (550) fails its row
# and only its row; `outbox list` and `outbox retry` show and queue again.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
. "${CTCGW_SRCDIR:-.}/tests/servers.sh"
. "${CTCGW_SRCDIR:-.}/tests/smtp-lib.sh"
need_ctcgw
make_tmpdir
servers_start
smtp_gateway_setup "$TMP/gw" || servers_fail "the gateway is set up" "ctcgw init or import failed"
printf 'messages_per_connection = 40\n' > "$TMP/per-connection"
sed "/^bounce_address = /r $TMP/per-connection" "$GATEWAY_CONF" > "$TMP/conf" && mv "$TMP/conf" "$GATEWAY_CONF"
check "the configuration with an smtp:// sink is valid" 0 gw check-config

N=300
add_users c%04d $N
queue_fanout c%04d $N fan
refused=$(queue_row someone@elsewhere.example refused)
check "run --once sends the fan-out" 0 gw -q run --once

db_is "every recipient's row is sent" $N "SELECT count(*) FROM outbox WHERE state = 'sent' AND kind = 'test' AND recipient LIKE 'c%'"
db_is "the refused recipient's row is failed at once" "failed|1" "SELECT state, tries FROM outbox WHERE id = $refused"
db_is "with Postfix's 550 as its error" 1 "SELECT count(*) FROM outbox WHERE id = $refused AND last_error LIKE '550 5.7.1 %'"
if postfix_drain 120; then ok "Postfix delivers everything to Dovecot"; else fail "Postfix delivers everything to Dovecot" "its queue is not empty after 120 s"; fi
got=$(copies c%04d $N fan)
[ "$got" = "1:$N" ] && ok "each of the $N mailboxes holds the message exactly once, dot line intact" \
    || fail "each of the $N mailboxes holds the message exactly once, dot line intact" "copies:users = $got"

# The envelope: gateway+<row id>@ctc.example, the row of that recipient.
postfix_log_sync || diag "Postfix's log did not catch up within 20 s"
id=$(q "SELECT id FROM outbox WHERE recipient = 'c0123@ctc.example'")
if grep -q "from=<gateway+$id@ctc.example>" "$POSTFIX_DIR/postfix.log"; then
    ok "the envelope sender is gateway+$id@ctc.example (VERP of the row)"
else
    fail "the envelope sender is gateway+$id@ctc.example (VERP of the row)"
    grep 'from=<' "$POSTFIX_DIR/postfix.log" | head -n 3 | diag
fi

# Connections: several messages each, none over messages_per_connection.
most=$(sed -n 's/.*disconnect from .* mail=\([0-9]*\).*/\1/p' "$POSTFIX_DIR/postfix.log" | sort -n | tail -n 1)
sessions=$(grep -c 'disconnect from .* mail=' "$POSTFIX_DIR/postfix.log")
if [ "${most:-0}" -gt 1 ] && [ "${most:-0}" -le 40 ] && [ "$sessions" -ge 8 ]; then
    ok "connections are reused, for 40 messages at most ($sessions sessions, $most at most)"
else
    fail "connections are reused, for 40 messages at most" "$sessions sessions, at most ${most:-?} messages in one"
fi

# [smtp] sessions: that many connections at once, each kept for all its
# messages when messages_per_connection allows.
sed -e 's/^messages_per_connection = 40$/messages_per_connection = 1000\
sessions = 3/' "$GATEWAY_CONF" > "$GATEWAY_DIR/three.conf"
before=$(grep -c ' connect from ' "$POSTFIX_DIR/postfix.log")
queue_fanout c%04d 60 three 5000 > /dev/null
check "a pass with sessions = 3" 0 "$CTCGW" -q -c "$GATEWAY_DIR/three.conf" run --once
db_is "sends the 60 rows" 60 "SELECT count(*) FROM outbox WHERE state = 'sent' AND message_id LIKE '<three-%'"
postfix_log_sync || diag "Postfix's log did not catch up within 20 s"
opened=$(($(grep -c ' connect from ' "$POSTFIX_DIR/postfix.log") - before))
[ "$opened" = 3 ] && ok "over 3 connections" || fail "over 3 connections" "$opened connections"

# outbox list and retry.
check "outbox list --state failed" 0 gw outbox list --state failed
check_out "shows the refused row" "^ *$refused +failed .*someone@elsewhere.example"
check "outbox list --json" 0 gw outbox list --json
n=$(python3 -c 'import json, sys; print(sum(1 for r in json.load(open(sys.argv[1])) if r["state"] == "sent"))' "$OUT")
[ "$n" = $((N + 60)) ] && ok "its JSON holds the $((N + 60)) sent rows" || fail "its JSON holds the $((N + 60)) sent rows" "it holds ${n:-none}"
check "outbox list --state nonsense is a usage error" 64 gw outbox list --state nonsense
check "outbox retry of a sent row is refused" 65 gw outbox retry "$id"
check "outbox retry of no row is refused" 65 gw outbox retry 999999
check "outbox retry of no number is a usage error" 64 gw outbox retry twelve
check "outbox retry of the failed row" 0 gw outbox retry "$refused"
db_is "queues it again with no tries" "queued|0" "SELECT state, tries FROM outbox WHERE id = $refused"
check "the next pass" 0 gw -q run --once
db_is "fails it again" "failed|1" "SELECT state, tries FROM outbox WHERE id = $refused"
db_is "and sends nothing twice" "$((N + 61))" "SELECT count(*) FROM outbox"
sleep 1
postfix_drain 30
got=$(copies c%04d $N fan)
[ "$got" = "1:$N" ] && ok "the mailboxes still hold one copy each" || fail "the mailboxes still hold one copy each" "copies:users = $got"

# STARTTLS required of a server that offers none: the row waits, deferred.
sed 's|^url = smtp://\(.*\)$|url = smtp://\1?starttls|' "$GATEWAY_CONF" > "$GATEWAY_DIR/tls.conf"
tls=$(queue_row c0001@ctc.example tls)
check "a pass that requires STARTTLS" 0 "$CTCGW" -q -c "$GATEWAY_DIR/tls.conf" run --once
db_is "defers the row when the server offers no STARTTLS" "deferred|1" "SELECT state, tries FROM outbox WHERE id = $tls"
db_is "saying so" 1 "SELECT count(*) FROM outbox WHERE id = $tls AND last_error LIKE '%STARTTLS%'"
finish
