#!/bin/sh
# The parsers under random input, with the replay programs of the fuzz
# harnesses (tests/fuzz-main.c): each replays its kept corpus
# (tests/fuzz/corpus/NAME/) and the corpus of real mail, then runs its own
# seeded mutations (FUZZ_ITERATIONS each).  Without the corpus of real mail
# its replay is a SKIP (a failure under CI=true: tests/lib.sh).
# libFuzzer runs are `make fuzz` (tests/fuzz-run.sh).
set -u
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
kept=${CTCGW_SRCDIR:-.}/tests/fuzz/corpus
corpus=${CTCGW_CORPUS:-${CTCGW_SRCDIR:-.}/../shared/corpus}
: "${FUZZ_ITERATIONS:=3000}"
export FUZZ_ITERATIONS
make_tmpdir

# replay NAME HARNESS DIR: every file under DIR through the harness.
replay () {
  find "$3" -type f ! -name '*.tsv' ! -name '*.md' ! -path '*/LICENSES/*' | sort > "$TMP/files"
  if [ ! -s "$TMP/files" ]; then
    fail "$1" "no files under $3"
    return
  fi
  run xargs "./$2" < "$TMP/files"
  if [ "$STATUS" -eq 0 ]; then ok "$1 ($(wc -l < "$TMP/files") files)"; else fail "$1"; show_last; fi
}

for name in form csv message html imip dsn authres recur; do
  harness=tests/fuzz-$name
  replay "$harness replays its kept corpus" "$harness" "$kept/$name"
  if [ -d "$corpus" ]; then
    replay "$harness replays the corpus of real mail" "$harness" "$corpus"
  else
    skip "$harness replays the corpus of real mail" "missing: $corpus (set CTCGW_CORPUS)"
  fi
  check "$harness on $FUZZ_ITERATIONS mutated inputs" 0 "./$harness"
done
finish
