#!/bin/sh
# `visit notify` (ctcgw(8) "visit"; action plan G e): the visited State's
# contact points are told of the visit, each in its language, with the
# entities that asked for the needs assessment named; the State's plain
# reply "yes" or "no" in any of the six languages (docs/submissions.md
# section 6) is its consent, for those entities; anything more than the
# word is not, and nobody else's reply is.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
need_ctcgw
make_tmpdir
command -v sqlite3 >/dev/null || skip_all "the sqlite3 shell is not installed"

sink_conf </dev/null
ctcgw () { "$CTCGW" -q -c "$CONF" "$@"; }
q () { sqlite3 -cmd '.timeout 5000' "$TMP/db.sqlite" "$1"; }
n_msg=0
reply () { # reply FROM SUBJECT BODY
    n_msg=$((n_msg + 1))
    printf 'From: %s\nTo: gateway@ctc.example\nSubject: %s\nMessage-ID: <r%s@test.example>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n%s\n' \
        "$1" "$2" "$n_msg" "$3" | "$CTCGW" -q -c "$CONF" deliver
}

check "init" 0 ctcgw init
cat >"$TMP/contacts.csv" <<'EOF'
Entity,Name,Email,Languages
KZ,Aigerim Nurlanovna,focal@mfa.kz.example,ru
KZ,Daniyar Sadykov,d.sadykov@mfa.kz.example,en
UNODC,"Doe, Jane",j.doe@unodc.example,en
EU,Eva Maier,e.maier@eeas.example,en
EOF
check "import contacts" 0 ctcgw import contacts "$TMP/contacts.csv"
check "visit create" 0 ctcgw visit create --state KZ --start 2027-05-03 --end 2027-05-07 --organizations UNODC
VIS=$(cat "$OUT")

# --- usage and refusals -------------------------------------------------------
check "notify is in visit --help" 0 "$CTCGW" visit --help
check_out "with --requested-by" 'notify REF --requested-by LIST'
check "notify without --requested-by exits 64" 64 ctcgw visit notify "$VIS"
check "--requested-by with share exits 64" 64 ctcgw visit share "$VIS" --requested-by EU
check "an unknown entity exits 65" 65 ctcgw visit notify "$VIS" --requested-by 'UNODC, Europen Union'
check_err "it suggests the closest" 'did you mean'
check "an unknown visit exits 65" 65 ctcgw visit notify CTC-VIS-2027-0099 --requested-by EU
is "nothing was sent" 0 "SELECT count(*) FROM outbox"

# --- the notice -----------------------------------------------------------------
check "visit notify" 0 ctcgw visit notify "$VIS" --requested-by 'unodc, European Union'
check_out "to the State's two contact points, for UNODC and the EU" \
    "^$VIS notified 2, consent asked for UNODC, EU$"
is "it is recorded" '2|["UNODC","EU"]' "SELECT recipients, requested_by FROM visit_notices"
check "run --once" 0 ctcgw run --once
check_true "each contact point reads it in its language" python3 - "$TMP/outbox/new" "$VIS" <<'EOF'
import email, email.policy, os, sys
d, ref = sys.argv[1], sys.argv[2]
seen = {}
for f in os.listdir(d):
    with open(os.path.join(d, f), "rb") as fh:
        msg = email.message_from_binary_file(fh, policy=email.policy.default)
    to = msg["To"].addresses[0].addr_spec
    seen[to] = (str(msg["Subject"]), str(msg["Content-Language"]),
                " ".join(msg.get_body(("plain",)).get_content().split()))
