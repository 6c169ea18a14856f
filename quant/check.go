package quant

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// CheckFloatModel reports whether m is a float32 MobileNet-style classifier
// that quant can convert: one float32 NHWC input with 3 channels, one output,
// only CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, AVERAGE_POOL_2D, RESHAPE,
// SQUEEZE and SOFTMAX ops, float32 activations, constant float32 weights and
// biases each used by a single op. The error names the first offending tensor
// or op. Constants holding NaN or ±Inf are refused: no int8 scale covers them.
func CheckFloatModel(m *tflite.Model) error {
	if m == nil {
		return fmt.Errorf("not a float MobileNet model: no model")
	}
	if len(m.Inputs) != 1 || len(m.Outputs) != 1 {
		return fmt.Errorf("not a float MobileNet model: %d inputs and %d outputs, want 1 and 1", len(m.Inputs), len(m.Outputs))
	}
	if len(m.Ops) == 0 {
		return fmt.Errorf("not a float MobileNet model: no operators")
	}
	tensor := func(i int) (*tflite.Tensor, error) {
		if i < 0 || i >= len(m.Tensors) {
			return nil, fmt.Errorf("tensor index %d out of range (%d tensors)", i, len(m.Tensors))
		}
		return &m.Tensors[i], nil
	}
	in, err := tensor(m.Inputs[0])
	if err != nil {
		return fmt.Errorf("not a float MobileNet model: input: %w", err)
	}
	if in.Type != tflite.Float32 {
		return fmt.Errorf("not a float model: input %q is %v (the model is already quantized?)", in.Name, in.Type)
	}
	if len(in.Shape) != 4 || in.Shape[0] != 1 || in.Shape[3] != 3 || in.Shape[1] != in.Shape[2] || in.Shape[1] <= 0 {
		return fmt.Errorf("not a MobileNet model: input %q has shape %v, want [1,R,R,3]", in.Name, in.Shape)
	}
	uses := make([]int, len(m.Tensors))
	for i := range m.Ops {
		op := &m.Ops[i]
		fail := func(format string, a ...any) error {
			return fmt.Errorf("not a float MobileNet model: op %d (%v): "+format, append([]any{i, op.Kind}, a...)...)
		}
		switch op.Kind {
		case tflite.OpConv2D, tflite.OpDepthwiseConv2D, tflite.OpFullyConnected:
			if len(op.Inputs) < 2 || len(op.Outputs) != 1 {
				return fail("%d inputs and %d outputs", len(op.Inputs), len(op.Outputs))
			}
			for k, idx := range op.Inputs {
				if k == 2 && idx == -1 {
					continue // no bias
				}
				t, err := tensor(idx)
				if err != nil {
					return fail("input %d: %w", k, err)
				}
				if t.Type != tflite.Float32 {
					return fail("input %q is %v, want float32 (the model is already quantized?)", t.Name, t.Type)
				}
				if k >= 1 {
					if len(t.Data) != 4*t.Elems() {
						return fail("weights %q are not a constant float32 tensor", t.Name)
					}
					uses[idx]++
				}
			}
		case tflite.OpAveragePool2D, tflite.OpReshape, tflite.OpSqueeze, tflite.OpSoftmax:
			if len(op.Inputs) < 1 || len(op.Outputs) != 1 {
				return fail("%d inputs and %d outputs", len(op.Inputs), len(op.Outputs))
			}
			if _, err := tensor(op.Inputs[0]); err != nil {
				return fail("%w", err)
			}
		default:
			return fmt.Errorf("not a MobileNet model: op %d is %v, which quantize does not support", i, op.Kind)
		}
		out, err := tensor(op.Outputs[0])
		if err != nil {
			return fail("output: %w", err)
		}
		if out.Type != tflite.Float32 {
			return fail("output %q is %v, want float32", out.Name, out.Type)
		}
		if len(out.Data) != 0 {
			return fail("output %q is a constant", out.Name)
		}
		if err := checkOpShapes(m, op); err != nil {
			return fail("%w", err)
		}
	}
	for i := range m.Tensors {
		t := &m.Tensors[i]
		if len(t.Data) == 0 {
			continue
		}
		if sz := t.Type.Size(); sz == 0 || len(t.Data) != t.Elems()*sz || slices.ContainsFunc(t.Shape, func(d int) bool { return d < 0 }) {
			return fmt.Errorf("malformed model: constant %q has %d bytes for shape %v of %v", t.Name, len(t.Data), t.Shape, t.Type)
		}
		if t.Type == tflite.Float32 {
			if i, v, ok := firstNonFinite(t.Data); ok {
				return fmt.Errorf("unusable float model: constant %q holds %v at element %d", t.Name, v, i)
			}
		}
	}
	for idx, n := range uses {
		if n > 1 {
			return fmt.Errorf("not a MobileNet model: constant %q is shared by %d ops", m.Tensors[idx].Name, n)
		}
	}
	return nil
}

// firstNonFinite finds the first NaN or ±Inf in little-endian float32 data.
func firstNonFinite(data []byte) (index int, v float32, found bool) {
	for i := 0; i+4 <= len(data); i += 4 {
		v := math.Float32frombits(binary.LittleEndian.Uint32(data[i:]))
		if !finite(v) {
			return i / 4, v, true
		}
	}
	return 0, 0, false
}
