# `ctcgw deliver` as Postfix's pipe(8) runs it (ctcgw(8), SERVICE and
# EXAMPLES): as a user that is not root, which must own the database and
# its directory.  While it cannot write them, deliver exits 75 and Postfix
# keeps the message; once it can, the message is filed.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
. "${CTCGW_SRCDIR:-.}/tests/servers.sh"
need_ctcgw
make_tmpdir
servers_start

# The gateway's directory, the configuration readable by the delivering
# user; the database made by root first, so that user cannot write it.
gw=$TMP/gw
mkdir -p "$gw/outbox/new" "$gw/outbox/cur" "$gw/outbox/tmp"
cat >"$gw/ctcgw.conf" <<EOF
[gateway]
database = registers.db
address = intake@ctc.example
staff = desk@ctc.example
[smtp]
url = maildir:outbox
[authentication]
require = none
EOF
check "init" 0 "$CTCGW" -q -c "$gw/ctcgw.conf" init
chmod 0711 "$gw"
chmod 0644 "$gw/ctcgw.conf"
user=$(unprivileged_owner)

# Mail to intake@ctc.example goes to the transport ctcgw, the pipe of
# ctcgw(8)'s example.
postconf -c "$POSTFIX_DIR" -e "transport_maps = inline:{intake@ctc.example=ctcgw:}"
postconf -c "$POSTFIX_DIR" -M "ctcgw/unix=ctcgw unix - n n - - pipe flags=Rq user=${user%%:*} argv=$CTCGW -c $gw/ctcgw.conf deliver --mailbox postfix"
check "postfix reload" 0 postfix -c "$POSTFIX_DIR" reload

# wait_log REGEX: waits (60 s at most) for a line of Postfix's log.
wait_log () {
    for _ in $(seq 600); do
        grep -Eq -- "$1" "$POSTFIX_DIR/postfix.log" && return 0
        sleep 0.1
    done
    return 1
}

submissions () {
    sqlite3 -cmd '.timeout 10000' "$gw/registers.db" 'SELECT count(*) FROM submissions'
}

check_true "Postfix takes a message for the gateway" \
    smtp_send j.doe@unodc.example intake@ctc.example <"$CTCGW_SRCDIR/examples/mail/02-assistance-offer.eml"
check_true "deliver, unable to write the database, has it deferred" \
    wait_log 'to=<intake@ctc.example>, relay=ctcgw, .*status=deferred'
check_true "Postfix logs why" wait_log 'status=deferred .*Command output: ctcgw: '
check_true "nothing was filed" test "$(submissions)" = 0

chown -R "$user" "$gw"
postqueue -c "$POSTFIX_DIR" -f
check_true "once the user owns the gateway's directory, it is delivered" \
    wait_log 'to=<intake@ctc.example>, relay=ctcgw, .*status=sent'
check_true "and filed" test "$(submissions)" = 1
[ "$TESTS_FAILED" -eq 0 ] || grep ctcgw "$POSTFIX_DIR/postfix.log" | tail -n 20 | diag
finish
