#!/usr/bin/env bash
# test-arm64.sh - the arm64 kernels and whole-model golden tests under qemu-aarch64.
#
# Cross-compiles the test binaries of ./kernels/..., ./runtime and ./cmd/edgecam (GOARCH=arm64,
# CGO_ENABLED=0) and runs them under qemu-aarch64 as
#   cortex-a72                         NEON, no dot product (Pi 4): widening int8 kernel
#   cortex-a76                         NEON + dot product (Pi 5): SDOT int8 kernel
#   cortex-a76 GODEBUG=cpu.asimddp=off dot product masked: falls back to the widening kernel
#   cortex-a53 + a Pi 3 /proc/cpuinfo  in-order core (Pi 3, Zero 2 W): the *_neon_a53 twins
# with EDGECAM_FIXTURES passed through, prints the CPU features and the kernels each
# model ran with, and fails on any failure. The runtime golden tests pick kernels
# under EDGECAM_KERNELS (default auto: the fastest available).
# The in-order kernels are selected only when /proc/cpuinfo lists Cortex-A53
# parts (0x41:0xd03) and nothing else (kernels/arm64.A53, read once at start).
# qemu-user 7.2 shows the guest the host's /proc/cpuinfo, but resolves a guest's
# absolute paths inside its -L prefix first, so the a53 pass runs with -L PI3,
# a directory holding a Raspberry Pi 3's proc/cpuinfo: the library's own
# detection picks the twins (no test hook; the library reads no environment
# variable). Newer qemu-user (2023: "Emulate /proc/cpuinfo on aarch64 and arm")
# writes /proc/cpuinfo itself, before the prefix, from the -cpu model, which
# for cortex-a53 says part 0xd03 too. Either way EDGECAM_EXPECT_A53 (read only
# by kernels/arm64 TestSelection, like EDGECAM_EXPECT_DOTPROD) fails a pass
# whose detection differs, and check_a53 fails the a53 pass unless each of the
# six _a53 kernels passed the kernels equivalence tests against generic and ran
# in a golden model, and no out-of-order NEON or SDOT kernel ran there.
# Also checks that kernels/arm64/_gen/gen.py reproduces the committed assembly
# (and writes every .s file there).
#
# Time (2 cores): the a72 and a76 runs go in parallel, then the asimddp=off and
# a53 runs. Runtime tests other than TestGolden and TestGoldenDetect_ssd (the
# SSD detector, run on the a72 and a76) run with -test.short, minus
# TestRunSteadyStateMallocs: it counts the Go
# scheduler's allocations around two worker threads, which under qemu-user's
# thread emulation are now and then nonzero with any kernels (generic too); it
# is architecture-independent and runs natively in go test. Golden subsets: the
# a72 skips the 1.0/224 embedding extractor (the a76 runs every model); the
# asimddp=off run takes three small quantized models and the float 0.25/224
# (the widening kernel is also covered bit-exactly by kernels/arm64 on the a72),
# the a53 the same plus the two 96x96 visual-wake-words models (their
# FULLY_CONNECTED runs the pointwise kernels), and no SSD detector (70 CPU-s
# under qemu; the equivalence tests cover its im2col+pointwise layers, and
# TestDetectorSSDAllocatesNothing in the short tests runs it on the _a53 kernels).
# About 8 CPU-minutes (the SSD detector adds ~1.2: 24 inferences on each CPU;
# the a53 run ~1.6: user time 6m37s without it, 8m12s with it, 2026-11-30):
# 6.5 to 8 minutes wall on the shared 2-core machine (the a53 run, beside the
# asimddp=off one, added ~0.5 minute: qemu time 363 s without it, 394 s with
# it). Each run's wall time is printed after its name.
# Env: QEMU (default qemu-aarch64), TEST_ARM64_FULL=1 runs the full golden set
# four times (and the SSD detector on the a53 too).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export EDGECAM_FIXTURES=${EDGECAM_FIXTURES:-$(cd .. && pwd)/shared}
QEMU=${QEMU:-qemu-aarch64}
command -v "$QEMU" >/dev/null || { echo "test-arm64: $QEMU not found (apt-get install qemu-user)" >&2; exit 1; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# PI3: the qemu -L prefix of the A53 pass, holding a Raspberry Pi 3 Model B's
# /proc/cpuinfo (four Cortex-A53); other absolute paths are not in it, so
# qemu falls back to the host's.
PI3=$OUT/pi3
mkdir -p "$PI3/proc"
{
  for i in 0 1 2 3; do
    printf 'processor\t: %d\nBogoMIPS\t: 38.40\nFeatures\t: fp asimd evtstrm crc32 cpuid\n' "$i"
    printf 'CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: 0xd03\nCPU revision\t: 4\n\n'
  done
  printf 'Hardware\t: BCM2835\nRevision\t: a02082\nModel\t\t: Raspberry Pi 3 Model B Rev 1.2\n'
} >"$PI3/proc/cpuinfo"

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

# run LABEL CPU GODEBUG EXPECT_DOTPROD EXPECT_A53 PREFIX GOLDEN_RUN [DETECT_RUN]:
# every binary under one CPU model; PREFIX, when not empty, is qemu's -L prefix
# (PI3); DETECT_RUN, when given, selects the detector's golden test.
run() {
  local label=$1 cpu=$2 godebug=$3 dot=$4 a53=$5 prefix=$6 golden=$7 detect=${8:-} log="$OUT/$1.log" rc=0 t0=$SECONDS
  : >"$log"
  one() {  # PKG NAME ARGS...: one test binary under this CPU
    local p=$1 name=$2; shift 2
    echo "--- $label $p $*" >>"$log"
    (cd "$ROOT/${p#./}" && env ${godebug:+GODEBUG=$godebug} EDGECAM_EXPECT_DOTPROD=$dot EDGECAM_EXPECT_A53=$a53 \
      "$QEMU" ${prefix:+-L "$prefix"} -cpu "$cpu" "$OUT/$name.test" -test.v -test.count=1 "$@") >>"$log" 2>&1
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
  echo $((SECONDS - t0)) >"$OUT/$label.secs"
  return $rc
}

summary() {  # LABEL: what was selected, and the failures
  local log="$OUT/$1.log"
  echo "== $1 ($(cat "$OUT/$1.secs" 2>/dev/null || echo ?) s)"
  grep -h -E 'cpu: arm64|available NEON kernels|int8 pointwise under auto|this machine: A53' "$log" | sed 's/^ *[a-z0-9_]*_test.go:[0-9]*: /  /' | sort -u
  { grep -h -E '_neon_a53 \(level' "$log" || true; } | sed -E 's/^ *[a-z0-9_]*_test.go:[0-9]*: /  equivalence /; s/, [0-9]+ left to another.*//' | sort -u
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
# The in-order twins: SMALL and the visual-wake-words models (fully connected).
A53='^TestGolden$/(mobilenet_v1_0.25_128_quant|mobilenet_v1_0.5_160_quant|coral_mlir_mobilenet_v1_0.25_128_quant|mobilenet_v1_0.25_224$|vww_96_)'
A53_DETECT=''
[ "${TEST_ARM64_FULL:-0}" = 1 ] && SMALL=$ALL && A72=$ALL && A53=$ALL && A53_DETECT=$DETECT

# check_a53: the A53 pass ran the in-order twins: each of the six passed the
# kernels equivalence tests against generic on some cases and ran in a golden
# model or bench, and no out-of-order NEON or SDOT kernel ran in any (Select
# prefers the twin wherever the two could run; generic may take what neither
# supports).
check_a53() {
  local log="$OUT/a53.log" k bad=0 maps
  maps=$(grep -h -E 'kernels:? map\[' "$log" || true)
  for k in conv3x3c3_f32 conv3x3c3_q8 dwconv3x3_f32 dwconv3x3_q8 pwconv_f32 pwconv_q8; do
    grep -q -E "_test.go:[0-9]+: ${k}_neon_a53 \(level neon[^)]*\): [1-9][0-9]* (of [0-9]+ cases|shapes) (bit-exact|within tolerance)" "$log" ||
      { echo "a53: no equivalence test ran ${k}_neon_a53" >&2; bad=1; }
    grep -q -E "[:,+]${k}_neon_a53[] ,]" <<<"$maps" ||
      { echo "a53: no golden model or bench ran ${k}_neon_a53" >&2; bad=1; }
  done
  if grep -E '_(neon|dotprod)[] ,]' <<<"$maps"; then
    echo "a53: the runs above took out-of-order kernels" >&2; bad=1
  fi
  [ $bad = 0 ] && echo "  check: the six _a53 kernels passed the equivalence tests and ran in the goldens; no out-of-order kernel ran"
  return $bad
}

echo "== running under $QEMU (a72 and a76 in parallel, then a76-noasimddp and a53)"
start=$SECONDS
fail=0
run a72 cortex-a72 "" 0 0 "" "$A72" "$DETECT" & p1=$!
run a76 cortex-a76 "" 1 0 "" "$ALL" "$DETECT" & p2=$!
wait $p1 || fail=1
wait $p2 || fail=1
run a76-noasimddp cortex-a76 cpu.asimddp=off 0 0 "" "$SMALL" & p1=$!
run a53 cortex-a53 "" 0 1 "$PI3" "$A53" "$A53_DETECT" & p2=$!
wait $p1 || fail=1
wait $p2 || fail=1
summary a72
summary a76
summary a76-noasimddp
summary a53
check_a53 || fail=1
echo "== qemu time $((SECONDS - start)) s"
if [ $fail != 0 ]; then
  for l in "$OUT"/*.log; do
    grep -q -E '^(--- FAIL|FAIL|panic:)' "$l" && { echo "== failures in $(basename "$l" .log):"; grep -E -B2 -A20 '^(--- FAIL|panic:)' "$l" | head -80; }
  done
  echo "test-arm64: FAILED" >&2
  exit 1
fi
echo "test-arm64: all passed"
