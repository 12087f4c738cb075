# The systemd unit ctcgw.service (ctcgw(8), SERVICE): systemd-analyze
# verify finds nothing in it, and systemd-analyze security scores its
# exposure 2.0 or less ("OK").
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"

need_ctcgw
make_tmpdir
unit=$(dirname "$CTCGW")/ctcgw.service
[ -f "$unit" ] || skip_all "$unit is not built"
command -v systemd-analyze >/dev/null || skip_all "systemd-analyze is missing (apt-get install systemd)"

# The unit as make install writes it, but for the program not installed
# yet: the built one.
sbindir=$(sed -n 's|^ExecStart=\(.*\)/ctcgw .*|\1|p' "$unit")
sed "s|^\(Exec[A-Za-z]*=\)$sbindir/ctcgw |\1$CTCGW |" "$unit" >"$TMP/ctcgw.service"
check_true "the unit runs the program" grep -q "^ExecStart=$CTCGW -c .*/ctcgw/ctcgw.conf run$" "$TMP/ctcgw.service"

check "systemd-analyze verify" 0 systemd-analyze verify --man=no "$TMP/ctcgw.service"
check_true "it says nothing" test ! -s "$ERR" -a ! -s "$OUT"

check "systemd-analyze security" 0 systemd-analyze security --offline=true "$TMP/ctcgw.service"
score=$(sed -n 's/.*Overall exposure level for ctcgw.service: \([0-9.]*\) .*/\1/p' "$OUT")
diag "exposure $score"
check_true "the exposure is 2.0 or less" awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.0) }'

for directive in Type=notify WatchdogSec= User=ctcgw StateDirectory=ctcgw \
    ProtectSystem=strict ProtectHome=yes PrivateTmp=yes NoNewPrivileges=yes \
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6' SystemCallFilter=@system-service \
    MemoryDenyWriteExecute=yes 'CapabilityBoundingSet=$' 'ExecReload=.* -HUP \$MAINPID'; do
    check_true "the unit has $directive" grep -q "^$directive" "$unit"
done
finish
