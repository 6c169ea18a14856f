package runtime

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels"
	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// buildConv compiles CONV_2D (a 1x1 stride-1 one as a pointwise GEMM) and
// DEPTHWISE_CONV_2D (depth multiplier 1).
func (c *compiler) buildConv(op *tflite.Op, info *LayerInfo) (step, error) {
	wt := &c.m.Tensors[op.Inputs[1]]
	if len(wt.Shape) != 4 {
		return step{}, fmt.Errorf("weights %d (%q) have shape %v, want 4-D", op.Inputs[1], wt.Name, wt.Shape)
	}
	kh, kw := wt.Shape[1], wt.Shape[2]
	p, err := geometry(c.m, op, kh, kw)
	if err != nil {
		return step{}, err
	}
	dw := op.Kind == tflite.OpDepthwiseConv2D
	if dw {
		if wt.Shape[0] != 1 || wt.Shape[3] != p.OutC || p.OutC != p.InC {
			return step{}, fmt.Errorf("depthwise weights %v for %d -> %d channels: only depth multiplier 1 is supported", wt.Shape, p.InC, p.OutC)
		}
	} else if wt.Shape[0] != p.OutC || wt.Shape[3] != p.InC {
		return step{}, fmt.Errorf("weights %v do not match %d -> %d channels", wt.Shape, p.InC, p.OutC)
	}
	info.Stride = op.StrideH
	bias := biasInput(op)
	info.Params = params(c.m, op.Inputs[1], bias)
	quant, err := c.quantized(op)
	if err != nil {
		return step{}, err
	}
	if !dw && kh == 1 && kw == 1 && op.StrideH == 1 && op.StrideW == 1 {
		info.Type = "pwconv"
		m := p.OutH * p.OutW
		info.MACs = int64(m) * int64(p.InC) * int64(p.OutC)
		if quant {
			return c.pointwiseQ8Step(op, info, bias, m, p.InC, p.OutC)
		}
		return c.pointwiseF32Step(op, info, bias, m, p.InC, p.OutC)
	}
	info.Type = "conv"
	info.MACs = int64(p.OutH) * int64(p.OutW) * int64(p.OutC) * int64(kh*kw) * int64(p.InC)
	if dw {
		info.Type = "dwconv"
		info.MACs = int64(p.OutH) * int64(p.OutW) * int64(p.OutC) * int64(kh*kw)
	}
	if quant {
		return c.convQ8Step(op, info, p, dw, bias)
	}
	return c.convF32Step(op, info, p, dw, bias)
}

// buildFullyConnected compiles FULLY_CONNECTED as a pointwise GEMM over the
// input's rows of k elements.
func (c *compiler) buildFullyConnected(op *tflite.Op, info *LayerInfo) (step, error) {
	wt := &c.m.Tensors[op.Inputs[1]]
	if len(wt.Shape) != 2 || wt.Shape[0] < 1 || wt.Shape[1] < 1 {
		return step{}, fmt.Errorf("weights %d (%q) have shape %v, want [N K]", op.Inputs[1], wt.Name, wt.Shape)
	}
	n, k := wt.Shape[0], wt.Shape[1]
	in, out := &c.m.Tensors[op.Inputs[0]], &c.m.Tensors[op.Outputs[0]]
	if in.Elems()%k != 0 || out.Elems() != in.Elems()/k*n {
		return step{}, fmt.Errorf("input %v and output %v do not match weights %v", in.Shape, out.Shape, wt.Shape)
	}
	m := in.Elems() / k
	info.Type = "fc"
	info.MACs = int64(m) * int64(k) * int64(n)
	bias := biasInput(op)
	info.Params = params(c.m, op.Inputs[1], bias)
	quant, err := c.quantized(op)
	if err != nil {
		return step{}, err
	}
	if quant {
		return c.pointwiseQ8Step(op, info, bias, m, k, n)
	}
	return c.pointwiseF32Step(op, info, bias, m, k, n)
}

// biasInput is the bias tensor of a conv or fully connected op, or -1.
func biasInput(op *tflite.Op) int {
	if len(op.Inputs) > 2 {
		return op.Inputs[2]
	}
	return -1
}

// params counts the weight and bias elements (bias may be -1).
func params(m *tflite.Model, weights, bias int) int64 {
	n := int64(m.Tensors[weights].Elems())
	if bias >= 0 {
		n += int64(m.Tensors[bias].Elems())
	}
	return n
}

// tiles is the number of row tiles of height tile covering m rows.
func tiles(m, tile int) int { return (m + tile - 1) / tile }

func (c *compiler) pointwiseF32Step(op *tflite.Op, info *LayerInfo, bias, m, k, n int) (step, error) {
	w, err := constFloat32s(c.m, op.Inputs[1], n*k)
	if err != nil {
		return step{}, err
	}
	var b []float32
	if bias >= 0 {
		if b, err = constFloat32s(c.m, bias, n); err != nil {
			return step{}, fmt.Errorf("bias: %w", err)
		}
	}
	lo, hi, err := floatClamp(op.Activation)
	if err != nil {
		return step{}, err
	}
	impl, err := kernels.Select(kernels.All().PointwiseF32, c.level, &kernels.PointwiseLayer{K: k, N: n})
	if err != nil {
		return step{}, err
	}
	info.Kernel = impl.Name
	src, dst := c.f32(op.Inputs[0]), c.f32(op.Outputs[0])
	if c.splitColumns(m, n) {
		return columnsF32Step(impl.Pack, impl.Run, dst, src, w, b, k, n, c.threads, lo, hi), nil
	}
	packed := impl.Pack(w, n, k)
	tile, run := max(impl.TileM, 1), impl.Run
	return step{units: tiles(m, tile), run: func(_, t0, t1 int) {
		r0, r1 := t0*tile, min(t1*tile, m)
		run(dst[r0*n:r1*n], src[r0*k:r1*k], r1-r0, k, n, packed, b, lo, hi)
	}}, nil
}

