package runtime

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// ioTensor is the model input, output or logits tensor as the plan holds it.
type ioTensor struct {
	index int
	dtype tflite.DType // the type the model declares
	q     qparams      // int8-domain quantization when dtype is uint8 or int8
	f32   []float32
	i8    []int8
	raw   []byte // conversion buffer of OutputRaw and LogitsRaw (nil for the input)
}

// newIOTensor binds tensor ti of the compiled model; withRaw allocates the
// conversion buffer of OutputRaw and LogitsRaw.
func newIOTensor(c *compiler, ti int, withRaw bool) (ioTensor, error) {
	t := &c.m.Tensors[ti]
	io := ioTensor{index: ti, dtype: t.Type}
	switch {
	case t.Type == tflite.Float32:
		io.f32 = c.f32(ti)
		if withRaw {
			io.raw = make([]byte, 4*len(io.f32))
		}
	case isQuantType(t.Type):
		q, err := tensorQParams(c.m, ti)
		if err != nil {
			return ioTensor{}, err
		}
		io.q, io.i8 = q, c.i8(ti)
		if withRaw {
			io.raw = make([]byte, len(io.i8))
		}
	default:
		return ioTensor{}, fmt.Errorf("tensor %d (%q) has unsupported type %s", ti, t.Name, t.Type)
	}
	return io, nil
}

// setIO binds the input, output and logits tensors and precomputes the
// conversion of input bytes.
func (p *Plan) setIO(c *compiler, logits int) error {
	var err error
	if p.in, err = newIOTensor(c, c.m.Inputs[0], false); err != nil {
		return fmt.Errorf("input: %w", err)
	}
	if p.out, err = newIOTensor(c, c.m.Outputs[0], true); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	if logits >= 0 {
		if p.logits, err = newIOTensor(c, logits, true); err != nil {
			return fmt.Errorf("logits: %w", err)
		}
		p.hasLogits = true
	}
	for x := range 256 {
		// Exactly the golden preprocessing: (float32(x) - 127.5) / 127.5.
		f := (float32(x) - 127.5) / 127.5
		p.inF32[x] = f
		switch {
		case p.in.dtype == tflite.Uint8, p.in.q.zp == -128, p.in.q.scale == 1.0/128 && p.in.q.zp == 0:
			// The raw byte, shifted into the int8 domain.
			p.inQ8[x] = int8(x - 128)
		default:
			p.inQ8[x] = generic.QuantizeValue(f, p.in.q.scale, p.in.q.zp)
		}
	}
	return nil
}

// InputShape is the model input's height, width and channels.
func (p *Plan) InputShape() (h, w, c int) {
	s := p.model.Tensors[p.in.index].Shape
	if len(s) != 4 {
		return 0, 0, 0
	}
	return s[1], s[2], s[3]
}

// InputType is the model input's element type.
func (p *Plan) InputType() tflite.DType { return p.in.dtype }

// SetInputRGB sets the input from an HWC uint8 RGB image of exactly the input
// size, converting it per the model's convention: float models get
// (x-127.5)/127.5, uint8 models the raw bytes, int8 models x-128 (or the input
// tensor's own quantization when it differs from scale 1/128).
//
// For int8 inputs "x-128" applies when the input has scale 1/128 and zero
// point 0, or zero point -128 (the uint8 convention shifted); any other
// quantization gets (x-127.5)/127.5 quantized with the input's scale and zero
// point.
func (p *Plan) SetInputRGB(rgb []byte) error {
	h, w, c := p.InputShape()
	if c != 3 {
		return fmt.Errorf("runtime: SetInputRGB: model input has shape %v, want [1 H W 3]", p.model.Tensors[p.in.index].Shape)
	}
	if len(rgb) != h*w*c {
		return fmt.Errorf("runtime: SetInputRGB: got %d bytes, want %dx%dx3 = %d", len(rgb), h, w, h*w*c)
	}
	if p.in.f32 != nil {
		dst := p.in.f32[:len(rgb)]
		for i, x := range rgb {
			dst[i] = p.inF32[x]
		}
		return nil
	}
	dst := p.in.i8[:len(rgb)]
	for i, x := range rgb {
		dst[i] = p.inQ8[x]
	}
	return nil
}
