package generic_test

import (
	"fmt"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

// inBounds reports whether input pixel (iy, ix) exists.
func inBounds(p *generic.ConvParams, iy, ix int) bool {
	return iy >= 0 && iy < p.InH && ix >= 0 && ix < p.InW
}

func refConvF32(p *generic.ConvParams, src, w, bias []float32, lo, hi float32) []float32 {
	dst := make([]float32, p.OutH*p.OutW*p.OutC)
	for oy := 0; oy < p.OutH; oy++ {
		for ox := 0; ox < p.OutW; ox++ {
			for oc := 0; oc < p.OutC; oc++ {
				var acc float32
				if bias != nil {
					acc = bias[oc]
				}
				for ky := 0; ky < p.KH; ky++ {
					for kx := 0; kx < p.KW; kx++ {
						iy, ix := oy*p.StrideH-p.PadTop+ky, ox*p.StrideW-p.PadLeft+kx
						if !inBounds(p, iy, ix) {
							continue
						}
						for ic := 0; ic < p.InC; ic++ {
							acc += src[(iy*p.InW+ix)*p.InC+ic] * w[((oc*p.KH+ky)*p.KW+kx)*p.InC+ic]
						}
					}
				}
				dst[(oy*p.OutW+ox)*p.OutC+oc] = min(max(acc, lo), hi)
			}
		}
	}
	return dst
}

func refConvQ8(p *generic.ConvParams, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant) []int8 {
	dst := make([]int8, p.OutH*p.OutW*p.OutC)
	for oy := 0; oy < p.OutH; oy++ {
		for ox := 0; ox < p.OutW; ox++ {
			for oc := 0; oc < p.OutC; oc++ {
				var acc int32
				if bias != nil {
					acc = bias[oc]
				}
				for ky := 0; ky < p.KH; ky++ {
					for kx := 0; kx < p.KW; kx++ {
						iy, ix := oy*p.StrideH-p.PadTop+ky, ox*p.StrideW-p.PadLeft+kx
						if !inBounds(p, iy, ix) {
							continue
						}
						for ic := 0; ic < p.InC; ic++ {
							acc += (int32(src[(iy*p.InW+ix)*p.InC+ic]) - xzp) * int32(w[((oc*p.KH+ky)*p.KW+kx)*p.InC+ic])
						}
					}
				}
				dst[(oy*p.OutW+ox)*p.OutC+oc] = generic.Requantize(acc, rq.Scale[oc], rq.ZeroPoint, rq.Min, rq.Max)
			}
		}
	}
	return dst
}

func refDWConvF32(p *generic.ConvParams, src, w, bias []float32, lo, hi float32) []float32 {
	C := p.OutC
	dst := make([]float32, p.OutH*p.OutW*C)
	for oy := 0; oy < p.OutH; oy++ {
		for ox := 0; ox < p.OutW; ox++ {
			for c := 0; c < C; c++ {
				var acc float32
				if bias != nil {
					acc = bias[c]
				}
				for ky := 0; ky < p.KH; ky++ {
					for kx := 0; kx < p.KW; kx++ {
						iy, ix := oy*p.StrideH-p.PadTop+ky, ox*p.StrideW-p.PadLeft+kx
						if inBounds(p, iy, ix) {
							acc += src[(iy*p.InW+ix)*C+c] * w[(ky*p.KW+kx)*C+c]
						}
					}
				}
				dst[(oy*p.OutW+ox)*C+c] = min(max(acc, lo), hi)
			}
		}
	}
	return dst
}

func refDWConvQ8(p *generic.ConvParams, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant) []int8 {
	C := p.OutC
	dst := make([]int8, p.OutH*p.OutW*C)
	for oy := 0; oy < p.OutH; oy++ {
		for ox := 0; ox < p.OutW; ox++ {
			for c := 0; c < C; c++ {
				var acc int32
				if bias != nil {
					acc = bias[c]
				}
				for ky := 0; ky < p.KH; ky++ {
					for kx := 0; kx < p.KW; kx++ {
						iy, ix := oy*p.StrideH-p.PadTop+ky, ox*p.StrideW-p.PadLeft+kx
						if inBounds(p, iy, ix) {
							acc += (int32(src[(iy*p.InW+ix)*C+c]) - xzp) * int32(w[(ky*p.KW+kx)*C+c])
						}
					}
				}
				dst[(oy*p.OutW+ox)*C+c] = generic.Requantize(acc, rq.Scale[c], rq.ZeroPoint, rq.Min, rq.Max)
			}
		}
	}
	return dst
}

// samePad returns TF SAME output size and padding before for one dimension.
func samePad(in, k, s int) (out, before int) {
	out = (in + s - 1) / s
	total := max((out-1)*s+k-in, 0)
	return out, total / 2
}

// convCase is one shape: params plus the row range to compute.
type convCase struct {
	p      generic.ConvParams
	y0, y1 int
}

func (c convCase) String() string {
	p := c.p
	return fmt.Sprintf("in%dx%dx%d_out%dx%dx%d_k%dx%d_s%dx%d_pad%d,%d_rows%d-%d",
		p.InH, p.InW, p.InC, p.OutH, p.OutW, p.OutC, p.KH, p.KW, p.StrideH, p.StrideW, p.PadTop, p.PadLeft, c.y0, c.y1)
}

// awkwardChannels are the channel counts of ncnn's awkward-shape tests, plus
// counts on both sides of the depthwise loop-order switch (dwChannelsMaxC =
// 128).
var awkwardChannels = []int{1, 2, 3, 4, 7, 8, 12, 15, 16, 17, 33, 64, 128, 129, 257}

// convCases returns the shapes a convolution kernel must handle: a sweep of
// 3x3 SAME layers (stride 1 and 2, widths 1..17, awkward channels), then
// random kernels, strides, paddings (SAME, VALID, arbitrary) and row ranges.
// outC is set equal to inC when depthwise.
func convCases(depthwise bool, seed uint64) []convCase {
	r := newRand(seed)
	var cases []convCase
	add := func(p generic.ConvParams, rows bool) {
		if p.OutH <= 0 || p.OutW <= 0 {
			return
		}
		if depthwise {
			p.OutC = p.InC
		}
		y0, y1 := 0, p.OutH
		if rows && p.OutH > 1 {
			y0 = r.IntN(p.OutH)
			y1 = y0 + 1 + r.IntN(p.OutH-y0)
		}
		cases = append(cases, convCase{p: p, y0: y0, y1: y1})
	}
	chans := awkwardChannels
	if !depthwise {
		chans = []int{1, 2, 3, 4, 7, 8, 17}
	}
	for i, c := range chans {
		for _, s := range []int{1, 2} {
			for w := 1; w <= 17; w++ {
				h := 1 + (w*7+i)%6
				oh, pt := samePad(h, 3, s)
				ow, pl := samePad(w, 3, s)
				oc := 1 + (w+c)%17
				add(generic.ConvParams{InH: h, InW: w, InC: c, OutH: oh, OutW: ow, OutC: oc, KH: 3, KW: 3, StrideH: s, StrideW: s, PadTop: pt, PadLeft: pl}, w%3 == 0)
			}
		}
	}
	for range 300 {
		kh, kw := 1+r.IntN(5), 1+r.IntN(5)
		sh, sw := 1+r.IntN(3), 1+r.IntN(3)
		h, w := 1+r.IntN(13), 1+r.IntN(13)
		c := awkwardChannels[r.IntN(len(awkwardChannels))]
		if !depthwise {
			c = 1 + r.IntN(9)
		}
		p := generic.ConvParams{InH: h, InW: w, InC: c, OutC: 1 + r.IntN(19), KH: kh, KW: kw, StrideH: sh, StrideW: sw}
		switch r.IntN(3) {
		case 0: // SAME
			p.OutH, p.PadTop = samePad(h, kh, sh)
			p.OutW, p.PadLeft = samePad(w, kw, sw)
		case 1: // VALID
			p.OutH, p.OutW = (h-kh)/sh+1, (w-kw)/sw+1
			if h < kh || w < kw {
				continue
			}
		default: // arbitrary before and after padding, below the kernel size
			p.PadTop, p.PadLeft = r.IntN(kh), r.IntN(kw)
			p.OutH = (h+p.PadTop+r.IntN(kh)-kh)/sh + 1
			p.OutW = (w+p.PadLeft+r.IntN(kw)-kw)/sw + 1
			if h+p.PadTop < kh || w+p.PadLeft < kw {
				continue
			}
		}
		add(p, r.IntN(2) == 0)
	}
	return cases
}

// rowSpan is the element range of output rows [y0, y1).
func rowSpan(p *generic.ConvParams, y0, y1 int) (int, int) {
	return y0 * p.OutW * p.OutC, y1 * p.OutW * p.OutC
}

// checkRowsF32 compares rows [y0,y1) with want and checks that every other
// element of the output (and the guard bands) still holds the sentinel.
func checkRowsF32(t *testing.T, g *guardedF32, want []float32, p *generic.ConvParams, y0, y1 int, what string) {
	t.Helper()
	a, b := rowSpan(p, y0, y1)
	out := g.out()
	compareF32(t, out[a:b], want[a:b], what)
	for i, v := range out {
		if (i < a || i >= b) && v != sentinelF32 {
			t.Fatalf("%s: element %d outside rows [%d,%d) written", what, i, y0, y1)
		}
	}
	g.checkGuards(t)
}

func checkRowsI8(t *testing.T, g *guardedI8, want []int8, p *generic.ConvParams, y0, y1 int, what string) {
	t.Helper()
	a, b := rowSpan(p, y0, y1)
	out := g.out()
	compareI8(t, out[a:b], want[a:b], what)
	for i, v := range out {
		if (i < a || i >= b) && v != sentinelI8 {
			t.Fatalf("%s: element %d outside rows [%d,%d) written", what, i, y0, y1)
		}
	}
	g.checkGuards(t)
}

type convF32Func func(p *generic.ConvParams, dst, src, w, bias []float32, y0, y1 int, lo, hi float32)
type convQ8Func func(p *generic.ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant, y0, y1 int)

func testConvF32(t *testing.T, depthwise bool, run convF32Func) {
	ref := refConvF32
	if depthwise {
		ref = refDWConvF32
	}
	r := newRand(11)
	for i, c := range convCases(depthwise, 12) {
		p := c.p
		nw := p.OutC * p.KH * p.KW * p.InC
		if depthwise {
			nw = p.KH * p.KW * p.InC
		}
		src := offsetF32(randF32(r, p.InH*p.InW*p.InC), i%4)
		w := randF32(r, nw)
		var bias []float32
		if i%4 != 1 {
			bias = randF32(r, p.OutC)
		}
		cl := clampsF32[i%len(clampsF32)]
		want := ref(&p, src, w, bias, cl.lo, cl.hi)
		g := newGuardedF32(len(want), (i+2)%4)
		run(&p, g.out(), src, w, bias, c.y0, c.y1, cl.lo, cl.hi)
		checkRowsF32(t, g, want, &p, c.y0, c.y1, c.String())
	}
}

func testConvQ8(t *testing.T, depthwise bool, run convQ8Func) {
	ref := refConvQ8
	if depthwise {
		ref = refDWConvQ8
	}
	r := newRand(13)
	for i, c := range convCases(depthwise, 14) {
		p := c.p
		nw := p.OutC * p.KH * p.KW * p.InC
		if depthwise {
			nw = p.KH * p.KW * p.InC
		}
		src := offsetI8(randI8(r, p.InH*p.InW*p.InC), i%4)
		w := randI16(r, nw, -255, 255)
		var bias []int32
		if i%4 != 1 {
			bias = randI32(r, p.OutC, -20000, 20000)
		}
		xzp := int32(r.IntN(256) - 128)
		rq := randRequant(r, p.OutC, i)
		want := ref(&p, src, xzp, w, bias, rq)
		g := newGuardedI8(len(want), (i+2)%4)
		run(&p, g.out(), src, xzp, w, bias, rq, c.y0, c.y1)
		checkRowsI8(t, g, want, &p, c.y0, c.y1, fmt.Sprintf("%v xzp=%d", c, xzp))
	}
}

func TestConvF32(t *testing.T)   { testConvF32(t, false, generic.ConvF32) }
func TestDWConvF32(t *testing.T) { testConvF32(t, true, generic.DWConvF32) }
func TestConvQ8(t *testing.T)    { testConvQ8(t, false, generic.ConvQ8) }
func TestDWConvQ8(t *testing.T)  { testConvQ8(t, true, generic.DWConvQ8) }

// TestConvQ8WideZeroPoint covers input zero points outside int8 (the plain
// path) and the extreme weights int16 allows.
func TestConvQ8WideZeroPoint(t *testing.T) {
	r := newRand(15)
	p := generic.ConvParams{InH: 9, InW: 8, InC: 3, OutH: 5, OutW: 4, OutC: 5, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadTop: 1, PadLeft: 0}
	for _, xzp := range []int32{-128, 127, 300, -1000} {
		src := randI8(r, p.InH*p.InW*p.InC)
		w := randI16(r, p.OutC*27, -32768, 32767)
		rq := &generic.Requant{Scale: []float32{1e-6, 1e-5, 1e-4, 2e-6, 3e-7}, Min: -128, Max: 127}
		want := refConvQ8(&p, src, xzp, w, nil, rq)
		got := make([]int8, len(want))
		generic.ConvQ8(&p, got, src, xzp, w, nil, rq, 0, p.OutH)
		compareI8(t, got, want, fmt.Sprintf("xzp=%d", xzp))
	}
}

// TestFirstLayerShape runs the exact first layer of MobileNet 1.0/224 at a
// smaller size with the asymmetric SAME padding (0 before, 1 after).
func TestFirstLayerShape(t *testing.T) {
	r := newRand(16)
	p := generic.ConvParams{InH: 32, InW: 32, InC: 3, OutH: 16, OutW: 16, OutC: 32, KH: 3, KW: 3, StrideH: 2, StrideW: 2}
	src, w, bias := randF32(r, 32*32*3), randF32(r, 32*27), randF32(r, 32)
	want := refConvF32(&p, src, w, bias, 0, 6)
	got := make([]float32, len(want))
	generic.ConvF32(&p, got, src, w, bias, 0, 16, 0, 6)
	compareF32(t, got, want, "first layer f32")

	src8, w16, b32 := randI8(r, 32*32*3), randI16(r, 32*27, -255, 255), randI32(r, 32, -1000, 1000)
	rq := randRequant(r, 32, 1)
	want8 := refConvQ8(&p, src8, 5, w16, b32, rq)
	got8 := make([]int8, len(want8))
	generic.ConvQ8(&p, got8, src8, 5, w16, b32, rq, 0, 16)
	compareI8(t, got8, want8, "first layer q8")
}
