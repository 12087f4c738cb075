"""Checks of the public site for tests/publish.sh.

  publish-scan.py scan DB SITE       nothing private of DB is in any file of SITE
  publish-scan.py crawl URL SITE     every link from URL resolves; every file is reached
  publish-scan.py contrast CSS       every text colour on every background >= 4.5:1
"""
import html.parser
import os
import re
import sqlite3
import sys
import urllib.parse
import urllib.request

ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")

# The texts of the database that are never public: every register the site
# does not show, and what the shown ones hold but do not show.
PRIVATE_TEXTS = [
    "SELECT description FROM requests",
    "SELECT results FROM results UNION SELECT difference FROM results"
    " UNION SELECT problems FROM results",
    "SELECT information FROM visit_information",
    "SELECT text FROM assessments",
    "SELECT subject FROM submissions UNION SELECT CAST(raw AS TEXT) FROM submissions",
    "SELECT reason FROM quarantine UNION SELECT decided_reason FROM quarantine",
    "SELECT title FROM meetings WHERE public = 0 UNION SELECT location FROM meetings"
    " WHERE public = 0",
    "SELECT name FROM contacts WHERE publish = 'no' UNION SELECT title FROM contacts"
    " WHERE publish = 'no' UNION SELECT office FROM contacts WHERE publish = 'no'",
    "SELECT title FROM offers WHERE state = 'withdrawn'",
]
# Every address of the database but those of contact points that agreed.
PRIVATE_ADDRESSES = [
    "SELECT email FROM contacts WHERE publish = 'no'",
    "SELECT from_addr FROM submissions UNION SELECT sender_addr FROM submissions",
    "SELECT recipient FROM outbox",
    "SELECT email FROM attendance",
    "SELECT created_by FROM assessments",
]
PUBLISHED_ADDRESSES = "SELECT lower(email) FROM contacts WHERE publish = 'yes'"
# The lists that name contact points by address.
ADDRESS_LISTS = ["offers", "sources", "inventory"]


def values(db, sql):
    return {row[0] for row in db.execute(sql) if row[0]}


def site_files(site):
    for root, _, names in os.walk(site):
        for name in names:
            path = os.path.join(root, name)
            yield os.path.relpath(path, site), open(path, encoding="utf-8").read()


def scan(db_path, site):
    db = sqlite3.connect(db_path)
    texts = set()
    for sql in PRIVATE_TEXTS:
        texts |= values(db, sql)
    addresses = set()
    for sql in PRIVATE_ADDRESSES:
        addresses |= {a.lower() for a in values(db, sql)}
    for table in ADDRESS_LISTS:
        for (value,) in db.execute("SELECT contacts FROM %s" % table):
            addresses |= {a.lower() for a in ADDRESS.findall(value or "")}
    published = values(db, PUBLISHED_ADDRESSES)
    addresses -= published
    phones = values(db, "SELECT phone FROM contacts")
    digits = {re.sub(r"\D", "", p) for p in phones}
    problems = []
    for rel, text in site_files(site):
        lower = text.lower()
        flat = re.sub(r"\D", "", text)
        problems += ["%s: the text %r" % (rel, t[:60]) for t in texts if t in text]
        problems += ["%s: the address %s" % (rel, a) for a in addresses if a in lower]
        problems += ["%s: the telephone %s" % (rel, p) for p in phones if p in text]
        problems += ["%s: the telephone's digits %s" % (rel, d) for d in digits if d in flat]
        problems += ["%s: a text of the fixture's private ones" % rel for _ in
                     re.findall(r"\bPrivate\b", text)][:1]
        for line in text.splitlines():
            if line.startswith(("UID:", "ORGANIZER")):
                continue  # the calendar's event identifiers and the gateway's address
            for a in ADDRESS.findall(line):
                if a.lower() not in published:
                    problems.append("%s: an address no contact point agreed to: %s" % (rel, a))
    print("\n".join(problems) or "scanned: %d texts, %d addresses, %d telephones"
          % (len(texts), len(addresses), len(phones)))
    return not problems


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def crawl(start, site):
    seen, todo, problems = set(), [start], []
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                body = response.read()
                kind = response.headers.get("Content-Type", "")
        except OSError as e:
            problems.append("%s: %s" % (url, e))
            continue
        if not kind.startswith("text/html"):
            continue
        parser = Links()
        parser.feed(body.decode("utf-8"))
        for link in parser.links:
            target = urllib.parse.urljoin(url, link).split("#")[0]
            if target.startswith(start):
                todo.append(target)
    reached = {urllib.parse.urlparse(u).path.lstrip("/") or "index.html" for u in seen}
    reached |= {r + "index.html" for r in reached if r.endswith("/")}
    for rel, _ in site_files(site):
        if rel not in reached:
            problems.append("not reached from the first page: " + rel)
    print("\n".join(problems) or "crawled %d addresses" % len(seen))
    return not problems


def luminance(hex_colour):
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(css_path):
    css = open(css_path, encoding="utf-8").read()
    colours = set(re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", css))
    backgrounds = set(re.findall(r"background:\s*(#[0-9a-fA-F]{6})", css)) | {"#ffffff"}
    problems = []
    for c in colours:
        for b in backgrounds:
            l1, l2 = sorted((luminance(c), luminance(b)), reverse=True)
            ratio = (l1 + 0.05) / (l2 + 0.05)
            if ratio < 4.5:
                problems.append("%s on %s: %.2f:1" % (c, b, ratio))
    print("\n".join(problems) or "%d colours on %d backgrounds" % (len(colours), len(backgrounds)))
    return bool(colours) and not problems


if __name__ == "__main__":
    command = {"scan": scan, "crawl": crawl, "contrast": contrast}[sys.argv[1]]
    sys.exit(0 if command(*sys.argv[2:]) else 1)
