#!/bin/sh
# The parsers under random input: the fuzz harnesses replay every corpus file
# and then run their own seeded mutations (FUZZ_ITERATIONS each).
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
set -u
corpus=${CTCGW_CORPUS:-${CTCGW_SRCDIR:-.}/../shared/corpus}
: "${FUZZ_ITERATIONS:=3000}"
export FUZZ_ITERATIONS
# replay HARNESS: HARNESS over every file of the corpus.
replay () {
  find "$corpus" -type f ! -name '*.tsv' ! -name '*.md' ! -path '*/LICENSES/*' | sort | xargs "./$1"
}
for harness in tests/fuzz-form tests/fuzz-message tests/fuzz-imip tests/fuzz-authres; do
  if [ -d "$corpus" ]; then
    check_true "$harness on the corpus" replay "$harness"
  else
    skip "$harness on the corpus" "the corpus is not at $corpus (set CTCGW_CORPUS)"
  fi
  check_true "$harness on mutated input" "./$harness"
done
finish
