# Exports that import back (ctcgw(8), import and export): every register
# that import takes is exported, imported into a new database and exported
# again, and the two files are the same; an edit made in between is filed;
# a file imported again files nothing twice; a partial import exits 65 and
# names the rows it refused on standard output.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"

need_ctcgw
make_tmpdir
command -v python3 >/dev/null || skip_all "python3 is needed to read CSV"

# The registers in the order they can be imported: entities and groups
# first (the forms name them), results after the offers and requests they
# report on.
REGISTERS="entities groups contacts offers requests sources standards inventory results"

for db in a b; do
    cat >"$TMP/$db.conf" <<EOF
[gateway]
database = $TMP/$db.sqlite
address = gateway@ctc.example
staff = desk@ctc.example

[smtp]
url = maildir:$TMP/outbox
[authentication]
require = none
EOF
done
mkdir -p "$TMP/outbox/new" "$TMP/outbox/cur" "$TMP/outbox/tmp"

gw () {
    _gw_db=$1
    shift
    "$CTCGW" -c "$TMP/$_gw_db.conf" "$@"
}

cat >"$TMP/sheet.py" <<'EOF'
import csv, sys

def rows(path):
    with open(path, newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f))

what, path = sys.argv[1], sys.argv[2]
if what == 'cell':        # cell PATH ROW COLUMN: prints a cell (row 0 is the first record)
    print(rows(path)[int(sys.argv[3])][sys.argv[4]])
elif what == 'count':     # count PATH: the records of the file
    print(len(rows(path)))
elif what == 'set':       # set PATH ROW COLUMN VALUE OUT: the file with one cell changed
    with open(path, newline='', encoding='utf-8') as f:
        table = list(csv.reader(f))
    table[int(sys.argv[3]) + 1][table[0].index(sys.argv[4])] = sys.argv[5]
    with open(sys.argv[6], 'w', newline='', encoding='utf-8') as f:
        csv.writer(f).writerows(table)
EOF
csvtool () {
    python3 "$TMP/sheet.py" "$@"
}

check "init the first database" 0 gw a init
check "init the second database" 0 gw b init

# --- the first database: varied values in every register ------------------
# Names in six scripts (Latin, Cyrillic, Arabic, Han, Greek, Devanagari), a
# value that a spreadsheet would take for a formula, values on two lines.
cat >"$TMP/entities.csv" <<'EOF'
Code,Name,Kind,Active,Require,Alignment
SCO,上海合作组织,organization,yes,authenticated,strict
LAS-CT,جامعة الدول العربية — مكافحة الإرهاب,,,confirm,
OLD-NET,"Réseau d'échange, ancien",organization,no,,
EOF
cat >"$TMP/groups.csv" <<'EOF'
Group,Members,Description
Central Asia,"KZ, KG, TJ, TM, UZ","Пять государств
Центральной Азии"
Сахель,"ML, NE, BF",=Sahel group
EOF
cat >"$TMP/contacts.csv" <<'EOF'
Entity,Name,Email,Title,Office,Phone,Languages,Role,Areas
KZ,Айгерим Тестова,a.testova@mfa.example.kz,"Counsellor
second desk",Министерство иностранных дел,+7 7172 000000,"ru, kk, en",focal-point,"border-control, criminal-justice"
SCO,王芳,wang.fang@sco.example.org,"=HYPERLINK(""http://evil.example"")",秘书处,,"zh, ru",alternate,
LAS-CT,عائشة المنصوري,aisha@las.example.org,مستشارة,,+20 2 0000,ar,technical,terrorist-financing
GR,Ελένη Παπαδοπούλου,eleni@mfa.example.gr,,,,el,focal-point,
IN,प्रिया शर्मा,priya@mea.example.in,@Director,,,"hi, en",focal-point,human-rights
EOF
cat >"$TMP/offers.csv" <<'EOF'
Provider,Title,Areas,Beneficiaries,Start,End,Status,Objectives,Description,Contacts
"UNODC, OSCE",Atelier régional sur les frontières,"border-control, information-exchange","Central Asia, AF",2026-03-01,2026-06-30,ongoing,"Train officers
Share data",-minus first,"a.testova@mfa.example.kz, wang.fang@sco.example.org"
SCO,边境管理培训,border-control,all,,,planned,,,
LAS-CT,تدريب على تمويل الإرهاب,terrorist-financing,Сахель,2026-09-01,,planned,,"Arabic, then a comma",
EOF
cat >"$TMP/requests.csv" <<'EOF'
State,Areas,Description,Priority
KG,"criminal-justice, mutual-legal-assistance","Нужна помощь
в законодательстве",high
IN,early-warning,पूर्व चेतावनी प्रणाली,low
EOF
cat >"$TMP/sources.csv" <<'EOF'
Provider,Title,Kind,Areas,Url,Description,Contacts,Languages
UNODC,Legislative guide,legislative-guide,"criminal-justice, international-instruments",https://www.unodc.example.org/guide,"=1+1 is not a formula here",jean@unodc.example.org,"en, fr, es"
SCO,数据库,database,,,,,zh
EOF
cat >"$TMP/standards.csv" <<'EOF'
Title,Issuer,Areas,Url,Citation,Year,Summary
Recommandation 8,OSCE,terrorist-financing,https://www.osce.example.org/r8,"Rec. 8, para. 2",2019,"Έλεγχος
δύο γραμμές"
EOF
cat >"$TMP/inventory.csv" <<'EOF'
Entity,Kind,Title,Year,Areas,Description,Contacts
KZ,institution,Центр по борьбе с терроризмом,2024,"border-control, early-warning",+ a plus first,a.testova@mfa.example.kz
GR,mechanism,Μηχανισμός,,,,
EOF
for r in entities groups contacts offers requests sources standards inventory; do
    check "import $r into the first database" 0 gw a import "$r" "$TMP/$r.csv"
