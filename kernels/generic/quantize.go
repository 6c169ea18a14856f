package generic

// QuantizeValue maps a real value to int8:
//
//	clamp(RoundHalfAway(v / scale) + zp, -128, 127)
//
// with the division in float32; NaN maps to clamp(zp) and infinities to the
// ends of the range. It is branch-free on the value.
func QuantizeValue(v, scale float32, zp int32) int8 {
	return int8(clampI32(RoundHalfAway(v/scale)+zp, -128, 127))
}

// QuantizeF32 quantizes src into dst (len(dst) >= len(src)) with QuantizeValue.
func QuantizeF32(dst []int8, src []float32, scale float32, zp int32) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = QuantizeValue(v, scale, zp)
	}
}

// DequantizeQ8 maps int8 values to reals (len(dst) >= len(src)):
//
//	dst[i] = float32(int32(src[i]) - zp) * scale
func DequantizeQ8(dst []float32, src []int8, scale float32, zp int32) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = float32(int32(v)-zp) * scale
	}
}
