#!/bin/sh
# Crash safety of a Maildir mailbox: `ctcgw run` reading a local Maildir is
# killed with SIGKILL again and again while it works through 1,000
# messages and more (filed, rejected and quarantined ones), and started
# again each time; after a last `run --once`, every message is filed
# exactly once, each is in the folder its outcome calls for (.Rejected
# when every record had errors, .Processed otherwise) and in no other, and
# every answer is queued once.  A message filed but not yet moved when the
# daemon died is read again as a duplicate: where it goes is what this
# tests.  No server is needed (the helpers of tests/servers.sh that run
# the gateway are used without one).
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
. "${CTCGW_SRCDIR:-.}/tests/servers.sh"
. "${CTCGW_SRCDIR:-.}/tests/crash-lib.sh"
need_ctcgw
for p in python3 sqlite3; do
  command -v "$p" >/dev/null 2>&1 || skip_all "$p is not installed"
done
make_tmpdir
N=${CRASH_MESSAGES:-1000}
KILLS=${CRASH_KILLS:-12}
FILED="SELECT count(*) FROM submissions WHERE class = 'submission'"

# The gateway of gateway_setup, its mailbox "intake" the Maildir
# $GATEWAY_DIR/inbox instead of the IMAP INBOX.
gateway_setup "$TMP/gw" || { fail "the gateway is set up" "ctcgw init or import failed"; finish; }
INBOX=$GATEWAY_DIR/inbox
mkdir -p "$INBOX/new" "$INBOX/cur" "$INBOX/tmp"
sed -e '/^\[mailbox intake\]/,/^\[/ {
  s|^url = .*|url = maildir:inbox|
  /^user = /d
  /^password_file = /d
  /^idle = /d
}' "$GATEWAY_CONF" > "$GATEWAY_CONF.new" && mv "$GATEWAY_CONF.new" "$GATEWAY_CONF"
check "the Maildir configuration is valid" 0 gw check-config

# inbox_count: the messages in the inbox (new/ and cur/).
inbox_count () {
  find "$INBOX/new" "$INBOX/cur" -type f | wc -l
}

# drop FROM TO: submissions FROM..TO (make_mixed) delivered into new/, in
# name order, as a delivery agent does: written in tmp/, then renamed.
drop () {
  rm -rf "$TMP/more"
  make_mixed "$1" "$2" "$TMP/more" || return 1
  for f in "$TMP/more"/*.eml; do
    name=${f##*/}
    mv "$f" "$INBOX/tmp/${name%.eml}.test" && mv "$INBOX/tmp/${name%.eml}.test" "$INBOX/new/" || return 1
  done
}

check_true "$N messages are dropped into the Maildir" drop 1 "$N"

# The moments: each kill falls once the daemon has filed K more messages
# in its life, K drawn at random from 1 to 600 (a Maildir batch is 256
# messages): measured progress, not time, so that every kill lands in the
# work however fast or loaded the machine.  The inbox is kept fed: before
# each start, fresh submissions are dropped until it holds at least N
# messages and three times the most the daemon filed in one life, and two
# batches more: a batch becomes visible at its one commit, and the daemon
# may commit two more between the moment seen and the kill.
seed=${CRASH_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
diag "kill moments drawn with seed $seed (CRASH_SEED=$seed reproduces them)"
awk -v seed="$seed" -v n="$KILLS" 'BEGIN { srand (seed); for (i = 0; i < n; i++) print 1 + int (rand () * 600) }' \
  > "$TMP/moments"
total=$N most=0

top_up () {
  want=$((3 * most)); [ "$want" -lt "$N" ] && want=$N
  want=$((want + 2 * 256))
  add=$((want - $(inbox_count)))
  [ "$add" -gt 0 ] || return 0
  drop "$((total + 1))" "$((total + add))" || return 1
  total=$((total + add))
  diag "dropped $add more (total $total)"
}

t0=$(date +%s.%N)
kill_at_moments inbox_count inbox
kills_fell inbox
filed_once
n=$(inbox_count)
[ "$n" = 0 ] && ok "the inbox is empty" || fail "the inbox is empty" "it holds $n"
for folder in Processed Rejected; do
  : > "$TMP/in.$folder"
  [ -d "$INBOX/.$folder" ] || continue
  find "$INBOX/.$folder/new" "$INBOX/.$folder/cur" -type f -exec awk '
    FNR == 1 { head = 1 }
    head && /^$/ { head = 0 }
    head && tolower ($0) ~ /^message-id:/ { sub (/^[^:]*: */, ""); print }' {} + > "$TMP/in.$folder"
done
folders_hold "$total" "$TMP/in.Processed" "$TMP/in.Rejected"
db_is "every answer is queued once" "$total|$total" "SELECT count(*), count(DISTINCT submission_id) FROM outbox"
db_is "every answer is delivered to the sink" "$total" "SELECT count(*) FROM outbox WHERE state = 'sent'"

# A message file the gateway's user cannot read is left where it is, with
# a warning naming it, and the ones after it are filed; once readable, it
# is filed.  Root reads any file: the gateway runs as nobody here, to whom
# its directory is given for the while.
before=$(q "SELECT count(*) FROM submissions")
check_true "three more messages are dropped" drop "$((total + 1))" "$((total + 3))"
middle=$(ls "$INBOX/new" | sort | sed -n 2p)
chmod 0755 "$TMP"
chown -R "$(unprivileged_owner)" "$GATEWAY_DIR"
chmod 0000 "$INBOX/new/$middle"
run as_unprivileged "$CTCGW" -c "$GATEWAY_CONF" run --once
[ "$STATUS" = 0 ] && ok "a pass with an unreadable message ends well" \
    || fail "a pass with an unreadable message ends well" "status $STATUS"
check_err "the unreadable message is named" "message left unread: .*$middle"
check_true "it is left in new/" test -f "$INBOX/new/$middle"
db_is "the messages around it are filed" "$((before + 2))" "SELECT count(*) FROM submissions"
chmod 0644 "$INBOX/new/$middle"
check "a pass once it is readable" 0 as_unprivileged "$CTCGW" -c "$GATEWAY_CONF" run --once
chown -R "$(id -u):$(id -g)" "$GATEWAY_DIR"
db_is "then it is filed" "$((before + 3))" "SELECT count(*) FROM submissions"
n=$(inbox_count)
[ "$n" = 0 ] && ok "the inbox is empty again" || fail "the inbox is empty again" "it holds $n"
finish
