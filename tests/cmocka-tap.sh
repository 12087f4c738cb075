#!/bin/sh
# Runs a cmocka test program (tests/test-*) for automake's TAP driver:
# cmocka's TAP output (CMOCKA_MESSAGE_OUTPUT=tap) made one stream, so that
# each test is a PASS, FAIL or SKIP of its own.
#
# cmocka prints a plan and numbers from 1 for each group, and a skipped test
# as "not ok N # SKIP name"; here the tests are numbered through, a skip is
# "ok N - name # SKIP", and the plan (every group's tests) comes last.
# Under CI (CI=true) a skip fails: what the cmocka tests may lack (the
# corpus, smtp-sink, the example configuration) a CI machine has.
#
# The exit status is the program's, except that a status equal to the
# number of tests cmocka reported failed is 0: those failures are in the
# stream already.  A crash, or a sanitizer's report at exit, still shows.
#
#   sh tests/cmocka-tap.sh tests/test-form
CMOCKA_MESSAGE_OUTPUT=tap
export CMOCKA_MESSAGE_OUTPUT
{ "$@"; echo "cmocka-tap-status $?"; } | awk -v ci="${CI:-}" '
/^[0-9]+\.\.[0-9]+$/ { split ($0, p, "\\.\\."); planned += p[2]; next }
/^not ok [0-9]+ # SKIP/ {
    name = $0; sub (/^not ok [0-9]+ # SKIP */, "", name)
    if (ci == "true")
        printf "not ok %d - %s (skipped: CI must run it)\n", ++n, name
    else
        printf "ok %d - %s # SKIP\n", ++n, name
    next
}
/^not ok [0-9]+/ { sub (/^not ok [0-9]+/, ""); printf "not ok %d%s\n", ++n, $0; failed++; next }
/^ok [0-9]+/ { sub (/^ok [0-9]+/, ""); printf "ok %d%s\n", ++n, $0; next }
/^cmocka-tap-status / { status = $2; next }
/^#/ { print; next }
{ print "# " $0 }
END {
    printf "1..%d\n", (planned > n ? planned : n)
    exit (status == failed ? 0 : status)
}'
