package runtime

import (
	"fmt"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// DEQUANTIZE: a quantized activation to float32 through a 256-entry table;
// of a constant (int8/uint8/float16 weight storage), folded once at compile
// time (compile_fold.go), so no DEQUANTIZE of weights runs per frame.

func init() {
	registerOp(&opDef{
		kind:   tflite.OpDequantize,
		inputs: []operand{{name: "input", role: roleEither}},
		minIn:  1, maxIn: 1, minOut: 1, maxOut: 1,
		folds:     true,
		layerType: fixedType("dequantize"),
		validate:  (*opCheck).dequantize,
		compile: func(c *compiler, op *tflite.Op, info *LayerInfo) ([]step, error) {
			return singleStep(c.buildDequantize(op, info))
		},
	})
}

// dequantize checks DEQUANTIZE: uint8 or int8, per tensor, to float32; or
// a constant (constDequantize).
func (c *opCheck) dequantize() error {
	in, out := c.in(), c.out()
	if err := c.wantOut(in.Shape, "same as input"); err != nil {
		return err
	}
	if c.constant(c.op.Inputs[0]) {
		return c.constDequantize()
	}
	if out.Type != tflite.Float32 || !isQuantType(in.Type) {
		return c.unsupportedf("input type %v, output type %v (want float32 and uint8/int8)", in.Type, out.Type)
	}
	return c.perTensor("input", c.op.Inputs[0])
}

// constDequantize checks a DEQUANTIZE of a constant (weight storage: int8 or
// uint8 quantized per tensor or per channel, or float16) to float32, which
// the plan folds at compile time.
func (c *opCheck) constDequantize() error {
	in, out := c.in(), c.out()
	ti := c.op.Inputs[0]
	if out.Type != tflite.Float32 {
		return c.unsupportedf("%s: type %v (want float32)", c.name("output", c.op.Outputs[0]), out.Type)
	}
	switch in.Type {
	case tflite.Float16:
		return nil
	case tflite.Uint8, tflite.Int8:
		if in.Quant == nil {
			return c.errf("%s: quantized %v constant has no quantization parameters", c.name("input", ti), in.Type)
		}
		return nil
	}
	return c.unsupportedf("%s: constant of type %v (want int8, uint8 or float16)", c.name("input", ti), in.Type)
}

// buildDequantize compiles DEQUANTIZE of a quantized tensor to float32.
func (c *compiler) buildDequantize(op *tflite.Op, info *LayerInfo) (step, error) {
	in, out := &c.m.Tensors[op.Inputs[0]], &c.m.Tensors[op.Outputs[0]]
	if in.Elems() != out.Elems() || out.Type != tflite.Float32 {
		return step{}, fmt.Errorf("cannot dequantize %s %v to %s %v", in.Type, in.Shape, out.Type, out.Shape)
	}
	if in.Data != nil {
		return step{}, fmt.Errorf("dequantizing constant tensors is not supported")
	}
	inq, err := tensorQParams(c.m, op.Inputs[0])
	if err != nil {
		return step{}, err
	}
	info.Type, info.Kernel = "dequantize", "dequantize_q8_f32"
	var lut [256]float32
	for q := -128; q < 128; q++ {
		lut[q+128] = float32(int32(q)-inq.zp) * inq.scale
	}
	n := out.Elems()
	src, dst := c.i8(op.Inputs[0]), c.f32(op.Outputs[0])
	return step{units: tiles(n, elementChunk), run: func(_, u0, u1 int) {
		for i := u0 * elementChunk; i < min(u1*elementChunk, n); i++ {
			dst[i] = lut[int(src[i])+128]
		}
	}}, nil
}
