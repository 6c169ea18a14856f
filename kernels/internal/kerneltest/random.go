package kerneltest

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/edgecam/edgecam/kernels/generic"
)

// Rand returns the tests' random source: PCG with a fixed stream, so a seed
// names the same data on every machine.
func Rand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x2545f4914f6cdd1d)) }

// F32s returns n values in [-1, 1).
func F32s(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = r.Float32()*2 - 1
	}
	return s
}

// I8s returns n values in [lo, hi].
func I8s(r *rand.Rand, n, lo, hi int) []int8 {
	s := make([]int8, n)
	for i := range s {
		s[i] = int8(lo + r.IntN(hi-lo+1))
	}
	return s
}

// I16s returns n values in [lo, hi].
func I16s(r *rand.Rand, n, lo, hi int) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(lo + r.IntN(hi-lo+1))
	}
	return s
}

// I32s returns n values in [lo, hi].
func I32s(r *rand.Rand, n, lo, hi int) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = int32(lo + r.IntN(hi-lo+1))
	}
	return s
}

// Abs returns the absolute values of s (nil for nil), the input of the
// reference run that gives CompareF32 its sums of absolute terms.
func Abs(s []float32) []float32 {
	if s == nil {
		return nil
	}
	a := make([]float32, len(s))
	for i, v := range s {
		a[i] = float32(math.Abs(float64(v)))
	}
	return a
}

// Shifted copies s into a fresh buffer off elements from its start, so
// kernels see unaligned inputs (x/crypto's unaligned tests).
func Shifted[T any](s []T, off int) []T {
	b := make([]T, off+len(s))
	copy(b[off:], s)
	return b[off : off+len(s) : off+len(s)]
}

// Clamp is a fused activation range of the float32 kernels.
type Clamp struct {
	Name   string
	Lo, Hi float32
}

// Clamps are no activation, ReLU, ReLU6 and a band that clamps on both sides.
var Clamps = []Clamp{
	{"none", float32(math.Inf(-1)), float32(math.Inf(1))},
	{"relu", 0, float32(math.Inf(1))},
	{"relu6", 0, 6},
	{"band", -0.25, 0.3},
}

// RandRequant returns the requantization of n output channels. variant picks
// the clamp (variant%4: the whole int8 range, a ReLU6-like band above the
// zero point, or for variant%8 == 5 zero point and clamp -128 and [-128, 127]
// as converters quantize ReLU6 outputs, a tight band, a random narrowing)
// and the scales: every fifth
// variant has scales that make exact halves (0.5, 0.25/(1+j%4)) to test the
// rounding of ties, the others spread in [0.0005, 0.0105).
func RandRequant(r *rand.Rand, n, variant int) *generic.Requant {
	rq := &generic.Requant{Scale: make([]float32, n), ZeroPoint: int32(r.IntN(41) - 20), Min: -128, Max: 127}
	ties := variant%5 == 4
	for j := range rq.Scale {
		switch {
		case !ties:
			rq.Scale[j] = 0.0005 + 0.01*r.Float32()
		case (variant+j)%3 == 0:
			rq.Scale[j] = 0.5
		case (variant+j)%3 == 1:
			rq.Scale[j] = 0.25 / float32(1+j%4)
		default:
			rq.Scale[j] = 0.02 * r.Float32()
		}
	}
	switch variant % 4 {
	case 1:
		rq.Min, rq.Max = rq.ZeroPoint, min(127, rq.ZeroPoint+90)
		if variant%8 == 5 { // a ReLU6 output quantized over [0, max]: the SDOT pointwise epilogue's unsigned path
			rq.ZeroPoint, rq.Min, rq.Max = -128, -128, 127
		}
	case 2:
		rq.Min, rq.Max = -7, 11
	case 3:
		rq.Min, rq.Max = int32(-128+r.IntN(60)), int32(127-r.IntN(60))
	}
	return rq
}

// FitRequant multiplies every scale of rq by the power of two (so the exact
// halves of RandRequant stay exact) that maps a typical sum of terms products
// of values spread uniformly over ±x and ±w to about ±64 steps: the outputs
// of a test then cover the int8 range instead of saturating or collapsing
// onto the zero point.
func FitRequant(rq *generic.Requant, terms int, x, w float64) *generic.Requant {
	typical := math.Sqrt(float64(max(terms, 1))) * x * w / 3 // standard deviation of the sum
	f := float32(math.Exp2(math.Round(math.Log2(64 / (typical * 0.0055)))))
	for j := range rq.Scale {
		rq.Scale[j] *= f
	}
	return rq
}

// RequantString names rq's zero point and clamp in a failure message.
func RequantString(rq *generic.Requant) string {
	return fmt.Sprintf("zp%d[%d,%d]", rq.ZeroPoint, rq.Min, rq.Max)
}
