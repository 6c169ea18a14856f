package runtime

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// foldConstants returns m with every DEQUANTIZE of a constant evaluated: the
// op is dropped and its output becomes a float32 constant, so that weights
// stored as int8 (or float16) run as float weights dequantized once, with no
// work at run time. ops maps each op of the result to its index in m. m is
// not modified; when there is nothing to fold, m itself is returned.
func foldConstants(m *tflite.Model) (*tflite.Model, []int, error) {
	ops := make([]int, 0, len(m.Ops))
	var f *tflite.Model
	for i := range m.Ops {
		op := &m.Ops[i]
		if op.Kind != tflite.OpDequantize || m.Tensors[op.Inputs[0]].Data == nil {
			ops = append(ops, i)
			continue
		}
		if f == nil {
			c := *m
			c.Tensors = append([]tflite.Tensor(nil), m.Tensors...)
			f = &c
		}
		in, out := &m.Tensors[op.Inputs[0]], &f.Tensors[op.Outputs[0]]
		data, err := dequantizeConstant(in)
		if err != nil {
			return nil, nil, fmt.Errorf("op %d (%s): input tensor %d (%q): %w", i, op.Kind, op.Inputs[0], in.Name, err)
		}
		if out.Type != tflite.Float32 || out.Elems() != in.Elems() {
			return nil, nil, fmt.Errorf("op %d (%s): output tensor %d (%q) is %s %v, want float32 %v", i, op.Kind, op.Outputs[0], out.Name, out.Type, out.Shape, in.Shape)
		}
		out.Data = data
	}
	if f == nil {
		return m, ops, nil
	}
	f.Ops = make([]tflite.Op, len(ops))
	for j, i := range ops {
		f.Ops[j] = m.Ops[i]
	}
	return f, ops, nil
}

// dequantizeConstant converts a constant int8, uint8 (per tensor or per
// channel) or float16 tensor to float32 bytes (little-endian):
// real = float32(q - zero point) * scale, per channel along the quantized
// dimension, as TFLite's DEQUANTIZE computes it.
func dequantizeConstant(t *tflite.Tensor) ([]byte, error) {
	n := t.Elems()
	if len(t.Data) != n*t.Type.Size() {
		return nil, fmt.Errorf("buffer holds %d bytes, shape %v of %s needs %d", len(t.Data), t.Shape, t.Type, n*t.Type.Size())
	}
	out := make([]byte, 4*n)
	if t.Type == tflite.Float16 {
		for i := range n {
			v := halfToFloat32(binary.LittleEndian.Uint16(t.Data[2*i:]))
			binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(v))
		}
		return out, nil
	}
	if t.Type != tflite.Int8 && t.Type != tflite.Uint8 {
		return nil, fmt.Errorf("cannot dequantize a %s constant", t.Type)
	}
	q := t.Quant
	if q == nil || len(q.Scale) == 0 || len(q.Scale) != len(q.ZeroPoint) {
		return nil, fmt.Errorf("%s constant without valid quantization parameters", t.Type)
	}
	// Element i belongs to channel (i / inner) % channels.
	channels, inner := 1, 1
	if len(q.Scale) > 1 {
		if q.Axis < 0 || q.Axis >= len(t.Shape) || t.Shape[q.Axis] != len(q.Scale) {
			return nil, fmt.Errorf("%d scales along dimension %d of shape %v", len(q.Scale), q.Axis, t.Shape)
		}
		channels = len(q.Scale)
		for _, d := range t.Shape[q.Axis+1:] {
			inner *= d
		}
	}
	for i, b := range t.Data {
		v := int32(b)
		if t.Type == tflite.Int8 {
			v = int32(int8(b))
		}
		ch := (i / inner) % channels
		r := float32(v-int32(q.ZeroPoint[ch])) * q.Scale[ch]
		binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(r))
	}
	return out, nil
}

// halfToFloat32 converts IEEE 754 binary16 bits to float32 (exactly: every
// half value, subnormals included, is a float32 value).
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf, NaN
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp != 0: // normal
		return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
	case frac == 0: // ±0
		return math.Float32frombits(sign)
	}
	// Subnormal: frac * 2^-24.
	v := float32(frac) * (1.0 / (1 << 24))
	if sign != 0 {
		v = -v
	}
	return v
}
