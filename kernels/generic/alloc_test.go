package generic_test

import (
	"fmt"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// TestKernelsAllocateNothing checks that every generic kernel runs without a
// heap allocation: they are the run-time fallback on 32-bit ARM and RISC-V,
// where the plan must not allocate per frame. Packing and bias folding run at
// plan time and are not covered.
func TestKernelsAllocateNothing(t *testing.T) {
	r := kerneltest.Rand(41)
	// The first layer of MobileNet (InC 3), a wide full conv (more taps than
	// one SWAR chunk, more channels than one accumulator block) and an odd
	// channel count with arbitrary padding.
	convs := []*generic.ConvParams{
		{InH: 32, InW: 32, InC: 3, OutH: 16, OutW: 16, OutC: 32, KH: 3, KW: 3, StrideH: 2, StrideW: 2},
		{InH: 6, InW: 7, InC: 40, OutH: 6, OutW: 7, OutC: 131, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadTop: 1, PadLeft: 1},
		{InH: 9, InW: 9, InC: 5, OutH: 4, OutW: 4, OutC: 7, KH: 5, KW: 5, StrideH: 2, StrideW: 2, PadTop: 2, PadLeft: 1},
	}
	// Depthwise: a row in one segment, in several, a 5x5 kernel, and more
	// channels than the stack accumulators hold.
	dws := []*generic.ConvParams{
		dwParams(112, 32, 1), dwParams(14, 512, 2), dwParams(7, 1024, 1),
		{InH: 8, InW: 8, InC: 24, OutH: 8, OutW: 8, OutC: 24, KH: 5, KW: 5, StrideH: 1, StrideW: 1, PadTop: 2, PadLeft: 2},
		dwParams(3, 2100, 1),
	}
	type kernel struct {
		name string
		run  func()
	}
	var ks []kernel
	for _, p := range convs {
		np := p.OutC * p.KH * p.KW * p.InC
		src, w, bias := kerneltest.F32s(r, p.InH*p.InW*p.InC), kerneltest.F32s(r, np), kerneltest.F32s(r, p.OutC)
		dst := make([]float32, p.OutH*p.OutW*p.OutC)
		src8, w16, b32 := kerneltest.I8s(r, p.InH*p.InW*p.InC, -128, 127), kerneltest.I16s(r, np, -255, 255), kerneltest.I32s(r, p.OutC, -1000, 1000)
		rq := kerneltest.RandRequant(r, p.OutC, 0)
		dst8 := make([]int8, len(dst))
		name := fmt.Sprintf("%dx%dx%d_k%dx%d_oc%d", p.InH, p.InW, p.InC, p.KH, p.KW, p.OutC)
		ks = append(ks,
			kernel{"ConvF32/" + name, func() { generic.ConvF32(p, dst, src, w, bias, 0, p.OutH, 0, 6) }},
			kernel{"ConvQ8/" + name, func() { generic.ConvQ8(p, dst8, src8, 3, w16, b32, rq, 0, p.OutH) }},
			kernel{"ConvQ8/wide_zp/" + name, func() { generic.ConvQ8(p, dst8, src8, 300, w16, b32, rq, 1, p.OutH) }},
		)
	}
	for _, p := range dws {
		np := p.KH * p.KW * p.InC
		src, w, bias := kerneltest.F32s(r, p.InH*p.InW*p.InC), kerneltest.F32s(r, np), kerneltest.F32s(r, p.OutC)
		dst := make([]float32, p.OutH*p.OutW*p.OutC)
		src8, w16, b32 := kerneltest.I8s(r, p.InH*p.InW*p.InC, -128, 127), kerneltest.I16s(r, np, -255, 255), kerneltest.I32s(r, p.OutC, -1000, 1000)
		rq := kerneltest.RandRequant(r, p.OutC, 1)
		dst8 := make([]int8, len(dst))
		name := fmt.Sprintf("%dx%dx%d_k%d_s%d", p.InH, p.InW, p.InC, p.KH, p.StrideH)
		ks = append(ks,
			kernel{"DWConvF32/" + name, func() { generic.DWConvF32(p, dst, src, w, bias, 0, p.OutH, 0, 6) }},
			kernel{"DWConvQ8/" + name, func() { generic.DWConvQ8(p, dst8, src8, -7, w16, b32, rq, 0, p.OutH) }},
		)
	}
	{
		const m, k, n = 37, 48, 29
		src, w, bias := kerneltest.F32s(r, m*k), kerneltest.F32s(r, n*k), kerneltest.F32s(r, n)
		packed, dst := generic.PackPointwiseF32(w, n, k), make([]float32, m*n)
		src8, w8, b32 := kerneltest.I8s(r, m*k, -128, 127), kerneltest.I8s(r, n*k, -128, 127), kerneltest.I32s(r, n, -1000, 1000)
		packed8, dst8, rq := generic.PackPointwiseQ8(w8, n, k), make([]int8, m*n), kerneltest.RandRequant(r, n, 2)
		ks = append(ks,
			kernel{"PointwiseF32", func() { generic.PointwiseF32(dst, src, m, k, n, packed, bias, 0, 6) }},
			kernel{"PointwiseQ8", func() { generic.PointwiseQ8(dst8, src8, m, k, n, packed8, b32, 1, rq) }},
		)
	}
	{
		p := &generic.ConvParams{InH: 7, InW: 7, InC: 64, OutH: 1, OutW: 1, OutC: 64, KH: 7, KW: 7, StrideH: 2, StrideW: 2}
		src, dst := kerneltest.F32s(r, 7*7*64), make([]float32, 64)
		src8, dst8 := kerneltest.I8s(r, 7*7*64, -128, 127), make([]int8, 64)
		ks = append(ks,
			kernel{"AvgPoolF32", func() { generic.AvgPoolF32(p, dst, src, -1, 1) }},
			kernel{"AvgPoolQ8", func() { generic.AvgPoolQ8(p, dst8, src8, 3, 0.9, -2, -128, 127) }},
		)
	}
	{
		const n = 1001
		src, dst := kerneltest.F32s(r, n), make([]float32, n)
		src8, dst8 := kerneltest.I8s(r, n, -128, 127), make([]int8, n)
		ks = append(ks,
			kernel{"SoftmaxF32", func() { generic.SoftmaxF32(dst, src, 1) }},
			kernel{"SoftmaxQ8/table", func() { generic.SoftmaxQ8(dst8, src8, 0.1, -3, 1, 1.0/256, -128) }},
			kernel{"SoftmaxQ8/direct", func() { generic.SoftmaxQ8(dst8[:5], src8[:5], 0.1, -3, 1, 1.0/256, -128) }},
			kernel{"QuantizeF32", func() { generic.QuantizeF32(dst8, src, 0.01, 4) }},
			kernel{"DequantizeQ8", func() { generic.DequantizeQ8(dst, src8, 0.01, 4) }},
		)
	}
	for _, k := range ks {
		if a := testing.AllocsPerRun(3, k.run); a != 0 {
			t.Errorf("%s: %v allocations per call, want 0", k.name, a)
		}
	}
}
