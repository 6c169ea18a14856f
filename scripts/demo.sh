#!/usr/bin/env bash
# demo.sh BIN: classify the sample images with an official MobileNet-V1 model
# from $EDGECAM_MODELS and print the results and the per-frame latency.
set -euo pipefail
bin=${1:-bin/edgecam}
models=${EDGECAM_MODELS:-../shared/models}
images=${EDGECAM_IMAGES:-${EDGECAM_FIXTURES:-../shared}/images}
model=""
for m in mobilenet_v1_0.75_192_quant mobilenet_v1_0.5_160_quant mobilenet_v1_0.25_224_quant \
         mobilenet_v1_0.25_128_quant mobilenet_v1_0.25_224; do
	if [ -f "$models/$m.tflite" ]; then model="$models/$m.tflite"; break; fi
done
if [ -z "$model" ]; then
	cat >&2 <<MSG
demo: no MobileNet-V1 model found in $models
Get the official TFLite files (Apache-2.0), for example mobilenet_v1_0.75_192_quant.tflite
with its labels.txt, from the TensorFlow Lite hosted models list
(https://www.tensorflow.org/lite/guide/hosted_models) or the Coral test data repository
(github.com/google-coral/test_data), put them in a directory and run
    make demo EDGECAM_MODELS=/path/to/dir
MSG
	exit 1
fi
echo "== edgecam info"
"$bin" info
echo
echo "== classify with $(basename "$model")"
shopt -s nullglob
imgs=("$images"/*.png "$images"/*.jpg "$images"/*.jpeg "$images"/*.bmp)
if [ ${#imgs[@]} -eq 0 ]; then
	echo "no sample images in $images; classifying a synthetic camera stream instead"
	"$bin" run -model "$model" -source synthetic -frames 20
else
	"$bin" classify -model "$model" -top 3 "${imgs[@]}"
fi
echo
echo "== per-frame latency ($(basename "$model"))"
"$bin" bench -model "$model" -frames 50 -warmup 5
