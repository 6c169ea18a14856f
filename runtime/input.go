package runtime

import (
	"fmt"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// ioTensor is the model input, output or logits tensor as the plan holds it.
type ioTensor struct {
	index int
	dtype tflite.DType // the type the model declares
	shape []int        // as compiled (output shapes an op defines filled in)
	q     qparams      // int8-domain quantization when dtype is uint8 or int8
	f32   []float32
	i8    []int8
	raw   []byte // conversion buffer of OutputRaw and LogitsRaw (nil for the input)
}

// newIOTensor binds tensor ti of the compiled model; withRaw allocates the
// conversion buffer of OutputRaw and LogitsRaw.
func newIOTensor(c *compiler, ti int, withRaw bool) (ioTensor, error) {
	t := &c.m.Tensors[ti]
	io := ioTensor{index: ti, dtype: t.Type, shape: t.Shape}
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
	// A metadata normalization that cannot feed the float input is not a
	// compile error: SetNormalization may replace it, SetInputRGB reports it.
	_ = p.setInputTables(nil)
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
// size, converting each byte per the plan's normalization (normalize.go):
// by default a float input gets (x - mean) / std with the model metadata's
// mean and std, else MobileNet's (x-127.5)/127.5; a uint8 input the raw
// bytes, an int8 input the bytes minus 128. SetNormalization overrides the
// rule. It allocates nothing.
func (p *Plan) SetInputRGB(rgb []byte) error {
	h, w, c := p.InputShape()
	if c != 3 {
		return fmt.Errorf("runtime: SetInputRGB: model input has shape %v, want [1 H W 3]", p.model.Tensors[p.in.index].Shape)
	}
	if len(rgb) != h*w*c {
		return fmt.Errorf("runtime: SetInputRGB: got %d bytes, want %dx%dx3 = %d", len(rgb), h, w, h*w*c)
	}
	if p.inErr != nil {
		return fmt.Errorf("runtime: SetInputRGB: %w", p.inErr)
	}
	if p.in.f32 != nil {
		convertRGB(p.in.f32[:len(rgb)], rgb, &p.inF32)
	} else {
		convertRGB(p.in.i8[:len(rgb)], rgb, &p.inQ8)
	}
	return nil
}

// convertRGB looks every byte of an HWC RGB image up in its channel's table.
func convertRGB[T float32 | int8](dst []T, rgb []byte, table *[3][256]T) {
	r, g, b := &table[0], &table[1], &table[2]
	for i := 0; i+2 < len(rgb) && i+2 < len(dst); i += 3 {
		dst[i], dst[i+1], dst[i+2] = r[rgb[i]], g[rgb[i+1]], b[rgb[i+2]]
	}
}
