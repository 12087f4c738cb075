#!/bin/sh
# Postfix stopped during a fan-out: the rows it did not accept are
# deferred with back-off (a connection failure is no reason to fail a
# row), none is failed; once Postfix is back and the back-off has passed,
# every recipient gets the message exactly once.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
. "${CTCGW_SRCDIR:-.}/tests/servers.sh"
. "${CTCGW_SRCDIR:-.}/tests/smtp-lib.sh"
need_ctcgw
make_tmpdir
servers_start
smtp_gateway_setup "$TMP/gw" || servers_fail "the gateway is set up" "ctcgw init or import failed"

N=1000
add_users r%04d $N
queue_fanout r%04d $N restart

# The fan-out runs; Postfix stops once some of it is sent.  The pass is
# frozen (SIGSTOP) while Postfix stops, so that it cannot finish meanwhile
# however slow the stop; its sessions find Postfix gone when it goes on.
"$CTCGW" -c "$GATEWAY_CONF" -q run --once >"$TMP/run1.log" 2>&1 &
run_pid=$!
at_exit 'kill -CONT $run_pid 2>/dev/null'
sent=$(wait_sql "SELECT count(*) >= 100 FROM outbox WHERE state = 'sent'" 1 60)
kill -STOP "$run_pid"
postfix_stop
kill -CONT "$run_pid"
wait "$run_pid"
status=$?
[ "$status" = 0 ] && ok "the pass ends normally with Postfix gone" \
    || { fail "the pass ends normally with Postfix gone" "exit status $status"; diag <"$TMP/run1.log"; }
sent=$(q "SELECT count(*) FROM outbox WHERE state = 'sent'")
deferred=$(q "SELECT count(*) FROM outbox WHERE state = 'deferred'")
if [ "$sent" -ge 100 ] && [ "$sent" -lt $N ]; then
    ok "Postfix stopped during the fan-out ($sent of $N sent)"
else
    fail "Postfix stopped during the fan-out" "$sent of $N sent"
fi
db_is "every other row is deferred, none failed or left queued" "$((N - sent))|0|0" \
    "SELECT (SELECT count(*) FROM outbox WHERE state = 'deferred'),
            (SELECT count(*) FROM outbox WHERE state = 'failed'),
            (SELECT count(*) FROM outbox WHERE state = 'queued')"
db_is "after one try, due again in a minute" 1 \
    "SELECT min(tries = 1 AND next_attempt > strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+30 seconds')
                AND next_attempt <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+61 seconds'))
     FROM outbox WHERE state = 'deferred'"
db_is "with the reason" 0 "SELECT count(*) FROM outbox WHERE state = 'deferred' AND coalesce(last_error, '') = ''"
# The rows whose transaction the stop cut short (the others say "not
# tried"): at most one a session, and one more each when it reconnects.
in_flight=$(q "SELECT group_concat(id, ' ') FROM outbox WHERE state = 'deferred' AND last_error NOT LIKE 'not tried: %'")
n=$(echo $in_flight | wc -w)
[ "$n" -le 8 ] && ok "the stop cut $n transactions short (at most 2 a session)" \
    || fail "the stop cut at most 2 transactions a session short" "$n rows: $in_flight"
check "a pass before the back-off has passed" 0 gw -q run --once
db_is "sends nothing" "$deferred" "SELECT count(*) FROM outbox WHERE state = 'deferred' AND tries = 1"

postfix_launch || servers_fail "Postfix starts again" "postfix start failed"
postfix_wait
# The back-off passes.
q "UPDATE outbox SET next_attempt = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 second') WHERE state = 'deferred'"
check "a pass once Postfix is back" 0 gw -q run --once
db_is "sends every deferred row" "$N" "SELECT count(*) FROM outbox WHERE state = 'sent'"
if postfix_drain 180; then ok "Postfix delivers everything"; else fail "Postfix delivers everything" "its queue is not empty after 180 s"; fi
# Postfix may have queued a message whose transaction the stop cut short
# before its reply reached the gateway (the duplicate of RFC 1047): that
# row was deferred and sent again.  Every other message went in once.
got=$(accepted r%04d $N restart)
again=
for i in $(accepted_twice r%04d $N restart); do
    id=$(q "SELECT id FROM outbox WHERE message_id = '<restart-$i@ctc.example>'")
    case " $in_flight " in *" $id "*) again="$again $id" ;; *) again="$again not-in-flight:$id" ;; esac
done
case "$got:$again" in
  "1:$N:") ok "the gateway handed each of the $N messages to Postfix exactly once" ;;
  *not-in-flight*) fail "the gateway handed each message to Postfix once, cut transactions aside" \
                        "times:messages = $got; twice:$again" ;;
  *) case " $got" in
       " 1:"*" 2:"*) ok "the gateway handed each message to Postfix once, twice only for the cut transaction(s)$again" ;;
       *) fail "the gateway handed each message to Postfix once, cut transactions aside" "times:messages = $got" ;;
     esac ;;
esac
# `postfix stop` cuts deliveries to Dovecot short: Postfix delivers those
# queue files again after its restart, and Dovecot may hold both copies.
# Those, and the cut transactions above, are the only second copies allowed.
got=$(copies r%04d $N restart)
again=$(($(redelivered r%04d $N restart) + $(accepted_twice r%04d $N restart | wc -w)))
twice=$(echo "$got" | tr ' ' '\n' | sed -n 's/^2://p')
case " $got" in
  " 1:$N"|" 1:"*" 2:$twice")
    if [ "${twice:-0}" -le "$again" ]; then
        ok "each recipient has the message once (twice for ${twice:-0} of the $again Postfix delivered again or took twice)"
    else
        fail "each recipient has the message once" "copies:users = $got, Postfix delivered or took $again again"
    fi ;;
  *) fail "each recipient has the message once" "copies:users = $got, Postfix delivered or took $again again" ;;
esac
finish
