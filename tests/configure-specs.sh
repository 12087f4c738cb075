# configure on a system without the spec file that Debian's libetpan.pc
# names (-specs=/usr/share/dpkg/no-pie-link.specs, from libdpkg-perl): the
# flag is dropped, so that the link does not stop at a missing file.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"

make_tmpdir
command -v pkg-config >/dev/null || skip_all "pkg-config is missing"
pcdir=$(pkg-config --variable=pcfiledir libetpan) || skip_all "libetpan.pc is missing"

# libetpan.pc as a minimal system has it: its spec file is missing.
mkdir "$TMP/pc"
sed 's#^Libs:#Libs: -specs=/nonexistent/no-pie-link.specs#' "$pcdir/libetpan.pc" >"$TMP/pc/libetpan.pc"
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
if printf '%s\n' "$libs" | grep -q -- '-specs=/nonexistent'; then
    fail "ETPAN_LIBS has no flag naming a missing file" "ETPAN_LIBS = $libs"
else
    ok "ETPAN_LIBS has no flag naming a missing file"
fi
check_true "ETPAN_LIBS keeps -letpan" grep -q '^ETPAN_LIBS = .*-letpan' Makefile
finish
