# Helpers for the shell tests, sourced by tests/*.sh.  Each check prints
# "ok N - name" or "not ok N - name" (TAP lines, with "# " diagnostics);
# finish prints the plan and exits 0 when every check passed, 1 otherwise.
#
#   . "$CTCGW_SRCDIR/tests/lib.sh"
#   need_ctcgw                      # skip (77) when the program is not built
#   make_tmpdir                     # $TMP, removed on exit
#   at_exit 'stop_things'           # runs at exit, before $TMP is removed
#   check "name" 0 "$CTCGW" --help  # runs it; passes when the status is 0
#   check_out "name" 'regex'        # the last command's stdout matches
#   check_err "name" 'regex'        # the last command's stderr matches
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

# skip NAME REASON: a check that cannot run here.
skip () {
    TESTS_RUN=$((TESTS_RUN + 1))
    echo "ok $TESTS_RUN - $1 # SKIP $2"
}

# skip_all REASON: the whole script cannot run here (automake: 77 = skipped).
skip_all () {
    echo "1..0 # SKIP $1"
    exit 77
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
    name=$1 expected=$2
    shift 2
    run "$@"
    if [ "$STATUS" -eq "$expected" ]; then
        ok "$name"
    else
        fail "$name" "expected exit status $expected: $*"
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
    name=$1
    shift
    [ -n "$TMP" ] || make_tmpdir
    if "$@" >"$TMP/.check" 2>&1; then
        ok "$name"
    else
        fail "$name" "failed: $*"
        diag <"$TMP/.check"
    fi
}

# Prints the plan; exits 1 when a check failed, 0 otherwise.
finish () {
    echo "1..$TESTS_RUN"
    [ "$TESTS_FAILED" -eq 0 ] || { diag "$TESTS_FAILED of $TESTS_RUN checks failed"; exit 1; }
    exit 0
}
