package quant

import (
	"fmt"
	"slices"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// checkOpShapes checks that the shapes around op are consistent, so that
// quantization (and the reference interpreter) never index out of range on a
// malformed model. Tensor indices have been checked.
func checkOpShapes(m *tflite.Model, op *tflite.Op) error {
	in, out := &m.Tensors[op.Inputs[0]], &m.Tensors[op.Outputs[0]]
	for _, t := range []*tflite.Tensor{in, out} {
		if len(t.Shape) == 0 || slices.ContainsFunc(t.Shape, func(d int) bool { return d <= 0 }) {
			return fmt.Errorf("tensor %q has shape %v", t.Name, t.Shape)
		}
	}
	switch op.Kind {
	case tflite.OpConv2D, tflite.OpDepthwiseConv2D, tflite.OpAveragePool2D:
		if len(in.Shape) != 4 || len(out.Shape) != 4 || in.Shape[0] != 1 || out.Shape[0] != 1 {
			return fmt.Errorf("input %v and output %v are not [1,H,W,C]", in.Shape, out.Shape)
		}
		if op.StrideH < 1 || op.StrideW < 1 || max(op.DilationH, 1) != 1 || max(op.DilationW, 1) != 1 {
			return fmt.Errorf("strides %dx%d, dilation %dx%d (want strides >= 1, no dilation)", op.StrideH, op.StrideW, op.DilationH, op.DilationW)
		}
		kh, kw := op.FilterH, op.FilterW
		wantC := in.Shape[3]
		if op.Kind != tflite.OpAveragePool2D {
			w := &m.Tensors[op.Inputs[1]]
			if len(w.Shape) != 4 {
				return fmt.Errorf("weights %q have shape %v, want 4 dimensions", w.Name, w.Shape)
			}
			kh, kw = w.Shape[1], w.Shape[2]
			if op.Kind == tflite.OpConv2D {
				if w.Shape[3] != in.Shape[3] {
					return fmt.Errorf("weights %q %v do not take %d input channels", w.Name, w.Shape, in.Shape[3])
				}
				wantC = w.Shape[0]
			} else if w.Shape[0] != 1 || w.Shape[3] != in.Shape[3] || max(op.DepthMultiplier, 1) != 1 {
				return fmt.Errorf("depthwise weights %q %v with multiplier %d for %d channels (want [1,H,W,C], multiplier 1)",
					w.Name, w.Shape, op.DepthMultiplier, in.Shape[3])
			}
		}
		if kh < 1 || kw < 1 {
			return fmt.Errorf("filter %dx%d", kh, kw)
		}
		oh, ow := outSize(in.Shape[1], kh, op.StrideH, op.Padding), outSize(in.Shape[2], kw, op.StrideW, op.Padding)
		if out.Shape[1] != oh || out.Shape[2] != ow || out.Shape[3] != wantC {
			return fmt.Errorf("output %q has shape %v, want [1,%d,%d,%d]", out.Name, out.Shape, oh, ow, wantC)
		}
		return checkBias(m, op, wantC)
	case tflite.OpFullyConnected:
		w := &m.Tensors[op.Inputs[1]]
		if len(w.Shape) != 2 || w.Shape[1] != in.Elems() || out.Elems() != w.Shape[0] {
			return fmt.Errorf("weights %q %v do not map %d inputs to %d outputs", w.Name, w.Shape, in.Elems(), out.Elems())
		}
		return checkBias(m, op, w.Shape[0])
	default: // RESHAPE, SQUEEZE, SOFTMAX keep the elements
		if in.Elems() != out.Elems() {
			return fmt.Errorf("input %v and output %v differ in size", in.Shape, out.Shape)
		}
	}
	return nil
}

func checkBias(m *tflite.Model, op *tflite.Op, channels int) error {
	if len(op.Inputs) < 3 || op.Inputs[2] < 0 {
		return nil
	}
	if b := &m.Tensors[op.Inputs[2]]; b.Elems() != channels {
		return fmt.Errorf("bias %q has %d values for %d channels", b.Name, b.Elems(), channels)
	}
	return nil
}

// outSize is TensorFlow's output size for SAME and VALID padding.
func outSize(in, k, stride int, p tflite.Padding) int {
	if p == tflite.PadValid {
		return (in-k)/stride + 1
	}
	return (in + stride - 1) / stride
}
