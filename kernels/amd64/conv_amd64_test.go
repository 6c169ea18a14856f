//go:build gc && !purego

package amd64

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

// convShapes returns first-layer shapes: 3 input channels, widths 1..17,
// strides 1 and 2, VALID, SAME and over-padded, 8 to 64 output channels
// (single blocks and groups of four), and a MobileNet-like 2x downsampling.
func convShapes() []generic.ConvParams {
	var ps []generic.ConvParams
	outCs := []int{8, 16, 24, 32, 40, 64}
	i := 0
	for w := 1; w <= 17; w++ {
		for _, s := range []int{1, 2} {
			for mode := 0; mode < 3; mode++ {
				h := 1 + (w+mode)%6
				oc := outCs[i%len(outCs)]
				i++
				var pad, outH, outW int
				switch mode {
				case 0:
					if h < 3 || w < 3 {
						continue
					}
					outH, outW = (h-3)/s+1, (w-3)/s+1
				case 1:
					outH, outW = (h+s-1)/s, (w+s-1)/s
					pad = max((outW-1)*s+3-w, 0) / 2
				default:
					pad = 2
					outH, outW = (h+4-3)/s+1, (w+4-3)/s+1
				}
				ps = append(ps, generic.ConvParams{InH: h, InW: w, InC: 3, OutH: outH, OutW: outW, OutC: oc,
					KH: 3, KW: 3, StrideH: s, StrideW: s, PadTop: pad, PadLeft: pad})
			}
		}
	}
	return append(ps, generic.ConvParams{InH: 32, InW: 32, InC: 3, OutH: 16, OutW: 16, OutC: 32,
		KH: 3, KW: 3, StrideH: 2, StrideW: 2})
}

func TestConv3x3C3F32MatchesGeneric(t *testing.T) {
	if !HasAVX2FMA {
		t.Skip("AVX2+FMA not available on this CPU")
	}
	r := rand.New(rand.NewSource(8))
	for ci, p := range convShapes() {
		C := p.OutC
		off := ci % 5
		src, w, bias := unaligned(randF32(r, p.InH*p.InW*3), off), randF32(r, 27*C), randF32(r, C)
		lo, hi := float32(math.Inf(-1)), float32(math.Inf(1))
		switch ci % 4 {
		case 1:
			lo, hi = 0, 6
		case 2:
			lo, hi = -0.5, 0.5
		case 3:
			bias = nil
		}
		y0, y1 := 0, p.OutH
		if ci%3 == 2 && p.OutH > 2 {
			y0, y1 = 1, p.OutH-1
		}
		n := p.OutH * p.OutW * C
		want := make([]float32, n)
		fill(want, sentinelF32)
		generic.ConvF32(&p, want, src, w, bias, y0, y1, lo, hi)
		all, dst := guardedF32(n, off)
		Conv3x3C3F32AVX2(&p, dst, src, w, bias, y0, y1, lo, hi)
		checkGuardF32(t, all, n, off)
		name := fmt.Sprintf("in%dx%d_oc%d_s%d_pad%d_rows%d-%d", p.InH, p.InW, C, p.StrideH, p.PadTop, y0, y1)
		for i := range want {
			oy := i / (p.OutW * C)
			if oy < y0 || oy >= y1 {
				if math.Float32bits(dst[i]) != math.Float32bits(sentinelF32) {
					t.Fatalf("%s: wrote row %d outside [%d,%d)", name, oy, y0, y1)
				}
				continue
			}
			if !closeF32(dst[i], want[i], 27, convAbsSum(&p, src, w, bias, i)) {
				t.Fatalf("%s: dst[%d] = %v, generic %v", name, i, dst[i], want[i])
			}
		}
	}
}

// convAbsSum is the sum of the magnitudes of output i's terms.
func convAbsSum(p *generic.ConvParams, src, w, bias []float32, i int) float64 {
	C := p.OutC
	oc, ox, oy := i%C, i/C%p.OutW, i/C/p.OutW
	var s float64
	if bias != nil {
		s = math.Abs(float64(bias[oc]))
	}
	for t := 0; t < 27; t++ {
		iy, ix := oy*p.StrideH-p.PadTop+t/9, ox*p.StrideW-p.PadLeft+t/3%3
		if iy >= 0 && iy < p.InH && ix >= 0 && ix < p.InW {
			s += math.Abs(float64(src[(iy*p.InW+ix)*3+t%3] * w[oc*27+t]))
		}
	}
	return s
}

// convQ8Impls are the int8 first-layer kernels under test.
func convQ8Impls() []struct {
	name  string
	avail bool
	run   func(p *generic.ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant, y0, y1 int)
} {
	return []struct {
		name  string
		avail bool
		run   func(p *generic.ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant, y0, y1 int)
	}{{"avx2", HasAVX2FMA, Conv3x3C3Q8AVX2}, {"vnni", HasVNNI, Conv3x3C3Q8VNNI}}
}

func TestConv3x3C3Q8MatchesGeneric(t *testing.T) {
	for _, impl := range convQ8Impls() {
		t.Run(impl.name, func(t *testing.T) {
			if !impl.avail {
				t.Skipf("%s not available on this CPU", impl.name)
			}
			testConvQ8(t, impl.run)
		})
	}
}

