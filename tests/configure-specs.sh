# configure drops the -specs= flags of pkg-config's answers: Debian's
# libetpan.pc names /usr/share/dpkg/no-pie-link.specs, which stops the link
# where libdpkg-perl is missing and makes the program position-dependent
# where it is there.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"

make_tmpdir
command -v pkg-config >/dev/null || skip_all "pkg-config is missing"
pcdir=$(pkg-config --variable=pcfiledir libetpan) || skip_all "libetpan.pc is missing"

# libetpan.pc with a spec file that a minimal system lacks and one that
# is there.
mkdir "$TMP/pc"
printf '*self_spec:\n+ %%{!shared:-no-pie}\n' >"$TMP/there.specs"
sed "s#^Libs:#Libs: -specs=/nonexistent/no-pie-link.specs -specs=$TMP/there.specs#" \
    "$pcdir/libetpan.pc" >"$TMP/pc/libetpan.pc"
# configure and what it reads, apart: a configured source tree refuses a
# second build directory.
mkdir -p "$TMP/src/gateway/cli"
cp -R "$CTCGW_SRCDIR/configure" "$CTCGW_SRCDIR/Makefile.in" "$CTCGW_SRCDIR/build-config.h.in" \
    "$CTCGW_SRCDIR/build-aux" "$TMP/src/"
cp "$CTCGW_SRCDIR/gateway/cli/main.c" "$TMP/src/gateway/cli/"
cd "$TMP/src" || exit 99
check "configure runs" 0 env PKG_CONFIG_PATH="$TMP/pc" ./configure --with-corpus="$CTCGW_CORPUS"
check_out "it says the flag is dropped" 'dropping -specs=/nonexistent/no-pie-link.specs'
libs=$(sed -n 's/^ETPAN_LIBS = //p' Makefile)
if printf '%s\n' "$libs" | grep -q -- '-specs='; then
    fail "ETPAN_LIBS has no -specs= flag" "ETPAN_LIBS = $libs"
else
    ok "ETPAN_LIBS has no -specs= flag"
fi
check_true "ETPAN_LIBS keeps -letpan" grep -q '^ETPAN_LIBS = .*-letpan' Makefile

# The program built here is position-independent (gcc's default on Debian).
if [ -x "${CTCGW:-}" ] && command -v readelf >/dev/null; then
    check_true "ctcgw is a position-independent executable" \
        sh -c "readelf -h '$CTCGW' | grep -Eq 'Type: +DYN'"
else
    skip "ctcgw is a position-independent executable" "no built ctcgw or no readelf"
fi
finish
