//go:build gc && !purego

package amd64

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

// dwShapes returns 3x3 depthwise shapes: every channel count of
// channelCounts at every input width 1..17, strides 1 and 2, paddings
// VALID, SAME (TensorFlow: stride 2 on an even input pads only after) and
// 2 (more than SAME), and MobileNet-sized layers.
func dwShapes() []generic.ConvParams {
	var ps []generic.ConvParams
	i := 0
	for _, c := range channelCounts {
		for w := 1; w <= 17; w++ {
			for _, s := range []int{1, 2} {
				h := 1 + (w+c)%5
				mode := i % 3
				i++
				var pad, outH, outW int
				switch mode {
				case 0: // VALID
					if h < 3 || w < 3 {
						continue
					}
					outH, outW = (h-3)/s+1, (w-3)/s+1
				case 1: // SAME
					outH, outW = (h+s-1)/s, (w+s-1)/s
					pad = max((outW-1)*s+3-w, 0) / 2
				default: // 2 before, 2 after
					pad = 2
					outH, outW = (h+4-3)/s+1, (w+4-3)/s+1
				}
				ps = append(ps, generic.ConvParams{InH: h, InW: w, InC: c, OutH: outH, OutW: outW, OutC: c,
					KH: 3, KW: 3, StrideH: s, StrideW: s, PadTop: pad, PadLeft: pad})
			}
		}
	}
	for _, l := range []struct{ in, c, s int }{{28, 128, 1}, {28, 128, 2}, {14, 512, 1}, {14, 1040, 1}, {7, 1024, 1}} {
		out := (l.in + l.s - 1) / l.s
		pad := max((out-1)*l.s+3-l.in, 0) / 2
		ps = append(ps, generic.ConvParams{InH: l.in, InW: l.in, InC: l.c, OutH: out, OutW: out, OutC: l.c,
			KH: 3, KW: 3, StrideH: l.s, StrideW: l.s, PadTop: pad, PadLeft: pad})
	}
	return ps
}

func TestDWConvF32MatchesGeneric(t *testing.T) {
	if !HasAVX2FMA {
		t.Skip("AVX2+FMA not available on this CPU")
	}
	r := rand.New(rand.NewSource(6))
	for ci, p := range dwShapes() {
		if !SupportsDWConvF32(&p) {
			t.Fatalf("SupportsDWConvF32(%+v) = false", p)
		}
		C := p.OutC
		off := ci % 5
		src, w, bias := unaligned(randF32(r, p.InH*p.InW*C), off), randF32(r, 9*C), randF32(r, C)
		lo, hi := float32(math.Inf(-1)), float32(math.Inf(1))
		switch ci % 4 {
		case 1:
			lo, hi = 0, 6
		case 2:
			lo, hi = -0.3, 0.3
		case 3:
			bias = nil
		}
		// Rows [y0, y1): everything, or a middle slice as a worker gets it.
		y0, y1 := 0, p.OutH
		if ci%3 == 2 && p.OutH > 2 {
			y0, y1 = 1, p.OutH-1
		}
		n := p.OutH * p.OutW * C
		want := make([]float32, n)
		fill(want, sentinelF32)
		generic.DWConvF32(&p, want, src, w, bias, y0, y1, lo, hi)
		all, dst := guardedF32(n, off)
		DWConvF32AVX2(&p, dst, src, PackDWConvF32(&p, w, bias), y0, y1, lo, hi)
		checkGuardF32(t, all, n, off)
		name := fmt.Sprintf("in%dx%d_c%d_s%d_pad%d_out%dx%d_rows%d-%d", p.InH, p.InW, C, p.StrideH, p.PadTop, p.OutH, p.OutW, y0, y1)
		for i := range want {
			if i/(p.OutW*C) < y0 || i/(p.OutW*C) >= y1 {
				if math.Float32bits(dst[i]) != math.Float32bits(sentinelF32) {
					t.Fatalf("%s: wrote row %d outside [%d,%d)", name, i/(p.OutW*C), y0, y1)
				}
				continue
			}
			if !closeF32(dst[i], want[i], 9, dwAbsSum(&p, src, w, bias, i)) {
				t.Fatalf("%s: dst[%d] = %v, generic %v", name, i, dst[i], want[i])
			}
		}
	}
}

// dwAbsSum is the sum of the magnitudes of output i's terms (bias and
// in-bounds taps), the scale of its rounding error.
func dwAbsSum(p *generic.ConvParams, src, w, bias []float32, i int) float64 {
	C := p.OutC
	c, ox, oy := i%C, i/C%p.OutW, i/C/p.OutW
	var s float64
	if bias != nil {
		s = math.Abs(float64(bias[c]))
	}
	for ky := 0; ky < 3; ky++ {
		for kx := 0; kx < 3; kx++ {
			iy, ix := oy*p.StrideH-p.PadTop+ky, ox*p.StrideW-p.PadLeft+kx
			if iy >= 0 && iy < p.InH && ix >= 0 && ix < p.InW {
				s += math.Abs(float64(src[(iy*p.InW+ix)*C+c] * w[(ky*3+kx)*C+c]))
			}
		}
	}
	return s
}

