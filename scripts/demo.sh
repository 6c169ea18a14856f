#!/usr/bin/env bash
# demo.sh BIN: classify images with a MobileNet-V1 and print the results (only
# the classes that scored above 0) and the per-frame latency.
#
# With the shared fixtures (EDGECAM_MODELS, EDGECAM_FIXTURES/images) it uses
# the largest official model found there and the sample images. On a fresh
# clone without them it uses the model built into the binary
# (mobilenet_v1_0.25_128_quant) on frames of the synthetic camera pattern:
# nothing to download.
set -euo pipefail
bin=${1:-bin/edgecam}
models=${EDGECAM_MODELS:-../shared/models}
images=${EDGECAM_IMAGES:-${EDGECAM_FIXTURES:-../shared}/images}
model=""
for m in mobilenet_v1_0.75_192_quant mobilenet_v1_0.5_160_quant mobilenet_v1_0.25_224_quant \
         mobilenet_v1_0.25_128_quant mobilenet_v1_0.25_224; do
	if [ -f "$models/$m.tflite" ]; then model="$models/$m.tflite"; break; fi
done
model_args=()
name="the embedded mobilenet_v1_0.25_128_quant"
if [ -n "$model" ]; then
	model_args=(-model "$model")
	name=$(basename "$model")
else
	echo "demo: no MobileNet-V1 in $models: using the model built into edgecam"
	echo "      (larger official models: see README.md, then make demo EDGECAM_MODELS=/path/to/dir)"
fi
echo "== edgecam info"
"$bin" info
echo
echo "== classify with $name"
shopt -s nullglob
imgs=("$images"/*.png "$images"/*.jpg "$images"/*.jpeg "$images"/*.bmp)
if [ ${#imgs[@]} -eq 0 ]; then
	echo "no sample images in $images; classifying 5 frames of the synthetic camera pattern instead"
	"$bin" run "${model_args[@]}" -source synthetic -size 320x240 -fps 0 -frames 5 -top 3
else
	"$bin" classify "${model_args[@]}" -top 3 "${imgs[@]}"
fi
echo
if [ -n "$model" ]; then
	echo "== per-frame latency ($name)"
	"$bin" bench -model "$model" -frames 50 -warmup 5
else
	echo "== per-frame latency (the embedded model's network: MobileNet-V1 0.25, 128x128, int8, built in memory)"
	"$bin" bench -alpha 0.25 -res 128 -dtype int8 -frames 50 -warmup 5
fi
