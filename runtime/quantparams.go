package runtime

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// This file precomputes the numeric parameters of a step (docs/ARCHITECTURE.md,
// "Numeric schemes"): every quantized tensor is held in the int8 domain, so a
// uint8 tensor's zero point z becomes z-128 and its values q-128.

// qparams is a per-tensor quantization in the int8 domain.
type qparams struct {
	scale float32
	zp    int32
}

// isQuantType reports whether t is one of the activation types held as int8.
func isQuantType(t tflite.DType) bool { return t == tflite.Uint8 || t == tflite.Int8 }

// tensorQParams returns the per-tensor quantization of an activation tensor in
// the int8 domain.
func tensorQParams(m *tflite.Model, ti int) (qparams, error) {
	t := &m.Tensors[ti]
	if !isQuantType(t.Type) {
		return qparams{}, fmt.Errorf("tensor %d (%q) is %s, want uint8 or int8", ti, t.Name, t.Type)
	}
	q := t.Quant
	if q == nil || len(q.Scale) == 0 {
		return qparams{}, fmt.Errorf("tensor %d (%q) has no quantization parameters", ti, t.Name)
	}
	if len(q.Scale) != 1 {
		return qparams{}, fmt.Errorf("tensor %d (%q) is quantized per channel; activations must be per tensor", ti, t.Name)
	}
	s := q.Scale[0]
	if !(s > 0) || math.IsInf(float64(s), 0) {
		return qparams{}, fmt.Errorf("tensor %d (%q) has invalid scale %v", ti, t.Name, s)
	}
	var z int64
	if len(q.ZeroPoint) > 0 {
		z = q.ZeroPoint[0]
	}
	z, err := int8DomainZP(t.Type, z)
	if err != nil {
		return qparams{}, fmt.Errorf("tensor %d (%q): %w", ti, t.Name, err)
	}
	return qparams{scale: s, zp: int32(z)}, nil
}

// opQParams is the quantization of an op's data input and its output.
func opQParams(m *tflite.Model, op *tflite.Op) (in, out qparams, err error) {
	if in, err = tensorQParams(m, op.Inputs[0]); err != nil {
		return qparams{}, qparams{}, err
	}
	if out, err = tensorQParams(m, op.Outputs[0]); err != nil {
		return qparams{}, qparams{}, err
	}
	return in, out, nil
}

// storedOffset is what a tensor of type t stores above its int8-domain
// value: 128 for uint8, 0 for int8. Kernels that reproduce TFLite's
// arithmetic on the stored values (AVERAGE_POOL_2D, MEAN) add it back.
func storedOffset(t tflite.DType) int32 {
	if t == tflite.Uint8 {
		return 128
	}
	return 0
}

// int8DomainZP maps a zero point of a uint8 or int8 tensor to the int8 domain.
func int8DomainZP(t tflite.DType, z int64) (int64, error) {
	switch t {
	case tflite.Uint8:
		if z < 0 || z > 255 {
			return 0, fmt.Errorf("uint8 zero point %d out of range", z)
		}
		return z - 128, nil
	case tflite.Int8:
		if z < -128 || z > 127 {
			return 0, fmt.Errorf("int8 zero point %d out of range", z)
		}
		return z, nil
	}
	return 0, fmt.Errorf("type %s is not quantized", t)
}

// weightQuant is a quantized weight tensor in the int8 domain: values and one
// scale and zero point per output channel (per-tensor values are repeated).
type weightQuant struct {
	values    []int8
	scale     []float32
	zp        []int32
	perTensor bool
}

// quantWeights decodes a uint8 or int8 weight tensor with outC output channels
// along axis into the int8 domain.
func quantWeights(m *tflite.Model, ti, outC, axis int) (*weightQuant, error) {
	t := &m.Tensors[ti]
	if !isQuantType(t.Type) {
		return nil, fmt.Errorf("weights %d (%q) are %s, want uint8 or int8", ti, t.Name, t.Type)
	}
	if len(t.Data) != t.Elems() {
		return nil, fmt.Errorf("weights %d (%q) hold %d bytes, want %d", ti, t.Name, len(t.Data), t.Elems())
	}
	q := t.Quant
	if q == nil || len(q.Scale) == 0 {
		return nil, fmt.Errorf("weights %d (%q) have no quantization parameters", ti, t.Name)
	}
	w := &weightQuant{values: make([]int8, len(t.Data)), scale: make([]float32, outC), zp: make([]int32, outC)}
	for i, b := range t.Data {
		if t.Type == tflite.Uint8 {
			w.values[i] = int8(int32(b) - 128)
		} else {
			w.values[i] = int8(b)
		}
	}
	switch len(q.Scale) {
	case 1:
		w.perTensor = true
	case outC:
		if q.Axis != axis {
			return nil, fmt.Errorf("weights %d (%q) are quantized along axis %d, want %d", ti, t.Name, q.Axis, axis)
		}
	default:
		return nil, fmt.Errorf("weights %d (%q) have %d scales for %d output channels", ti, t.Name, len(q.Scale), outC)
	}
	if len(q.ZeroPoint) != 0 && len(q.ZeroPoint) != len(q.Scale) && len(q.ZeroPoint) != 1 {
		return nil, fmt.Errorf("weights %d (%q) have %d zero points for %d scales", ti, t.Name, len(q.ZeroPoint), len(q.Scale))
	}
	for c := 0; c < outC; c++ {
		s := q.Scale[0]
		if !w.perTensor {
			s = q.Scale[c]
		}
		if !(s > 0) || math.IsInf(float64(s), 0) {
			return nil, fmt.Errorf("weights %d (%q) have invalid scale %v for channel %d", ti, t.Name, s, c)
		}
		var z int64
		switch {
		case len(q.ZeroPoint) == 1:
			z = q.ZeroPoint[0]
		case len(q.ZeroPoint) > c:
			z = q.ZeroPoint[c]
		}
		z8, err := int8DomainZP(t.Type, z)
		if err != nil {
			return nil, fmt.Errorf("weights %d (%q): %w", ti, t.Name, err)
		}
		w.scale[c] = s
		w.zp[c] = int32(z8)
	}
	return w, nil
}