done
check "export the offers" 0 gw a export offers -o "$TMP/a-offers.csv"
check "export the requests" 0 gw a export requests -o "$TMP/a-requests.csv"
OFFER=$(csvtool cell "$TMP/a-offers.csv" 0 Reference)
REQUEST=$(csvtool cell "$TMP/a-requests.csv" 0 Reference)
cat >"$TMP/results.csv" <<EOF
Reference,Reporter,Results,Difference,Problems
$OFFER,UNODC,"Обучено 40 сотрудников
из пяти государств",=none,
$REQUEST,KG,法律已修订,,"Delays, then none"
EOF
check "import results into the first database" 0 gw a import results "$TMP/results.csv"
# A withdrawn record goes out with Action withdraw, and comes back so.
printf 'Reference,Action\n%s,withdraw\n' "$(csvtool cell "$TMP/a-offers.csv" 1 Reference)" \
    >"$TMP/withdraw.csv"
check "withdraw an offer" 0 gw a import offers "$TMP/withdraw.csv"

# --- export, import into a new database, export again ----------------------
for r in $REGISTERS; do
    check "export $r" 0 gw a export "$r" -o "$TMP/a-$r.csv"
done
check_true "the header is the form's keys" \
    grep -q '^Reference,Entity,Name,Email,Title,Office,Phone,Languages,Role,Areas,Replaces,Publish,Action' \
    "$TMP/a-contacts.csv"
check_true "a list is written as the forms write it" \
    test "$(csvtool cell "$TMP/a-contacts.csv" 0 Languages)" = "ru, kk, en"
check_true "the members of a group too" \
    test "$(csvtool cell "$TMP/a-groups.csv" 0 Members)" = "KG, KZ, TJ, TM, UZ"
check_true "an entity's policy is in its row" \
    grep -q '^SCO,上海合作组织,organization,yes,authenticated,strict' "$TMP/a-entities.csv"
check_true "a formula is written after an apostrophe" \
    test "$(csvtool cell "$TMP/a-contacts.csv" 1 Title)" = "'=HYPERLINK(\"http://evil.example\")"
check_true "the withdrawn offer says withdraw" \
    test "$(csvtool cell "$TMP/a-offers.csv" 1 Action)" = withdraw
for r in $REGISTERS; do
    check "import the export of $r into the second database" 0 gw b import "$r" "$TMP/a-$r.csv"
done
for r in $REGISTERS; do
    check "export $r of the second database" 0 gw b export "$r" -o "$TMP/b-$r.csv"
    check_true "the two exports of $r are the same" cmp "$TMP/a-$r.csv" "$TMP/b-$r.csv"
done

# --- imported again: nothing is filed twice --------------------------------
for r in $REGISTERS; do
    check "import the export of $r again" 0 gw b import "$r" "$TMP/a-$r.csv"
    check "export $r after it" 0 gw b export "$r" -o "$TMP/c-$r.csv"
    check_true "no $r record was added or changed" cmp "$TMP/a-$r.csv" "$TMP/c-$r.csv"
done
check "the first file of results imported again" 0 gw b import results "$TMP/results.csv"
check "export results after it" 0 gw b export results -o "$TMP/c-results.csv"
check_true "a result without a reference of its own is not filed twice" \
    cmp "$TMP/a-results.csv" "$TMP/c-results.csv"
check "a new offer takes the next reference" 0 gw b import offers "$TMP/offers.csv"
check "export offers" 0 gw b export offers -o "$TMP/c-offers.csv"
check_true "the first file's offers are those already there" \
    test "$(csvtool count "$TMP/c-offers.csv")" = 4
check_true "but the withdrawn one, filed again under a reference of its own" \
    test "$(csvtool cell "$TMP/c-offers.csv" 3 Action)" = ""

