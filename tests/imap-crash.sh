#!/bin/sh
# Crash safety against a real Dovecot: `ctcgw run` is stopped with SIGTERM
# in the middle of a pass, then killed with SIGKILL again and again while it
# works through 1,000 messages and more, and started again each time; after
# a last `run --once`, every message is filed exactly once, each is in the
# folder its outcome calls for (Rejected when every record had errors,
# Processed otherwise, quarantined ones too) and in no other, and every
# answer is queued once.  A message filed but not yet moved when the daemon
# died is read again as a duplicate: where it goes is what this tests.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
. "${CTCGW_SRCDIR:-.}/tests/servers.sh"
. "${CTCGW_SRCDIR:-.}/tests/crash-lib.sh"
need_ctcgw
make_tmpdir
servers_start
gateway_setup "$TMP/gw" || servers_fail "the gateway is set up" "ctcgw init or import failed"
N=${CRASH_MESSAGES:-1000}
KILLS=${CRASH_KILLS:-12}
FILED="SELECT count(*) FROM submissions WHERE class = 'submission'"

make_mixed 1 "$N" "$TMP/mail"
check_true "$N messages are APPENDed to the INBOX" imap_append_dir gateway INBOX "$TMP/mail"

# SIGTERM in the middle of the pass: the daemon stops within the 10 s of
# gateway_stop with status 0, and what it filed has left the INBOX (the
# batches the second connection was to move are moved before it exits).
gateway_signal_at TERM "$FILED" 150 60 >/dev/null || diag "the daemon did not file 150 messages"
gateway_stop
[ "$GATEWAY_STATUS" = 0 ] && ok "SIGTERM in the middle of a pass stops the daemon with status 0" \
  || { fail "SIGTERM in the middle of a pass stops the daemon with status 0" "status $GATEWAY_STATUS"; gateway_log 10; }
filed=$(q "$FILED")
left=$(imap_count gateway INBOX)
diag "after SIGTERM: $filed filed, $left in the INBOX"
[ "$((filed + left))" = "$N" ] && [ "$left" -gt 0 ] \
  && ok "it stopped before the end, and every message it filed has left the INBOX" \
  || fail "it stopped before the end, and every message it filed has left the INBOX" "$filed filed, $left in the INBOX"

# The moments: each kill falls once the daemon has filed K more messages
# in its life, K drawn at random from 1 to 300 (three batches): measured
# progress, not time, so that every kill lands in the work however fast or
# loaded the machine.  The INBOX is kept fed: before each start, fresh
# submissions are APPENDed until it holds at least N messages and three
# times the most the daemon filed in one life.
seed=${CRASH_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
diag "kill moments drawn with seed $seed (CRASH_SEED=$seed reproduces them)"
awk -v seed="$seed" -v n="$KILLS" 'BEGIN { srand (seed); for (i = 0; i < n; i++) print 1 + int (rand () * 300) }' \
  > "$TMP/moments"
total=$N most=0

# top_up: the fresh submissions total+1.. that bring the INBOX to the level
# above; total counts every message APPENDed.
top_up () {
  want=$((3 * most)); [ "$want" -lt "$N" ] && want=$N
  have=$(imap_count gateway INBOX)
  add=$((want - ${have:-0}))
  [ "$add" -gt 0 ] || return 0
  rm -rf "$TMP/more"
  make_mixed "$((total + 1))" "$((total + add))" "$TMP/more" \
    && imap_append_dir gateway INBOX "$TMP/more" || return 1
  total=$((total + add))
  diag "APPENDed $add more (total $total)"
}

# The messages in the INBOX, counted after each kill.
inbox_count () {
  imap_count gateway INBOX
}

t0=$(date +%s.%N)
kill_at_moments inbox_count INBOX
kills_fell INBOX
filed_once
n=$(imap_count gateway INBOX)
[ "$n" = 0 ] && ok "the INBOX is empty" || fail "the INBOX is empty" "it holds ${n:-?}"
for folder in Processed Rejected; do
  doveadm -c "$DOVECOT_CONF" fetch -u gateway hdr.message-id mailbox "$folder" \
    | sed -n 's/^hdr\.message-id: *//p' > "$TMP/in.$folder"
done
folders_hold "$total" "$TMP/in.Processed" "$TMP/in.Rejected"
db_is "every answer is queued once" "$total|$total" "SELECT count(*), count(DISTINCT submission_id) FROM outbox"
db_is "every answer is delivered to the sink" "$total" "SELECT count(*) FROM outbox WHERE state = 'sent'"
diag "answer files in the outbox Maildir: $(find "$GATEWAY_DIR/outbox/new" -type f | wc -l)"
finish
