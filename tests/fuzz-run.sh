#!/bin/sh
# make fuzz: runs each libFuzzer harness (BUILD/fuzz-NAME, built by make)
# for FUZZ_SECONDS over a working corpus BUILD/corpus/NAME, seeded from the
# kept corpus KEPT/NAME and, when present, the corpus in $CTCGW_CORPUS (read
# only).  Prints the executions of each harness and their total; fails on a
# finding, which is left as BUILD/findings/NAME-*.  Inputs are cut to
# FUZZ_MAX_LEN bytes (16384): the cost of a run grows with its input, and
# structure is what the fuzzer explores; the limits have tests of their own.
# Allocations keep no stack (malloc_context_size=0): the parsers allocate
# much, and recording each stack slowed every run; replaying a finding with
# the harness shows the stacks.
#   usage: fuzz-run.sh KEPT BUILD NAME...
set -u
kept=$1 build=$2
shift 2
seconds=${FUZZ_SECONDS:-60}
max_len=${FUZZ_MAX_LEN:-16384}
ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=0}
export ASAN_OPTIONS
shared=${CTCGW_CORPUS:-}
[ -n "$shared" ] && [ ! -d "$shared" ] && shared=
[ -n "$shared" ] || echo "fuzz: no shared corpus (CTCGW_CORPUS): the kept corpora only"
mkdir -p "$build/findings"
status=0 total=0
for name; do
  work=$build/corpus/$name log=$build/fuzz-$name.log
  mkdir -p "$work"
  # shellcheck disable=SC2086
  "$build/fuzz-$name" -max_total_time="$seconds" -timeout=25 -max_len="$max_len" \
      -print_final_stats=1 -artifact_prefix="$build/findings/$name-" \
      "$work" "$kept/$name" ${shared:+"$shared"} > "$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  runs=${runs:-0}
  total=$((total + runs))
  echo "fuzz-$name: $runs executions in ${seconds}s ($((runs / seconds))/s)"
  if [ $rc -ne 0 ]; then
    echo "FAIL: fuzz-$name found a problem (exit $rc); see $log and $build/findings/"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|\*\*|Bail out|.*runtime error)' "$log" | head -n 5
    status=1
  fi
done
echo "fuzz: $total executions in all"
exit $status
