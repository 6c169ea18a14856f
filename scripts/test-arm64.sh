#!/usr/bin/env bash
# test-arm64.sh - the arm64 kernels and whole-model golden tests under qemu-aarch64.
#
# Cross-compiles the test binaries of ./kernels/..., ./runtime and ./cmd/edgecam (GOARCH=arm64,
# CGO_ENABLED=0) and runs them under qemu-aarch64 as
#   cortex-a72                         NEON, no dot product (Pi 4): widening int8 kernel
#   cortex-a76                         NEON + dot product (Pi 5): SDOT int8 kernel
#   cortex-a76 GODEBUG=cpu.asimddp=off dot product masked: falls back to the widening kernel
# with EDGECAM_FIXTURES passed through, prints the CPU features and the kernels each
# model ran with, and fails on any failure. The runtime golden tests pick kernels
# under EDGECAM_KERNELS (default auto: the fastest available).
# Also checks that kernels/arm64/_gen/gen.py reproduces the committed assembly
# (and writes every .s file there).
#
# Time (2 cores): the a72 and a76 runs go in parallel. Runtime tests other than
# TestGolden and TestGoldenDetect_ssd (the SSD detector, run on both CPUs) run
# with -test.short, minus TestRunSteadyStateMallocs: it counts the Go
# scheduler's allocations around two worker threads, which under qemu-user's
# thread emulation are now and then nonzero with any kernels (generic too); it
# is architecture-independent and runs natively in go test. Golden subsets: the
# a72 skips the 1.0/224 embedding extractor (the a76 runs every model); the
# asimddp=off run takes three small quantized models and the float 0.25/224
# (the widening kernel is also covered bit-exactly by kernels/arm64 on the a72).
# About 5 CPU-minutes (the SSD detector adds ~1.2: 24 inferences on each CPU):
# ~4.5 minutes wall on the 2-core machine when lightly loaded, more when it is
# shared.
# Env: QEMU (default qemu-aarch64), TEST_ARM64_FULL=1 runs the full golden set three times.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export EDGECAM_FIXTURES=${EDGECAM_FIXTURES:-$(cd .. && pwd)/shared}
QEMU=${QEMU:-qemu-aarch64}
command -v "$QEMU" >/dev/null || { echo "test-arm64: $QEMU not found (apt-get install qemu-user)" >&2; exit 1; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

echo "== generated assembly up to date"
# gen.py also proves each instruction's spelling with go tool asm and GNU as
# (a Go mnemonic encodes as GNU as does; every WORD is one go tool asm rejects).
if command -v aarch64-linux-gnu-as >/dev/null && command -v python3 >/dev/null; then
  mkdir -p "$OUT/gen"
  python3 kernels/arm64/_gen/gen.py "$OUT/gen"
  for f in "$OUT"/gen/*.s; do
    diff -u "kernels/arm64/$(basename "$f")" "$f" >/dev/null ||
      { echo "kernels/arm64/$(basename "$f") differs from _gen/gen.py output; regenerate" >&2; exit 1; }
  done
  for f in kernels/arm64/*.s; do
    [ -f "$OUT/gen/$(basename "$f")" ] ||
      { echo "$f is not written by _gen/gen.py; remove it or generate it" >&2; exit 1; }
  done
  echo "ok"
else
  echo "skipped (needs binutils-aarch64-linux-gnu and python3)"
fi

echo "== cross-compiling test binaries (GOARCH=arm64)"
PKGS=(./kernels ./kernels/generic ./kernels/arm64 ./runtime ./cmd/edgecam)
BINS=()
for p in "${PKGS[@]}"; do
  name=$(echo "${p#./}" | tr / _)
  GOARCH=arm64 CGO_ENABLED=0 go test -c -o "$OUT/$name.test" "$p"
  if [ -f "$OUT/$name.test" ]; then BINS+=("$p:$name"); else echo "  $p: no tests"; fi
done

# run LABEL CPU GODEBUG EXPECT_DOTPROD GOLDEN_RUN [DETECT_RUN]: every binary
# under one CPU model; DETECT_RUN, when given, selects the detector's golden test.
run() {
  local label=$1 cpu=$2 godebug=$3 dot=$4 golden=$5 detect=${6:-} log="$OUT/$1.log" rc=0
  : >"$log"
  one() {  # PKG NAME ARGS...: one test binary under this CPU
    local p=$1 name=$2; shift 2
    echo "--- $label $p $*" >>"$log"
    (cd "$ROOT/${p#./}" && env ${godebug:+GODEBUG=$godebug} EDGECAM_EXPECT_DOTPROD=$dot \
      "$QEMU" -cpu "$cpu" "$OUT/$name.test" -test.v -test.count=1 "$@") >>"$log" 2>&1
  }
  for b in "${BINS[@]}"; do
    local p=${b%%:*} name=${b#*:}
    if [ "$name" = cmd_edgecam ]; then
      # bench runs and reports at every kernel level the CPU has, refuses the
      # others; bench -json carries every field; info reports the kernels.
      one "$p" "$name" -test.run='^(TestBenchEveryKernelLevel|TestBenchFixtureModel|TestInfo.*)$' || rc=1
    elif [ "$name" = runtime ]; then
      one "$p" "$name" -test.short -test.skip='^(TestGolden|TestGoldenDetect_ssd|TestRunSteadyStateMallocs)$' || rc=1
      one "$p" "$name" -test.run="$golden" || rc=1
      if [ -n "$detect" ]; then one "$p" "$name" -test.run="$detect" || rc=1; fi
    else
      one "$p" "$name" || rc=1
    fi
  done
  return $rc
}

summary() {  # LABEL: what was selected, and the failures
  local log="$OUT/$1.log"
  echo "== $1"
  grep -h -E 'cpu: arm64|available NEON kernels|int8 pointwise under auto' "$log" | sed 's/^ *[a-z0-9_]*_test.go:[0-9]*: /  /' | sort -u
  grep -h -E 'kernels: map\[' "$log" | sed 's/.*kernels: /  model kernels: /' | sort | uniq -c | sed 's/^ */  /'
  grep -h -E 'bench_levels_test.go:[0-9]+: [a-z]+ +(f32|int8)' "$log" | sed -E 's/^ *bench_levels_test.go:[0-9]+: /  bench /; s/ (reshape|softmax|pool):[a-z0-9_]+//g'
  grep -h -E '^(ok|PASS|FAIL|--- FAIL|panic:)' "$log" | sort | uniq -c | sed 's/^ */  /'
}

