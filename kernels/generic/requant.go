package generic

import "math"

// Requant maps an int32 accumulator of output channel c to an int8 value:
//
//	out = clamp(roundHalfEven(float32(acc) * Scale[c]) + ZeroPoint, Min, Max)
//
// computed in float32 exactly as written (no fused multiply-add), so NEON,
// x86 and Go give bit-identical results. This is XNNPACK's "fp32"
// requantization, which TFLite's runtime (LiteRT) runs for every quantized
// convolution and fully connected layer: edgecam's bytes equal LiteRT's. The
// golden engine (Arm NN CpuRef) rounds the same product half away from zero,
// so the two differ by one step where the product lands exactly on .5;
// TFLite's fixed-point double rounding drifts further from both. Scale has one entry per output channel; Min and Max carry the
// fused activation clamp in the output domain and lie within [-128, 127].
type Requant struct {
	Scale     []float32
	ZeroPoint int32
	Min, Max  int32
}

// Requantize is the reference requantization of one accumulator:
//
//	f := float32(acc) * scale                 // one float32 rounding, no FMA
//	r := RoundHalfEven(f)                     // FCVTNS / VCVTPS2DQ: ties to even, saturating
//	return int8(min(max(r+zp, lo), hi))
func Requantize(acc int32, scale float32, zp, lo, hi int32) int8 {
	f := float32(float32(acc) * scale)
	r := RoundHalfEven(f)
	return int8(min(max(r+zp, lo), hi)) // branch-free: ReLU clamps are unpredictable
}

// RoundHalfEven rounds f to the nearest integer, ties to even, as arm64's
// FCVTNS and x86's VCVTPS2DQ (in the default rounding mode) do: it equals
// int32(math.RoundToEven(float64(f))) for |f| < 2^30, saturates to +-2^30
// beyond (so a clamp to int8 afterwards gives the right end), and maps NaN
// to 0.
//
// It is branch-free on the value: adding and subtracting 1.5*2^52 in
// float64 rounds any |d| <= 2^30 to an integer, ties to even.
func RoundHalfEven(f float32) int32 {
	d := float64(f)
	if d != d {
		return 0
	}
	d = min(max(d, -1<<30), 1<<30)
	const magic = 1.5 * (1 << 52)
	return int32((d + magic) - magic)
}

// RoundHalfAway rounds f to the nearest integer, ties away from zero, as
// arm64's FCVTAS does: it equals int32(math.Round(float64(f))) for |f| < 2^30,
// saturates to +-2^30 beyond (so a clamp to int8 afterwards gives the right
// end), and maps NaN to 0.
//
// It is branch-free on the value: in float64, f+0.5 (or f-0.5) is exact for
// every float32 that could round across an integer, so truncating it rounds.
func RoundHalfAway(f float32) int32 {
	d := float64(f)
	if d != d {
		return 0
	}
	d = min(max(d, -1<<30), 1<<30)
	return int32(d + math.Copysign(0.5, d))
}
