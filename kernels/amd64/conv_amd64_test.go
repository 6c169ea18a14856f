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
// strides 1 and 2, VALID, SAME and over-padded, 8 to 128 output channels
// (single blocks, groups of four and more), and a MobileNet-like 2x
// downsampling.
func convShapes() []generic.ConvParams {
	var ps []generic.ConvParams
	outCs := []int{8, 16, 24, 32, 40, 64, 72, 128}
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

func TestConvF32MatchesGeneric(t *testing.T) {
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
		ConvF32AVX2(&p, dst, src, PackConvF32(&p, w, bias), y0, y1, lo, hi)
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

// q8ConvImpl is one int8 convolution kernel under test (first layer or
// depthwise): what its Supports takes, and a run that packs the layer and
// computes rows [y0, y1).
type q8ConvImpl struct {
	name     string
	avail    bool
	supports func(p *generic.ConvParams, w []int8, wzp []int32, xzp int32, rq *generic.Requant) bool
	run      func(p *generic.ConvParams, dst, src, w []int8, wzp, bias []int32, xzp int32, rq *generic.Requant, y0, y1 int)
}

// convQ8Impls are the int8 first-layer kernels under test.
func convQ8Impls() []q8ConvImpl {
	return []q8ConvImpl{{"avx2", HasAVX2FMA,
		func(p *generic.ConvParams, _ []int8, _ []int32, xzp int32, rq *generic.Requant) bool {
			return SupportsConvQ8(p, xzp, rq)
		},
		func(p *generic.ConvParams, dst, src, w []int8, wzp, bias []int32, xzp int32, rq *generic.Requant, y0, y1 int) {
			ConvQ8AVX2(p, dst, src, PackConvQ8(p, w, wzp, bias, xzp), rq, y0, y1)
		}}, {"vnni", HasVNNI, SupportsConvQ8VNNI,
		func(p *generic.ConvParams, dst, src, w []int8, wzp, bias []int32, xzp int32, rq *generic.Requant, y0, y1 int) {
			ConvQ8VNNI(p, dst, src, PackConvQ8VNNI(p, w, wzp, bias, xzp), rq, y0, y1)
		}}}
}

func TestConvQ8MatchesGeneric(t *testing.T) {
	for _, impl := range convQ8Impls() {
		t.Run(impl.name, func(t *testing.T) {
			if !impl.avail {
				t.Skipf("%s not available on this CPU", impl.name)
			}
			testQ8Conv(t, impl, convShapes(), false, 9)
		})
	}
}

// testQ8Conv runs impl and generic on shapes (first-layer or depthwise) with
// three weight schemes: int8 per channel (zero point 0), legacy uint8 with
// one zero point (weights minus it reach +-255), and the extremes of both;
// every few cases an input zero point or a clamp beyond int8. Layers
// outside impl's Supports must be refused (a panic); the others must be
// bit-exact with generic and leave the guard bands untouched.
func testQ8Conv(t *testing.T, impl q8ConvImpl, shapes []generic.ConvParams, depthwise bool, seed int64) {
	r := rand.New(rand.NewSource(seed))
	ran, refused := 0, 0
	for ci, p := range shapes {
		C := p.OutC
		off := ci % 5
		src := randQ8(r, p.InH*p.InW*p.InC)
		nw := 27 * C
		if depthwise {
			nw = 9 * C
		}
		w, wzp := randQ8(r, nw), make([]int32, C)
		if ci%3 == 1 { // legacy uint8 minus one zero point per tensor
			fill(wzp, int32(r.Intn(256)-128))
		}
		xzp := int32(r.Intn(256) - 128)
		switch ci % 6 {
		case 0: // every product at its int8 extreme
			fill(src, -128)
			fill(w, -128)
			xzp = 127
		case 3:
			fill(src, 127)
			fill(w, 127)
			xzp = -128
		case 5: // legacy weights at their widest, -128 - 127
			fill(src, -128)
			fill(w, -128)
			fill(wzp, 127)
			xzp = 127
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
			rq.Scale[j] /= float32(1 + ci%3*30) // keep wide-weight sums from saturating everything
		}
		if ci%13 == 12 {
			rq.Min, rq.Max = -1000, 1000 // beyond int8: refused
		}
		if ci%17 == 16 {
			xzp = 200 // beyond int8: refused
		}
		y0, y1 := 0, p.OutH
		if ci%3 == 2 && p.OutH > 2 {
			y0, y1 = 1, p.OutH-1
		}
		src = unaligned(src, (off+3)%5)
		n := p.OutH * p.OutW * C
		name := fmt.Sprintf("%s in%dx%dx%d_oc%d_s%d_pad%d_rows%d-%d xzp%d wzp%d clamp[%d,%d]",
			impl.name, p.InH, p.InW, p.InC, C, p.StrideH, p.PadTop, y0, y1, xzp, wzp[0], rq.Min, rq.Max)
		if !impl.supports(&p, w, wzp, xzp, rq) {
			mustPanic(t, name, func() { impl.run(&p, make([]int8, n), src, w, wzp, bias, xzp, rq, y0, y1) })
			refused++
			continue
		}
		want := make([]int8, n)
		fill(want, sentinelQ8)
		if depthwise {
			generic.DWConvQ8(&p, want, src, xzp, generic.PackDWConvQ8(&p, w, wzp), bias, rq, y0, y1)
		} else {
			generic.ConvQ8(&p, want, src, xzp, generic.PackConvQ8(&p, w, wzp), bias, rq, y0, y1)
		}
		all, dst := guardedQ8(n, off)
		impl.run(&p, dst, src, w, wzp, bias, xzp, rq, y0, y1)
		checkGuardQ8(t, all, n, off)
		for i := range want {
			if dst[i] != want[i] {
				t.Fatalf("%s: dst[%d] = %d, generic %d", name, i, dst[i], want[i])
			}
		}
		ran++
	}
	if ran == 0 || refused == 0 {
		t.Fatalf("%s: %d cases bit-exact, %d refused: want both", impl.name, ran, refused)
	}
	t.Logf("%s: %d cases bit-exact with generic, %d outside Supports refused", impl.name, ran, refused)
}

// mustPanic fails t unless f panics.
func mustPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Fatalf("%s: computed a layer outside Supports instead of refusing it", name)
		}
	}()
	f()
}

