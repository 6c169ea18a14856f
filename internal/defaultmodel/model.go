// Package defaultmodel carries the one model file the project ships, so that
// edgecam works without -model: the official MobileNet-V1 0.25 128x128
// uint8 TFLite classifier and its 1001 labels, embedded with go:embed.
// Both are Apache-2.0 TensorFlow model-zoo files; see NOTICE.
package defaultmodel

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// Name is the model's file name without its extension.
const Name = "mobilenet_v1_0.25_128_quant"

// SHA256 is the hex sha256 of the embedded model, that of the official file.
const SHA256 = "17bed12f01faa92362b30dfd20dcc2e5b3d02fa916a8ca8f3f46002bad3ec221"

//go:embed mobilenet_v1_0.25_128_quant.tflite
var model []byte

//go:embed labels.txt
var labels string

// Bytes returns a copy of the model's TFLite flatbuffer (a copy, because
// runtime.Parse keeps slices of the buffer it is given).
func Bytes() []byte { return append([]byte(nil), model...) }

// Labels returns the model's 1001 class names; index 0 is "background".
func Labels() []string {
	return strings.Split(strings.TrimSuffix(labels, "\n"), "\n")
}

// Load parses the embedded model.
func Load() (*tflite.Model, error) {
	m, err := runtime.Parse(Bytes())
	if err != nil {
		return nil, fmt.Errorf("embedded model %s: %w", Name, err)
	}
	return m, nil
}
