#!/bin/sh
# The demo behind `make demo`: the whole intake flow on local files.
#
#   CTCGW=/path/to/ctcgw sh demo.sh EXAMPLES-DIR
#
# It makes ./demo (wiped first) with a configuration, a Maildir inbox, a
# Maildir outbox and a SQLite database; loads examples/contacts.csv into
# the Directory; drops the sample messages of examples/mail into the inbox;
# runs one pass of the daemon, under [authentication] require = none (the
# samples are not signed); then prints what was filed, what waits in
# quarantine and every answer that was sent.  Samples 21 to 25 are a
# request in Russian, Arabic, Chinese, Spanish and French, keys and values
# alike, each answered in its language (03 is the English one).  A second pass, under the
# default require = confirm, shows authentication with the two samples of
# examples/mail/authentication: one signed at demo time with a DKIM key
# made for the demo and filed at once, one unsigned that waits for its
# contact point's reply to the confirmation request, then is filed.
#
# References are allocated in filing order, in the year the gateway runs.
# The messages in examples/mail/templates refer to records filed before
# them and say @YEAR@ where the year goes; the demo writes the current year
# there.  Their numbers hold because:
#   - contacts.csv is imported first, one record a row, in row order, so its
#     first row (KZ) is CTC-CP-YEAR-0001 and its fourth (the KG alternate)
#     CTC-CP-YEAR-0004;
#   - the inbox is processed in file-name order (01-... to 25-...), so the
#     Kazakh request of 03 is CTC-REQ-YEAR-0001, which the result of 04
#     reports on;
#   - visits are created by staff: the demo creates one visit to Kazakhstan
#     before the pass, CTC-VIS-YEAR-0001, which 16 (information from UNODC
#     ahead of it) and 17 (Kazakhstan's consent) name.
set -u

examples=${1:?usage: demo.sh EXAMPLES-DIR}
ctcgw=${CTCGW:-ctcgw}
year=$(date +%Y)
demo=$(pwd)/demo
conf=$demo/ctcgw.conf

# Runs one ctcgw command on the demo configuration, showing it first;
# a failing command ends the demo with an error.
ctc () {
  printf '\n$ ctcgw %s\n' "$*"
  "$ctcgw" -c "$conf" "$@" || {
    status=$?
    echo "demo: \`ctcgw $*\` failed with exit status $status" >&2
    exit 1
  }
}

heading () {
  printf '\n\n==== %s ====\n' "$1"
}

# Prints an answer from the outbox: who it went to, its subject and its
# text, decoded.  With python3 its email module does it; without, the body
# is decoded here (quoted-printable or base64, then iconv from its charset)
# and the headers are shown as they were sent.
show_answer () {
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$1" <<'EOF'
import sys, email, email.policy
with open(sys.argv[1], "rb") as f:
    msg = email.message_from_binary_file(f, policy=email.policy.default)
print("To:", msg["To"])
print("Subject:", msg["Subject"])
print()
body = msg.get_body(preferencelist=("plain",))
print((body.get_content() if body else "").rstrip())
EOF
  else
    show_answer_sh "$1"
  fi
}

show_answer_sh () {
  headers=$(awk '/^$/ { exit }
    /^[ \t]/ { line = line " " substr($0, 2); next }
    { if (line != "") print line; line = $0 }
    END { if (line != "") print line }' "$1")
  printf '%s\n' "$headers" | grep '^To:'
  printf '%s\n' "$headers" | grep '^Subject:'
  echo
  charset=$(printf '%s\n' "$headers" | grep -i '^Content-Type:' \
    | sed -n 's/.*charset="\{0,1\}\([^";]*\).*/\1/p')
  encoding=$(printf '%s\n' "$headers" | grep -i '^Content-Transfer-Encoding:' \
    | awk '{ print tolower($2) }')
  sed '1,/^$/d' "$1" | case $encoding in
    quoted-printable) decode_qp ;;
    base64) base64 -d ;;
    *) cat ;;
  esac | iconv -f "${charset:-us-ascii}" -t UTF-8
}

