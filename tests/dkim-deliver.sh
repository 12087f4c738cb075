#!/bin/sh
# How a sender is authenticated (ctcgw(8), AUTHENTICATION): messages signed
# here by an independent signer (python3-dkim) go through `ctcgw deliver`,
# their keys read back from [authentication] dkim_keys (ctcgw.conf(5));
# `show` and `quarantine show` print what was recorded.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
need_ctcgw
make_tmpdir
command -v openssl >/dev/null || skip_all "openssl is needed to make keys"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 shell is not installed"
PY=
for p in python3 /usr/bin/python3; do
    if "$p" -c 'import dkim' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || skip_all "python3-dkim is needed to sign messages"

# Two keys: the sender's domains share one, the stranger has its own.
openssl genrsa -out "$TMP/kz.pem" 2048 2>/dev/null || exit 99
openssl genrsa -out "$TMP/other.pem" 2048 2>/dev/null || exit 99
pub () { openssl rsa -in "$1" -pubout -outform DER 2>/dev/null | base64 | tr -d '\n'; }
KZ=$(pub "$TMP/kz.pem")
OTHER=$(pub "$TMP/other.pem")
cat >"$TMP/keys" <<EOF
s1._domainkey.mfa.kz.example v=DKIM1; k=rsa; p=$KZ
s1._domainkey.mail.mfa.kz.example v=DKIM1; k=rsa; p=$KZ
s1._domainkey.attacker.example v=DKIM1; k=rsa; p=$OTHER
EOF

write_conf () { # write_conf FILE [AUTHENTICATION-SECTION-LINES]
    cat >"$1" <<EOF
[gateway]
database = $TMP/db.sqlite
address = gateway@ctc.example
staff = officer@mfa.kz.example
trusted_authserv_id = mx.ctc.example

[smtp]
url = maildir:$TMP/outbox
$2
EOF
}
CONF=$TMP/ctcgw.conf
write_conf "$CONF" "
[authentication]
require = none
dkim_keys = $TMP/keys"
mkdir -p "$TMP/outbox/new" "$TMP/outbox/cur" "$TMP/outbox/tmp"
ctcgw () { "$CTCGW" -c "$CONF" "$@"; }
check "init" 0 ctcgw init
check "check-config accepts [authentication] dkim_keys" 0 ctcgw check-config
write_conf "$TMP/bad.conf" "
[authentication]
dkim_keys = $TMP/absent
dns_timeout = 3"
check "check-config refuses a missing key file" 78 "$CTCGW" -c "$TMP/bad.conf" check-config
check_err "it names [authentication] dkim_keys" '\[authentication\] dkim_keys: .*absent'
check_err "it names the unknown key" '\[authentication\] dns_timeout'