# --- an edit made in the spreadsheet is filed --------------------------------
csvtool set "$TMP/a-offers.csv" 0 Title "Atelier régional, édition 2" "$TMP/edited.csv"
check "import the edited offers" 0 gw b import offers "$TMP/edited.csv"
check_out "every row is imported" '^imported 3 of 3 rows$'
check "export offers after the edit" 0 gw b export offers -o "$TMP/d-offers.csv"
check_true "the title is the edited one" \
    test "$(csvtool cell "$TMP/d-offers.csv" 0 Title)" = "Atelier régional, édition 2"
check "show the edited offer" 0 gw b show "$OFFER"
check_out "its history has the edit" 'Atelier régional, édition 2'
csvtool set "$TMP/a-contacts.csv" 4 Languages "hi, ur, en" "$TMP/edited.csv"
check "import the edited contacts" 0 gw b import contacts "$TMP/edited.csv"
check "export contacts after the edit" 0 gw b export contacts -o "$TMP/d-contacts.csv"
check_true "the list is the edited one" \
    test "$(csvtool cell "$TMP/d-contacts.csv" 4 Languages)" = "hi, ur, en"

# A result has a reference of its own (Result reference): its edit updates it.
check_true "a result's own reference is the first column" \
    grep -q '^Result reference,Reference,Reporter,Results,Difference,Problems,Action' \
    "$TMP/a-results.csv"
csvtool set "$TMP/a-results.csv" 1 Results "Закон принят в 2026 году" "$TMP/edited.csv"
check "import the edited results" 0 gw b import results "$TMP/edited.csv"
check "export results after the edit" 0 gw b export results -o "$TMP/d-results.csv"
check_true "no result is added by the edit" \
    test "$(csvtool count "$TMP/d-results.csv")" = "$(csvtool count "$TMP/a-results.csv")"
check_true "the edited result holds the edit" \
    test "$(csvtool cell "$TMP/d-results.csv" 1 Results)" = "Закон принят в 2026 году"

# --- the registers of a visit: information and consents ----------------------
# Both databases hold the visit (created by staff, never imported).
for db in a b; do
    check "a visit in database $db" 0 gw $db visit create --state KZ --start 2027-05-03 \
        --end 2027-05-07 --organizations 'UNODC, OSCE'
done
VISIT=$(cat "$OUT")
printf 'Visit,Entity,Information\n%s,UNODC,"Программа визита:\nдва дня"\n%s,OSCE,=SUM(1)\n' \
    "$VISIT" "$VISIT" >"$TMP/information.csv"
printf 'Visit,Consent,Recipients\n%s,yes,"OSCE, UNODC"\n' "$VISIT" >"$TMP/consents.csv"
check "import visit information" 0 gw a import visit_information "$TMP/information.csv"
check "import a consent" 0 gw a import visit_consents "$TMP/consents.csv"
for r in visit_information visit_consents; do
    check "export $r" 0 gw a export "$r" -o "$TMP/a-$r.csv"
    check "import it into the second database" 0 gw b import "$r" "$TMP/a-$r.csv"
    check "export $r of the second database" 0 gw b export "$r" -o "$TMP/b-$r.csv"
    check_true "the two exports of $r are the same" cmp "$TMP/a-$r.csv" "$TMP/b-$r.csv"
    check "import it again" 0 gw b import "$r" "$TMP/a-$r.csv"
    check "export $r after it" 0 gw b export "$r" -o "$TMP/c-$r.csv"
    check_true "no $r record was added" cmp "$TMP/a-$r.csv" "$TMP/c-$r.csv"
done
check "list visit-information: - and _ alike in a register's name" 0 gw a list visit-information
check_out "lists the information" "^ +active +$VISIT +United Nations Office on Drugs and Crime "
check_true "the information's header is its form's keys" \
    grep -q '^Visit,Entity,Information' "$TMP/a-visit_information.csv"

# --- a partial import: 4 good rows, 1 refused ---------------------------------
cat >"$TMP/partial.csv" <<'EOF'
Provider,Title,Areas
UNODC,First workshop,border-control
UNODC,Second workshop,criminal-justice
UNODC,Third workshop,bordr-control
UNODC,Fourth workshop,early-warning
OSCE,Fifth workshop,other
EOF
check "a partial import exits 65" 65 gw a import offers "$TMP/partial.csv"
check_out "the refused row, its column and its problem are on stdout" \
    '^partial\.csv row 4: field "Areas": .*bordr-control'
check_out "then the summary" '^imported 4 of 5 rows; 1 refused$'
check "export offers after it" 0 gw a export offers -o "$TMP/e-offers.csv"
check_true "the good rows are kept" test "$(csvtool count "$TMP/e-offers.csv")" = 7
sed 's/bordr-control/border-control/' "$TMP/partial.csv" >"$TMP/fixed.csv"
check "the fixed file imported again" 0 gw a import offers "$TMP/fixed.csv"
check_out "every row of it" '^imported 5 of 5 rows$'
check "export offers after the fix" 0 gw a export offers -o "$TMP/f-offers.csv"
check_true "only the fixed row is added" test "$(csvtool count "$TMP/f-offers.csv")" = 8

finish
