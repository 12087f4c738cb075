#!/bin/sh
# Quarantine as staff review it (ctcgw(8), quarantine; docs/submissions.md
# section 6), through the private Postfix and Dovecot.  A contact point of
# KG writes three records, two for KZ, which it does not speak for: the
# list names both problems, `show` says what approving files, and the
# notice that Postfix delivers into the sender's own mailbox lists both, in
# Russian, its Directory language.  Approving files what was shown and no
# other record (a record refused when shown stays refused, even once the
# contact point it names exists); the sender gets one answer for each
# decision, and a final answer replaces a notice not yet sent.  A
# rejection's reason reaches the sender, quoted in its language.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
. "${CTCGW_SRCDIR:-.}/tests/servers.sh"
. "${CTCGW_SRCDIR:-.}/tests/smtp-lib.sh"
need_ctcgw
make_tmpdir
servers_start
smtp_gateway_setup "$TMP/gw" || servers_fail "the gateway is set up" "ctcgw init or import failed"

# The sender, kg1@ctc.example, is KG's focal point and reads Russian; KZ's
# focal point is kz1@ctc.example.  Both are Dovecot users of their own.
add_users kg%d 1
add_users kz%d 1
sender=kg1@ctc.example
printf 'Entity,Name,Email,Title,Office,Phone,Languages,Role,Areas
KG,Bakyt Osmonov,%s,Counsellor,Ministry of Foreign Affairs,+996 312 62 05 45,ru,focal-point,border-control
KZ,Aigerim Nurlanova,kz1@ctc.example,Head of Division,Ministry of Foreign Affairs,+7 7172 72 05 18,en,focal-point,border-control
' "$sender" > "$TMP/contacts.csv"
check "the contact points are imported" 0 gw -q import contacts "$TMP/contacts.csv"
kz=$(q "SELECT reference FROM contacts WHERE email = 'kz1@ctc.example'")
[ -n "$kz" ] || servers_fail "KZ's contact point is in the Directory" "no contact for kz1"

# message ID RECORDS: a message from the sender holding RECORDS.
message () {
  printf 'From: Bakyt Osmonov <%s>\r\nTo: intake@ctc.example\r\nSubject: Records %s\r\nMessage-ID: <%s@mfa.kg.example>\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s' \
    "$sender" "$1" "$1" "$2"
}
offer () {
  printf 'Form: assistance-offer\r\nProvider: %s\r\nTitle: %s\r\nAreas: border-control\r\n\r\n' "$1" "$2"
}
phone () {
  printf 'Form: contact-point\r\nReference: %s\r\nPhone: %s\r\n' "$1" "$2"
}

# last_answer USER: the text of the newest message in USER's INBOX, read
# over IMAP and decoded.
last_answer () {
  python3 - "$IMAP_PORT" "$1" <<'EOF'
import email, email.policy, imaplib, sys
port, user = sys.argv[1:]
m = imaplib.IMAP4("127.0.0.1", int(port))
m.login(user, "secret")
m.select("INBOX")
typ, data = m.search(None, "ALL")
typ, data = m.fetch(data[0].split()[-1], "(RFC822)")
m.logout()
msg = email.message_from_bytes(data[0][1], policy=email.policy.default)
print(msg.get_body(("plain",)).get_content())
EOF
}

# answers N: waits until the sender's INBOX holds N answers; passes when
# it holds exactly that many once the outbox is empty.
answers () {
  check "run --once sends what is queued" 0 gw -q run --once
  n=$(wait_count kg1 INBOX "$1" 15)
  postfix_drain 10
  n=$(imap_count kg1 INBOX)
  [ "$n" = "$1" ] && ok "$2" || fail "$2" "the sender's INBOX holds ${n:-nothing}, not $1"
}

# --- three records, two of them for KZ ------------------------------------
mkdir -p "$TMP/in1"
message three "$(offer KG 'Border workshop'; offer KZ 'Kazakh workshop'; phone "$kz" '+7 7172 00 00 01')" \
  > "$TMP/in1/three.eml"
check_true "the message is APPENDed to the INBOX" imap_append_dir gateway INBOX "$TMP/in1"
answers 1 "the sender gets the quarantine notice, and nothing more"
db_is "it is quarantined" quarantined "SELECT outcome FROM submissions WHERE message_id LIKE '%three@%'"
id=$(q "SELECT q.id FROM quarantine q JOIN submissions s ON s.id = q.submission_id WHERE s.message_id LIKE '%three@%'")

check "quarantine list" 0 gw quarantine list
check_out "it names the offer for KZ" "line 6: $sender is not a contact point of KZ"
check_out "and the change to KZ's contact point" "line 11: $sender is not a contact point of KZ"
check "quarantine list --json" 0 gw quarantine list --json
check_true "it is JSON" python3 -m json.tool "$OUT"
check_true "with the rows of the list" python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))
assert [r["id"] for r in rows] == [int(sys.argv[2])], rows
assert "line 11" in rows[0]["reason"] and "line 6" in rows[0]["reason"], rows' "$OUT" "$id"
check "quarantine show" 0 gw quarantine show "$id"
check_out "it shows that approving changes KZ's contact point" \
  "^line 11 +contact-point +$kz +approve files it \(updated: Phone\) +line 11: $sender is not a contact point of KZ"
