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
// quantized differently (scale = s_in/s_out): the exact integer sum of
// (x - xzp) over the hw positions is scaled once in float32 and rounded half
// away from zero, as AvgPoolQ8 does for its window:
//
//	sum := int32(0)
//	for p := 0; p < hw; p++ { sum += int32(src[p*c+ch]) - xzp }
//	f := float32(float32(sum) * scale) / float32(hw)
//	dst[ch] = int8(min(max(RoundHalfAway(f) + ozp, -128), 127))
//
// hw is at most 2^23, so the sum cannot overflow. sums holds c int32
// accumulators (len(sums) >= c), so that a call allocates nothing.
func MeanQ8(dst, src []int8, hw, c int, xzp int32, scale float32, ozp int32, sums []int32) {
	dst = dst[:c]
	src = src[:hw*c]
	acc := sums[:c]
	for ch := range acc {
		acc[ch] = -xzp * int32(hw)
	}
	for p := 0; p < hw; p++ {
		row := src[p*c : p*c+c]
		for ch, v := range row {
			acc[ch] += int32(v)
		}
	}
	n := float32(hw)
	for ch, s := range acc {
		f := float32(float32(s)*scale) / n
		dst[ch] = int8(clampI32(RoundHalfAway(f)+ozp, -128, 127))
	}
}
