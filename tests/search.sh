# Search, the filters of list, stats, and --json beside every table
# (ctcgw(8): search, list, stats), on the demo's registers: requests in
# six languages, an offer, contact points and the messages they came in.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
need_ctcgw
make_tmpdir
command -v sqlite3 >/dev/null || skip_all "the sqlite3 shell is not installed"
command -v python3 >/dev/null || skip_all "python3 is needed to read JSON"

cd "$TMP" || exit 99
check "the demo runs" 0 sh "$CTCGW_SRCDIR/examples/demo.sh" "$CTCGW_SRCDIR/examples"
conf=$TMP/demo/ctcgw.conf
db=$TMP/demo/registers.db
year=$(date +%Y)
ctcgw () {
    "$CTCGW" -q -c "$conf" "$@"
}
q () {
    sqlite3 "$db" "$1"
}
# first_hit: the reference of the first hit of the last search.
first_hit () {
    sed -n '1s/ .*//p' "$OUT"
}

check "--help" 0 "$CTCGW" --help
check_out "--help lists search" '^ +search '
check_out "--help lists stats" '^ +stats '

# --- search: words of titles and texts, in the official languages ---------
check "search a word of an offer's title" 0 ctcgw search workshop
check_true "the offer is the first hit" test "$(first_hit)" = "CTC-OFF-$year-0001"
check_out "its line shows the word marked" '\[workshop\]'
check_out "the message it came in is found too" "^CTC-SUB-$year-[0-9]+  submissions  "
check "search in Russian, in lower case" 0 ctcgw search подготовка
check_out "the Russian request is found" "^CTC-REQ-$year-0002  requests  "
check_out "the word is marked as written" '\[Подготовка\]'
check "search French without its accent" 0 ctcgw search echange
check_out "the French request is found" "^CTC-REQ-$year-0006  requests  "
check_out "the word is marked with its accent" "l'\[échange\]"
check "search a Chinese word of two characters" 0 ctcgw search 培训
check_out "the Chinese request is found" "^CTC-REQ-$year-0004  requests  "
check_out "the word is marked inside its sentence" '伪造旅行证件的\[培训\]'
check "search a word only the message says" 0 ctcgw search behalf
check_out "the submission is found by its text" "^CTC-SUB-$year-[0-9]+  submissions  Joint UNODC-OSCE offer"
check_out "with the line of its text" 'On \[behalf\] of UNODC'
check "search two words: both are needed" 0 ctcgw search workshop almaty
check_true "the offer holds both" test "$(first_hit)" = "CTC-OFF-$year-0001"
check "search a word nothing holds" 0 ctcgw search zyzzyva
check_true "it prints nothing" test ! -s "$OUT"

q "UPDATE requests SET state = 'withdrawn' WHERE reference = 'CTC-REQ-$year-0002'"
check "search a word of a withdrawn request" 0 ctcgw search подготовка
check_out "it says the request is withdrawn" "^CTC-REQ-$year-0002  requests  .* \(withdrawn\)$"
check "search it as JSON" 0 ctcgw search подготовка --json
check_out "with its state" '"state":"withdrawn"'
q "UPDATE requests SET state = 'active' WHERE reference = 'CTC-REQ-$year-0002'"

check "search the information sent for a visit, named as list names it" 0 \
    ctcgw search UNODC --register visit_information
check_out "it is found under the visit's reference" "^CTC-VIS-$year-0001  visit-information  "

check "search --register offers" 0 ctcgw search workshop --register offers
check_true "only offers are found" test "$(grep -c '^CTC-' "$OUT")" = 1
check "search --register submissions" 0 ctcgw search workshop --register submissions
check_true "only submissions are found" sh -c "! grep -q '^CTC-OFF' '$OUT'"
check "search --register of an unknown register exits 64" 64 ctcgw search workshop --register ofers
check_err "it names the closest" '"offers"'
check "search without a word exits 64" 64 ctcgw search
check "search --limit 1" 0 ctcgw search workshop --limit 1
check_true "one hit" test "$(grep -c '^CTC-' "$OUT")" = 1

check "search --json" 0 ctcgw search workshop --json
check_true "it is JSON" python3 -m json.tool "$OUT"
check_true "each hit names its register, reference, title, line and state" python3 - "$OUT" <<'PY'
import json, sys
hits = json.load(open(sys.argv[1]))
assert hits and all(set(h) == {"register", "reference", "title", "line", "state"} for h in hits), hits
assert hits[0]["register"] == "offers" and "[workshop]" in hits[0]["line"], hits[0]
PY

echo "Needs: a quixotically confidential matter" >"$TMP/assessment.txt"
check "store a needs assessment" 0 ctcgw visit assess "CTC-VIS-$year-0001" --file "$TMP/assessment.txt"
check "search a word of it" 0 ctcgw search quixotically
check_true "a needs assessment is never found" test ! -s "$OUT"

