#!/bin/sh
# Every file of the corpus of real mail goes through `ctcgw deliver`: none may
# crash it or be refused (exit 0 each), each is kept with the class its folder
# and INDEX.tsv call for, nothing automatic is filed as a submission, and
# nothing automatic gets an answer.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
need_ctcgw
set -u
corpus=${CTCGW_CORPUS:-${CTCGW_SRCDIR:-.}/../shared/corpus}
[ -d "$corpus/dsn" ] || skip_all "the corpus of real mail is not at $corpus (set CTCGW_CORPUS)"
make_tmpdir
dir=$TMP
cat > "$dir/ctcgw.conf" <<CONF
[gateway]
database = registers.db
address = intake@ctc.example
staff = desk@ctc.example
[smtp]
url = maildir:outbox
[authentication]
require = none
CONF
ctcgw () { "$CTCGW" -q -c "$dir/ctcgw.conf" "$@"; }
check "init" 0 ctcgw init
[ "$STATUS" -eq 0 ] || finish

failures=0 files=0
for f in $(find "$corpus" -type f ! -name '*.tsv' ! -name '*.md' ! -path '*/LICENSES/*' | sort); do
  rel=${f#"$corpus"/}
  box=${rel%%/*}
  case $rel in autoreply/negative/*) box=negative ;; imip/ics/*) box=ics ;; esac
  files=$((files + 1))
  ctcgw deliver --mailbox "$box" < "$f"
  rc=$?
  if [ $rc -ne 0 ]; then
    diag "deliver exited $rc for $rel"
    failures=$((failures + 1))
  fi
done
[ "$failures" -eq 0 ] && ok "deliver takes in each of the $files files" \
  || fail "deliver takes in each of the $files files" "$failures refused"

q () { sqlite3 "$dir/registers.db" "$1"; }
filed=$(q "SELECT count(*) FROM submissions WHERE mailbox IN ('dsn','autoreply','imip') AND class = 'submission'")
if [ "$filed" -eq 0 ]; then
  ok "no automatic message is classified as a submission"
else
  fail "no automatic message is classified as a submission" "$filed are:"
  q "SELECT mailbox, from_addr, subject FROM submissions WHERE mailbox IN ('dsn','autoreply','imip') AND class = 'submission'" | diag
fi
answered=$(q "SELECT count(*) FROM outbox o JOIN submissions s ON o.submission_id = s.id WHERE s.mailbox IN ('dsn','autoreply','imip')")
[ "$answered" -eq 0 ] && ok "no answer goes to an automatic message" \
  || fail "no answer goes to an automatic message" "$answered answers went to automatic messages"
automatic=$(q "SELECT count(*) FROM outbox o JOIN submissions s ON o.submission_id = s.id WHERE s.class != 'submission'")
[ "$automatic" -eq 0 ] && ok "no answer goes to a message that is no submission" \
  || fail "no answer goes to a message that is no submission" "$automatic answers went to them"

# The class each file must have, from its folder and its INDEX.tsv row (the
# rules of tests/test-classify.c), as "PATH<TAB>CLASS" lines.  mime/ and
# imip/ics/ are only checked for not crashing, as are imip/ files without
# a METHOD.
expected () {
  for folder in dsn autoreply autoreply/negative imip forms; do
    awk -F '\t' -v dir="$corpus/$folder" -v folder="$folder" '
      NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
      $1 == "" { next }
      {
        tree = $(col["mime_tree"]); method = $(col["ical_METHOD"])
        from = tolower($(col["from"]))
        if (match(from, /<[^>]*>/)) from = substr(from, RSTART + 1, RLENGTH - 2)
        local = from; sub(/@.*/, "", local); gsub(/[-_.]/, "", local)
        system_from = local == "mailerdaemon" || local == "postmaster"
        class = ""
        if ($1 == "mimekit__feedback-report.txt") class = "other"
        else if (folder == "dsn")
          class = tree ~ /disposition-notification|feedback-report/ ? "other" : "delivery-report"
        else if (folder == "autoreply")
          class = tree ~ /delivery-status/ ? "delivery-report" : "auto-reply"
        else if (folder == "autoreply/negative")
          class = system_from ? "delivery-report" : "submission"
        else if (folder == "imip" && method != "")
          class = method ~ /REPLY|COUNTER|REFRESH/ ? "calendar-reply" : "other"
        else if (folder == "forms")
          class = "submission"
        if (class != "") print dir "/" $1 "\t" class
      }' "$corpus/$folder/INDEX.tsv"
  done
}
q "SELECT sha256, class FROM submissions" > "$dir/classes"
expected > "$dir/expected"
checked=0 wrong=0
tab=$(printf '\t')
while IFS=$tab read -r path want; do
  [ -f "$path" ] || continue
  sha=$(sha256sum < "$path" | cut -c1-64)
  got=$(awk -F '|' -v sha="$sha" '$1 == sha { print $2; exit }' "$dir/classes")
  checked=$((checked + 1))
  if [ "$got" != "$want" ]; then
    diag "${path#"$corpus"/} was classified ${got:-(not kept)}, expected $want"
    wrong=$((wrong + 1))
  fi
done < "$dir/expected"
[ "$checked" -gt 0 ] && ok "the classification of $checked files is checked" \
  || fail "the classification of some file is checked" "none was"
[ "$wrong" -eq 0 ] && ok "each has the class its folder and INDEX.tsv call for" \
  || fail "each has the class its folder and INDEX.tsv call for" "$wrong of $checked have not"

reports=$(q "SELECT count(*) FROM submissions WHERE mailbox = 'dsn' AND class = 'delivery-report'")
diag "delivery reports recognized: $reports"
q "SELECT mailbox, class, count(*) FROM submissions GROUP BY 1, 2 ORDER BY 1, 2" | diag
kept=$(q "SELECT count(*) FROM submissions")
diag "messages kept: $kept (duplicates in the corpus are kept once)"
finish
