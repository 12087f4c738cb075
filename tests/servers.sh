# A private Dovecot (IMAP, and LMTP on a unix socket) and a private Postfix
# (SMTP on loopback, delivering to that Dovecot over LMTP) for the tests that
# need real servers.  Sourced after tests/lib.sh:
#
#   . "$CTCGW_SRCDIR/tests/servers.sh"
#   servers_start            # exports IMAP_PORT SMTP_PORT SERVERS_DIR DOVECOT_CONF
#   smtp_send FROM TO < message
#   imap_save USER FOLDER < message          # doveadm save: no \Seen
#   imap_append_dir USER FOLDER DIR          # IMAP APPEND of every file in DIR
#   maildir_drop USER FOLDER < message       # straight into the Maildir
#   imap_count USER FOLDER                   # prints the number of messages
#   dovecot_stop; dovecot_start              # for restart tests
#   gateway_setup DIR                        # a ctcgw.conf reading the IMAP INBOX
#   gateway_start; gateway_stop; gateway_kill  # `ctcgw run` in the background
#   db_is NAME EXPECTED SQL                  # a check on its database
#
# Every run has its own directory under $TMP and its own free ports, so two
# runs do not collide; the servers are stopped by PID when the script exits.
# Users: gateway (password secret) and desk (password secret), mail domain
# ctc.example; mail to any other domain is refused by Postfix.  A server
# that cannot start fails the test with its log: the packages are installed
# by autogen.sh.

SERVERS_DIR=
POSTFIX_DIR=
DOVECOT_CONF=
DOVECOT_PID=
IMAP_PORT=
SMTP_PORT=
SERVERS_TAG=

# Fails the whole script: a check named NAME fails with the logs of the
# servers as diagnostics, then finish exits 1 (the EXIT trap stops them).
servers_fail () {
    fail "$1" "$2"
    for _sv_log in "$SERVERS_DIR/dovecot.out" "$SERVERS_DIR/dovecot.log" \
               "$POSTFIX_DIR/start.out" "$POSTFIX_DIR/postfix.log"; do
        [ -s "$_sv_log" ] || continue
        diag "--- $_sv_log"
        tail -n 30 "$_sv_log" | diag
    done
    finish
}

# The programs the servers need; missing ones fail (autogen.sh installs them).
servers_require () {
    [ "$(id -u)" -eq 0 ] || skip_all "the private Postfix and Dovecot need root"
    case :$PATH: in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin ;; esac
    _sv_missing=
    for _sv_p in dovecot doveadm postfix python3 sqlite3; do
        command -v "$_sv_p" >/dev/null 2>&1 || _sv_missing="$_sv_missing $_sv_p"
    done
    [ -z "$_sv_missing" ] || servers_fail "the test servers are installed" \
        "missing:$_sv_missing (./autogen.sh installs them as root)"
}

# Prints N distinct TCP ports that nothing listens on, nor uses, on
# loopback: a plain bind (no SO_REUSEADDR/SO_REUSEPORT) succeeds, so even a
# Postfix bound with SO_REUSEPORT is noticed.  Below the ephemeral range.
# (Perl, part of every Debian system, starts ten times faster than Python
# here.)
free_ports () {
    perl -MIO::Socket::INET -e '
        my ($want, @found, %tried) = ($ARGV[0]);
        for (1 .. 1000) {
            my $port = 20000 + int (rand (12000));
            next if $tried{$port}++;
            my $free = 1;
            for my $host ("127.0.0.1", "0.0.0.0") {
                my $s = IO::Socket::INET->new (LocalAddr => $host, LocalPort => $port,
                                               Proto => "tcp");
                if ($s) { close $s } else { $free = 0 }
            }
            push @found, $port if $free;
            last if @found == $want;
        }
        print "@found\n";' "$1"
}

# wait_greeting PORT TAG: waits up to 10 s for the server on PORT to greet
# with a line that has TAG.
wait_greeting () {
    perl -MIO::Socket::INET -e '
        my ($port, $tag) = @ARGV;
        for (1 .. 200) {
            my $s = IO::Socket::INET->new (PeerAddr => "127.0.0.1", PeerPort => $port,
                                           Proto => "tcp", Timeout => 2);
            if ($s) {
                my $line = <$s>;
                close $s;
                exit 0 if defined $line && index ($line, $tag) >= 0;
            }
            select (undef, undef, undef, 0.05);
        }
        exit 1;' "$1" "$2"
}

