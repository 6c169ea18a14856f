package generic_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// TestConvWideShapes covers what the random cases of conv_test.go rarely
// reach: full convolutions with more taps than one SWAR chunk of ConvQ8
// (KH*KW*InC > 256) and more output channels than one accumulator block
// (64), with the extreme int16 weights and input zero points; depthwise
// layers whose row spans several stack segments, and more channels than the
// stack holds (the plain path).
func TestConvWideShapes(t *testing.T) {
	r := kerneltest.Rand(42)
	full := []generic.ConvParams{
		{InH: 6, InW: 7, InC: 40, OutH: 6, OutW: 7, OutC: 131, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadTop: 1, PadLeft: 1},
		{InH: 5, InW: 9, InC: 64, OutH: 3, OutW: 5, OutC: 65, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadTop: 1, PadLeft: 1},
		{InH: 4, InW: 4, InC: 300, OutH: 2, OutW: 2, OutC: 3, KH: 3, KW: 3, StrideH: 1, StrideW: 1}, // 2700 taps, VALID
	}
	for i, p := range full {
		np := p.OutC * p.KH * p.KW * p.InC
		src, w, bias := kerneltest.F32s(r, p.InH*p.InW*p.InC), kerneltest.F32s(r, np), kerneltest.F32s(r, p.OutC)
		want := refConvF32(&p, src, w, bias, -2, 2, 0, p.OutH)
		absSum := refConvF32(&p, kerneltest.Abs(src), kerneltest.Abs(w), kerneltest.Abs(bias), float32(math.Inf(-1)), float32(math.Inf(1)), 0, p.OutH)
		g := kerneltest.NewGuarded[float32](len(want), i%4)
		generic.ConvF32(&p, g.Out(), src, w, bias, 0, p.OutH, -2, 2)
		checkRowsF32(t, g, want, absSum, &p, 0, p.OutH, taps(&p, false), fmt.Sprintf("ConvF32 %+v", p))

		for _, xzp := range []int32{-128, 127, 0} {
			src8 := kerneltest.I8s(r, p.InH*p.InW*p.InC, -128, 127)
			w16 := kerneltest.I16s(r, np, -32768, 32767)
			if xzp == 0 {
				w16 = kerneltest.I16s(r, np, -255, 255)
			}
			b32 := kerneltest.I32s(r, p.OutC, -20000, 20000)
			rq := kerneltest.RandRequant(r, p.OutC, i)
			if xzp != 0 {
				for c := range rq.Scale {
					rq.Scale[c] = 1e-7 // the sums reach 2^31
				}
			}
			y0 := min(1, p.OutH-1)
			want := refConvQ8(&p, src8, xzp, w16, b32, rq, y0, p.OutH)
			g := kerneltest.NewGuarded[int8](len(want), i%4)
			generic.ConvQ8(&p, g.Out(), src8, xzp, w16, b32, rq, y0, p.OutH)
			checkRowsI8(t, g, want, &p, y0, p.OutH, fmt.Sprintf("ConvQ8 %+v xzp=%d", p, xzp))
		}
	}
	dws := []*generic.ConvParams{dwParams(20, 256, 1), dwParams(15, 1024, 2), dwParams(4, 2100, 1), dwParams(9, 2047, 1)}
	for i, p := range dws {
		np := p.KH * p.KW * p.InC
		src8 := kerneltest.I8s(r, p.InH*p.InW*p.InC, -128, 127)
		w16 := kerneltest.I16s(r, np, -255, 255)
		b32 := kerneltest.I32s(r, p.OutC, -20000, 20000)
		rq := kerneltest.RandRequant(r, p.OutC, i)
		xzp := int32(r.IntN(256) - 128)
		want := refDWConvQ8(p, src8, xzp, w16, b32, rq, 0, p.OutH)
		g := kerneltest.NewGuarded[int8](len(want), i%4)
		generic.DWConvQ8(p, g.Out(), src8, xzp, w16, b32, rq, 0, p.OutH)
		checkRowsI8(t, g, want, p, 0, p.OutH, fmt.Sprintf("DWConvQ8 %+v xzp=%d", *p, xzp))
	}
}
