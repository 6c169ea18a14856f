package generic

// ReluF32 is a standalone RELU, RELU6 or RELU_N1_TO_1 (lo, hi: 0, +Inf; 0,
// 6; -1, 1) on float32 (len(dst) >= len(src)):
//
//	dst[i] = min(max(src[i], lo), hi)
func ReluF32(dst, src []float32, lo, hi float32) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = clampF32(v, lo, hi)
	}
}

// ReluQ8Value is a standalone RELU on one int8 value, input and output
// quantized differently, as the golden engine computes it: dequantize,
// clamp to [lo, hi] in real units, quantize once (round half away from
// zero):
//
//	x := float32(float32(int32(q) - inZP) * inScale)
//	return QuantizeValue(min(max(x, lo), hi), outScale, outZP)
//
// The runtime tabulates it for the 256 int8 values and applies the table
// with LookupQ8.
func ReluQ8Value(q int8, inScale float32, inZP int32, lo, hi, outScale float32, outZP int32) int8 {
	x := float32(float32(int32(q)-inZP) * inScale)
	return QuantizeValue(clampF32(x, lo, hi), outScale, outZP)
}
