package kernels

import "github.com/edgecam/edgecam/kernels/generic"

// Registry lists every implementation of each op, generic first.
type Registry struct {
	PointwiseF32 []*PointwiseF32 // pwconv_f32 (and fully connected)
	PointwiseQ8  []*PointwiseQ8  // pwconv_q8
	ConvF32      []*ConvF32      // conv_f32: full convolution (the first layer)
	ConvQ8       []*ConvQ8       // conv_q8
	DWConvF32    []*ConvF32      // dwconv_f32: depthwise convolution
	DWConvQ8     []*ConvQ8       // dwconv_q8
}

var registry = newRegistry()

// All returns the registry.
func All() *Registry { return registry }

// Explain returns Select's verdict at level want on every registered
// implementation of every op, for a layer each of them supports.
func (r *Registry) Explain(want Level) []Candidate {
	var out []Candidate
	out = append(out, Explain("conv_f32", r.ConvF32, want, nil)...)
	out = append(out, Explain("dwconv_f32", r.DWConvF32, want, nil)...)
	out = append(out, Explain("pwconv_f32", r.PointwiseF32, want, nil)...)
	out = append(out, Explain("conv_q8", r.ConvQ8, want, nil)...)
	out = append(out, Explain("dwconv_q8", r.DWConvQ8, want, nil)...)
	return append(out, Explain("pwconv_q8", r.PointwiseQ8, want, nil)...)
}

// newRegistry returns the generic implementations plus those of this
// architecture (addArchKernels).
func newRegistry() *Registry {
	r := &Registry{
		PointwiseF32: []*PointwiseF32{{
			Kernel: genericKernel[PointwiseLayer]("pwconv_f32_generic"), TileM: generic.PointwiseTileM,
			Pack: generic.PackPointwiseF32, Run: generic.PointwiseF32,
		}},
		PointwiseQ8: []*PointwiseQ8{{
			Kernel: genericKernel[PointwiseLayer]("pwconv_q8_generic"), TileM: generic.PointwiseTileM,
			Pack: generic.PackPointwiseQ8, Run: generic.PointwiseQ8,
		}},
		ConvF32: []*ConvF32{{
			Kernel: genericKernel[ConvF32Layer]("conv_f32_generic"), Pack: inPlaceConvF32(generic.ConvF32),
		}},
		ConvQ8: []*ConvQ8{{
			Kernel: genericKernel[ConvQ8Layer]("conv_q8_generic"), Pack: genericConvQ8(generic.PackConvQ8, generic.ConvQ8),
		}},
		DWConvF32: []*ConvF32{{
			Kernel: genericKernel[ConvF32Layer]("dwconv_f32_generic"), Pack: inPlaceConvF32(generic.DWConvF32),
		}},
		DWConvQ8: []*ConvQ8{{
			Kernel: genericKernel[ConvQ8Layer]("dwconv_q8_generic"), Pack: genericConvQ8(generic.PackDWConvQ8, generic.DWConvQ8),
		}},
	}
	addArchKernels(r)
	return r
}

// genericKernel is the metadata of a pure-Go implementation: always
// available, every layer supported.
func genericKernel[S any](name string) Kernel[S] {
	return Kernel[S]{Info: Info{Name: name, Level: Generic, Avail: true}, Supports: everyLayer[S]}
}

// everyLayer is the Supports of the generic implementations.
func everyLayer[S any](*S) bool { return true }

// inPlaceConvF32 is the Pack of a float32 convolution that reads the weights
// as they are (the generic ones, the NEON depthwise one).
func inPlaceConvF32(run func(p *generic.ConvParams, dst, src, w, bias []float32, y0, y1 int, lo, hi float32)) func(*ConvF32Layer) ConvF32Rows {
	return func(l *ConvF32Layer) ConvF32Rows {
		p, w, bias, lo, hi := l.Params, l.W, l.Bias, l.Lo, l.Hi
		return func(dst, src []float32, y0, y1 int) { run(&p, dst, src, w, bias, y0, y1, lo, hi) }
	}
}

// genericConvQ8 is the Pack of a generic int8 convolution: pack widens the
// weights minus their zero points to int16.
func genericConvQ8(pack func(p *generic.ConvParams, w []int8, wzp []int32) []int16,
	run func(p *generic.ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant, y0, y1 int)) func(*ConvQ8Layer) ConvQ8Rows {
	return func(l *ConvQ8Layer) ConvQ8Rows {
		p, bias, xzp, rq := l.Params, l.Bias, l.XZP, l.Requant
		w16 := pack(&p, l.W, l.WZP)
		return func(dst, src []int8, y0, y1 int) { run(&p, dst, src, xzp, w16, bias, rq, y0, y1) }
	}
}
