//go:build gc && !purego

package amd64

import (
	"math"
	"math/rand"
	"strings"
	"testing"
)

// guard is the number of sentinel elements around every output buffer; the
// tests check that none of them is written.
const guard = 37

// sentinelQ8 fills int8 guard bands; sentinelF32 is a NaN payload no kernel
// produces.
const sentinelQ8 int8 = 0x5a

var sentinelF32 = math.Float32frombits(0x7fc0dead)

// f32RelTol and f32AbsTol are the named float32 tolerance of the assembly
// against generic: |got-want| <= f32AbsTol + f32RelTol*(k+1)*sum|terms|, the
// rounding bound of a k-term float32 sum evaluated in another order (fused
// multiply-adds round once per term instead of twice).
const (
	f32RelTol = 1.2e-7
	f32AbsTol = 1e-6
)

// guardedF32 returns a buffer of n elements surrounded by guard sentinels,
// its start shifted by off elements (unaligned starts), and the window.
func guardedF32(n, off int) (all, win []float32) {
	all = make([]float32, n+2*guard+off)
	for i := range all {
		all[i] = sentinelF32
	}
	return all, all[guard+off : guard+off+n : guard+off+n]
}

// checkGuardF32 fails when any element outside the window was written.
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

// guardedQ8 is guardedF32 for int8.
func guardedQ8(n, off int) (all, win []int8) {
	all = make([]int8, n+2*guard+off)
	for i := range all {
		all[i] = sentinelQ8
	}
	return all, all[guard+off : guard+off+n : guard+off+n]
}

// checkGuardQ8 is checkGuardF32 for int8.
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

// unaligned returns a copy of v starting off elements into a fresh buffer,
// so kernels see inputs at every alignment.
func unaligned[T any](v []T, off int) []T {
	b := make([]T, len(v)+off)
	copy(b[off:], v)
	return b[off : off+len(v) : off+len(v)]
}

func randF32(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = r.Float32()*2 - 1
	}
	return v
}

func randQ8(r *rand.Rand, n int) []int8 {
	v := make([]int8, n)
	for i := range v {
		v[i] = int8(r.Intn(256) - 128)
	}
	return v
}

// closeF32 reports whether got is within the named tolerance of want for a
// sum of terms whose magnitudes add up to absSum.
func closeF32(got, want float32, k int, absSum float64) bool {
	if math.IsNaN(float64(got)) || math.IsNaN(float64(want)) {
		return false
	}
	d := math.Abs(float64(got) - float64(want))
	return d <= f32AbsTol+f32RelTol*float64(k+1)*absSum
}

// channelCounts are the awkward channel counts every kernel is tried with:
// below, at, above and multiples of the 8-, 16- and 32-lane tiles.
var channelCounts = []int{1, 2, 3, 4, 7, 8, 12, 15, 16, 17, 31, 32, 33}

// containsAll reports whether s contains every one of subs.
func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
