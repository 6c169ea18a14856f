package kernels_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

// Named float32 tolerance of any implementation against generic. Both sum the
// same terms in different orders (and NEON fuses multiply-adds), so each is
// within k*eps*sum|terms| of the exact value:
//
//	|got - want| <= f32AbsTol + f32RelTol * (terms+1) * sum|terms|
//
// where sum|terms| is the generic kernel run on absolute values.
const (
	f32RelTol = 2 * 0x1p-23 // two float32 epsilons: one rounding budget per side
	f32AbsTol = 1e-6
)

// guardLen sentinel elements surround every output; none may be written.
const guardLen = 23

// sentinelF32 is a NaN payload no kernel produces; compared by bits.
var sentinelF32 = math.Float32frombits(0x7fc0beef)

const sentinelI8 = int8(0x5a)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x2545f4914f6cdd1d)) }

func randF32(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = r.Float32()*2 - 1
	}
	return s
}

// randI8 returns n values in [lo, 127].
func randI8(r *rand.Rand, n, lo int) []int8 {
	s := make([]int8, n)
	for i := range s {
		s[i] = int8(lo + r.IntN(128-lo))
	}
	return s
}

func randI16(r *rand.Rand, n, lim int) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(r.IntN(2*lim+1) - lim)
	}
	return s
}

func randI32(r *rand.Rand, n, lim int) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = int32(r.IntN(2*lim+1) - lim)
	}
	return s
}

func absF32(s []float32) []float32 {
	if s == nil {
		return nil
	}
	a := make([]float32, len(s))
	for i, v := range s {
		a[i] = float32(math.Abs(float64(v)))
	}
	return a
}

// shifted copies s to a fresh buffer at an offset of off elements, so the
// kernels see unaligned starts.
func shifted[T any](s []T, off int) []T {
	b := make([]T, off+len(s))
	copy(b[off:], s)
	return b[off : off+len(s) : off+len(s)]
}

// guarded is an output window of n elements at offset off inside a buffer of
// sentinels.
type guarded[T comparable] struct {
	buf      []T
	start, n int
	sentinel T
}

func newGuarded[T comparable](n, off int, sentinel T) *guarded[T] {
	g := &guarded[T]{buf: make([]T, 2*guardLen+off+n), start: guardLen + off, n: n, sentinel: sentinel}
	for i := range g.buf {
		g.buf[i] = sentinel
	}
	return g
}

func (g *guarded[T]) out() []T { return g.buf[g.start : g.start+g.n : g.start+g.n] }

// checkUntouched fails when an element outside [start+a, start+b) of the
// window (guard bands included) no longer holds the sentinel. same compares
// by identity (bits for floats).
func (g *guarded[T]) checkUntouched(t *testing.T, a, b int, same func(x, y T) bool, what string) {
	t.Helper()
	for i, v := range g.buf {
		j := i - g.start
		if j >= a && j < b {
			continue
		}
		if !same(v, g.sentinel) {
			t.Fatalf("%s: element %d of the window (written [%d,%d) of %d, guard %d) was overwritten with %v", what, j, a, b, g.n, guardLen, v)
		}
	}
}

func sameF32(x, y float32) bool { return math.Float32bits(x) == math.Float32bits(y) }
func sameI8(x, y int8) bool     { return x == y }

// compareF32 checks got against want within the named tolerance, given the
// per-element sums of absolute terms and the number of terms.
func compareF32(t *testing.T, got, want, absSum []float32, terms int, what string) {
	t.Helper()
	for i := range want {
		bound := f32AbsTol + f32RelTol*float64(terms+1)*float64(absSum[i])
		if d := math.Abs(float64(got[i]) - float64(want[i])); !(d <= bound) {
			t.Fatalf("%s: element %d = %v, want %v (|diff| %g > bound %g)", what, i, got[i], want[i], d, bound)
		}
	}
}

func compareI8(t *testing.T, got, want []int8, what string) {
	t.Helper()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s: element %d = %d, want %d (generic)", what, i, got[i], want[i])
		}
	}
}

// clampCase is a fused activation range for the float kernels.
type clampCase struct {
	name   string
	lo, hi float32
}

var clampCases = []clampCase{
	{"none", float32(math.Inf(-1)), float32(math.Inf(1))},
	{"relu", 0, float32(math.Inf(1))},
	{"relu6", 0, 6},
	{"band", -0.2, 0.3},
}

// randRequant returns per-channel scales and one of three clamps: the whole
// int8 range, a ReLU6-like band above the zero point, a tight band.
func randRequant(r *rand.Rand, n, variant int) *generic.Requant {
	rq := &generic.Requant{Scale: make([]float32, n), ZeroPoint: int32(r.IntN(41) - 20), Min: -128, Max: 127}
	for i := range rq.Scale {
		rq.Scale[i] = 0.0005 + 0.01*r.Float32()
	}
	switch variant % 3 {
	case 1:
		rq.Min, rq.Max = rq.ZeroPoint, min(127, rq.ZeroPoint+90)
	case 2:
		rq.Min, rq.Max = -7, 11
	}
	return rq
}

func rqString(rq *generic.Requant) string {
	return fmt.Sprintf("zp%d[%d,%d]", rq.ZeroPoint, rq.Min, rq.Max)
}
