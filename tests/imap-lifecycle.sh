#!/bin/sh
# The rest of the IMAP intake's life against a real Dovecot: a message over
# the size limit is answered and moved without its body being kept; a changed
# UIDVALIDITY makes the gateway look at the whole mailbox again (and the
# Message-ID/SHA-256 check keeps it from filing twice); SIGHUP reloads the
# configuration and SIGTERM stops the daemon cleanly.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
. "$CTCGW_SRCDIR/tests/servers.sh"
need_ctcgw
make_tmpdir
servers_require
servers_start || exit 1
gateway_setup "$TMP/gw" || { fail "gateway set-up"; finish; }

# A message of 200 KB against a limit of 64 KB.
sed -i 's/^\[limits\]$/[limits]\nmessage_size = 64K/' "$GATEWAY_CONF"
big=$TMP/big.eml
{
  printf 'From: Jane Doe <j.doe@unodc.example>\nTo: intake@ctc.example\nSubject: Big\nMessage-ID: <big-1@test.example>\n\nForm: standard\nTitle: Big\nIssuer: UNODC\nAreas: other\nSummary: '
  head -c 200000 /dev/zero | tr '\0' 'x'
  printf '\n'
} > "$big"
imap_save gateway INBOX < "$big"
check "run --once takes the large message in" 0 gw -q run --once
db_is "it is answered with the reason" 1 \
  "SELECT count(*) FROM outbox o JOIN submissions s ON s.id = o.submission_id WHERE s.message_id = 'big-1@test.example' AND CAST(o.raw AS TEXT) LIKE '%over the limit%'"
db_is "its size is recorded, its body is not kept" 1 \
  "SELECT count(*) FROM submissions WHERE message_id = 'big-1@test.example' AND size > 200000 AND length(raw) < 4096"
db_is "nothing of it is filed" 0 "SELECT count(*) FROM standards"
check_true "it is moved to Rejected" test "$(imap_count gateway Rejected)" -eq 1

# A changed UIDVALIDITY: the kept state says every UID up to 10^6 is done.
make_submission 1 "$TMP/one.eml"
imap_save gateway INBOX < "$TMP/one.eml"
q "UPDATE mailbox_state SET uidvalidity = 1, last_uid = 1000000"
check "run --once after a UIDVALIDITY change" 0 gw -q run --once
db_is "the new message is filed all the same" 1 "SELECT count(*) FROM standards"
db_is "the new UIDVALIDITY is kept" 0 "SELECT count(*) FROM mailbox_state WHERE uidvalidity = 1"
# The same message again (a copy with a new UID): seen before, not filed.
imap_save gateway INBOX < "$TMP/one.eml"
q "UPDATE mailbox_state SET uidvalidity = 2, last_uid = 0"
check "run --once over a message seen before" 0 gw -q run --once
db_is "it is not filed twice" 1 "SELECT count(*) FROM standards"
check_true "and it leaves the INBOX" test "$(imap_count gateway INBOX)" -eq 0

# SIGHUP and SIGTERM.
gateway_start
wait_sql "SELECT count(*) FROM mailbox_state" 1 10 >/dev/null
sleep 1
kill -HUP "$GATEWAY_PID"
sleep 1
if grep -q 'configuration reloaded' "$GATEWAY_DIR/run.log"; then
  ok "SIGHUP reloads the configuration"
else
  fail "SIGHUP reloads the configuration"; gateway_log
fi
make_submission 3 "$TMP/three.eml"
imap_save gateway INBOX < "$TMP/three.eml"
got=$(wait_sql "SELECT count(*) FROM standards" 2 10)
[ "$got" = 2 ] && ok "after the reload it still files what arrives" \
  || { fail "after the reload it still files what arrives" "got $got"; gateway_log; }
gateway_stop
[ "$GATEWAY_STATUS" -eq 0 ] && ok "SIGTERM stops the daemon with status 0" \
  || { fail "SIGTERM stops the daemon with status 0" "status $GATEWAY_STATUS"; gateway_log; }
grep -q 'stopping' "$GATEWAY_DIR/run.log" && ok "and it says so" || fail "and it says so"
finish
