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
// An empty src writes nothing.
func SoftmaxQ8(dst, src []int8, inScale float32, inZP int32, beta, outScale float32, outZP int32) {
	if len(src) == 0 {
		return
	}
	x := make([]float32, len(src))
	DequantizeQ8(x, src, inScale, inZP)
	SoftmaxF32(x, x, beta)
	QuantizeF32(dst, x, outScale, outZP)
}
