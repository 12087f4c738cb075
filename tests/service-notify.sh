# `ctcgw run` under systemd's notification protocol (sd_notify(3), ctcgw(8)
# SERVICE): READY=1 after the first pass with a STATUS= of what it did,
# WATCHDOG=1 from the loop, RELOADING=1 and READY=1 around a SIGHUP,
# STOPPING=1 at SIGTERM.  A Python socket stands in for systemd.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"

need_ctcgw
make_tmpdir
command -v python3 >/dev/null || skip_all "python3 is needed for the notification socket"

mkdir -p "$TMP/inbox/new" "$TMP/inbox/cur" "$TMP/inbox/tmp"
sink_conf <<EOF
[mailbox intake]
url = maildir:$TMP/inbox
poll_interval = 3600
EOF
check "init" 0 "$CTCGW" -c "$CONF" init
cp "$CTCGW_SRCDIR/examples/mail/02-assistance-offer.eml" "$TMP/inbox/new/1.eml"

# Writes each datagram to $TMP/notes as one line, its newlines as '|'.
python3 - "$TMP/notify" "$TMP/notes" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
while True:
    note = s.recv(4096).decode().replace("\n", "|")
    with open(sys.argv[2], "a") as f:
        f.write(note + "\n")
PY
listener=$!
at_exit 'kill $listener 2>/dev/null'

# wait_note REGEX N: waits (60 s at most) until N notes match REGEX.
wait_note () {
    for _ in $(seq 600); do
        [ "$(grep -Ec -- "$1" "$TMP/notes" 2>/dev/null)" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

for _ in $(seq 100); do [ -S "$TMP/notify" ] && break; sleep 0.1; done
NOTIFY_SOCKET="$TMP/notify" WATCHDOG_USEC=1000000 "$CTCGW" -c "$CONF" run 2>"$TMP/run.log" &
daemon=$!
at_exit 'kill $daemon 2>/dev/null'

check_true "READY=1 after the first pass" wait_note '^READY=1$' 1
check_true "STATUS= says what the pass did" \
    grep -Eq '^STATUS=last pass .*: 1 taken in, 1 sent$' "$TMP/notes"
check_true "the status came before READY=1" sh -c "head -n 1 '$TMP/notes' | grep -q '^STATUS='"
check_true "WATCHDOG=1 from the loop" wait_note '^WATCHDOG=1$' 2
kill -HUP "$daemon"
check_true "RELOADING=1 at SIGHUP" wait_note '^RELOADING=1$' 1
check_true "READY=1 again after the reload" wait_note '^READY=1$' 2
kill -TERM "$daemon"
check_true "STOPPING=1 at SIGTERM" wait_note '^STOPPING=1$' 1
wait "$daemon"
check "the daemon exits 0" 0 test $? -eq 0
[ "$TESTS_FAILED" -eq 0 ] || diag <"$TMP/notes"
finish