func (c *compiler) pointwiseQ8Step(op *tflite.Op, info *LayerInfo, bias, m, k, n int) (step, error) {
	inq, outq, err := opQParams(c.m, op)
	if err != nil {
		return step{}, err
	}
	wq, err := quantWeights(c.m, op.Inputs[1], n, 0)
	if err != nil {
		return step{}, err
	}
	if len(wq.values) != n*k {
		return step{}, fmt.Errorf("weights hold %d values, want %d", len(wq.values), n*k)
	}
	wzp := wq.zp[0]
	for _, z := range wq.zp {
		if z != wzp {
			return step{}, fmt.Errorf("per-channel weight zero points must be equal (got %d and %d)", wzp, z)
		}
	}
	var b []int32
	if bias >= 0 {
		if b, err = constInt32s(c.m, bias, n); err != nil {
			return step{}, fmt.Errorf("bias: %w", err)
		}
	}
	rq, err := newRequant(op.Activation, inq, outq, wq)
	if err != nil {
		return step{}, err
	}
	folded := generic.FoldPointwiseBiasQ8(b, wq.values, n, k, inq.zp, wzp)
	impl, err := kernels.Select(kernels.All().PointwiseQ8, c.level, &kernels.PointwiseLayer{K: k, N: n, Requant: rq})
	if err != nil {
		return step{}, err
	}
	info.Kernel = impl.Name
	src, dst := c.i8(op.Inputs[0]), c.i8(op.Outputs[0])
	if c.splitColumns(m, n) {
		return columnsQ8Step(impl.Pack, impl.Run, dst, src, wq.values, folded, wzp, rq, k, n, c.threads), nil
	}
	packed := impl.Pack(wq.values, n, k)
	tile, run := max(impl.TileM, 1), impl.Run
	return step{units: tiles(m, tile), run: func(_, t0, t1 int) {
		r0, r1 := t0*tile, min(t1*tile, m)
		run(dst[r0*n:r1*n], src[r0*k:r1*k], r1-r0, k, n, packed, folded, wzp, rq)
	}}, nil
}

func (c *compiler) convF32Step(op *tflite.Op, info *LayerInfo, p *generic.ConvParams, dw bool, bias int) (step, error) {
	w, err := constFloat32s(c.m, op.Inputs[1], c.m.Tensors[op.Inputs[1]].Elems())
	if err != nil {
		return step{}, err
	}
	var b []float32
	if bias >= 0 {
		if b, err = constFloat32s(c.m, bias, p.OutC); err != nil {
			return step{}, fmt.Errorf("bias: %w", err)
		}
	}
	lo, hi, err := floatClamp(op.Activation)
	if err != nil {
		return step{}, err
	}
	reg := kernels.All().ConvF32
	if dw {
		reg = kernels.All().DWConvF32
	}
	layer := &kernels.ConvF32Layer{Params: *p, W: w, Bias: b, Lo: lo, Hi: hi}
	impl, err := kernels.Select(reg, c.level, layer)
	if err != nil {
		return step{}, err
	}
	if !dw && impl.Level == kernels.Generic { // the generic direct conv is the spec, not the fast path
		return c.im2colF32Step(op, info, p, w, b, lo, hi)
	}
	info.Kernel = impl.Name
	src, dst := c.f32(op.Inputs[0]), c.f32(op.Outputs[0])
	rows := impl.Pack(layer)
	return step{units: p.OutH, run: func(_, y0, y1 int) { rows(dst, src, y0, y1) }}, nil
}

func (c *compiler) convQ8Step(op *tflite.Op, info *LayerInfo, p *generic.ConvParams, dw bool, bias int) (step, error) {
	inq, outq, err := opQParams(c.m, op)
	if err != nil {
		return step{}, err
	}
	axis := 0
	if dw {
		axis = 3
	}
	wq, err := quantWeights(c.m, op.Inputs[1], p.OutC, axis)
	if err != nil {
		return step{}, err
	}
	var b []int32
	if bias >= 0 {
		if b, err = constInt32s(c.m, bias, p.OutC); err != nil {
			return step{}, fmt.Errorf("bias: %w", err)
		}
	}
	rq, err := newRequant(op.Activation, inq, outq, wq)
	if err != nil {
		return step{}, err
	}
	reg := kernels.All().ConvQ8
	if dw {
		reg = kernels.All().DWConvQ8
	}
	layer := &kernels.ConvQ8Layer{Params: *p, W: wq.values, WZP: wq.zp, Bias: b, XZP: inq.zp, Requant: rq}
	impl, err := kernels.Select(reg, c.level, layer)
	if err != nil {
		return step{}, err
	}
	if !dw && impl.Level == kernels.Generic { // the generic direct conv is the spec, not the fast path
		return c.im2colQ8Step(op, info, p, wq, b, inq.zp, rq)
	}
	info.Kernel = impl.Name
	src, dst := c.i8(op.Inputs[0]), c.i8(op.Outputs[0])
	rows := impl.Pack(layer) // weights minus their zero points, in the kernel's order
	return step{units: p.OutH, run: func(_, y0, y1 int) { rows(dst, src, y0, y1) }}, nil
}
