package generic_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

// tolF32 is the float32 comparison bound: |got-want| <= tolF32*max(1, |want|).
// Fast kernels differ from the reference loops only in summation order.
const tolF32 = 1e-4

// sentinelF32 and sentinelI8 fill guard bands; the kernels must not touch them.
const (
	sentinelF32 = float32(-7777.25)
	sentinelI8  = int8(0x5a)
)

// guardLen is the number of guard elements on each side of an output.
const guardLen = 19

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

func randF32(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = r.Float32()*2 - 1
	}
	return s
}

func randI8(r *rand.Rand, n int) []int8 {
	s := make([]int8, n)
	for i := range s {
		s[i] = int8(r.IntN(256) - 128)
	}
	return s
}

func randI16(r *rand.Rand, n, lo, hi int) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(lo + r.IntN(hi-lo+1))
	}
	return s
}

func randI32(r *rand.Rand, n, lo, hi int) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = int32(lo + r.IntN(hi-lo+1))
	}
	return s
}

// offsetF32 returns a copy of s starting off elements into a fresh buffer,
// so kernels see unaligned starts.
func offsetF32(s []float32, off int) []float32 {
	b := make([]float32, off+len(s))
	copy(b[off:], s)
	return b[off:]
}

func offsetI8(s []int8, off int) []int8 {
	b := make([]int8, off+len(s))
	copy(b[off:], s)
	return b[off:]
}

// guardedF32 is an output of n elements at offset off inside a buffer whose
// every other element holds sentinelF32.
type guardedF32 struct {
	buf []float32
	off int
	n   int
}

func newGuardedF32(n, off int) *guardedF32 {
	g := &guardedF32{buf: make([]float32, guardLen+off+n+guardLen), off: guardLen + off, n: n}
	for i := range g.buf {
		g.buf[i] = sentinelF32
	}
	return g
}

// out is the slice handed to the kernel: exactly n elements (capacity too, so
// appends could not hide an overrun either).
func (g *guardedF32) out() []float32 { return g.buf[g.off : g.off+g.n : g.off+g.n] }

// checkGuards fails when anything outside the output changed.
func (g *guardedF32) checkGuards(t *testing.T) {
	t.Helper()
	for i, v := range g.buf {
		if (i < g.off || i >= g.off+g.n) && v != sentinelF32 {
			t.Fatalf("guard element %d (output [%d,%d)) overwritten with %v", i, g.off, g.off+g.n, v)
		}
	}
}

type guardedI8 struct {
	buf []int8
	off int
	n   int
}

func newGuardedI8(n, off int) *guardedI8 {
	g := &guardedI8{buf: make([]int8, guardLen+off+n+guardLen), off: guardLen + off, n: n}
	for i := range g.buf {
		g.buf[i] = sentinelI8
	}
	return g
}

func (g *guardedI8) out() []int8 { return g.buf[g.off : g.off+g.n : g.off+g.n] }

func (g *guardedI8) checkGuards(t *testing.T) {
	t.Helper()
	for i, v := range g.buf {
		if (i < g.off || i >= g.off+g.n) && v != sentinelI8 {
			t.Fatalf("guard element %d (output [%d,%d)) overwritten with %d", i, g.off, g.off+g.n, v)
		}
	}
}

// closeF32 reports whether got is within tolF32 of want.
func closeF32(got, want float32) bool {
	if math.IsInf(float64(want), 0) || math.IsNaN(float64(want)) {
		return got == want
	}
	return math.Abs(float64(got)-float64(want)) <= tolF32*math.Max(1, math.Abs(float64(want)))
}

// compareF32 fails on the first element of got outside tolerance of want.
func compareF32(t *testing.T, got, want []float32, what string) {
	t.Helper()
	for i := range want {
		if !closeF32(got[i], want[i]) {
			t.Fatalf("%s: element %d = %v, want %v (tolerance %g)", what, i, got[i], want[i], tolF32)
		}
	}
}

// compareI8 fails on the first element that differs.
func compareI8(t *testing.T, got, want []int8, what string) {
	t.Helper()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s: element %d = %d, want %d", what, i, got[i], want[i])
		}
	}
}

// clamp pairs used by the float tests: none, RELU, RELU6 and a tight band.
var clampsF32 = []struct{ lo, hi float32 }{
	{float32(math.Inf(-1)), float32(math.Inf(1))},
	{0, float32(math.Inf(1))},
	{0, 6},
	{-0.25, 0.25},
}

// randRequant returns per-channel scales for n channels and one of three
// clamp variants: the full int8 range, a RELU6-like band above the zero point,
// and a tight band that clamps most outputs.
func randRequant(r *rand.Rand, n int, variant int) *generic.Requant {
	scale := make([]float32, n)
	for i := range scale {
		scale[i] = 0.0005 + r.Float32()*0.01
	}
	rq := &generic.Requant{Scale: scale, ZeroPoint: int32(r.IntN(41) - 20), Min: -128, Max: 127}
	switch variant % 3 {
	case 1:
		rq.Min, rq.Max = rq.ZeroPoint, min(127, rq.ZeroPoint+100)
	case 2:
		rq.Min, rq.Max = -5, 9
	}
	return rq
}
