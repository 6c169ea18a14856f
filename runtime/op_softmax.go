package runtime

import (
	"fmt"
	"math"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// SOFTMAX over the last dimension (generic.SoftmaxF32, SoftmaxQ8).

func init() {
	registerOp(&opDef{
		kind:   tflite.OpSoftmax,
		inputs: []operand{{name: "input"}},
		minIn:  1, maxIn: 1, minOut: 1, maxOut: 1,
		layerType: fixedType("softmax"),
		validate:  (*opCheck).softmax,
		compile: func(c *compiler, op *tflite.Op, info *LayerInfo) ([]step, error) {
			return singleStep(c.buildSoftmax(op, info))
		},
	})
}

func (c *opCheck) softmax() error {
	if b := c.op.Beta; !(b > 0) || math.IsInf(float64(b), 0) {
		return c.errf("beta %g, want a finite positive number", b)
	}
	in := c.in()
	if len(in.Shape) == 0 {
		return c.errf("%s: scalar input", c.name("input", c.op.Inputs[0]))
	}
	if err := c.wantOut(in.Shape, "same as input"); err != nil {
		return err
	}
	return c.sameTypes()
}

// buildSoftmax compiles SOFTMAX over the last dimension, row by row.
func (c *compiler) buildSoftmax(op *tflite.Op, info *LayerInfo) (step, error) {
	in, out := &c.m.Tensors[op.Inputs[0]], &c.m.Tensors[op.Outputs[0]]
	if len(in.Shape) == 0 || in.Elems() != out.Elems() || in.Elems() == 0 {
		return step{}, fmt.Errorf("input %v and output %v do not match", in.Shape, out.Shape)
	}
	n := in.Shape[len(in.Shape)-1]
	rows := in.Elems() / n
	beta := op.Beta
	if beta == 0 {
		beta = 1 // the flatbuffer default; converters always write 1
	}
	info.Type = "softmax"
	quant, err := c.quantized(op)
	if err != nil {
		return step{}, err
	}
	if !quant {
		info.Kernel = "softmax_f32_generic"
		src, dst := c.f32(op.Inputs[0]), c.f32(op.Outputs[0])
		return step{units: 1, serial: true, run: func(int, int, int) {
			for r := range rows {
				generic.SoftmaxF32(dst[r*n:(r+1)*n], src[r*n:(r+1)*n], beta)
			}
		}}, nil
	}
	inq, outq, err := opQParams(c.m, op)
	if err != nil {
		return step{}, err
	}
	// Dequantize, float softmax, quantize once (allocation-free).
	info.Kernel = "softmax_q8_generic"
	src, dst := c.i8(op.Inputs[0]), c.i8(op.Outputs[0])
	return step{units: 1, serial: true, run: func(int, int, int) {
		for r := range rows {
			generic.SoftmaxQ8(dst[r*n:(r+1)*n], src[r*n:(r+1)*n], inq.scale, inq.zp, beta, outq.scale, outq.zp)
		}
	}}, nil
}
