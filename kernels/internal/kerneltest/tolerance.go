package kerneltest

import (
	"math"
	"testing"
)

// Named float32 tolerances. Integer accumulators and int8 outputs must match
// exactly; float32 sums may differ by the order of summation (and NEON or Go
// on arm64 fuse multiply-adds, which only rounds less). A sum of n terms in
// float32 is within (n-1)*2^-24*sum|terms| of its exact value in any order,
// so two orders are within (n-1)*2^-23*sum|terms| of each other:
//
//	|got - want| <= F32AbsTol + F32RelTol * (terms+1) * sum|terms|
//
// where sum|terms| is the reference computed on absolute values.
const (
	F32RelTol = 0x1p-23 // one float32 epsilon per term: both sides' rounding
	F32AbsTol = 1e-6    // results near zero
)

// ProbTol bounds a float32 softmax probability against its float64 value.
const ProbTol = 1e-6

// F32Bound is the largest |got - want| allowed for a sum of terms terms whose
// absolute values sum to absSum.
func F32Bound(terms int, absSum float32) float64 {
	return F32AbsTol + F32RelTol*float64(terms+1)*float64(absSum)
}

// CompareF32 fails t on the first element of got farther from want than
// F32Bound, given the per-element sums of absolute terms. NaN fails.
func CompareF32(t testing.TB, got, want, absSum []float32, terms int, what string) {
	t.Helper()
	for i := range want {
		bound := F32Bound(terms, absSum[i])
		if d := math.Abs(float64(got[i]) - float64(want[i])); !(d <= bound) {
			t.Fatalf("%s: element %d = %v, want %v (|diff| %g > bound %g)", what, i, got[i], want[i], d, bound)
		}
	}
}

// CompareI8 fails t on the first element of got that differs from want.
func CompareI8(t testing.TB, got, want []int8, what string) {
	t.Helper()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s: element %d = %d, want %d", what, i, got[i], want[i])
		}
	}
}