# greets PORT TAG: the same, without waiting.
greets () {
    perl -MIO::Socket::INET -e '
        my $s = IO::Socket::INET->new (PeerAddr => "127.0.0.1", PeerPort => $ARGV[0],
                                       Proto => "tcp", Timeout => 2) or exit 1;
        my $line = <$s>;
        exit (defined $line && index ($line, $ARGV[1]) >= 0 ? 0 : 1);' "$1" "$2"
}

# alive PID: the process exists and is no zombie (stopped daemons can
# linger as zombies here, and kill -0 succeeds on them).
alive () {
    [ -n "$1" ] && [ -r "/proc/$1/status" ] \
        && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# wait_dead PID: waits up to 5 s for the process to go, then kills it.
wait_dead () {
    _sv_i=0
    while alive "$1" && [ $_sv_i -lt 50 ]; do
        sleep 0.1
        _sv_i=$((_sv_i + 1))
    done
    alive "$1" && kill -KILL "$1" 2>/dev/null
    return 0
}

# Dovecot's configuration: IMAP on IMAP_PORT, LMTP on a socket in its
# base_dir, the users gateway and desk, mail in Maildirs owned by mail.
write_dovecot_conf () {
    _sv_d=$SERVERS_DIR
    mkdir -p "$_sv_d/dovecot/run" "$_sv_d/dovecot/state" "$_sv_d/mail" || return 1
    chown mail:mail "$_sv_d/mail" || return 1
    printf 'gateway:{PLAIN}secret\ndesk:{PLAIN}secret\n' > "$_sv_d/users"
    chmod 0644 "$_sv_d/users"
    cat > "$DOVECOT_CONF" <<EOF
# A private Dovecot of the ctcgw tests ($SERVERS_TAG).
instance_name = $SERVERS_TAG
base_dir = $_sv_d/dovecot/run
state_dir = $_sv_d/dovecot/state
log_path = $_sv_d/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
login_greeting = $SERVERS_TAG ready.
mail_location = maildir:$_sv_d/mail/%n
mail_uid = mail
mail_gid = mail
first_valid_uid = 1
first_valid_gid = 1
mailbox_idle_check_interval = 1 secs
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n $_sv_d/users
}
userdb {
  driver = static
  args = uid=mail gid=mail home=$_sv_d/mail/%n
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}
EOF
}

# Postfix's main.cf and master.cf: smtpd on SMTP_PORT, ctc.example
# delivered to Dovecot over LMTP, every other destination refused.
write_postfix_conf () {
    _sv_p=$POSTFIX_DIR
    mkdir -p "$_sv_p/queue" "$_sv_p/data" || return 1
    chown postfix "$_sv_p/data" || return 1
    cat > "$_sv_p/main.cf" <<EOF
# A private Postfix of the ctcgw tests ($SERVERS_TAG).
compatibility_level = 3.6
queue_directory = $_sv_p/queue
data_directory = $_sv_p/data
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file = $_sv_p/postfix.log
maillog_file_prefixes = $_sv_p
myhostname = ctcgw-test.localdomain
mydomain = localdomain
myorigin = \$myhostname
mydestination =
relay_domains =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_banner = \$myhostname ESMTP $SERVERS_TAG
virtual_mailbox_domains = ctc.example
virtual_transport = lmtp:unix:$SERVERS_DIR/dovecot/run/lmtp
local_transport = error:5.1.1 no local delivery in the test servers
relay_transport = error:5.7.1 no relay in the test servers
default_transport = error:5.7.1 no outside mail in the test servers
alias_maps =
alias_database =
biff = no
append_dot_mydomain = no
smtpd_tls_security_level = none
smtp_tls_security_level = none
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
delay_warning_time = 0
EOF
    cat > "$_sv_p/master.cf" <<EOF
# service type private unpriv chroot wakeup maxproc command
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
pickup    unix  n  -  n  60    1  pickup
cleanup   unix  n  -  n  -     0  cleanup
qmgr      unix  n  -  n  300   1  qmgr
rewrite   unix  -  -  n  -     -  trivial-rewrite
bounce    unix  -  -  n  -     0  bounce
defer     unix  -  -  n  -     0  bounce
trace     unix  -  -  n  -     0  bounce
verify    unix  -  -  n  -     1  verify
flush     unix  n  -  n  1000? 0  flush
proxymap  unix  -  -  n  -     -  proxymap
showq     unix  n  -  n  -     -  showq
error     unix  -  -  n  -     -  error
retry     unix  -  -  n  -     -  error
discard   unix  -  -  n  -     -  discard
lmtp      unix  -  -  n  -     -  lmtp
anvil     unix  -  -  n  -     1  anvil
scache    unix  -  -  n  -     1  scache
postlog   unix-dgram n - n - 1 postlogd
EOF
    # Postfix waits when main.cf was modified within the last second.
    touch -d '2001-01-01 00:00:00' "$_sv_p/main.cf" "$_sv_p/master.cf"
}

