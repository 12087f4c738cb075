#!/bin/sh
# Staff read what the gateway received (ctcgw(8), show): a question that
# filed no record, with its lines numbered; a message with a PDF and a CSV
# attachment, listed, written back byte for byte (--raw, --attachment, -o
# into a directory under a name made safe); an attachment over [limits]
# attachment_size listed but not kept; a visit's information and the
# documents that came with it; `quarantine show` through the same printer.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
need_ctcgw
make_tmpdir

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
[limits]
attachment_size = 2K
EOF
mkdir -p "$TMP/outbox/new" "$TMP/outbox/cur" "$TMP/outbox/tmp"
ctcgw () { "$CTCGW" -q -c "$CONF" "$@"; }
# deliver FILE: the message in FILE through `ctcgw deliver`.
deliver () { "$CTCGW" -q -c "$CONF" deliver <"$1"; }
# The reference of the submission whose Message-ID is $1, from `list`.
sub_of () {
    ctcgw list submissions --json | tr '{' '\n' | grep "\"message_id\":\"$1\"" \
        | sed 's/.*"reference":"\([^"]*\)".*/\1/'
}

check "init" 0 ctcgw init
cat >"$TMP/contacts.csv" <<'EOF'
Entity,Name,Email,Languages
UNODC,"Doe, Jane",j.doe@unodc.example,en
EOF
check "import contacts" 0 ctcgw import contacts "$TMP/contacts.csv"

# --- a question that filed no record ---------------------------------------
cat >"$TMP/question.eml" <<'EOF'
From: Jane Doe <j.doe@unodc.example>
To: gateway@ctc.example
Subject: Question on the Directory
Date: Mon, 2 Mar 2026 10:00:00 +0000
Message-ID: <question@unodc.example>

Dear colleagues,
How do we report our national focal points?
Jane
EOF
check "deliver a question" 0 deliver "$TMP/question.eml"
Q=$(sub_of question@unodc.example)
check "show the question" 0 ctcgw show "$Q"
check_out "its outcome: no records" '^outcome +no-records'
check_out "its Subject header" '^  Subject: Question on the Directory$'
check_out "its From header" '^  From: Jane Doe <j\.doe@unodc\.example>$'
check_out "its text, line 2 numbered as an answer cites it" \
    '^ +2  How do we report our national focal points\?$'
check_out "line 1" '^ +1  Dear colleagues,$'
check "--raw of the question" 0 ctcgw show "$Q" --raw
check_true "--raw is the delivered message byte for byte" cmp "$OUT" "$TMP/question.eml"

# --- a message with a PDF and a CSV attachment ----------------------------
printf '%%PDF-1.4\n%%\342\343\317\323\n1 0 obj <<>> endobj\n\000\001\002 binary\n%%%%EOF\n' \
    >"$TMP/report.pdf"
printf 'Form,Provider,Title,Areas\r\nassistance-offer,UNODC,Workshop from the sheet,border-control\r\n' \
    >"$TMP/offers.csv"
head -c 3000 /dev/zero | tr '\0' 'x' >"$TMP/big.bin"
{
    printf 'From: Jane Doe <j.doe@unodc.example>\nTo: gateway@ctc.example\n'
    printf 'Subject: Offers\nDate: Mon, 2 Mar 2026 11:00:00 +0000\n'
    printf 'Message-ID: <offers@unodc.example>\nMIME-Version: 1.0\n'
    printf 'Content-Type: multipart/mixed; boundary=MIX\n\n'
    printf -- '--MIX\nContent-Type: text/plain; charset=utf-8\n\n'
    printf 'Form: assistance-offer\nProvider: UNODC\nTitle: Workshop from the body\nAreas: border-control\n'
    printf -- '--MIX\nContent-Type: application/pdf\n'
    printf 'Content-Disposition: attachment; filename="../../\342\200\256.report.pdf"\n'
    printf 'Content-Transfer-Encoding: base64\n\n'
    base64 "$TMP/report.pdf"
    printf -- '--MIX\nContent-Type: text/csv; name=offers.csv\n'
    printf 'Content-Disposition: attachment; filename=offers.csv\n'
    printf 'Content-Transfer-Encoding: base64\n\n'
    base64 "$TMP/offers.csv"
    printf -- '--MIX\nContent-Type: application/octet-stream\n'
    printf 'Content-Disposition: attachment; filename=big.bin\n'
    printf 'Content-Transfer-Encoding: base64\n\n'
    base64 "$TMP/big.bin"
    printf -- '--MIX--\n'
} >"$TMP/offers.eml"
check "deliver a message with attachments" 0 deliver "$TMP/offers.eml"
S=$(sub_of offers@unodc.example)
pdf_size=$(wc -c <"$TMP/report.pdf" | tr -d ' ')
csv_size=$(wc -c <"$TMP/offers.csv" | tr -d ' ')
check "show the message" 0 ctcgw show "$S"
check_out "both offers are filed" '^offers +CTC-OFF-[0-9]{4}-0002 +new'
check_out "attachment 1: the PDF, its name made safe" \
    "^1 +report\\.pdf +application/pdf +$pdf_size +yes\$"
