package tflite

import "fmt"

// Bounds beyond which a tensor is considered absurd for an edge model. They
// also keep every size computed from a shape far from overflowing an int.
const (
	// MaxRank is the largest number of dimensions of a tensor.
	MaxRank = 6
	// MaxTensorElems is the largest number of elements of a tensor (1 GiB
	// of float32).
	MaxTensorElems = 1 << 28
)

// Check verifies what the file format requires of m, so that code reading
// the graph can index it without further checks: every tensor index of the
// model's inputs and outputs and of every operator in range (an operator
// input may be -1, TFLite's absent optional input), every shape of at most
// MaxRank positive dimensions and MaxTensorElems elements, constant data of
// exactly the size its shape and type need, and quantization arrays of
// matching lengths (per channel: one entry per index of the quantized
// dimension), and metadata that fits the graph (see Metadata). Check
// allocates nothing whose size comes from the model. Errors wrap ErrInvalidModel, or
// ErrUnsupported for constant data of a type whose size edgecam does not know.
//
// Parse and ReadFile run Check; the writer refuses a model that fails it.
// Whether an engine can run the graph (operator options, shapes implied by
// them, types) is the engine's own validation.
func (m *Model) Check() error {
	if m == nil {
		return fmt.Errorf("%w: nil model", ErrInvalidModel)
	}
	for i := range m.Tensors {
		if err := checkTensor(&m.Tensors[i], i); err != nil {
			return err
		}
	}
	n := len(m.Tensors)
	for _, l := range []struct {
		what string
		idx  []int
	}{{"input", m.Inputs}, {"output", m.Outputs}} {
		for _, t := range l.idx {
			if t < 0 || t >= n {
				return fmt.Errorf("%w: model %s tensor index %d out of range (model has %d tensors)", ErrInvalidModel, l.what, t, n)
			}
		}
	}
	for i := range m.Ops {
		op := &m.Ops[i]
		for j, t := range op.Inputs {
			if t < -1 || t >= n {
				return fmt.Errorf("%w: op %d (%s): input %d: tensor index %d out of range (model has %d tensors)", ErrInvalidModel, i, op.Name(), j, t, n)
			}
		}
		for j, t := range op.Outputs {
			if t < 0 || t >= n {
				return fmt.Errorf("%w: op %d (%s): output %d: tensor index %d out of range (model has %d tensors)", ErrInvalidModel, i, op.Name(), j, t, n)
			}
		}
	}
	return m.Metadata.check(m)
}

// checkTensor checks one tensor's shape, data size and quantization arrays.
func checkTensor(t *Tensor, i int) error {
	if len(t.Shape) > MaxRank {
		return fmt.Errorf("%w: tensor %d %q: rank %d (more than %d)", ErrInvalidModel, i, t.Name, len(t.Shape), MaxRank)
	}
	n := 1
	for d, v := range t.Shape {
		if v <= 0 {
			return fmt.Errorf("%w: tensor %d %q: dimension %d of shape %v is %d", ErrInvalidModel, i, t.Name, d, t.Shape, v)
		}
		if v > MaxTensorElems || n > MaxTensorElems/v {
			return fmt.Errorf("%w: tensor %d %q: shape %v has more than %d elements", ErrInvalidModel, i, t.Name, t.Shape, MaxTensorElems)
		}
		n *= v
	}
	if t.Data != nil {
		size := t.Type.Size()
		if size == 0 {
			return fmt.Errorf("%w: tensor %d %q: constant of data type %v", ErrUnsupported, i, t.Name, t.Type)
		}
		if need := int64(n) * int64(size); int64(len(t.Data)) != need {
			return fmt.Errorf("%w: tensor %d %q: buffer holds %d bytes, shape %v of %v needs %d", ErrInvalidModel, i, t.Name, len(t.Data), t.Shape, t.Type, need)
		}
	}
	q := t.Quant
	if q == nil {
		return nil
	}
	if len(q.Scale) == 0 || len(q.Scale) != len(q.ZeroPoint) {
		return fmt.Errorf("%w: tensor %d %q: quantization has %d scales and %d zero points", ErrInvalidModel, i, t.Name, len(q.Scale), len(q.ZeroPoint))
	}
	if len(q.Scale) > 1 {
		if q.Axis < 0 || q.Axis >= len(t.Shape) {
			return fmt.Errorf("%w: tensor %d %q: quantized dimension %d out of range for shape %v", ErrInvalidModel, i, t.Name, q.Axis, t.Shape)
		}
		if len(q.Scale) != t.Shape[q.Axis] {
			return fmt.Errorf("%w: tensor %d %q: %d per-channel scales for dimension %d of size %d", ErrInvalidModel, i, t.Name, len(q.Scale), q.Axis, t.Shape[q.Axis])
		}
	}
	return nil
}
