package runtime

import (
	"fmt"
	"math"
	"slices"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// opCheck validates one operator of a model.
type opCheck struct {
	m      *tflite.Model
	i      int
	op     *tflite.Op
	folded []bool // per tensor: output of a DEQUANTIZE of a constant (may be nil)
}

// constant reports whether tensor t is a constant: it has data, or it is the
// output of a DEQUANTIZE of a constant, which the plan folds at compile time.
func (c *opCheck) constant(t int) bool {
	return c.m.Tensors[t].Data != nil || (t < len(c.folded) && c.folded[t])
}

func (c *opCheck) errf(format string, a ...any) error {
	return fmt.Errorf("%w: op %d (%s): %s", ErrInvalidModel, c.i, c.op.Kind, fmt.Sprintf(format, a...))
}

func (c *opCheck) unsupportedf(format string, a ...any) error {
	return fmt.Errorf("%w: op %d (%s): %s", ErrUnsupported, c.i, c.op.Kind, fmt.Sprintf(format, a...))
}

// name describes tensor index t for messages: `input tensor 5 "conv1"`.
func (c *opCheck) name(role string, t int) string {
	return fmt.Sprintf("%s tensor %d %q", role, t, c.m.Tensors[t].Name)
}

// ioCounts is how many inputs (min, max) and outputs each operator has.
func ioCounts(k tflite.OpKind) (minIn, maxIn int) {
	switch k {
	case tflite.OpConv2D, tflite.OpDepthwiseConv2D, tflite.OpFullyConnected:
		return 2, 3
	case tflite.OpReshape:
		return 1, 2
	}
	return 1, 1
}

// indices checks the operator's operand counts, absent operands and the
// execution order, and marks its outputs written. Every index is in range or
// -1 (the model passed Check).
func (c *opCheck) indices(written []bool) error {
	op := c.op
	switch op.Kind {
	case tflite.OpConv2D, tflite.OpDepthwiseConv2D, tflite.OpAveragePool2D, tflite.OpFullyConnected,
		tflite.OpReshape, tflite.OpSqueeze, tflite.OpSoftmax, tflite.OpQuantize, tflite.OpDequantize:
	default:
		return c.unsupportedf("operator not supported")
	}
	minIn, maxIn := ioCounts(op.Kind)
	if len(op.Inputs) < minIn || len(op.Inputs) > maxIn {
		return c.errf("has %d inputs, want %d to %d", len(op.Inputs), minIn, maxIn)
	}
	if len(op.Outputs) != 1 {
		return c.errf("has %d outputs, want 1", len(op.Outputs))
	}
	for j, t := range op.Inputs {
		if t == -1 {
			optional := j == 2 && (op.Kind == tflite.OpConv2D || op.Kind == tflite.OpDepthwiseConv2D || op.Kind == tflite.OpFullyConnected)
			if optional {
				continue
			}
			return c.errf("input %d is absent (tensor index -1), but the operator needs it", j)
		}
		if !written[t] {
			return c.errf("input %d: %s is read before any op writes it", j, c.name("input", t))
		}
	}
	t := op.Outputs[0]
	if written[t] {
		return c.errf("%s is already written (by an earlier op, as a constant or as the model input)", c.name("output", t))
	}
	written[t] = true
	if in := op.Inputs[0]; op.Kind != tflite.OpDequantize && c.constant(in) {
		return c.unsupportedf("%s is a constant (want an activation)", c.name("input", in))
	}
	return nil
}

// check validates the operator's options, shapes and types.
func (c *opCheck) check() error {
	switch c.op.Kind {
	case tflite.OpConv2D, tflite.OpDepthwiseConv2D:
		return c.conv()
	case tflite.OpAveragePool2D:
		return c.pool()
	case tflite.OpFullyConnected:
		return c.fullyConnected()
	case tflite.OpReshape:
		return c.reshape()
	case tflite.OpSqueeze:
		return c.squeeze()
	case tflite.OpSoftmax:
		return c.softmax()
	case tflite.OpQuantize, tflite.OpDequantize:
		return c.quantize()
	}
	return c.unsupportedf("operator not supported")
}

func (c *opCheck) in() *tflite.Tensor  { return &c.m.Tensors[c.op.Inputs[0]] }
func (c *opCheck) out() *tflite.Tensor { return &c.m.Tensors[c.op.Outputs[0]] }

// bias returns the optional bias tensor and its index, or nil, -1.
func (c *opCheck) bias() (*tflite.Tensor, int) {
	if len(c.op.Inputs) < 3 || c.op.Inputs[2] < 0 {
		return nil, -1
	}
	return &c.m.Tensors[c.op.Inputs[2]], c.op.Inputs[2]
}

// spatial checks stride, dilation, padding and activation options.
func (c *opCheck) spatial() error {
	op := c.op
	if op.StrideH < 1 || op.StrideW < 1 {
		return c.errf("stride %dx%d, want at least 1", op.StrideH, op.StrideW)
	}
	if op.StrideH > 1<<16 || op.StrideW > 1<<16 {
		return c.errf("stride %dx%d is absurd", op.StrideH, op.StrideW)
	}
	if op.Kind != tflite.OpAveragePool2D && (op.DilationH != 1 || op.DilationW != 1) {
		return c.unsupportedf("dilation %dx%d (only 1 is supported)", op.DilationH, op.DilationW)
	}
	if op.Padding != tflite.PadSame && op.Padding != tflite.PadValid {
		return c.errf("unknown padding %d", op.Padding)
	}
	return c.activation()
}

func (c *opCheck) activation() error {
	switch c.op.Activation {
	case tflite.ActNone, tflite.ActRelu, tflite.ActReluN1To1, tflite.ActRelu6:
		return nil
	}
	return c.unsupportedf("fused activation %d", c.op.Activation)
}

// rank4 checks that tensor t has shape [1, H, W, C].
func (c *opCheck) rank4(role string, t int) error {
	s := c.m.Tensors[t].Shape
	if len(s) != 4 {
		return c.errf("%s: shape %v, want [1 H W C]", c.name(role, t), s)
	}
	if s[0] != 1 {
		return c.unsupportedf("%s: batch %d (only 1 is supported)", c.name(role, t), s[0])
	}
	return nil
}

// wantOut checks that the output shape is want; how explains where want came from.
func (c *opCheck) wantOut(want []int, how string) error {
	if got := c.out().Shape; !slices.Equal(got, want) {
		return c.errf("%s: shape %v, want %v (%s)", c.name("output", c.op.Outputs[0]), got, want, how)
	}
	return nil
}

func (c *opCheck) conv() error {
	op := c.op
	if err := c.spatial(); err != nil {
		return err
	}
	if err := c.rank4("input", op.Inputs[0]); err != nil {
		return err
	}
	if err := c.rank4("output", op.Outputs[0]); err != nil {
		return err
	}
	wi := op.Inputs[1]
	w := &c.m.Tensors[wi]
	in := c.in().Shape
	if len(w.Shape) != 4 {
		return c.errf("%s: shape %v, want 4 dimensions", c.name("filter", wi), w.Shape)
	}
	if !c.constant(wi) {
		return c.unsupportedf("%s: filter is not a constant", c.name("filter", wi))
	}
	var outC, axis int
	if op.Kind == tflite.OpConv2D {
		if w.Shape[3] != in[3] {
			return c.errf("%s: shape %v has %d input channels, input has %d", c.name("filter", wi), w.Shape, w.Shape[3], in[3])
		}
		outC, axis = w.Shape[0], 0
	} else {
		if op.DepthMultiplier != 1 {
			return c.unsupportedf("depth multiplier %d (only 1 is supported)", op.DepthMultiplier)
		}
		if w.Shape[0] != 1 || w.Shape[3] != in[3] {
			return c.errf("%s: shape %v, want [1 KH KW %d] (depth multiplier 1)", c.name("filter", wi), w.Shape, in[3])
		}
		outC, axis = w.Shape[3], 3
	}
	kh, kw := w.Shape[1], w.Shape[2]
	oh, ow := convOutHW(op.Padding, in[1], kh, op.StrideH), convOutHW(op.Padding, in[2], kw, op.StrideW)
	if oh == 0 || ow == 0 {
		return c.errf("%dx%d filter does not fit the %dx%d input with VALID padding", kh, kw, in[1], in[2])
	}
	how := fmt.Sprintf("%s padding, %dx%d filter, stride %d", padName(op.Padding), kh, kw, op.StrideH)
	if op.StrideW != op.StrideH {
		how = fmt.Sprintf("%s padding, %dx%d filter, stride %dx%d", padName(op.Padding), kh, kw, op.StrideH, op.StrideW)
	}
	if err := c.wantOut([]int{in[0], oh, ow, outC}, how); err != nil {
		return err
	}
	return c.weightedTypes(wi, outC, axis)
}

// weightedTypes checks the types and quantization of an operator with
// weights (conv, depthwise, fully connected): input, filter with outC
// output channels along axis, optional bias, output.
func (c *opCheck) weightedTypes(wi, outC, axis int) error {
	in, out, w := c.in(), c.out(), &c.m.Tensors[wi]
	b, bi := c.bias()
	if b != nil {
		if len(b.Shape) != 1 || b.Shape[0] != outC {
			return c.errf("%s: shape %v, want [%d]", c.name("bias", bi), b.Shape, outC)
		}
		if !c.constant(bi) {
			return c.unsupportedf("%s: bias is not a constant", c.name("bias", bi))
		}
	}
	if in.Type == tflite.Float32 {
		if w.Type != tflite.Float32 || out.Type != tflite.Float32 || (b != nil && b.Type != tflite.Float32) {
			return c.unsupportedf("type combination input %v, filter %v, output %v (float models need float32 throughout)", in.Type, w.Type, out.Type)
		}
		return nil
	}
	if in.Type != tflite.Uint8 && in.Type != tflite.Int8 {
		return c.unsupportedf("%s: type %v", c.name("input", c.op.Inputs[0]), in.Type)
	}
	if w.Type != in.Type || out.Type != in.Type {
		return c.unsupportedf("type combination input %v, filter %v, output %v", in.Type, w.Type, out.Type)
	}
	if err := c.perTensor("input", c.op.Inputs[0]); err != nil {
		return err
	}
	if err := c.perTensor("output", c.op.Outputs[0]); err != nil {
		return err
	}
	if w.Quant == nil {
		return c.errf("%s: quantized filter has no quantization parameters", c.name("filter", wi))
	}
	if w.Quant.PerChannel() {
		if w.Type != tflite.Int8 {
			return c.unsupportedf("%s: per-channel quantization of %v weights", c.name("filter", wi), w.Type)
		}
		if w.Quant.Axis != axis || len(w.Quant.Scale) != outC {
			return c.errf("%s: %d scales along dimension %d, want %d along dimension %d", c.name("filter", wi), len(w.Quant.Scale), w.Quant.Axis, outC, axis)
		}
	}
	if w.Type == tflite.Int8 {
		for ch, z := range w.Quant.ZeroPoint {
			if z != 0 {
				return c.errf("%s: int8 weight zero point[%d] = %d, want 0 (symmetric)", c.name("filter", wi), ch, z)
			}
		}
	}
	if b == nil {
		return nil
	}
	if b.Type != tflite.Int32 {
		return c.unsupportedf("%s: quantized bias of type %v (want int32)", c.name("bias", bi), b.Type)
	}
	if b.Quant == nil {
		return c.errf("%s: int32 bias has no quantization parameters", c.name("bias", bi))
	}
	if len(b.Quant.Scale) != len(w.Quant.Scale) {
		return c.errf("%s: %d scales, filter has %d", c.name("bias", bi), len(b.Quant.Scale), len(w.Quant.Scale))
	}
	sIn := float64(in.Quant.Scale[0])
	for ch, s := range b.Quant.Scale {
		want := sIn * float64(w.Quant.Scale[ch])
		if math.Abs(float64(s)-want) > biasScaleTolerance*want {
			return c.errf("%s: scale[%d] = %g, want input scale x filter scale = %g", c.name("bias", bi), ch, s, want)
		}
	}
	return nil
}

// biasScaleTolerance is the relative difference allowed between a bias scale
// and input scale x weight scale (converters store the product in float32).
const biasScaleTolerance = 1e-4

// perTensor checks that quantized tensor t has exactly one scale.
func (c *opCheck) perTensor(role string, t int) error {
	q := c.m.Tensors[t].Quant
	if q == nil {
		return c.errf("%s: quantized %v tensor has no quantization parameters", c.name(role, t), c.m.Tensors[t].Type)
	}
	if len(q.Scale) != 1 {
		return c.unsupportedf("%s: %d scales (activations must be quantized per tensor)", c.name(role, t), len(q.Scale))
	}
	return nil
}

// sameTypes checks that input and output have the same type, and that a
// quantized input and output are quantized per tensor.
func (c *opCheck) sameTypes() error {
	in, out := c.in(), c.out()
	if in.Type != out.Type {
		return c.errf("input type %v, output type %v", in.Type, out.Type)
	}
	switch in.Type {
	case tflite.Float32:
		return nil
	case tflite.Uint8, tflite.Int8:
		if err := c.perTensor("input", c.op.Inputs[0]); err != nil {
			return err
		}
		return c.perTensor("output", c.op.Outputs[0])
	}
	return c.unsupportedf("%s: type %v", c.name("input", c.op.Inputs[0]), in.Type)
}

// sameQuant checks that input and output share quantization (ops that only
// move data).
func (c *opCheck) sameQuant() error {
	in, out := c.in(), c.out()
	if in.Type == tflite.Float32 {
		return nil
	}
	if in.Quant.Scale[0] != out.Quant.Scale[0] || in.Quant.ZeroPoint[0] != out.Quant.ZeroPoint[0] {
		return c.errf("input quantization (scale %g, zero point %d) differs from output (scale %g, zero point %d)",
			in.Quant.Scale[0], in.Quant.ZeroPoint[0], out.Quant.Scale[0], out.Quant.ZeroPoint[0])
	}
	return nil
}

func (c *opCheck) pool() error {
	op := c.op
	if err := c.spatial(); err != nil {
		return err
	}
	if op.FilterH < 1 || op.FilterW < 1 || op.FilterH > 1<<16 || op.FilterW > 1<<16 {
		return c.errf("filter %dx%d, want 1 to 65536", op.FilterH, op.FilterW)
	}
	if err := c.rank4("input", op.Inputs[0]); err != nil {
		return err
	}
	if err := c.rank4("output", op.Outputs[0]); err != nil {
		return err
	}
	in := c.in().Shape
	oh, ow := convOutHW(op.Padding, in[1], op.FilterH, op.StrideH), convOutHW(op.Padding, in[2], op.FilterW, op.StrideW)
	if oh == 0 || ow == 0 {
		return c.errf("%dx%d filter does not fit the %dx%d input with VALID padding", op.FilterH, op.FilterW, in[1], in[2])
	}
	how := fmt.Sprintf("%s padding, %dx%d filter, stride %dx%d", padName(op.Padding), op.FilterH, op.FilterW, op.StrideH, op.StrideW)
	if err := c.wantOut([]int{in[0], oh, ow, in[3]}, how); err != nil {
		return err
	}
	return c.sameTypes()
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

func (c *opCheck) softmax() error {
	if b := c.op.Beta; !(b > 0) || math.IsInf(float64(b), 0) {
		return c.errf("beta %g, want a finite positive number", b)
	}
	in := c.in()
	if len(in.Shape) == 0 {
		return c.errf("%s: scalar input", c.name("input", c.op.Inputs[0]))
	}
	if err := c.wantOut(in.Shape, "same as input"); err != nil {
		return err
	}
	return c.sameTypes()
}

func (c *opCheck) quantize() error {
	in, out := c.in(), c.out()
	if err := c.wantOut(in.Shape, "same as input"); err != nil {
		return err
	}
	from, to := in, out
	role, ti := "output", c.op.Outputs[0]
	if c.op.Kind == tflite.OpDequantize {
		from, to = out, in
		role, ti = "input", c.op.Inputs[0]
	}
	if c.op.Kind == tflite.OpDequantize && c.constant(ti) {
		return c.constDequantize()
	}
	if from.Type != tflite.Float32 || (to.Type != tflite.Uint8 && to.Type != tflite.Int8) {
		return c.unsupportedf("input type %v, output type %v (want float32 and uint8/int8)", in.Type, out.Type)
	}
	return c.perTensor(role, ti)
}

// constDequantize checks a DEQUANTIZE of a constant (weight storage: int8 or
// uint8 quantized per tensor or per channel, or float16) to float32, which
// the plan folds at compile time.
func (c *opCheck) constDequantize() error {
	in, out := c.in(), c.out()
	ti := c.op.Inputs[0]
	if out.Type != tflite.Float32 {
		return c.unsupportedf("%s: type %v (want float32)", c.name("output", c.op.Outputs[0]), out.Type)
	}
	switch in.Type {
	case tflite.Float16:
		return nil
	case tflite.Uint8, tflite.Int8:
		if in.Quant == nil {
			return c.errf("%s: quantized %v constant has no quantization parameters", c.name("input", ti), in.Type)
		}
		return nil
	}
	return c.unsupportedf("%s: constant of type %v (want int8, uint8 or float16)", c.name("input", ti), in.Type)
}
