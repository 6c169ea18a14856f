//go:build gc && !purego

package kernels

import "github.com/edgecam/edgecam/kernels/amd64"

// addArchKernels adds the AVX2+FMA, AVX-512 and AVX-512 VNNI kernels after
// the generic ones. Availability is read once from golang.org/x/sys/cpu
// through package amd64 (GODEBUG=cpu.avx512f=off and friends mask a level).
func addArchKernels(r *Registry) {
	avx2 := func(name string) Info { return Info{Name: name, Level: AVX2, Avail: amd64.HasAVX2FMA} }
	avx512 := func(name string) Info { return Info{Name: name, Level: AVX512, Avail: amd64.HasAVX512} }
	vnni := func(name string) Info { return Info{Name: name, Level: VNNI, Avail: amd64.HasVNNI} }
	q8Clamp := func(l *PointwiseLayer) bool { return amd64.SupportsPointwiseQ8(l.Requant) }

	r.PointwiseF32 = append(r.PointwiseF32, &PointwiseF32{
		Kernel: Kernel[PointwiseLayer]{Info: avx2("pwconv_f32_avx2"), Supports: everyLayer[PointwiseLayer]},
		TileM:  amd64.PointwiseF32AVX2TileM, Pack: amd64.PackPointwiseF32AVX2, Run: amd64.PointwiseF32AVX2,
	}, &PointwiseF32{
		Kernel: Kernel[PointwiseLayer]{Info: avx512("pwconv_f32_avx512"), Supports: everyLayer[PointwiseLayer]},
		TileM:  amd64.PointwiseF32AVX512TileM, Pack: amd64.PackPointwiseF32AVX512, Run: amd64.PointwiseF32AVX512,
	})
	r.PointwiseQ8 = append(r.PointwiseQ8, &PointwiseQ8{
		Kernel: Kernel[PointwiseLayer]{Info: avx2("pwconv_q8_avx2"), Supports: q8Clamp},
		TileM:  amd64.PointwiseQ8AVX2TileM, Pack: amd64.PackPointwiseQ8AVX2, Run: amd64.PointwiseQ8AVX2,
	}, &PointwiseQ8{
		Kernel: Kernel[PointwiseLayer]{Info: vnni("pwconv_q8_vnni"), Supports: q8Clamp},
		TileM:  amd64.PointwiseQ8VNNITileM, Pack: amd64.PackPointwiseQ8VNNI, Run: amd64.PointwiseQ8VNNI,
	})

	r.ConvF32 = append(r.ConvF32, &ConvF32{
		Kernel: Kernel[ConvF32Layer]{Info: avx2("conv3x3c3_f32_avx2"),
			Supports: func(l *ConvF32Layer) bool { return amd64.SupportsConvF32(&l.Params) }},
		Pack: func(l *ConvF32Layer) ConvF32Rows {
			p, lo, hi := l.Params, l.Lo, l.Hi
			pk := amd64.PackConvF32(&p, l.W, l.Bias)
			return func(dst, src []float32, y0, y1 int) { amd64.ConvF32AVX2(&p, dst, src, pk, y0, y1, lo, hi) }
		},
	})
	r.ConvQ8 = append(r.ConvQ8, &ConvQ8{
		Kernel: Kernel[ConvQ8Layer]{Info: avx2("conv3x3c3_q8_avx2"),
			Supports: func(l *ConvQ8Layer) bool { return amd64.SupportsConvQ8(&l.Params, l.XZP, l.Requant) }},
		Pack: func(l *ConvQ8Layer) ConvQ8Rows {
			p, rq := l.Params, l.Requant
			pk := amd64.PackConvQ8(&p, l.W, l.WZP, l.Bias, l.XZP)
			return func(dst, src []int8, y0, y1 int) { amd64.ConvQ8AVX2(&p, dst, src, pk, rq, y0, y1) }
		},
	}, &ConvQ8{
		Kernel: Kernel[ConvQ8Layer]{Info: vnni("conv3x3c3_q8_vnni"),
			Supports: func(l *ConvQ8Layer) bool {
				return amd64.SupportsConvQ8VNNI(&l.Params, l.W, l.WZP, l.XZP, l.Requant)
			}},
		Pack: func(l *ConvQ8Layer) ConvQ8Rows {
			p, rq := l.Params, l.Requant
			pk := amd64.PackConvQ8VNNI(&p, l.W, l.WZP, l.Bias, l.XZP)
			return func(dst, src []int8, y0, y1 int) { amd64.ConvQ8VNNI(&p, dst, src, pk, rq, y0, y1) }
		},
	})

	r.DWConvF32 = append(r.DWConvF32, &ConvF32{
		Kernel: Kernel[ConvF32Layer]{Info: avx2("dwconv3x3_f32_avx2"),
			Supports: func(l *ConvF32Layer) bool { return amd64.SupportsDWConvF32(&l.Params) }},
		Pack: func(l *ConvF32Layer) ConvF32Rows {
			p, lo, hi := l.Params, l.Lo, l.Hi
			pk := amd64.PackDWConvF32(&p, l.W, l.Bias)
			return func(dst, src []float32, y0, y1 int) { amd64.DWConvF32AVX2(&p, dst, src, pk, y0, y1, lo, hi) }
		},
	})
	r.DWConvQ8 = append(r.DWConvQ8, &ConvQ8{
		Kernel: Kernel[ConvQ8Layer]{Info: avx2("dwconv3x3_q8_avx2"),
			Supports: func(l *ConvQ8Layer) bool { return amd64.SupportsDWConvQ8(&l.Params, l.XZP, l.Requant) }},
		Pack: func(l *ConvQ8Layer) ConvQ8Rows {
			p, bias, xzp, rq := l.Params, l.Bias, l.XZP, l.Requant
			pk := amd64.PackDWConvQ8(&p, l.W, l.WZP)
			return func(dst, src []int8, y0, y1 int) { amd64.DWConvQ8AVX2(&p, dst, src, xzp, pk, bias, rq, y0, y1) }
		},
	}, &ConvQ8{
		Kernel: Kernel[ConvQ8Layer]{Info: vnni("dwconv3x3_q8_vnni"),
			Supports: func(l *ConvQ8Layer) bool {
				return amd64.SupportsDWConvQ8VNNI(&l.Params, l.W, l.WZP, l.XZP, l.Requant)
			}},
		Pack: func(l *ConvQ8Layer) ConvQ8Rows {
			p, rq := l.Params, l.Requant
			pk := amd64.PackDWConvQ8VNNI(&p, l.W, l.WZP, l.Bias, l.XZP)
			return func(dst, src []int8, y0, y1 int) { amd64.DWConvQ8VNNI(&p, dst, src, pk, rq, y0, y1) }
		},
	})
}