check_out "and files the offer for KZ" "^line 6 +assistance-offer +approve files it \(new\)"

last_answer kg1 > "$TMP/notice.txt"
check_true "the notice is in Russian" grep -q 'ожидает' "$TMP/notice.txt"
check_true "it names the offer for KZ" grep -q "^- строка 6: $sender не является координатором от KZ" "$TMP/notice.txt"
check_true "and the change to KZ's contact point" \
  grep -q "^- строка 11: $sender не является координатором от KZ" "$TMP/notice.txt"

check "quarantine approve" 0 gw -q quarantine approve "$id"
db_is "show listed three records to file" 3 \
  "SELECT count(*) FROM quarantine_records WHERE quarantine_id = $id AND action = 'file'"
db_is "approving files those three" 3 \
  "SELECT count(*) FROM submission_records r JOIN submissions s ON s.id = r.submission_id
   WHERE s.message_id LIKE '%three@%' AND r.how <> 'refused'"
db_is "and the change that was shown" "+7 7172 00 00 01" "SELECT phone FROM contacts WHERE reference = '$kz'"
answers 2 "the approval is answered once"
last_answer kg1 > "$TMP/final.txt"
check_true "the final answer says it is final, in Russian" grep -q 'окончательный ответ' "$TMP/final.txt"

# --- a record refused when shown stays refused ----------------------------
# It updates a contact point that does not exist yet; staff then import
# one, which gets that reference.  The notice is still queued when staff
# approve: the final answer replaces it.
next=$(q "SELECT printf('CTC-CP-%s-%04d', substr(max(reference), 8, 4),
          substr(max(reference), 13) + 1) FROM contacts")
message later "$(offer KG 'Second workshop'; offer KZ 'Second Kazakh workshop'
                  phone "$next" '+7 7172 00 00 02')" > "$TMP/later.eml"
check "deliver takes it in" 0 sh -c '"$1" -c "$2" -q deliver < "$3"' - "$CTCGW" "$GATEWAY_CONF" "$TMP/later.eml"
later=$(q "SELECT q.id FROM quarantine q JOIN submissions s ON s.id = q.submission_id WHERE s.message_id LIKE '%later@%'")
db_is "it is quarantined, the update kept as refused" 1 \
  "SELECT count(*) FROM quarantine_records WHERE quarantine_id = $later AND action = 'refuse'"
check "quarantine show" 0 gw quarantine show "$later"
check_out "it shows that approving leaves the update" "^line 11 +contact-point +$next +approve leaves it"
printf 'Entity,Name,Email,Role\nKZ,New Person,kz2@ctc.example,alternate\n' > "$TMP/new.csv"
check "a KZ contact point is imported" 0 gw -q import contacts "$TMP/new.csv"
db_is "it has the reference the update named" "$next" "SELECT reference FROM contacts WHERE email = 'kz2@ctc.example'"
check "quarantine approve" 0 gw -q quarantine approve "$later"
db_is "the contact point that was not shown changing is unchanged" "" \
  "SELECT coalesce(phone, '') FROM contacts WHERE reference = '$next'"
db_is "the update is refused" refused \
  "SELECT r.how FROM submission_records r JOIN submissions s ON s.id = r.submission_id
   WHERE s.message_id LIKE '%later@%' AND r.register = 'contacts'"
answers 3 "the final answer replaces the notice not yet sent: one answer"
last_answer kg1 > "$TMP/later.txt"
check_true "it says why the update was not filed" grep -q 'когда секретариат рассматривал сообщение' "$TMP/later.txt"

# --- a rejection, with its reason ------------------------------------------
mkdir -p "$TMP/in2"
message refused "$(offer KZ 'Not ours')" > "$TMP/in2/refused.eml"
check_true "another message is APPENDed" imap_append_dir gateway INBOX "$TMP/in2"
answers 4 "its notice is sent"
refused=$(q "SELECT q.id FROM quarantine q JOIN submissions s ON s.id = q.submission_id WHERE s.message_id LIKE '%refused@%'")
check "quarantine reject --reason" 0 gw -q quarantine reject "$refused" \
  --reason "Offers of Kazakhstan come from its focal point"
db_is "nothing is filed" 0 "SELECT count(*) FROM offers WHERE title = 'Not ours'"
answers 5 "the rejection is answered once"
last_answer kg1 > "$TMP/rejected.txt"
check_true "in Russian" grep -q 'не принял' "$TMP/rejected.txt"
check_true "quoting the reason" grep -q '^«Offers of Kazakhstan come from its focal point»$' "$TMP/rejected.txt"
finish
