//go:build gc && !purego

package arm64

import (
	"math"
	"testing"

	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// The pointwise kernels' results are checked against generic by the
// equivalence tests of package kernels; this test checks the packed layout
// against its formula in PackPointwiseF32's doc comment.

func TestPackPointwiseF32Layout(t *testing.T) {
	r := kerneltest.Rand(2)
	for _, sh := range [][2]int{{1, 1}, {7, 3}, {8, 4}, {9, 5}, {17, 32}} {
		n, k := sh[0], sh[1]
		w := kerneltest.F32s(r, n*k)
		got := PackPointwiseF32(w, n, k)
		panels := (n + 7) / 8
		if len(got) != panels*8*k {
			t.Fatalf("n=%d k=%d: len %d, want %d", n, k, len(got), panels*8*k)
		}
		for p := 0; p < panels; p++ {
			for kk := 0; kk < k; kk++ {
				for j := 0; j < 8; j++ {
					var want float32
					if p*8+j < n {
						want = w[(p*8+j)*k+kk]
					}
					if g := got[p*k*8+kk*8+j]; g != want {
						t.Fatalf("n=%d k=%d: packed[p%d][k%d][%d] = %v, want %v", n, k, p, kk, j, g, want)
					}
				}
			}
		}
	}
}

// TestPointwiseF32A53 checks that the in-order schedule (selected on
// Cortex-A53 cores, so not by the equivalence tests under qemu) gives
// exactly PointwiseF32's results, which the equivalence tests compare with
// generic: the same FMLA in each accumulator's order. Every shape of the
// pointwise equivalence test: k below 4, one and more 4-k steps, k%4 tails.
func TestPointwiseF32A53(t *testing.T) {
	r := kerneltest.Rand(13)
	for _, s := range kerneltest.PointwiseShapes(PointwiseF32TileM) {
		src, w, bias := kerneltest.F32s(r, s.M*s.K), kerneltest.F32s(r, s.N*s.K), kerneltest.F32s(r, s.N)
		packed := PackPointwiseF32(w, s.N, s.K)
		want := make([]float32, s.M*s.N)
		PointwiseF32(want, src, s.M, s.K, s.N, packed, bias, -3, 3)
		got := make([]float32, s.M*s.N)
		PointwiseF32A53(got, src, s.M, s.K, s.N, packed, bias, -3, 3)
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%v: output %d = %v, PointwiseF32 gives %v", s, i, got[i], want[i])
			}
		}
	}
}
