# Helpers of the kill tests (tests/imap-crash.sh, tests/maildir-crash.sh,
# tests/smtp-crash.sh), sourced after tests/lib.sh and tests/servers.sh:
#
#   gateway_signal_at SIGNAL SQL TARGET SECONDS
#                                         # gateway_start; SIGNAL once SQL reaches TARGET
#   make_mixed FROM TO DIR                # submissions filed, rejected or quarantined
#   mixed_outcomes FROM TO                # "FILED|REJECTED|QUARANTINED" among them
#   mixed_expected FROM TO FOLDER         # their Message-IDs that belong in FOLDER
#   folders_hold TOTAL PROCESSED REJECTED # the Message-IDs the folders hold are right
#   kill_at_moments COUNT WHERE           # a kill at each moment of $TMP/moments
#   kills_fell WHERE                      # the kills fell where they should
#   filed_once                            # a last pass; each message filed once
#
# The moment of a kill is drawn from the daemon's measured progress, not
# from the clock: a kill falls during its work on a fast machine as on a
# slow or loaded one.

# gateway_signal_at SIGNAL SQL TARGET SECONDS: gateway_start, and SIGNAL
# (KILL, TERM) to the daemon as soon as the answer of SQL on its database
# reaches TARGET; prints the answer seen then.  The watcher has the
# database open before the daemon starts and reads it every few
# milliseconds, so the daemon gets little further before the signal.
# Fails (and signals nothing) when the daemon exits first or SECONDS pass.
gateway_signal_at () {
    rm -f "$TMP/.watch.ready" "$TMP/.watch.pid"
    python3 - "$GATEWAY_DB" "$TMP/.watch" "$1" "$2" "$3" "$4" \
        >"$TMP/.watch.seen" 2>"$TMP/.watch.err" <<'PYEOF' &
import os, signal, sqlite3, sys, time
db, base, sig, sql, target, limit = sys.argv[1:]
target, deadline = int(target), time.monotonic() + float(limit)
con = sqlite3.connect(db, timeout=10)
seen = con.execute(sql).fetchone()[0] or 0
open(base + ".ready", "w").close()
pid = 0
while not pid and time.monotonic() < deadline:
    try:
        with open(base + ".pid") as f:
            pid = int(f.read())
    except (OSError, ValueError):
        time.sleep(0.001)

def alive():
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False

while time.monotonic() < deadline and alive():
    try:
        seen = con.execute(sql).fetchone()[0] or 0
    except sqlite3.Error:
        pass
    if seen >= target:
        os.kill(pid, getattr(signal, "SIG" + sig))
        print(seen)
        sys.exit(0)
    time.sleep(0.002)
print(seen)
sys.exit(1)
PYEOF
    _cr_watch=$!
    while [ ! -e "$TMP/.watch.ready" ] && alive "$_cr_watch"; do
        sleep 0.01
    done
    gateway_start
    # Builtins only from here on, so that the shell's notice that its job
    # was killed (printed by whichever command reaps it) stays quiet: the
    # caller's gateway_kill or gateway_stop reaps it.
    { echo "$GATEWAY_PID" > "$TMP/.watch.pid"; wait "$_cr_watch"; } 2>/dev/null
    _cr_status=$?
    read -r _cr_seen < "$TMP/.watch.seen"
    echo "$_cr_seen"
    [ ! -s "$TMP/.watch.err" ] || { while read -r _cr_line; do echo "# $_cr_line"; done < "$TMP/.watch.err"; }
    return "$_cr_status"
}

# mixed_kind N: what submission N is: rejected (every fifth: every record
# has errors), quarantined (every seventh of the others: a sender who may
# not write for UNODC), filed (the rest).
mixed_kind () {
    if [ $(($1 % 5)) -eq 0 ]; then echo rejected
    elif [ $(($1 % 7)) -eq 0 ]; then echo quarantined
    else echo filed
    fi
}

# make_mixed FROM TO DIR: submission N for each N from FROM to TO, one file
# each, Message-ID <imap-N@test.example>, of the kind mixed_kind says.
make_mixed () {
    make_submissions "$1" "$2" "$3" || return 1
    _cr_n=$1
    while [ "$_cr_n" -le "$2" ]; do
        _cr_f=$3/$(printf '%06d' "$_cr_n").eml
        case $(mixed_kind "$_cr_n") in
            rejected)
                printf 'From: Helen Park <h.park@fatf.example>\nTo: intake@ctc.example\nSubject: Standard %s\nMessage-ID: <imap-%s@test.example>\nDate: Tue, 17 Nov 2026 15:02:44 +0100\n\nForm: standard\nIssuer: FATF\nAreas: no-such-area\n' "$_cr_n" "$_cr_n" > "$_cr_f" ;;
            quarantined)
                printf 'From: Someone <x.stranger@elsewhere.example>\nTo: intake@ctc.example\nSubject: Offer %s\nMessage-ID: <imap-%s@test.example>\nDate: Mon, 16 Nov 2026 10:03:51 +0100\n\nForm: assistance-offer\nProvider: UNODC\nTitle: Workshop number %s\nAreas: criminal-justice\nBeneficiaries: KZ\n' "$_cr_n" "$_cr_n" "$_cr_n" > "$_cr_f" ;;
        esac
        _cr_n=$((_cr_n + 1))
    done
}

# mixed_outcomes FROM TO: how many of submissions FROM..TO are filed,
# rejected and quarantined, as "FILED|REJECTED|QUARANTINED".
mixed_outcomes () {
    awk -v a="$1" -v b="$2" 'BEGIN {
        for (n = a; n <= b; n++) {
            if (n % 5 == 0) r++; else if (n % 7 == 0) q++; else f++
        }
        printf "%d|%d|%d\n", f, r, q }'
}

