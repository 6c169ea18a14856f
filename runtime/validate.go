package runtime

import (
	"fmt"
	"math"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// Validate checks that m is a graph edgecam can run: first the structure
// the file format requires (m.Check: indices, shapes, data sizes,
// quantization arrays), then every tensor's type and quantization values,
// every operator against its entry in the op table (optable.go): operand
// counts, constant and activation inputs, and the shapes and types its
// options imply (TensorFlow SAME/VALID arithmetic for convolutions and
// pools), and operators in an order where each reads only tensors already
// written (any graph: a tensor may have several consumers, an op several
// inputs and outputs, the model several outputs).
// Validate allocates nothing whose size comes from declared shapes.
// Errors wrap ErrInvalidModel or ErrUnsupported and name the op index, the op
// and the tensor, e.g.
//
//	invalid model: op 3 (DEPTHWISE_CONV_2D): output tensor 9 "dw_1": shape [1 56 56 32], want [1 112 112 32] (SAME padding, stride 1)
func Validate(m *tflite.Model) error {
	if err := m.Check(); err != nil {
		return err
	}
	for i := range m.Tensors {
		if err := validateTensor(&m.Tensors[i], i); err != nil {
			return err
		}
	}
	if err := validateIO(m); err != nil {
		return err
	}
	if len(m.Ops) == 0 {
		return fmt.Errorf("%w: model has no operators", ErrInvalidModel)
	}
	written := make([]bool, len(m.Tensors))
	for _, i := range m.Inputs {
		written[i] = true
	}
	for i := range m.Tensors {
		if m.Tensors[i].Data != nil {
			written[i] = true
		}
	}
	// folded marks the outputs of ops that fold a constant (DEQUANTIZE of
	// stored weights): the plan computes them once at compile time, so
	// they count as constants.
	folded := make([]bool, len(m.Tensors))
	c := &opCheck{m: m, folded: folded} // one for every op: the validate calls let it escape
	for i := range m.Ops {
		op := &m.Ops[i]
		c.i, c.op, c.def = i, op, lookupOp(op)
		if c.def == nil && op.Kind == tflite.OpCustom {
			return c.unsupportedf("unsupported custom op %q (edgecam runs the custom ops %s)", op.Custom, supportedCustomOps())
		}
		if c.def == nil {
			return c.unsupportedf("operator not supported (edgecam runs %s)", supportedOps())
		}
		if err := c.operands(written); err != nil {
			return err
		}
		if err := c.def.validate(c); err != nil {
			return err
		}
		if err := c.constants(); err != nil {
			return err
		}
		if c.def.folds && c.constant(op.Inputs[0]) {
			for _, t := range op.Outputs {
				folded[t] = true
			}
		}
	}
	for _, o := range m.Outputs {
		if !written[o] {
			return fmt.Errorf("%w: model output tensor %d %q is never written", ErrInvalidModel, o, m.Tensors[o].Name)
		}
		if m.Tensors[o].Data != nil || folded[o] {
			return fmt.Errorf("%w: model output tensor %d %q is a constant", ErrUnsupported, o, m.Tensors[o].Name)
		}
	}
	return nil
}

// validateIO checks the model's input and output lists (their indices are
// in range: m passed Check): one input, which edgecam feeds, and at least
// one output.
func validateIO(m *tflite.Model) error {
	if len(m.Inputs) != 1 || len(m.Outputs) == 0 {
		return fmt.Errorf("%w: model has %d inputs and %d outputs, edgecam runs exactly one input and at least one output", ErrUnsupported, len(m.Inputs), len(m.Outputs))
	}
	in := &m.Tensors[m.Inputs[0]]
	if in.Data != nil {
		return fmt.Errorf("%w: model input tensor %d %q is a constant", ErrInvalidModel, m.Inputs[0], in.Name)
	}
	return nil
}

// validateTensor checks what edgecam requires of one tensor beyond its
// structure (which Check verified): a data type it holds, finite positive
// scales and zero points in the range of the type.
func validateTensor(t *tflite.Tensor, i int) error {
	what := fmt.Sprintf("tensor %d %q", i, t.Name)
	switch t.Type {
	case tflite.Float32, tflite.Int32, tflite.Uint8, tflite.Int8:
	case tflite.Float16:
		// Only as a constant that a DEQUANTIZE turns into float32 (the
		// operator checks reject float16 anywhere else).
		if t.Data == nil {
			return fmt.Errorf("%w: %s: data type float16 (supported only for constants that a DEQUANTIZE reads)", ErrUnsupported, what)
		}
	default:
		return fmt.Errorf("%w: %s: data type %v", ErrUnsupported, what, t.Type)
	}
	q := t.Quant
	if q == nil {
		return nil
	}
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	switch t.Type {
	case tflite.Uint8:
		lo, hi = 0, 255
	case tflite.Int8:
		lo, hi = -128, 127
	case tflite.Int32:
		lo, hi = 0, 0 // biases: zero point 0
	}
	for c, s := range q.Scale {
		if !(s > 0) || math.IsInf(float64(s), 0) {
			return fmt.Errorf("%w: %s: scale[%d] = %g, want a finite positive number", ErrInvalidModel, what, c, s)
		}
		if z := q.ZeroPoint[c]; z < lo || z > hi {
			return fmt.Errorf("%w: %s: zero point[%d] = %d out of range [%d, %d] for %v", ErrInvalidModel, what, c, z, lo, hi, t.Type)
		}
	}
	return nil
}

// sameOutHW is the output size of TensorFlow SAME padding.
func sameOutHW(in, stride int) int { return (in + stride - 1) / stride }

// validOutHW is the output size of VALID padding, or 0 when the filter does
// not fit the input.
func validOutHW(in, k, stride int) int {
	if in < k {
		return 0
	}
	return (in-k)/stride + 1
}

// convOutHW is the spatial output size for padding p.
func convOutHW(p tflite.Padding, in, k, stride int) int {
	if p == tflite.PadSame {
		return sameOutHW(in, stride)
	}
	return validOutHW(in, k, stride)
}

// padName names a padding scheme in messages.
func padName(p tflite.Padding) string {
	switch p {
	case tflite.PadSame:
		return "SAME"
	case tflite.PadValid:
		return "VALID"
	}
	return fmt.Sprintf("padding(%d)", int8(p))
}
