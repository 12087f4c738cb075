#!/bin/sh
# Generates ./configure.  Run as root on Debian, it first installs the
# packages that building, testing, the demo, `make fuzz` (clang and its
# libFuzzer) and bench/html (Gumbo and libxml2, which it compares with the
# gateway's HTML reader) need; otherwise it prints the command that would.
set -e
cd "$(dirname "$0")"

packages="autoconf automake pkg-config make gcc libc6-dev
  libglib2.0-dev libglib2.0-dev-bin libgmime-3.0-dev libsqlite3-dev sqlite3
  libcurl4-gnutls-dev libetpan-dev libgnutls28-dev libical-dev libicu-dev libcsv-dev libcmocka-dev
  libopendkim-dev libpsl-dev libsystemd-dev systemd publicsuffix python3-dkim opendkim-tools openssl
  iso-codes tzdata dovecot-imapd dovecot-lmtpd postfix python3-vobject python3-icalendar
  chromium lighttpd poppler-utils clang libclang-rt-14-dev libgumbo-dev libxml2-dev"
# The tests read invitations with ical.js too: node and npm, from Debian
# unless the machine has them already.
command -v npm >/dev/null 2>&1 || packages="$packages nodejs npm"

missing=""
if command -v dpkg-query >/dev/null 2>&1; then
  for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
      || missing="$missing $p"
  done
fi

if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "autogen.sh: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    # Postfix is only run privately by the tests: no system configuration.
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
  else
    echo "autogen.sh: these packages are missing:$missing" >&2
    echo "autogen.sh: install them as root with:" >&2
    echo "  apt-get install$missing" >&2
    exit 1
  fi
fi

# ical.js, the parser of Thunderbird, for tests/invite-smtp.sh: installed
# into tests/node from its package-lock.json.
if [ ! -f tests/node/node_modules/ical.js/package.json ]; then
  if command -v npm >/dev/null 2>&1; then
    npm ci --prefix tests/node --no-audit --no-fund --loglevel=error \
      || echo "autogen.sh: npm ci --prefix tests/node failed: tests/invite-smtp.sh is skipped, and fails under CI" >&2
  else
    echo "autogen.sh: npm is missing: install it, then run npm ci --prefix tests/node" >&2
  fi
fi

mkdir -p m4 build-aux
autoreconf --install --force
echo "autogen.sh: now run ./configure"
