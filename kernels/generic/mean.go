package generic

// MeanF32 is the mean over the spatial dimensions of an NHWC tensor of
// batch 1 (hw = H*W positions of c channels), MEAN over axes 1 and 2:
//
//	for ch := range c {
//		sum := float32(0)
//		for p := 0; p < hw; p++ { sum += src[p*c+ch] }   // in position order
//		dst[ch] = sum / float32(hw)
//	}
//
// It is AvgPoolF32 with one window covering the whole input.
func MeanF32(dst, src []float32, hw, c int) {
	dst = dst[:c]
	src = src[:hw*c]
	clear(dst)
	for p := 0; p < hw; p++ {
		row := src[p*c : p*c+c]
		for ch, v := range row {
			dst[ch] += v
		}
	}
	n := float32(hw)
	for ch := range dst {
		dst[ch] /= n
	}
}

// MeanQ8 is the int8 mean over the spatial dimensions, with input and output
// quantized differently, as XNNPACK (TFLite's runtime) computes it, on the
// stored values (the int8 value plus offset: 128 for uint8 tensors, 0 for
// int8; xzp and ozp are int8-domain zero points): the integer sum of the
// stored values times one float32 multiplier, mult = MeanQ8Multiplier(s_in,
// s_out, hw), plus the output zero point less the input zero point's share,
// in float32, rounded half to even:
//
//	zx, zo := float32(xzp+offset), float32(ozp+offset)
//	zpf := zo - float32(float32(hw)*zx)*mult          // each step rounded to float32
//	sum := int32(0)
//	for p := 0; p < hw; p++ { sum += int32(src[p*c+ch]) + offset }
//	r := RoundHalfEven(float32(float32(sum)*mult) + zpf)
//	dst[ch] = int8(min(max(r-offset, -128), 127))
//
// hw is at most 2^23, so the sum cannot overflow. sums holds c int32
// accumulators (len(sums) >= c), so that a call allocates nothing.
func MeanQ8(dst, src []int8, hw, c int, offset, xzp int32, mult float32, ozp int32, sums []int32) {
	dst = dst[:c]
	src = src[:hw*c]
	acc := sums[:c]
	clear(acc)
	sumPixelsQ8(acc, src, hw, c, 0) // avgpool_global.go: the row sums of a global pool
	zx, zo := float32(xzp+offset), float32(ozp+offset)
	zpf := float32(zo - float32(float32(float32(hw)*zx)*mult))
	for ch, s := range acc {
		s += offset * int32(hw)
		f := float32(float32(float32(s)*mult) + zpf)
		dst[ch] = int8(clampI32(RoundHalfEven(f)-offset, -128, 127))
	}
}

// MeanQ8Multiplier is MeanQ8's multiplier as XNNPACK forms it, in float32:
// (inScale / outScale) * (1 / hw).
func MeanQ8Multiplier(inScale, outScale float32, hw int) float32 {
	return float32(inScale/outScale) * float32(1/float32(hw))
}
