//go:build arm64 && !purego

package arm64

import (
	"math/rand"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

// TestDWConv3x3Q8MatchesGeneric takes weights in [-255, 255] (legacy uint8
// weights minus their zero point): the int16 path, dwQ8S1/dwQ8S2.
func TestDWConv3x3Q8MatchesGeneric(t *testing.T) { testDWConv3x3Q8(t, 255) }

// TestDWConv3x3Q8NarrowMatchesGeneric takes weights in [-127, 127] (int8
// models): the int8-weight path, dwQ8N1/dwQ8N2, up to its channel limit.
func TestDWConv3x3Q8NarrowMatchesGeneric(t *testing.T) { testDWConv3x3Q8(t, 127) }

func testDWConv3x3Q8(t *testing.T, wmax int) {
	if !HasNEON {
		t.Skip("no ASIMD")
	}
	r := rand.New(rand.NewSource(int64(5 + wmax)))
	narrow := 0
	for ci, tc := range dwCases() {
		p := tc.p
		C := p.OutC
		src := randQ8(r, p.InH*p.InW*C, -128)
		w := make([]int16, 9*C)
		for i := range w {
			w[i] = int16(r.Intn(2*wmax+1) - wmax)
		}
		if ci%7 == 3 { // extremes: every product at its largest magnitude
			for i := range src {
				src[i] = -128
			}
			for i := range w {
				w[i] = int16(wmax * (1 - 2*(i/C%2)))
			}
		}
		if C >= 8 && narrowWeights(w) {
			narrow++
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
				t.Fatalf("%s xzp=%d wmax=%d: dst[%d] (pixel %d, c %d) = %d, generic %d", tc.name, xzp, wmax, i, i/C, i%C, dst[i], want[i])
			}
		}
	}
	if wmax <= 127 && narrow == 0 {
		t.Fatal("no case took the int8-weight path")
	}
	t.Logf("wmax %d: %d cases on the int8-weight path", wmax, narrow)
}
