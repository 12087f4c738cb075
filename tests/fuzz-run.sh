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
# With FUZZ_STANDALONE=1 (no clang), BUILD/fuzz-NAME are the replay
# programs of tests/fuzz-main.c: each replays the corpora, then mutates its
# seeds for FUZZ_SECONDS.
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
status=0 total=0
# The CPU time of each run, where GNU time is there: on a shared machine the
# executions a second of CPU say more than those a second of the clock.
timer=
[ -x /usr/bin/time ] && timer="/usr/bin/time -f cpu:%U:%S"

# libfuzzer NAME LOG: one libFuzzer run; sets rc and runs.
libfuzzer () {
  mkdir -p "$build/corpus/$1" "$build/findings"
  # shellcheck disable=SC2086
  $timer "$build/fuzz-$1" -max_total_time="$seconds" -timeout=25 -max_len="$max_len" \
      -print_final_stats=1 -artifact_prefix="$build/findings/$1-" \
      "$build/corpus/$1" "$kept/$1" ${shared:+"$shared"} > "$2" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$2" | tail -n 1)
}

# standalone NAME LOG: the replay program over the corpora, then mutations;
# sets rc and runs.
standalone () {
  # shellcheck disable=SC2086
  find "$kept/$1" ${shared:+"$shared"} -type f | xargs "$build/fuzz-$1" > "$2" 2>&1 \
    && FUZZ_SECONDS=$seconds $timer "$build/fuzz-$1" >> "$2" 2>&1
  rc=$?
  runs=$(sed -n 's/^\([0-9]*\) inputs$/\1/p' "$2" | tail -n 1)
}

for name; do
  log=$build/fuzz-$name.log
  if [ "${FUZZ_STANDALONE:-0}" = 1 ]; then standalone "$name" "$log"; else libfuzzer "$name" "$log"; fi
  runs=${runs:-0}
  total=$((total + runs))
  cpu=$(sed -n 's/^cpu:\([0-9.]*\):\([0-9.]*\)$/\1 \2/p' "$log" | tail -n 1)
  per_cpu=$(echo "$runs $cpu" | awk 'NF == 3 && $2 + $3 > 0 { printf "; %d/s of CPU", $1 / ($2 + $3) }')
  echo "fuzz-$name: $runs executions in ${seconds}s ($((runs / seconds))/s$per_cpu)"
  if [ $rc -ne 0 ]; then
    echo "FAIL: fuzz-$name found a problem (exit $rc); see $log and $build/findings/"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|\*\*|Bail out|.*runtime error)' "$log" | head -n 5
    status=1
  fi
done
echo "fuzz: $total executions in all"
exit $status
