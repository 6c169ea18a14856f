//go:build arm64 && !purego

package arm64

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

// pwShapes covers m below, at, above and at multiples of the 8-row tile, n
// below, at and above the 8-channel panel (every n in 1..33), every k in
// 1..33 (with and without a k%4 remainder), and real MobileNet shapes.
func pwShapes() [][3]int {
	var s [][3]int
	for n := 1; n <= 33; n++ {
		s = append(s, [3]int{9, 5 + n%7, n})
	}
	for k := 1; k <= 33; k++ {
		s = append(s, [3]int{3 + k%9, k, 5 + k%13})
	}
	for _, m := range []int{1, 2, 7, 8, 9, 15, 16, 17, 33} {
		for _, k := range []int{1, 3, 4, 8, 13, 32} {
			s = append(s, [3]int{m, k, 16})
		}
	}
	return append(s, [3]int{49, 64, 24}, [3]int{196, 32, 64}, [3]int{3, 1024, 17}, [3]int{1, 1024, 1001}, [3]int{3, 0, 9})
}

func TestPointwiseF32MatchesGeneric(t *testing.T) {
	if !HasNEON {
		t.Skip("no ASIMD")
	}
	r := rand.New(rand.NewSource(1))
	for si, sh := range pwShapes() {
		m, k, n := sh[0], sh[1], sh[2]
		src := randF32(r, m*k)
		w := randF32(r, n*k)
		bias := randF32(r, n)
		if si%3 == 0 {
			bias = nil
		}
		clamps := [][2]float32{{float32(math.Inf(-1)), float32(math.Inf(1))}, {0, 6}, {-0.25, 0.3}}
		lo, hi := clamps[si%3][0], clamps[si%3][1]
		off := si % 4
		name := fmt.Sprintf("m%d_k%d_n%d_off%d", m, k, n, off)
		want := make([]float32, m*n)
		generic.PointwiseF32(want, src, m, k, n, generic.PackPointwiseF32(w, n, k), bias, lo, hi)
		all, dst := guardedF32(m*n, off)
		PointwiseF32(dst, src, m, k, n, PackPointwiseF32(w, n, k), bias, lo, hi)
		checkGuardF32(t, all, m*n, off)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				var abs float64
				for kk := 0; kk < k; kk++ {
					abs += math.Abs(float64(src[i*k+kk]) * float64(w[j*k+kk]))
				}
				if g, x := dst[i*n+j], want[i*n+j]; !closeF32(g, x, k, abs) {
					t.Fatalf("%s: dst[%d][%d] = %v, generic %v", name, i, j, g, x)
				}
			}
		}
	}
}

func TestPackPointwiseF32Layout(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for _, sh := range [][2]int{{1, 1}, {7, 3}, {8, 4}, {9, 5}, {17, 32}} {
		n, k := sh[0], sh[1]
		w := randF32(r, n*k)
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
