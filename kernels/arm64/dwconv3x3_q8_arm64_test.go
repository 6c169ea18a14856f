//go:build arm64 && !purego

package arm64

import (
	"math/rand"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

func TestDWConv3x3Q8MatchesGeneric(t *testing.T) {
	if !HasNEON {
		t.Skip("no ASIMD")
	}
	r := rand.New(rand.NewSource(5))
	for ci, tc := range dwCases() {
		p := tc.p
		C := p.OutC
		src := randQ8(r, p.InH*p.InW*C, -128)
		w := make([]int16, 9*C)
		for i := range w {
			w[i] = int16(r.Intn(511) - 255) // legacy uint8 weights minus their zero point
		}
		bias := make([]int32, C)
		for i := range bias {
			bias[i] = int32(r.Intn(40001) - 20000)
		}
		if ci%4 == 1 {
			bias = nil
		}
		xzp := []int32{0, -128, 127, 5}[ci%4]
		rq := randRequant(r, C, ci)
		for j := range rq.Scale {
			rq.Scale[j] /= 64 // accumulators here are larger than in the pointwise tests
		}
		n := p.OutH * p.OutW * C
		off := ci % 4
		want := make([]int8, n)
		for i := range want {
			want[i] = sentinelQ8
		}
		generic.DWConvQ8(&p, want, src, xzp, w, bias, rq, tc.y0, tc.y1)
		all, dst := guardedQ8(n, off)
		DWConv3x3Q8(&p, dst, src, xzp, w, bias, rq, tc.y0, tc.y1)
		checkGuardQ8(t, all, n, off)
		for i := range dst {
			if dst[i] != want[i] {
				t.Fatalf("%s xzp=%d: dst[%d] (pixel %d, c %d) = %d, generic %d", tc.name, xzp, i, i/C, i%C, dst[i], want[i])
			}
		}
	}
}