func TestConvNoAllocs(t *testing.T) {
	if !HasAVX2FMA {
		t.Skip("AVX2 not available on this CPU")
	}
	p := generic.ConvParams{InH: 9, InW: 9, InC: 3, OutH: 5, OutW: 5, OutC: 48, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadTop: 1, PadLeft: 1}
	srcF, dstF := make([]float32, 9*9*3), make([]float32, 5*5*48)
	pkF := PackConvF32(&p, make([]float32, 27*48), nil)
	srcQ, wQ, wzp, dstQ := make([]int8, 9*9*3), make([]int8, 27*48), make([]int32, 48), make([]int8, 5*5*48)
	rq := &generic.Requant{Scale: make([]float32, 48), Min: -128, Max: 127}
	if a := testing.AllocsPerRun(10, func() { ConvF32AVX2(&p, dstF, srcF, pkF, 0, 5, 0, 6) }); a != 0 {
		t.Errorf("ConvF32AVX2: %v allocations per run, want 0", a)
	}
	pkQ := PackConvQ8(&p, wQ, wzp, nil, 3)
	if a := testing.AllocsPerRun(10, func() { ConvQ8AVX2(&p, dstQ, srcQ, pkQ, rq, 0, 5) }); a != 0 {
		t.Errorf("ConvQ8AVX2: %v allocations per run, want 0", a)
	}
	if HasVNNI {
		pkV := PackConvQ8VNNI(&p, wQ, wzp, nil, 3)
		if a := testing.AllocsPerRun(10, func() { ConvQ8VNNI(&p, dstQ, srcQ, pkV, rq, 0, 5) }); a != 0 {
			t.Errorf("ConvQ8VNNI: %v allocations per run, want 0", a)
		}
	}
}

func TestConvSupports(t *testing.T) {
	base := generic.ConvParams{InH: 8, InW: 8, InC: 3, OutH: 4, OutW: 4, OutC: 32, KH: 3, KW: 3, StrideH: 2, StrideW: 2}
	int8W, wideW, wzp := make([]int8, 27*72), make([]int8, 27*72), make([]int32, 72)
	fill(int8W, -128)
	fill(wideW, 127)
	wideZP := make([]int32, 72)
	fill(wideZP, -128) // 127 - (-128) = 255: beyond int8
	rq := &generic.Requant{Scale: make([]float32, 72), Min: -128, Max: 127}
	for _, tc := range []struct {
		name        string
		edit        func(p *generic.ConvParams)
		xzp         int32
		rq          *generic.Requant
		w           []int8
		wzp         []int32
		shape, avx2 bool // SupportsConvF32, SupportsConvQ8
		vnni        bool // SupportsConvQ8VNNI
	}{
		{"mobilenet first layer", func(*generic.ConvParams) {}, 5, rq, int8W, wzp, true, true, true},
		{"legacy uint8 weights", func(*generic.ConvParams) {}, 5, rq, wideW, wideZP, true, true, false},
		{"input zero point 128", func(*generic.ConvParams) {}, 128, rq, int8W, wzp, true, false, false},
		{"clamp beyond int8", func(*generic.ConvParams) {}, 0, &generic.Requant{Min: -129, Max: 127}, int8W, wzp, true, false, false},
		{"nil requantization", func(*generic.ConvParams) {}, 0, nil, int8W, wzp, true, false, false},
		{"4 input channels", func(p *generic.ConvParams) { p.InC = 4 }, 0, rq, int8W, wzp, false, false, false},
		{"12 output channels", func(p *generic.ConvParams) { p.OutC = 12 }, 0, rq, int8W, wzp, false, false, false},
		{"24 output channels", func(p *generic.ConvParams) { p.OutC = 24 }, 0, rq, int8W, wzp, true, true, false},
		{"64 output channels", func(p *generic.ConvParams) { p.OutC = 64 }, 0, rq, int8W, wzp, true, true, true},
		{"72 output channels", func(p *generic.ConvParams) { p.OutC = 72 }, 0, rq, int8W, wzp, true, true, false},
		{"stride 3", func(p *generic.ConvParams) { p.StrideH, p.StrideW = 3, 3 }, 0, rq, int8W, wzp, false, false, false},
		{"unequal strides", func(p *generic.ConvParams) { p.StrideH = 1 }, 0, rq, int8W, wzp, false, false, false},
		{"5x5", func(p *generic.ConvParams) { p.KH, p.KW = 5, 5 }, 0, rq, int8W, wzp, false, false, false},
	} {
		p := base
		tc.edit(&p)
		if got := SupportsConvF32(&p); got != tc.shape {
			t.Errorf("%s: SupportsConvF32 = %v, want %v", tc.name, got, tc.shape)
		}
		if got := SupportsConvQ8(&p, tc.xzp, tc.rq); got != tc.avx2 {
			t.Errorf("%s: SupportsConvQ8 = %v, want %v", tc.name, got, tc.avx2)
		}
		if got := SupportsConvQ8VNNI(&p, tc.w, tc.wzp, tc.xzp, tc.rq); got != tc.vnni {
			t.Errorf("%s: SupportsConvQ8VNNI = %v, want %v", tc.name, got, tc.vnni)
		}
	}
}
