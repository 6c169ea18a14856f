package kerneltest

import (
	"math"
	"testing"
)

// GuardLen sentinel elements surround every output buffer a test hands to a
// kernel; none of them may be written.
const GuardLen = 19

// SentinelF32 is a NaN payload no kernel produces; outputs are compared with
// it by bits.
var SentinelF32 = math.Float32frombits(0x7fc0beef)

// SentinelI8 fills int8 guard bands.
const SentinelI8 int8 = 0x5a

// Guarded is an output window of n elements at offset off inside a buffer of
// sentinels (gonum's guardVector): CheckUntouched finds writes outside the
// elements a kernel was asked to compute.
type Guarded[T float32 | int8] struct {
	buf      []T
	start, n int
}

// NewGuarded returns a window of n elements, off elements past the start of
// the guard band (unaligned starts), every element holding the sentinel.
func NewGuarded[T float32 | int8](n, off int) *Guarded[T] {
	g := &Guarded[T]{buf: make([]T, 2*GuardLen+off+n), start: GuardLen + off, n: n}
	s := sentinel[T]()
	for i := range g.buf {
		g.buf[i] = s
	}
	return g
}

// Out is the window handed to the kernel: exactly n elements, capacity too,
// so an append could not hide an overrun either.
func (g *Guarded[T]) Out() []T { return g.buf[g.start : g.start+g.n : g.start+g.n] }

// CheckUntouched fails t when an element outside [a, b) of the window (the
// guard bands included) no longer holds the sentinel.
func (g *Guarded[T]) CheckUntouched(t testing.TB, a, b int, what string) {
	t.Helper()
	s := sentinel[T]()
	for i, v := range g.buf {
		j := i - g.start
		if j >= a && j < b {
			continue
		}
		if !same(v, s) {
			t.Fatalf("%s: element %d of the window (written [%d,%d) of %d, guard %d) was overwritten with %v", what, j, a, b, g.n, GuardLen, v)
		}
	}
}

// IsSentinel reports whether v is the sentinel of its type (by bits).
func IsSentinel[T float32 | int8](v T) bool { return same(v, sentinel[T]()) }

func sentinel[T float32 | int8]() T {
	var s T
	switch p := any(&s).(type) {
	case *float32:
		*p = SentinelF32
	case *int8:
		*p = SentinelI8
	}
	return s
}

// same compares by identity: float32 by bits, so NaN payloads compare.
func same[T float32 | int8](x, y T) bool {
	if f, ok := any(x).(float32); ok {
		return math.Float32bits(f) == math.Float32bits(any(y).(float32))
	}
	return x == y
}
