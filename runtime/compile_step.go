package runtime

import (
	"fmt"
	"slices"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// buildOp compiles op i of the folded model through its table entry into
// its steps (one for most ops, a single empty one for an alias) and
// describes it. The last step carries the op's float32 outputs for Trace.
func (c *compiler) buildOp(i int) ([]step, LayerInfo, error) {
	op := &c.m.Ops[i]
	d := lookupOp(op)
	if d == nil { // Validate refused it already
		return nil, LayerInfo{}, fmt.Errorf("unsupported op")
	}
	info := LayerInfo{
		Index:    i,
		Op:       op.Name(),
		Type:     d.layerType(c.m, op),
		InShape:  slices.Clone(c.m.Tensors[op.Inputs[0]].Shape),
		OutShape: slices.Clone(c.m.Tensors[op.Outputs[0]].Shape),
	}
	steps := []step{{}}
	if d.alias {
		info.Kernel = "alias"
	} else {
		var err error
		if steps, err = d.compile(c, op, &info); err != nil {
			return nil, LayerInfo{}, err
		}
		if len(steps) == 0 {
			return nil, LayerInfo{}, fmt.Errorf("compiled to no step")
		}
	}
	last := &steps[len(steps)-1]
	for _, t := range op.Outputs {
		if c.m.Tensors[t].Type == tflite.Float32 {
			last.traced = append(last.traced, tracedTensor{tensor: t, values: c.f32(t)})
		}
	}
	return steps, info, nil
}

// nhwc returns the dimensions of a batch-1 NHWC tensor.
func nhwc(m *tflite.Model, ti int) (h, w, ch int, err error) {
	t := &m.Tensors[ti]
	if len(t.Shape) != 4 || t.Shape[0] != 1 {
		return 0, 0, 0, fmt.Errorf("tensor %d (%q) has shape %v, want [1 H W C]", ti, t.Name, t.Shape)
	}
	return t.Shape[1], t.Shape[2], t.Shape[3], nil
}

// padBefore checks one spatial dimension of a conv or pool against TFLite's
// output size rule and returns the padding before it (TensorFlow SAME:
// total = max((out-1)*s + k - in, 0), before = total/2).
func padBefore(pad tflite.Padding, in, k, s, out int) (int, error) {
	if s < 1 || k < 1 {
		return 0, fmt.Errorf("invalid kernel size %d or stride %d", k, s)
	}
	var want, before int
	switch pad {
	case tflite.PadSame:
		want = (in + s - 1) / s
		before = max((want-1)*s+k-in, 0) / 2
	case tflite.PadValid:
		if in >= k {
			want = (in-k)/s + 1
		}
	default:
		return 0, fmt.Errorf("unknown padding %d", pad)
	}
	if want != out {
		return 0, fmt.Errorf("output size %d does not match input %d, kernel %d, stride %d (want %d)", out, in, k, s, want)
	}
	return before, nil
}

// geometry builds the ConvParams of a conv, depthwise conv or pool.
func geometry(m *tflite.Model, op *tflite.Op, kh, kw int) (*generic.ConvParams, error) {
	if op.DilationH > 1 || op.DilationW > 1 {
		return nil, fmt.Errorf("dilation %dx%d is not supported", op.DilationH, op.DilationW)
	}
	ih, iw, ic, err := nhwc(m, op.Inputs[0])
	if err != nil {
		return nil, err
	}
	oh, ow, oc, err := nhwc(m, op.Outputs[0])
	if err != nil {
		return nil, err
	}
	pt, err := padBefore(op.Padding, ih, kh, op.StrideH, oh)
	if err != nil {
		return nil, fmt.Errorf("height: %w", err)
	}
	pl, err := padBefore(op.Padding, iw, kw, op.StrideW, ow)
	if err != nil {
		return nil, fmt.Errorf("width: %w", err)
	}
	return &generic.ConvParams{
		InH: ih, InW: iw, InC: ic, OutH: oh, OutW: ow, OutC: oc,
		KH: kh, KW: kw, StrideH: op.StrideH, StrideW: op.StrideW, PadTop: pt, PadLeft: pl,
	}, nil
}

// quantized reports whether op runs on quantized (not float32) tensors, checking
// that its input and output agree.
func (c *compiler) quantized(op *tflite.Op) (bool, error) {
	in, out := c.m.Tensors[op.Inputs[0]].Type, c.m.Tensors[op.Outputs[0]].Type
	switch {
	case in == tflite.Float32 && out == tflite.Float32:
		return false, nil
	case isQuantType(in) && isQuantType(out):
		return true, nil
	}
	return false, fmt.Errorf("input %s and output %s do not form a supported scheme", in, out)
}
