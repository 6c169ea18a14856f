package quant

import (
	"fmt"
	"math"
)

// QMaxWeight bounds symmetric int8 weights to [-QMaxWeight, QMaxWeight]: -128 is never
// produced, as in TFLite's per-channel scheme, so negation stays exact.
const QMaxWeight = 127

// ChannelWeights is a weight tensor quantized per channel along Axis:
// real = Scale[c] * Q (zero point 0).
type ChannelWeights struct {
	Q     []int8
	Scale []float32
	Axis  int
}

// channelLayout returns, for shape and axis, the number of channels and the
// stride of one step along axis in the row-major element order: element i
// belongs to channel (i / inner) % channels.
func channelLayout(shape []int, axis int) (channels, inner int, err error) {
	if axis < 0 || axis >= len(shape) {
		return 0, 0, fmt.Errorf("channel axis %d outside shape %v", axis, shape)
	}
	inner = 1
	for _, d := range shape[axis+1:] {
		inner *= d
	}
	return shape[axis], inner, nil
}

// QuantizeWeights quantizes the float weights w of the given shape
// symmetrically per channel along axis: scale[c] = max|w_c| / 127 and
// q = round(w / scale[c]) (half away from zero). An all-zero channel gets
// scale 1 so that every scale stays positive and usable in requantization.
func QuantizeWeights(w []float32, shape []int, axis int) (*ChannelWeights, error) {
	channels, inner, err := channelLayout(shape, axis)
	if err != nil {
		return nil, err
	}
	if n := elems(shape); n != len(w) {
		return nil, fmt.Errorf("weights: %d values for shape %v", len(w), shape)
	}
	maxAbs := make([]float64, channels)
	for i, v := range w {
		f := float64(v)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("weights: value %d is %v", i, v)
		}
		c := (i / inner) % channels
		maxAbs[c] = max(maxAbs[c], math.Abs(f))
	}
	cw := &ChannelWeights{Q: make([]int8, len(w)), Scale: make([]float32, channels), Axis: axis}
	for c, m := range maxAbs {
		if m == 0 {
			cw.Scale[c] = 1
			continue
		}
		cw.Scale[c] = float32(m / QMaxWeight)
	}
	for i, v := range w {
		c := (i / inner) % channels
		q := math.Round(float64(v) / float64(cw.Scale[c]))
		cw.Q[i] = int8(max(-QMaxWeight, min(QMaxWeight, q)))
	}
	return cw, nil
}

// Dequantize returns the float weights Scale[c] * Q for the given shape.
func (cw *ChannelWeights) Dequantize(shape []int) ([]float32, error) {
	channels, inner, err := channelLayout(shape, cw.Axis)
	if err != nil {
		return nil, err
	}
	if channels != len(cw.Scale) || elems(shape) != len(cw.Q) {
		return nil, fmt.Errorf("weights: %d values and %d scales do not fit shape %v axis %d",
			len(cw.Q), len(cw.Scale), shape, cw.Axis)
	}
	out := make([]float32, len(cw.Q))
	for i, q := range cw.Q {
		out[i] = cw.Scale[(i/inner)%channels] * float32(q)
	}
	return out, nil
}

// QuantizeBias quantizes a float bias to int32 with the per-channel scale
// inScale * wScale[c] and zero point 0, saturating at the int32 range. It
// returns the values and the scales.
func QuantizeBias(bias []float32, inScale float32, wScale []float32) ([]int32, []float32, error) {
	if len(bias) != len(wScale) {
		return nil, nil, fmt.Errorf("bias: %d values for %d weight channels", len(bias), len(wScale))
	}
	q := make([]int32, len(bias))
	scales := make([]float32, len(bias))
	for c, b := range bias {
		s := float64(inScale) * float64(wScale[c])
		scales[c] = float32(s)
		if s <= 0 || math.IsNaN(s) || math.IsInf(s, 0) {
			return nil, nil, fmt.Errorf("bias: channel %d has scale %v", c, s)
		}
		v := math.Round(float64(b) / float64(scales[c]))
		q[c] = int32(max(math.MinInt32, min(math.MaxInt32, v)))
	}
	return q, scales, nil
}

func elems(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