func testConvQ8(t *testing.T, run func(p *generic.ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant, y0, y1 int)) {
	r := rand.New(rand.NewSource(9))
	for ci, p := range convShapes() {
		C := p.OutC
		off := ci % 5
		src := randQ8(r, p.InH*p.InW*3)
		w := make([]int16, 27*C)
		for i := range w {
			switch ci % 3 {
			case 0, 2: // int8 models (the VNNI kernel's case)
				w[i] = int16(r.Intn(256) - 128)
			default:
				w[i] = int16(r.Intn(511) - 255)
				if ci%2 == 1 { // the whole int16 range
					w[i] = int16(r.Intn(65536) - 32768)
				}
			}
		}
		xzp := int32(r.Intn(256) - 128)
		switch ci % 5 {
		case 0:
			fill(src, -128)
			fill(w, -128)
			xzp = 127
		case 3:
			fill(src, 127)
			fill(w, 127)
			xzp = -128
		case 4:
			fill(w, -32768)
		}
		bias := make([]int32, C)
		for i := range bias {
			bias[i] = int32(r.Intn(200001) - 100000)
		}
		if ci%4 == 3 {
			bias = nil
		}
		rq := randRequant(r, C, ci)
		for j := range rq.Scale {
			rq.Scale[j] /= float32(1 + ci%3*300) // keep wide-weight sums from saturating everything
		}
		if ci%13 == 12 {
			rq.Min, rq.Max = -1000, 1000
		}
		if ci%17 == 16 {
			xzp = 200 // beyond int8: the generic path
		}
		y0, y1 := 0, p.OutH
		if ci%3 == 2 && p.OutH > 2 {
			y0, y1 = 1, p.OutH-1
		}
		src = unaligned(src, (off+3)%5)
		n := p.OutH * p.OutW * C
		want := make([]int8, n)
		fill(want, sentinelQ8)
		generic.ConvQ8(&p, want, src, xzp, w, bias, rq, y0, y1)
		all, dst := guardedQ8(n, off)
		run(&p, dst, src, xzp, w, bias, rq, y0, y1)
		checkGuardQ8(t, all, n, off)
		for i := range want {
			if dst[i] != want[i] {
				t.Fatalf("in%dx%d_oc%d_s%d_pad%d_rows%d-%d xzp%d: dst[%d] = %d, generic %d",
					p.InH, p.InW, C, p.StrideH, p.PadTop, y0, y1, xzp, i, dst[i], want[i])
			}
		}
	}
}

func TestConv3x3C3NoAllocs(t *testing.T) {
	if !HasAVX2FMA {
		t.Skip("AVX2 not available on this CPU")
	}
	p := generic.ConvParams{InH: 9, InW: 9, InC: 3, OutH: 5, OutW: 5, OutC: 40, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadTop: 1, PadLeft: 1}
	srcF, wF, dstF := make([]float32, 9*9*3), make([]float32, 27*40), make([]float32, 5*5*40)
	srcQ, wQ, dstQ := make([]int8, 9*9*3), make([]int16, 27*40), make([]int8, 5*5*40)
	rq := &generic.Requant{Scale: make([]float32, 40), Min: -128, Max: 127}
	if a := testing.AllocsPerRun(10, func() { Conv3x3C3F32AVX2(&p, dstF, srcF, wF, nil, 0, 5, 0, 6) }); a != 0 {
		t.Errorf("Conv3x3C3F32AVX2: %v allocations per run, want 0", a)
	}
	for _, impl := range convQ8Impls() {
		if !impl.avail {
			continue
		}
		if a := testing.AllocsPerRun(10, func() { impl.run(&p, dstQ, srcQ, 3, wQ, nil, rq, 0, 5) }); a != 0 {
			t.Errorf("Conv3x3C3Q8 %s: %v allocations per run, want 0", impl.name, a)
		}
	}
}

func TestConv3x3C3Supports(t *testing.T) {
	base := generic.ConvParams{InH: 8, InW: 8, InC: 3, OutH: 4, OutW: 4, OutC: 32, KH: 3, KW: 3, StrideH: 2, StrideW: 2}
	for _, tc := range []struct {
		name string
		edit func(p *generic.ConvParams)
		want bool
	}{
		{"mobilenet first layer", func(*generic.ConvParams) {}, true},
		{"4 input channels", func(p *generic.ConvParams) { p.InC = 4 }, false},
		{"12 output channels", func(p *generic.ConvParams) { p.OutC = 12 }, false},
		{"72 output channels", func(p *generic.ConvParams) { p.OutC = 72 }, false},
		{"stride 3", func(p *generic.ConvParams) { p.StrideH, p.StrideW = 3, 3 }, false},
		{"unequal strides", func(p *generic.ConvParams) { p.StrideH = 1 }, false},
		{"5x5", func(p *generic.ConvParams) { p.KH, p.KW = 5, 5 }, false},
	} {
		p := base
		tc.edit(&p)
		if got := SupportsConv3x3C3(&p); got != tc.want {
			t.Errorf("%s: SupportsConv3x3C3 = %v, want %v", tc.name, got, tc.want)
		}
	}
}
