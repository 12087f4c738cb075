# Circulars through the command line (ctcgw(8) "circular"): create, list,
# send into a maildir: sink, refusing a second send, schedules with their
# RRULE (a missed schedule runs once at the next pass), the shipped
# schedules of the configuration, and a reply linked to its circular.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"

need_ctcgw
make_tmpdir
command -v python3 >/dev/null || skip_all "python3 is needed to read JSON and the database"

sink_conf <<EOF
[schedule sources-reminder]
circular = sources-reminder
audience = silent:sources:6
rrule = FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1
start = 2026-01-01T09:00
EOF

ctcgw () {
    "$CTCGW" -c "$CONF" "$@"
}

# sql QUERY: the first column of the rows of QUERY, one a line.
sql () {
    python3 - "$TMP/db.sqlite" "$1" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for row in db.execute(sys.argv[2]):
    print(row[0])
db.commit()
EOF
}

# sent_count: the messages in the sink.
sent_count () {
    ls "$TMP/outbox/new" | wc -l | tr -d ' '
}

# subjects_end SUFFIX COUNT: COUNT messages of the sink have a subject
# (unfolded, decoded) that ends with SUFFIX.
subjects_end () {
    python3 - "$TMP/outbox/new" "$1" "$2" <<'EOF'
import email, email.policy, os, sys
folder, suffix, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
n = 0
for name in os.listdir(folder):
    with open(os.path.join(folder, name), "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    n += str(msg["Subject"]).endswith(suffix)
assert n == want, "%d subjects end with %s, not %d" % (n, suffix, want)
EOF
}

# sink_has REGEX COUNT: COUNT messages of the sink have a line matching REGEX.
sink_has () {
    n=$(grep -El -- "$1" "$TMP"/outbox/new/* 2>/dev/null | wc -l | tr -d ' ')
    [ "$n" -eq "$2" ] || { echo "$n messages match $1, not $2"; return 1; }
}

check "init" 0 ctcgw init
cat >"$TMP/contacts.csv" <<EOF
Entity,Name,Email,Languages
KZ,Aigerim Nurlanovna,focal@mfa.kz.example,"ru,en"
FR,Marie Dupont,m.dupont@diplomatie.fr.example,fr
UNODC,Jan Doe,j.doe@unodc.example,en
EOF
check "import contacts" 0 ctcgw import contacts "$TMP/contacts.csv"

# --- usage ------------------------------------------------------------------
check "--help lists circular" 0 "$CTCGW" --help
check_out "circular is in the command list" '^ +circular '
check "circular --help" 0 "$CTCGW" circular --help
check_out "its help names --rrule" '--rrule'
check_out "and --text-file with its language" '--text-file=\[LANG=\]FILE'
check_out "and --preview" '--preview'
check "circular without an action exits 64" 64 ctcgw circular
check "create without --audience exits 64" 64 ctcgw circular create --template inventory-call
check "send without REF exits 64" 64 ctcgw circular send
check "--rrule with send exits 64" 64 ctcgw circular send CTC-CIR-2026-0001 --rrule FREQ=DAILY
check "schedule without --start exits 64" 64 ctcgw circular schedule CTC-CIR-2026-0001 --rrule FREQ=DAILY

# --- create -----------------------------------------------------------------
check "an unknown template exits 65" 65 ctcgw circular create --template inventory --audience all
check_err "it names the template" 'inventory\.en\.txt'
check "an unknown audience exits 65" 65 ctcgw circular create --template inventory-call --audience organisations
check_err "it suggests the closest audience" 'did you mean "organizations"'
check "create" 0 ctcgw circular create --template inventory-call --audience all
check_out "it prints the reference" '^CTC-CIR-[0-9]{4}-0001$'
REF=$(cat "$OUT")
check "list" 0 ctcgw circular list
check_out "list shows the circular" "^$REF +active +inventory-call +all"
check_out "list shows the schedule of the configuration" '^sources-reminder +circular'
check "list --json" 0 ctcgw circular list --json
check_true "list --json is one JSON document with both" python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["circulars"][0]["reference"] == sys.argv[2]
assert doc["schedules"][0]["name"] == "sources-reminder"
assert doc["schedules"][0]["next_run"].endswith("T07:00:00Z") or doc["schedules"][0]["next_run"].endswith("T08:00:00Z")
' "$OUT" "$REF"

# --- send -------------------------------------------------------------------
check "send" 0 ctcgw circular send "$REF"
check_out "three recipients" "^$REF queued 3$"
check "run --once delivers them" 0 ctcgw run --once
check_true "three messages in the sink" test "$(sent_count)" -eq 3
check_true "each with the reference in the subject" subjects_end " [$REF]" 3
check_true "each with List-Id" sink_has '^List-Id: <circulars\.ctc\.example>' 3
check_true "each with Auto-Submitted" sink_has '^Auto-Submitted: auto-generated' 3
check_true "each with Precedence: bulk" sink_has '^Precedence: bulk' 3
check_true "each asking Exchange for no out-of-office reply" \
    sink_has '^X-Auto-Response-Suppress: OOF, AutoReply' 3
check_true "none with List-Unsubscribe" sink_has '^List-Unsubscribe:' 0
check_true "one in French" sink_has '^Subject: Inventaire annuel' 1
check_true "its body is French" sink_has '^Chaque ann' 1
check_true "the Russian reader gets Russian" sink_has '^Content-Language: ru' 1
check_true "the blank form is filled with the entity, in French" sink_has '^Entit(é|=C3=A9): FR' 1
check "sending twice exits 65" 65 ctcgw circular send "$REF"
check_err "it says --again" '--again'
check_true "nothing more was queued" test "$(sql 'SELECT count(*) FROM outbox')" -eq 3
check "send --again" 0 ctcgw circular send "$REF" --again
check "an unknown circular exits 65" 65 ctcgw circular send CTC-CIR-2026-0999

# --- schedule ---------------------------------------------------------------
check "a minutely rule exits 65" 65 ctcgw circular schedule "$REF" --rrule FREQ=MINUTELY --start 2026-01-01
check_err "it says why" 'at most hourly'
check "a malformed rule exits 65" 65 ctcgw circular schedule "$REF" --rrule FREQ=DAILY\;BYDAY=XX --start 2026-01-01
check "a start with a zone exits 65" 65 ctcgw circular schedule "$REF" --rrule FREQ=DAILY --start 2026-01-01T09:00Z
check "schedule" 0 ctcgw circular schedule "$REF" --rrule "FREQ=DAILY;BYHOUR=9" --start 2026-01-01T09:00
check_out "it prints the next run in UTC" "^$REF next [0-9-]{10}T0[78]:00:00Z$"
# The daemon was stopped for a week: the schedule runs once.
sql "UPDATE schedules SET next_run = '2026-01-01T08:00:00Z' WHERE origin = 'command'" >/dev/null
check "run --once runs the due schedule" 0 ctcgw run --once
check_true "the circular went out once more to each" \
    test "$(sql "SELECT count(*) FROM outbox WHERE circular_id = 1")" -eq 9
check_true "its next run is after now" python3 -c '
import sqlite3, sys, datetime
row = sqlite3.connect(sys.argv[1]).execute("SELECT next_run, last_run FROM schedules WHERE origin = '"'command'"'").fetchone()
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
assert row[0] > now >= row[1], row
' "$TMP/db.sqlite"
check "run --once again sends nothing" 0 ctcgw run --once
check_true "still nine" test "$(sql "SELECT count(*) FROM outbox WHERE circular_id = 1")" -eq 9
check "schedule --stop" 0 ctcgw circular schedule "$REF" --stop
check_true "the schedule is off" test "$(sql "SELECT enabled FROM schedules WHERE origin = 'command'")" -eq 0

# --- the shipped reminder (F 7 b) -------------------------------------------
sql "UPDATE schedules SET next_run = '2026-01-01T08:00:00Z' WHERE name = 'sources-reminder'" >/dev/null
check "run --once runs the reminder" 0 ctcgw run --once
check_true "a new circular to the three silent entities" \
    test "$(sql "SELECT recipients FROM circulars WHERE template = 'sources-reminder'")" -eq 3
check_true "with the blank information-source form" sink_has "^(Form: information-source|Formulaire: source d'information)" 2

# --- a reply is linked --------------------------------------------------------
cat >"$TMP/reply.eml" <<EOF
From: Marie Dupont <m.dupont@diplomatie.fr.example>
To: gateway@ctc.example
Subject: RE: Inventaire annuel [$REF]
Message-ID: <reply-1@diplomatie.fr.example>
Date: Mon, 2 Nov 2026 10:00:00 +0100
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Form: inventory
Entity: FR
Kind: mechanism
Title: Interministerial counter-terrorism coordination unit
EOF
check "deliver the reply" 0 ctcgw deliver <"$TMP/reply.eml"
check_true "the reply is linked to the circular" \
    test "$(sql "SELECT c.reference FROM submissions s JOIN circulars c ON c.id = s.circular_id")" = "$REF"

# --- the daemon wakes up when a schedule falls due -------------------------
check "create a second circular" 0 ctcgw circular create --template inventory-call --audience entities:FR
REF2=$(cat "$OUT")
check "schedule it" 0 ctcgw circular schedule "$REF2" --rrule FREQ=DAILY --start 2026-01-01T09:00
sql "UPDATE schedules SET next_run = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+4 seconds')
     WHERE name = '$REF2'" >/dev/null
sent_of_ref2 () {
    sql "SELECT count(*) FROM outbox o JOIN circulars c ON c.id = o.circular_id
         WHERE c.reference = '$REF2'"
}
"$CTCGW" -c "$CONF" run >"$TMP/daemon.out" 2>&1 &
DAEMON=$!
at_exit "kill $DAEMON 2>/dev/null; wait $DAEMON 2>/dev/null"
waited=0
while [ "$(sent_of_ref2)" -eq 0 ] && [ $waited -lt 30 ]; do
    sleep 1
    waited=$((waited + 1))
done
check_true "the daemon ran it within seconds, without a mailbox to poll" test "$(sent_of_ref2)" -eq 1
check_true "and logged it" grep -q "schedule=$REF2 ran" "$TMP/daemon.out"
kill "$DAEMON" && wait "$DAEMON"
check_true "the daemon stops on SIGTERM" test $? -eq 0

# --- a circular of staff's own text, in French and English -----------------
cat >"$TMP/notice.fr.txt" <<'EOF'
Subject: Réunion des points focaux
{{#name}}
Madame, Monsieur {{name}},
{{/name}}

Le secrétariat invite {{entity_name}} ({{entity}}) à la réunion des points focaux qui se tiendra à Vienne le 3 mars 2027 ; merci de confirmer votre participation en répondant à ce message.
EOF
cat >"$TMP/notice.en.txt" <<'EOF'
Subject: Meeting of focal points
Dear {{name}},

The secretariat invites {{entity_name}} ({{entity}}) to the meeting of focal points in Vienna on 3 March 2027; please confirm by replying to this message.
EOF
printf 'Subject: Bad\nDear {{nmae}},\n' >"$TMP/misspelt.txt"
printf 'Subject: Bad\n{{#name}}\nDear {{name}},\n' >"$TMP/unclosed.txt"
printf 'Dear {{name}},\n' >"$TMP/nosubject.txt"
stored () { echo "$(sql 'SELECT count(*) FROM circulars') $(sql 'SELECT count(*) FROM outbox')"; }
BEFORE=$(stored)
check "create needs --template or --text-file, not both" 64 \
    ctcgw circular create --template inventory-call --text-file "$TMP/notice.en.txt" --audience all
check "--preview goes with create only" 64 ctcgw circular send "$REF" --preview
check "--to goes with --preview only" 64 ctcgw circular create --text-file "$TMP/notice.en.txt" --audience all --to j.doe@unodc.example
check "a misspelt placeholder exits 65" 65 ctcgw circular create \
    --text-file fr="$TMP/notice.fr.txt" --text-file en="$TMP/misspelt.txt" --audience all
check_err "naming the file, the line and the closest" \
    'misspelt\.txt: line 2: \{\{nmae\}\} is no placeholder; did you mean \{\{name\}\}\?'
check "an unclosed section exits 65" 65 ctcgw circular create --text-file "$TMP/unclosed.txt" --audience all
check_err "naming the file and the line" 'unclosed\.txt: line 2: \{\{#name\}\} is never closed'
check "a text without a subject exits 65" 65 ctcgw circular create --text-file "$TMP/nosubject.txt" --audience all
check_err "it says how to give one" 'nosubject\.txt: no subject.*--subject'
check "a language that is not official exits 65" 65 ctcgw circular create --text-file de="$TMP/notice.en.txt" --audience all
check "two texts in one language exit 65" 65 ctcgw circular create \
    --text-file "$TMP/notice.en.txt" --text-file en="$TMP/notice.en.txt" --audience all
check "a file that is not there exits 66" 66 ctcgw circular create --text-file "$TMP/none.txt" --audience all
check_true "nothing was stored or queued" test "$(stored)" = "$BEFORE"

check "--preview" 0 ctcgw circular create --text-file fr="$TMP/notice.fr.txt" \
    --text-file en="$TMP/notice.en.txt" --audience all --preview --to M.Dupont@diplomatie.fr.example
check_out "prints the French subject with the reference it would get" \
    '^Subject: Réunion des points focaux \[CTC-CIR-[0-9]{4}-[0-9]{4}\]$'
check_out "and the recipient" '^To: Marie Dupont <m\.dupont@diplomatie\.fr\.example>$'
check_out "and the bulk headers" '^X-Auto-Response-Suppress: OOF, AutoReply$'
check_out "and Content-Language" '^Content-Language: fr$'
check_out "then the text, placeholders filled" '^Le secrétariat invite France \(FR\) à la réunion'
check_true "wrapped at 76 columns" python3 -c '
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert len(lines) > 15 and all(len(l) <= 76 for l in lines), lines
' "$OUT"
check_true "nothing was stored or queued" test "$(stored)" = "$BEFORE"
check "--preview to an address out of the audience exits 65" 65 ctcgw circular create \
    --text-file "$TMP/notice.en.txt" --audience entities:FR --preview --to j.doe@unodc.example
check_err "it says so" 'j\.doe@unodc\.example is none of the 1 recipients of entities:FR'

check "create with texts in French and English" 0 ctcgw circular create \
    --text-file fr="$TMP/notice.fr.txt" --text-file en="$TMP/notice.en.txt" --audience all
NOTICE=$(cat "$OUT")
check "list names the texts' languages" 0 ctcgw circular list
check_out "in the order given" "^$NOTICE +active +text: fr, en +all"
check "show the circular" 0 ctcgw show "$NOTICE"
check_out "shows its French text" '^fr +Réunion des points focaux +\{\{#name\}\} +5$'
check_out "and its English one" '^en +Meeting of focal points +Dear \{\{name\}\}, +3$'
# The texts are kept with the circular: the files are not read again.
rm "$TMP/notice.fr.txt" "$TMP/notice.en.txt"
check "send" 0 ctcgw circular send "$NOTICE"
check_out "to three" "^$NOTICE queued 3$"
check "run --once" 0 ctcgw run --once
check_true "French to France, English to UNODC and, Russian given no text, to Kazakhstan" \
    python3 -c '
import email, email.policy, os, sys
folder, ref = sys.argv[1], sys.argv[2]
got = {}
for name in os.listdir(folder):
    with open(os.path.join(folder, name), "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    if str(msg["Subject"]).endswith("[%s]" % ref):
        body = msg.get_body(("plain",)).get_content()
        assert all(len(line) <= 76 for line in body.splitlines()), body
        assert msg["Precedence"] == "bulk"
        got[msg["To"].addresses[0].addr_spec] = (str(msg["Subject"]), msg["Content-Language"], body)
assert len(got) == 3, got
fr = got["m.dupont@diplomatie.fr.example"]
assert fr[0] == "Réunion des points focaux [%s]" % ref and fr[1] == "fr", fr
assert "Madame, Monsieur Marie Dupont," in fr[2] and "invite France (FR)" in fr[2], fr
for who, entity in (("j.doe@unodc.example", "(UNODC)"), ("focal@mfa.kz.example", "(KZ)")):
    en = got[who]
    assert en[0] == "Meeting of focal points [%s]" % ref and en[1] == "en", en
    assert entity in en[2] and "{{" not in en[2], en
' "$TMP/outbox/new" "$NOTICE"

# --- configuration ----------------------------------------------------------
cat >"$TMP/bad.conf" <<EOF
[gateway]
database = $TMP/db.sqlite
address = gateway@ctc.example

[smtp]
url = maildir:$TMP/outbox

[schedule yearly]
circular = inventory-call
rrule = FREQ=YEARLY;BYMONTH=13
start = 2026-01-15
EOF
check "check-config refuses a bad rrule" 78 "$CTCGW" -c "$TMP/bad.conf" check-config
check_err "it names the section and key" '\[schedule yearly\] rrule: '

finish