// dwQ8Impls are the int8 depthwise kernels under test.
func dwQ8Impls() []q8ConvImpl {
	return []q8ConvImpl{{"avx2", HasAVX2FMA,
		func(p *generic.ConvParams, _ []int8, _ []int32, xzp int32, rq *generic.Requant) bool {
			return SupportsDWConvQ8(p, xzp, rq)
		},
		func(p *generic.ConvParams, dst, src, w []int8, wzp, bias []int32, xzp int32, rq *generic.Requant, y0, y1 int) {
			DWConvQ8AVX2(p, dst, src, xzp, PackDWConvQ8(p, w, wzp), bias, rq, y0, y1)
		}}, {"vnni", HasVNNI, SupportsDWConvQ8VNNI,
		func(p *generic.ConvParams, dst, src, w []int8, wzp, bias []int32, xzp int32, rq *generic.Requant, y0, y1 int) {
			DWConvQ8VNNI(p, dst, src, PackDWConvQ8VNNI(p, w, wzp, bias, xzp), rq, y0, y1)
		}}}
}

func TestDWConvQ8MatchesGeneric(t *testing.T) {
	shapes := dwShapes()
	for _, c := range []int{48, 64} { // more VNNI blocks: 3 and 4 of 16 channels
		for _, s := range []int{1, 2} {
			shapes = append(shapes, generic.ConvParams{InH: 6, InW: 9, InC: c, OutH: (6 + s - 1) / s, OutW: (9 + s - 1) / s, OutC: c,
				KH: 3, KW: 3, StrideH: s, StrideW: s, PadTop: 1, PadLeft: 1})
		}
	}
	for _, impl := range dwQ8Impls() {
		t.Run(impl.name, func(t *testing.T) {
			if !impl.avail {
				t.Skipf("%s not available on this CPU", impl.name)
			}
			testQ8Conv(t, impl, shapes, true, 7)
		})
	}
}

func TestDWConvNoAllocs(t *testing.T) {
	if !HasAVX2FMA {
		t.Skip("AVX2 not available on this CPU")
	}
	for _, c := range []int{48, 1040} { // channel-outer and pixel-outer, edges in assembly and in Go
		p := generic.ConvParams{InH: 9, InW: 9, InC: c, OutH: 5, OutW: 5, OutC: c, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadTop: 1, PadLeft: 1}
		srcF, dstF := make([]float32, 9*9*c), make([]float32, 5*5*c)
		pkF := PackDWConvF32(&p, make([]float32, 9*c), nil)
		srcQ, wQ, wzp, dstQ := make([]int8, 9*9*c), make([]int8, 9*c), make([]int32, c), make([]int8, 5*5*c)
		rq := &generic.Requant{Scale: make([]float32, c), Min: -128, Max: 127}
		if a := testing.AllocsPerRun(10, func() { DWConvF32AVX2(&p, dstF, srcF, pkF, 0, 5, 0, 6) }); a != 0 {
			t.Errorf("DWConvF32AVX2 c%d: %v allocations per run, want 0", c, a)
		}
		pkQ := PackDWConvQ8(&p, wQ, wzp)
		if a := testing.AllocsPerRun(10, func() { DWConvQ8AVX2(&p, dstQ, srcQ, 3, pkQ, nil, rq, 0, 5) }); a != 0 {
			t.Errorf("DWConvQ8AVX2 c%d: %v allocations per run, want 0", c, a)
		}
		if HasVNNI && SupportsDWConvQ8VNNI(&p, wQ, wzp, 3, rq) {
			pkV := PackDWConvQ8VNNI(&p, wQ, wzp, nil, 3)
			if a := testing.AllocsPerRun(10, func() { DWConvQ8VNNI(&p, dstQ, srcQ, pkV, rq, 0, 5) }); a != 0 {
				t.Errorf("DWConvQ8VNNI c%d: %v allocations per run, want 0", c, a)
			}
		}
	}
}