# --- the index follows every write, in the sqlite3 shell too ---------------
q "UPDATE offers SET title = 'Seminar on legislative drafting' WHERE reference = 'CTC-OFF-$year-0001'"
check "search the new word of a changed title" 0 ctcgw search seminar --register offers
check_true "the offer is found" test "$(first_hit)" = "CTC-OFF-$year-0001"
check "search the old word" 0 ctcgw search workshop --register offers
check_true "the offer is found by its text only" sh -c "! grep -q '\\[workshop\\] on countering' '$OUT'"
cat >"$TMP/sources.csv" <<'CSV'
Provider,Title,Kind,Areas,Description
UNODC,Compendium of zanzibarite practices,publication,criminal-justice,A guide
CSV
check "import a source" 0 ctcgw import sources "$TMP/sources.csv"
check "search a word of the imported source" 0 ctcgw search zanzibarite --register sources
check_out "it is found" "^CTC-SRC-$year-[0-9]+  sources  Compendium"

# --- a database made before the index gets it from init ---------------------
cp "$db" "$TMP/old.db"
q_old () { sqlite3 "$TMP/old.db" "$1"; }
q_old "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger'
       AND sql LIKE '%search_docs%'" | sqlite3 "$TMP/old.db"
# Back to schema 17: the index of 018, and what the files after it made.
q_old "DROP TABLE search_words; DROP TABLE search_docs; DROP TABLE circular_texts;
       DROP TABLE visit_notices; ALTER TABLE attendance DROP COLUMN removed;
       PRAGMA user_version = 17"
# ... and before what came after it (schema/020-publish.sql).
q_old "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger'
       AND name LIKE 'publish_%'" | sqlite3 "$TMP/old.db"
q_old "DROP TABLE publish_state; ALTER TABLE contacts DROP COLUMN publish;
       ALTER TABLE meetings DROP COLUMN public; ALTER TABLE submissions DROP COLUMN language"
# ... and the numbered answers of schema/023-reply-count.sql.
q_old "DROP INDEX reply_log_sender_n; ALTER TABLE reply_log DROP COLUMN n;
       CREATE INDEX reply_log_sender ON reply_log (sender, sent);
       INSERT INTO reply_log (sender, sent) VALUES ('a@upgrade.example', '2026-01-02T10:00:00Z'),
         ('b@upgrade.example', '2026-01-02T10:00:01Z'), ('a@upgrade.example', '2026-01-02T10:00:02Z')"
old=$TMP/demo/old.conf
sed "s|^database = .*|database = $TMP/old.db|" "$conf" >"$old"
check "init upgrades a database without the index" 0 "$CTCGW" -q -c "$old" init
check_true "the answers sent are numbered by address" \
  test "$(q_old "SELECT group_concat (n) FROM reply_log WHERE sender LIKE '%@upgrade.example'")" = 1,1,2
check "search it by a record's word" 0 "$CTCGW" -q -c "$old" search подготовка
check_out "the record is found" "^CTC-REQ-$year-0002  requests  "
check "search it by a message's word" 0 "$CTCGW" -q -c "$old" search behalf
check_out "the message is found" "^CTC-SUB-$year-[0-9]+  submissions  "

# --- filters of list ----------------------------------------------------------
# listed REGISTER OPTIONS...: the references that `list` prints, sorted.
listed () {
    ctcgw list "$@" | sed -n 's/^\(CTC-[A-Z]*-[0-9]*-[0-9]*\) .*/\1/p' | sort | tr '\n' ' '
}
# expect NAME SQL LIST-ARGS...: list prints the references SQL selects.
expect () {
    _name=$1 _sql=$2
    shift 2
    _want=$(q "$_sql" | sort | tr '\n' ' ')
    _got=$(listed "$@")
    if [ -n "$_want" ] && [ "$_got" = "$_want" ]; then
        ok "$_name"
    else
        fail "$_name" "expected [$_want], got [$_got]"
    fi
}
expect "list requests --area" \
    "SELECT reference FROM requests, json_each (areas) WHERE value = 'border-control'" \
    requests --area border-control
expect "list requests --entity, the State by its name" \
    "SELECT reference FROM requests WHERE state_code = 'KZ'" requests --entity Kazakhstan
expect "list offers --beneficiary" "SELECT reference FROM offers" offers --beneficiary KG
check_true "an offer is for no one else" test -z "$(listed offers --beneficiary FR)"
expect "list offers --provider" "SELECT reference FROM offers" offers --provider osce
check_true "nor from anyone else" test -z "$(listed offers --provider INTERPOL)"
expect "list contacts --status and --entity" \
    "SELECT reference FROM contacts WHERE entity = 'KG' AND status = 'active'" \
    contacts --entity KG --status active
q "UPDATE requests SET created = '2020-05-01T10:00:00Z' WHERE reference = 'CTC-REQ-$year-0003'"
expect "list requests --until" \
    "SELECT 'CTC-REQ-$year-0003'" requests --until 2020-05-01
expect "list requests --since" \
    "SELECT reference FROM requests WHERE reference != 'CTC-REQ-$year-0003'" \
    requests --since 2020-05-02
