package generic

import "math"

// SoftmaxF32 is the numerically stable softmax of src into dst (same length):
//
//	mx := max(src)
//	for i := range src { e[i] = float32(math.Exp(float64(beta * (src[i] - mx)))) }
//	sum := float32(0); for i := range e { sum += e[i] }   // in index order
//	for i := range src { dst[i] = e[i] / sum }
//
// dst may alias src. An empty src writes nothing.
func SoftmaxF32(dst, src []float32, beta float32) {
	if len(src) == 0 {
		return
	}
	dst = dst[:len(src)]
	mx := src[0]
	for _, v := range src[1:] {
		if v > mx {
			mx = v
		}
	}
	var sum float32
	for i, v := range src {
		e := float32(math.Exp(float64(beta * (v - mx))))
		dst[i] = e
		sum += e
	}
	for i := range dst {
		dst[i] /= sum
	}
}

// SoftmaxQ8 is the int8 softmax: dequantize, float softmax, quantize once.
//
//	x[i] = float32(int32(src[i])-inZP) * inScale
//	SoftmaxF32(y, x, beta)
//	dst[i] = QuantizeValue(y[i], outScale, outZP)   // round half away, clamp to int8
//
// dst may alias src. An empty src writes nothing. It allocates nothing: the
// exponentials are computed in two passes over src (sum, then output), from a
// table over the values present when that is cheaper than recomputing them.
func SoftmaxQ8(dst, src []int8, inScale float32, inZP int32, beta, outScale float32, outZP int32) {
	if len(src) == 0 {
		return
	}
	dst = dst[:len(src)]
	qmin, qmax := src[0], src[0]
	for _, q := range src[1:] {
		qmin, qmax = min(qmin, q), max(qmax, q)
	}
	// Dequantization is monotonic, so the largest input is that of qmax.
	// The conversions keep each product rounded (no fused multiply-add), as
	// DequantizeQ8's stored values are.
	mx := float32(float32(int32(qmax)-inZP) * inScale)
	exp := func(q int8) float32 {
		x := float32(float32(int32(q)-inZP) * inScale)
		return float32(math.Exp(float64(beta * (x - mx))))
	}
	if n := int(qmax) - int(qmin) + 1; n > len(src) {
		// Few values: compute each exponential twice.
		var sum float32
		for _, q := range src {
			sum += exp(q)
		}
		for i, q := range src {
			dst[i] = QuantizeValue(exp(q)/sum, outScale, outZP)
		}
		return
	}
	var e [256]float32 // e[q+128]: the exponential of value q
	for q := int(qmin); q <= int(qmax); q++ {
		e[q+128] = exp(int8(q))
	}
	var sum float32
	for _, q := range src {
		sum += e[int(q)+128]
	}
	var out [256]int8
	for q := int(qmin); q <= int(qmax); q++ {
		out[q+128] = QuantizeValue(e[q+128]/sum, outScale, outZP)
	}
	for i, q := range src {
		dst[i] = out[int(q)+128]
	}
}
