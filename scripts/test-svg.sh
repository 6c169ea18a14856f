#!/usr/bin/env bash
# test-svg.sh: the `edgecam bench -plot` SVG opens in headless Chromium and
# shows its per-layer bars (internal/svgplot's TestChromiumShowsBars counts
# every bar's pixels in the screenshot), and so does the package's sample chart.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/edgecam" ./cmd/edgecam
"$tmp/edgecam" bench -alpha 0.25 -res 64 -dtype int8 -threads 1,2 -frames 3 -warmup 1 \
	-plot "$tmp/bench.svg" -format json >"$tmp/bench.json"
[[ -s "$tmp/bench.svg" ]] || { echo "test-svg: no plot written" >&2; exit 1; }

export EDGECAM_REQUIRE_CHROMIUM=1
go test -count=1 -run 'TestChromiumShowsBars$' ./internal/svgplot
EDGECAM_SVG="$tmp/bench.svg" go test -count=1 -run 'TestChromiumShowsBars$' ./internal/svgplot
echo "test-svg: ok"
