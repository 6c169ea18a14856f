//go:build gc && !purego

package amd64

import (
	"math/rand"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

// mnLayer is one depthwise-separable block of MobileNet-V1 1.0/224: a 3x3
// depthwise layer on an in x in x c input with stride s, then a pointwise
// layer to n channels.
type mnLayer struct{ in, c, s, n int }

var mobileNet = []mnLayer{
	{112, 32, 1, 64}, {112, 64, 2, 128}, {56, 128, 1, 128}, {56, 128, 2, 256}, {28, 256, 1, 256}, {28, 256, 2, 512},
	{14, 512, 1, 512}, {14, 512, 1, 512}, {14, 512, 1, 512}, {14, 512, 1, 512}, {14, 512, 1, 512},
	{14, 512, 2, 1024}, {7, 1024, 1, 1024},
}

// mnKernels is one choice of kernels for the frame benchmark.
type mnKernels struct {
	name  string
	avail bool
	conv  func(p *generic.ConvParams, dst, src, w, bias []float32, y0, y1 int, lo, hi float32)
	dw    func(p *generic.ConvParams, dst, src, w, bias []float32, y0, y1 int, lo, hi float32)
	pw    f32PWImpl
	convQ func(p *generic.ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant, y0, y1 int)
	dwQ   func(p *generic.ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant, y0, y1 int)
	pwQ   q8PWImpl
}

func mnLevels() []mnKernels {
	pw, pwQ := f32PWImpls(), q8PWImpls()
	gen := mnKernels{"generic", true, generic.ConvF32, generic.DWConvF32,
		f32PWImpl{"generic", true, generic.PointwiseTileM, generic.PackPointwiseF32, generic.PointwiseF32},
		generic.ConvQ8, generic.DWConvQ8,
		q8PWImpl{"generic", true, generic.PointwiseTileM, generic.PackPointwiseQ8, generic.PointwiseQ8}}
	return []mnKernels{gen,
		{"avx2", HasAVX2FMA, Conv3x3C3F32AVX2, DWConv3x3F32AVX2, pw[0], Conv3x3C3Q8AVX2, DWConv3x3Q8AVX2, pwQ[0]},
		{"avx512", HasAVX512 && HasVNNI, Conv3x3C3F32AVX2, DWConv3x3F32AVX2, pw[1], Conv3x3C3Q8VNNI, DWConv3x3Q8VNNI, pwQ[1]},
	}
}

// BenchmarkMobileNetFrame runs every convolution of one MobileNet-V1
// 1.0/224 frame (the first 3x3 conv, 13 depthwise and 13 pointwise layers,
// the 1024 -> 1001 classifier; not the pooling and softmax, under 0.1% of
// the work) on one thread through each kernel level, float32 and int8,
// with random weights: the kernels' share of a frame, before the runtime's
// own overheads. avx512 means the AVX-512 float32 and VNNI int8 pointwise
// kernels (and the VNNI int8 first and depthwise layers) beside the AVX2
// float32 depthwise and first-layer ones.
func BenchmarkMobileNetFrame(b *testing.B) {
	for _, k := range mnLevels() {
		if !k.avail {
			continue
		}
		b.Run("float32/"+k.name, func(b *testing.B) { benchFrameF32(b, k) })
		b.Run("int8/"+k.name, func(b *testing.B) { benchFrameQ8(b, k) })
	}
}

func benchFrameF32(b *testing.B, k mnKernels) {
	r := rand.New(rand.NewSource(1))
	x0, x1 := make([]float32, 112*112*64), make([]float32, 112*112*64)
	img := randF32(r, 224*224*3)
	conv := generic.ConvParams{InH: 224, InW: 224, InC: 3, OutH: 112, OutW: 112, OutC: 32, KH: 3, KW: 3, StrideH: 2, StrideW: 2}
	convW, convB := randF32(r, 27*32), randF32(r, 32)
	type layer struct {
		p           generic.ConvParams
		dwW, dwB    []float32
		packed, pwB []float32
		m, kk, n    int
	}
	var ls []layer
	for _, l := range mobileNet {
		p := dwParams(l.in, l.c, l.s)
		ls = append(ls, layer{p, randF32(r, 9*l.c), randF32(r, l.c), k.pw.pack(randF32(r, l.n*l.c), l.n, l.c), randF32(r, l.n),
			p.OutH * p.OutW, l.c, l.n})
	}
	fc := k.pw.pack(randF32(r, 1001*1024), 1001, 1024)
	fcB, logits := randF32(r, 1001), make([]float32, 1001)
	b.ResetTimer()
	for b.Loop() {
		k.conv(&conv, x0, img, convW, convB, 0, 112, 0, 6)
		for _, l := range ls {
			k.dw(&l.p, x1, x0, l.dwW, l.dwB, 0, l.p.OutH, 0, 6)
			k.pw.run(x0, x1, l.m, l.kk, l.n, l.packed, l.pwB, 0, 6)
		}
		k.pw.run(logits, x0[:1024], 1, 1024, 1001, fc, fcB, -1e30, 1e30)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/frame")
}

func benchFrameQ8(b *testing.B, k mnKernels) {
	r := rand.New(rand.NewSource(1))
	x0, x1 := make([]int8, 112*112*64), make([]int8, 112*112*64)
	img := randQ8(r, 224*224*3)
	conv := generic.ConvParams{InH: 224, InW: 224, InC: 3, OutH: 112, OutW: 112, OutC: 32, KH: 3, KW: 3, StrideH: 2, StrideW: 2}
	w16 := func(n int) []int16 {
		w := make([]int16, n)
		for i := range w {
			w[i] = int16(r.Intn(255) - 127)
		}
		return w
	}
	convW, convB, convRq := w16(27*32), make([]int32, 32), randRequant(r, 32, 0)
	type layer struct {
		p          generic.ConvParams
		dwW        []int16
		dwB, pwB   []int32
		dwRq, pwRq *generic.Requant
		packed     []int8
		m, kk, n   int
	}
	var ls []layer
	for _, l := range mobileNet {
		p := dwParams(l.in, l.c, l.s)
		ls = append(ls, layer{p, w16(9 * l.c), make([]int32, l.c), make([]int32, l.n), randRequant(r, l.c, 0), randRequant(r, l.n, 0),
			k.pwQ.pack(randQ8(r, l.n*l.c), l.n, l.c), p.OutH * p.OutW, l.c, l.n})
	}
	fc := k.pwQ.pack(randQ8(r, 1001*1024), 1001, 1024)
	fcB, fcRq, logits := make([]int32, 1001), randRequant(r, 1001, 0), make([]int8, 1001)
	b.ResetTimer()
	for b.Loop() {
		k.convQ(&conv, x0, img, 3, convW, convB, convRq, 0, 112)
		for _, l := range ls {
			k.dwQ(&l.p, x1, x0, -5, l.dwW, l.dwB, l.dwRq, 0, l.p.OutH)
			k.pwQ.run(x0, x1, l.m, l.kk, l.n, l.packed, l.pwB, 0, l.pwRq)
		}
		k.pwQ.run(logits, x0[:1024], 1, 1024, 1001, fc, fcB, 0, fcRq)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/frame")
}
