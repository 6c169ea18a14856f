package runtime

import (
	"fmt"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// SQUEEZE: the output is the input without the listed (or all) dimensions
// of size 1; it shares the input's memory and compiles to no work.

func init() {
	registerOp(&opDef{
		kind:   tflite.OpSqueeze,
		inputs: []operand{{name: "input"}},
		minIn:  1, maxIn: 1, minOut: 1, maxOut: 1,
		alias:     true,
		layerType: fixedType("reshape"),
		validate:  (*opCheck).squeeze,
	})
}

func (c *opCheck) squeeze() error {
	in := c.in().Shape
	drop := make([]bool, len(in))
	for _, d := range c.op.SqueezeDims {
		if d < -len(in) || d >= len(in) {
			return c.errf("squeeze dimension %d out of range for input shape %v", d, in)
		}
		if d < 0 {
			d += len(in)
		}
		if in[d] != 1 {
			return c.errf("squeeze dimension %d of input shape %v is %d, not 1", d, in, in[d])
		}
		drop[d] = true
	}
	var want []int
	for d, v := range in {
		if !drop[d] && !(len(c.op.SqueezeDims) == 0 && v == 1) {
			want = append(want, v)
		}
	}
	if want == nil {
		want = []int{}
	}
	if err := c.wantOut(want, fmt.Sprintf("input %v squeezed along %v", in, c.op.SqueezeDims)); err != nil {
		return err
	}
	if err := c.sameTypes(); err != nil {
		return err
	}
	return c.sameQuant()
}
