#!/bin/sh
# Confirmation by reply (ctcgw(8), AUTHENTICATION; ctcgw.conf(5),
# [authentication] require = confirm), end to end through `deliver` over
# the demo's registers: an unsigned update in a contact point's name, with
# a Reply-To elsewhere, files nothing; one confirmation request goes to the
# address the Directory holds; the contact point's reply files it once, and
# a second reply does nothing.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
need_ctcgw
make_tmpdir
command -v sqlite3 >/dev/null || skip_all "the sqlite3 shell is not installed"

cd "$TMP" || exit 99
check "the demo runs" 0 sh "$CTCGW_SRCDIR/examples/demo.sh" "$CTCGW_SRCDIR/examples"
conf=$TMP/demo/ctcgw.conf
db=$TMP/demo/registers.db
sed 's/^require = none$/require = confirm/' "$conf" > "$conf.new" && mv "$conf.new" "$conf"
q () { sqlite3 "$db" "$1"; }
ctc () { "$CTCGW" -q -c "$conf" "$@"; }
check "check-config accepts require = confirm" 0 ctc check-config

real=$(q "SELECT email FROM contacts WHERE entity = 'KZ' AND state = 'active' ORDER BY id LIMIT 1")
cp=$(q "SELECT reference FROM contacts WHERE email = '$real'")
phone=$(q "SELECT phone FROM contacts WHERE email = '$real'")
sent=$(q "SELECT count(*) FROM outbox")

# The spoofed update: From the contact point, Reply-To the spoofer.
printf 'From: %s\nReply-To: spoofer@elsewhere.example\nTo: intake@ctc.example\nSubject: Update\nMessage-ID: <spoof@confirm.example>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nForm: contact-point\nReference: %s\nPhone: +7 7172 000000\n' \
  "$real" "$cp" > "$TMP/spoof.eml"
check "deliver takes the update in" 0 ctc deliver < "$TMP/spoof.eml"
is "it is pending" pending "SELECT outcome FROM submissions WHERE message_id = 'spoof@confirm.example'"
is "nothing is filed" "$phone" "SELECT phone FROM contacts WHERE reference = '$cp'"
is "one request is queued" $((sent + 1)) "SELECT count(*) FROM outbox"
is "to the address the Directory holds" "$real" "SELECT recipient FROM outbox ORDER BY id DESC LIMIT 1"
is "nothing goes to Reply-To" 0 "SELECT count(*) FROM outbox WHERE recipient LIKE '%elsewhere%'"
sub=$(q "SELECT reference FROM submissions WHERE message_id = 'spoof@confirm.example'")
check "show tells it waits" 0 ctc show "$sub"
check_out "show says pending" "^pending +$real"

request=$(q "SELECT c.message_id FROM confirmations c JOIN submissions s ON s.id = c.submission_id WHERE s.message_id = 'spoof@confirm.example'")
reply () { # reply ID
  printf 'From: %s\nTo: intake@ctc.example\nSubject: Re: Confirm\nIn-Reply-To: <%s>\nMessage-ID: <%s@confirm.example>\nMIME-Version: 1.0\nContent-Type: text/plain\n\nYes, I sent it.\n' \
    "$real" "$request" "$1" > "$TMP/$1.eml"
  check "deliver takes reply $1 in" 0 ctc deliver < "$TMP/$1.eml"
}
reply first
is "the reply files it" "+7 7172 000000" "SELECT phone FROM contacts WHERE reference = '$cp'"
is "as confirmed" confirmed "SELECT authentication FROM submissions WHERE message_id = 'spoof@confirm.example'"
is "the answer goes to the contact point" "$real" "SELECT recipient FROM outbox ORDER BY id DESC LIMIT 1"
# The contact point writes Russian first (examples/contacts.csv): so does the answer.
answer=$(q "SELECT raw FROM outbox ORDER BY id DESC LIMIT 1" | python3 -c '
import email, email.policy, sys
m = email.message_from_string(sys.stdin.read(), policy=email.policy.default)
print(m.get_body(("plain",)).get_content())')
case "$answer" in
  *"принято: $cp ("*) ok "and says what was filed, in the contact point's language" ;;
  *) fail "and says what was filed, in the contact point's language" "$answer" ;;
esac
after=$(q "SELECT count(*) FROM outbox")
history=$(q "SELECT count(*) FROM contacts_history")
reply second
is "a second reply files nothing more" "$history" "SELECT count(*) FROM contacts_history"
is "and is not answered" "$after" "SELECT count(*) FROM outbox"
check "show tells it was confirmed" 0 ctc show "$sub"
check_out "show says confirmed" "^confirmed +$real"
finish
