//go:build gc && !purego

package amd64

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

// Pointwise layer shapes of MobileNet-V1 1.0/224 (m = output pixels, k =
// input channels, n = output channels), one of each distinct shape, and the
// classifier.
var benchPW = [][3]int{
	{12544, 32, 64}, {3136, 64, 128}, {3136, 128, 128}, {784, 128, 256}, {784, 256, 256},
	{196, 256, 512}, {196, 512, 512}, {49, 512, 1024}, {49, 1024, 1024}, {1, 1024, 1001},
}

// gmacs reports multiply-accumulates per second.
func gmacs(b *testing.B, macs int) {
	b.ReportMetric(float64(macs)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
}

func BenchmarkPointwiseF32(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	impls := append([]f32PWImpl{{"generic", true, generic.PointwiseTileM, generic.PackPointwiseF32, generic.PointwiseF32}}, f32PWImpls()...)
	for _, sh := range benchPW {
		m, k, n := sh[0], sh[1], sh[2]
		src, w, bias := randF32(r, m*k), randF32(r, n*k), randF32(r, n)
		dst := make([]float32, m*n)
		for _, impl := range impls {
			if !impl.avail {
				continue
			}
			packed := impl.pack(w, n, k)
			b.Run(fmt.Sprintf("%s/m%d_k%d_n%d", impl.name, m, k, n), func(b *testing.B) {
				impl.run(dst, src, m, k, n, packed, bias, 0, 6) // fault dst in before the timer starts
				for b.Loop() {
					impl.run(dst, src, m, k, n, packed, bias, 0, 6)
				}
				gmacs(b, m*k*n)
			})
		}
	}
}

func BenchmarkPointwiseQ8(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	impls := append([]q8PWImpl{{"generic", "PointwiseQ8", true, generic.PointwiseTileM, generic.PackPointwiseQ8, generic.PointwiseQ8}}, q8PWImpls()...)
	for _, sh := range benchPW {
		m, k, n := sh[0], sh[1], sh[2]
		src, w := randQ8(r, m*k), randQ8(r, n*k)
		bias := make([]int32, n)
		dst := make([]int8, m*n)
		rq := randRequant(r, n, 0)
		for _, impl := range impls {
			if !impl.avail {
				continue
			}
			packed := impl.pack(w, n, k)
			b.Run(fmt.Sprintf("%s/m%d_k%d_n%d", impl.name, m, k, n), func(b *testing.B) {
				impl.run(dst, src, m, k, n, packed, bias, 0, rq)
				for b.Loop() {
					impl.run(dst, src, m, k, n, packed, bias, 0, rq)
				}
				gmacs(b, m*k*n)
			})
		}
	}
}

// Depthwise layer shapes of MobileNet-V1 1.0/224 (input size, channels,
// stride), one of each distinct shape.
var benchDW = []struct{ in, c, s int }{
	{112, 32, 1}, {112, 64, 2}, {56, 128, 1}, {56, 128, 2}, {28, 256, 1}, {28, 256, 2}, {14, 512, 1}, {14, 512, 2}, {7, 1024, 1},
}

// dwParams is the SAME-padded 3x3 depthwise layer of a benchDW shape.
func dwParams(in, c, s int) generic.ConvParams {
	out := (in + s - 1) / s
	pad := max((out-1)*s+3-in, 0) / 2
	return generic.ConvParams{InH: in, InW: in, InC: c, OutH: out, OutW: out, OutC: c,
		KH: 3, KW: 3, StrideH: s, StrideW: s, PadTop: pad, PadLeft: pad}
}

func BenchmarkDWConv(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	for _, sh := range benchDW {
		p := dwParams(sh.in, sh.c, sh.s)
		shape := fmt.Sprintf("in%d_c%d_s%d", sh.in, sh.c, sh.s)
		srcF, wF, biasF := randF32(r, sh.in*sh.in*sh.c), randF32(r, 9*sh.c), randF32(r, sh.c)
		dstF := make([]float32, p.OutH*p.OutW*sh.c)
		srcQ := randQ8(r, sh.in*sh.in*sh.c)
		wQ := make([]int8, 9*sh.c)
		for i := range wQ {
			wQ[i] = int8(r.Intn(255) - 127)
		}
		wzp, biasQ := make([]int32, sh.c), make([]int32, sh.c)
		dstQ := make([]int8, p.OutH*p.OutW*sh.c)
		rq := randRequant(r, sh.c, 0)
		w16 := generic.PackDWConvQ8(&p, wQ, wzp)
		pkF := PackDWConvF32(&p, wF, biasF)
		var pkQ *DWConvQ8Weights
		var pkV *DWConvQ8VNNIWeights
		if HasAVX2FMA {
			pkQ = PackDWConvQ8(&p, wQ, wzp)
		}
		if HasVNNI {
			pkV = PackDWConvQ8VNNI(&p, wQ, wzp, biasQ, 3)
		}
		for _, impl := range []struct {
			name  string
			avail bool
			run   func()
		}{
			{"f32_generic", true, func() { generic.DWConvF32(&p, dstF, srcF, wF, biasF, 0, p.OutH, 0, 6) }},
			{"f32_avx2", HasAVX2FMA, func() { DWConvF32AVX2(&p, dstF, srcF, pkF, 0, p.OutH, 0, 6) }},
			{"q8_generic", true, func() { generic.DWConvQ8(&p, dstQ, srcQ, 3, w16, biasQ, rq, 0, p.OutH) }},
			{"q8_avx2", HasAVX2FMA, func() { DWConvQ8AVX2(&p, dstQ, srcQ, 3, pkQ, biasQ, rq, 0, p.OutH) }},
			{"q8_vnni", HasVNNI, func() { DWConvQ8VNNI(&p, dstQ, srcQ, pkV, rq, 0, p.OutH) }},
		} {
			if !impl.avail {
				continue
			}
			b.Run(impl.name+"/"+shape, func(b *testing.B) {
				impl.run()
				for b.Loop() {
					impl.run()
				}
				gmacs(b, p.OutH*p.OutW*sh.c*9)
			})
		}
	}
}

// BenchmarkConv3x3C3 runs MobileNet-V1 1.0/224's first layer: 224x224x3 to
// 112x112x32, stride 2, SAME padding (0 before, 1 after).
func BenchmarkConv(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	p := generic.ConvParams{InH: 224, InW: 224, InC: 3, OutH: 112, OutW: 112, OutC: 32, KH: 3, KW: 3, StrideH: 2, StrideW: 2}
	srcF, wF, biasF := randF32(r, 224*224*3), randF32(r, 27*32), randF32(r, 32)
	dstF := make([]float32, 112*112*32)
	srcQ, wQ, wzp := randQ8(r, 224*224*3), randQ8(r, 27*32), make([]int32, 32)
	biasQ, dstQ := make([]int32, 32), make([]int8, 112*112*32)
	rq := randRequant(r, 32, 0)
	w16 := generic.PackConvQ8(&p, wQ, wzp)
	var pkF *ConvF32Weights
	var pkQ *ConvQ8Weights
	var pkV *ConvQ8VNNIWeights
	if HasAVX2FMA {
		pkF, pkQ = PackConvF32(&p, wF, biasF), PackConvQ8(&p, wQ, wzp, biasQ, 3)
	}
	if HasVNNI {
		pkV = PackConvQ8VNNI(&p, wQ, wzp, biasQ, 3)
	}
	for _, impl := range []struct {
		name  string
		avail bool
		run   func()
	}{
		{"f32_generic", true, func() { generic.ConvF32(&p, dstF, srcF, wF, biasF, 0, 112, 0, 6) }},
		{"f32_avx2", HasAVX2FMA, func() { ConvF32AVX2(&p, dstF, srcF, pkF, 0, 112, 0, 6) }},
		{"q8_generic", true, func() { generic.ConvQ8(&p, dstQ, srcQ, 3, w16, biasQ, rq, 0, 112) }},
		{"q8_avx2", HasAVX2FMA, func() { ConvQ8AVX2(&p, dstQ, srcQ, pkQ, rq, 0, 112) }},
		{"q8_vnni", HasVNNI, func() { ConvQ8VNNI(&p, dstQ, srcQ, pkV, rq, 0, 112) }},
	} {
		if !impl.avail {
			continue
		}
		b.Run(impl.name+"/in224_c3_oc32_s2", func(b *testing.B) {
			impl.run()
			for b.Loop() {
				impl.run()
			}
			gmacs(b, 112*112*32*27)
		})
	}
}
