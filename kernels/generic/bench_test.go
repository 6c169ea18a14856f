package generic_test

import (
	"fmt"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

// pwBenchShapes are the distinct pointwise layers of MobileNet-V1 1.0/224
// (m = output pixels, k = input channels, n = output channels).
var pwBenchShapes = [][3]int{
	{112 * 112, 32, 64},
	{56 * 56, 64, 128},
	{56 * 56, 128, 128},
	{28 * 28, 128, 256},
	{28 * 28, 256, 256},
	{14 * 14, 256, 512},
	{14 * 14, 512, 512},
	{7 * 7, 512, 1024},
	{7 * 7, 1024, 1024},
	{1, 1024, 1001}, // the classifier
}

// dwBenchShapes are the depthwise layers of 1.0/224: input size, channels, stride.
var dwBenchShapes = [][3]int{
	{112, 32, 1}, {112, 64, 2}, {56, 128, 1}, {56, 128, 2}, {28, 256, 1},
	{28, 256, 2}, {14, 512, 1}, {14, 512, 2}, {7, 1024, 1},
}

// measure runs body b.N times and reports GMAC/s per wall second and, where
// the OS gives thread CPU time, per CPU second ("GMAC/cpu-s"): on a shared
// machine the wall figure includes time the thread spent descheduled.
func measure(b *testing.B, macs int64, body func()) {
	defer lockThread()()
	c0, ok := threadCPU()
	for b.Loop() {
		body()
	}
	c1, _ := threadCPU()
	b.ReportMetric(float64(macs)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
	if ok && c1 > c0 {
		b.ReportMetric(float64(macs)*float64(b.N)/(c1-c0).Seconds()/1e9, "GMAC/cpu-s")
	}
}

func BenchmarkPointwiseF32(b *testing.B) {
	for _, s := range pwBenchShapes {
		m, k, n := s[0], s[1], s[2]
		b.Run(fmt.Sprintf("m%d_k%d_n%d", m, k, n), func(b *testing.B) {
			r := newRand(3)
			src, w, bias := randF32(r, m*k), randF32(r, n*k), randF32(r, n)
			packed := generic.PackPointwiseF32(w, n, k)
			dst := make([]float32, m*n)
			measure(b, int64(m*k*n), func() {
				generic.PointwiseF32(dst, src, m, k, n, packed, bias, 0, 6)
			})
		})
	}
}

func BenchmarkPointwiseQ8(b *testing.B) {
	for _, s := range pwBenchShapes {
		m, k, n := s[0], s[1], s[2]
		b.Run(fmt.Sprintf("m%d_k%d_n%d", m, k, n), func(b *testing.B) {
			r := newRand(4)
			src, w, bias := randI8(r, m*k), randI8(r, n*k), randI32(r, n, -1000, 1000)
			rq := randRequant(r, n, 1)
			packed := generic.PackPointwiseQ8(w, n, k)
			dst := make([]int8, m*n)
			measure(b, int64(m*k*n), func() {
				generic.PointwiseQ8(dst, src, m, k, n, packed, bias, 0, rq)
			})
		})
	}
}

func dwParams(in, c, stride int) *generic.ConvParams {
	out := (in + stride - 1) / stride
	total := max((out-1)*stride+3-in, 0)
	return &generic.ConvParams{InH: in, InW: in, InC: c, OutH: out, OutW: out, OutC: c,
		KH: 3, KW: 3, StrideH: stride, StrideW: stride, PadTop: total / 2, PadLeft: total / 2}
}

func BenchmarkDWConvF32(b *testing.B) {
	for _, s := range dwBenchShapes {
		p := dwParams(s[0], s[1], s[2])
		b.Run(fmt.Sprintf("in%d_c%d_s%d", s[0], s[1], s[2]), func(b *testing.B) {
			r := newRand(5)
			src, w, bias := randF32(r, p.InH*p.InW*p.InC), randF32(r, 9*p.InC), randF32(r, p.InC)
			dst := make([]float32, p.OutH*p.OutW*p.OutC)
			measure(b, int64(p.OutH*p.OutW*p.OutC*9), func() {
				generic.DWConvF32(p, dst, src, w, bias, 0, p.OutH, 0, 6)
			})
		})
	}
}

func BenchmarkDWConvQ8(b *testing.B) {
	for _, s := range dwBenchShapes {
		p := dwParams(s[0], s[1], s[2])
		b.Run(fmt.Sprintf("in%d_c%d_s%d", s[0], s[1], s[2]), func(b *testing.B) {
			r := newRand(6)
			src, w, bias := randI8(r, p.InH*p.InW*p.InC), randI16(r, 9*p.InC, -255, 255), randI32(r, p.InC, -1000, 1000)
			rq := randRequant(r, p.InC, 1)
			dst := make([]int8, p.OutH*p.OutW*p.OutC)
			measure(b, int64(p.OutH*p.OutW*p.OutC*9), func() {
				generic.DWConvQ8(p, dst, src, 3, w, bias, rq, 0, p.OutH)
			})
		})
	}
}

// firstConv is layer 0 of 1.0/224: 3x3 stride 2, 3 -> 32, SAME (0 before, 1 after).
var firstConv = &generic.ConvParams{InH: 224, InW: 224, InC: 3, OutH: 112, OutW: 112, OutC: 32,
	KH: 3, KW: 3, StrideH: 2, StrideW: 2}

func BenchmarkConvF32(b *testing.B) {
	p := firstConv
	b.Run("in224_c3_k32_s2", func(b *testing.B) {
		r := newRand(7)
		src, w, bias := randF32(r, p.InH*p.InW*p.InC), randF32(r, p.OutC*9*p.InC), randF32(r, p.OutC)
		dst := make([]float32, p.OutH*p.OutW*p.OutC)
		measure(b, int64(p.OutH*p.OutW*p.OutC*9*p.InC), func() {
			generic.ConvF32(p, dst, src, w, bias, 0, p.OutH, 0, 6)
		})
	})
}

func BenchmarkConvQ8(b *testing.B) {
	p := firstConv
	b.Run("in224_c3_k32_s2", func(b *testing.B) {
		r := newRand(8)
		src, w, bias := randI8(r, p.InH*p.InW*p.InC), randI16(r, p.OutC*9*p.InC, -255, 255), randI32(r, p.OutC, -1000, 1000)
		rq := randRequant(r, p.OutC, 1)
		dst := make([]int8, p.OutH*p.OutW*p.OutC)
		measure(b, int64(p.OutH*p.OutW*p.OutC*9*p.InC), func() {
			generic.ConvQ8(p, dst, src, 0, w, bias, rq, 0, p.OutH)
		})
	})
}

// BenchmarkSoftmax is the classifier softmax over MobileNet's 1001 classes.
func BenchmarkSoftmax(b *testing.B) {
	const n = 1001
	r := newRand(9)
	b.Run("f32_n1001", func(b *testing.B) {
		src, dst := randF32(r, n), make([]float32, n)
		b.ReportAllocs()
		for b.Loop() {
			generic.SoftmaxF32(dst, src, 1)
		}
	})
	b.Run("q8_n1001", func(b *testing.B) {
		src, dst := randI8(r, n), make([]int8, n)
		b.ReportAllocs()
		for b.Loop() {
			generic.SoftmaxQ8(dst, src, 0.14, -20, 1, 1.0/256, -128)
		}
	})
}