func TestDWConvSupports(t *testing.T) {
	base := generic.ConvParams{InH: 14, InW: 14, InC: 64, OutH: 14, OutW: 14, OutC: 64, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadTop: 1, PadLeft: 1}
	rq := &generic.Requant{Scale: make([]float32, 8192), Min: -128, Max: 127}
	w, wzp := make([]int8, 9*8192), make([]int32, 8192)
	wide := make([]int8, 9*8192)
	fill(wide, -128)
	wideZP := make([]int32, 8192)
	fill(wideZP, 1) // -128 - 1: beyond int8
	for _, tc := range []struct {
		name           string
		edit           func(p *generic.ConvParams)
		xzp            int32
		rq             *generic.Requant
		w              []int8
		wzp            []int32
		f32, avx2, vnn bool
	}{
		{"mobilenet 14x14x64", func(*generic.ConvParams) {}, -5, rq, w, wzp, true, true, true},
		{"legacy uint8 weights", func(*generic.ConvParams) {}, -5, rq, wide, wideZP, true, true, false},
		{"input zero point -129", func(*generic.ConvParams) {}, -129, rq, w, wzp, true, false, false},
		{"clamp beyond int8", func(*generic.ConvParams) {}, 0, &generic.Requant{Min: -128, Max: 128}, w, wzp, true, false, false},
		{"24 channels", func(p *generic.ConvParams) { p.InC, p.OutC = 24, 24 }, 0, rq, w, wzp, true, true, false},
		{"1040 channels", func(p *generic.ConvParams) { p.InC, p.OutC = 1040, 1040 }, 0, rq, w, wzp, true, true, false},
		{"8200 channels", func(p *generic.ConvParams) { p.InW, p.InC, p.OutW, p.OutC = 3, 8200, 3, 8200 }, 0, rq, w, wzp, true, false, false},
		{"rows of 32769 floats", func(p *generic.ConvParams) { p.InW, p.InC, p.OutW, p.OutC = 1, 32769, 1, 32769 }, 0, rq, w, wzp, false, false, false},
		{"wide rows for the VNNI ring", func(p *generic.ConvParams) { p.InW, p.OutW = 200, 200 }, 0, rq, w, wzp, true, true, false},
		{"depth multiplier 2", func(p *generic.ConvParams) { p.OutC = 128 }, 0, rq, w, wzp, false, false, false},
		{"stride 2", func(p *generic.ConvParams) { p.StrideH, p.StrideW, p.OutH, p.OutW = 2, 2, 7, 7 }, 0, rq, w, wzp, true, true, true},
		{"unequal strides", func(p *generic.ConvParams) { p.StrideH = 2 }, 0, rq, w, wzp, false, false, false},
		{"5x5", func(p *generic.ConvParams) { p.KH, p.KW = 5, 5 }, 0, rq, w, wzp, false, false, false},
	} {
		p := base
		tc.edit(&p)
		if got := SupportsDWConvF32(&p); got != tc.f32 {
			t.Errorf("%s: SupportsDWConvF32 = %v, want %v", tc.name, got, tc.f32)
		}
		if got := SupportsDWConvQ8(&p, tc.xzp, tc.rq); got != tc.avx2 {
			t.Errorf("%s: SupportsDWConvQ8 = %v, want %v", tc.name, got, tc.avx2)
		}
		if got := SupportsDWConvQ8VNNI(&p, tc.w, tc.wzp, tc.xzp, tc.rq); got != tc.vnn {
			t.Errorf("%s: SupportsDWConvQ8VNNI = %v, want %v", tc.name, got, tc.vnn)
		}
	}
}

func TestDWConvRejectsBadInput(t *testing.T) {
	if !HasAVX2FMA {
		t.Skip("AVX2 not available on this CPU")
	}
	p := generic.ConvParams{InH: 4, InW: 4, InC: 8, OutH: 4, OutW: 4, OutC: 8, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadTop: 1, PadLeft: 1}
	for _, tc := range []struct {
		name, want string
		run        func()
	}{
		{"short dst", "short buffers", func() {
			DWConvF32AVX2(&p, make([]float32, 4*4*8-1), make([]float32, 4*4*8), PackDWConvF32(&p, make([]float32, 72), nil), 0, 4, 0, 6)
		}},
		{"rows past OutH", "rows [0,5)", func() {
			rq := &generic.Requant{Scale: make([]float32, 8), Min: -128, Max: 127}
			DWConvQ8AVX2(&p, make([]int8, 4*4*8), make([]int8, 4*4*8), 0, PackDWConvQ8(&p, make([]int8, 72), make([]int32, 8)), nil, rq, 0, 5)
		}},
		{"5x5", "unsupported layer", func() {
			q := p
			q.KH, q.KW = 5, 5
			DWConvF32AVX2(&q, make([]float32, 4*4*8), make([]float32, 4*4*8), PackDWConvF32(&p, make([]float32, 72), nil), 0, 4, 0, 6)
		}},
		{"weights packed for another layer", "packed for another layer", func() {
			q := p
			q.InC, q.OutC = 16, 16
			DWConvF32AVX2(&q, make([]float32, 4*4*16), make([]float32, 4*4*16), PackDWConvF32(&p, make([]float32, 72), nil), 0, 4, 0, 6)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !containsAll(fmt.Sprint(r), tc.want) {
					t.Fatalf("recover() = %v, want a panic containing %q", r, tc.want)
				}
			}()
			tc.run()
		})
	}
}
