#!/usr/bin/env python3
# bench/messages.py COUNT DIR [FIRST [OWNER]]: COUNT realistic submissions of
# about 3 KB written as Maildir files into DIR, numbered from FIRST (default
# 1: each number has its own Message-ID), owned by the user OWNER when
# given; prints their average size.  Each is an assistance offer from
# UNODC, a standard from FATF or an information source from OSCE (the
# contact points of gateway_setup), plain text or multipart/alternative
# with an HTML part, with the headers that mail through a few relays
# carries.  Used by bench/intake and bench/history.
import os, pwd, sys, hashlib, base64
count, d = int(sys.argv[1]), sys.argv[2]
first = int(sys.argv[3]) if len(sys.argv) > 3 else 1
owner = pwd.getpwnam(sys.argv[4]) if len(sys.argv) > 4 else None
os.makedirs(d, exist_ok=True)
senders = [("Jane Doe", "j.doe@unodc.example", "unodc.example", "UNODC",
            "Programme Officer, Terrorism Prevention Branch",
            "United Nations Office on Drugs and Crime\nVienna International Centre, PO Box 500\n1400 Vienna, Austria\n+43 1 26060 4120"),
           ("Helen Park", "h.park@fatf.example", "fatf.example", "FATF",
            "Policy Analyst, FATF Secretariat",
            "Financial Action Task Force\n2 rue Andre Pascal\n75775 Paris Cedex 16, France\n+33 1 45 24 90 90"),
           ("Marco Rossi", "m.rossi@osce.example", "osce.example", "OSCE",
            "Senior Adviser, Transnational Threats Department",
            "Organization for Security and Co-operation in Europe\nWallnerstrasse 6\n1010 Vienna, Austria\n+43 1 514 36 6000")]
states = ["KZ", "KG", "TJ", "UZ", "TM", "AF", "PK", "NG", "ML", "NE", "TD", "SO", "KE", "ET", "ID", "PH"]
areas = ["terrorist-financing", "criminal-justice", "border-control", "information-exchange",
         "mutual-legal-assistance", "early-warning", "safe-haven"]
disclaimer = ("This e-mail and any attachments are intended solely for the named addressee(s)\n"
              "and may contain information that is confidential or privileged. If you are\n"
              "not the intended recipient, please notify the sender immediately and delete\n"
              "this message. Any views expressed are those of the sender and do not\n"
              "necessarily reflect the official position of the organization.\n")

def form(i, who):
    a = ", ".join(areas[(i + k) % len(areas)] for k in range(2))
    s = ", ".join(states[(i + k) % len(states)] for k in range(3))
    if who == 0:
        return ("Form: assistance-offer\nProvider: UNODC\n"
                "Title: Legislative drafting workshop on terrorist financing, session %d\n"
                "Areas: %s\nBeneficiaries: %s\nStart: 2026-03-02\nEnd: 2026-03-06\n"
                "Objectives: Draft amendments to the AML/CFT law tabled in parliament\n"
                "  within six months of the workshop, and a national risk assessment\n"
                "  updated with the findings of the mutual evaluation.\n"
                "Description: A five-day workshop for legislative drafters, prosecutors\n"
                "  and financial intelligence unit staff, with case studies from the\n"
                "  region and a peer review of the draft amendments.\n"
                "Contacts: j.doe@unodc.example\n" % (i, a, s))
    if who == 1:
        return ("Form: standard\nTitle: Guidance on beneficial ownership of legal persons, edition %d\n"
                "Issuer: FATF\nAreas: %s\nUrl: https://www.fatf.example/publications/guidance-%d.html\n"
                "Citation: FATF Guidance, Recommendation 24, paragraph %d\nYear: 2026\n"
                "Summary: How competent authorities obtain adequate, accurate and\n"
                "  up-to-date information on the beneficial ownership of companies,\n"
                "  and how registers, company filings and financial institutions\n"
                "  complement each other.\n" % (i, a, i, i % 97 + 1))
    return ("Form: information-source\nProvider: OSCE\n"
            "Title: Border management staff college course %d\nKind: training\nAreas: %s\n"
            "Url: https://www.osce.example/training/course-%d\n"
            "Description: A two-week course on border security and management for\n"
            "  senior officers, covering risk analysis, document security and\n"
            "  the exchange of advance passenger information.\n"
            "Contacts: m.rossi@osce.example\nLanguages: en, ru\n" % (i, a, i))

