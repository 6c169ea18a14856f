package runtime

import (
	"fmt"
	"math"
	"slices"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// opCheck validates one operator of a model: the checks every op shares
// (operands against its table entry) and the helpers the ops' own
// validate functions (op_*.go) use.
type opCheck struct {
	m      *tflite.Model
	i      int
	op     *tflite.Op
	def    *opDef
	folded []bool // per tensor: output of an op that folds a constant (may be nil)
}

// constant reports whether tensor t is a constant: it has data, or it is the
// output of a DEQUANTIZE of a constant, which the plan folds at compile time.
func (c *opCheck) constant(t int) bool {
	return c.m.Tensors[t].Data != nil || (t < len(c.folded) && c.folded[t])
}

func (c *opCheck) errf(format string, a ...any) error {
	return fmt.Errorf("%w: op %d (%s): %s", ErrInvalidModel, c.i, c.op.Name(), fmt.Sprintf(format, a...))
}

func (c *opCheck) unsupportedf(format string, a ...any) error {
	return fmt.Errorf("%w: op %d (%s): %s", ErrUnsupported, c.i, c.op.Name(), fmt.Sprintf(format, a...))
}

// name describes tensor index t for messages: `input tensor 5 "conv1"`.
func (c *opCheck) name(role string, t int) string {
	return fmt.Sprintf("%s tensor %d %q", role, t, c.m.Tensors[t].Name)
}

// operands checks the operator's operand counts, absent inputs, the
// activation roles and the execution order against its table entry, and
// marks its outputs written. Every index is in range or -1 (the model
// passed Check).
func (c *opCheck) operands(written []bool) error {
	op, d := c.op, c.def
	if len(op.Inputs) < d.minIn || (d.maxIn >= 0 && len(op.Inputs) > d.maxIn) {
		if d.maxIn < 0 {
			return c.errf("has %d inputs, want at least %d", len(op.Inputs), d.minIn)
		}
		return c.errf("has %d inputs, want %d to %d", len(op.Inputs), d.minIn, d.maxIn)
	}
	if len(op.Outputs) < d.minOut || len(op.Outputs) > d.maxOut {
		if d.minOut == d.maxOut {
			return c.errf("has %d outputs, want %d", len(op.Outputs), d.minOut)
		}
		return c.errf("has %d outputs, want %d to %d", len(op.Outputs), d.minOut, d.maxOut)
	}
	for j, t := range op.Inputs {
		if t == -1 {
			if d.operand(j).optional {
				continue
			}
			return c.errf("input %d is absent (tensor index -1), but the operator needs it", j)
		}
		if !written[t] {
			return c.errf("input %d: %s is read before any op writes it", j, c.name("input", t))
		}
	}
	for _, t := range op.Outputs {
		if written[t] {
			return c.errf("%s is already written (by an earlier op, as a constant or as the model input)", c.name("output", t))
		}
		written[t] = true
	}
	for j, t := range op.Inputs {
		if t >= 0 && d.operand(j).role == roleActivation && c.constant(t) {
			return c.unsupportedf("%s is a constant (want an activation)", c.name("input", t))
		}
	}
	return nil
}

// constants checks the inputs the table requires to be constant. It runs
// after the op's own validate, whose messages say more (which shape, what
// type), so it only catches what an op does not check itself.
func (c *opCheck) constants() error {
	for j, t := range c.op.Inputs {
		if o := c.def.operand(j); t >= 0 && o.role == roleConstant && !c.constant(t) {
			return c.unsupportedf("%s: %s is not a constant", c.name(o.name, t), o.name)
		}
	}
	return nil
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
