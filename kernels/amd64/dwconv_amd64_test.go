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

func TestDWConv3x3F32MatchesGeneric(t *testing.T) {
	if !HasAVX2FMA {
		t.Skip("AVX2+FMA not available on this CPU")
	}
	r := rand.New(rand.NewSource(6))
	for ci, p := range dwShapes() {
		if !SupportsDWConv3x3(&p) {
			t.Fatalf("SupportsDWConv3x3(%+v) = false", p)
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
		DWConv3x3F32AVX2(&p, dst, src, w, bias, y0, y1, lo, hi)
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
func dwQ8Impls() []struct {
	name  string
	avail bool
	run   func(p *generic.ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant, y0, y1 int)
} {
	return []struct {
		name  string
		avail bool
		run   func(p *generic.ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant, y0, y1 int)
	}{{"avx2", HasAVX2FMA, DWConv3x3Q8AVX2}, {"vnni", HasVNNI, DWConv3x3Q8VNNI}}
}

func TestDWConv3x3Q8MatchesGeneric(t *testing.T) {
	for _, impl := range dwQ8Impls() {
		t.Run(impl.name, func(t *testing.T) {
			if !impl.avail {
				t.Skipf("%s not available on this CPU", impl.name)
			}
			testDWConvQ8(t, impl.run)
		})
	}
}

func testDWConvQ8(t *testing.T, run func(p *generic.ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant, y0, y1 int)) {
	r := rand.New(rand.NewSource(7))
	shapes := dwShapes()
	for _, c := range []int{48, 64} { // more VNNI blocks: 3 and 4 of 16 channels
		for _, s := range []int{1, 2} {
			shapes = append(shapes, generic.ConvParams{InH: 6, InW: 9, InC: c, OutH: (6 + s - 1) / s, OutW: (9 + s - 1) / s, OutC: c,
				KH: 3, KW: 3, StrideH: s, StrideW: s, PadTop: 1, PadLeft: 1})
		}
	}
	for ci, p := range shapes {
		C := p.OutC
		off := ci % 5
		src := randQ8(r, p.InH*p.InW*C)
		w := make([]int16, 9*C)
		for i := range w {
			w[i] = int16(r.Intn(256) - 128) // int8 models
			if ci%3 == 1 {
				w[i] = int16(r.Intn(511) - 255) // legacy uint8 minus a zero point
			}
		}
		xzp := int32(r.Intn(256) - 128)
		switch ci % 6 {
		case 0: // extremes: -128 everywhere, the widest int8 weights
			fill(src, -128)
			fill(w, -128)
			xzp = 127
		case 3:
			fill(src, 127)
			fill(w, 127)
			xzp = -128
		case 5: // legacy uint8 weights at their widest
			fill(src, -128)
			fill(w, 255)
			xzp = 127
		}
		bias := make([]int32, C)
		for i := range bias {
			bias[i] = int32(r.Intn(40001) - 20000)
		}
		if ci%4 == 3 {
			bias = nil
		}
		rq := randRequant(r, C, ci)
		if ci%11 == 10 { // beyond int8: the generic path
			rq.Min, rq.Max = -1000, 1000
		}
		y0, y1 := 0, p.OutH
		if ci%3 == 2 && p.OutH > 2 {
			y0, y1 = 1, p.OutH-1
		}
		src = unaligned(src, (off+2)%5)
		n := p.OutH * p.OutW * C
		want := make([]int8, n)
		fill(want, sentinelQ8)
		generic.DWConvQ8(&p, want, src, xzp, w, bias, rq, y0, y1)
		all, dst := guardedQ8(n, off)
		run(&p, dst, src, xzp, w, bias, rq, y0, y1)
		checkGuardQ8(t, all, n, off)
		for i := range want {
			if dst[i] != want[i] {
				t.Fatalf("in%dx%d_c%d_s%d_pad%d_rows%d-%d xzp%d: dst[%d] = %d, generic %d",
					p.InH, p.InW, C, p.StrideH, p.PadTop, y0, y1, xzp, i, dst[i], want[i])
			}
		}
	}
}

func TestDWConv3x3NoAllocs(t *testing.T) {
	if !HasAVX2FMA {
		t.Skip("AVX2 not available on this CPU")
	}
	p := generic.ConvParams{InH: 9, InW: 9, InC: 48, OutH: 5, OutW: 5, OutC: 48, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadTop: 1, PadLeft: 1}
	srcF, wF, dstF := make([]float32, 9*9*48), make([]float32, 9*48), make([]float32, 5*5*48)
	srcQ, wQ, dstQ := make([]int8, 9*9*48), make([]int16, 9*48), make([]int8, 5*5*48)
	rq := &generic.Requant{Scale: make([]float32, 48), Min: -128, Max: 127}
	if a := testing.AllocsPerRun(10, func() { DWConv3x3F32AVX2(&p, dstF, srcF, wF, nil, 0, 5, 0, 6) }); a != 0 {
		t.Errorf("DWConv3x3F32AVX2: %v allocations per run, want 0", a)
	}
	for _, impl := range dwQ8Impls() {
		if !impl.avail {
			continue
		}
		if a := testing.AllocsPerRun(10, func() { impl.run(&p, dstQ, srcQ, 3, wQ, nil, rq, 0, 5) }); a != 0 {
			t.Errorf("DWConv3x3Q8 %s: %v allocations per run, want 0", impl.name, a)
		}
	}
}

func TestDWConv3x3RejectsBadInput(t *testing.T) {
	if !HasAVX2FMA {
		t.Skip("AVX2 not available on this CPU")
	}
	p := generic.ConvParams{InH: 4, InW: 4, InC: 8, OutH: 4, OutW: 4, OutC: 8, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadTop: 1, PadLeft: 1}
	for _, tc := range []struct {
		name, want string
		run        func()
	}{
		{"short dst", "short buffers", func() {
			DWConv3x3F32AVX2(&p, make([]float32, 4*4*8-1), make([]float32, 4*4*8), make([]float32, 72), nil, 0, 4, 0, 6)
		}},
		{"rows past OutH", "rows [0,5)", func() {
			rq := &generic.Requant{Scale: make([]float32, 8), Min: -128, Max: 127}
			DWConv3x3Q8AVX2(&p, make([]int8, 4*4*8), make([]int8, 4*4*8), 0, make([]int16, 72), nil, rq, 0, 5)
		}},
		{"5x5", "unsupported shape", func() {
			q := p
			q.KH, q.KW = 5, 5
			DWConv3x3F32AVX2(&q, make([]float32, 4*4*8), make([]float32, 4*4*8), make([]float32, 200), nil, 0, 4, 0, 6)
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
