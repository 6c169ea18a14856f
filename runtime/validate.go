package runtime

import (
	"fmt"
	"math"
)

// Limits beyond which a tensor is considered absurd for an edge classifier.
const (
	maxRank        = 6
	maxTensorElems = 1 << 28 // 1 GiB of float32
)

// Validate checks that m is a graph edgecam can run: every index in range,
// every tensor's shape, type, quantization and constant data consistent,
// every operator's inputs and outputs of the shapes and types its options
// imply (TensorFlow SAME/VALID arithmetic for convolutions and pools), and
// operators in an order where each reads only tensors already written.
// Errors wrap ErrInvalidModel or ErrUnsupported and name the op index, the op
// and the tensor, e.g.
//
//	invalid model: op 3 (DEPTHWISE_CONV_2D): output tensor 9 "dw_1": shape [1 56 56 32], want [1 112 112 32] (SAME padding, stride 1)
func (m *Model) Validate() error {
	if m == nil {
		return fmt.Errorf("%w: nil model", ErrInvalidModel)
	}
	for i := range m.Tensors {
		if err := validateTensor(&m.Tensors[i], i); err != nil {
			return err
		}
	}
	if err := m.validateIO(); err != nil {
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
	// folded marks the outputs of DEQUANTIZE ops of constants: the plan
	// computes them once at compile time, so they count as constants.
	folded := make([]bool, len(m.Tensors))
	for i := range m.Ops {
		c := &opCheck{m: m, i: i, op: &m.Ops[i], folded: folded}
		if err := c.indices(written); err != nil {
			return err
		}
		if err := c.check(); err != nil {
			return err
		}
		if c.op.Kind == OpDequantize && c.constant(c.op.Inputs[0]) {
			folded[c.op.Outputs[0]] = true
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

// validateIO checks the model's input and output lists.
func (m *Model) validateIO() error {
	if len(m.Inputs) != 1 || len(m.Outputs) != 1 {
		return fmt.Errorf("%w: model has %d inputs and %d outputs, edgecam runs exactly one of each", ErrUnsupported, len(m.Inputs), len(m.Outputs))
	}
	for _, l := range []struct {
		what string
		idx  []int
	}{{"input", m.Inputs}, {"output", m.Outputs}} {
		for _, t := range l.idx {
			if t < 0 || t >= len(m.Tensors) {
				return fmt.Errorf("%w: model %s tensor index %d out of range (model has %d tensors)", ErrInvalidModel, l.what, t, len(m.Tensors))
			}
		}
	}
	in := &m.Tensors[m.Inputs[0]]
	if in.Data != nil {
		return fmt.Errorf("%w: model input tensor %d %q is a constant", ErrInvalidModel, m.Inputs[0], in.Name)
	}
	return nil
}

// validateTensor checks one tensor on its own: shape, type, data size and
// quantization parameters.
func validateTensor(t *Tensor, i int) error {
	what := fmt.Sprintf("tensor %d %q", i, t.Name)
	if len(t.Shape) > maxRank {
		return fmt.Errorf("%w: %s: rank %d (more than %d)", ErrInvalidModel, what, len(t.Shape), maxRank)
	}
	n := 1
	for d, v := range t.Shape {
		if v <= 0 {
			return fmt.Errorf("%w: %s: dimension %d of shape %v is %d", ErrInvalidModel, what, d, t.Shape, v)
		}
		if v > maxTensorElems || n > maxTensorElems/v {
			return fmt.Errorf("%w: %s: shape %v has more than %d elements", ErrInvalidModel, what, t.Shape, maxTensorElems)
		}
		n *= v
	}
	switch t.Type {
	case Float32, Int32, Uint8, Int8:
	case Float16:
		// Only as a constant that a DEQUANTIZE turns into float32 (the
		// operator checks reject float16 anywhere else).
		if t.Data == nil {
			return fmt.Errorf("%w: %s: data type float16 (supported only for constants that a DEQUANTIZE reads)", ErrUnsupported, what)
		}
	default:
		return fmt.Errorf("%w: %s: data type %v", ErrUnsupported, what, t.Type)
	}
	if t.Data != nil && len(t.Data) != n*t.Type.Size() {
		return fmt.Errorf("%w: %s: buffer holds %d bytes, shape %v of %v needs %d", ErrInvalidModel, what, len(t.Data), t.Shape, t.Type, n*t.Type.Size())
	}
	return validateQuant(t, what)
}

func validateQuant(t *Tensor, what string) error {
	q := t.Quant
	if q == nil {
		return nil
	}
	if len(q.Scale) == 0 || len(q.Scale) != len(q.ZeroPoint) {
		return fmt.Errorf("%w: %s: quantization has %d scales and %d zero points", ErrInvalidModel, what, len(q.Scale), len(q.ZeroPoint))
	}
	if len(q.Scale) > 1 {
		if q.Axis < 0 || q.Axis >= len(t.Shape) {
			return fmt.Errorf("%w: %s: quantized dimension %d out of range for shape %v", ErrInvalidModel, what, q.Axis, t.Shape)
		}
		if len(q.Scale) != t.Shape[q.Axis] {
			return fmt.Errorf("%w: %s: %d per-channel scales for dimension %d of size %d", ErrInvalidModel, what, len(q.Scale), q.Axis, t.Shape[q.Axis])
		}
	}
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	switch t.Type {
	case Uint8:
		lo, hi = 0, 255
	case Int8:
		lo, hi = -128, 127
	case Int32:
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
func convOutHW(p Padding, in, k, stride int) int {
	if p == PadSame {
		return sameOutHW(in, stride)
	}
	return validOutHW(in, k, stride)
}

// padName names a padding scheme in messages.
func padName(p Padding) string {
	switch p {
	case PadSame:
		return "SAME"
	case PadValid:
		return "VALID"
	}
	return fmt.Sprintf("padding(%d)", int8(p))
}
