package runtime

import (
	"github.com/edgecam/edgecam/runtime/tflite"
)

// RESHAPE: the output is the input with another shape (from the constant
// shape input or the new_shape option); it shares the input's memory and
// compiles to no work.

func init() {
	registerOp(&opDef{
		kind:   tflite.OpReshape,
		inputs: []operand{{name: "input"}, {name: "shape", role: roleConstant}},
		minIn:  1, maxIn: 2, minOut: 1, maxOut: 1,
		alias:     true,
		layerType: fixedType("reshape"),
		validate:  (*opCheck).reshape,
	})
}

// resolveShape checks a RESHAPE target (which may hold one -1) against the
// output shape.
func (c *opCheck) resolveShape(target []int, from string) error {
	out := c.out().Shape
	if len(target) != len(out) {
		return c.errf("%s %v has %d dimensions, output %v has %d", from, target, len(target), out, len(out))
	}
	wild := 0
	for d, v := range target {
		switch {
		case v == -1:
			wild++
		case v != out[d]:
			return c.errf("%s %v disagrees with output shape %v at dimension %d", from, target, out, d)
		}
	}
	if wild > 1 {
		return c.errf("%s %v has more than one -1", from, target)
	}
	return nil
}

func (c *opCheck) reshape() error {
	op := c.op
	in, out := c.in(), c.out()
	if in.Elems() != out.Elems() {
		return c.errf("input shape %v (%d elements) and output shape %v (%d elements) differ in size", in.Shape, in.Elems(), out.Shape, out.Elems())
	}
	if len(op.Inputs) == 2 {
		si := op.Inputs[1]
		s := &c.m.Tensors[si]
		if s.Data == nil || s.Type != tflite.Int32 || len(s.Shape) != 1 {
			return c.unsupportedf("%s: new shape must be a constant int32 vector (got %v %v, constant %t)", c.name("shape", si), s.Type, s.Shape, s.Data != nil)
		}
		// The vector's length is its data's (Check matched them), not a
		// declared size.
		target := make([]int, len(s.Data)/4)
		for d := range target {
			target[d] = int(int32(uint32(s.Data[4*d]) | uint32(s.Data[4*d+1])<<8 | uint32(s.Data[4*d+2])<<16 | uint32(s.Data[4*d+3])<<24))
		}
		if err := c.resolveShape(target, "shape input"); err != nil {
			return err
		}
	} else if len(op.NewShape) > 0 {
		if err := c.resolveShape(op.NewShape, "new_shape"); err != nil {
			return err
		}
	}
	if err := c.sameTypes(); err != nil {
		return err
	}
	return c.sameQuant()
}
