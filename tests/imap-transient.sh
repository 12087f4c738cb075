#!/bin/sh
# A message whose processing fails for a transient reason (another process
# holds the database's write lock past the busy timeout) stays in the IMAP
# INBOX: `run --once` exits 75, and the message is filed once the lock is
# gone, by the next run --once or by the running daemon.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
. "${CTCGW_SRCDIR:-.}/tests/servers.sh"
need_ctcgw
make_tmpdir
servers_start
gateway_setup "$TMP/gw" || servers_fail "the gateway is set up" "ctcgw init or import failed"

# lock: another process takes the write lock and keeps it until unlock.
lock () {
  rm -f "$TMP/locked" "$TMP/release"
  mkfifo "$TMP/release"
  python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
db.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
sys.stdin.read()
db.execute("COMMIT")
' "$GATEWAY_DB" "$TMP/locked" < "$TMP/release" &
  locker=$!
  exec 3>"$TMP/release"
  i=0
  while [ ! -e "$TMP/locked" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  [ -e "$TMP/locked" ]
}
# unlock: the other process commits and ends.
unlock () {
  exec 3>&-
  wait "$locker"
}

make_submissions 1 2 "$TMP/mail"
imap_save gateway INBOX < "$TMP/mail/000001.eml"
check_true "another process holds the write lock" lock
t0=$(date +%s.%N)
check "run --once asks to be run again (75)" 75 gw -q run --once
diag "it gave up after $(elapsed "$t0") s"
n=$(imap_count gateway INBOX)
[ "$n" = 1 ] && ok "the message stays in the INBOX" || fail "the message stays in the INBOX" "INBOX holds ${n:-?}"
n=$(imap_count gateway Processed)
[ "${n:-0}" = 0 ] && ok "nothing is moved" || fail "nothing is moved" "Processed holds $n"
unlock
db_is "nothing is filed" 0 "SELECT count(*) FROM submissions WHERE class = 'submission'"
check "once the lock is gone, run --once succeeds" 0 gw -q run --once
db_is "the message is filed" 1 "SELECT count(*) FROM submissions WHERE class = 'submission'"
n=$(imap_count gateway INBOX)
[ "$n" = 0 ] && ok "and moved out of the INBOX" || fail "and moved out of the INBOX" "INBOX holds ${n:-?}"
n=$(imap_count gateway Processed)
[ "$n" = 1 ] && ok "to Processed" || fail "to Processed" "Processed holds ${n:-none}"
db_is "it is answered once" 1 "SELECT count(*) FROM outbox"

# The daemon: the locked message waits in the INBOX, then is filed.
gateway_start
sleep 1
check_true "another process holds the write lock again" lock
imap_save gateway INBOX < "$TMP/mail/000002.eml"
sleep 7
n=$(imap_count gateway INBOX)
[ "$n" = 1 ] && ok "the daemon leaves the message in the INBOX meanwhile" \
  || { fail "the daemon leaves the message in the INBOX meanwhile" "INBOX holds ${n:-?}"; gateway_log; }
alive "$GATEWAY_PID" && ok "and keeps running" || { fail "and keeps running"; gateway_log; }
unlock
got=$(wait_sql "SELECT count(*) FROM submissions WHERE class = 'submission'" 2 15)
[ "$got" = 2 ] && ok "it files the message once the lock is gone" || { fail "it files the message once the lock is gone" "$got filed"; gateway_log; }
n=$(wait_count gateway Processed 2 5)
[ "$n" = 2 ] && ok "and moves it" || fail "and moves it" "Processed holds ${n:-none}"
gateway_stop
finish
