package runtime

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels"
	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// A full convolution (MobileNet's first layer) with no specialised kernel
// runs as im2col + the pointwise GEMM: each output row's receptive fields are
// copied into a per-worker patch matrix of OutW rows by KH*KW*InC columns (the
// weights' own [KH][KW][InC] order) and multiplied with the [OutC][KH*KW*InC]
// filters by the best registered pointwise kernel (NEON on arm64). Padding taps
// hold the real value zero: 0 for float32, the input zero point for int8, so
// that (x - xzp) = 0 after the folded bias.

// im2colRow fills patches with the receptive fields of output row oy.
func im2colRow[T float32 | int8](p *generic.ConvParams, patches, src []T, oy int, pad T) {
	P, rowTaps := p.KH*p.KW*p.InC, p.KW*p.InC
	for ox := 0; ox < p.OutW; ox++ {
		patch := patches[ox*P : (ox+1)*P]
		for ky := 0; ky < p.KH; ky++ {
			iy := oy*p.StrideH - p.PadTop + ky
			row := patch[ky*rowTaps : (ky+1)*rowTaps]
			if iy < 0 || iy >= p.InH {
				fill(row, pad)
				continue
			}
			for kx := 0; kx < p.KW; kx++ {
				ix := ox*p.StrideW - p.PadLeft + kx
				taps := row[kx*p.InC : (kx+1)*p.InC]
				if ix < 0 || ix >= p.InW {
					fill(taps, pad)
					continue
				}
				copy(taps, src[(iy*p.InW+ix)*p.InC:])
			}
		}
	}
}

func fill[T float32 | int8](s []T, v T) {
	for i := range s {
		s[i] = v
	}
}

// scratch allocates one buffer of n elements per worker.
func scratch[T any](workers, n int) [][]T {
	s := make([][]T, workers)
	for i := range s {
		s[i] = make([]T, n)
	}
	return s
}

func (c *compiler) im2colF32Step(op *tflite.Op, info *LayerInfo, p *generic.ConvParams, w, b []float32, lo, hi float32) (step, error) {
	P := p.KH * p.KW * p.InC
	impl, err := kernels.Select(kernels.All().PointwiseF32, c.level, &kernels.PointwiseLayer{K: P, N: p.OutC})
	if err != nil {
		return step{}, err
	}
	info.Kernel = "im2col+" + impl.Name
	packed := impl.Pack(w, p.OutC, P)
	patches := scratch[float32](c.threads, p.OutW*P)
	src, dst := c.f32(op.Inputs[0]), c.f32(op.Outputs[0])
	run, rowLen := impl.Run, p.OutW*p.OutC
	return step{units: p.OutH, run: func(wk, y0, y1 int) {
		pm := patches[wk]
		for oy := y0; oy < y1; oy++ {
			im2colRow(p, pm, src, oy, 0)
			run(dst[oy*rowLen:(oy+1)*rowLen], pm, p.OutW, P, p.OutC, packed, b, lo, hi)
		}
	}}, nil
}

func (c *compiler) im2colQ8Step(op *tflite.Op, info *LayerInfo, p *generic.ConvParams, wq *weightQuant, b []int32, xzp int32, rq *generic.Requant) (step, error) {
	P := p.KH * p.KW * p.InC
	wzp := wq.zp[0]
	for _, z := range wq.zp {
		if z != wzp {
			return step{}, fmt.Errorf("per-channel weight zero points must be equal (got %d and %d)", wzp, z)
		}
	}
	impl, err := kernels.Select(kernels.All().PointwiseQ8, c.level, &kernels.PointwiseLayer{K: P, N: p.OutC, Requant: rq})
	if err != nil {
		return step{}, err
	}
	info.Kernel = "im2col+" + impl.Name
	packed := impl.Pack(wq.values, p.OutC, P)
	folded := generic.FoldPointwiseBiasQ8(b, wq.values, p.OutC, P, xzp, wzp)
	patches := scratch[int8](c.threads, p.OutW*P)
	src, dst := c.i8(op.Inputs[0]), c.i8(op.Outputs[0])
	run, rowLen, pad := impl.Run, p.OutW*p.OutC, int8(xzp)
	return step{units: p.OutH, run: func(wk, y0, y1 int) {
		pm := patches[wk]
		for oy := y0; oy < y1; oy++ {
			im2colRow(p, pm, src, oy, pad)
			run(dst[oy*rowLen:(oy+1)*rowLen], pm, p.OutW, P, p.OutC, packed, folded, wzp, rq)
		}
	}}, nil
}