N=0
message () { # message FROM [EXTRA-HEADER]: a person's message, no records
    N=$((N + 1))
    printf 'From: Officer <%s>\r\nTo: gateway@ctc.example\r\nSubject: Test %s\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\nMessage-ID: <m%s@mfa.kz.example>\r\n%sMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello from the ministry.\r\nNothing to file today.\r\n' \
        "$1" "$N" "$N" "${2:+$2
}"
}
sign () { # sign DOMAIN KEY < message > signed message
    "$PY" -c '
import sys, dkim
msg = sys.stdin.buffer.read()
key = open(sys.argv[2], "rb").read()
sig = dkim.sign(msg, b"s1", sys.argv[1].encode(), key,
                include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
sys.stdout.buffer.write(sig + msg)' "$1" "$2"
}
# deliver NAME FILE: delivers it; $REF is the submission's reference.
deliver () {
    check "$1: deliver exits 0" 0 sh -c '"$1" -v -c "$2" deliver < "$3"' _ "$CTCGW" "$CONF" "$2"
    REF=$(awk '{ print $2 }' "$OUT")
    OUTCOME=$(awk '{ print $1 }' "$OUT")
}
auth_is () { # auth_is NAME EXPECTED
    got=$(sqlite3 "$TMP/db.sqlite" "SELECT authentication FROM submissions WHERE reference = '$REF'")
    [ "$got" = "$2" ] && ok "$1" || fail "$1" "expected $2, got '$got' for $REF"
}

message officer@mfa.kz.example | sign mfa.kz.example "$TMP/kz.pem" >"$TMP/good.eml"
deliver "aligned signature" "$TMP/good.eml"
auth_is "a valid aligned signature is dkim" dkim
check "show prints it" 0 ctcgw show "$REF"
check_out "show says authentication dkim" '^ *authentication:? +dkim'

sed 's/Nothing to file today/Nothing to file todax/' "$TMP/good.eml" >"$TMP/changed.eml"
deliver "changed body" "$TMP/changed.eml"
auth_is "one changed body byte is none" none
check_err "it is logged, not an error" 'dkim'

message officer@mfa.kz.example | sign attacker.example "$TMP/other.pem" >"$TMP/other.eml"
deliver "another domain's signature" "$TMP/other.eml"
auth_is "a valid signature of another domain is none" none

message officer@mfa.kz.example | sign mail.mfa.kz.example "$TMP/kz.pem" >"$TMP/sub.eml"
deliver "subdomain signer" "$TMP/sub.eml"
auth_is "a subdomain's signature is aligned (relaxed): dkim" dkim

message officer@mfa.kz.example "Authentication-Results: mx.ctc.example; spf=pass smtp.mailfrom=mfa.kz.example; dmarc = pass (p=reject) header.from=mfa.kz.example" >"$TMP/dmarc.eml"
deliver "trusted dmarc=pass" "$TMP/dmarc.eml"
auth_is "dmarc=pass from the trusted server is dmarc" dmarc

message officer@mfa.kz.example "Authentication-Results: mx.evil.example; dmarc=pass" >"$TMP/evil.eml"
deliver "untrusted dmarc=pass" "$TMP/evil.eml"
auth_is "dmarc=pass from another server is none" none

message officer@mfa.kz.example "Authentication-Results: mx.ctc.example; dmarc=pass (unterminated" >"$TMP/bad-ar.eml"
deliver "malformed Authentication-Results" "$TMP/bad-ar.eml"
auth_is "a malformed Authentication-Results is ignored: none" none
check_err "and logged" 'ignored=authentication-results'

message officer@mfa.kz.example "DKIM-Signature: v=1; a=rsa-sha256; d=mfa.kz.example; garbage" >"$TMP/bad-sig.eml"
deliver "malformed DKIM-Signature" "$TMP/bad-sig.eml"
auth_is "a malformed DKIM-Signature is ignored: none" none

# A failure stamped by the trusted server quarantines, unless a signature
# authenticates the sender (staff's own address: nothing else stops it).
message officer@mfa.kz.example "Authentication-Results: mx.ctc.example; dmarc=fail header.from=mfa.kz.example" >"$TMP/fail.eml"
deliver "trusted dmarc=fail" "$TMP/fail.eml"
[ "$OUTCOME" = quarantined ] && ok "dmarc=fail without a signature is quarantined" \
    || fail "dmarc=fail without a signature is quarantined" "outcome $OUTCOME"
QID=$(sqlite3 "$TMP/db.sqlite" "SELECT q.id FROM quarantine q JOIN submissions s ON s.id = q.submission_id WHERE s.reference = '$REF'")
check "quarantine show" 0 ctcgw quarantine show "$QID"
check_out "quarantine show says authentication none" '^ *authentication:? +none'
check "quarantine approve" 0 ctcgw quarantine approve "$QID"
auth_is "staff's approval is staff-cli" staff-cli

message officer@mfa.kz.example "Authentication-Results: mx.ctc.example; dmarc=fail header.from=mfa.kz.example" \
    | sign mfa.kz.example "$TMP/kz.pem" >"$TMP/fail-signed.eml"
deliver "trusted dmarc=fail, aligned signature" "$TMP/fail-signed.eml"
auth_is "the signature authenticates it: dkim" dkim
[ "$OUTCOME" != quarantined ] && ok "an aligned DKIM pass is not quarantined for authentication" \
    || fail "an aligned DKIM pass is not quarantined for authentication" "outcome $OUTCOME"

printf 'Form,Entity\n' >"$TMP/contacts.csv"
check "import" 0 ctcgw import contacts "$TMP/contacts.csv"
got=$(sqlite3 "$TMP/db.sqlite" "SELECT DISTINCT authentication FROM submissions WHERE class = 'import'")
[ "$got" = staff-cli ] && ok "an import is staff-cli" || fail "an import is staff-cli" "got '$got'"

# A calendar reply (iMIP, RFC 6047) is never held for confirmation, but one
# whose signature aligned with From does not verify is quarantined, not
# applied (ctcgw(8), AUTHENTICATION); the same reply correctly signed is.
sqlite3 "$TMP/db.sqlite" "INSERT INTO meetings (id, reference, title, start, uid, sequence)
   VALUES (1, 'CTC-MTG-2026-0001', 'Regional briefing', '2026-12-10T09:00:00Z',
           'mtg-1@ctc.example', 1);
   INSERT INTO attendance (meeting_id, entity, email, sequence)
   VALUES (1, 'KZ', 'focal@mfa.kz.example', 1);"
calreply () { # calreply PARTSTAT: focal@mfa.kz.example's REPLY to the meeting (number N)
    printf 'From: Focal <focal@mfa.kz.example>\r\nTo: gateway@ctc.example\r\nSubject: Accepted: Regional briefing\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\nMessage-ID: <r%s@mfa.kz.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/calendar; charset=utf-8; method=REPLY\r\n\r\nBEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//Client//EN\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:mtg-1@ctc.example\r\nSEQUENCE:1\r\nDTSTAMP:20261207T100000Z\r\nDTSTART:20261210T090000Z\r\nATTENDEE;PARTSTAT=%s:mailto:focal@mfa.kz.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
        "$N" "$1"
}
partstat () { sqlite3 "$TMP/db.sqlite" "SELECT partstat FROM attendance WHERE email = 'focal@mfa.kz.example'"; }
last_auth () { # last_auth NAME EXPECTED: of the last message stored (a reply has no reference)
    got=$(sqlite3 "$TMP/db.sqlite" "SELECT authentication FROM submissions ORDER BY id DESC LIMIT 1")
    [ "$got" = "$2" ] && ok "$1" || fail "$1" "expected $2, got '$got'"
}
N=$((N + 1))
calreply ACCEPTED | sign mfa.kz.example "$TMP/kz.pem" | sed 's/PARTSTAT=ACCEPTED/PARTSTAT=DECLINED/' >"$TMP/reply-bad.eml"
deliver "calendar reply, aligned signature broken" "$TMP/reply-bad.eml"
[ "$OUTCOME" = quarantined ] && ok "a reply whose aligned signature fails is quarantined" \
    || fail "a reply whose aligned signature fails is quarantined" "outcome $OUTCOME"
got=$(partstat)
[ "$got" = NEEDS-ACTION ] && ok "and the attendance is unchanged" || fail "and the attendance is unchanged" "got $got"
got=$(sqlite3 "$TMP/db.sqlite" "SELECT reason FROM quarantine ORDER BY id DESC LIMIT 1")
case $got in
    *"DKIM signature of mfa.kz.example does not verify"*) ok "the reason names the failing signature" ;;
    *) fail "the reason names the failing signature" "got '$got'" ;;
