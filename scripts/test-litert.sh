#!/usr/bin/env bash
# test-litert.sh: edgecam's quantized outputs are the bytes LiteRT (TFLite's
# runtime, XNNPACK inside; ../shared/tools/litert) produces:
#   - every uint8/int8 classifier in $EDGECAM_FIXTURES/golden, on its images,
#     output and logits (compare.py --require-identical);
#   - the SSD detector's box encodings and class scores (the tensors before
#     its post-process custom op, cut out by scripts/tflitetap);
#   - the int8 models `edgecam quantize` writes from the float MobileNet-V1
#     0.25/224 (int8 and float I/O), on that model's images;
#   - internal/tiemodels: one small model per op and type whose
#     requantizations land on exact ties;
# each with the kernels this CPU selects and with the generic ones.
# Needs node + npm (the npm package @litertjs/core@2.5.3: $LITERT_CORE, which
# .ci/run installs, else installed into a temporary directory with
# --ignore-scripts) and python3-numpy.
set -euo pipefail
cd "$(dirname "$0")/.."
fx="${EDGECAM_FIXTURES:-../shared}"
lt="$fx/tools/litert"
if [[ ! -d "$lt" || ! -d "$fx/golden" ]]; then
	if [[ "${EDGECAM_REQUIRE_FIXTURES:-}" == 1 ]]; then echo "test-litert: no $lt or $fx/golden" >&2; exit 1; fi
	echo "test-litert: skipped (no $lt; set EDGECAM_FIXTURES)"; exit 0
fi
command -v node >/dev/null && command -v npm >/dev/null || { echo "test-litert: needs node and npm" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# .ci/run installs the package and exports LITERT_CORE; otherwise install it here.
if [[ ! -f "${LITERT_CORE:-/nonexistent}/package.json" ]]; then
	"$lt/setup.sh" "$tmp/litert" >/dev/null
	export LITERT_CORE="$tmp/litert/node_modules/@litertjs/core"
fi
go build -o "$tmp/edgecam" ./cmd/edgecam
printf '#!/bin/sh\nEDGECAM_KERNELS=generic exec %q "$@"\n' "$tmp/edgecam" >"$tmp/edgecam-generic"
chmod +x "$tmp/edgecam-generic"

# model name, then its inputs: quantized classifiers with golden images.
models=()
for d in "$fx"/golden/*/; do
	m=$(basename "$d")
	[[ -f "$fx/models/$m.tflite" ]] || continue
	compgen -G "$d*.out.u8" >/dev/null || compgen -G "$d*.out.i8" >/dev/null || continue
	models+=("$m")
done
go run ./scripts/tflitetap "$fx/models/ssd_mobilenet_v1_1.0_quant_2018_06_29.tflite" Squeeze "$tmp/ssd_box_encodings.tflite"
go run ./scripts/tflitetap "$fx/models/ssd_mobilenet_v1_1.0_quant_2018_06_29.tflite" convert_scores "$tmp/ssd_class_scores.tflite"
for io in int8 float; do
	"$tmp/edgecam" quantize -model "$fx/models/mobilenet_v1_0.25_224.tflite" -calib "$fx/images" -io $io \
		-out "$tmp/quantized_$io.tflite" >"$tmp/quantize.log" 2>&1 || { cat "$tmp/quantize.log"; echo "test-litert: quantize -io $io failed" >&2; exit 1; }
done
mkdir "$tmp/tie"
go run ./internal/tiemodels/gen "$tmp/tie"

fail=0
# compare NAME QUIET compare.py-args...: edgecam ($bin) against LiteRT, bit for
# bit; prints NAME and the bit-identical count unless QUIET, and on a
# difference prints compare.py's table and marks the run failed.
compare() {
	local name=$1 quiet=$2 out
	shift 2
	if out=$("$lt/compare.py" --require-identical --edgecam "$bin" "$@" 2>&1); then
		[[ $quiet == 1 ]] || printf '%-48s %s\n' "$name" "$(grep -o 'bit-identical [0-9]*/[0-9]*' <<<"$out")"
	else
		echo "$out"; echo "test-litert: $name ($kind kernels) differs from LiteRT" >&2; fail=1
	fi
}
for bin in "$tmp/edgecam" "$tmp/edgecam-generic"; do
	kind=selected; [[ $bin == *generic ]] && kind=generic
	echo "== kernels: $kind"
	for m in "${models[@]}"; do
		compare "$m" 0 "$m"
	done
	for t in box_encodings class_scores; do
		compare "ssd_mobilenet_v1 $t" 0 "$tmp/ssd_$t.tflite" "$fx"/golden/ssd_mobilenet_v1_1.0_quant_2018_06_29/*.rgb
	done
	for io in int8 float; do
		compare "edgecam quantize -io $io (0.25_224)" 0 "$tmp/quantized_$io.tflite" "$fx"/golden/mobilenet_v1_0.25_224/*.rgb
	done
	n=0
	for f in "$tmp"/tie/*.tflite; do
		compare "tie model $(basename "$f")" 1 "$f" "${f%.tflite}.rgb"
		n=$((n + 1))
	done
	echo "tie models: $n compared"
done
[[ $fail == 0 ]] || exit 1
echo "test-litert: ok"
