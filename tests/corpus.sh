#!/bin/sh
# Every file of the corpus of real mail goes through `ctcgw deliver`: none may
# crash it or be refused (exit 0 each), nothing automatic is filed as a
# submission, and nothing automatic gets an answer.
set -u
corpus=${CTCGW_CORPUS:-${CTCGW_SRCDIR:-.}/../shared/corpus}
if [ ! -d "$corpus/dsn" ]; then
  echo "SKIP: the corpus of real mail is not at $corpus (set CTCGW_CORPUS)"
  exit 77
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/ctcgw.conf" <<CONF
[gateway]
database = registers.db
address = intake@ctc.example
staff = desk@ctc.example
[smtp]
url = maildir:outbox
CONF
ctcgw () { "$CTCGW" -q -c "$dir/ctcgw.conf" "$@"; }
ctcgw init || { echo "FAIL: init"; exit 1; }

failures=0 files=0
for f in $(find "$corpus" -type f ! -name '*.tsv' ! -name '*.md' ! -path '*/LICENSES/*' | sort); do
  rel=${f#"$corpus"/}
  box=${rel%%/*}
  case $rel in autoreply/negative/*) box=negative ;; imip/ics/*) box=ics ;; esac
  files=$((files + 1))
  ctcgw deliver --mailbox "$box" < "$f"
  rc=$?
  if [ $rc -ne 0 ]; then
    echo "FAIL: deliver exited $rc for $rel"
    failures=$((failures + 1))
  fi
done
echo "delivered $files files"

q () { sqlite3 "$dir/registers.db" "$1"; }
filed=$(q "SELECT count(*) FROM submissions WHERE mailbox IN ('dsn','autoreply','imip') AND class = 'submission'")
if [ "$filed" -ne 0 ]; then
  echo "FAIL: $filed automatic messages were classified as submissions:"
  q "SELECT mailbox, from_addr, subject FROM submissions WHERE mailbox IN ('dsn','autoreply','imip') AND class = 'submission'"
  failures=$((failures + 1))
fi
answered=$(q "SELECT count(*) FROM outbox o JOIN submissions s ON o.submission_id = s.id WHERE s.mailbox IN ('dsn','autoreply','imip')")
if [ "$answered" -ne 0 ]; then
  echo "FAIL: $answered answers went to automatic messages"
  failures=$((failures + 1))
fi
reports=$(q "SELECT count(*) FROM submissions WHERE mailbox = 'dsn' AND class = 'delivery-report'")
echo "delivery reports recognized: $reports"
q "SELECT mailbox, class, count(*) FROM submissions GROUP BY 1, 2 ORDER BY 1, 2"
kept=$(q "SELECT count(*) FROM submissions")
echo "messages kept: $kept (duplicates in the corpus are kept once)"
[ "$failures" -eq 0 ]
