package runtime

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// QUANTIZE: float32 to uint8/int8 (x/s rounded half away from zero, plus
// the zero point), or between 8-bit quantizations (TF2 exports' uint8 input
// and output around int8 internals) through a 256-entry table computed as
// TFLite's runtime does (requantizeTable). Split across workers by element
// chunks.

func init() {
	registerOp(&opDef{
		kind:   tflite.OpQuantize,
		inputs: []operand{{name: "input"}},
		minIn:  1, maxIn: 1, minOut: 1, maxOut: 1,
		layerType: fixedType("quantize"),
		validate:  (*opCheck).quantize,
		compile:   (*compiler).buildQuantize,
	})
}

// quantize checks QUANTIZE: float32, uint8 or int8 to uint8 or int8,
// quantized tensors per tensor.
func (c *opCheck) quantize() error {
	in, out := c.in(), c.out()
	if err := c.wantOut(in.Shape, "same as input"); err != nil {
		return err
	}
	if (in.Type != tflite.Float32 && !isQuantType(in.Type)) || !isQuantType(out.Type) {
		return c.unsupportedf("input type %v, output type %v (want float32, uint8 or int8 to uint8 or int8)", in.Type, out.Type)
	}
	if isQuantType(in.Type) {
		if err := c.perTensor("input", c.op.Inputs[0]); err != nil {
			return err
		}
	}
	return c.perTensor("output", c.op.Outputs[0])
}

// buildQuantize compiles QUANTIZE: float32 to quantized (x/s rounded half
// away from zero, plus the zero point), or quantized to quantized through a
// 256-entry table (requantizeTable).
func (c *compiler) buildQuantize(op *tflite.Op, info *LayerInfo) (step, error) {
	in, out := &c.m.Tensors[op.Inputs[0]], &c.m.Tensors[op.Outputs[0]]
	if in.Elems() != out.Elems() {
		return step{}, fmt.Errorf("input %v and output %v differ in size", in.Shape, out.Shape)
	}
	outq, err := tensorQParams(c.m, op.Outputs[0])
	if err != nil {
		return step{}, err
	}
	n := out.Elems()
	dst := c.i8(op.Outputs[0])
	if in.Type == tflite.Float32 {
		info.Kernel = "quantize_f32_q8"
		src, s := c.f32(op.Inputs[0]), outq.scale
		return elementwiseStep(n, func(i0, i1 int) { generic.QuantizeF32(dst[i0:i1], src[i0:i1], s, outq.zp) }), nil
	}
	inq, err := tensorQParams(c.m, op.Inputs[0])
	if err != nil {
		return step{}, err
	}
	info.Kernel = "requantize_q8"
	lut := requantizeTable(in.Type, inq, out.Type, outq)
	src := c.i8(op.Inputs[0])
	return elementwiseStep(n, func(i0, i1 int) { generic.LookupQ8(dst[i0:i1], src[i0:i1], lut) }), nil
}

// requantizeTable is QUANTIZE between 8-bit quantizations as TFLite's
// runtime computes it (the bytes LiteRT gives): between uint8 and int8,
// TFLite's builtin fixed-point requantization (generic.RequantTableTFLite);
// within one type, XNNPACK's convert (generic.RequantTableXNN) when the
// scale ratio is in its range [2^-8, 2^7], else the builtin one.
func requantizeTable(inType tflite.DType, inq qparams, outType tflite.DType, outq qparams) *[256]int8 {
	if r := inq.scale / outq.scale; inType == outType && r >= 1.0/256 && r <= 128 {
		return generic.RequantTableXNN(inq.scale, inq.zp, outq.scale, outq.zp)
	}
	return generic.RequantTableTFLite(inq.scale, inq.zp, outq.scale, outq.zp)
}
