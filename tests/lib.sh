# Helpers for the shell tests, sourced by tests/*.sh.  Each check prints
# "ok N - name" or "not ok N - name" (TAP lines, with "# " diagnostics),
# which automake's TAP driver reports one by one as PASS, FAIL or SKIP;
# finish prints the plan and exits 0 when every check passed, 1 otherwise.
#
# Under CI (CI=true) the machine has everything the tests need (autogen.sh
# installs it): there skip and skip_all fail instead of skipping, and only
# skip_anywhere skips.
#
#   . "$CTCGW_SRCDIR/tests/lib.sh"
#   need_ctcgw                      # skip_all when the program is not built
#   make_tmpdir                     # $TMP, removed on exit
#   at_exit 'stop_things'           # runs at exit, before $TMP is removed
#   check "name" 0 "$CTCGW" --help  # runs it; passes when the status is 0
#   check_out "name" 'regex'        # the last command's stdout matches
#   check_err "name" 'regex'        # the last command's stderr matches
#   as_unprivileged CMD...          # CMD as nobody when run as root
#   sink_conf </dev/null            # $CONF: a gateway sending into a maildir
#   is "name" EXPECTED "SQL"        # the test's q () answers SQL so
#   answer_to ADDRESS               # the text of the last message to ADDRESS
#   finish

TESTS_RUN=0
TESTS_FAILED=0
TMP=
CLEANUP_HOOKS=
OUT=
ERR=
STATUS=

