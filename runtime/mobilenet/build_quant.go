package mobilenet

import (
	"encoding/binary"
	"math"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// actSigmas is how many standard deviations of the pre-activation an int8
// activation range covers: wide enough that few values saturate, narrow
// enough to keep resolution.
const actSigmas = 4

// actRange returns the real range [lo, hi] an int8 activation tensor is
// quantized over, and the mean square of its values, from the mean square
// preM2 of the pre-activation (zero-mean weights: the sum of w^2 * E[x^2]).
// RELU6 outputs cover [0, min(6, 4 sigma)], as the converter's calibrated
// ranges of a RELU6 layer lie inside [0, 6]; the logits cover +-4 sigma.
func actRange(act tflite.Activation, preM2 float64) (lo, hi, m2 float64) {
	sigma := math.Sqrt(preM2)
	if !(sigma > 1e-6) {
		sigma = 1e-6
	}
	switch act {
	case tflite.ActRelu6:
		return 0, min(6, actSigmas*sigma), min(preM2/2, 36)
	case tflite.ActRelu:
		return 0, actSigmas * sigma, preM2 / 2
	}
	return -actSigmas * sigma, actSigmas * sigma, preM2
}

// rangeQuant is the asymmetric int8 quantization of [lo, hi] (lo <= 0 <= hi):
// scale (hi-lo)/255 and the zero point that maps lo to -128.
func rangeQuant(lo, hi float64) *tflite.Quantization {
	scale := (hi - lo) / 255
	zp := math.Round(-128 - lo/scale)
	zp = max(-128, min(127, zp))
	return &tflite.Quantization{Scale: []float32{float32(scale)}, ZeroPoint: []int64{int64(zp)}}
}

// symmetricScale is the int8 scale of one output channel's weights:
// max|w| / 127, so the weights span [-127, 127].
func symmetricScale(w []float64) float32 {
	var m float64
	for _, v := range w {
		m = max(m, math.Abs(v))
	}
	if m == 0 {
		return 1
	}
	return float32(m / 127)
}

// quantizeWeights quantizes w (of shape) per channel along axis with scales,
// zero point 0, rounding half away from zero.
func quantizeWeights(w []float64, scales []float32, axis int, shape []int) ([]byte, *tflite.Quantization) {
	inner := 1
	for _, d := range shape[axis+1:] {
		inner *= d
	}
	n := shape[axis]
	data := make([]byte, len(w))
	for i, v := range w {
		c := (i / inner) % n
		q := math.Round(v / float64(scales[c]))
		data[i] = byte(int8(max(-127, min(127, q))))
	}
	return data, &tflite.Quantization{Scale: scales, ZeroPoint: make([]int64, n), Axis: axis}
}

// quantizeBias quantizes biases to int32 with scale inScale * wScales[c].
func quantizeBias(bias []float64, inScale float32, wScales []float32) ([]byte, *tflite.Quantization) {
	scales := make([]float32, len(bias))
	data := make([]byte, 4*len(bias))
	for c, v := range bias {
		s := float64(inScale) * float64(wScales[c])
		scales[c] = float32(s)
		q := math.Round(v / float64(scales[c]))
		q = max(math.MinInt32, min(math.MaxInt32, q))
		binary.LittleEndian.PutUint32(data[4*c:], uint32(int32(q)))
	}
	return data, &tflite.Quantization{Scale: scales, ZeroPoint: make([]int64, len(bias))}
}
