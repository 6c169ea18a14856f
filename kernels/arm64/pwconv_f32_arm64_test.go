//go:build gc && !purego

package arm64

import (
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