esac
N=$((N + 1))
calreply DECLINED | sign mfa.kz.example "$TMP/kz.pem" >"$TMP/reply-good.eml"
deliver "calendar reply, aligned signature" "$TMP/reply-good.eml"
last_auth "the signed reply is dkim" dkim
got=$(partstat)
[ "$got" = DECLINED ] && ok "the correctly signed reply is applied" || fail "the correctly signed reply is applied" "got $got"

# Strict alignment (schema/014-entity-alignment.sql): a signature of
# mail.mfa.kz.example authenticates mfa.kz.example for a relaxed entity,
# not for one whose Alignment is strict, where its own policy applies.
printf 'Entity,Name,Email,Languages\nKZ,Focal,focal@mfa.kz.example,en\n' >"$TMP/kz-contacts.csv"
check "import contacts" 0 ctcgw import contacts "$TMP/kz-contacts.csv"
request () { # request: a KZ assistance request from its contact point (number N)
    printf 'From: Focal <focal@mfa.kz.example>\r\nTo: gateway@ctc.example\r\nSubject: Request %s\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\nMessage-ID: <q%s@mfa.kz.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nForm: assistance-request\r\nState: KZ\r\nAreas: border-control\r\nDescription: Training of border guards %s\r\n' \
        "$N" "$N" "$N"
}
N=$((N + 1))
request | sign mail.mfa.kz.example "$TMP/kz.pem" >"$TMP/req-sub.eml"
deliver "relaxed entity, subdomain signer" "$TMP/req-sub.eml"
auth_is "a subdomain's signature is dkim for a relaxed entity" dkim
[ "$OUTCOME" = filed ] && ok "and it is filed" || fail "and it is filed" "outcome $OUTCOME"
printf 'Code,Name,Kind,Alignment,Require\nKZ,Kazakhstan,state,strict,authenticated\n' >"$TMP/strict.csv"
check "import entities with Alignment strict" 0 ctcgw import entities "$TMP/strict.csv"
got=$(sqlite3 "$TMP/db.sqlite" "SELECT dkim_alignment FROM entities WHERE code = 'KZ'")
[ "$got" = strict ] && ok "the entity's alignment is kept" || fail "the entity's alignment is kept" "got '$got'"
N=$((N + 1))
request | sign mail.mfa.kz.example "$TMP/kz.pem" >"$TMP/req-sub2.eml"
deliver "strict entity, subdomain signer" "$TMP/req-sub2.eml"
auth_is "a subdomain's signature is none for a strict entity" none
[ "$OUTCOME" = quarantined ] && ok "and its policy (authenticated) quarantines it" \
    || fail "and its policy (authenticated) quarantines it" "outcome $OUTCOME"
