package runtime

import (
	"fmt"
	"slices"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// withOutputShapes returns m with the outputs of every op whose table entry
// computes its output shapes (opDef.outputShapes) given those shapes, as
// TFLite sets them when it prepares the op: converters declare the outputs
// of TFLite_Detection_PostProcess as []. The result shares everything with
// m but a tensor list copied when a shape changes; m itself is returned when
// none does. m must have passed Validate, which checked that a declared
// shape is [] or the computed one and that no op reads an undeclared one.
func withOutputShapes(m *tflite.Model) (*tflite.Model, error) {
	out := m
	for i := range m.Ops {
		op := &m.Ops[i]
		d := lookupOp(op)
		if d == nil || d.outputShapes == nil {
			continue
		}
		shapes, err := d.outputShapes(m, op)
		if err != nil {
			return nil, fmt.Errorf("op %d (%s): %w", i, op.Name(), err)
		}
		if len(shapes) != len(op.Outputs) {
			return nil, fmt.Errorf("op %d (%s): %d output shapes for %d outputs", i, op.Name(), len(shapes), len(op.Outputs))
		}
		for j, ti := range op.Outputs {
			if slices.Equal(out.Tensors[ti].Shape, shapes[j]) {
				continue
			}
			if out == m {
				c := *m
				c.Tensors = slices.Clone(m.Tensors)
				out = &c
			}
			out.Tensors[ti].Shape = slices.Clone(shapes[j])
		}
	}
	return out, nil
}

// checkOutputShapes is the validate step of an op with outputShapes: each
// output's declared shape must be [] (left to the op) or the computed one,
// and an output left undeclared must not be read by a later op, whose own
// checks would see the wrong shape.
func (c *opCheck) checkOutputShapes(shapes [][]int) error {
	for j, ti := range c.op.Outputs {
		got := c.m.Tensors[ti].Shape
		if slices.Equal(got, shapes[j]) {
			continue
		}
		if len(got) != 0 {
			return c.errf("%s: shape %v, want %v (or [], left to the op)", c.name("output", ti), got, shapes[j])
		}
		for k := c.i + 1; k < len(c.m.Ops); k++ {
			if slices.Contains(c.m.Ops[k].Inputs, ti) {
				return c.unsupportedf("%s: shape [] (undeclared) is read by op %d (%s); declare it %v", c.name("output", ti), k, c.m.Ops[k].Name(), shapes[j])
			}
		}
	}
	return nil
}