# Quoted-printable (RFC 2045) on stdin to bytes on stdout.
decode_qp () {
  LC_ALL=C awk 'BEGIN { for (i = 0; i < 256; i++) byte[sprintf("%02X", i)] = i }
    {
      line = $0
      sub(/[ \t\r]+$/, "", line)
      soft = substr(line, length(line)) == "="
      if (soft) line = substr(line, 1, length(line) - 1)
      while ((i = index(line, "=")) > 0) {
        code = toupper(substr(line, i + 1, 2))
        if (code in byte) {
          printf "%s%c", substr(line, 1, i - 1), byte[code]
          line = substr(line, i + 3)
        } else {
          printf "%s=", substr(line, 1, i - 1)
          line = substr(line, i + 1)
        }
      }
      printf "%s", line
      if (!soft) printf "\n"
    }'
}

[ -d "$examples/mail" ] || { echo "demo: no $examples/mail" >&2; exit 1; }
rm -rf "$demo"
mkdir -p "$demo/inbox/new" "$demo/inbox/cur" "$demo/inbox/tmp" \
  "$demo/outbox/new" "$demo/outbox/cur" "$demo/outbox/tmp" || exit 1

cat > "$conf" <<EOF
# The demo's configuration: see ctcgw.conf(5).  Relative paths are taken
# from the directory of this file.
[gateway]
database = registers.db
address = intake@ctc.example
name = CTC Executive Directorate
reference_prefix = CTC
staff = desk@ctc.example
timezone = Europe/Vienna

[mailbox demo]
url = maildir:inbox

[smtp]
url = maildir:outbox

# The demo's mail is not signed: filed at once (ctcgw.conf(5)).
[authentication]
require = none
EOF

heading "Setting up $demo"
ctc check-config
ctc init
ctc import contacts "$examples/contacts.csv"
ctc visit create --state KZ --start "$((year + 1))-04-13" --end "$((year + 1))-04-17" \
  --organizations UNODC,OSCE

heading "Sample submissions dropped into the inbox"
for f in "$examples"/mail/*.eml; do
  cp "$f" "$demo/inbox/new/" || exit 1
done
for f in "$examples"/mail/templates/*.eml; do
  sed "s/@YEAR@/$year/g" "$f" > "$demo/inbox/new/${f##*/}" || exit 1
done
ls "$demo/inbox/new"

heading "One pass of the daemon: intake, then the outbox"
ctc run --once

heading "What arrived"
ctc list submissions

heading "What was filed"
for register in contacts offers requests results sources standards inventory visits; do
  ctc list "$register"
done
ctc show "CTC-CP-$year-0001"
ctc show "CTC-VIS-$year-0001"

heading "What waits for staff"
ctc quarantine list

heading "What was sent"
ctc list outbox
for f in "$demo"/outbox/new/*; do
  [ -f "$f" ] || continue
  printf '\n---- %s\n' "${f##*/}"
  show_answer "$f"
done

heading "The staff digest of today"
ctc digest --print --date "$(TZ=Europe/Vienna date +%Y-%m-%d)"
ctc list requests --candidates
ctc list offers --overlaps

# --- The second pass: authentication, under the default policy ------------
# The samples above are not signed, and the first pass filed them at once
# (require = none).  The gateway's default is require = confirm: a contact
# point's submission that nothing authenticated waits for the contact
# point's reply to one confirmation request (ctcgw(8), AUTHENTICATION).  The
# configuration is switched to it here, with a DKIM key made for the demo,
# for the two samples of examples/mail/authentication: Kazakhstan's
# request, signed now with that key, is filed at once; Tajikistan's,
# unsigned, waits until the contact point replies.
heading "Second pass, under the default require = confirm: one signed, one unsigned"
keys=$demo/dkim-keys
signed=
PY=
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import dkim' 2>/dev/null; then PY=$p; break; fi
done
if command -v openssl >/dev/null 2>&1 && [ -n "$PY" ]; then
  # A key for the demo only, made now and never stored in the repository:
  # its private half signs the sample; its public half is the DNS record
  # that the gateway reads from dkim_keys instead of DNS (ctcgw.conf(5)).
  openssl genrsa -out "$demo/demo-dkim.pem" 2048 2>/dev/null || exit 1
  pub=$(openssl rsa -in "$demo/demo-dkim.pem" -pubout -outform DER 2>/dev/null | base64 | tr -d '\n')
  printf 's1._domainkey.mfa.kz.example v=DKIM1; k=rsa; p=%s\n' "$pub" > "$keys"
  signed=yes