// requantScales is scale[c] = s_in * s_w[c] / s_out, in float32.
func requantScales(in, out qparams, w *weightQuant) []float32 {
	sc := make([]float32, len(w.scale))
	for c, sw := range w.scale {
		// In float32, step by step, as XNNPACK (TFLite's runtime) forms
		// it: a product that lands exactly on .5 then rounds the same way.
		sc[c] = float32(float32(in.scale*sw) / out.scale)
	}
	return sc
}

// quantClamp is a fused activation's clamp in the int8 output domain.
func quantClamp(act tflite.Activation, out qparams) (lo, hi int32, err error) {
	q := func(v float32) int32 { return out.zp + int32(math.Round(float64(v/out.scale))) }
	lo, hi = -128, 127
	switch act {
	case tflite.ActNone:
	case tflite.ActRelu:
		lo = max(lo, q(0))
	case tflite.ActRelu6:
		lo, hi = max(lo, q(0)), min(hi, q(6))
	case tflite.ActReluN1To1:
		lo, hi = max(lo, q(-1)), min(hi, q(1))
	default:
		return 0, 0, fmt.Errorf("unsupported fused activation %d", act)
	}
	if lo > hi {
		hi = lo
	}
	return lo, hi, nil
}

// floatClamp is a fused activation's clamp for float32 kernels.
func floatClamp(act tflite.Activation) (lo, hi float32, err error) {
	inf := float32(math.Inf(1))
	switch act {
	case tflite.ActNone:
		return -inf, inf, nil
	case tflite.ActRelu:
		return 0, inf, nil
	case tflite.ActRelu6:
		return 0, 6, nil
	case tflite.ActReluN1To1:
		return -1, 1, nil
	}
	return 0, 0, fmt.Errorf("unsupported fused activation %d", act)
}

// newRequant builds the requantization of a conv-like step.
func newRequant(act tflite.Activation, in, out qparams, w *weightQuant) (*generic.Requant, error) {
	lo, hi, err := quantClamp(act, out)
	if err != nil {
		return nil, err
	}
	return &generic.Requant{Scale: requantScales(in, out, w), ZeroPoint: out.zp, Min: lo, Max: hi}, nil
}

// constFloat32s decodes a float32 constant tensor of want elements.
func constFloat32s(m *tflite.Model, ti, want int) ([]float32, error) {
	t := &m.Tensors[ti]
	if t.Type != tflite.Float32 {
		return nil, fmt.Errorf("tensor %d (%q) is %s, want float32", ti, t.Name, t.Type)
	}
	if t.Elems() != want || len(t.Data) != 4*want {
		return nil, fmt.Errorf("tensor %d (%q) has %d elements (%d bytes), want %d", ti, t.Name, t.Elems(), len(t.Data), want)
	}
	v := make([]float32, want)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(t.Data[4*i:]))
	}
	return v, nil
}

// constInt32s decodes an int32 constant tensor of want elements.
func constInt32s(m *tflite.Model, ti, want int) ([]int32, error) {
	t := &m.Tensors[ti]
	if t.Type != tflite.Int32 {
		return nil, fmt.Errorf("tensor %d (%q) is %s, want int32", ti, t.Name, t.Type)
	}
	if t.Elems() != want || len(t.Data) != 4*want {
		return nil, fmt.Errorf("tensor %d (%q) has %d elements (%d bytes), want %d", ti, t.Name, t.Elems(), len(t.Data), want)
	}
	v := make([]int32, want)
	for i := range v {
		v[i] = int32(binary.LittleEndian.Uint32(t.Data[4*i:]))
	}
	return v, nil
}
