#!/bin/sh
# IDLE: with `ctcgw run` watching the INBOX of a real Dovecot, a message
# stored there is filed within 5 s.  The poll interval is a minute, so only
# IDLE can be this quick.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
. "${CTCGW_SRCDIR:-.}/tests/servers.sh"
need_ctcgw
make_tmpdir
servers_start
GATEWAY_POLL=60
gateway_setup "$TMP/gw" || servers_fail "the gateway is set up" "ctcgw init or import failed"

gateway_start
# Up: connected, its folders created (then a second to be in IDLE).
n=$(wait_count gateway Processed 0 15)
if [ "$n" = 0 ] && alive "$GATEWAY_PID"; then
  ok "ctcgw run connects and creates its folders"
else
  fail "ctcgw run connects and creates its folders" "Processed: ${n:-no folder}"
  gateway_log
fi
sleep 1

# filed_within N SECONDS: message N is saved into the INBOX and must be
# filed and moved within SECONDS; prints the time it took.
filed_within () {
  make_submission "$1" "$TMP/msg-$1.eml"
  t0=$(date +%s.%N)
  imap_save gateway INBOX < "$TMP/msg-$1.eml"
  got=$(wait_sql "SELECT count(*) FROM submissions WHERE message_id LIKE '%imap-$1@test.example%'" 1 $(($2 + 2)))
  took=$(elapsed "$t0")
  if [ "$got" = 1 ] && [ "$(echo "$took $2" | awk '{ print ($1 <= $2) }')" = 1 ]; then
    ok "message $1 is filed within $2 s ($took s)"
  else
    fail "message $1 is filed within $2 s" "after $took s: $got filed"
    gateway_log
  fi
}

filed_within 1 5
n=$(wait_count gateway Processed 1 5)
[ "$n" = 1 ] && ok "and moved to Processed" || fail "and moved to Processed" "Processed holds ${n:-none}"
filed_within 2 5
filed_within 3 5
n=$(wait_count gateway Processed 3 5)
[ "$n" = 3 ] && ok "IDLE goes on after each message" || fail "IDLE goes on after each message" "Processed holds ${n:-none}"
db_is "each is answered once" 3 "SELECT count(*) FROM outbox"

# A message stored while a pass is at work is announced once, in the answer
# to one of the pass's own commands, and never again by IDLE: of a stream
# of messages stored while the daemon files the first ones, the last must
# be filed as soon as the others.
make_submissions 10 209 "$TMP/stream"
imap_append_dir gateway INBOX "$TMP/stream" || fail "200 messages are stored" "APPEND failed"
got=$(wait_sql "SELECT count(*) FROM submissions WHERE message_id LIKE 'imap-%'" 203 20)
if [ "$got" = 203 ]; then
  ok "a stream of 200 messages stored while it files is filed whole"
else
  fail "a stream of 200 messages stored while it files is filed whole" "$((got - 3)) filed after 20 s"
  gateway_log
fi

alive "$GATEWAY_PID" && ok "the daemon is still running" || { fail "the daemon is still running"; gateway_log; }
gateway_stop
[ "$GATEWAY_STATUS" = 0 ] && ok "SIGTERM stops it with status 0" || { fail "SIGTERM stops it with status 0" "status $GATEWAY_STATUS"; gateway_log; }
finish
