//go:build arm64 && !purego

package arm64

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

// Layer shapes of MobileNet-V1 1.0/224 (m = output pixels, k = input
// channels, n = output channels for pointwise; H = W = input size for
// depthwise).
var (
	benchPW = [][3]int{{3136, 128, 128}, {196, 512, 512}, {49, 1024, 1024}}
	benchDW = []struct{ in, c, s int }{{112, 32, 1}, {56, 128, 1}, {56, 128, 2}, {14, 512, 1}}
)

func BenchmarkPointwiseF32(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	for _, sh := range benchPW {
		m, k, n := sh[0], sh[1], sh[2]
		src, w, bias := randF32(r, m*k), randF32(r, n*k), randF32(r, n)
		dst := make([]float32, m*n)
		for _, impl := range []struct {
			name string
			pack func([]float32, int, int) []float32
			run  func(dst, src []float32, m, k, n int, packed, bias []float32, lo, hi float32)
		}{{"generic", generic.PackPointwiseF32, generic.PointwiseF32}, {"neon", PackPointwiseF32, PointwiseF32}} {
			packed := impl.pack(w, n, k)
			b.Run(fmt.Sprintf("%s/m%d_k%d_n%d", impl.name, m, k, n), func(b *testing.B) {
				for b.Loop() {
					impl.run(dst, src, m, k, n, packed, bias, 0, 6)
				}
				b.ReportMetric(float64(m*k*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
			})
		}
	}
}

func BenchmarkPointwiseQ8(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	for _, sh := range benchPW {
		m, k, n := sh[0], sh[1], sh[2]
		src, w := randQ8(r, m*k, -128), randQ8(r, n*k, -128)
		bias := make([]int32, n)
		dst := make([]int8, m*n)
		rq := randRequant(r, n, 0)
		impls := []q8Impl{{"generic", true, generic.PackPointwiseQ8, generic.PointwiseQ8}}
		impls = append(impls, q8Impls()...)
		for _, impl := range impls {
			if !impl.avail {
				continue
			}
			packed := impl.pack(w, n, k)
			b.Run(fmt.Sprintf("%s/m%d_k%d_n%d", impl.name, m, k, n), func(b *testing.B) {
				for b.Loop() {
					impl.run(dst, src, m, k, n, packed, bias, 0, rq)
				}
				b.ReportMetric(float64(m*k*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
			})
		}
	}
}

func BenchmarkDWConv3x3(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	for _, sh := range benchDW {
		out := (sh.in + sh.s - 1) / sh.s
		pad := max((out-1)*sh.s+3-sh.in, 0) / 2
		p := generic.ConvParams{InH: sh.in, InW: sh.in, InC: sh.c, OutH: out, OutW: out, OutC: sh.c,
			KH: 3, KW: 3, StrideH: sh.s, StrideW: sh.s, PadTop: pad, PadLeft: pad}
		shape := fmt.Sprintf("in%d_c%d_s%d", sh.in, sh.c, sh.s)
		srcF, wF, biasF := randF32(r, sh.in*sh.in*sh.c), randF32(r, 9*sh.c), randF32(r, sh.c)
		dstF := make([]float32, out*out*sh.c)
		srcQ := randQ8(r, sh.in*sh.in*sh.c, -128)
		wQ := make([]int16, 9*sh.c)
		biasQ := make([]int32, sh.c)
		dstQ := make([]int8, out*out*sh.c)
		rq := randRequant(r, sh.c, 0)
		for _, impl := range []struct {
			name string
			run  func()
		}{
			{"f32_generic", func() { generic.DWConvF32(&p, dstF, srcF, wF, biasF, 0, out, 0, 6) }},
			{"f32_neon", func() { DWConv3x3F32(&p, dstF, srcF, wF, biasF, 0, out, 0, 6) }},
			{"q8_generic", func() { generic.DWConvQ8(&p, dstQ, srcQ, 3, wQ, biasQ, rq, 0, out) }},
			{"q8_neon", func() { DWConv3x3Q8(&p, dstQ, srcQ, 3, wQ, biasQ, rq, 0, out) }},
		} {
			b.Run(impl.name+"/"+shape, func(b *testing.B) {
				for b.Loop() {
					impl.run()
				}
				b.ReportMetric(float64(out*out*sh.c*9)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
			})
		}
	}
}
