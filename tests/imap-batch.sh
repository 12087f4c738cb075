#!/bin/sh
# 200 submissions APPENDed to the gateway's IMAP INBOX on a real Dovecot:
# one `ctcgw run --once` files every one, moves every one to Processed and
# queues one answer to each, written to the Maildir sink.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
. "${CTCGW_SRCDIR:-.}/tests/servers.sh"
need_ctcgw
make_tmpdir
servers_start
gateway_setup "$TMP/gw" || servers_fail "the gateway is set up" "ctcgw init or import failed"
N=200

make_submissions 1 $N "$TMP/mail"
check_true "$N messages are APPENDed to the INBOX" imap_append_dir gateway INBOX "$TMP/mail"
n=$(imap_count gateway INBOX)
[ "$n" = $N ] && ok "the INBOX holds $N messages" || fail "the INBOX holds $N messages" "it holds ${n:-none}"

# Logins of the gateway so far, in Dovecot's log.
logins () {
  grep -c 'Login: user=<gateway>' "$SERVERS_DIR/dovecot.log"
}

before=$(logins)
t0=$(date +%s.%N)
check "run --once succeeds" 0 gw -q run --once
took=$(elapsed "$t0")
diag "run --once took $took s for $N messages"
n=$(($(logins) - before))
[ "$n" = 2 ] && ok "a second connection fetches ahead and moves what is filed" \
  || fail "a second connection fetches ahead and moves what is filed" "$n logins"

db_is "all $N are filed as submissions" $N \
  "SELECT count(*) FROM submissions WHERE class = 'submission' AND outcome = 'filed' AND mailbox = 'intake'"
db_is "each once" $N "SELECT count(DISTINCT message_id) FROM submissions WHERE class = 'submission'"
db_is "the offers are filed" $((N / 2)) "SELECT count(*) FROM offers"
db_is "the standards are filed" $((N / 2)) "SELECT count(*) FROM standards"
db_is "nothing is quarantined" 0 "SELECT count(*) FROM quarantine"
n=$(imap_count gateway INBOX)
[ "$n" = 0 ] && ok "the INBOX is empty" || fail "the INBOX is empty" "it holds ${n:-?} messages"
n=$(imap_count gateway Processed)
[ "$n" = $N ] && ok "Processed holds all $N" || fail "Processed holds all $N" "it holds ${n:-no folder}"
n=$(imap_count gateway Rejected)
[ "${n:-0}" = 0 ] && ok "nothing is rejected" || fail "nothing is rejected" "Rejected holds $n"
doveadm -c "$DOVECOT_CONF" fetch -u gateway hdr.message-id mailbox Processed 2>"$TMP/fetch.err" \
  | sed -n 's/^hdr\.message-id: *//p' | sort -u > "$TMP/processed-ids"
n=$(wc -l < "$TMP/processed-ids")
[ "$n" = $N ] && ok "Processed holds $N different messages" || fail "Processed holds $N different messages" "$n different Message-IDs" "$(cat "$TMP/fetch.err")"
unseen=$(doveadm -c "$DOVECOT_CONF" -f flow mailbox status -u gateway unseen Processed | sed 's/.*unseen=//')
diag "unseen in Processed: $unseen"

db_is "one answer is queued to each" $N \
  "SELECT count(DISTINCT o.submission_id) FROM outbox o JOIN submissions s ON s.id = o.submission_id WHERE s.class = 'submission'"
db_is "and no more" $N "SELECT count(*) FROM outbox"
db_is "every answer is delivered to the sink" $N "SELECT count(*) FROM outbox WHERE state = 'sent'"
files=$(find "$GATEWAY_DIR/outbox/new" -type f | wc -l)
[ "$files" = $N ] && ok "the outbox Maildir holds $N answers" || fail "the outbox Maildir holds $N answers" "it holds $files"

# Each answer replies to one of the messages, and each message has one.
n=1
while [ $n -le $N ]; do echo "<imap-$n@test.example>"; n=$((n + 1)); done | sort > "$TMP/sent-ids"
cat "$GATEWAY_DIR"/outbox/new/* | tr -d '\r' | sed -n 's/^In-Reply-To: *//p' | sort > "$TMP/replied-ids"
if cmp -s "$TMP/sent-ids" "$TMP/replied-ids"; then
  ok "each answer's In-Reply-To names its message, once"
else
  fail "each answer's In-Reply-To names its message, once" "$(diff "$TMP/sent-ids" "$TMP/replied-ids" | head -n 10)"
fi
a=$(grep -l '^In-Reply-To: <imap-2@test.example>' "$GATEWAY_DIR"/outbox/new/* | head -n 1)
if [ -n "$a" ] && grep -qi '^To:.*j\.doe@unodc\.example' "$a" && grep -q '^Subject: Re: Offer 2 \[CTC-SUB-' "$a"; then
  ok "an answer goes to its sender with the submission's reference"
else
  fail "an answer goes to its sender with the submission's reference" "$(head -n 20 "$a" 2>/dev/null)"
fi

check "a second run --once succeeds" 0 gw -q run --once
db_is "and files nothing more" $N "SELECT count(*) FROM submissions WHERE class = 'submission'"
db_is "nor answers again" $N "SELECT count(*) FROM outbox"

# A server that takes one connection a user: the pass reads on that one.
printf 'protocol imap {\n  mail_max_userip_connections = 1\n}\n' >> "$DOVECOT_CONF"
dovecot_stop
dovecot_start
make_submissions $((N + 1)) $((2 * N)) "$TMP/more"
check_true "$N more messages are APPENDed" imap_append_dir gateway INBOX "$TMP/more"
check "with one connection allowed, run --once succeeds" 0 gw run --once
check_err "it says the second connection failed" 'second connection failed, reading on one'
db_is "all $((2 * N)) are filed" $((2 * N)) \
  "SELECT count(*) FROM submissions WHERE class = 'submission' AND outcome = 'filed'"
n=$(imap_count gateway INBOX)
[ "$n" = 0 ] && ok "the INBOX is empty again" || fail "the INBOX is empty again" "it holds ${n:-?} messages"
n=$(imap_count gateway Processed)
[ "$n" = $((2 * N)) ] && ok "Processed holds all $((2 * N))" \
  || fail "Processed holds all $((2 * N))" "it holds ${n:-no folder}"

# The daemon asks once: a second large pass within the hour reads on one
# connection without trying the refused login again.  Each batch of mail
# appears at once (renamed into the Maildir's new/), so each pass is large.
appear () {
  _md=$SERVERS_DIR/mail/gateway
  mkdir -p "$_md/tmp/stage" && cp "$1"/*.eml "$_md/tmp/stage/" && chown -R mail:mail "$_md/tmp/stage" \
    && mv "$_md"/tmp/stage/*.eml "$_md/new/"
}
make_submissions $((2 * N + 1)) $((3 * N)) "$TMP/third"
make_submissions $((3 * N + 1)) $((4 * N)) "$TMP/fourth"
appear "$TMP/third"
gateway_start
filed="SELECT count(*) FROM submissions WHERE class = 'submission'"
wait_sql "$filed" $((3 * N)) 30 >/dev/null
db_is "the daemon files a third batch of $N" $((3 * N)) "$filed"
appear "$TMP/fourth"
wait_sql "$filed" $((4 * N)) 30 >/dev/null
db_is "and a fourth" $((4 * N)) "$filed"
gateway_stop
n=$(grep -c 'second connection failed' "$GATEWAY_DIR/run.log")
[ "$n" = 1 ] && ok "the refused second connection is asked for once" \
  || { fail "the refused second connection is asked for once" "$n warnings"; gateway_log 20; }
finish
