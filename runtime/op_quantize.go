package runtime

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// QUANTIZE: float32 to uint8/int8 (x/s rounded half away from zero, plus
// the zero point), or quantized to quantized through a 256-entry table.

func init() {
	registerOp(&opDef{
		kind:   tflite.OpQuantize,
		inputs: []operand{{name: "input"}},
		minIn:  1, maxIn: 1, minOut: 1, maxOut: 1,
		layerType: fixedType("quantize"),
		validate:  (*opCheck).quantize,
		compile: func(c *compiler, op *tflite.Op, info *LayerInfo) ([]step, error) {
			return singleStep(c.buildQuantize(op, info))
		},
	})
}

// quantize checks QUANTIZE: float32 to uint8 or int8, per tensor.
func (c *opCheck) quantize() error {
	in, out := c.in(), c.out()
	if err := c.wantOut(in.Shape, "same as input"); err != nil {
		return err
	}
	if in.Type != tflite.Float32 || !isQuantType(out.Type) {
		return c.unsupportedf("input type %v, output type %v (want float32 and uint8/int8)", in.Type, out.Type)
	}
	return c.perTensor("output", c.op.Outputs[0])
}

// buildQuantize compiles QUANTIZE: float32 to quantized (x/s rounded half
// away from zero, plus the zero point), or quantized to quantized through a
// 256-entry table (dequantize, requantize once).
func (c *compiler) buildQuantize(op *tflite.Op, info *LayerInfo) (step, error) {
	in, out := &c.m.Tensors[op.Inputs[0]], &c.m.Tensors[op.Outputs[0]]
	if in.Elems() != out.Elems() {
		return step{}, fmt.Errorf("input %v and output %v differ in size", in.Shape, out.Shape)
	}
	info.Type = "quantize"
	outq, err := tensorQParams(c.m, op.Outputs[0])
	if err != nil {
		return step{}, err
	}
	n := out.Elems()
	dst := c.i8(op.Outputs[0])
	if in.Type == tflite.Float32 {
		info.Kernel = "quantize_f32_q8"
		src, s := c.f32(op.Inputs[0]), outq.scale
		return step{units: tiles(n, elementChunk), run: func(_, u0, u1 int) {
			for i := u0 * elementChunk; i < min(u1*elementChunk, n); i++ {
				dst[i] = generic.QuantizeValue(src[i], s, outq.zp)
			}
		}}, nil
	}
	inq, err := tensorQParams(c.m, op.Inputs[0])
	if err != nil {
		return step{}, err
	}
	info.Kernel = "requantize_q8"
	var lut [256]int8
	for q := -128; q < 128; q++ {
		real := float32(int32(q)-inq.zp) * inq.scale
		lut[q+128] = generic.QuantizeValue(real, outq.scale, outq.zp)
	}
	src := c.i8(op.Inputs[0])
	return step{units: tiles(n, elementChunk), run: func(_, u0, u1 int) {
		for i := u0 * elementChunk; i < min(u1*elementChunk, n); i++ {
			dst[i] = lut[int(src[i])+128]
		}
	}}, nil
}
