package kernels_test

import (
	"fmt"
	"testing"

	"github.com/edgecam/edgecam/kernels"
	"github.com/edgecam/edgecam/kernels/generic"
)

// Benchmarks of every available registered implementation on the layer
// shapes of MobileNet-V1 1.0/224, named <impl>/<shape> for benchstat, with
// GMAC/s reported.

var pwLayers = []pwShape{
	{112 * 112, 32, 64}, {56 * 56, 64, 128}, {56 * 56, 128, 128}, {28 * 28, 128, 256},
	{28 * 28, 256, 256}, {14 * 14, 256, 512}, {14 * 14, 512, 512}, {7 * 7, 512, 1024},
	{7 * 7, 1024, 1024},
}

func dwLayer(in, c, s int) generic.ConvParams {
	out, pad := samePad(in, 3, s)
	return generic.ConvParams{InH: in, InW: in, InC: c, OutH: out, OutW: out, OutC: c, KH: 3, KW: 3, StrideH: s, StrideW: s, PadTop: pad, PadLeft: pad}
}

var dwLayers = []generic.ConvParams{
	dwLayer(112, 32, 1), dwLayer(112, 64, 2), dwLayer(56, 128, 1), dwLayer(56, 128, 2), dwLayer(28, 256, 1),
	dwLayer(28, 256, 2), dwLayer(14, 512, 1), dwLayer(14, 512, 2), dwLayer(7, 1024, 1),
}

func gmacs(b *testing.B, macs int) {
	b.ReportMetric(float64(macs)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
}

func BenchmarkPointwiseF32(b *testing.B) {
	for _, impl := range kernels.All().PointwiseF32 {
		for _, s := range pwLayers {
			b.Run(impl.Name+"/"+s.String(), func(b *testing.B) {
				skipUnavailableB(b, impl.Name, impl.Avail)
				r := newRand(5)
				src, w, bias := randF32(r, s.m*s.k), randF32(r, s.n*s.k), randF32(r, s.n)
				packed, dst := impl.Pack(w, s.n, s.k), make([]float32, s.m*s.n)
				for b.Loop() {
					impl.Run(dst, src, s.m, s.k, s.n, packed, bias, 0, 6)
				}
				gmacs(b, s.m*s.k*s.n)
			})
		}
	}
}

func BenchmarkPointwiseQ8(b *testing.B) {
	for _, impl := range kernels.All().PointwiseQ8 {
		for _, s := range pwLayers {
			b.Run(impl.Name+"/"+s.String(), func(b *testing.B) {
				skipUnavailableB(b, impl.Name, impl.Avail)
				r := newRand(6)
				src, w, bias := randI8(r, s.m*s.k, -128), randI8(r, s.n*s.k, -127), randI32(r, s.n, 1000)
				rq := randRequant(r, s.n, 1)
				packed, dst := impl.Pack(w, s.n, s.k), make([]int8, s.m*s.n)
				for b.Loop() {
					impl.Run(dst, src, s.m, s.k, s.n, packed, bias, 0, rq)
				}
				gmacs(b, s.m*s.k*s.n)
			})
		}
	}
}

func BenchmarkDWConvF32(b *testing.B) {
	for _, impl := range kernels.All().DWConvF32 {
		for _, p := range dwLayers {
			b.Run(fmt.Sprintf("%s/in%d_c%d_s%d", impl.Name, p.InH, p.InC, p.StrideH), func(b *testing.B) {
				skipUnavailableB(b, impl.Name, impl.Avail && impl.Supports(&p))
				r := newRand(7)
				src, w, bias := randF32(r, p.InH*p.InW*p.InC), randF32(r, 9*p.InC), randF32(r, p.InC)
				dst := make([]float32, p.OutH*p.OutW*p.OutC)
				for b.Loop() {
					impl.Run(&p, dst, src, w, bias, 0, p.OutH, 0, 6)
				}
				gmacs(b, p.OutH*p.OutW*p.OutC*9)
			})
		}
	}
}

func BenchmarkDWConvQ8(b *testing.B) {
	for _, impl := range kernels.All().DWConvQ8 {
		for _, p := range dwLayers {
			b.Run(fmt.Sprintf("%s/in%d_c%d_s%d", impl.Name, p.InH, p.InC, p.StrideH), func(b *testing.B) {
				skipUnavailableB(b, impl.Name, impl.Avail && impl.Supports(&p))
				r := newRand(8)
				src, w, bias := randI8(r, p.InH*p.InW*p.InC, -128), randI16(r, 9*p.InC, 255), randI32(r, p.InC, 1000)
				rq := randRequant(r, p.InC, 1)
				dst := make([]int8, p.OutH*p.OutW*p.OutC)
				for b.Loop() {
					impl.Run(&p, dst, src, -5, w, bias, rq, 0, p.OutH)
				}
				gmacs(b, p.OutH*p.OutW*p.OutC*9)
			})
		}
	}
}

func skipUnavailableB(b *testing.B, name string, ok bool) {
	b.Helper()
	if !ok {
		b.Skipf("%s is not available for this shape on %s", name, kernels.CPUSummary())
	}
}
