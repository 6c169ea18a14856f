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

// RowSumsQ8 returns the sums of the n rows of an int8 matrix w, [n][k]:
//
//	sums[j] = sum_kk int32(w[j*k+kk])
//
// the weight sums the runtime folds into pointwise biases.
func RowSumsQ8(w []int8, n, k int) []int32 {
	sums := make([]int32, n)
	for j := range sums {
		var s int32
		for _, v := range w[j*k : j*k+k] {
			s += int32(v)
		}
		sums[j] = s
	}
	return sums
}

// FoldPointwiseBiasQ8 returns the pointwise bias with the input zero point
// folded in, as PointwiseQ8 expects:
//
//	out[j] = bias[j] - xzp*sum_kk w[j*k+kk] + k*xzp*wzp
//
// bias may be nil (zeros); w is [n][k]; xzp and wzp are in the int8 domain.
func FoldPointwiseBiasQ8(bias []int32, w []int8, n, k int, xzp, wzp int32) []int32 {
	out := RowSumsQ8(w, n, k)
	for j, s := range out {
		var b int32
		if bias != nil {
			b = bias[j]
		}
		out[j] = b - xzp*s + int32(k)*xzp*wzp
	}
	return out
}
