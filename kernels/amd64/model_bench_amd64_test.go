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

// Packed layers of the frame benchmark: pack once, then compute rows.
type (
	convF32Rows func(dst, src []float32, y0, y1 int)
	convQ8Rows  func(dst, src []int8, y0, y1 int)
	packConvF32 func(p *generic.ConvParams, w, bias []float32, lo, hi float32) convF32Rows
	packConvQ8  func(p *generic.ConvParams, w []int8, wzp, bias []int32, xzp int32, rq *generic.Requant) convQ8Rows
)

// mnKernels is one choice of kernels for the frame benchmark.
type mnKernels struct {
	name       string
	avail      bool
	conv, dw   packConvF32
	pw         f32PWImpl
	convQ, dwQ packConvQ8
	pwQ        q8PWImpl
}

func mnLevels() []mnKernels {
	pw, pwQ := f32PWImpls(), q8PWImpls()
	genConv := func(p *generic.ConvParams, w, bias []float32, lo, hi float32) convF32Rows {
		return func(dst, src []float32, y0, y1 int) { generic.ConvF32(p, dst, src, w, bias, y0, y1, lo, hi) }
	}
	genDW := func(p *generic.ConvParams, w, bias []float32, lo, hi float32) convF32Rows {
		return func(dst, src []float32, y0, y1 int) { generic.DWConvF32(p, dst, src, w, bias, y0, y1, lo, hi) }
	}
	genConvQ := func(p *generic.ConvParams, w []int8, wzp, bias []int32, xzp int32, rq *generic.Requant) convQ8Rows {
		w16 := generic.PackConvQ8(p, w, wzp)
		return func(dst, src []int8, y0, y1 int) { generic.ConvQ8(p, dst, src, xzp, w16, bias, rq, y0, y1) }
	}
	genDWQ := func(p *generic.ConvParams, w []int8, wzp, bias []int32, xzp int32, rq *generic.Requant) convQ8Rows {
		w16 := generic.PackDWConvQ8(p, w, wzp)
		return func(dst, src []int8, y0, y1 int) { generic.DWConvQ8(p, dst, src, xzp, w16, bias, rq, y0, y1) }
	}
	conv := func(p *generic.ConvParams, w, bias []float32, lo, hi float32) convF32Rows {
		pk := PackConvF32(p, w, bias)
		return func(dst, src []float32, y0, y1 int) { ConvF32AVX2(p, dst, src, pk, y0, y1, lo, hi) }
	}
	dw := func(p *generic.ConvParams, w, bias []float32, lo, hi float32) convF32Rows {
		pk := PackDWConvF32(p, w, bias)
		return func(dst, src []float32, y0, y1 int) { DWConvF32AVX2(p, dst, src, pk, y0, y1, lo, hi) }
	}
	convQ := func(p *generic.ConvParams, w []int8, wzp, bias []int32, xzp int32, rq *generic.Requant) convQ8Rows {
		pk := PackConvQ8(p, w, wzp, bias, xzp)
		return func(dst, src []int8, y0, y1 int) { ConvQ8AVX2(p, dst, src, pk, rq, y0, y1) }
	}
	dwQ := func(p *generic.ConvParams, w []int8, wzp, bias []int32, xzp int32, rq *generic.Requant) convQ8Rows {
		pk := PackDWConvQ8(p, w, wzp)
		return func(dst, src []int8, y0, y1 int) { DWConvQ8AVX2(p, dst, src, xzp, pk, bias, rq, y0, y1) }
	}
	convV := func(p *generic.ConvParams, w []int8, wzp, bias []int32, xzp int32, rq *generic.Requant) convQ8Rows {
		pk := PackConvQ8VNNI(p, w, wzp, bias, xzp)
		return func(dst, src []int8, y0, y1 int) { ConvQ8VNNI(p, dst, src, pk, rq, y0, y1) }
	}
	dwV := func(p *generic.ConvParams, w []int8, wzp, bias []int32, xzp int32, rq *generic.Requant) convQ8Rows {
		pk := PackDWConvQ8VNNI(p, w, wzp, bias, xzp)
		return func(dst, src []int8, y0, y1 int) { DWConvQ8VNNI(p, dst, src, pk, rq, y0, y1) }
	}
	gen := mnKernels{"generic", true, genConv, genDW,
		f32PWImpl{"generic", true, generic.PointwiseTileM, generic.PackPointwiseF32, generic.PointwiseF32},
		genConvQ, genDWQ,
		q8PWImpl{"generic", "PointwiseQ8", true, generic.PointwiseTileM, generic.PackPointwiseQ8, generic.PointwiseQ8}}
	return []mnKernels{gen,
		{"avx2", HasAVX2FMA, conv, dw, pw[0], convQ, dwQ, pwQ[0]},
		{"avx512", HasAVX512 && HasVNNI, conv, dw, pw[1], convV, dwV, pwQ[1]},
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
	first := k.conv(&conv, convW, convB, 0, 6)
	type layer struct {
		p           generic.ConvParams
		dw          convF32Rows
		packed, pwB []float32
		m, kk, n    int
	}
	var ls []layer
	for _, l := range mobileNet {
		p := dwParams(l.in, l.c, l.s)
		ls = append(ls, layer{p, k.dw(&p, randF32(r, 9*l.c), randF32(r, l.c), 0, 6), k.pw.pack(randF32(r, l.n*l.c), l.n, l.c), randF32(r, l.n),
			p.OutH * p.OutW, l.c, l.n})
	}
	fc := k.pw.pack(randF32(r, 1001*1024), 1001, 1024)
	fcB, logits := randF32(r, 1001), make([]float32, 1001)
	b.ResetTimer()
	for b.Loop() {
		first(x0, img, 0, 112)
		for _, l := range ls {
			l.dw(x1, x0, 0, l.p.OutH)
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
	w8 := func(n int) []int8 { // int8 weights, symmetric (zero point 0)
		w := make([]int8, n)
		for i := range w {
			w[i] = int8(r.Intn(255) - 127)
		}
		return w
	}
	first := k.convQ(&conv, w8(27*32), make([]int32, 32), make([]int32, 32), 3, randRequant(r, 32, 0))
	type layer struct {
		p        generic.ConvParams
		dw       convQ8Rows
		pwB      []int32
		pwRq     *generic.Requant
		packed   []int8
		m, kk, n int
	}
	var ls []layer
	for _, l := range mobileNet {
		p := dwParams(l.in, l.c, l.s)
		dw := k.dwQ(&p, w8(9*l.c), make([]int32, l.c), make([]int32, l.c), -5, randRequant(r, l.c, 0))
		ls = append(ls, layer{p, dw, make([]int32, l.n), randRequant(r, l.n, 0),
			k.pwQ.pack(randQ8(r, l.n*l.c), l.n, l.c), p.OutH * p.OutW, l.c, l.n})
	}
	fc := k.pwQ.pack(randQ8(r, 1001*1024), 1001, 1024)
	fcB, fcRq, logits := make([]int32, 1001), randRequant(r, 1001, 0), make([]int8, 1001)
	b.ResetTimer()
	for b.Loop() {
		first(x0, img, 0, 112)
		for _, l := range ls {
			l.dw(x1, x0, 0, l.p.OutH)
			k.pwQ.run(x0, x1, l.m, l.kk, l.n, l.packed, l.pwB, 0, l.pwRq)
		}
		k.pwQ.run(logits, x0[:1024], 1, 1024, 1001, fc, fcB, 0, fcRq)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/frame")
}
