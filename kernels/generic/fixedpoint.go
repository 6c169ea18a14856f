package generic

import "math"

// TFLite's fixed-point requantization (gemmlowp's double rounding), which
// TFLite's builtin kernels use where its runtime does not hand an op to
// XNNPACK (QUANTIZE between uint8 and int8, the integer ADD outside
// XNNPACK's scale range). A real multiplier m is held as a Q31 mantissa and
// a power of two; x*m is rounded twice: to the nearest Q31 product (ties
// upward for positive products) and then by the power of two (ties away
// from zero).

// QuantizeMultiplier splits m >= 0 into a Q31 mantissa in [2^30, 2^31) and
// an exponent, m ~ mult * 2^(shift-31), as TFLite's QuantizeMultiplier:
// frexp, the mantissa rounded half away from zero, 2^31 folded into the
// exponent; m == 0 and exponents below -31 give (0, 0).
func QuantizeMultiplier(m float64) (mult int32, shift int) {
	if m <= 0 || m != m {
		return 0, 0
	}
	q, e := math.Frexp(m)
	f := int64(math.Round(q * (1 << 31)))
	if f == 1<<31 {
		f /= 2
		e++
	}
	if e < -31 {
		return 0, 0
	}
	return int32(f), e
}

// SaturatingRoundingDoublingHighMul is gemmlowp's (a*b*2) >> 32 rounded to
// nearest: the 64-bit product plus 2^30 (or 1-2^30 when negative), divided
// by 2^31 truncating toward zero; INT32_MIN*INT32_MIN saturates.
func SaturatingRoundingDoublingHighMul(a, b int32) int32 {
	if a == math.MinInt32 && b == math.MinInt32 {
		return math.MaxInt32
	}
	ab := int64(a) * int64(b)
	nudge := int64(1 << 30)
	if ab < 0 {
		nudge = 1 - (1 << 30)
	}
	return int32((ab + nudge) / (1 << 31))
}

// RoundingDivideByPOT is x / 2^exp rounded to nearest, ties away from zero
// (gemmlowp's RoundingDivideByPOT), for exp in [0, 31].
func RoundingDivideByPOT(x int32, exp int) int32 {
	mask := int32(uint32(1)<<exp - 1)
	rem := x & mask
	threshold := mask >> 1
	if x < 0 {
		threshold++
	}
	r := x >> exp
	if rem > threshold {
		r++
	}
	return r
}

// MultiplyByQuantizedMultiplier is TFLite's x * mult * 2^(shift-31) with
// double rounding: a positive shift multiplies first (saturating to int32),
// a negative one divides after the high multiply.
func MultiplyByQuantizedMultiplier(x, mult int32, shift int) int32 {
	left, right := max(shift, 0), max(-shift, 0)
	v := int64(x) << left
	v = min(max(v, math.MinInt32), math.MaxInt32)
	return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(int32(v), mult), right)
}

// RequantTableTFLite tabulates TFLite's builtin requantization of every
// int8 value q from (inScale, inZP) to (outScale, outZP), as its QUANTIZE
// kernel computes between uint8 and int8 tensors (zero points in the int8
// domain: a uint8 zero point z enters as z-128, which leaves q - zp
// unchanged):
//
//	mult, shift := QuantizeMultiplier(float64(inScale) / float64(outScale))
//	t[q+128] = int8(clamp(MultiplyByQuantizedMultiplier(q-inZP, mult, shift) + outZP, -128, 127))
func RequantTableTFLite(inScale float32, inZP int32, outScale float32, outZP int32) *[256]int8 {
	mult, shift := QuantizeMultiplier(float64(inScale) / float64(outScale))
	t := new([256]int8)
	for q := int32(-128); q < 128; q++ {
		t[q+128] = int8(clampI32(MultiplyByQuantizedMultiplier(q-inZP, mult, shift)+outZP, -128, 127))
	}
	return t
}

// RequantTableXNN tabulates XNNPACK's convert between two quantizations of
// one 8-bit type (qs8 or qu8 vcvt), which TFLite's runtime uses for QUANTIZE
// within a type: the scale ratio as an integer multiplier of 8 fraction
// bits, the product shifted right by 8, ties rounding up:
//
//	m := RoundToEven(256 * float32(inScale/outScale))
//	t[q+128] = int8(clamp(((q-inZP)*m + 128) >> 8 + outZP, -128, 127))
//
// (zero points in the int8 domain; the difference q-inZP is the same in
// the uint8 one).
func RequantTableXNN(inScale float32, inZP int32, outScale float32, outZP int32) *[256]int8 {
	m := int32(math.RoundToEven(float64(256 * (inScale / outScale))))
	t := new([256]int8)
	for q := int32(-128); q < 128; q++ {
		t[q+128] = int8(clampI32(((q-inZP)*m+128)>>8+outZP, -128, 127))
	}
	return t
}