N=$((N + 1))
request | sign mfa.kz.example "$TMP/kz.pem" >"$TMP/req-own.eml"
deliver "strict entity, own signer" "$TMP/req-own.eml"
auth_is "the From domain's own signature is still dkim" dkim
[ "$OUTCOME" = filed ] && ok "and it is filed" || fail "and it is filed" "outcome $OUTCOME"
printf 'Code,Name,Kind\nKZ,Kazakhstan,state\n' >"$TMP/strict2.csv"
check "import entities without Alignment" 0 ctcgw import entities "$TMP/strict2.csv"
got=$(sqlite3 "$TMP/db.sqlite" "SELECT dkim_alignment FROM entities WHERE code = 'KZ'")
[ "$got" = strict ] && ok "a row without Alignment keeps it" || fail "a row without Alignment keeps it" "got '$got'"

# Without dkim_keys the key is asked of DNS: on a machine without DNS the
# lookup fails at once and the message is filed, not authenticated; a
# lookup that times out (MAIL_DKIM_DNS_TIMEOUT, 5 s) makes deliver exit 75
# so that the MTA retries.  Either way it is over in bounded time.
write_conf "$CONF" ""
message officer@mfa.kz.example | sign mfa.kz.example "$TMP/kz.pem" >"$TMP/dns.eml"
start=$(date +%s)
run sh -c '"$1" -v -c "$2" deliver < "$3"' _ "$CTCGW" "$CONF" "$TMP/dns.eml"
took=$(( $(date +%s) - start ))
case $STATUS in
    0|75) ok "a DNS lookup ends in filing (0) or a temporary failure (75): $STATUS" ;;
    *) fail "a DNS lookup ends in filing (0) or a temporary failure (75)" "status $STATUS"; show_last ;;
esac
[ "$took" -le 30 ] && ok "it takes at most 30 s ($took s)" || fail "it takes at most 30 s" "$took s"
if [ "$STATUS" -eq 0 ]; then
    REF=$(awk '{ print $2 }' "$OUT")
    auth_is "a key not found in DNS is none" none
    check_err "the failed lookup is logged" 'dkim: key=.*found=no'
fi

# A DNS server that never answers, where the system lets an unprivileged
# user have its own mount and network namespaces (unshare -rmn): the
# aligned signer's key lookup times out after MAIL_DKIM_DNS_TIMEOUT (5 s),
# deliver exits 75 and stores nothing; an unaligned signer's timing out
# does not hold the message back.
printf 'nameserver 127.0.0.1\noptions attempts:1\n' >"$TMP/resolv.conf"
cat >"$TMP/blackhole.sh" <<'EOF'
resolv=$1; shift
ip link set lo up 2>/dev/null || exit 77
mount --bind "$resolv" /etc/resolv.conf 2>/dev/null || exit 77
"$PY" -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 53)); time.sleep(60)" &
sleep 0.3
"$@"
status=$?
kill $! 2>/dev/null
exit $status
EOF
blackhole () { # blackhole FILE: delivers FILE where DNS never answers
    PY=$PY unshare -rmn sh "$TMP/blackhole.sh" "$TMP/resolv.conf" \
        sh -c '"$1" -v -c "$2" deliver < "$3"' _ "$CTCGW" "$CONF" "$1"
}
if command -v unshare >/dev/null && command -v ip >/dev/null \
   && unshare -rmn sh -c 'ip link set lo up && mount --bind /dev/null /etc/resolv.conf' 2>/dev/null; then
    message officer@mfa.kz.example | sign mfa.kz.example "$TMP/kz.pem" >"$TMP/timeout.eml"
    before=$(sqlite3 "$TMP/db.sqlite" "SELECT count(*) FROM submissions")
    start=$(date +%s)
    run blackhole "$TMP/timeout.eml"
    took=$(( $(date +%s) - start ))
    [ "$STATUS" -eq 75 ] && ok "a key lookup that times out: deliver exits 75" \
        || { fail "a key lookup that times out: deliver exits 75" "status $STATUS"; show_last; }
    [ "$took" -le 15 ] && ok "after the timeout, not more ($took s)" || fail "after the timeout" "$took s"
    after=$(sqlite3 "$TMP/db.sqlite" "SELECT count(*) FROM submissions")
    [ "$before" = "$after" ] && ok "nothing is stored" || fail "nothing is stored" "$before -> $after"
    check_err "it says to try again" 'timed out: try again later'
    message officer@mfa.kz.example | sign attacker.example "$TMP/other.pem" >"$TMP/timeout-other.eml"
    run blackhole "$TMP/timeout-other.eml"
    [ "$STATUS" -eq 0 ] && ok "an unaligned signer's timeout does not hold the message" \
        || { fail "an unaligned signer's timeout does not hold the message" "status $STATUS"; show_last; }
else
    # A container (CI's too) may deny namespaces even to root.
    skip_anywhere "a key lookup that times out" "unshare -rmn is not allowed here"
fi
finish