assert sorted(seen) == ["d.sadykov@mfa.kz.example", "focal@mfa.kz.example"], sorted(seen)
subject, lang, text = seen["d.sadykov@mfa.kz.example"]
assert lang == "en", lang
assert subject == "Country visit to Kazakhstan from 2027-05-03 to 2027-05-07: your consent is requested [%s]" % ref, subject
assert "- United Nations Office on Drugs and Crime (UNODC)" in text or "(UNODC)" in text, text
assert "(EU)" in text and "Recipients: UNODC, EU" in text and "Visit: %s" % ref in text, text
subject, lang, text = seen["focal@mfa.kz.example"]
assert lang == "ru", lang
assert subject.startswith("Посещение страны (Казахстан) с 2027-05-03 по 2027-05-07"), subject
assert ref in subject and "одним словом «да»" in text and "Получатели: UNODC, EU" in text, text
EOF
rm -f "$TMP"/outbox/new/*

# --- replies that are not a consent ---------------------------------------------
check "KZ writes more than the word" 0 reply 'Daniyar Sadykov <d.sadykov@mfa.kz.example>' \
    "Re: Country visit to Kazakhstan [$VIS]" 'No objection, of course.'
is "no consent is filed" 0 "SELECT count(*) FROM visit_consents"
check "UNODC, not the State, says yes" 0 reply 'Jane Doe <j.doe@unodc.example>' \
    "Re: Country visit to Kazakhstan [$VIS]" 'Yes'
is "still no consent" 0 "SELECT count(*) FROM visit_consents"
check "KZ says yes about no visit" 0 reply 'Daniyar Sadykov <d.sadykov@mfa.kz.example>' \
    "Re: something else" 'yes'
is "and still none" 0 "SELECT count(*) FROM visit_consents"

# --- plain replies in the six languages -----------------------------------------
check "KZ replies «Да» above the quoted notice" 0 reply 'Aigerim Nurlanovna <focal@mfa.kz.example>' \
    "RE: Посещение страны (Казахстан) [$VIS]" "Да.

> Форма: visit-consent
> Согласие:"
is "the consent is yes, for UNODC and the EU" 'yes:["UNODC","EU"]' "SELECT consent || ':' || recipients FROM visit_consents"
is "from the reply's submission" 1 \
    "SELECT count(*) FROM visit_consents c JOIN submissions s ON s.id = c.submission_id WHERE s.message_id = 'r$n_msg@test.example'"
is "the answer files it" "filed" "SELECT outcome FROM submissions WHERE message_id = 'r$n_msg@test.example'"
answer_to focal@mfa.kz.example >"$TMP/answer"
check_true "and says so in Russian" grep -qF \
    "согласие на передачу оценки потребностей зарегистрировано по визиту $VIS (страна посещения: Казахстан)" "$TMP/answer"
printf 'Needs: border posts.\n' >"$TMP/assessment.txt"
check "visit assess" 0 ctcgw visit assess "$VIS" --file "$TMP/assessment.txt"
check "visit share" 0 ctcgw visit share "$VIS"
check_out "to UNODC" "^$VIS shared with UNODC$"
check_out "and to the EU" "^$VIS shared with EU$"
i=0
for word in 'No' 'non' 'нет' 'لا' '不同意' 'no.'; do
    i=$((i + 1))
    check "KZ replies \"$word\"" 0 reply 'Daniyar Sadykov <d.sadykov@mfa.kz.example>' \
        "Re: Country visit to Kazakhstan [$VIS]" "$word"
    is "\"$word\" is a no" "no" "SELECT consent FROM visit_consents ORDER BY id DESC LIMIT 1"
done
for word in 'Yes!' 'oui' 'Sí' 'نعم' '同意。' '是'; do
    check "KZ replies \"$word\"" 0 reply 'Daniyar Sadykov <d.sadykov@mfa.kz.example>' \
        "Re: Country visit to Kazakhstan [$VIS]" "$word"
    is "\"$word\" is a yes" "yes" "SELECT consent FROM visit_consents ORDER BY id DESC LIMIT 1"
done
is "every one was recorded" 13 "SELECT count(*) FROM visit_consents"

# --- the form still works -------------------------------------------------------
check "KZ sends the form for the EU only, saying no" 0 reply 'Aigerim Nurlanovna <focal@mfa.kz.example>' \
    "Re: [$VIS]" "Форма: visit-consent
Визит: $VIS
Согласие: нет
Получатели: EU"
is "filed as written" 'no:["EU"]' "SELECT consent || ':' || recipients FROM visit_consents ORDER BY id DESC LIMIT 1"
answer_to focal@mfa.kz.example >"$TMP/answer"
check_true "its answer says it is a refusal" grep -qF "отказ в передаче оценки потребностей зарегистрирован по визиту $VIS" "$TMP/answer"

# --- a cancelled visit ---------------------------------------------------------
check "meeting cancel of the visit" 0 ctcgw meeting cancel "$VIS"
check "notify of a cancelled visit exits 65" 65 ctcgw visit notify "$VIS" --requested-by EU
check_err "it says so" 'cancelled'
finish
