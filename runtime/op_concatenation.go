package runtime

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// CONCATENATION along one axis (generic.ConcatF32, ConcatQ8). Quantized
// inputs quantized differently from the output are rescaled to it, as the
// golden engine does: dequantized in float32 and quantized once, round
// half away from zero, through a 256-entry table per input built at compile
// time. Like TFLite, edgecam takes up to four dimensions and no fused
// activation.

func init() {
	registerOp(&opDef{
		kind:   tflite.OpConcatenation,
		inputs: []operand{{name: "input"}},
		minIn:  1, maxIn: -1, minOut: 1, maxOut: 1,
		layerType: fixedType("concat"),
		validate:  (*opCheck).concatenation,
		compile: func(c *compiler, op *tflite.Op, info *LayerInfo) (step, error) {
			return c.buildConcatenation(op, info)
		},
	})
}

// maxConcatRank is the largest rank TFLite's CONCATENATION takes.
const maxConcatRank = 4

// concatAxis returns op's axis for tensors of rank dims (a negative axis
// counts from the end), or an error naming it.
func concatAxis(op *tflite.Op, rank int) (int, error) {
	a := op.Axis
	if a < 0 {
		a += rank
	}
	if a < 0 || a >= rank {
		return 0, fmt.Errorf("axis %d is out of range for rank %d", op.Axis, rank)
	}
	return a, nil
}

// concatenation checks CONCATENATION: inputs of one type and rank (at most
// 4) that agree on every dimension but the axis, an output whose axis is
// their sum, no fused activation, per-tensor quantization.
func (c *opCheck) concatenation() error {
	op := c.op
	out := c.out()
	if op.Activation != tflite.ActNone {
		return c.unsupportedf("fused activation %d (CONCATENATION takes none, as in TFLite)", op.Activation)
	}
	rank := len(out.Shape)
	if rank == 0 || rank > maxConcatRank {
		return c.unsupportedf("%s: shape %v, want 1 to %d dimensions", c.name("output", op.Outputs[0]), out.Shape, maxConcatRank)
	}
	axis, err := concatAxis(op, rank)
	if err != nil {
		return c.errf("%v", err)
	}
	want := append([]int(nil), out.Shape...)
	want[axis] = 0
	for j, ti := range op.Inputs {
		in := &c.m.Tensors[ti]
		if in.Type != out.Type {
			return c.unsupportedf("%s: type %v, output %v (inputs and output share one type)", c.name("input", ti), in.Type, out.Type)
		}
		if len(in.Shape) != rank {
			return c.errf("input %d: %s: shape %v, want %d dimensions as the output %v", j, c.name("input", ti), in.Shape, rank, out.Shape)
		}
		for d, v := range in.Shape {
			if d != axis && v != out.Shape[d] {
				return c.errf("input %d: %s: shape %v differs from the output %v in dimension %d (only the axis %d may)", j, c.name("input", ti), in.Shape, out.Shape, d, axis)
			}
		}
		want[axis] += in.Shape[axis]
		switch in.Type {
		case tflite.Float32:
		case tflite.Uint8, tflite.Int8:
			if err := c.perTensor("input", ti); err != nil {
				return err
			}
		default:
			return c.unsupportedf("%s: type %v", c.name("input", ti), in.Type)
		}
	}
	if err := c.wantOut(want, fmt.Sprintf("the inputs joined along axis %d", axis)); err != nil {
		return err
	}
	if isQuantType(out.Type) {
		return c.perTensor("output", op.Outputs[0])
	}
	return nil
}

// concatPart is one input of a compiled concatenation.
type concatPart struct {
	f32    []float32
	i8     []int8
	n, off int        // values per outer row, and their place in the output row
	table  *[256]int8 // requantization to the output, nil when it is the same
}

// buildConcatenation compiles CONCATENATION into one step whose work units
// are its inputs.
func (c *compiler) buildConcatenation(op *tflite.Op, info *LayerInfo) (step, error) {
	out := &c.m.Tensors[op.Outputs[0]]
	axis, err := concatAxis(op, len(out.Shape))
	if err != nil {
		return step{}, err
	}
	outer := 1
	for _, d := range out.Shape[:axis] {
		outer *= d
	}
	if outer == 0 {
		return step{}, fmt.Errorf("output %v is empty", out.Shape)
	}
	stride := out.Elems() / outer
	quant := isQuantType(out.Type)
	var outq qparams
	if quant {
		if outq, err = tensorQParams(c.m, op.Outputs[0]); err != nil {
			return step{}, err
		}
	}
	parts := make([]concatPart, len(op.Inputs))
	off := 0
	rescaled := 0
	for j, ti := range op.Inputs {
		n := c.m.Tensors[ti].Elems() / outer
		p := concatPart{n: n, off: off}
		if quant {
			inq, err := tensorQParams(c.m, ti)
			if err != nil {
				return step{}, err
			}
			p.i8, p.table = c.i8(ti), generic.RequantTableQ8(inq.scale, inq.zp, outq.scale, outq.zp)
			if p.table != nil {
				rescaled++
			}
		} else {
			p.f32 = c.f32(ti)
		}
		parts[j] = p
		off += n
	}
	if off != stride {
		return step{}, fmt.Errorf("inputs add up to %d values per row, output has %d", off, stride)
	}
	info.Type = "concat"
	if !quant {
		info.Kernel = "concat_f32"
		dst := c.f32(op.Outputs[0])
		return step{units: len(parts), run: func(_, u0, u1 int) {
			for _, p := range parts[u0:u1] {
				generic.ConcatF32(dst, p.f32, outer, p.n, stride, p.off)
			}
		}}, nil
	}
	info.Kernel = "concat_q8"
	if rescaled > 0 {
		info.Kernel = "concat_q8_requant"
	}
	dst := c.i8(op.Outputs[0])
	return step{units: len(parts), run: func(_, u0, u1 int) {
		for _, p := range parts[u0:u1] {
			generic.ConcatQ8(dst, p.i8, outer, p.n, stride, p.off, p.table)
		}
	}}, nil
}
