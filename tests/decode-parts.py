# Decodes a message the gateway sent, as a mail reader does (Python's
# email, policy=default), and prints what a person would read: the From,
# To and Subject headers decoded, then every part's text.  A calendar
# part is written to FILE.N.ics for tests/invite-parse.py and
# tests/invite-parse.mjs.  Exits 1, saying why on standard error, when the
# message has 8-bit bytes, a header holds an encoded word not in UTF-8 or
# a text part is not UTF-8 labelled as such with its transfer encoding
# said (ctcgw(8), DESCRIPTION).
# Used by tests/encoding.sh.
import email
import email.policy
import re
import sys

ENCODINGS = ("7bit", "quoted-printable", "base64")


problems = []


def fail(why):
    problems.append("%s: %s" % (sys.argv[1], why))


def raw_headers(data):
    head = data.split(b"\n\n", 1)[0].decode("ascii", "replace")
    return re.sub(r"\r?\n[ \t]+", " ", head)


def check_words(head):
    for charset in re.findall(r"=\?([^?]+)\?[bBqQ]\?", head):
        if charset.lower() != "utf-8":
            fail("an encoded word in %s" % charset)


def part_text(part):
    charset = part.get_param("charset")
    if charset is None or charset.lower() != "utf-8":
        fail("%s in charset %s" % (part.get_content_type(), charset))
    encoding = part.get("Content-Transfer-Encoding", "").lower()
    if encoding not in ENCODINGS:
        fail("%s with transfer encoding %r" % (part.get_content_type(), encoding))
    data = part.get_payload(decode=True)
    if encoding == "7bit" and not data.isascii():
        fail("%s: 8-bit bytes said to be 7bit" % part.get_content_type())
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        fail("%s: not UTF-8: %s" % (part.get_content_type(), e))
        text = data.decode("utf-8", "replace")
    if text != part.get_content():
        fail("%s: read differently as labelled" % part.get_content_type())
    return text


def main():
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    if not data.isascii():
        fail("8-bit bytes in the message")
    check_words(raw_headers(data))
    msg = email.message_from_bytes(data, policy=email.policy.default)
    out = []
    for name in ("From", "To", "Subject", "Content-Language"):
        if msg[name] is not None:
            out.append("%s: %s" % (name, msg[name]))
    for addr in msg["To"].addresses + msg["From"].addresses:
        out.append("Name: %s" % addr.display_name)
    calendars = 0
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if ctype.startswith("text/"):
            text = part_text(part)
        elif ctype == "application/ics":
            text = part.get_payload(decode=True).decode("utf-8")
        else:
            continue
        out.append("--- %s" % ctype)
        out.append(text)
        if ctype in ("text/calendar", "application/ics"):
            calendars += 1
            with open("%s.%d.ics" % (sys.argv[1], calendars), "w", encoding="utf-8") as f:
                f.write(text)
    sys.stdout.write("\n".join(out) + "\n")
    if problems:
        sys.exit("\n".join(problems))


main()
