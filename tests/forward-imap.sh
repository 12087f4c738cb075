#!/bin/sh
# Forwarded submissions through the private Postfix and Dovecot
# (docs/submissions.md sections 1 and 7): a contact point forwards mail
# that holds records, inline (Gmail; Outlook's HTML, a value continued
# after a <br>) or as an attached message; `ctcgw run --once` reads it over
# IMAP, files the records as the forwarder's and answers with the lines
# about them marked.  A forward whose records speak for another entity is
# quarantined: the forwarded message's From grants nothing.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
. "${CTCGW_SRCDIR:-.}/tests/servers.sh"
need_ctcgw
make_tmpdir
servers_start
gateway_setup "$TMP/gw" || servers_fail "the gateway is set up" "ctcgw init or import failed"

# Jane Doe (UNODC) forwards, Gmail-style, an offer a colleague wrote.
cat > "$TMP/gmail.eml" <<'EOF'
From: Jane Doe <j.doe@unodc.example>
To: intake@ctc.example
Subject: Fwd: Offer
Message-ID: <fwd-gmail@unodc.example>
Date: Mon, 16 Nov 2026 10:03:51 +0100
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Please file the offer below.

-- 
Jane Doe

---------- Forwarded message ---------
From: Piotr Nowak <p.nowak@unodc.example>
Date: Fri, 13 Nov 2026 at 16:20
Subject: Offer
To: Jane Doe <j.doe@unodc.example>

Form: assistance-offer
Provider: UNODC
Title: Forwarded workshop
Areas: criminal-justice
Beneficiaries: KZ
EOF

# Marco Rossi (OSCE) forwards from Outlook, in HTML, a title broken by a <br>.
cat > "$TMP/outlook.eml" <<'EOF'
From: Marco Rossi <m.rossi@osce.example>
To: intake@ctc.example
Subject: FW: Offer
Message-ID: <fwd-outlook@osce.example>
Date: Mon, 16 Nov 2026 10:05:00 +0100
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><body><div class=WordSection1><p class=MsoNormal>FYI<o:p></o:p></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<div style='border:none;border-top:solid #E1E1E1 1.0pt'><p class=MsoNormal>
<b>From:</b> Anna Berg &lt;a.berg@osce.example&gt;<br><b>Sent:</b> Friday, November 13, 2026 4:20 PM<br>
<b>To:</b> Marco Rossi &lt;m.rossi@osce.example&gt;<br><b>Subject:</b> Offer<o:p></o:p></p></div>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoNormal>Form: assistance-offer<o:p></o:p></p>
<p class=MsoNormal>Provider: OSCE<o:p></o:p></p>
<p class=MsoNormal>Title: Regional workshop on border<br>security<o:p></o:p></p>
<p class=MsoNormal>Areas: border-control<br>Beneficiaries: KG<o:p></o:p></p>
</div></body></html>
EOF

# Helen Park (FATF) forwards a standard as an attached message.
cat > "$TMP/attached.eml" <<'EOF'
From: Helen Park <h.park@fatf.example>
To: intake@ctc.example
Subject: Fwd: Standard
Message-ID: <fwd-attached@fatf.example>
Date: Mon, 16 Nov 2026 10:06:00 +0100
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=XX

--XX
Content-Type: text/plain; charset=utf-8

The standard is in the attached message.
--XX
Content-Type: message/rfc822
Content-Disposition: attachment; filename=standard.eml

From: Policy Desk <desk@fatf.example>
Subject: Standard
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Form: standard
Title: Forwarded standard
Issuer: FATF
Areas: terrorist-financing
--XX--
EOF

# Marco Rossi (OSCE) forwards an offer in UNODC's name, from Jane Doe.
cat > "$TMP/other.eml" <<'EOF'
From: Marco Rossi <m.rossi@osce.example>
To: intake@ctc.example
Subject: Fwd: UNODC offer
Message-ID: <fwd-other@osce.example>
Date: Mon, 16 Nov 2026 10:07:00 +0100
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

---------- Forwarded message ---------
From: Jane Doe <j.doe@unodc.example>
Subject: Offer

Form: assistance-offer
Provider: UNODC
Title: Not Marco's to send
Areas: criminal-justice
Beneficiaries: KZ
EOF

for m in gmail outlook attached other; do
  from=$(sed -n 's/^From: .*<\(.*\)>$/\1/p' "$TMP/$m.eml" | head -n 1)
  check_true "Postfix takes the $m forward" smtp_send "$from" gateway@ctc.example < "$TMP/$m.eml"
done
n=$(wait_count gateway INBOX 4 15)
[ "$n" = 4 ] && ok "the four reach Dovecot's INBOX over LMTP" \
  || { fail "the four reach Dovecot's INBOX over LMTP" "INBOX holds ${n:-none}"; tail -n 20 "$POSTFIX_DIR/postfix.log" | diag; }

check "run --once succeeds" 0 gw -q run --once
db_is "the Gmail forward is filed" filed \
  "SELECT outcome FROM submissions WHERE message_id LIKE '%fwd-gmail@%'"
db_is "its offer is UNODC's" 1 \
  "SELECT count(*) FROM offers WHERE title = 'Forwarded workshop' AND providers = '[\"UNODC\"]'"
db_is "the Outlook forward is filed, its title one value" "filed|1" \
  "SELECT s.outcome, (SELECT count(*) FROM offers WHERE title = 'Regional workshop on border' || char(10) || 'security' AND beneficiaries = '[\"KG\"]') FROM submissions s WHERE message_id LIKE '%fwd-outlook@%'"
db_is "the attached message's standard is filed" "filed|1" \
  "SELECT s.outcome, (SELECT count(*) FROM standards WHERE title = 'Forwarded standard') FROM submissions s WHERE message_id LIKE '%fwd-attached@%'"
db_is "the forward in another entity's name is quarantined" quarantined \
  "SELECT outcome FROM submissions WHERE message_id LIKE '%fwd-other@%'"
db_is "and files nothing" 0 "SELECT count(*) FROM offers WHERE title LIKE 'Not Marco%'"

# answer_of ID: the text of the answer to the message ID, decoded.
answer_of () {
  f=$(grep -l "^In-Reply-To: <$1>" "$GATEWAY_DIR"/outbox/new/* 2>/dev/null | head -n 1)
  [ -n "$f" ] && python3 -c '
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m.get_body(("plain",)).get_content())' "$f"
}
for m in fwd-gmail@unodc.example fwd-outlook@osce.example fwd-attached@fatf.example; do
  answer_of "$m" > "$TMP/answer.txt"
  if grep -q '^- accepted CTC-[A-Z]*-[0-9-]* (new) \[forwarded message\]$' "$TMP/answer.txt" \
     && grep -q '^Lines marked \[forwarded message\]' "$TMP/answer.txt"; then
    ok "the answer to $m marks the record read from the forwarded part"
  else
    fail "the answer to $m marks the record read from the forwarded part" "$(cat "$TMP/answer.txt")"
  fi
done
finish
