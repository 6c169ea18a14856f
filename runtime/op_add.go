package runtime

import (
	"slices"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// ADD of two activations of one shape (MobileNet-V2's residual
// connections), with a fused activation: float32, or uint8/int8 with each
// input rescaled to the output's quantization (generic.AddQ8). Split across
// workers by element chunks.

func init() {
	registerOp(&opDef{
		kind:   tflite.OpAdd,
		inputs: []operand{{name: "input"}},
		minIn:  2, maxIn: 2, minOut: 1, maxOut: 1,
		layerType: fixedType("add"),
		validate:  (*opCheck).add,
		compile:   compileAdd,
	})
}

// add checks ADD: equal shapes (no broadcasting), one type throughout,
// per-tensor quantization of all three tensors.
func (c *opCheck) add() error {
	if err := c.activation(); err != nil {
		return err
	}
	a, b := c.op.Inputs[0], c.op.Inputs[1]
	ta, tb := &c.m.Tensors[a], &c.m.Tensors[b]
	if !slices.Equal(ta.Shape, tb.Shape) {
		return c.unsupportedf("%s and %s: shapes %v and %v (broadcasting is not supported, want equal shapes)",
			c.name("input", a), c.name("input", b), ta.Shape, tb.Shape)
	}
	if err := c.wantOut(ta.Shape, "same as the inputs"); err != nil {
		return err
	}
	out := c.out()
	if ta.Type != tb.Type || ta.Type != out.Type {
		return c.unsupportedf("types %v + %v -> %v (want one type throughout)", ta.Type, tb.Type, out.Type)
	}
	switch ta.Type {
	case tflite.Float32:
		return nil
	case tflite.Uint8, tflite.Int8:
		for _, t := range c.op.Inputs {
			if err := c.perTensor("input", t); err != nil {
				return err
			}
		}
		return c.perTensor("output", c.op.Outputs[0])
	}
	return c.unsupportedf("%s: type %v", c.name("input", a), ta.Type)
}

// compileAdd builds ADD as one elementwise step.
func compileAdd(c *compiler, op *tflite.Op, info *LayerInfo) (step, error) {
	out := op.Outputs[0]
	n := c.m.Tensors[out].Elems()
	if c.m.Tensors[out].Type == tflite.Float32 {
		lo, hi, err := floatClamp(op.Activation)
		if err != nil {
			return step{}, err
		}
		info.Kernel = "add_f32_generic"
		a, b, dst := c.f32(op.Inputs[0]), c.f32(op.Inputs[1]), c.f32(out)
		return elementwiseStep(n, func(i0, i1 int) { generic.AddF32(dst[i0:i1], a[i0:i1], b[i0:i1], lo, hi) }), nil
	}
	qa, err := tensorQParams(c.m, op.Inputs[0])
	if err != nil {
		return step{}, err
	}
	qb, err := tensorQParams(c.m, op.Inputs[1])
	if err != nil {
		return step{}, err
	}
	qo, err := tensorQParams(c.m, out)
	if err != nil {
		return step{}, err
	}
	lo, hi, err := quantClamp(op.Activation, qo)
	if err != nil {
		return step{}, err
	}
	info.Kernel = "add_q8_generic"
	k := generic.NewAddQ8(qa.scale, qa.zp, qb.scale, qb.zp, qo.scale, qo.zp, lo, hi)
	a, b, dst := c.i8(op.Inputs[0]), c.i8(op.Inputs[1]), c.i8(out)
	return elementwiseStep(n, func(i0, i1 int) { k.Run(dst[i0:i1], a[i0:i1], b[i0:i1]) }), nil
}
