#!/bin/sh
# The parsers under random input: the fuzz harnesses replay every corpus file
# and then run their own seeded mutations (FUZZ_ITERATIONS each).
set -u
corpus=${CTCGW_CORPUS:-${CTCGW_SRCDIR:-.}/../shared/corpus}
: "${FUZZ_ITERATIONS:=3000}"
export FUZZ_ITERATIONS
status=0
for harness in tests/fuzz-form tests/fuzz-message tests/fuzz-imip tests/fuzz-authres; do
  if [ -d "$corpus" ]; then
    find "$corpus" -type f ! -name '*.tsv' ! -name '*.md' ! -path '*/LICENSES/*' | sort | xargs "./$harness" || {
      echo "FAIL: $harness on the corpus"; status=1; }
  fi
  "./$harness" || { echo "FAIL: $harness on mutated input"; status=1; }
  echo "$harness: done"
done
exit $status
