//go:build gc && !purego

package kernels

import (
	"github.com/edgecam/edgecam/kernels/arm64"
	"github.com/edgecam/edgecam/kernels/generic"
)

// addArchKernels adds the NEON kernels after the generic ones. Availability
// is read once from golang.org/x/sys/cpu through package arm64, the
// in-order core from /proc/cpuinfo (arm64.A53).
func addArchKernels(r *Registry) { addNEONKernels(r, arm64.A53) }

// addNEONKernels adds the NEON kernels; a53 makes the ones scheduled for
// in-order cores available. They are registered before their out-of-order
// twins, which compute the same layers at the same level, so Select picks
// them wherever they are available.
func addNEONKernels(r *Registry, a53 bool) {
	neon := func(name string) Info { return Info{Name: name, Level: NEON, Avail: arm64.HasNEON} }
	inOrder := func(name string) Info { return Info{Name: name, Level: NEON, Avail: arm64.HasNEON && a53} }
	dot := func(name string) Info { return Info{Name: name, Level: DotProd, Avail: arm64.HasDotProd} }

	r.PointwiseF32 = append(r.PointwiseF32, &PointwiseF32{
		Kernel: Kernel[PointwiseLayer]{Info: inOrder("pwconv_f32_neon_a53"), Supports: everyLayer[PointwiseLayer]},
		TileM:  arm64.PointwiseF32TileM, Pack: arm64.PackPointwiseF32, Run: arm64.PointwiseF32A53,
	}, &PointwiseF32{
		Kernel: Kernel[PointwiseLayer]{Info: neon("pwconv_f32_neon"), Supports: everyLayer[PointwiseLayer]},
		TileM:  arm64.PointwiseF32TileM, Pack: arm64.PackPointwiseF32, Run: arm64.PointwiseF32,
	})
	r.PointwiseQ8 = append(r.PointwiseQ8, &PointwiseQ8{
		Kernel: Kernel[PointwiseLayer]{Info: inOrder("pwconv_q8_neon_a53"), Supports: supportsPointwiseQ8},
		TileM:  arm64.PointwiseQ8TileM, Pack: arm64.PackPointwiseQ8, Run: arm64.PointwiseQ8A53,
	}, &PointwiseQ8{
		Kernel: Kernel[PointwiseLayer]{Info: neon("pwconv_q8_neon"), Supports: supportsPointwiseQ8},
		TileM:  arm64.PointwiseQ8TileM, Pack: arm64.PackPointwiseQ8, Run: arm64.PointwiseQ8,
	}, &PointwiseQ8{
		Kernel: Kernel[PointwiseLayer]{Info: dot("pwconv_q8_dotprod"), Supports: supportsPointwiseQ8},
		TileM:  arm64.PointwiseQ8DotTileM, Pack: arm64.PackPointwiseQ8Dot, Run: arm64.PointwiseQ8Dot,
	})

	convF32 := func(info Info, run func(*generic.ConvParams, []float32, []float32, *arm64.ConvF32Weights, int, int, float32, float32)) *ConvF32 {
		return &ConvF32{
			Kernel: Kernel[ConvF32Layer]{Info: info,
				Supports: func(l *ConvF32Layer) bool { return arm64.SupportsConvF32(&l.Params) }},
			Pack: func(l *ConvF32Layer) ConvF32Rows {
				p, lo, hi := l.Params, l.Lo, l.Hi
				pk := arm64.PackConvF32(&p, l.W, l.Bias)
				return func(dst, src []float32, y0, y1 int) { run(&p, dst, src, pk, y0, y1, lo, hi) }
			},
		}
	}
	r.ConvF32 = append(r.ConvF32, convF32(inOrder("conv3x3c3_f32_neon_a53"), arm64.ConvF32A53),
		convF32(neon("conv3x3c3_f32_neon"), arm64.ConvF32))
	convQ8 := func(info Info, run func(*generic.ConvParams, []int8, []int8, int32, *arm64.ConvQ8Weights, *generic.Requant, int, int)) *ConvQ8 {
		return &ConvQ8{
			Kernel: Kernel[ConvQ8Layer]{Info: info,
				Supports: func(l *ConvQ8Layer) bool { return arm64.SupportsConvQ8(&l.Params, l.XZP) }},
			Pack: func(l *ConvQ8Layer) ConvQ8Rows {
				p, xzp, rq := l.Params, l.XZP, l.Requant
				pk := arm64.PackConvQ8(&p, l.W, l.WZP, l.Bias)
				return func(dst, src []int8, y0, y1 int) { run(&p, dst, src, xzp, pk, rq, y0, y1) }
			},
		}
	}
	r.ConvQ8 = append(r.ConvQ8, convQ8(inOrder("conv3x3c3_q8_neon_a53"), arm64.ConvQ8A53),
		convQ8(neon("conv3x3c3_q8_neon"), arm64.ConvQ8), &ConvQ8{
			Kernel: Kernel[ConvQ8Layer]{Info: dot("conv3x3c3_q8_dotprod"),
				Supports: func(l *ConvQ8Layer) bool {
					return arm64.SupportsConvQ8Dot(&l.Params, l.W, l.WZP, l.Bias, l.XZP, l.Requant)
				}},
			Pack: func(l *ConvQ8Layer) ConvQ8Rows {
				p := l.Params
				pk := arm64.PackConvQ8Dot(&p, l.W, l.WZP, l.Bias, l.XZP, l.Requant)
				return func(dst, src []int8, y0, y1 int) { arm64.ConvQ8Dot(&p, dst, src, pk, y0, y1) }
			},
		})

	dwF32 := func(info Info, run func(*generic.ConvParams, []float32, []float32, []float32, []float32, int, int, float32, float32)) *ConvF32 {
		return &ConvF32{
			Kernel: Kernel[ConvF32Layer]{Info: info,
				Supports: func(l *ConvF32Layer) bool { return arm64.SupportsDWConvF32(&l.Params) }},
			Pack: inPlaceConvF32(run),
		}
	}
	r.DWConvF32 = append(r.DWConvF32, dwF32(inOrder("dwconv3x3_f32_neon_a53"), arm64.DWConvF32A53),
		dwF32(neon("dwconv3x3_f32_neon"), arm64.DWConvF32))
	dwQ8 := func(info Info, run func(*generic.ConvParams, []int8, []int8, int32, *arm64.DWConvQ8Weights, []int32, *generic.Requant, int, int)) *ConvQ8 {
		return &ConvQ8{
			Kernel: Kernel[ConvQ8Layer]{Info: info,
				Supports: func(l *ConvQ8Layer) bool { return arm64.SupportsDWConvQ8(&l.Params, l.XZP) }},
			Pack: func(l *ConvQ8Layer) ConvQ8Rows {
				p, bias, xzp, rq := l.Params, l.Bias, l.XZP, l.Requant
				pk := arm64.PackDWConvQ8(&p, l.W, l.WZP)
				return func(dst, src []int8, y0, y1 int) { run(&p, dst, src, xzp, pk, bias, rq, y0, y1) }
			},
		}
	}
	r.DWConvQ8 = append(r.DWConvQ8, dwQ8(inOrder("dwconv3x3_q8_neon_a53"), arm64.DWConvQ8A53),
		dwQ8(neon("dwconv3x3_q8_neon"), arm64.DWConvQ8), &ConvQ8{
			Kernel: Kernel[ConvQ8Layer]{Info: dot("dwconv3x3_q8_dotprod"),
				Supports: func(l *ConvQ8Layer) bool {
					return arm64.SupportsDWConvQ8Dot(&l.Params, l.W, l.WZP, l.Bias, l.XZP, l.Requant)
				}},
			Pack: func(l *ConvQ8Layer) ConvQ8Rows {
				p := l.Params
				pk := arm64.PackDWConvQ8Dot(&p, l.W, l.WZP, l.Bias, l.XZP, l.Requant)
				return func(dst, src []int8, y0, y1 int) { arm64.DWConvQ8Dot(&p, dst, src, pk, y0, y1) }
			},
		})
}

// supportsPointwiseQ8 is the Supports of both int8 pointwise kernels.
func supportsPointwiseQ8(l *PointwiseLayer) bool { return arm64.SupportsPointwiseQ8(l.K, l.Requant) }
