package runtime

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// LOGISTIC, the sigmoid 1/(1+e^-x) elementwise (generic.LogisticF32,
// LogisticQ8): float32 computed per value as the golden engine does;
// uint8 and int8 through a 256-entry table built at compile time
// (dequantize, sigmoid, quantize once).

func init() {
	registerOp(&opDef{
		kind:   tflite.OpLogistic,
		inputs: []operand{{name: "input"}},
		minIn:  1, maxIn: 1, minOut: 1, maxOut: 1,
		layerType: fixedType("logistic"),
		validate:  (*opCheck).logistic,
		compile: func(c *compiler, op *tflite.Op, info *LayerInfo) (step, error) {
			return c.buildLogistic(op, info)
		},
	})
}

// logistic checks LOGISTIC: output shaped as the input, same type, per
// tensor quantization.
func (c *opCheck) logistic() error {
	if err := c.wantOut(c.in().Shape, "same as input"); err != nil {
		return err
	}
	return c.sameTypes()
}

// buildLogistic compiles LOGISTIC into elementwise chunks.
func (c *compiler) buildLogistic(op *tflite.Op, info *LayerInfo) (step, error) {
	in, out := &c.m.Tensors[op.Inputs[0]], &c.m.Tensors[op.Outputs[0]]
	if in.Elems() != out.Elems() {
		return step{}, fmt.Errorf("input %v and output %v differ in size", in.Shape, out.Shape)
	}
	n := out.Elems()
	info.Type = "logistic"
	quant, err := c.quantized(op)
	if err != nil {
		return step{}, err
	}
	if !quant {
		info.Kernel = "logistic_f32"
		src, dst := c.f32(op.Inputs[0]), c.f32(op.Outputs[0])
		return step{units: tiles(n, elementChunk), run: func(_, u0, u1 int) {
			lo, hi := u0*elementChunk, min(u1*elementChunk, n)
			generic.LogisticF32(dst[lo:hi], src[lo:hi])
		}}, nil
	}
	inq, outq, err := opQParams(c.m, op)
	if err != nil {
		return step{}, err
	}
	info.Kernel = "logistic_q8_table"
	table := generic.LogisticTableQ8(inq.scale, inq.zp, outq.scale, outq.zp)
	src, dst := c.i8(op.Inputs[0]), c.i8(op.Outputs[0])
	return step{units: tiles(n, elementChunk), run: func(_, u0, u1 int) {
		lo, hi := u0*elementChunk, min(u1*elementChunk, n)
		generic.LogisticQ8(dst[lo:hi], src[lo:hi], table)
	}}, nil
}
