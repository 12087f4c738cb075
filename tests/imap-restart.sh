#!/bin/sh
# Dovecot stopped and started again under a running `ctcgw run`: the
# daemon keeps running, reconnects, and files what arrived meanwhile and
# after.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
. "${CTCGW_SRCDIR:-.}/tests/servers.sh"
need_ctcgw
make_tmpdir
servers_start
gateway_setup "$TMP/gw" || servers_fail "the gateway is set up" "ctcgw init or import failed"

gateway_start
make_submissions 1 3 "$TMP/mail"
imap_save gateway INBOX < "$TMP/mail/000001.eml"
got=$(wait_sql "SELECT count(*) FROM submissions WHERE class = 'submission'" 1 15)
[ "$got" = 1 ] && ok "a message is filed before the restart" || { fail "a message is filed before the restart" "$got filed"; gateway_log; }

dovecot_stop
greets "$IMAP_PORT" "$SERVERS_TAG" && fail "Dovecot is stopped" || ok "Dovecot is stopped"
sleep 2
alive "$GATEWAY_PID" && ok "the daemon outlives the lost connection" \
  || { fail "the daemon outlives the lost connection"; gateway_log; }
# Mail delivered meanwhile, straight into the Maildir.
check_true "a message is delivered while Dovecot is down" maildir_drop gateway INBOX < "$TMP/mail/000002.eml"
sleep 1
t0=$(date +%s.%N)
dovecot_start
ok "Dovecot is started again"
check_true "and one after" imap_save gateway INBOX < "$TMP/mail/000003.eml"
got=$(wait_sql "SELECT count(*) FROM submissions WHERE class = 'submission'" 3 30)
took=$(elapsed "$t0")
if [ "$got" = 3 ]; then
  ok "the messages stored while it was down and after are filed ($took s after the restart)"
else
  fail "the messages stored while it was down and after are filed" "$got filed after $took s"
  gateway_log
fi
n=$(wait_count gateway Processed 3 10)
[ "$n" = 3 ] && ok "all three are in Processed" || fail "all three are in Processed" "Processed holds ${n:-none}"
n=$(imap_count gateway INBOX)
[ "$n" = 0 ] && ok "the INBOX is empty" || fail "the INBOX is empty" "it holds ${n:-?}"
db_is "each is answered once" 3 "SELECT count(*) FROM outbox"

# And once more, now that it has reconnected.
dovecot_stop
sleep 1
dovecot_start
make_submissions 4 4 "$TMP/mail"
imap_save gateway INBOX < "$TMP/mail/000004.eml"
got=$(wait_sql "SELECT count(*) FROM submissions WHERE class = 'submission'" 4 30)
[ "$got" = 4 ] && ok "a second restart is survived too" || { fail "a second restart is survived too" "$got filed"; gateway_log; }

gateway_stop
[ "$GATEWAY_STATUS" = 0 ] && ok "SIGTERM stops it with status 0" || { fail "SIGTERM stops it with status 0" "status $GATEWAY_STATUS"; gateway_log; }
finish
