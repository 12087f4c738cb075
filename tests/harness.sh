#!/bin/sh
# The test harness itself: what tests/lib.sh and tests/cmocka-tap.sh print
# for automake's TAP driver.  A skip is a SKIP, never a pass; under CI
# (CI=true) it fails; a skip after failed checks keeps them failed; a
# cmocka program's groups are one stream; as_unprivileged binds root to file
# permissions.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
make_tmpdir
SRC=${CTCGW_SRCDIR:-.}

# script NAME BODY: a test script NAME in $TMP that sources lib.sh.
script () {
    printf '. "%s/tests/lib.sh"\n%s\n' "$SRC" "$2" > "$TMP/$1.sh"
}

# tap NAME [VAR=VALUE...]: runs script NAME without CI (or with the
# variables given), its output in $OUT, its status in $STATUS.
tap () {
    _name=$1
    shift
    run env -u CI "$@" sh "$TMP/$_name.sh"
}

script late-skip 'fail "a check that fails"
skip_all "the rest needs something"'
tap late-skip
check_out "skip_all after a failed check reports it failed" '^not ok 1 - a check that fails$'
check_out "and skips the rest as one check" '^ok 2 - .* # SKIP the rest needs something$'
check_out "with the plan of both" '^1\.\.2$'
[ "$STATUS" -eq 1 ] && ok "and exits 1" || fail "and exits 1" "status $STATUS"
grep -q '^1\.\.0' "$OUT" && fail "and no plan of none" || ok "and no plan of none"

script skip 'skip "a check" "no frobnicator"
finish'
tap skip
check_out "a skip is a SKIP" '^ok 1 - a check # SKIP no frobnicator$'
tap skip CI=true
check_out "under CI a skip fails" '^not ok 1 - a check$'
check_out "and says why" '^# CI must run it, but: no frobnicator$'
[ "$STATUS" -eq 1 ] && ok "and the script exits 1" || fail "and the script exits 1" "status $STATUS"

script skip-all 'skip_all "no frobnicator"'
tap skip-all
check_out "skip_all before any check skips the script" '^1\.\.0 # SKIP no frobnicator$'
[ "$STATUS" -eq 0 ] && ok "with status 0 (the TAP driver reads the plan)" \
    || fail "with status 0 (the TAP driver reads the plan)" "status $STATUS"
tap skip-all CI=true
check_out "under CI skip_all fails" '^not ok 1 - the rest of the script$'

script anywhere 'skip_anywhere "a check" "namespaces are denied"
finish'
tap anywhere CI=true
check_out "skip_anywhere skips under CI too" '^ok 1 - a check # SKIP namespaces are denied$'

# A check keeps its name when its command is a shell function that sets a
# variable called name (as a loop over files does).
script names 'rename () { name=other; }
check "its own name" 0 rename
check_true "its own name too" rename
finish'
tap names
check_out "check keeps its name" '^ok 1 - its own name$'
check_out "check_true keeps its name" '^ok 2 - its own name too$'

# What automake's TAP driver, as Makefile.am runs it for shell tests, makes
# of a failure then skip_all: a FAIL.
driver=$SRC/build-aux/tap-driver.sh
if [ -f "$driver" ]; then
    run env -u CI sh "$driver" --test-name late-skip --log-file "$TMP/late.log" \
        --trs-file "$TMP/late.trs" --ignore-exit -- sh "$TMP/late-skip.sh"
    check_true "the TAP driver reports the script FAIL" \
        grep -q '^:global-test-result: FAIL$' "$TMP/late.trs"
else
    fail "the TAP driver reports the script FAIL" "$driver is missing (autoreconf installs it)"
fi

# cmocka-tap.sh over what a cmocka program prints with two groups: a pass,
# a skip and a failure, then a pass; cmocka's status is its failures.
cat > "$TMP/cmocka.sh" <<'EOF'
printf '1..3\nok 1 - a\nnot ok 2 # SKIP b\nnot ok 3 - c\n# 0x1 != 0x2\n# not ok - tests\n'
printf '1..1\nok 1 - d\n# ok - corpus\n'
exit "${CMOCKA_STATUS:-1}"
EOF
run env -u CI sh "$SRC/tests/cmocka-tap.sh" sh "$TMP/cmocka.sh"
check_out "cmocka: the tests are numbered through" '^ok 4 - d$'
check_out "cmocka: a skip is a SKIP" '^ok 2 - b # SKIP$'
check_out "cmocka: a failure fails" '^not ok 3 - c$'
check_out "cmocka: one plan, last" '^1\.\.4$'
[ "$(grep -c '^1\.\.' "$OUT")" -eq 1 ] && ok "cmocka: no other plan" || fail "cmocka: no other plan"
[ "$STATUS" -eq 0 ] && ok "cmocka: a status that counts the failures shown is 0" \
    || fail "cmocka: a status that counts the failures shown is 0" "status $STATUS"
run env -u CI CMOCKA_STATUS=23 sh "$SRC/tests/cmocka-tap.sh" sh "$TMP/cmocka.sh"
[ "$STATUS" -eq 23 ] && ok "cmocka: any other status is kept (a sanitizer's at exit)" \
    || fail "cmocka: any other status is kept (a sanitizer's at exit)" "status $STATUS"
run env CI=true sh "$SRC/tests/cmocka-tap.sh" sh "$TMP/cmocka.sh"
check_out "cmocka: under CI a skip fails" '^not ok 2 - b '
echo "printf '1..3\\nok 1 - a\\n'; exit 134" > "$TMP/crash.sh"
run env -u CI sh "$SRC/tests/cmocka-tap.sh" sh "$TMP/crash.sh"
check_out "cmocka: a crash leaves the plan of the tests that did not run" '^1\.\.3$'
[ "$STATUS" -eq 134 ] && ok "cmocka: and its status" || fail "cmocka: and its status" "status $STATUS"

# as_unprivileged: a file that is not writable is not written, root or not.
printf 'x\n' > "$TMP/ro"
chmod 0444 "$TMP/ro"
chmod 0755 "$TMP"
run as_unprivileged sh -c "echo y >> '$TMP/ro'"
[ "$STATUS" -ne 0 ] && ok "as_unprivileged cannot write a read-only file" \
    || fail "as_unprivileged cannot write a read-only file" "it could"
run as_unprivileged id -u
if [ "$(id -u)" -eq 0 ]; then
    check_out "as root, as_unprivileged runs as nobody" "^$(id -u nobody)\$"
else
    check_out "as a user, as_unprivileged runs as that user" "^$(id -u)\$"
fi
finish
