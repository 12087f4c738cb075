#!/bin/sh
# Who wrote a message (docs/submissions.md section 6), end to end through
# `deliver` over the demo's registers: look-alikes of a contact point's
# address (a Kelvin sign, Cyrillic letters, a full-width '@') and messages
# of more than one author are quarantined with their reason, file nothing,
# and are never answered to the address imitated; the real address in
# another ASCII case is the contact point.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
need_ctcgw
make_tmpdir
command -v sqlite3 >/dev/null || skip_all "the sqlite3 shell is not installed"

cd "$TMP" || exit 99
check "the demo runs" 0 sh "$CTCGW_SRCDIR/examples/demo.sh" "$CTCGW_SRCDIR/examples"
conf=$TMP/demo/ctcgw.conf
db=$TMP/demo/registers.db
real=a.nurlanova@mfa.kz.example
# The demo ends on the default require = confirm (its second pass); these
# checks are of who may speak for an entity, on unsigned mail filed at once.
sed 's/^require = confirm$/require = none/' "$conf" > "$conf.new" && mv "$conf.new" "$conf"
q () { sqlite3 "$db" "$1"; }
ctc () { "$CTCGW" -q -c "$conf" "$@"; }

# deliver_from ID FROM [HEADERS]: a request for KZ from FROM, delivered.
deliver_from () {
  printf 'From: %b\n%bTo: intake@ctc.example\nSubject: Request\nMessage-ID: <%s@trust.example>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nForm: assistance-request\nState: KZ\nAreas: border-control\nDescription: Training of border guards (%s)\n' \
    "$2" "${3:-}" "$1" "$1" > "$TMP/$1.eml"
  check "deliver takes $1 in" 0 ctc deliver < "$TMP/$1.eml"
}

# held ID REASON: the message is quarantined for a reason that starts so.
held () {
  is "$1 is quarantined: $2" 1 \
     "SELECT count(*) FROM quarantine q JOIN submissions s ON s.id = q.submission_id
      WHERE s.message_id = '$1@trust.example' AND q.state = 'waiting' AND s.outcome = 'quarantined'
      AND instr (q.reason, '$2') = 1"
}

requests=$(q "SELECT count(*) FROM requests")

deliver_from kelvin "a.nurlanova@mfa.\342\204\252z.example"
held kelvin "looks like $real"
deliver_from cyrillic-local "\320\260.nurlanova@mfa.kz.example"
held cyrillic-local "looks like $real"
deliver_from cyrillic-domain "a.nurlanova@mfa.kz.ex\320\260mple"
held cyrillic-domain "looks like $real"
deliver_from cyrillic-both "\320\260.nurlanova@mf\320\260.kz.\320\265x\320\260mple"
held cyrillic-both "looks like $real"
deliver_from full-width-at "a.nurlanova\357\274\240mfa.kz.example"
held full-width-at "looks like $real"
deliver_from staff "desk@ctc.\320\265xample"
held staff "looks like desk@ctc.example"
deliver_from two-from "$real" "From: j.doe@unodc.example\n"
held two-from "2 From fields: a message has one author"
deliver_from two-mailboxes "$real, j.doe@unodc.example"
held two-mailboxes "From names 2 mailboxes: a message has one author"
deliver_from sender "$real" "Sender: j.doe@unodc.example\n"
held sender "Sender j.doe@unodc.example is not the From address $real"

is "none of them is filed" "$requests" "SELECT count(*) FROM requests"
look_alikes="'kelvin@trust.example', 'cyrillic-local@trust.example',
    'cyrillic-domain@trust.example', 'cyrillic-both@trust.example',
    'full-width-at@trust.example', 'staff@trust.example'"
is "none is answered to the address imitated" 0 \
   "SELECT count(*) FROM outbox o JOIN submissions s ON s.id = o.submission_id
    WHERE s.message_id IN ($look_alikes) AND lower (o.recipient) IN ('$real', 'desk@ctc.example')"
# The full-width '@' makes no address to answer: it gets none.
is "each look-alike that is an address is answered itself" 5 \
   "SELECT count(*) FROM outbox o JOIN submissions s ON s.id = o.submission_id
    WHERE s.message_id IN ($look_alikes) AND o.recipient = s.from_addr"

check "quarantine list shows staff why" 0 ctc quarantine list
check_out "with the address imitated" "looks like $real"
id=$(q "SELECT q.id FROM quarantine q JOIN submissions s ON s.id = q.submission_id WHERE s.message_id = 'two-from@trust.example'")
check "quarantine show shows one" 0 ctc quarantine show "$id"
check_out "with its reason" "2 From fields: a message has one author"

deliver_from upper-case "A.Nurlanova@MFA.KZ.Example"
is "the real address in another ASCII case is the contact point" $((requests + 1)) \
   "SELECT count(*) FROM requests"
finish
