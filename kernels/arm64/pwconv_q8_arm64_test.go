//go:build gc && !purego

package arm64

import (
	"fmt"
	"slices"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// The int8 pointwise kernels' results are checked against generic by the
// equivalence tests of package kernels; these tests check what the kernels
// support, both packed layouts against their formulas, and each widening
// path (narrow and wide weights) against generic.

func TestSupportsPointwiseQ8(t *testing.T) {
	for _, c := range []struct {
		k          int
		zp, lo, hi int32
		want       bool
	}{
		{64, 0, -128, 127, true}, {64, -128, -128, 127, true}, {64, 127, 0, 127, true},
		{64, 128, -128, 127, true}, {64, -300, -128, 127, true}, {64, 32640, -128, 127, true}, {64, -32640, 0, 6, true},
		{64, 32641, -128, 127, false}, {64, -32641, -128, 127, false},
		{64, 0, -129, 127, false}, {64, 0, -128, 128, false},
		{PointwiseQ8MaxK, 0, -128, 127, true}, {PointwiseQ8MaxK + 1, 0, -128, 127, false},
	} {
		rq := &generic.Requant{Scale: []float32{1}, ZeroPoint: c.zp, Min: c.lo, Max: c.hi}
		if got := SupportsPointwiseQ8(c.k, rq); got != c.want {
			t.Errorf("k %d, zero point %d, clamp [%d, %d]: SupportsPointwiseQ8 = %v, want %v", c.k, c.zp, c.lo, c.hi, got, c.want)
		}
	}
	if SupportsPointwiseQ8(64, nil) {
		t.Error("SupportsPointwiseQ8(64, nil) = true, want false")
	}
}

// TestPointwiseQ8WidePaths runs PointwiseQ8 on weights in [-127, 127] (the
// SMLAL2 pairing) and with -128 (one product per int16), at the extremes of
// the int16 pairs and of the zero points, and compares with generic.
func TestPointwiseQ8WidePaths(t *testing.T) {
	r := kerneltest.Rand(11)
	for i, sh := range [][3]int{{1, 16, 4}, {4, 32, 8}, {7, 33, 9}, {9, 1024, 20}, {5, 300, 17}, {12, 64, 64}} {
		s := kerneltest.PointwiseShape{M: sh[0], K: sh[1], N: sh[2]}
		for _, narrow := range []bool{true, false} {
			lo := -128
			if narrow {
				lo = -127
			}
			src, w := kerneltest.I8s(r, s.M*s.K, -128, 127), kerneltest.I8s(r, s.N*s.K, lo, 127)
			if i%2 == 0 { // every pair at its largest: -128 * lo twice per int16
				fill(src, -128)
				fill(w, int8(lo))
			}
			if !narrow {
				w[len(w)/2] = -128
			}
			bias := kerneltest.I32s(r, s.N, -20000, 20000)
			for _, wzp := range []int32{0, -128, 127, 13} {
				rq := kerneltest.RandRequant(r, s.N, i)
				packed := PackPointwiseQ8(w, s.N, s.K)
				if got := packed[len(packed)-1] == 1; got != narrow {
					t.Fatalf("%v: PackPointwiseQ8 notes narrow = %v, want %v", s, got, narrow)
				}
				want := make([]int8, s.M*s.N)
				generic.PointwiseQ8(want, src, s.M, s.K, s.N, generic.PackPointwiseQ8(w, s.N, s.K), bias, wzp, rq)
				got := make([]int8, s.M*s.N)
				PointwiseQ8(got, src, s.M, s.K, s.N, packed, bias, wzp, rq)
				kerneltest.CompareI8(t, got, want, fmt.Sprintf("%v narrow=%v wzp=%d", s, narrow, wzp))
			}
		}
	}
}

// TestPointwiseQ8DotUnsigned runs the SDOT kernel's unsigned epilogue (zero
// point and clamp -128 and [-128, 127]) and its general one on outputs that
// saturate at both ends, beyond int16 too, for 8-, 4- and 1-row tiles, and
// compares with generic.
func TestPointwiseQ8DotUnsigned(t *testing.T) {
	if !HasDotProd {
		t.Skip("no dot product")
	}
	r := kerneltest.Rand(12)
	for _, sh := range [][3]int{{8, 64, 16}, {13, 48, 24}, {3, 32, 8}, {1, 16, 9}, {17, 1024, 8}} {
		s := kerneltest.PointwiseShape{M: sh[0], K: sh[1], N: sh[2]}
		src, w := kerneltest.I8s(r, s.M*s.K, -128, 127), kerneltest.I8s(r, s.N*s.K, -127, 127)
		bias := kerneltest.I32s(r, s.N, -20000, 20000)
		for _, c := range []struct{ zp, lo, hi int32 }{{-128, -128, 127}, {-128, -128, 126}, {-127, -128, 127}, {-128, -127, 127}} {
			for _, scale := range []float32{0.001, 0.02, 0.3, 40} {
				rq := &generic.Requant{Scale: make([]float32, s.N), ZeroPoint: c.zp, Min: c.lo, Max: c.hi}
				for j := range rq.Scale {
					rq.Scale[j] = scale * (0.5 + r.Float32())
				}
				want := make([]int8, s.M*s.N)
				generic.PointwiseQ8(want, src, s.M, s.K, s.N, generic.PackPointwiseQ8(w, s.N, s.K), bias, 0, rq)
				got := make([]int8, s.M*s.N)
				PointwiseQ8Dot(got, src, s.M, s.K, s.N, PackPointwiseQ8Dot(w, s.N, s.K), bias, 0, rq)
				kerneltest.CompareI8(t, got, want, fmt.Sprintf("%v %s scale %g", s, kerneltest.RequantString(rq), scale))
			}
		}
	}
}

func fill[T any](s []T, v T) {
	for i := range s {
		s[i] = v
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
		if len(wide) != panels*kp*4+1 {
			t.Fatalf("n=%d k=%d: PackPointwiseQ8 len %d, want %d", n, k, len(wide), panels*kp*4+1)
		}
		if want := !slices.Contains(w, -128); (wide[len(wide)-1] == 1) != want {
			t.Fatalf("n=%d k=%d: PackPointwiseQ8 narrow flag %d, want %v", n, k, wide[len(wide)-1], want)
		}
		for i, v := range wide[:len(wide)-1] { // packed[p*kp*4 + kb*64 + j*16 + t] = w[(p*4+j)*k + kb*16+t]
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

// TestPointwiseQ8A53 checks the in-order schedules (selected on Cortex-A53
// cores, so not by the equivalence tests under qemu) against generic on
// every shape of the pointwise equivalence test, narrow and wide weights,
// with and without a weight zero point: 1, 2 and more 16-k blocks take the
// kernels' single-block, first-and-last and loop paths.
func TestPointwiseQ8A53(t *testing.T) {
	r := kerneltest.Rand(12)
	ran := 0
	for i, s := range kerneltest.PointwiseShapes(PointwiseQ8TileM) {
		rq := kerneltest.RandRequant(r, s.N, i)
		if !SupportsPointwiseQ8(s.K, rq) {
			continue
		}
		lo := -128
		if i%2 == 0 {
			lo = -127 // narrow: the SMLAL2 pairing
		}
		src, w := kerneltest.I8s(r, s.M*s.K, -128, 127), kerneltest.I8s(r, s.N*s.K, lo, 127)
		if lo == -128 && len(w) > 0 {
			w[len(w)/2] = -128
		}
		bias := kerneltest.I32s(r, s.N, -20000, 20000)
		wzp := []int32{0, -128, 127, 9}[i%4]
		want := make([]int8, s.M*s.N)
		generic.PointwiseQ8(want, src, s.M, s.K, s.N, generic.PackPointwiseQ8(w, s.N, s.K), bias, wzp, rq)
		got := make([]int8, s.M*s.N)
		PointwiseQ8A53(got, src, s.M, s.K, s.N, PackPointwiseQ8(w, s.N, s.K), bias, wzp, rq)
		kerneltest.CompareI8(t, got, want, fmt.Sprintf("%v narrow=%v wzp=%d", s, lo == -127, wzp))
		ran++
	}
	t.Logf("%d shapes bit-exact with generic", ran)
}
