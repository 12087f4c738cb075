#!/bin/sh
# kill -9 of the daemon during a fan-out of 1,000: after it starts again
# every recipient has the message, and none has it more than twice (a row
# is marked sent only after Postfix accepted it, so the rows accepted but
# not yet marked when it died are sent again: at most once more).  The
# kill falls once a number of rows drawn at random are marked sent
# (gateway_signal_at, tests/crash-lib.sh): during the fan-out however fast
# or loaded the machine.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
. "${CTCGW_SRCDIR:-.}/tests/servers.sh"
. "${CTCGW_SRCDIR:-.}/tests/smtp-lib.sh"
. "${CTCGW_SRCDIR:-.}/tests/crash-lib.sh"
need_ctcgw
make_tmpdir
servers_start
smtp_gateway_setup "$TMP/gw" || servers_fail "the gateway is set up" "ctcgw init or import failed"

N=1000
add_users k%04d $N
queue_fanout k%04d $N crash

seed=${CRASH_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
at=$(awk -v seed="$seed" 'BEGIN { srand (seed); print 100 + int (rand () * 400) }')
diag "the kill falls at $at rows sent, drawn with seed $seed (CRASH_SEED=$seed reproduces it)"
gateway_signal_at KILL "SELECT count(*) FROM outbox WHERE state = 'sent'" "$at" 120 >/dev/null \
    || diag "the daemon did not mark $at rows sent"
gateway_kill
sent=$(q "SELECT count(*) FROM outbox WHERE state = 'sent'")
if [ "$sent" -ge "$at" ] && [ "$sent" -lt $N ]; then
    ok "the daemon died during the fan-out ($sent of $N marked sent)"
else
    fail "the daemon died during the fan-out" "$sent of $N marked sent"
    gateway_log
fi

gateway_start
got=$(wait_sql "SELECT count(*) FROM outbox WHERE state = 'sent'" $N 120)
gateway_stop
[ "$got" = $N ] && ok "started again, it sends the rest" \
    || { fail "started again, it sends the rest" "$got of $N sent"; gateway_log; }
db_is "none failed or deferred" 0 "SELECT count(*) FROM outbox WHERE state <> 'sent'"
if postfix_drain 180; then ok "Postfix delivers everything"; else fail "Postfix delivers everything" "its queue is not empty after 180 s"; fi
got=$(copies k%04d $N crash)
twice=$(echo "$got" | tr ' ' '\n' | sed -n 's/^2://p')
case " $got" in
  " 1:$N"|" 1:"*" 2:$twice")
    ok "every recipient has it, none more than twice (${twice:-0} twice)" ;;
  *) fail "every recipient has it, none more than twice" "copies:users = $got" ;;
esac
finish
