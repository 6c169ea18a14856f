package generic

// AddF32 is the elementwise sum of two tensors of one shape with a fused
// activation clamp (len(dst) >= len(a) == len(b)):
//
//	dst[i] = min(max(a[i] + b[i], lo), hi)
func AddF32(dst, a, b []float32, lo, hi float32) {
	b = b[:len(a)]
	dst = dst[:len(a)]
	for i, x := range a {
		dst[i] = clampF32(x+b[i], lo, hi)
	}
}

// AddQ8 is the int8 sum of two tensors quantized differently (MobileNet-V2's
// residual connections), as the golden engine computes it: each input
// dequantized in float32, the reals added, the sum quantized once to the
// output's scale and zero point, rounding half away from zero:
//
//	x := float32(float32(int32(a[i]) - AZP) * AScale)
//	y := float32(float32(int32(b[i]) - BZP) * BScale)
//	dst[i] = int8(min(max(RoundHalfAway((x + y) / OutScale) + OutZP, Min), Max))
//
// (computed as written, with no fused multiply-add). Min and Max carry the
// fused activation in the output domain and lie within [-128, 127]. Build it
// once with NewAddQ8, which tabulates both dequantizations; Run allocates
// nothing.
type AddQ8 struct {
	ra, rb     [256]float32 // ra[q+128] = x for a[i] == q; rb likewise
	outScale   float32
	outZP      int32
	minV, maxV int32
}

// NewAddQ8 prepares the sum of inputs quantized (aScale, aZP) and (bScale,
// bZP) into an output quantized (outScale, outZP), clamped to [lo, hi].
func NewAddQ8(aScale float32, aZP int32, bScale float32, bZP int32, outScale float32, outZP, lo, hi int32) *AddQ8 {
	k := &AddQ8{outScale: outScale, outZP: outZP, minV: lo, maxV: hi}
	for q := -128; q < 128; q++ {
		k.ra[q+128] = float32(float32(int32(q)-aZP) * aScale)
		k.rb[q+128] = float32(float32(int32(q)-bZP) * bScale)
	}
	return k
}

// Run computes dst[i] for every element of a and b (len(dst) >= len(a) ==
// len(b)).
func (k *AddQ8) Run(dst, a, b []int8) {
	b = b[:len(a)]
	dst = dst[:len(a)]
	for i, x := range a {
		v := k.ra[int(x)+128] + k.rb[int(b[i])+128]
		dst[i] = int8(clampI32(RoundHalfAway(v/k.outScale)+k.outZP, k.minV, k.maxV))
	}
}
