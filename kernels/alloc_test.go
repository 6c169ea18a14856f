package kernels_test

import (
	"testing"

	"github.com/edgecam/edgecam/kernels"
	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// TestRunAllocatesNothing: a plan runs without heap allocations, so no
// registered implementation may allocate per call (packing runs at plan time
// and is not counted). Each available implementation runs a layer it
// supports: a pointwise GEMM with a partial tile and panel, MobileNet's first
// layer at a small size, and a depthwise layer with a channel tail.
func TestRunAllocatesNothing(t *testing.T) {
	reg := kernels.All()
	r := kerneltest.Rand(41)
	allocs := func(name string, f func()) {
		t.Helper()
		if a := testing.AllocsPerRun(5, f); a != 0 {
			t.Errorf("%s: %v allocations per call, want 0", name, a)
		}
	}
	const m, k, n = 13, 21, 13
	srcF, wF, biasF, dstF := kerneltest.F32s(r, m*k), kerneltest.F32s(r, n*k), kerneltest.F32s(r, n), make([]float32, m*n)
	for _, impl := range reg.PointwiseF32 {
		if impl.Avail {
			packed := impl.Pack(wF, n, k)
			allocs(impl.Name, func() { impl.Run(dstF, srcF, m, k, n, packed, biasF, 0, 6) })
		}
	}
	srcQ, wQ, biasQ, dstQ := kerneltest.I8s(r, m*k, -128, 127), kerneltest.I8s(r, n*k, -128, 127), kerneltest.I32s(r, n, -999, 999), make([]int8, m*n)
	rq := kerneltest.RandRequant(r, n, 0)
	for _, impl := range reg.PointwiseQ8 {
		if impl.Avail && impl.Supports(&kernels.PointwiseLayer{K: k, N: n, Requant: rq}) {
			packed := impl.Pack(wQ, n, k)
			allocs(impl.Name, func() { impl.Run(dstQ, srcQ, m, k, n, packed, biasQ, 3, rq) })
		}
	}
	first := generic.ConvParams{InH: 32, InW: 32, InC: 3, OutH: 16, OutW: 16, OutC: 32, KH: 3, KW: 3, StrideH: 2, StrideW: 2}
	dw := kerneltest.DWParams(14, 36, 2)
	for _, c := range []struct {
		f32       []*kernels.ConvF32
		q8        []*kernels.ConvQ8
		p         generic.ConvParams
		depthwise bool
	}{{reg.ConvF32, reg.ConvQ8, first, false}, {reg.DWConvF32, reg.DWConvQ8, dw, true}} {
		p := c.p
		src, dst := kerneltest.F32s(r, p.InH*p.InW*p.InC), make([]float32, p.OutH*p.OutW*p.OutC)
		lf := &kernels.ConvF32Layer{Params: p, W: kerneltest.F32s(r, weightLen(&p, c.depthwise)), Bias: kerneltest.F32s(r, p.OutC), Lo: 0, Hi: 6}
		for _, impl := range c.f32 {
			if impl.Avail && impl.Supports(lf) {
				rows := impl.Pack(lf)
				allocs(impl.Name, func() { rows(dst, src, 0, p.OutH) })
			}
		}
		src8, dst8 := kerneltest.I8s(r, p.InH*p.InW*p.InC, -128, 127), make([]int8, p.OutH*p.OutW*p.OutC)
		for scheme := range 3 { // the weight schemes of testConvQ8: narrow, with -128, legacy uint8
			lq := randConvQ8Layer(r, &p, c.depthwise, 3*4+scheme)
			for _, impl := range c.q8 {
				if impl.Avail && impl.Supports(lq) {
					rows := impl.Pack(lq)
					allocs(impl.Name, func() { rows(dst8, src8, 0, p.OutH) })
				}
			}
		}
	}
}
