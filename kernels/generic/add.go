package generic

import "math"

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
// residual connections), computed as TFLite's runtime (LiteRT) computes it,
// so that the bytes are LiteRT's. With ra = float32(AScale/OutScale) and rb
// = float32(BScale/OutScale) inside XNNPACK's range [2^-10, 2^8), that is
// XNNPACK's fixed-point sum: both ratios as integers of 21 bits at a common
// power of two, the sum rounded half up by one arithmetic shift:
//
//	shift := 20 - exponent(max(ra, rb))              // in [12, 30]
//	am, bm := RoundToEven(ra * 2^shift), RoundToEven(rb * 2^shift)
//	acc := 1<<(shift-1) + am*(a[i]-AZP) + bm*(b[i]-BZP)
//	dst[i] = int8(min(max(acc>>shift + OutZP, Min), Max))
//
// Outside that range TFLite's builtin ADD computes it, and so does AddQ8:
// each input shifted left by 20 and scaled by its Q31 multiplier (its scale
// over twice the larger input scale), the sum scaled by the output
// multiplier, each step with MultiplyByQuantizedMultiplier. Min and Max carry
// the fused activation in the output domain and lie within [-128, 127].
// Both ways are exact integer arithmetic on tables of 256 entries per
// input, built once by NewAddQ8; Run allocates nothing.
type AddQ8 struct {
	ta, tb     [256]int32 // ta[q+128]: input a's term for a[i] == q; tb likewise
	shift      uint       // XNNPACK: the final shift
	builtin    bool       // TFLite builtin: the output multiplier below
	outMult    int32
	outShift   int
	outZP      int32
	minV, maxV int32
}

// NewAddQ8 prepares the sum of inputs quantized (aScale, aZP) and (bScale,
// bZP) into an output quantized (outScale, outZP), clamped to [lo, hi].
func NewAddQ8(aScale float32, aZP int32, bScale float32, bZP int32, outScale float32, outZP, lo, hi int32) *AddQ8 {
	k := &AddQ8{outZP: outZP, minV: lo, maxV: hi}
	ra, rb := aScale/outScale, bScale/outScale
	if m := max(ra, rb); min(ra, rb) >= 1.0/1024 && m < 256 {
		exp := int(math.Float32bits(m)>>23) - 127
		k.shift = uint(20 - exp)
		am := int32(math.RoundToEven(math.Ldexp(float64(ra), int(k.shift))))
		bm := int32(math.RoundToEven(math.Ldexp(float64(rb), int(k.shift))))
		for q := int32(-128); q < 128; q++ {
			k.ta[q+128] = int32(1)<<(k.shift-1) + am*(q-aZP)
			k.tb[q+128] = bm * (q - bZP)
		}
		return k
	}
	// TFLite's builtin ADD (add.cc, Prepare and AddElementwise).
	k.builtin = true
	twiceMax := float64(2 * max(aScale, bScale))
	am, as := QuantizeMultiplier(float64(aScale) / twiceMax)
	bm, bs := QuantizeMultiplier(float64(bScale) / twiceMax)
	k.outMult, k.outShift = QuantizeMultiplier(twiceMax / (float64(1<<20) * float64(outScale)))
	for q := int32(-128); q < 128; q++ {
		k.ta[q+128] = MultiplyByQuantizedMultiplier((q-aZP)<<20, am, as)
		k.tb[q+128] = MultiplyByQuantizedMultiplier((q-bZP)<<20, bm, bs)
	}
	return k
}

// Run computes dst[i] for every element of a and b (len(dst) >= len(a) ==
// len(b)).
func (k *AddQ8) Run(dst, a, b []int8) {
	b = b[:len(a)]
	dst = dst[:len(a)]
	if k.builtin {
		for i, x := range a {
			v := MultiplyByQuantizedMultiplier(k.ta[int(x)+128]+k.tb[int(b[i])+128], k.outMult, k.outShift)
			dst[i] = int8(clampI32(v+k.outZP, k.minV, k.maxV))
		}
		return
	}
	for i, x := range a {
		v := (k.ta[int(x)+128] + k.tb[int(b[i])+128]) >> k.shift
		dst[i] = int8(clampI32(v+k.outZP, k.minV, k.maxV))
	}
}