# Starts the private Dovecot, without waiting for it.
dovecot_launch () {
    dovecot -c "$DOVECOT_CONF" </dev/null >>"$SERVERS_DIR/dovecot.out" 2>&1 \
        || servers_fail "Dovecot starts" "dovecot -c $DOVECOT_CONF failed"
}

# Waits for Dovecot's tagged greeting (a clash of ports shows here), then
# reads its master's PID.
dovecot_wait () {
    wait_greeting "$IMAP_PORT" "$SERVERS_TAG" \
        || servers_fail "Dovecot starts" "no IMAP greeting tagged $SERVERS_TAG on port $IMAP_PORT"
    DOVECOT_PID=$(cat "$SERVERS_DIR/dovecot/run/master.pid")
}

# Starts Dovecot again after dovecot_stop (restart tests).
dovecot_start () {
    dovecot_launch
    dovecot_wait
}

# children PID: the PIDs of the process's children.
children () {
    for _sv_stat in /proc/[0-9]*/stat; do
        sed -n 's/^\([0-9]*\) (.*) . \([0-9]*\) .*/\1 \2/p' "$_sv_stat" 2>/dev/null
    done | awk -v parent="$1" '$2 == parent { print $1 }'
}

# Stops the private Dovecot: its master, then whatever of its processes
# outlive it (an IMAP session in IDLE goes on for seconds after the master
# has gone, where a real restart of the service ends them all).
dovecot_stop () {
    # Once started, its master has written its PID (it may not have when
    # the script ends while it starts).
    [ -n "$DOVECOT_PID" ] || DOVECOT_PID=$(cat "$SERVERS_DIR/dovecot/run/master.pid" 2>/dev/null)
    [ -n "$DOVECOT_PID" ] || return 0
    _sv_left=$(children "$DOVECOT_PID")
    kill -TERM "$DOVECOT_PID" 2>/dev/null
    wait_dead "$DOVECOT_PID"
    for _sv_pid in $_sv_left; do
        alive "$_sv_pid" && kill -TERM "$_sv_pid" 2>/dev/null
    done
    for _sv_pid in $_sv_left; do
        wait_dead "$_sv_pid"
    done
    DOVECOT_PID=
}

# Starts the private Postfix: its queue directories made the way `postfix
# check` makes them, then a start that skips the checks of an old queue
# (they take a second here, and the queue is new).
postfix_launch () {
    { postfix -c "$POSTFIX_DIR" post-install create-missing \
        && touch "$POSTFIX_DIR/queue/quick-start" \
        && postfix -c "$POSTFIX_DIR" start; } </dev/null >"$POSTFIX_DIR/start.out" 2>&1
}

# Waits for the tagged SMTP banner of this run's Postfix.
postfix_wait () {
    wait_greeting "$SMTP_PORT" "$SERVERS_TAG" \
        || servers_fail "Postfix starts" "no SMTP banner tagged $SERVERS_TAG on port $SMTP_PORT"
}

# Stops this run's Postfix by the PID of its master.
postfix_stop () {
    [ -n "$POSTFIX_DIR" ] && [ -f "$POSTFIX_DIR/queue/pid/master.pid" ] || return 0
    _sv_pid=$(awk '{ print $1; exit }' "$POSTFIX_DIR/queue/pid/master.pid")
    alive "$_sv_pid" || return 0
    postfix -c "$POSTFIX_DIR" stop >/dev/null 2>&1
    wait_dead "$_sv_pid"
}

