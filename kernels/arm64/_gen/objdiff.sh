#!/usr/bin/env bash
# objdiff.sh - shows that two builds of the arm64 kernels hold the same machine code.
#
#   kernels/arm64/_gen/objdiff.sh [REV]              REV (default 120935c) against the work tree
#   kernels/arm64/_gen/objdiff.sh OLD.test NEW.test  two test binaries built with GOARCH=arm64
#   kernels/arm64/_gen/objdiff.sh -dump BIN.test     the normalized dump of one binary
#
# With a revision it builds the kernels/arm64 test binary (GOARCH=arm64) of REV
# (git archive into a temporary directory) and of the work tree. 120935c is the
# last commit whose kernels were generated with every SIMD instruction a WORD.
# Each binary's assembly kernels are disassembled with `go tool objdump`; only
# the address-independent columns are kept: the symbol, the encoding and the
# disassembly (branch targets print PC-relative, as N(PC)). The file:line and
# address columns, which move with the file layout, are dropped, and the
# symbols are sorted by name, since the link order follows the file names.
# Prints the instruction count per binary and the diff; exits 1 on any
# difference or on a missing symbol.
set -euo pipefail

SYMS=(convF32C3 convQ8C3 convQ8C3Dot dwF32S1 dwF32S2 dwQ8S1 dwQ8S2 dwQ8N1 dwQ8N2
  pwF32Panel8 pwQ8WideTile pwQ8DotTile)
RE="arm64\\.($(IFS='|'; echo "${SYMS[*]}"))\\.abi0\$"

# dump BIN: "symbol<TAB>encoding<TAB>disassembly" for every instruction, by symbol.
dump() {
  go tool objdump -s "$RE" "$1" | awk -F'\t' '
    /^TEXT / { sym = $0; sub(/^TEXT [^ ]*arm64\./, "", sym); sub(/\.abi0\(SB\).*/, "", sym); n = 0; next }
    sym != "" {
      k = 0
      for (i = 1; i <= NF; i++) if ($i != "") f[++k] = $i
      if (k < 3) next
      ins = f[4]; gsub(/ +/, " ", ins); sub(/ $/, "", ins)
      printf "%s\t%06d\t%s\t%s\n", sym, n++, f[3], ins
    }' | sort -t$'\t' -k1,1 -k2,2n | cut -f1,3,4
}

# check NAME DUMPFILE: every kernel symbol is present.
check() {
  local s
  for s in "${SYMS[@]}"; do
    grep -q "^$s"$'\t' "$2" || { echo "objdiff: $1 has no symbol $s" >&2; exit 1; }
  done
  echo "$1: $(wc -l <"$2") instructions in ${#SYMS[@]} symbols"
}

if [ "${1:-}" = -dump ]; then
  dump "$2"
  exit 0
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
if [ $# = 2 ]; then
  OLD=$1 NEW=$2 OLDNAME=$1 NEWNAME=$2
else
  REV=${1:-120935c}
  ROOT=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
  mkdir "$TMP/src"
  git -C "$ROOT" archive "$REV" | tar -x -C "$TMP/src"
  (cd "$TMP/src" && GOARCH=arm64 CGO_ENABLED=0 go test -c -o "$TMP/old.test" ./kernels/arm64)
  (cd "$ROOT" && GOARCH=arm64 CGO_ENABLED=0 go test -c -o "$TMP/new.test" ./kernels/arm64)
  OLD=$TMP/old.test NEW=$TMP/new.test OLDNAME=$REV NEWNAME="work tree"
fi
dump "$OLD" >"$TMP/old.txt"
dump "$NEW" >"$TMP/new.txt"
check "$OLDNAME" "$TMP/old.txt"
check "$NEWNAME" "$TMP/new.txt"
if diff -u "$TMP/old.txt" "$TMP/new.txt"; then
  echo "objdiff: identical machine code"
else
  echo "objdiff: machine code differs" >&2
  exit 1
fi
