package runtime

import (
	"fmt"
	"math"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// Standalone RELU, RELU6 and RELU_N1_TO_1: a clamp of float32 values, or of
// uint8/int8 values in real units with input and output quantized
// independently (a 256-entry table of generic.ReluQ8Value). Split across
// workers by element chunks.

func init() {
	for _, k := range []tflite.OpKind{tflite.OpRelu, tflite.OpRelu6, tflite.OpReluN1To1} {
		registerOp(&opDef{
			kind:   k,
			inputs: []operand{{name: "input"}},
			minIn:  1, maxIn: 1, minOut: 1, maxOut: 1,
			layerType: fixedType("relu"),
			validate:  (*opCheck).relu,
			compile:   compileRelu,
		})
	}
}

// reluRange is the clamp of each RELU op in real units.
func reluRange(k tflite.OpKind) (lo, hi float32) {
	switch k {
	case tflite.OpRelu6:
		return 0, 6
	case tflite.OpReluN1To1:
		return -1, 1
	}
	return 0, float32(math.Inf(1))
}

// relu checks a RELU: the output shaped as the input, of its type,
// quantized per tensor (the two quantizations may differ).
func (c *opCheck) relu() error {
	if err := c.wantOut(c.in().Shape, "same as input"); err != nil {
		return err
	}
	return c.sameTypes()
}

// compileRelu builds a RELU as one elementwise step.
func compileRelu(c *compiler, op *tflite.Op, info *LayerInfo) (step, error) {
	in, out := &c.m.Tensors[op.Inputs[0]], &c.m.Tensors[op.Outputs[0]]
	if in.Elems() != out.Elems() {
		return step{}, fmt.Errorf("input %v and output %v differ in size", in.Shape, out.Shape)
	}
	n := out.Elems()
	lo, hi := reluRange(op.Kind)
	quant, err := c.quantized(op)
	if err != nil {
		return step{}, err
	}
	if !quant {
		info.Kernel = "relu_f32_generic"
		src, dst := c.f32(op.Inputs[0]), c.f32(op.Outputs[0])
		return elementwiseStep(n, func(i0, i1 int) { generic.ReluF32(dst[i0:i1], src[i0:i1], lo, hi) }), nil
	}
	inq, outq, err := opQParams(c.m, op)
	if err != nil {
		return step{}, err
	}
	info.Kernel = "relu_q8_table"
	table := new([256]int8)
	for q := -128; q < 128; q++ {
		table[q+128] = generic.ReluQ8Value(int8(q), inq.scale, inq.zp, lo, hi, outq.scale, outq.zp)
	}
	src, dst := c.i8(op.Inputs[0]), c.i8(op.Outputs[0])
	return elementwiseStep(n, func(i0, i1 int) { generic.LookupQ8(dst[i0:i1], src[i0:i1], table) }), nil
}