def message(i):
    who = i % 3
    name, addr, dom, ent, title, sig = senders[who]
    mid = "<%s.%06d.bench@mail.%s>" % (hashlib.sha1(b"%d" % i).hexdigest()[:16], i, dom)
    date = "Mon, %d Nov 2026 %02d:%02d:%02d +0100" % (2 + i % 27, 8 + i % 10, i % 60, (i * 7) % 60)
    body = ("Dear colleagues,\n\nPlease find below our submission for the registers, as agreed\n"
            "at the last coordination meeting.\n\n%s\nKind regards,\n\n%s\n%s\n%s\n\n-- \n%s"
            % (form(i, who), name, title, sig, disclaimer))
    dkim = base64.b64encode(hashlib.sha512(mid.encode()).digest() * 4).decode()
    hdr = ("Return-Path: <%s>\n"
           "Delivered-To: intake@ctc.example\n"
           "Received: from mx1.ctc.example (mx1.ctc.example [192.0.2.25])\n"
           "\tby imap.ctc.example with LMTP id %06dA\n\tfor <intake@ctc.example>; %s\n"
           "Received: from mail.%s (mail.%s [198.51.100.%d])\n"
           "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\n"
           "\tby mx1.ctc.example (Postfix) with ESMTPS id 4Q%06dZ\n\tfor <intake@ctc.example>; %s\n"
           "Received: from workstation-%d.%s ([10.1.%d.%d])\n\tby mail.%s with ESMTPSA; %s\n"
           "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=%s; s=sel2026;\n"
           "\th=from:to:subject:date:message-id:mime-version:content-type;\n"
           "\tbh=%s;\n\tb=%s\n\t %s\n"
           "Authentication-Results: mx1.ctc.example; dkim=pass header.d=%s;\n"
           "\tspf=pass smtp.mailfrom=%s; dmarc=pass header.from=%s\n"
           "From: %s <%s>\nTo: CTC intake <intake@ctc.example>\n"
           "Subject: Submission %d for the registers\nDate: %s\nMessage-ID: %s\n"
           "MIME-Version: 1.0\nX-Mailer: Microsoft Outlook 16.0\nContent-Language: en-GB\n"
           % (addr, i, date, dom, dom, i % 250 + 1, i, date, i, dom, i % 250, i % 200 + 1,
              dom, date, dom, dkim[:44], dkim[44:112], dkim[112:180], dom, addr, dom,
              name, addr, i, date, mid))
    if i % 4 == 3:
        html = ("<html><head><meta charset=\"utf-8\"></head><body>\n" +
                "".join("<p>%s</p>\n" % line.replace("&", "&amp;").replace("<", "&lt;")
                        for line in body.split("\n\n")) + "</body></html>\n")
        b = "----=_Part_%06d_bench" % i
        msg = (hdr + "Content-Type: multipart/alternative; boundary=\"%s\"\n\n"
               "This is a multi-part message in MIME format.\n\n--%s\n"
               "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n%s\n"
               "--%s\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
               "%s\n--%s--\n" % (b, b, body, b, html, b))
    else:
        msg = hdr + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + body
    return msg.encode()

total = 0
for i in range(first, first + count):
    data = message(i)
    total += len(data)
    name = "1764460800.M%06d.P1.bench,S=%d,W=%d" % (i, len(data), len(data) + data.count(b"\n"))
    path = os.path.join(d, name)
    with open(path, "wb") as f:
        f.write(data)
    if owner is not None:
        os.chown(path, owner.pw_uid, owner.pw_gid)
print(total // count)