else
  echo "(openssl or python3-dkim is missing: the signed sample is left out)"
  : > "$keys"
fi
sed -e 's/^# The demo.s mail is not signed: filed at once.*/# The default policy, and the DKIM key of the demo (ctcgw.conf(5))./' \
    -e 's/^require = none$/require = confirm\
dkim_keys = dkim-keys/' "$conf" > "$conf.new" && mv "$conf.new" "$conf" || exit 1
printf '\n$ sed -n /authentication/,\\$p %s\n' "$conf"
sed -n '/^\[authentication\]/,$p' "$conf"
ctc check-config
ls "$demo/outbox/new" > "$demo/sent-before"
if [ -n "$signed" ]; then
  "$PY" -c '
import sys, dkim
msg = open(sys.argv[1], "rb").read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
key = open(sys.argv[2], "rb").read()
sig = dkim.sign(msg, b"s1", b"mfa.kz.example", key,
                include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
sys.stdout.buffer.write(sig + msg)' "$examples/mail/authentication/18-signed-request.eml" \
    "$demo/demo-dkim.pem" > "$demo/inbox/new/18-signed-request.eml" || exit 1
fi
cp "$examples/mail/authentication/19-unsigned-request.eml" "$demo/inbox/new/" || exit 1
ls "$demo/inbox/new"
ctc run --once
# The references go on in filing order: the first pass used
# CTC-SUB-YEAR-000001 to 000016, so the signed request is 000017 and the
# unsigned one 000018 (000017 when the signed one is left out).
n=17
if [ -n "$signed" ]; then signed_sub=CTC-SUB-$year-0000$n; n=$((n + 1)); fi
waiting_sub=CTC-SUB-$year-0000$n

# new_answers: the outbox files written since the list in $demo/sent-before.
new_answers () {
  for f in "$demo"/outbox/new/*; do
    [ -f "$f" ] && ! grep -q -x -F "${f##*/}" "$demo/sent-before" && echo "$f"
  done
}

heading "The signed request is filed at once (authentication dkim)"
[ -n "$signed" ] && ctc show "$signed_sub"

heading "The unsigned request waits (pending) for its contact point's confirmation"
ctc show "$waiting_sub"

heading "The confirmation request, sent to the address the Directory holds"
# headers FILE: the message's header lines, unfolded.
headers () {
  awk '/^$/ { exit }
    /^[ \t]/ { line = line " " substr($0, 2); next }
    { if (line != "") print line; line = $0 }
    END { if (line != "") print line }' "$1"
}
request=
for f in $(new_answers); do
  headers "$f" | grep -q '^Subject: .*\[confirm:' && request=$f
done
[ -n "$request" ] || { echo "demo: no confirmation request in the outbox" >&2; exit 1; }
show_answer "$request"
ls "$demo/outbox/new" > "$demo/sent-before"

heading "The contact point replies to it"
# The reply as a mail program writes it: the same Subject with Re:, and
# In-Reply-To the request's Message-ID.
request_id=$(headers "$request" | sed -n 's/^Message-I[Dd]: *//p')
request_subject=$(headers "$request" | sed -n 's/^Subject: *//p')
reply=$demo/inbox/new/20-confirmation-reply.eml
printf 'Message-ID: <20261120120301.9d02@mfa.tj.example>\nDate: Fri, 20 Nov 2026 12:03:01 +0500\nFrom: Farrukh Rahimov <f.rahimov@mfa.tj.example>\nTo: intake@ctc.example\nSubject: Re: %s\nIn-Reply-To: %s\nReferences: %s\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nYes, I sent this request.\n\n-- \nFarrukh Rahimov\n' \
  "$request_subject" "$request_id" "$request_id" > "$reply" || exit 1
cat "$reply"
ctc run --once

heading "The unsigned request is filed (authentication confirmed) and answered"
ctc show "$waiting_sub"
ctc list requests
for f in $(new_answers); do
  printf '\n---- %s\n' "${f##*/}"
  show_answer "$f"
done
rm -f "$demo/sent-before"

heading "The public site of the public registers, in six languages"
ctc publish --out "$demo/www"
printf 'Open file://%s/www/site/index.html in a browser, or have a web server\n' "$demo"
printf 'serve %s/www/site (examples/nginx.conf).\n' "$demo"

printf '\nThe demo left its database, inbox, outbox and site in %s.\n' "$demo"
