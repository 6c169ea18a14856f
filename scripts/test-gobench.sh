#!/usr/bin/env bash
# test-gobench.sh: two `edgecam bench -format gobench` runs must be read and
# compared by benchstat. benchstat is a tool, not a module dependency: it is
# installed into a temporary GOBIN (or taken from $BENCHSTAT when set).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/edgecam" ./cmd/edgecam
benchstat=${BENCHSTAT:-}
if [[ -z "$benchstat" ]]; then
	GOBIN="$tmp/bin" GOFLAGS= go install golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
	benchstat="$tmp/bin/benchstat"
fi

for run in old new; do
	"$tmp/edgecam" bench -alpha 0.25 -res 64 -dtype int8 -threads 1,2 -frames 20 -warmup 2 \
		-format gobench >"$tmp/$run.txt"
done
"$benchstat" "$tmp/old.txt" "$tmp/new.txt" >"$tmp/cmp.txt" 2>"$tmp/err.txt" || {
	cat "$tmp/err.txt" >&2
	echo "test-gobench: benchstat rejected the runs" >&2
	exit 1
}

fail() {
	echo "test-gobench: $*" >&2
	cat "$tmp/cmp.txt" >&2
	exit 1
}
[[ -s "$tmp/err.txt" ]] && { cat "$tmp/err.txt" >&2; fail "benchstat complained"; }
for threads in 1 2; do
	grep -q "^MobileNet/model=mobilenet_v1_0.25_64_int8-$threads " "$tmp/cmp.txt" ||
		fail "no comparison row for $threads threads"
done
grep -q "vs base" "$tmp/cmp.txt" || fail "no old/new comparison"
grep -q "benchmark set differs" "$tmp/cmp.txt" && fail "the two runs' benchmark names differ"
grep -q "sec/op" "$tmp/cmp.txt" || fail "no sec/op table"
grep -q "allocs/op" "$tmp/cmp.txt" || fail "no allocs/op table"
echo "test-gobench: ok"
