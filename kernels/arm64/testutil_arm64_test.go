//go:build arm64 && !purego

package arm64

import (
	"math"
	"math/rand"
	"testing"
)

// guard is the number of sentinel elements around every output buffer; the
// tests check that none of them is written.
const guard = 19

// sentinelF32 and sentinelQ8 fill guard bands and unwritten output.
const (
	sentinelQ8 int8 = 0x5a
)

var sentinelF32 = float32(math.Float32frombits(0x7fc0dead)) // a NaN payload no kernel produces

// f32RelTol is the named float32 tolerance of the NEON kernels against
// generic: |got-want| <= f32AbsTol + f32RelTol * (k+1) * sum|terms|, the
// rounding bound of a k-term float32 sum evaluated in a different order.
const (
	f32RelTol = 1.2e-7
	f32AbsTol = 1e-6
)

// guarded returns a buffer of n elements surrounded by guard sentinels, with
// its start shifted by off elements (unaligned starts), and the window itself.
func guardedF32(n, off int) (all, win []float32) {
	all = make([]float32, n+2*guard+off)
	for i := range all {
		all[i] = sentinelF32
	}
	return all, all[guard+off : guard+off+n : guard+off+n]
}

func checkGuardF32(t *testing.T, all []float32, n, off int) {
	t.Helper()
	for i := range all {
		if i >= guard+off && i < guard+off+n {
			continue
		}
		if math.Float32bits(all[i]) != math.Float32bits(sentinelF32) {
			t.Fatalf("guard band written at %d (window [%d,%d)): %v", i, guard+off, guard+off+n, all[i])
		}
	}
}

func guardedQ8(n, off int) (all, win []int8) {
	all = make([]int8, n+2*guard+off)
	for i := range all {
		all[i] = sentinelQ8
	}
	return all, all[guard+off : guard+off+n : guard+off+n]
}

func checkGuardQ8(t *testing.T, all []int8, n, off int) {
	t.Helper()
	for i := range all {
		if i >= guard+off && i < guard+off+n {
			continue
		}
		if all[i] != sentinelQ8 {
			t.Fatalf("guard band written at %d (window [%d,%d)): %d", i, guard+off, guard+off+n, all[i])
		}
	}
}

func randF32(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = r.Float32()*2 - 1
	}
	return v
}

func randQ8(r *rand.Rand, n int, lo int) []int8 {
	v := make([]int8, n)
	for i := range v {
		v[i] = int8(lo + r.Intn(128-lo))
	}
	return v
}

// closeF32 reports whether got is within the named tolerance of want for a
// sum of terms with absolute sum absSum.
func closeF32(got, want float32, k int, absSum float64) bool {
	d := math.Abs(float64(got) - float64(want))
	return d <= f32AbsTol+f32RelTol*float64(k+1)*absSum
}
