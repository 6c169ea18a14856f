//go:build gc && !purego

package arm64

import (
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// The int8 pointwise kernels' results are checked against generic by the
// equivalence tests of package kernels; these tests check what the widening
// kernel supports and both packed layouts against their formulas.

func TestSupportsPointwiseQ8(t *testing.T) {
	for _, c := range []struct {
		zp, lo, hi int32
		want       bool
	}{
		{0, -128, 127, true}, {-128, -128, 127, true}, {127, 0, 127, true},
		{128, -128, 127, false}, {-300, -128, 127, false}, {0, -129, 127, false}, {0, -128, 128, false},
	} {
		rq := &generic.Requant{Scale: []float32{1}, ZeroPoint: c.zp, Min: c.lo, Max: c.hi}
		if got := SupportsPointwiseQ8(rq); got != c.want {
			t.Errorf("zero point %d, clamp [%d, %d]: SupportsPointwiseQ8 = %v, want %v", c.zp, c.lo, c.hi, got, c.want)
		}
	}
}

func TestPackPointwiseQ8Layouts(t *testing.T) {
	r := kerneltest.Rand(3)
	for _, sh := range [][2]int{{1, 1}, {3, 15}, {4, 16}, {5, 17}, {9, 33}, {17, 64}} {
		n, k := sh[0], sh[1]
		kp := (k + 15) / 16 * 16
		w := kerneltest.I8s(r, n*k, -128, 127)
		at := func(j, kk int) int8 {
			if j < n && kk < k {
				return w[j*k+kk]
			}
			return 0
		}
		wide := PackPointwiseQ8(w, n, k)
		panels := (n + 3) / 4
		if len(wide) != panels*kp*4 {
			t.Fatalf("n=%d k=%d: PackPointwiseQ8 len %d, want %d", n, k, len(wide), panels*kp*4)
		}
		for i, v := range wide { // packed[p*kp*4 + kb*64 + j*16 + t] = w[(p*4+j)*k + kb*16+t]
			p, rest := i/(kp*4), i%(kp*4)
			kb, j, tt := rest/64, rest%64/16, rest%16
			if want := at(p*4+j, kb*16+tt); v != want {
				t.Fatalf("n=%d k=%d: PackPointwiseQ8[%d] = %d, want %d", n, k, i, v, want)
			}
		}
		dot := PackPointwiseQ8Dot(w, n, k)
		panels = (n + 7) / 8
		if len(dot) != panels*kp*8 {
			t.Fatalf("n=%d k=%d: PackPointwiseQ8Dot len %d, want %d", n, k, len(dot), panels*kp*8)
		}
		for i, v := range dot { // packed[p*kp*8 + g*32 + j*4 + t] = w[(p*8+j)*k + g*4+t]
			p, rest := i/(kp*8), i%(kp*8)
			g, j, tt := rest/32, rest%32/4, rest%4
			if want := at(p*8+j, g*4+tt); v != want {
				t.Fatalf("n=%d k=%d: PackPointwiseQ8Dot[%d] = %d, want %d", n, k, i, v, want)
			}
		}
	}
}
