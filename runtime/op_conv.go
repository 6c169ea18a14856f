package runtime

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels"
	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// CONV_2D and DEPTHWISE_CONV_2D (depth multiplier 1): a 1x1 stride-1
// CONV_2D runs as a pointwise GEMM (compile_pointwise.go), a full conv
// through its registered kernel or as im2col + GEMM (compile_im2col.go),
// a depthwise conv through its registered kernel.

func init() {
	for _, k := range []tflite.OpKind{tflite.OpConv2D, tflite.OpDepthwiseConv2D} {
		registerOp(&opDef{
			kind:   k,
			inputs: weightedOperands("filter"),
			minIn:  2, maxIn: 3, minOut: 1, maxOut: 1,
			layerType: convLayerType,
			validate:  (*opCheck).conv,
			compile: func(c *compiler, op *tflite.Op, info *LayerInfo) ([]step, error) {
				return singleStep(c.buildConv(op, info))
			},
			planBytes: weightedPlanBytes,
		})
	}
}

// weightedOperands are the inputs of an op with weights: the activation,
// the constant weights (named for messages) and an optional constant bias.
func weightedOperands(weights string) []operand {
	return []operand{{name: "input"}, {name: weights, role: roleConstant}, {name: "bias", role: roleConstant, optional: true}}
}

// convLayerType: "pwconv" for a 1x1 stride-1 CONV_2D, else "conv";
// "dwconv" for DEPTHWISE_CONV_2D.
func convLayerType(m *tflite.Model, op *tflite.Op) string {
	if op.Kind == tflite.OpDepthwiseConv2D {
		return "dwconv"
	}
	if w := m.Tensors[op.Inputs[1]].Shape; len(w) == 4 && w[1] == 1 && w[2] == 1 && op.StrideH == 1 && op.StrideW == 1 {
		return "pwconv"
	}
	return "conv"
}

func (c *opCheck) conv() error {
	op := c.op
	if err := c.spatial(); err != nil {
		return err
	}
	if err := c.rank4("input", op.Inputs[0]); err != nil {
		return err
	}
	if err := c.rank4("output", op.Outputs[0]); err != nil {
		return err
	}
	wi := op.Inputs[1]
	w := &c.m.Tensors[wi]
	in := c.in().Shape
	if len(w.Shape) != 4 {
		return c.errf("%s: shape %v, want 4 dimensions", c.name("filter", wi), w.Shape)
	}
	if !c.constant(wi) {
		return c.unsupportedf("%s: filter is not a constant", c.name("filter", wi))
	}
	var outC, axis int
	if op.Kind == tflite.OpConv2D {
		if w.Shape[3] != in[3] {
			return c.errf("%s: shape %v has %d input channels, input has %d", c.name("filter", wi), w.Shape, w.Shape[3], in[3])
		}
		outC, axis = w.Shape[0], 0
	} else {
		if op.DepthMultiplier != 1 {
			return c.unsupportedf("depth multiplier %d (only 1 is supported)", op.DepthMultiplier)
		}
		if w.Shape[0] != 1 || w.Shape[3] != in[3] {
			return c.errf("%s: shape %v, want [1 KH KW %d] (depth multiplier 1)", c.name("filter", wi), w.Shape, in[3])
		}
		outC, axis = w.Shape[3], 3
	}
	kh, kw := w.Shape[1], w.Shape[2]
	oh, ow := convOutHW(op.Padding, in[1], kh, op.StrideH), convOutHW(op.Padding, in[2], kw, op.StrideW)
	if oh == 0 || ow == 0 {
		return c.errf("%dx%d filter does not fit the %dx%d input with VALID padding", kh, kw, in[1], in[2])
	}
	how := fmt.Sprintf("%s padding, %dx%d filter, stride %d", padName(op.Padding), kh, kw, op.StrideH)
	if op.StrideW != op.StrideH {
		how = fmt.Sprintf("%s padding, %dx%d filter, stride %dx%d", padName(op.Padding), kh, kw, op.StrideH, op.StrideW)
	}
	if err := c.wantOut([]int{in[0], oh, ow, outC}, how); err != nil {
		return err
	}
	return c.weightedTypes(wi, outC, axis)
}

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