check_out "attachment 2: the CSV" "^2 +offers\\.csv +text/csv +$csv_size +yes\$"
check_out "attachment 3: over attachment_size, not kept" '^3 +big\.bin .* 3000 +no: over the limits$'
check_out "the body's lines numbered" '^ +3  Title: Workshop from the body$'
check_out "the CSV's text under its name" '^  offers\.csv:$'
check_out "its row numbered" '^ +2  assistance-offer,UNODC,Workshop from the sheet,border-control$'
check_true "no bidi control reaches the terminal" sh -c "! grep -q \"\$(printf '\\342\\200\\256')\" '$OUT'"
# The sender is told which attachment was not kept.
check "the answers are sent" 0 ctcgw run --once
answer=$(grep -l "^In-Reply-To: <offers@unodc.example>" "$TMP"/outbox/new/* | head -n 1)
check_true "the answer says the attachment was not kept" python3 -c '
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
text = " ".join(m.get_body(("plain",)).get_content().split())
sys.exit("the attachment \"big.bin\" (3000 bytes) was not kept" not in text)' "$answer"
check "show --json" 0 ctcgw show "$S" --json
check_out "lists the attachments" '^\{"number":1,"name":"report\.pdf"'
check "--raw -o FILE" 0 ctcgw show "$S" --raw -o "$TMP/raw.eml"
check_true "the file is the delivered message" cmp "$TMP/raw.eml" "$TMP/offers.eml"
check "--attachment 1 -o FILE" 0 ctcgw show "$S" --attachment 1 -o "$TMP/got.pdf"
check_true "it is the attached PDF byte for byte" cmp "$TMP/got.pdf" "$TMP/report.pdf"
check "--attachment 2 to standard output" 0 ctcgw show "$S" --attachment 2
check_true "it is the attached CSV" cmp "$OUT" "$TMP/offers.csv"
mkdir "$TMP/saved"
check "--attachment 1 -o DIRECTORY" 0 ctcgw show "$S" --attachment 1 -o "$TMP/saved"
check_true "written under its safe name, in the directory" cmp "$TMP/saved/report.pdf" "$TMP/report.pdf"
check_true "nothing else is written" test "$(ls -A "$TMP/saved")" = report.pdf
check "again into the same directory exits 73" 73 ctcgw show "$S" --attachment 1 -o "$TMP/saved"
check_err "it says the file exists" 'exists already'
check "--attachment of one not kept exits 65" 65 ctcgw show "$S" --attachment 3
check_err "it says why" 'attachment_size or attachments_size: it was not kept'
check "--attachment 4 exits 65" 65 ctcgw show "$S" --attachment 4
check_err "it says there is none" "has no attachment 4"
check "--attachment 0 exits 64" 64 ctcgw show "$S" --attachment 0
check "--raw with --attachment exits 64" 64 ctcgw show "$S" --raw --attachment 1
check "-o alone exits 64" 64 ctcgw show "$S" -o "$TMP/x"
check "--raw of an offer exits 64" 64 ctcgw show "CTC-OFF-$(date +%Y)-0001" --raw
check "--raw of a submission not there exits 65" 65 ctcgw show CTC-SUB-2026-999999 --raw

# --- a visit's information and its document -------------------------------
check "visit create" 0 ctcgw visit create --state Kazakhstan --start 2027-05-03 \
    --end 2027-05-07 --organizations unodc
VIS=$(cat "$OUT")
{
    printf 'From: Jane Doe <j.doe@unodc.example>\nTo: gateway@ctc.example\n'
    printf 'Subject: Visit\nMessage-ID: <visit@unodc.example>\nMIME-Version: 1.0\n'
    printf 'Content-Type: multipart/mixed; boundary=V\n\n'
    printf -- '--V\nContent-Type: text/plain\n\n'
    printf 'Form: visit-information\nVisit: %s\nInformation: Two workshops planned in Almaty.\n' "$VIS"
    printf -- '--V\nContent-Type: application/pdf\n'
    printf 'Content-Disposition: attachment; filename=agenda.pdf\n'
    printf 'Content-Transfer-Encoding: base64\n\n'
    base64 "$TMP/report.pdf"
    printf -- '--V--\n'
} >"$TMP/visit.eml"
check "deliver visit information with a document" 0 deliver "$TMP/visit.eml"
V=$(sub_of visit@unodc.example)
check "show the visit" 0 ctcgw show "$VIS"
check_out "the information sent" "UNODC .*$V +Two workshops planned in Almaty\\.\$"
check_out "its document" "^$V +1 +agenda\\.pdf +application/pdf +$pdf_size\$"
check "the document written out" 0 ctcgw show "$V" --attachment 1 -o "$TMP/agenda.pdf"
check_true "as it came" cmp "$TMP/agenda.pdf" "$TMP/report.pdf"

# --- quarantine show prints the same way ---------------------------------
sed -e 's/j\.doe@unodc/stranger@elsewhere/' -e 's/<offers@/<held@/' "$TMP/offers.eml" \
    >"$TMP/held.eml"
check "deliver from a stranger" 0 deliver "$TMP/held.eml"
check "quarantine show" 0 ctcgw quarantine show 1
check_out "the text numbered" '^ +3  Title: Workshop from the body$'
check_out "the attachments numbered" '^  1  report\.pdf \(application/pdf, '"$pdf_size"' bytes\)$'
check_out "the one not kept says so" \
    '^  3  big\.bin \(application/octet-stream, 3000 bytes, over the limits: not kept\)$'

finish
