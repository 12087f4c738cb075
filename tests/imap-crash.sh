#!/bin/sh
# Crash safety against a real Dovecot: `ctcgw run` is stopped with SIGTERM
# in the middle of a pass, then killed with SIGKILL at random moments while
# it works through 1,000 messages and more (the INBOX is kept fed), and
# started again each time; after a last `run --once`, every message is filed
# exactly once, every one is in Processed, and every answer is queued once.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
. "${CTCGW_SRCDIR:-.}/tests/servers.sh"
need_ctcgw
make_tmpdir
servers_start
gateway_setup "$TMP/gw" || servers_fail "the gateway is set up" "ctcgw init or import failed"
N=${CRASH_MESSAGES:-1000}
KILLS=${CRASH_KILLS:-12}

make_submissions 1 "$N" "$TMP/mail"
check_true "$N messages are APPENDed to the INBOX" imap_append_dir gateway INBOX "$TMP/mail"

# SIGTERM in the middle of the pass: the daemon stops within the 10 s of
# gateway_stop with status 0, and what it filed has left the INBOX (the
# batches the second connection was to move are moved before it exits).
gateway_start
wait_sql "SELECT count(*) >= 150 FROM submissions WHERE class = 'submission'" 1 10 >/dev/null
gateway_stop
[ "$GATEWAY_STATUS" = 0 ] && ok "SIGTERM in the middle of a pass stops the daemon with status 0" \
  || { fail "SIGTERM in the middle of a pass stops the daemon with status 0" "status $GATEWAY_STATUS"; gateway_log 10; }
filed=$(q "SELECT count(*) FROM submissions WHERE class = 'submission'")
left=$(imap_count gateway INBOX)
diag "after SIGTERM: $filed filed, $left in the INBOX"
[ "$((filed + left))" = "$N" ] && [ "$left" -gt 0 ] \
  && ok "it stopped before the end, and every message it filed has left the INBOX" \
  || fail "it stopped before the end, and every message it filed has left the INBOX" "$filed filed, $left in the INBOX"

# The moments: random, from 0.03 s to 0.23 s after each start (a start
# takes about a tenth of a second: some kills fall in it, most in the work).
# The INBOX is counted after the kill, so that counting does not lengthen
# the daemon's life.
# Kills go on until 10 fell while mail was still in the INBOX, and at
# least KILLS were made (40 at most).
# The INBOX is kept fed, so that kills land in the work however fast the
# machine: before each start, fresh submissions are APPENDed until it holds
# at least N messages and three times the most the daemon filed in one life.
seed=${CRASH_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
diag "kill moments drawn with seed $seed (CRASH_SEED=$seed reproduces them)"
awk -v seed="$seed" 'BEGIN { srand (seed); for (i = 0; i < 40; i++) printf "%.2f\n", 0.03 + rand () * 0.2 }' \
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
  make_submissions "$((total + 1))" "$((total + add))" "$TMP/more" \
    && imap_append_dir gateway INBOX "$TMP/more" || return 1
  total=$((total + add))
  diag "APPENDed $add more (total $total)"
}

filed_now () {
  q "SELECT count(*) FROM submissions WHERE class = 'submission'"
}

kills=0 busy=0 fed=0
t0=$(date +%s.%N)
while read -r moment; do
  top_up || fed=$((fed + 1))
  before=$(filed_now)
  gateway_start
  sleep "$moment"
  alive "$GATEWAY_PID" || { diag "the daemon had exited before kill $((kills + 1))"; gateway_log 10; }
  gateway_kill
  left=$(imap_count gateway INBOX)
  after=$(filed_now)
  [ "$((after - before))" -gt "$most" ] && most=$((after - before))
  kills=$((kills + 1))
  [ "${left:-0}" -gt 0 ] && busy=$((busy + 1))
  diag "kill $kills after $moment s: $left in the INBOX, $after filed ($((after - before)) in this life)"
  [ "$busy" -ge 10 ] && [ "$kills" -ge "$KILLS" ] && break
done < "$TMP/moments"
[ "$fed" = 0 ] && ok "the INBOX is kept fed ($((total - N)) more APPENDed)" \
  || fail "the INBOX is kept fed" "$fed APPENDs failed"
[ "$busy" -ge 10 ] && ok "the daemon is killed $kills times, $busy of them with mail in the INBOX" \
  || fail "the daemon is killed at least 10 times with mail in the INBOX" "$kills kills, $busy with mail in the INBOX"

check "a last run --once succeeds" 0 gw -q run --once
diag "kills and the last pass took $(elapsed "$t0") s"
db_is "exactly $total submissions are filed" "$total" "SELECT count(*) FROM submissions WHERE class = 'submission'"
db_is "none twice" "$total" "SELECT count(DISTINCT message_id) FROM submissions WHERE class = 'submission'"
db_is "every one is filed, none rejected" "$total" "SELECT count(*) FROM submissions WHERE class = 'submission' AND outcome = 'filed'"
db_is "each record once" "$total" "SELECT (SELECT count(*) FROM offers) + (SELECT count(*) FROM standards)"
n=$(imap_count gateway INBOX)
[ "$n" = 0 ] && ok "the INBOX is empty" || fail "the INBOX is empty" "it holds ${n:-?}"
n=$(imap_count gateway Processed)
[ "$n" = "$total" ] && ok "Processed holds all $total" || fail "Processed holds all $total" "it holds ${n:-no folder}"
doveadm -c "$DOVECOT_CONF" fetch -u gateway hdr.message-id mailbox Processed \
  | sed -n 's/^hdr\.message-id: *//p' | sort -u | wc -l > "$TMP/distinct"
[ "$(cat "$TMP/distinct")" = "$total" ] && ok "each of them once" || fail "each of them once" "$(cat "$TMP/distinct") different Message-IDs"
db_is "every answer is queued once" "$total|$total" "SELECT count(*), count(DISTINCT submission_id) FROM outbox"
db_is "every answer is delivered to the sink" "$total" "SELECT count(*) FROM outbox WHERE state = 'sent'"
diag "answer files in the outbox Maildir: $(find "$GATEWAY_DIR/outbox/new" -type f | wc -l)"
finish
