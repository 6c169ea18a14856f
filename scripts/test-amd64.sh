#!/usr/bin/env bash
# test-amd64.sh - the amd64 kernels (AVX2+FMA, AVX-512, AVX-512 VNNI) on this CPU.
#
# Runs, natively on an amd64 host:
#   native            every kernel level this CPU has: the equivalence tests of package
#                     kernels (every registered kernel against generic, TestNoSilentFallback),
#                     the kernels/amd64 unit tests, bench at every level and info
#                     (cmd/edgecam), and the runtime golden tests with auto kernels
#   avx512f=off       GODEBUG=cpu.avx512f=off: AVX-512 and VNNI masked, so the AVX2 kernels
#                     are the ones selected (on an AVX-512 machine this is the only run
#                     where they serve the goldens); the same tests
#   avx512vnni=off    GODEBUG=cpu.avx512vnni=off: AVX-512 without VNNI (AVX-512 float32
#                     GEMM, AVX2 int8); kernels and cmd/edgecam only
#   purego            -tags purego: generic kernels only; the same tests
# and scripts/check-amd64-gen.sh (regenerates the assembly with avo and diffs).
#
# The runtime golden tests must give every model the same verdict in every run: a model
# that fails under purego (generic kernels) fails for a reason the kernels do not decide
# (an operator the runtime lacks, say) and is listed; a model that passes under purego
# and fails with the amd64 kernels, or the reverse, fails this script. At least one model
# must pass.
#
# On a CPU without AVX-512 the native and avx512f=off runs are the same (AVX2): the
# AVX-512 and VNNI kernels then skip with the reason, and only the AVX2 kernels are
# checked against generic. Without AVX2 only generic runs. On another architecture
# only the generator check runs.
#
# Time (2 cores, lightly loaded): about 1.5 minutes, most of it compiling and the
# purego goldens.
set -euo pipefail
cd "$(dirname "$0")/.."
export EDGECAM_FIXTURES=${EDGECAM_FIXTURES:-$(cd .. && pwd)/shared}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

echo "== generated assembly up to date"
./scripts/check-amd64-gen.sh

if [ "$(go env GOARCH)" != amd64 ]; then
  echo "test-amd64: not an amd64 host ($(go env GOARCH)): only the generator was checked"
  exit 0
fi

echo "== CPU"
grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/^/  /' || true
echo "  flags: $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | tr ' ' '\n' | grep -xE 'avx2|fma|avx512f|avx512bw|avx512vl|avx512_vnni' | xargs)"

fail=0
# run LABEL GODEBUG TAGS GOLDEN: the kernel, CLI and (GOLDEN=1) golden tests of one run.
run() {
  local label=$1 godebug=$2 tags=$3 golden=$4 log="$OUT/$1.log"
  echo "== $label"
  : >"$log"
  local rc=0
  env ${godebug:+GODEBUG=$godebug} go test -count=1 ${tags:+-tags $tags} -v ./kernels/... >>"$log" 2>&1 || rc=1
  env ${godebug:+GODEBUG=$godebug} go test -count=1 ${tags:+-tags $tags} -v \
    -run '^(TestBenchEveryKernelLevel|TestInfo.*|TestKernels.*)$' ./cmd/edgecam >>"$log" 2>&1 || rc=1
  if [ "$golden" = 1 ]; then
    # Model failures are judged by comparing runs (below), not here.
    env ${godebug:+GODEBUG=$godebug} go test -count=1 ${tags:+-tags $tags} -v -run '^TestGolden$' ./runtime \
      >"$OUT/$label.golden" 2>&1 || true
    grep -E '^    --- (PASS|FAIL): TestGolden/' "$OUT/$label.golden" |
      sed -E 's/^    --- (PASS|FAIL): TestGolden\/([^ ]+).*/\2 \1/' | sort >"$OUT/$label.verdicts"
    grep -q ' PASS$' "$OUT/$label.verdicts" || { echo "  no golden model passed"; rc=1; }
    grep -h -E 'threads 1 kernels: ' "$OUT/$label.golden" | sed 's/.*kernels: /  golden kernels: /' | sort | uniq -c | sed 's/^ */  /'
  fi
  grep -h -E '^\s+select_test.go:[0-9]+: CPU: ' "$log" | sed -E 's/^\s+select_test.go:[0-9]+: /  /' | sort -u
  grep -h -E '_test.go:[0-9]+: [a-z0-9_]+ \(level (avx2|avx512|vnni)' "$log" |
    sed -E 's/^\s+[a-z0-9_]+_test.go:[0-9]+: /  /; s/ within tolerance of| bit-exact with/ ok vs/; s/, [0-9]+ left to another implementation by Supports//' || true
  grep -h -E 'refusals of unsupported layers checked' "$log" | sed -E 's/^\s+select_test.go:[0-9]+: /  /' || true
  grep -h -E 'bench_levels_test.go:[0-9]+: [a-z0-9]+ +(f32|int8) *: (kernels|refused)' "$log" |
    sed -E 's/^\s+bench_levels_test.go:[0-9]+: /  bench /; s/ (reshape|softmax|pool):[a-z0-9_]+//g; s/kernel level "([a-z0-9]+)" is not available on this CPU.*/\1 not available/' || true
  grep -h -E '^(ok|FAIL|--- FAIL|panic:)' "$log" | sort | uniq -c | sed 's/^ */  /'
  if [ $rc != 0 ]; then
    grep -E -B2 -A15 '^(--- FAIL|panic:)|^\s+--- FAIL' "$log" | head -60
    fail=1
  fi
}

run native "" "" 1
run avx512f-off cpu.avx512f=off "" 1
run avx512vnni-off cpu.avx512vnni=off "" 0
run purego "" purego 1

echo "== golden verdicts (model: native avx512f=off purego)"
join "$OUT/native.verdicts" "$OUT/avx512f-off.verdicts" | join - "$OUT/purego.verdicts" | sed 's/^/  /'
for l in native avx512f-off; do
  if ! cmp -s "$OUT/$l.verdicts" "$OUT/purego.verdicts"; then
    echo "  $l: golden verdicts differ from purego's:"
    diff "$OUT/purego.verdicts" "$OUT/$l.verdicts" | sed 's/^/    /' || true
    fail=1
  fi
done
if grep -q ' FAIL$' "$OUT/purego.verdicts"; then
  echo "  failing with every kernel set, generic included (not decided by the kernels):"
  for m in $(grep ' FAIL$' "$OUT/purego.verdicts" | cut -d' ' -f1); do
    for l in native avx512f-off purego; do
      # The model's first message other than its kernel list, or its 1-thread summary.
      why=$(sed -n "/^=== RUN   TestGolden\/$m\$/,/^=== RUN/p" "$OUT/$l.golden" | grep -E 'golden_test.go:[0-9]+: ' |
        grep -v 'kernels: ' | grep -E 'threads 1: |read model|unsupported|error' | head -1 | sed -E 's/^\s+golden_test.go:[0-9]+: //' | cut -c1-120)
      printf '    %-40s %-12s %s\n' "$m" "$l" "$why"
    done
  done
fi

[ $fail = 0 ] || { echo "test-amd64: FAILED" >&2; exit 1; }
echo "test-amd64: all passed"