# Prints each line of its arguments (or of stdin) as a TAP diagnostic.
diag () {
    if [ $# -gt 0 ]; then
        printf '%s\n' "$*" | sed 's/^/# /'
    else
        sed 's/^/# /'
    fi
}

ok () {
    TESTS_RUN=$((TESTS_RUN + 1))
    echo "ok $TESTS_RUN - $1"
}

# fail NAME [DIAGNOSTIC...]
fail () {
    TESTS_RUN=$((TESTS_RUN + 1))
    TESTS_FAILED=$((TESTS_FAILED + 1))
    echo "not ok $TESTS_RUN - $1"
    shift
    [ $# -gt 0 ] && diag "$@"
    return 0
}

# True under CI, where nothing the tests need may be missing.
in_ci () {
    [ "${CI:-}" = true ]
}

# skip_anywhere NAME REASON: a check that cannot run here, not even on a CI
# machine (a facility that a CI container may deny).
skip_anywhere () {
    TESTS_RUN=$((TESTS_RUN + 1))
    echo "ok $TESTS_RUN - $1 # SKIP $2"
}

# skip NAME REASON: a check that cannot run here; under CI it fails.
skip () {
    if in_ci; then
        fail "$1" "CI must run it, but: $2"
    else
        skip_anywhere "$1" "$2"
    fi
}

# skip_all REASON: the rest of the script cannot run here.  Before any
# check, the script is skipped (a plan of none); after checks, the rest is
# one skipped check and finish reports the checks that ran.  Under CI the
# skip fails.
skip_all () {
    if [ "$TESTS_RUN" -gt 0 ] || in_ci; then
        skip "the rest of the script" "$1"
        finish
    fi
    echo "1..0 # SKIP $1"
    exit 0
}

# Runs the hooks registered with at_exit (the last first), then removes
# $TMP (kept when CTCGW_KEEP_TMP is set, to look into): the EXIT trap.
run_cleanup_hooks () {
    eval "$CLEANUP_HOOKS"
    [ -n "$TMP" ] || return 0
    if [ -n "${CTCGW_KEEP_TMP:-}" ]; then
        echo "# kept $TMP (CTCGW_KEEP_TMP is set)"
    else
        rm -rf "$TMP"
    fi
}

# at_exit COMMAND: runs the command line when the script exits, before $TMP
# is removed (servers and background programs are stopped this way).
at_exit () {
    CLEANUP_HOOKS="$1
$CLEANUP_HOOKS"
    trap run_cleanup_hooks EXIT
    trap 'exit 130' HUP INT PIPE TERM
}

# Makes $TMP, a private directory removed when the script exits.
make_tmpdir () {
    TMP=$(mktemp -d "${TMPDIR:-/tmp}/ctcgw-test.XXXXXX") || { echo "mktemp failed" >&2; exit 99; }
    trap run_cleanup_hooks EXIT
    trap 'exit 130' HUP INT PIPE TERM
    OUT="$TMP/.stdout"
    ERR="$TMP/.stderr"
}

# is NAME EXPECTED SQL: a check that the test's own q () (its database's
# answer to SQL) prints EXPECTED.
is () {
    got=$(q "$3")
    if [ "$got" = "$2" ]; then ok "$1"; else fail "$1" "expected $2, got $got: $3"; fi
}

# answer_to ADDRESS: the text of the latest message queued to ADDRESS in
# the test's database (its q ()), decoded, its lines joined with spaces.
answer_to () {
    q "SELECT raw FROM outbox WHERE recipient = '$1' ORDER BY id DESC LIMIT 1" >"$TMP/raw.eml"
    python3 - "$TMP/raw.eml" <<'EOF'
import email, email.policy, sys
with open(sys.argv[1], "rb") as fh:
    msg = email.message_from_binary_file(fh, policy=email.policy.default)
print(" ".join(msg.get_body(("plain",)).get_content().split()))
EOF
}

# sink_conf [NAME]: writes $CONF ($TMP/ctcgw.conf): a gateway at
# gateway@ctc.example named NAME (default "CTC Executive Directorate"), in
# Vienna, that needs no authentication and sends into the maildir
# $TMP/outbox (created); the lines on standard input are added (more
# sections).
sink_conf () {
    CONF="$TMP/ctcgw.conf"
    cat >"$CONF" <<EOF
[gateway]
database = $TMP/db.sqlite
address = gateway@ctc.example
name = ${1:-CTC Executive Directorate}
staff = desk@ctc.example
timezone = Europe/Vienna

[smtp]
url = maildir:$TMP/outbox
[authentication]
require = none
EOF
    cat >>"$CONF"
    mkdir -p "$TMP/outbox/new" "$TMP/outbox/cur" "$TMP/outbox/tmp"
}

# as_unprivileged COMMAND...: runs it as a user that file permissions bind:
# as nobody (group nogroup, no other group) when the tests run as root,
# who ignores them; else as the user running the tests.
as_unprivileged () {
    if [ "$(id -u)" -eq 0 ]; then
        setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
    else
        "$@"
    fi
}

# The user as_unprivileged runs as: chown DIR to it, and it may write there.
unprivileged_owner () {
    if [ "$(id -u)" -eq 0 ]; then echo nobody:nogroup; else echo "$(id -u):$(id -g)"; fi
}

# Skips the script when $CTCGW (the built program) is not there.
need_ctcgw () {
    [ -n "$CTCGW" ] || skip_all "CTCGW is not set (make check sets it)"
    [ -x "$CTCGW" ] || skip_all "$CTCGW is not built"
}

# run COMMAND...: runs it with stdout in $OUT, stderr in $ERR, status in $STATUS.
run () {
    [ -n "$TMP" ] || make_tmpdir
    "$@" >"$OUT" 2>"$ERR"
    STATUS=$?
}

# Shows what the last command printed, as diagnostics.
show_last () {
    diag "exit status $STATUS"
    [ -s "$OUT" ] && { diag "stdout:"; head -n 20 "$OUT" | diag; }
    [ -s "$ERR" ] && { diag "stderr:"; head -n 20 "$ERR" | diag; }
    return 0
}

# check NAME EXPECTED_STATUS COMMAND...: runs the command, passes when it
# exits with EXPECTED_STATUS.
check () {
    # Names of their own: the command may be a shell function that sets
    # a variable of its own called name.
    _check_name=$1 _check_expected=$2
    shift 2
    run "$@"
    if [ "$STATUS" -eq "$_check_expected" ]; then
        ok "$_check_name"
    else
        fail "$_check_name" "expected exit status $_check_expected: $*"
        show_last
    fi
}

# check_out NAME REGEX: the last command's stdout has a line matching REGEX
# (grep -E).
check_out () {
    if grep -Eq -- "$2" "$OUT"; then
        ok "$1"
    else
        fail "$1" "stdout does not match: $2"
        show_last
    fi
}

# check_err NAME REGEX: the same for the last command's stderr.
check_err () {
    if grep -Eq -- "$2" "$ERR"; then
        ok "$1"
    else
        fail "$1" "stderr does not match: $2"
        show_last
    fi
}

# check_true NAME COMMAND...: passes when the command succeeds (its output
# is shown only on failure).
check_true () {
    _check_name=$1
    shift
    [ -n "$TMP" ] || make_tmpdir
    if "$@" >"$TMP/.check" 2>&1; then
        ok "$_check_name"
    else
        fail "$_check_name" "failed: $*"
        diag <"$TMP/.check"
    fi
}

# Prints the plan; exits 1 when a check failed, 0 otherwise.
finish () {
    echo "1..$TESTS_RUN"
    [ "$TESTS_FAILED" -eq 0 ] || { diag "$TESTS_FAILED of $TESTS_RUN checks failed"; exit 1; }
    exit 0
}
