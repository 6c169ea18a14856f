package generic_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// The drivers of the convolution tests (conv_*_test.go, dwconv_*_test.go):
// each kernel against the obvious reference loop of its specification, on
// kerneltest's convolution cases, with guard bands and unaligned inputs.

// inBounds reports whether input pixel (iy, ix) exists.
func inBounds(p *generic.ConvParams, iy, ix int) bool {
	return iy >= 0 && iy < p.InH && ix >= 0 && ix < p.InW
}

// checkRowsF32 compares rows [y0,y1) with want within kerneltest's bound
// (absSum: the reference on absolute values, terms per sum) and checks that
// every other element of the output and the guard bands still holds the
// sentinel.
func checkRowsF32(t *testing.T, g *kerneltest.Guarded[float32], want, absSum []float32, p *generic.ConvParams, y0, y1, terms int, what string) {
	t.Helper()
	a, b := y0*p.OutW*p.OutC, y1*p.OutW*p.OutC
	kerneltest.CompareF32(t, g.Out()[a:b], want[a:b], absSum[a:b], terms, what)
	g.CheckUntouched(t, a, b, what)
}

func checkRowsI8(t *testing.T, g *kerneltest.Guarded[int8], want []int8, p *generic.ConvParams, y0, y1 int, what string) {
	t.Helper()
	a, b := y0*p.OutW*p.OutC, y1*p.OutW*p.OutC
	kerneltest.CompareI8(t, g.Out()[a:b], want[a:b], what)
	g.CheckUntouched(t, a, b, what)
}

type convF32Func func(p *generic.ConvParams, dst, src, w, bias []float32, y0, y1 int, lo, hi float32)
type convQ8Func func(p *generic.ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant, y0, y1 int)

// weightLen is the number of weights of a conv ([OutC][KH][KW][InC]) or
// depthwise ([KH][KW][C]) layer; taps the number of products per output.
func weightLen(p *generic.ConvParams, depthwise bool) int {
	if depthwise {
		return p.KH * p.KW * p.InC
	}
	return p.OutC * p.KH * p.KW * p.InC
}

func taps(p *generic.ConvParams, depthwise bool) int {
	if depthwise {
		return p.KH * p.KW
	}
	return p.KH * p.KW * p.InC
}

func testConvF32(t *testing.T, depthwise bool, run convF32Func) {
	ref := refConvF32
	if depthwise {
		ref = refDWConvF32
	}
	inf := float32(math.Inf(1))
	r := kerneltest.Rand(11)
	for i, c := range kerneltest.ConvCases(depthwise) {
		p := c.P
		src := kerneltest.Shifted(kerneltest.F32s(r, p.InH*p.InW*p.InC), i%4)
		w := kerneltest.F32s(r, weightLen(&p, depthwise))
		var bias []float32
		if i%4 != 1 {
			bias = kerneltest.F32s(r, p.OutC)
		}
		cl := kerneltest.Clamps[i%len(kerneltest.Clamps)]
		want := ref(&p, src, w, bias, cl.Lo, cl.Hi, c.Y0, c.Y1)
		absSum := ref(&p, kerneltest.Abs(src), kerneltest.Abs(w), kerneltest.Abs(bias), -inf, inf, c.Y0, c.Y1)
		g := kerneltest.NewGuarded[float32](len(want), (i+2)%4)
		run(&p, g.Out(), src, w, bias, c.Y0, c.Y1, cl.Lo, cl.Hi)
		checkRowsF32(t, g, want, absSum, &p, c.Y0, c.Y1, taps(&p, depthwise), fmt.Sprintf("%v clamp=%s", c, cl.Name))
	}
}

func testConvQ8(t *testing.T, depthwise bool, run convQ8Func) {
	ref := refConvQ8
	if depthwise {
		ref = refDWConvQ8
	}
	r := kerneltest.Rand(13)
	for i, c := range kerneltest.ConvCases(depthwise) {
		p := c.P
		src := kerneltest.Shifted(kerneltest.I8s(r, p.InH*p.InW*p.InC, -128, 127), i%4)
		w := kerneltest.I16s(r, weightLen(&p, depthwise), -255, 255)
		var bias []int32
		if i%4 != 1 {
			bias = kerneltest.I32s(r, p.OutC, -20000, 20000)
		}
		xzp := int32(r.IntN(256) - 128)
		rq := kerneltest.FitRequant(kerneltest.RandRequant(r, p.OutC, i), taps(&p, depthwise), 128, 255)
		want := ref(&p, src, xzp, w, bias, rq, c.Y0, c.Y1)
		g := kerneltest.NewGuarded[int8](len(want), (i+2)%4)
		run(&p, g.Out(), src, xzp, w, bias, rq, c.Y0, c.Y1)
		checkRowsI8(t, g, want, &p, c.Y0, c.Y1, fmt.Sprintf("%v xzp=%d", c, xzp))
	}
}

// dwParams is kerneltest.DWParams by pointer.
func dwParams(in, c, s int) *generic.ConvParams {
	p := kerneltest.DWParams(in, c, s)
	return &p
}
