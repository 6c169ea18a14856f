package generic

// Elementwise ops on int8 tensors whose result depends only on the one input
// value (requantizing QUANTIZE, DEQUANTIZE, a quantized RELU) are computed
// by tabulating the op's per-value specification for the 256 int8 values
// once, at plan time, and looking each element up.

// LookupQ8 maps every element through the table (len(dst) >= len(src)):
//
//	dst[i] = table[int(src[i]) + 128]
func LookupQ8(dst, src []int8, table *[256]int8) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = table[int(v)+128]
	}
}

// LookupQ8F32 maps every element through a table of float32 values
// (len(dst) >= len(src)):
//
//	dst[i] = table[int(src[i]) + 128]
func LookupQ8F32(dst []float32, src []int8, table *[256]float32) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = table[int(v)+128]
	}
}
