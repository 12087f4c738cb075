# Helpers of the outbox tests over SMTP (tests/smtp-*.sh) and of
# bench/fanout, sourced after tests/lib.sh and tests/servers.sh:
#
#   smtp_gateway_setup DIR        # gateway_setup, with [smtp] url = the private Postfix
#   add_users FORMAT N            # Dovecot users FORMAT%(1..N), e.g. u%04d (password secret)
#   queue_fanout FORMAT N TAG [SIZE] [FIRST]
#                                 # N outbox rows, one to each FORMAT%(i)@ctc.example
#   queue_row ADDRESS TAG         # one more row, to any address
#   postfix_drain SECONDS         # waits until Postfix's queue is empty
#   copies FORMAT N TAG           # "COPIES:USERS ..." over the users FORMAT%(1..N)
#   accepted FORMAT N TAG         # "TIMES:MESSAGES ...": how often Postfix queued each
#   accepted_twice FORMAT N TAG   # the numbers of those it queued more than once
#   redelivered FORMAT N TAG      # how many of its queue files Postfix delivered twice
#
# FORMAT is a printf format with one %d (u%04d: u0001, u0002, ...).
# The rows are written with sqlite3 straight into the outbox table (the
# columns of schema/001-registers.sql), with LF line ends as outbox_queue
# stores them, and a body line that starts with a dot.

# smtp_gateway_setup DIR: the gateway of gateway_setup, sending over SMTP
# to the private Postfix; delivery reports go to gateway@ctc.example.
smtp_gateway_setup () {
    gateway_setup "$1" || return 1
    _sm_conf=$GATEWAY_CONF.new
    sed "/^\[smtp\]/,/^\[/ s|^url = .*|url = smtp://127.0.0.1:$SMTP_PORT\\
bounce_address = gateway@ctc.example|" "$GATEWAY_CONF" > "$_sm_conf" \
        && mv "$_sm_conf" "$GATEWAY_CONF"
}

# add_users FORMAT N: N users in the passwd-file of the private Dovecot
# (it reads the file again when it changes).
add_users () {
    awk -v f="$1" -v n="$2" 'BEGIN { for (i = 1; i <= n; i++) printf f ":{PLAIN}secret\n", i }' \
        >> "$SERVERS_DIR/users"
}

# fanout_sql FORMAT N TAG FIRST SIZE: the SQL of queue_fanout.
fanout_sql () {
    cat <<EOF
WITH RECURSIVE n(i) AS (SELECT $4 UNION ALL SELECT i + 1 FROM n WHERE i < $4 + $2 - 1),
pad(line) AS (SELECT 'Paragraph of the circular text, kept the same for every recipient.')
INSERT INTO outbox (state, kind, recipient, mail_from, message_id, raw, tries, created)
SELECT 'queued', 'test', printf('$1@ctc.example', i), 'gateway@ctc.example',
  printf('<$3-%d@ctc.example>', i),
  CAST(printf('From: CTC Executive Directorate <intake@ctc.example>' || char(10)
    || 'To: $1@ctc.example' || char(10)
    || 'Subject: [CTC-CIR-2026-0001] Fan-out test $3' || char(10)
    || 'Message-ID: <$3-%d@ctc.example>' || char(10)
    || 'Date: Mon, 16 Nov 2026 10:00:00 +0000' || char(10)
    || 'MIME-Version: 1.0' || char(10)
    || 'Content-Type: text/plain; charset=utf-8' || char(10)
    || 'Auto-Submitted: auto-generated' || char(10) || char(10)
    || 'Dear contact point,' || char(10)
    || '.a line that starts with a dot' || char(10)
    || (SELECT group_concat(line, char(10)) FROM (SELECT line FROM pad, (
         WITH RECURSIVE k(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k
                                 WHERE j < max(1, $5 / 68)) SELECT j FROM k)))
    || char(10) || 'end' || char(10), i, i) AS BLOB),
  0, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
FROM n;
EOF
}

# queue_fanout FORMAT N TAG [SIZE] [FIRST]: N queued rows (numbers FIRST,
# default 1, onwards) to FORMAT%(i)@ctc.example, of about SIZE bytes
# (default 2000), Message-ID <TAG-i@ctc.example>.
queue_fanout () {
    fanout_sql "$1" "$2" "$3" "${5:-1}" "${4:-2000}" | q "$(cat)"
}