# mixed_expected FROM TO FOLDER: the Message-IDs of submissions FROM..TO
# that belong in FOLDER (Processed: filed and quarantined; Rejected),
# sorted.
mixed_expected () {
    awk -v a="$1" -v b="$2" -v folder="$3" 'BEGIN {
        for (n = a; n <= b; n++)
            if ((n % 5 == 0) == (folder == "Rejected"))
                printf "<imap-%d@test.example>\n", n }' | sort
}

# folders_hold TOTAL PROCESSED REJECTED: the files PROCESSED and REJECTED
# list the Message-IDs that the two folders hold (one a message, in any
# order); four checks that they hold exactly submissions 1..TOTAL, each
# where mixed_kind puts it.
folders_hold () {
    mixed_expected 1 "$1" Processed > "$TMP/want.processed"
    mixed_expected 1 "$1" Rejected > "$TMP/want.rejected"
    sort "$2" > "$TMP/got.processed"
    sort "$3" > "$TMP/got.rejected"
    for _cr_folder in processed rejected; do
        _cr_want=$(wc -l < "$TMP/want.$_cr_folder")
        _cr_got=$(wc -l < "$TMP/got.$_cr_folder")
        if cmp -s "$TMP/want.$_cr_folder" "$TMP/got.$_cr_folder"; then
            ok "the $_cr_folder folder holds exactly the $_cr_want messages it should, each once"
        else
            fail "the $_cr_folder folder holds exactly the $_cr_want messages it should, each once" \
                "it holds $_cr_got; missing or more than once (<) and wrong (>):
$(diff "$TMP/want.$_cr_folder" "$TMP/got.$_cr_folder" | grep '^[<>]' | head -n 10)"
        fi
    done
    sort -u "$TMP/got.processed" > "$TMP/once.processed"
    sort -u "$TMP/got.rejected" > "$TMP/once.rejected"
    _cr_both=$(comm -12 "$TMP/once.processed" "$TMP/once.rejected" | wc -l)
    [ "$_cr_both" = 0 ] && ok "no message is in both folders" \
        || fail "no message is in both folders" "$_cr_both are"
    _cr_all=$(sort -u "$TMP/got.processed" "$TMP/got.rejected" | wc -l)
    [ "$_cr_all" = "$1" ] && ok "no message is lost: the folders hold all $1" \
        || fail "no message is lost: the folders hold all $1" "they hold $_cr_all different Message-IDs"
}

# kill_at_moments COUNT WHERE: for each K of $TMP/moments, top_up (the
# script's: feeds the mailbox, may raise $total), gateway_signal_at KILL
# once the daemon filed K more messages (SQL $FILED), then counts what the
# kill left: COUNT prints the messages in the mailbox, WHERE names it in
# diagnostics.  A kill falls during the work when the daemon filed
# messages in that life and others were still to be filed; it leaves the
# crash behind when messages it filed were still in the mailbox (they are
# read again as duplicates).  Sets kills, busy, unmoved, fed and most.
kill_at_moments () {
    kills=0 busy=0 unmoved=0 fed=0
    while read -r k; do
        top_up || fed=$((fed + 1))
        before=$(q "$FILED")
        gateway_signal_at KILL "$FILED" "$((before + k))" 60 >/dev/null \
            || { diag "the daemon did not file $k messages in its life $((kills + 1))"; gateway_log 10; }
        gateway_kill
        left=$($1)
        left=${left:-0}
        after=$(q "$FILED")
        [ "$((after - before))" -gt "$most" ] && most=$((after - before))
        kills=$((kills + 1))
        [ "$after" -gt "$before" ] && [ "$total" -gt "$after" ] && busy=$((busy + 1))
        [ "$((left - (total - after)))" -gt 0 ] && unmoved=$((unmoved + 1))
        diag "kill $kills after $((after - before)) filed in this life (drawn: $k): $left in the $2, of them $((left - (total - after))) filed"
    done < "$TMP/moments"
}

# kills_fell WHERE: the mailbox was kept fed, every kill fell during the
# work (KILLS at least), and some left messages filed but not moved.
kills_fell () {
    [ "$fed" = 0 ] && ok "the $1 is kept fed ($((total - N)) more added)" \
        || fail "the $1 is kept fed" "$fed additions failed"
    [ "$busy" = "$kills" ] && [ "$kills" -ge "$KILLS" ] \
        && ok "each of the $kills kills fell during the work" \
        || fail "each of the $KILLS kills fell during the work" "$busy of $kills did"
    [ "$unmoved" -gt 0 ] && ok "$unmoved of the kills left messages filed but not moved" \
        || fail "some kills left messages filed but not moved" "none did"
}

# filed_once: a last run --once; then each of the $total messages is filed
# once, with the outcome of its kind, and each record once.
filed_once () {
    check "a last run --once succeeds" 0 gw -q run --once
    diag "kills and the last pass took $(elapsed "$t0") s; $(grep -c 'outcome=duplicate' "$GATEWAY_DIR/run.log") messages were read again as duplicates"
    db_is "exactly $total submissions are filed" "$total" "$FILED"
    db_is "none twice" "$total" "SELECT count(DISTINCT message_id) FROM submissions WHERE class = 'submission'"
    db_is "each has the outcome of its kind (filed|rejected|quarantined)" "$(mixed_outcomes 1 "$total")" \
        "SELECT sum(outcome = 'filed'), sum(outcome = 'rejected'), sum(outcome = 'quarantined') FROM submissions WHERE class = 'submission'"
    db_is "each record once" "$(mixed_outcomes 1 "$total" | cut -d'|' -f1)" \
        "SELECT (SELECT count(*) FROM offers) + (SELECT count(*) FROM standards)"
}
