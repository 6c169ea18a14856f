package generic_test

import (
	"math"

	"github.com/edgecam/edgecam/kernels/generic"
)

// Helpers of the detection post-process tests.

// shiftToInt8 stores uint8 values as edgecam does: q - 128 (with the zero
// point shifted likewise by the caller).
func shiftToInt8(b []byte) []int8 {
	q := make([]int8, len(b))
	for i, v := range b {
		q[i] = int8(int(v) - 128)
	}
	return q
}

// dequantBoxes and dequantScores are TFLite's two dequantizations (box
// encodings and anchors; class scores), written out apart from the kernel's
// tables.
func dequantBoxes(b []byte, scale float32, zp int32) []float32 {
	f := make([]float32, len(b))
	for i, v := range b {
		f[i] = (float32(v) - float32(zp)) * scale
	}
	return f
}

func dequantScores(b []byte, scale float32, zp int32) []float32 {
	f := make([]float32, len(b))
	for i, v := range b {
		f[i] = float32(float64(scale) * float64(int32(v)-zp))
	}
	return f
}

// newDetectionOutputs returns zeroed outputs of the size the options need.
func newDetectionOutputs(o *generic.DetectionPostProcessOptions) generic.DetectionOutputs {
	rows := o.OutputRows()
	return generic.DetectionOutputs{
		Boxes: make([]float32, 4*rows), Classes: make([]float32, rows),
		Scores: make([]float32, rows), Count: make([]float32, 1),
	}
}

// sameBits reports whether a and b hold the same float32 bit patterns.
func sameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}