# queue_row ADDRESS TAG: one queued row to ADDRESS (any domain).
queue_row () {
    q "INSERT INTO outbox (state, kind, recipient, mail_from, message_id, raw, tries, created)
       VALUES ('queued', 'test', '$1', 'gateway@ctc.example', '<$2@ctc.example>',
       CAST('From: intake@ctc.example' || char(10) || 'To: $1' || char(10)
            || 'Subject: one row' || char(10) || 'Message-ID: <$2@ctc.example>'
            || char(10) || char(10) || 'text' || char(10) AS BLOB),
       0, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
       SELECT last_insert_rowid();"
}

# postfix_drain SECONDS: waits until no message is in Postfix's queue;
# fails (listing them as diagnostics) when some still are after SECONDS.
# Only complete queue files count (Postfix sets their owner's execute
# bit): a transaction cut short by `postfix stop` can leave an incomplete
# one in incoming/, which Postfix never delivers.
postfix_drain () {
    _sm_deadline=$(($(date +%s) + $1))
    while :; do
        _sm_left=$(find "$POSTFIX_DIR/queue/maildrop" "$POSTFIX_DIR/queue/incoming" \
                        "$POSTFIX_DIR/queue/active" "$POSTFIX_DIR/queue/deferred" \
                        -type f -perm -u+x 2>/dev/null | head -n 5)
        [ -z "$_sm_left" ] && return 0
        [ "$(date +%s)" -lt "$_sm_deadline" ] || break
        sleep 0.2
    done
    echo "$_sm_left" | diag
    return 1
}

# copies FORMAT N TAG: how many users among FORMAT%(1..N) hold how many
# messages of TAG, as "COPIES:USERS" pairs in COPIES order ("1:300" when
# each has exactly one).  A message counts when its Message-ID is TAG's
# and its dot line came through unstuffed.
copies () {
    python3 - "$SERVERS_DIR/mail" "$1" "$2" "$3" <<'EOF'
import os, sys, collections
root, fmt, n, tag = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
hist = collections.Counter()
for i in range(1, n + 1):
    user = fmt % i
    found = 0
    for sub in ("new", "cur"):
        d = os.path.join(root, user, sub)
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            with open(os.path.join(d, name), "rb") as f:
                data = f.read()
            if (b"Message-ID: <%s-%d@ctc.example>" % (tag.encode(), i)) in data \
               and b"\n.a line that starts with a dot\n" in data:
                found += 1
    hist[found] += 1
print(" ".join("%d:%d" % (k, hist[k]) for k in sorted(hist)))
EOF
}

# The three below read the copies in the mailboxes, not Postfix's log:
# `postfix stop` loses the log lines its log daemon had not yet written,
# and that daemon may write them late.  Each copy carries, in the Received
# header Postfix added, the id of the queue file it came from; a message
# queued twice came from two files, a queue file delivered twice left two
# copies with one id.  (Postfix reuses a short id only once its file is
# gone: never for one message in one test.)
#
# queue_files FORMAT N TAG MODE: MODE accepted prints how many queue files
# each message <TAG-i@ctc.example> (i from 1 to N, in the mailbox of
# FORMAT%(i)) came from, as "TIMES:MESSAGES" pairs ("1:300" when each came
# from exactly one); MODE twice the numbers i of those from more than one;
# MODE redelivered how many queue files were delivered more than once.
queue_files () {
    python3 - "$SERVERS_DIR/mail" "$1" "$2" "$3" "$4" <<'PYEOF'
import os, re, sys, collections
root, fmt, n, tag, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
queued = re.compile(rb"\(Postfix\) with E?SMTP id ([0-9A-Za-z]+)")
files = {}
for i in range(1, n + 1):
    ids = collections.Counter()
    for sub in ("new", "cur"):
        d = os.path.join(root, fmt % i, sub)
        for name in os.listdir(d) if os.path.isdir(d) else ():
            with open(os.path.join(d, name), "rb") as f:
                data = f.read()
            m = queued.search(data)
            if m and (b"Message-ID: <%s-%d@ctc.example>" % (tag.encode(), i)) in data:
                ids[m.group(1)] += 1
    files[i] = ids
if mode == "accepted":
    hist = collections.Counter(len(ids) for ids in files.values())
    print(" ".join("%d:%d" % (k, hist[k]) for k in sorted(hist)))
elif mode == "twice":
    print(" ".join(str(i) for i in sorted(files) if len(files[i]) > 1))
else:
    print(sum(1 for ids in files.values() for c in ids.values() if c > 1))
PYEOF
}

# accepted FORMAT N TAG: how many times Postfix took each message into its
# queue, as "TIMES:MESSAGES" pairs.
accepted () {
    queue_files "$1" "$2" "$3" accepted
}

# accepted_twice FORMAT N TAG: the numbers i of the messages Postfix took
# into its queue more than once.
accepted_twice () {
    queue_files "$1" "$2" "$3" twice
}

# redelivered FORMAT N TAG: how many queue files Postfix delivered more
# than once (a delivery cut short by `postfix stop` is delivered again after
# the restart, and Dovecot may have saved the first one).
redelivered () {
    queue_files "$1" "$2" "$3" redelivered
}
