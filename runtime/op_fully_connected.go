package runtime

import (
	"fmt"
	"slices"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// FULLY_CONNECTED: a pointwise GEMM over the input's rows of K elements
// (compile_pointwise.go); keep_num_dims keeps the input's leading
// dimensions in the output shape.

func init() {
	registerOp(&opDef{
		kind:   tflite.OpFullyConnected,
		inputs: weightedOperands("weights"),
		minIn:  2, maxIn: 3, minOut: 1, maxOut: 1,
		layerType: fixedType("fc"),
		validate:  (*opCheck).fullyConnected,
		compile: func(c *compiler, op *tflite.Op, info *LayerInfo) ([]step, error) {
			return singleStep(c.buildFullyConnected(op, info))
		},
		planBytes: weightedPlanBytes,
	})
}

func (c *opCheck) fullyConnected() error {
	op := c.op
	if err := c.activation(); err != nil {
		return err
	}
	wi := op.Inputs[1]
	w := &c.m.Tensors[wi]
	if len(w.Shape) != 2 {
		return c.errf("%s: shape %v, want [N K]", c.name("weights", wi), w.Shape)
	}
	if !c.constant(wi) {
		return c.unsupportedf("%s: weights are not a constant", c.name("weights", wi))
	}
	n, k := w.Shape[0], w.Shape[1]
	in := c.in()
	if len(in.Shape) == 0 || in.Elems()%k != 0 {
		return c.errf("%s: shape %v is not a whole number of rows of %d", c.name("input", op.Inputs[0]), in.Shape, k)
	}
	rows := in.Elems() / k
	want := []int{rows, n}
	how := "input rows x weight rows"
	if op.KeepNumDims {
		want = append(slices.Clone(in.Shape[:len(in.Shape)-1]), n)
		how = "keep_num_dims"
	}
	if err := c.wantOut(want, how); err != nil {
		return err
	}
	return c.weightedTypes(wi, n, 0)
}

// buildFullyConnected compiles FULLY_CONNECTED as a pointwise GEMM over the
// input's rows of k elements.
func (c *compiler) buildFullyConnected(op *tflite.Op, info *LayerInfo) (step, error) {
	wt := &c.m.Tensors[op.Inputs[1]]
	if len(wt.Shape) != 2 || wt.Shape[0] < 1 || wt.Shape[1] < 1 {
		return step{}, fmt.Errorf("weights %d (%q) have shape %v, want [N K]", op.Inputs[1], wt.Name, wt.Shape)
	}
	n, k := wt.Shape[0], wt.Shape[1]
	in, out := &c.m.Tensors[op.Inputs[0]], &c.m.Tensors[op.Outputs[0]]
	if in.Elems()%k != 0 || out.Elems() != in.Elems()/k*n {
		return step{}, fmt.Errorf("input %v and output %v do not match weights %v", in.Shape, out.Shape, wt.Shape)
	}
	m := in.Elems() / k
	info.Type = "fc"
	info.MACs = int64(m) * int64(k) * int64(n)
	bias := biasInput(op)
	info.Params = params(c.m, op.Inputs[1], bias)
	quant, err := c.quantized(op)
	if err != nil {
		return step{}, err
	}
	if quant {
		return c.pointwiseQ8Step(op, info, bias, m, k, n)
	}
	return c.pointwiseF32Step(op, info, bias, m, k, n)
}