check "a filter the register does not have exits 64" 64 ctcgw list results --beneficiary KZ
check_err "it names the registers that have it" '--beneficiary goes with the registers offers'
check "a date that is not one exits 64" 64 ctcgw list requests --since 2026-13-01
check "an area that is none exits 64" 64 ctcgw list requests --area border-contrl
check_err "it names the closest" '"border-control"'
check "an entity that is none exits 64" 64 ctcgw list requests --entity Atlantis
check_err "it says so" 'no entity "Atlantis"'

# --- stats ----------------------------------------------------------------------
# stat_row AXIS KEY: "SUBMISSIONS RECORDS" of row KEY of `stats --by AXIS`.
stat_row () {
    ctcgw stats --by "$1" | awk -v k="$2" '$1 == k { print $2, $3 }'
}
same () { # same NAME EXPECTED GOT
    if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "expected $2, got $3"; fi
}
same "stats --by form counts requests" \
    "$(q "SELECT count (DISTINCT submission_id) || ' ' || count (*) FROM requests")" \
    "$(stat_row form requests)"
same "stats --by entity counts KZ's records" \
    "$(q "SELECT count (DISTINCT submission_id) || ' ' || count (*) FROM (
          SELECT submission_id FROM requests WHERE state_code = 'KZ'
          UNION ALL SELECT submission_id FROM contacts WHERE entity = 'KZ' AND state = 'active'
          UNION ALL SELECT submission_id FROM results WHERE reporter = 'KZ'
          UNION ALL SELECT submission_id FROM sources WHERE provider = 'KZ'
          UNION ALL SELECT submission_id FROM standards WHERE issuer = 'KZ'
          UNION ALL SELECT submission_id FROM inventory WHERE entity = 'KZ'
          UNION ALL SELECT submission_id FROM visit_information WHERE entity = 'KZ')")" \
    "$(stat_row entity KZ)"
same "stats --by area counts border control" \
    "$(q "SELECT count (DISTINCT submission_id) || ' ' || count (*) FROM (
          SELECT submission_id, areas FROM requests UNION ALL
          SELECT submission_id, areas FROM offers UNION ALL
          SELECT submission_id, areas FROM contacts WHERE state = 'active' UNION ALL
          SELECT submission_id, areas FROM sources UNION ALL
          SELECT submission_id, areas FROM standards UNION ALL
          SELECT submission_id, areas FROM inventory), json_each (areas)
          WHERE value = 'border-control'")" \
    "$(stat_row area border-control)"
same "stats --by month counts the submissions of 2020-05 and the request" "0 1" \
    "$(stat_row month 2020-05)"
same "and this month's submissions" \
    "$(q "SELECT count (*) FROM submissions WHERE reference IS NOT NULL
          AND substr (received, 1, 7) = strftime ('%Y-%m', 'now')")" \
    "$(stat_row month "$(date -u +%Y-%m)" | cut -d' ' -f1)"
check "stats by an unknown axis exits 64" 64 ctcgw stats --by year

# --- --json has the rows of every table -------------------------------------------
# same_rows NAME ARGS...: the table of `ctcgw ARGS` has as many rows as the
# JSON array of `ctcgw ARGS --json`, which python3 -m json.tool reads.
same_rows () {
    _name=$1
    shift
    ctcgw "$@" >"$TMP/table" 2>"$TMP/table.err"
    _table=$?
    ctcgw "$@" --json >"$TMP/json" 2>"$TMP/json.err"
    _json=$?
    if [ "$_table" -ne 0 ] || [ "$_json" -ne 0 ]; then
        fail "$_name" "exit status $_table, with --json $_json: $(cat "$TMP/json.err")"
    elif ! python3 -m json.tool "$TMP/json" >/dev/null; then
        fail "$_name" "--json is not JSON"
    else
        _rows=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$TMP/json")
        _lines=$(($(wc -l <"$TMP/table") - 1))
        [ "$_lines" -lt 0 ] && _lines=0
        same "$_name" "$_rows" "$_lines"
    fi
}
for register in $(ctcgw list --help | sed -n 's/^Registers: //p' | tr -d ','); do
    same_rows "list $register --json has the rows of the table" list "$register"
done
same_rows "a filtered list --json has the rows of the table" list requests --area border-control
for axis in form entity area month; do
    same_rows "stats --by $axis --json has the rows of the table" stats --by "$axis"
done
same_rows "outbox list --json has the rows of the table" outbox list
same_rows "meeting attendance --json has the rows of the table" \
    meeting attendance "$(q "SELECT reference FROM meetings LIMIT 1")"
if ctcgw quarantine list --json >/dev/null 2>&1; then
    same_rows "quarantine list --json has the rows of the table" quarantine list
else
    skip_anywhere "quarantine list --json has the rows of the table" "quarantine list has no --json"
fi
ctcgw search workshop >"$TMP/table"
ctcgw search workshop --json >"$TMP/json"
same "search --json has its hits" "$(($(wc -l <"$TMP/table") / 2))" \
    "$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$TMP/json")"

finish
