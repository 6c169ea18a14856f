package generic

import "math"

// LOGISTIC is the sigmoid 1/(1+e^-x), elementwise.

// Logistic is the sigmoid of one float32 value in float32 arithmetic, as
// the golden engine (Arm NN) computes it, 1.f/(1.f+expf(-x)): the
// exponential rounded to float32, then the sum and the quotient in
// float32. Large negative x give 0, large positive x 1, NaN gives NaN.
func Logistic(x float32) float32 {
	e := float32(math.Exp(float64(-x)))
	return 1 / (1 + e)
}

// LogisticF32 writes the sigmoid of src into dst (len(dst) >= len(src)):
//
//	dst[i] = Logistic(src[i])
//
// dst may alias src.
func LogisticF32(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = Logistic(x)
	}
}

// LogisticTableQ8 returns the sigmoid of every int8 value as a table indexed
// by the value's byte: dequantize, sigmoid, quantize once (round half away
// from zero, clamped):
//
//	table[uint8(q)] = QuantizeValue(Logistic(float32(q-inZP)*inScale), outScale, outZP)
//
// The runtime builds it once per layer; LogisticQ8 applies it.
func LogisticTableQ8(inScale float32, inZP int32, outScale float32, outZP int32) *[256]int8 {
	t := new([256]int8)
	for q := -128; q < 128; q++ {
		x := float32(float32(int32(q)-inZP) * inScale)
		t[uint8(int8(q))] = QuantizeValue(Logistic(x), outScale, outZP)
	}
	return t
}

// LogisticQ8 is the int8 sigmoid through a table from LogisticTableQ8
// (len(dst) >= len(src)):
//
//	dst[i] = table[uint8(src[i])]
//
// dst may alias src.
func LogisticQ8(dst, src []int8, table *[256]int8) {
	dst = dst[:len(src)]
	for i, q := range src {
		dst[i] = table[uint8(q)]
	}
}
