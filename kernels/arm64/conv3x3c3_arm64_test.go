//go:build arm64 && !purego

package arm64

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

// convC3Cases covers the first-layer kernels' shapes: every input size 1..17
// (odd and even, square and not), both strides, SAME (asymmetric: the extra
// padding after), VALID and explicit padding of 1 and 2, output channels 8 to
// 64, partial row ranges, and MobileNet's 224x224 and an odd 225x225 image.
func convC3Cases() []dwCase {
	var cs []dwCase
	outCs := []int{8, 16, 24, 32, 40, 64}
	add := func(pad string, inH, inW, oc, s int) {
		p := generic.ConvParams{InH: inH, InW: inW, InC: 3, OutC: oc, KH: 3, KW: 3, StrideH: s, StrideW: s}
		size := func(in int) (out, before int) {
			switch pad {
			case "same":
				out = (in + s - 1) / s
				return out, max((out-1)*s+3-in, 0) / 2
			case "valid":
				return (in-3)/s + 1, 0
			case "pad1":
				return (in+2-3)/s + 1, 1
			}
			return (in+4-3)/s + 1, 2 // pad2
		}
		p.OutH, p.PadTop = size(inH)
		p.OutW, p.PadLeft = size(inW)
		if p.OutH <= 0 || p.OutW <= 0 || (pad == "valid" && (inH < 3 || inW < 3)) {
			return
		}
		name := fmt.Sprintf("%s_s%d_in%dx%d_oc%d", pad, s, inH, inW, oc)
		cs = append(cs, dwCase{name, p, 0, p.OutH})
		if p.OutH > 2 {
			cs = append(cs, dwCase{name + "_rows1-2", p, 1, 2}, dwCase{name + "_rowslast", p, p.OutH - 1, p.OutH})
		}
	}
	i := 0
	for _, s := range []int{1, 2} {
		for in := 1; in <= 17; in++ {
			for _, pad := range []string{"same", "valid", "pad1", "pad2"} {
				add(pad, in, in+in%3%2, outCs[i%len(outCs)], s)
				i++
			}
		}
	}
	add("same", 224, 224, 32, 2)
	add("same", 225, 225, 16, 2)
	return cs
}

func TestConv3x3C3F32MatchesGeneric(t *testing.T) {
	if !HasNEON {
		t.Skip("no ASIMD")
	}
	r := rand.New(rand.NewSource(7))
	for ci, tc := range convC3Cases() {
		p := tc.p
		if !SupportsConv3x3C3(&p) {
			t.Fatalf("%s: not supported", tc.name)
		}
		C := p.OutC
		src := randF32(r, p.InH*p.InW*3)
		w := randF32(r, 27*C)
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
		generic.ConvF32(&p, want, src, w, bias, tc.y0, tc.y1, lo, hi)
		all, dst := guardedF32(n, off)
		Conv3x3C3F32(&p, dst, src, w, bias, tc.y0, tc.y1, lo, hi)
		checkGuardF32(t, all, n, off)
		for i := range dst {
			g, x := dst[i], want[i]
			if math.Float32bits(x) == math.Float32bits(sentinelF32) {
				if math.Float32bits(g) != math.Float32bits(sentinelF32) {
					t.Fatalf("%s: dst[%d] outside rows [%d,%d) written: %v", tc.name, i, tc.y0, tc.y1, g)
				}
				continue
			}
			if !closeF32(g, x, 28, 28) { // |x|,|w|,|bias| <= 1: sum of |terms| <= 28
				t.Fatalf("%s: dst[%d] (pixel %d, c %d) = %v, generic %v", tc.name, i, i/C, i%C, g, x)
			}
		}
	}
}

// convQ8Fn is the signature of the int8 first-layer kernels.
type convQ8Fn func(p *generic.ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant, y0, y1 int)

// TestConv3x3C3Q8MatchesGeneric: the widening kernel with weights in
// [-255, 255] (legacy uint8 minus a zero point) and in [-128, 127].
func TestConv3x3C3Q8MatchesGeneric(t *testing.T) {
	if !HasNEON {
		t.Skip("no ASIMD")
	}
	testConv3x3C3Q8(t, Conv3x3C3Q8, -255, 255)
	testConv3x3C3Q8(t, Conv3x3C3Q8, -128, 127)
}

// TestConv3x3C3Q8DotMatchesGeneric: the SDOT kernel with int8 weights (its
// own path) and with wider ones (its fallback).
func TestConv3x3C3Q8DotMatchesGeneric(t *testing.T) {
	if !HasDotProd {
		t.Skip("no dot product (run under qemu -cpu cortex-a76)")
	}
	testConv3x3C3Q8(t, Conv3x3C3Q8Dot, -128, 127)
	testConv3x3C3Q8(t, Conv3x3C3Q8Dot, -255, 255)
}

func testConv3x3C3Q8(t *testing.T, run convQ8Fn, wmin, wmax int) {
	r := rand.New(rand.NewSource(int64(8 + wmax)))
	for ci, tc := range convC3Cases() {
		p := tc.p
		C := p.OutC
		src := randQ8(r, p.InH*p.InW*3, -128)
		w := make([]int16, 27*C)
		for i := range w {
			w[i] = int16(wmin + r.Intn(wmax-wmin+1))
		}
		if ci%5 == 2 { // extremes: every product at its largest magnitude
			for i := range src {
				src[i] = -128
			}
			for i := range w {
				w[i] = int16([]int{wmax, wmin}[i%2])
			}
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
			rq.Scale[j] /= 256 // 27 taps of up to 255*255
		}
		n := p.OutH * p.OutW * C
		off := ci % 4
		want := make([]int8, n)
		for i := range want {
			want[i] = sentinelQ8
		}
		generic.ConvQ8(&p, want, src, xzp, w, bias, rq, tc.y0, tc.y1)
		all, dst := guardedQ8(n, off)
		run(&p, dst, src, xzp, w, bias, rq, tc.y0, tc.y1)
		checkGuardQ8(t, all, n, off)
		distinct := map[int8]bool{}
		for i := range dst {
			if dst[i] != want[i] {
				t.Fatalf("%s xzp=%d w in [%d,%d]: dst[%d] (pixel %d, c %d) = %d, generic %d", tc.name, xzp, wmin, wmax, i, i/C, i%C, dst[i], want[i])
			}
			distinct[dst[i]] = true
		}
		if ci%5 != 2 && n > 1000 && len(distinct) < 8 {
			t.Fatalf("%s: only %d distinct outputs: the test does not exercise the requantization", tc.name, len(distinct))
		}
	}
}

func TestSupportsConv3x3C3(t *testing.T) {
	ok := generic.ConvParams{InH: 8, InW: 8, InC: 3, OutH: 4, OutW: 4, OutC: 32, KH: 3, KW: 3, StrideH: 2, StrideW: 2}
	if !SupportsConv3x3C3(&ok) {
		t.Fatalf("%+v: want supported", ok)
	}
	for _, mod := range []func(p *generic.ConvParams){
		func(p *generic.ConvParams) { p.InC = 4 },
		func(p *generic.ConvParams) { p.OutC = 12 },
		func(p *generic.ConvParams) { p.OutC = 72 },
		func(p *generic.ConvParams) { p.KW = 5 },
		func(p *generic.ConvParams) { p.StrideW = 1 },
		func(p *generic.ConvParams) { p.StrideH, p.StrideW = 3, 3 },
	} {
		p := ok
		mod(&p)
		if SupportsConv3x3C3(&p) {
			t.Errorf("%+v: want unsupported", p)
		}
	}
}