# Golden models: every one on the a76; the a72 skips the 1.0/224 embedding
# extractor (the largest, ~1/3 of the golden time); the asimddp=off run takes
# the small quantized ones and the float 0.25/224.
ALL='^TestGolden$'
A72='^TestGolden$/^(coral_|mobilenet_v1_0\.)'
# The SSD detector (raw tensors and detections against Arm NN) on both CPUs.
DETECT='^TestGoldenDetect_ssd$'
SMALL='^TestGolden$/(mobilenet_v1_0.25_128_quant|mobilenet_v1_0.5_160_quant|coral_mlir_mobilenet_v1_0.25_128_quant|mobilenet_v1_0.25_224$)'
[ "${TEST_ARM64_FULL:-0}" = 1 ] && SMALL=$ALL && A72=$ALL

echo "== running under $QEMU (a72 and a76 in parallel)"
start=$SECONDS
fail=0
run a72 cortex-a72 "" 0 "$A72" "$DETECT" & p1=$!
run a76 cortex-a76 "" 1 "$ALL" "$DETECT" & p2=$!
wait $p1 || fail=1
wait $p2 || fail=1
run a76-noasimddp cortex-a76 cpu.asimddp=off 0 "$SMALL" || fail=1
summary a72
summary a76
summary a76-noasimddp
echo "== qemu time $((SECONDS - start)) s"
if [ $fail != 0 ]; then
  for l in "$OUT"/*.log; do
    grep -q -E '^(--- FAIL|FAIL|panic:)' "$l" && { echo "== failures in $(basename "$l" .log):"; grep -E -B2 -A20 '^(--- FAIL|panic:)' "$l" | head -80; }
  done
  echo "test-arm64: FAILED" >&2
  exit 1
fi
echo "test-arm64: all passed"
