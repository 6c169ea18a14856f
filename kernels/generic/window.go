package generic

// Window geometry shared by the convolution and pooling loops: which kernel
// taps of an output position fall inside the input, and which outputs have
// every tap inside.

// tapRange returns the kernel taps [k0, k1) of output position o that fall
// inside an input of length in: those with 0 <= o*stride-pad+k < in.
func tapRange(o, stride, pad, k, in int) (k0, k1 int) {
	start := o*stride - pad
	k0, k1 = 0, k
	if start < 0 {
		k0 = -start
	}
	if start+k > in {
		k1 = in - start
	}
	if k1 < k0 {
		k1 = k0
	}
	return k0, k1
}

// interiorRange returns the outputs [lo, hi) whose k taps (stride s, padding
// before pad) all lie inside an input of length in.
func interiorRange(out, s, pad, k, in int) (lo, hi int) {
	lo = (pad + s - 1) / s
	if in-k+pad < 0 {
		return lo, lo
	}
	hi = min((in-k+pad)/s+1, out)
	return lo, max(hi, lo)
}

// clampF32 returns v limited to [lo, hi], without branches: a ReLU6 clamp
// on real activations is a coin toss the branch predictor loses.
func clampF32(v, lo, hi float32) float32 { return min(max(v, lo), hi) }

// clampI32 returns v limited to [lo, hi].
func clampI32(v, lo, hi int32) int32 { return min(max(v, lo), hi) }