# postfix_log_sync: waits (20 s at most) until Postfix's log holds every
# line its programs sent before now, and the line each SMTP session ends
# with: its log daemon writes them late when the machine is loaded.  A line
# sent through postlog after them marks the end of what was sent.
postfix_log_sync () {
    _sv_mark=ctcgw-test-sync-$$-$(date +%s%N)
    _sv_i=0
    while [ "$(grep -c ' connect from ' "$POSTFIX_DIR/postfix.log")" \
            -gt "$(grep -c ' disconnect from ' "$POSTFIX_DIR/postfix.log")" ]; do
        [ $_sv_i -lt 100 ] || return 1
        sleep 0.1
        _sv_i=$((_sv_i + 1))
    done
    postlog -c "$POSTFIX_DIR" -t postfix/ctcgw-test "$_sv_mark" 2>/dev/null || return 1
    while ! grep -q "$_sv_mark" "$POSTFIX_DIR/postfix.log"; do
        [ $_sv_i -lt 200 ] || return 1
        sleep 0.1
        _sv_i=$((_sv_i + 1))
    done
}

# Starts both servers, side by side, and waits for both; sets
# SERVERS_STARTUP to the seconds it took.
servers_start () {
    servers_require
    [ -n "$TMP" ] || make_tmpdir
    _sv_started=$(date +%s.%N)
    SERVERS_DIR=$TMP/servers
    POSTFIX_DIR=$SERVERS_DIR/postfix
    DOVECOT_CONF=$SERVERS_DIR/dovecot.conf
    SERVERS_TAG=ctcgw-test-$$-${TMP##*.}
    mkdir -p "$SERVERS_DIR" || servers_fail "the test servers start" "mkdir $SERVERS_DIR failed"
    # Dovecot's mail user and Postfix's lmtp client must traverse it.
    chmod 0711 "$TMP" "$SERVERS_DIR"
    # shellcheck disable=SC2046 # two words: the two ports
    set -- $(free_ports 2)
    [ $# -eq 2 ] || servers_fail "the test servers start" "no free loopback ports found"
    IMAP_PORT=$1 SMTP_PORT=$2
    export IMAP_PORT SMTP_PORT SERVERS_DIR DOVECOT_CONF
    write_dovecot_conf && write_postfix_conf \
        || servers_fail "the test servers start" "cannot write their configuration in $SERVERS_DIR"
    at_exit servers_stop
    postfix_launch &
    _sv_postfix_job=$!
    dovecot_launch
    wait "$_sv_postfix_job" || servers_fail "Postfix starts" "postfix -c $POSTFIX_DIR start failed"
    dovecot_wait
    postfix_wait
    SERVERS_STARTUP=$(elapsed "$_sv_started")
    diag "servers up in $SERVERS_STARTUP s: IMAP on $IMAP_PORT, SMTP on $SMTP_PORT ($SERVERS_DIR)"
}

# Stops both servers (at exit, through at_exit).
servers_stop () {
    postfix_stop
    dovecot_stop
}

# smtp_send FROM TO < message: one message through the private Postfix.
smtp_send () {
    python3 -c '
import smtplib, sys
with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10) as s:
    s.sendmail(sys.argv[2], [sys.argv[3]], sys.stdin.buffer.read())
' "$SMTP_PORT" "$1" "$2"
}

# imap_save USER FOLDER < message: stores it as new mail, without \Seen.
imap_save () {
    doveadm -c "$DOVECOT_CONF" save -u "$1" -m "$2"
}

# imap_append_dir USER FOLDER DIR: APPENDs every file of DIR, in name
# order, over one IMAP connection, with no flags (not \Seen).
imap_append_dir () {
    python3 - "$IMAP_PORT" "$1" "$2" "$3" <<'EOF'
import imaplib, os, sys
port, user, folder, d = sys.argv[1:]
m = imaplib.IMAP4("127.0.0.1", int(port))
m.login(user, "secret")
for name in sorted(os.listdir(d)):
    with open(os.path.join(d, name), "rb") as f:
        typ, data = m.append(folder, None, None, f.read())
    if typ != "OK":
        sys.exit("APPEND %s: %s %s" % (name, typ, data))
m.logout()
EOF
}

# maildir_drop USER FOLDER < message: writes the message straight into the
# user's Maildir (new/), as a delivery agent does: it works while Dovecot
# is stopped, where doveadm cannot look the user up.
maildir_drop () {
    _sv_md=$SERVERS_DIR/mail/$1
    [ "$2" = INBOX ] || _sv_md=$_sv_md/.$2
    _sv_name=$(date +%s).P$$N$(od -An -N4 -tx4 /dev/urandom | tr -d ' ').ctcgw-test
    cat > "$_sv_md/tmp/$_sv_name" && chown mail:mail "$_sv_md/tmp/$_sv_name" && mv "$_sv_md/tmp/$_sv_name" "$_sv_md/new/$_sv_name"
}

# imap_count USER FOLDER: prints the number of messages in the folder
# (nothing, and a failure status, when the folder does not exist).
imap_count () {
    doveadm -c "$DOVECOT_CONF" -f flow mailbox status -u "$1" messages "$2" 2>/dev/null \
        | sed -n 's/.*messages=\([0-9]*\).*/\1/p'
}

# wait_count USER FOLDER N SECONDS: waits until the folder holds N
# messages; prints the last count seen.
wait_count () {
    _sv_deadline=$(($(date +%s) + $4))
    while :; do
        _sv_n=$(imap_count "$1" "$2" 2>/dev/null)
        if [ "$_sv_n" = "$3" ] || [ "$(date +%s)" -ge "$_sv_deadline" ]; then
            echo "$_sv_n"
            return 0
        fi
        sleep 0.2
    done
}

# gateway_setup DIR: DIR/ctcgw.conf with the mailbox "intake" reading the
# private Dovecot's INBOX as gateway (IDLE, and a poll every
# $GATEWAY_POLL seconds, default 1), answers into the Maildir DIR/outbox, the
# database DIR/registers.db initialized and three contact points imported:
# j.doe@unodc.example (UNODC), h.park@fatf.example (FATF) and
# m.rossi@osce.example (OSCE).  Sets GATEWAY_DIR, GATEWAY_CONF, GATEWAY_DB.
gateway_setup () {
    GATEWAY_DIR=$1
    GATEWAY_CONF=$1/ctcgw.conf
    GATEWAY_DB=$1/registers.db
    GATEWAY_PID=
    at_exit gateway_kill
    mkdir -p "$1/outbox/new" "$1/outbox/cur" "$1/outbox/tmp" || return 1
    printf 'secret\n' > "$1/imap.secret"
    cat > "$GATEWAY_CONF" <<EOF
[gateway]
database = registers.db
address = intake@ctc.example
name = CTC Executive Directorate
reference_prefix = CTC
staff = desk@ctc.example
timezone = UTC

[mailbox intake]
url = imap://127.0.0.1:$IMAP_PORT/INBOX
user = gateway
password_file = imap.secret
processed_folder = Processed
rejected_folder = Rejected
idle = true
poll_interval = ${GATEWAY_POLL:-1}

[smtp]
url = maildir:outbox

[limits]
replies_per_sender_per_hour = 1000000

[authentication]
require = none
EOF
    cat > "$1/contacts.csv" <<'EOF'
Entity,Name,Email,Title,Office,Phone,Languages,Role,Areas
UNODC,Jane Doe,j.doe@unodc.example,Programme Officer,Terrorism Prevention Branch,+43 1 26060 4120,en,focal-point,criminal-justice
FATF,Helen Park,h.park@fatf.example,Policy Analyst,FATF Secretariat,+33 1 45 24 90 90,en,focal-point,terrorist-financing
OSCE,Marco Rossi,m.rossi@osce.example,Senior Adviser,Transnational Threats Department,+43 1 514 36 6000,en,focal-point,border-control
EOF
    { "$CTCGW" -q -c "$GATEWAY_CONF" init \
        && "$CTCGW" -q -c "$GATEWAY_CONF" import contacts "$1/contacts.csv"; } >"$1/setup.log" 2>&1 \
        || { diag <"$1/setup.log"; return 1; }
}

# gw ARGS...: ctcgw on the configuration of gateway_setup.
gw () {
    "$CTCGW" -c "$GATEWAY_CONF" "$@"
}

# q SQL: the answer of the gateway's database (waits while it is locked).
q () {
    sqlite3 -cmd '.timeout 10000' "$GATEWAY_DB" "$1"
}

# db_is NAME EXPECTED SQL: a check on the gateway's database.
db_is () {
    _sv_got=$(q "$3")
    if [ "$_sv_got" = "$2" ]; then ok "$1"; else fail "$1" "expected $2, got $_sv_got: $3"; fi
}

# wait_sql SQL EXPECTED SECONDS: waits until q SQL prints EXPECTED; prints
# the last answer.
wait_sql () {
    _sv_deadline=$(($(date +%s) + $3))
    while :; do
        _sv_got=$(q "$1" 2>/dev/null)
        if [ "$_sv_got" = "$2" ] || [ "$(date +%s)" -ge "$_sv_deadline" ]; then
            echo "$_sv_got"
            return 0
        fi
        sleep 0.1
    done
}

# gateway_start: `ctcgw run` in the background (output appended to
# $GATEWAY_DIR/run.log), its PID in GATEWAY_PID.
gateway_start () {
    "$CTCGW" -c "$GATEWAY_CONF" run </dev/null >>"$GATEWAY_DIR/run.log" 2>&1 &
    GATEWAY_PID=$!
}

# gateway_stop: SIGTERM, then waits (10 s at most, then SIGKILL); sets
# GATEWAY_STATUS to its exit status.
gateway_stop () {
    [ -n "$GATEWAY_PID" ] || return 0
    kill -TERM "$GATEWAY_PID" 2>/dev/null
    _sv_i=0
    while alive "$GATEWAY_PID" && [ $_sv_i -lt 100 ]; do
        sleep 0.1
        _sv_i=$((_sv_i + 1))
    done
    alive "$GATEWAY_PID" && kill -KILL "$GATEWAY_PID" 2>/dev/null
    wait "$GATEWAY_PID"
    GATEWAY_STATUS=$?
    GATEWAY_PID=
}

# gateway_kill: kill -9, the crash.
gateway_kill () {
    [ -n "$GATEWAY_PID" ] || return 0
    kill -KILL "$GATEWAY_PID" 2>/dev/null
    wait "$GATEWAY_PID" 2>/dev/null
    GATEWAY_PID=
}

# gateway_log [N]: the last N lines of the daemon's output, as diagnostics.
gateway_log () {
    [ -s "$GATEWAY_DIR/run.log" ] && tail -n "${1:-30}" "$GATEWAY_DIR/run.log" | diag
    return 0
}

# elapsed START: seconds since START (from date +%s.%N), two decimals.
elapsed () {
    echo "$1 $(date +%s.%N)" | awk '{ printf "%.2f", $2 - $1 }'
}

# make_submission N FILE: a valid submission from an authorized contact
# point with the Message-ID <imap-N@test.example>: an assistance offer from
# UNODC for even N, a standard from FATF for odd N.
make_submission () {
    if [ $(($1 % 2)) -eq 0 ]; then
        printf 'From: Jane Doe <j.doe@unodc.example>\nTo: intake@ctc.example\nSubject: Offer %s\nMessage-ID: <imap-%s@test.example>\nDate: Mon, 16 Nov 2026 10:03:51 +0100\n\nForm: assistance-offer\nProvider: UNODC\nTitle: Workshop number %s\nAreas: criminal-justice\nBeneficiaries: KZ\n' "$1" "$1" "$1"
    else
        printf 'From: Helen Park <h.park@fatf.example>\nTo: intake@ctc.example\nSubject: Standard %s\nMessage-ID: <imap-%s@test.example>\nDate: Tue, 17 Nov 2026 15:02:44 +0100\n\nForm: standard\nTitle: Standard number %s\nIssuer: FATF\nAreas: terrorist-financing\n' "$1" "$1" "$1"
    fi > "$2"
}

# make_submissions FROM TO DIR: make_submission for each N, one file each.
make_submissions () {
    mkdir -p "$3" || return 1
    _sv_n=$1
    while [ "$_sv_n" -le "$2" ]; do
        make_submission "$_sv_n" "$3/$(printf '%06d' "$_sv_n").eml"
        _sv_n=$((_sv_n + 1))
    done
}
