package generic

import "math"

// ConvParams describes a 2-D convolution, depthwise convolution or pool over one
// NHWC image (batch 1). Padding is given as the 'before' amounts of TensorFlow
// SAME padding; the 'after' amounts follow from the shapes (for a stride-2 3x3
// conv on an even input they are 0 before and 1 after).
//
// Kernels write output rows [y0, y1) only, so the runtime can split a layer
// across workers by rows.
type ConvParams struct {
	InH, InW, InC    int
	OutH, OutW, OutC int
	KH, KW           int
	StrideH, StrideW int
	PadTop, PadLeft  int
}

// Requant maps an int32 accumulator of output channel c to an int8 value:
//
//	out = clamp(roundHalfAway(float32(acc) * Scale[c]) + ZeroPoint, Min, Max)
//
// computed in float32 exactly as written (no fused multiply-add), so NEON and Go
// give bit-identical results. This is the "requantize once in float" scheme of
// the golden engine (Arm NN CpuRef): TFLite's fixed-point double rounding drifts
// further from it. Scale has one entry per output channel; Min and Max carry the
// fused activation clamp in the output domain and lie within [-128, 127].
type Requant struct {
	Scale     []float32
	ZeroPoint int32
	Min, Max  int32
}

// Requantize is the reference requantization of one accumulator.
func Requantize(acc int32, scale float32, zp, lo, hi int32) int8 {
	f := float32(float32(acc) * scale)
	r := int32(math.Round(float64(f))) // round half away from zero (FCVTAS)
	r += zp
	return int8(min(max(r, lo), hi)) // branch-free: ReLU clamps are unpredictable
}
