//go:build arm64 && !purego

package arm64

import (
	"math"
	"math/rand"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

func TestDWConv3x3F32MatchesGeneric(t *testing.T) {
	if !HasNEON {
		t.Skip("no ASIMD")
	}
	r := rand.New(rand.NewSource(3))
	for ci, tc := range dwCases() {
		p := tc.p
		C := p.OutC
		src := randF32(r, p.InH*p.InW*C)
		w := randF32(r, 9*C)
		bias := randF32(r, C)
		if ci%4 == 1 {
			bias = nil
		}
		clamps := [][2]float32{{float32(math.Inf(-1)), float32(math.Inf(1))}, {0, 6}, {-0.3, 0.4}}
		lo, hi := clamps[ci%3][0], clamps[ci%3][1]
		n := p.OutH * p.OutW * C
		off := ci % 4
		want := make([]float32, n)
		for i := range want {
			want[i] = sentinelF32
		}
		generic.DWConvF32(&p, want, src, w, bias, tc.y0, tc.y1, lo, hi)
		all, dst := guardedF32(n, off)
		DWConv3x3F32(&p, dst, src, w, bias, tc.y0, tc.y1, lo, hi)
		checkGuardF32(t, all, n, off)
		for i := range dst {
			g, x := dst[i], want[i]
			if math.Float32bits(x) == math.Float32bits(sentinelF32) {
				if math.Float32bits(g) != math.Float32bits(sentinelF32) {
					t.Fatalf("%s: dst[%d] outside rows [%d,%d) written: %v", tc.name, i, tc.y0, tc.y1, g)
				}
				continue
			}
			if !closeF32(g, x, 9, 9) { // |x|,|w| <= 1: sum of |terms| <= 9
				t.Fatalf("%s: dst[%d] (pixel %d, c %d) = %v, generic %v", tc.name, i, i/C, i%C, g, x)
			}
		}
	}
}
