#!/bin/sh
# Answers that say what happened in words (docs/submissions.md section 7):
# visit information is "information received for CTC-VIS-… (visit to
# Kazakhstan)", in the sender's language, not "accepted … (new)"; a
# contact point that replaces another says that one was deactivated; and
# `list contacts` shows a withdrawn contact point as withdrawn, not as
# active in its status column.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
need_ctcgw
make_tmpdir
command -v sqlite3 >/dev/null || skip_all "the sqlite3 shell is not installed"

sink_conf </dev/null
ctcgw () { "$CTCGW" -q -c "$CONF" "$@"; }
q () { sqlite3 -cmd '.timeout 5000' "$TMP/db.sqlite" "$1"; }
n_msg=0
deliver () { # deliver FROM BODY
    n_msg=$((n_msg + 1))
    printf 'From: %s\nTo: gateway@ctc.example\nSubject: form %s\nMessage-ID: <m%s@test.example>\n\n%s\n' \
        "$1" "$n_msg" "$n_msg" "$2" | "$CTCGW" -q -c "$CONF" deliver
}

check "init" 0 ctcgw init
cat >"$TMP/contacts.csv" <<'EOF'
Entity,Name,Email,Languages
KZ,Aigerim Nurlanovna,focal@mfa.kz.example,ru
UNODC,"Doe, Jane",j.doe@unodc.example,en
OSCE,Marco Rossi,m.rossi@osce.example,ru
INTERPOL,Paul Lefevre,p.lefevre@interpol.example,fr
EOF
check "import contacts" 0 ctcgw import contacts "$TMP/contacts.csv"

# --- visit information ---------------------------------------------------------
check "visit create" 0 ctcgw visit create --state KZ --start 2027-05-03 --end 2027-05-07 --organizations 'UNODC,OSCE'
VIS=$(cat "$OUT")
check "UNODC sends its information" 0 deliver 'Jane Doe <j.doe@unodc.example>' \
    "Form: visit-information
Visit: $VIS
Information: Two workshops planned in Almaty."
answer_to j.doe@unodc.example >"$TMP/a1"
check_true "the answer names the visit and its State" \
    grep -qF "information received for $VIS (visit to Kazakhstan)" "$TMP/a1"
check_true "and does not call it a new record" sh -c "! grep -q 'accepted $VIS' '$TMP/a1'"
check "OSCE sends its information in Russian" 0 deliver 'Marco Rossi <m.rossi@osce.example>' \
    "Форма: информация о визите
Визит: $VIS
Информация: Семинар в Астане."
answer_to m.rossi@osce.example >"$TMP/a2"
check_true "the Russian answer names Kazakhstan in Russian" \
    grep -qF "получена информация по визиту $VIS (страна посещения: Казахстан)" "$TMP/a2"

# --- a contact point replaced --------------------------------------------------
OLD=$(q "SELECT reference FROM contacts WHERE email = 'p.lefevre@interpol.example'")
check "INTERPOL names a new contact point that replaces the old" 0 \
    deliver 'Paul Lefevre <p.lefevre@interpol.example>' \
    "Formulaire: point focal
Entité: INTERPOL
Nom: Claire Martin
Courriel: c.martin@interpol.example
Remplace: p.lefevre@interpol.example"
NEW=$(q "SELECT reference FROM contacts WHERE email = 'c.martin@interpol.example'")
is "the old one is inactive" inactive "SELECT status FROM contacts WHERE reference = '$OLD'"
answer_to p.lefevre@interpol.example >"$TMP/a3"
check_true "the French answer says the old one was deactivated" \
    grep -qF "désactivé : $OLD (remplacé par $NEW)" "$TMP/a3"

# --- list contacts --------------------------------------------------------------
check "UNODC withdraws its contact point" 0 deliver 'Jane Doe <j.doe@unodc.example>' \
    "Form: contact-point
Reference: $(q "SELECT reference FROM contacts WHERE email = 'j.doe@unodc.example'")
Action: withdraw"
check "list contacts" 0 ctcgw list contacts
check_true "the withdrawn one is not shown active" sh -c \
    "grep 'j.doe@unodc.example' '$OUT' | grep -v ' active' | grep -q ' withdrawn .* withdrawn *$'"
check_out "a replaced one is inactive" "c.martin|p\\.lefevre@interpol\\.example.* inactive *$"
check "list contacts --json" 0 ctcgw list contacts --json
check_true "keeps the stored status" python3 -c '
import json, sys
rows = {r["email"]: r for r in json.load(open(sys.argv[1]))}
r = rows["j.doe@unodc.example"]
assert (r["state"], r["status"]) == ("withdrawn", "active"), r' "$OUT"
finish
