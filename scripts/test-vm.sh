#!/usr/bin/env bash
# test-vm.sh: run the arm64 `edgecam run` against a real V4L2 driver (vivid)
# inside a Debian arm64 kernel under qemu-system-aarch64 (scripts/vivid-vm),
# capturing YUYV 640x480 from /dev/video0 through the 0.25/128 quantized
# model, and check the JSON results it printed.
#
# Then it runs the camera package's V4L2 tests in a second boot (listing,
# negotiation, capture, frame timeouts, and unplug/replug by unbinding and
# rebinding the vivid driver while capturing).
#
# Skips (exit 0) when qemu-system-aarch64 is missing, unless
# EDGECAM_REQUIRE_FIXTURES=1 or EDGECAM_REQUIRE_VM=1 (then it fails).
# Knobs: VM_FRAMES (default 20), VIVID_VM_TIMEOUT (default 240 s here),
# VIVID_VM_CACHE (kernel cache, default ~/.cache/vivid-vm).
set -euo pipefail
cd "$(dirname "$0")/.."

require=0
[[ ${EDGECAM_REQUIRE_FIXTURES:-} == 1 || ${EDGECAM_REQUIRE_VM:-} == 1 ]] && require=1
skip() {
	if ((require)); then echo "test-vm: FAIL: $*" >&2; exit 1; fi
	echo "test-vm: SKIP: $*" >&2; exit 0
}
command -v qemu-system-aarch64 >/dev/null || skip "qemu-system-aarch64 not installed"
command -v cpio >/dev/null || skip "cpio not installed"

FIX=${EDGECAM_FIXTURES:-$(cd .. && pwd)/shared}
MODEL=$FIX/models/mobilenet_v1_0.25_128_quant.tflite
LABELS=$FIX/models/labels.txt
[[ -f $MODEL && -f $LABELS ]] || skip "fixtures missing: $MODEL, $LABELS"

FRAMES=${VM_FRAMES:-20}
export VIVID_VM_TIMEOUT=${VIVID_VM_TIMEOUT:-240}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/edgecam-vm.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "test-vm: building linux/arm64 edgecam"
CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -o "$tmp/edgecam" ./cmd/edgecam

start=$(date +%s)
set +e
VIVID_VM_FILES="$MODEL $LABELS" ./scripts/vivid-vm/run.sh "$tmp/edgecam" run \
	-model "/data/$(basename "$MODEL")" -labels "/data/$(basename "$LABELS")" \
	-device /dev/video0 -size 640x480 -format yuyv -fps 25 -threads 1 \
	-frames "$FRAMES" -log-level info >"$tmp/console.log" 2>&1
rc=$?
set -e
wall=$(($(date +%s) - start))
grep -v '^{"seq"' "$tmp/console.log" | tail -n 25 >&2 || true
if [[ $rc != 0 ]]; then
	echo "test-vm: FAIL: VM run exited $rc after ${wall}s (see log above)" >&2
	exit 1
fi

# Every result line: increasing seq, top-5 with labels and scores, latency.
grep '^{"seq"' "$tmp/console.log" >"$tmp/results.jsonl" || true
go run ./scripts/vivid-vm/checkresults -min "$FRAMES" -top 5 "$tmp/results.jsonl" || {
	echo "test-vm: FAIL: results did not check out" >&2
	exit 1
}
grep -q 'camera open.*format=yuyv.*width=640.*height=480' "$tmp/console.log" || {
	echo "test-vm: FAIL: the negotiated mode is not YUYV 640x480" >&2
	exit 1
}

# The camera package's V4L2 tests (listing, negotiation, capture, timeouts,
# unplug and replug) against the same driver.
CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go test -c -o "$tmp/camera.test" ./camera
start2=$(date +%s)
if ! ./scripts/vivid-vm/run.sh "$tmp/camera.test" -test.run 'V4L2' -test.v >"$tmp/camera.log" 2>&1; then
	tail -n 40 "$tmp/camera.log" >&2
	echo "test-vm: FAIL: camera V4L2 tests failed in the VM" >&2
	exit 1
fi
grep -E '^(--- |ok|PASS|FAIL)|v4l2_linux_test' "$tmp/camera.log" >&2 || true
for t in TestV4L2ListDevices TestV4L2Capture TestV4L2Unplug; do
	grep -q -- "--- PASS: $t" "$tmp/camera.log" || {
		echo "test-vm: FAIL: $t did not pass (skipped?)" >&2
		exit 1
	}
done
wall2=$(($(date +%s) - start2))
kernels=$(sed -n 's/.*msg="model compiled".* kernels="\([^"]*\)".*/\1/p' "$tmp/console.log" | head -n1)
echo "test-vm: kernels used in the VM: ${kernels:-unknown}"
echo "test-vm: PASS ($FRAMES frames from vivid YUYV 640x480, edgecam VM ${wall}s; camera V4L2 tests VM ${wall2}s)"
