package kernels_test

import (
	"fmt"
	"testing"

	"github.com/edgecam/edgecam/kernels"
)

// The runtime splits a pointwise layer's rows across workers in multiples of
// the implementation's TileM and calls Run on each slice of src and dst with
// the same packed weights. These tests check that such a split gives exactly
// the result of one call, for every implementation.

// splitPoints returns row counts at which to split m: multiples of tileM.
func splitPoints(m, tileM int) []int {
	var pts []int
	for a := tileM; a < m; a += tileM {
		pts = append(pts, a)
	}
	return pts
}

var splitShapes = []pwShape{{37, 33, 17}, {64, 64, 40}, {25, 8, 9}}

func TestPointwiseF32RowSplit(t *testing.T) {
	for _, impl := range kernels.All().PointwiseF32 {
		t.Run(impl.Name, func(t *testing.T) {
			skipUnavailable(t, impl.Name, impl.Avail)
			r := newRand(9)
			for _, s := range splitShapes {
				src, w, bias := randF32(r, s.m*s.k), randF32(r, s.n*s.k), randF32(r, s.n)
				packed := impl.Pack(w, s.n, s.k)
				whole := make([]float32, s.m*s.n)
				impl.Run(whole, src, s.m, s.k, s.n, packed, bias, 0, 6)
				for _, a := range splitPoints(s.m, impl.TileM) {
					parts := make([]float32, s.m*s.n)
					impl.Run(parts[:a*s.n], src[:a*s.k], a, s.k, s.n, packed, bias, 0, 6)
					impl.Run(parts[a*s.n:], src[a*s.k:], s.m-a, s.k, s.n, packed, bias, 0, 6)
					for i := range whole {
						if !sameF32(parts[i], whole[i]) {
							t.Fatalf("%v split at row %d: element %d = %v, one call gives %v", s, a, i, parts[i], whole[i])
						}
					}
				}
			}
			t.Logf("%s: row splits at multiples of TileM %d match one call", impl.Name, impl.TileM)
		})
	}
}

func TestPointwiseQ8RowSplit(t *testing.T) {
	for _, impl := range kernels.All().PointwiseQ8 {
		t.Run(impl.Name, func(t *testing.T) {
			skipUnavailable(t, impl.Name, impl.Avail)
			r := newRand(10)
			for _, s := range splitShapes {
				src, w, bias := randI8(r, s.m*s.k, -128), randI8(r, s.n*s.k, -127), randI32(r, s.n, 5000)
				rq := randRequant(r, s.n, 0)
				packed := impl.Pack(w, s.n, s.k)
				whole := make([]int8, s.m*s.n)
				impl.Run(whole, src, s.m, s.k, s.n, packed, bias, 7, rq)
				for _, a := range splitPoints(s.m, impl.TileM) {
					parts := make([]int8, s.m*s.n)
					impl.Run(parts[:a*s.n], src[:a*s.k], a, s.k, s.n, packed, bias, 7, rq)
					impl.Run(parts[a*s.n:], src[a*s.k:], s.m-a, s.k, s.n, packed, bias, 7, rq)
					compareI8(t, parts, whole, fmt.Sprintf("%s %v split at row %d", impl.Name, s, a))
				}
			}
			t.Logf("%s: row splits at multiples of TileM %d match one call", impl.Name, impl.TileM)
		})
	}
}
