#!/bin/sh
# The house's rules over the #include lines of gateway/ and parsers/
# (docs/DESIGN.md, Arrows): every file lies in one part; a file includes
# headers of its own part or of a part below it, never of one above or
# beside it (cli -> flows -> store, mail -> base -> parsers); and no circle
# among files, counting a .c and its .h as one file.  Then the same rules
# are shown to catch a bad include, on a copy of the tree.  Last, every
# file is named once in docs/DESIGN.md, under its part.
. "${CTCGW_SRCDIR:-.}/tests/lib.sh"
make_tmpdir
SRC=${CTCGW_SRCDIR:-.}

# rank PATH: the part's rank (higher may include lower), or nothing for a
# file outside every part.
rank () {
    case $1 in
        parsers/*) echo 0 ;;
        gateway/base/*) echo 1 ;;
        gateway/store/* | gateway/mail/*) echo 2 ;;
        gateway/flows/*) echo 3 ;;
        gateway/cli/*) echo 4 ;;
    esac
}

# edges ROOT: "file included" lines, one a quoted #include of the project's,
# each file named by its module (the path without .c or .h).
edges () {
    (cd "$1" && find gateway parsers -name '*.[ch]' ! -name resources.c | sort | while read -r f; do
        sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" \
            | while read -r inc; do
                case $inc in
                    gateway/* | parsers/*) echo "${f%.[ch]} ${inc%.h}" ;;
                    build-config.h) ;;
                    *) echo "${f%.[ch]} UNQUALIFIED:$inc" ;;
                esac
            done
    done)
}

# violations ROOT: one line for each file outside the parts, each include
# across the allowed direction or unqualified, and each circle (tsort).
violations () {
    (cd "$1" && find gateway parsers -name '*.[ch]' ! -name resources.c) | while read -r f; do
        [ -n "$(rank "$f")" ] || echo "$f lies in no part"
    done
    edges "$1" | sort -u > "$TMP/edges"
    while read -r from to; do
        case $to in
            UNQUALIFIED:*) echo "$from includes \"${to#UNQUALIFIED:}\": name it by its part"; continue ;;
        esac
        [ "$from" = "$to" ] && continue
        rf=$(rank "$from") rt=$(rank "$to")
        [ -n "$rt" ] || { echo "$from includes $to.h, which lies in no part"; continue; }
        if [ "${from%/*}" != "${to%/*}" ] && [ "$rt" -ge "$rf" ]; then
            echo "$from includes $to.h: across the allowed direction"
        fi
    done < "$TMP/edges"
    awk '$1 != $2 && $2 !~ /^UNQUALIFIED:/' "$TMP/edges" | tsort 2>&1 >/dev/null \
        | sed -n 's/^tsort: -: input contains a loop:$/circle:/p; s/^tsort: \(.*\)$/  \1/p'
}

violations "$SRC" > "$TMP/found"
if [ -s "$TMP/found" ]; then
    fail "every include goes one way, and no file is in a circle" "$(cat "$TMP/found")"
else
    n=$(edges "$SRC" | sort -u | wc -l)
    ok "every include goes one way, and no file is in a circle ($n includes)"
fi

# The check itself: a copy of the tree with one bad include of each kind.
copy=$TMP/tree
mkdir -p "$copy" && (cd "$SRC" && tar cf - gateway parsers) | (cd "$copy" && tar xf -)
echo '#include "gateway/flows/intake.h"' >> "$copy/gateway/store/db.c"
echo '#include "gateway/mail/smtp.h"' >> "$copy/gateway/store/registers.c"
echo '#include "gateway/flows/outbox.h"' >> "$copy/gateway/flows/intake.c"
echo '#include "gateway/flows/intake.h"' >> "$copy/gateway/flows/outbox.c"
violations "$copy" > "$TMP/found"
grep -q 'gateway/store/db includes gateway/flows/intake.h' "$TMP/found" \
    && ok "an include upwards is caught" || fail "an include upwards is caught" "$(cat "$TMP/found")"
grep -q 'gateway/store/registers includes gateway/mail/smtp.h' "$TMP/found" \
    && ok "an include sideways is caught" || fail "an include sideways is caught" "$(cat "$TMP/found")"
grep -q '^circle:' "$TMP/found" && grep -q 'gateway/flows/outbox' "$TMP/found" \
    && ok "a circle within a part is caught" || fail "a circle within a part is caught" "$(cat "$TMP/found")"

# documented ROOT: "part/file" for each file docs/DESIGN.md names under a
# heading "### `part/`".
documented () {
    awk '/^### `[a-z\/]+`/ { part = $2; gsub(/`/, "", part); next }
         /^## / { part = "" }
         part != "" && /^- / {
             line = $0
             while (match(line, /`[a-z0-9-]+\.[ch]`/)) {
                 print part substr(line, RSTART + 1, RLENGTH - 2)
                 line = substr(line, RSTART + RLENGTH)
             }
         }' "$1/docs/DESIGN.md"
}

# The modules of the tree: each .c, and each .h that has no .c.
(cd "$SRC" && find gateway parsers -name '*.[ch]' ! -name resources.c | sort) \
    | while read -r f; do
        case $f in *.h) [ -e "$SRC/${f%.h}.c" ] && continue ;; esac
        echo "$f"
    done > "$TMP/files"
documented "$SRC" | sort > "$TMP/documented"
missing=$(comm -23 "$TMP/files" "$TMP/documented")
extra=$(sort -u "$TMP/documented" | comm -13 "$TMP/files" -)
twice=$(uniq -d "$TMP/documented")
if [ -z "$missing$extra$twice" ]; then
    ok "docs/DESIGN.md names every file once, under its part ($(wc -l < "$TMP/files") files)"
else
    fail "docs/DESIGN.md names every file once, under its part" \
        "$(printf 'not named: %s\nnamed but not there: %s\nnamed twice: %s' \
           "${missing:-none}" "${extra:-none}" "${twice:-none}")"
fi
finish
