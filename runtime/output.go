package runtime

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// A plan has one output per entry of the model's output list, in that
// order. The methods without an index (OutputRaw, OutputFloat, OutputType,
// TopK, LogitsRaw) are about output 0; the ...At methods take the output's
// position i, 0 <= i < NumOutputs(), and panic, as an index out of range
// does, for any other i.

// NumOutputs is the number of model outputs.
func (p *Plan) NumOutputs() int { return len(p.outs) }

// output returns output i, panicking with a clear message when i is out of
// range (a caller's bug, like a slice index).
func (p *Plan) output(i int) *ioTensor {
	if i < 0 || i >= len(p.outs) {
		panic(fmt.Sprintf("runtime: output %d of a plan with %d outputs", i, len(p.outs)))
	}
	return &p.outs[i]
}

// OutputType is the element type of model output 0.
func (p *Plan) OutputType() tflite.DType { return p.out.dtype }

// OutputTypeAt is the element type of model output i.
func (p *Plan) OutputTypeAt(i int) tflite.DType { return p.output(i).dtype }

// OutputShapeAt is the shape of output i (a copy): the one the model
// declares, or for an output the file leaves undeclared ([]) the one its
// op defines (the detection outputs).
func (p *Plan) OutputShapeAt(i int) []int {
	return slices.Clone(p.output(i).shape)
}

// OutputRaw returns output 0's bytes as the model defines them (uint8, int8
// or little-endian float32). The slice is owned by the plan and overwritten
// by the next Run.
func (p *Plan) OutputRaw() []byte { return p.out.rawBytes() }

// OutputRawAt returns output i's bytes, as OutputRaw does for output 0.
func (p *Plan) OutputRawAt(i int) []byte { return p.output(i).rawBytes() }

// LogitsRaw returns the raw tensor that feeds a final SOFTMAX, in the model's
// dtype, and false when the model does not end in softmax. The slice is owned
// by the plan and overwritten by the next call.
func (p *Plan) LogitsRaw() ([]byte, bool) {
	if !p.hasLogits {
		return nil, false
	}
	return p.logits.rawBytes(), true
}

// LogitsType is the element type of the tensor LogitsRaw returns (for a
// full-integer model with float output, the integer type of the softmax
// input). It is meaningless when LogitsRaw reports false.
func (p *Plan) LogitsType() tflite.DType { return p.logits.dtype }

// rawBytes converts the tensor from the runtime's representation (int8
// domain, native float32) to the model's bytes.
func (t *ioTensor) rawBytes() []byte {
	switch {
	case t.f32 != nil:
		for i, v := range t.f32 {
			binary.LittleEndian.PutUint32(t.raw[4*i:], math.Float32bits(v))
		}
	case t.dtype == tflite.Uint8:
		for i, v := range t.i8 {
			t.raw[i] = byte(int32(v) + 128)
		}
	default:
		for i, v := range t.i8 {
			t.raw[i] = byte(v)
		}
	}
	return t.raw
}

// OutputFloat dequantizes output 0 into dst (grown if short) and returns it.
func (p *Plan) OutputFloat(dst []float32) []float32 { return p.out.float(dst) }

// OutputFloatAt dequantizes output i into dst (grown if short) and returns it.
func (p *Plan) OutputFloatAt(i int, dst []float32) []float32 { return p.output(i).float(dst) }

// float dequantizes the tensor into dst (grown if short) and returns it.
func (t *ioTensor) float(dst []float32) []float32 {
	n := len(t.i8)
	if t.f32 != nil {
		n = len(t.f32)
	}
	if cap(dst) < n {
		dst = make([]float32, n)
	}
	dst = dst[:n]
	if t.f32 != nil {
		copy(dst, t.f32)
		return dst
	}
	for i, v := range t.i8 {
		dst[i] = t.score(v)
	}
	return dst
}

// bindOutputs binds every model output after setIO bound output 0 (p.out);
// each gets its own OutputRaw conversion buffer.
func (p *Plan) bindOutputs(c *compiler) error {
	p.outs = make([]ioTensor, len(c.m.Outputs))
	p.outs[0] = p.out
	for i := 1; i < len(p.outs); i++ {
		var err error
		if p.outs[i], err = newIOTensor(c, c.m.Outputs[i], true); err != nil {
			return fmt.Errorf("output %d: %w", i, err)
		}
	}
	return nil
}

// score dequantizes one int8-domain value: s*(q - z).
func (t *ioTensor) score(q int8) float32 { return float32(int32(q)-t.q.zp) * t.q.scale }

// TopK writes the k best classes of output 0 into dst (sorted by descending score,
// ties by ascending index) and returns it. With cap(dst) >= k it allocates nothing.
func (p *Plan) TopK(k int, dst []Class) []Class {
	dst = dst[:0]
	n := len(p.out.i8)
	if p.out.f32 != nil {
		n = len(p.out.f32)
	}
	k = min(k, n)
	if k <= 0 {
		return dst
	}
	if cap(dst) < k {
		dst = make([]Class, 0, k)
	}
	for i := range n {
		var s float32
		if p.out.f32 != nil {
			s = p.out.f32[i]
		} else {
			s = p.out.score(p.out.i8[i])
		}
		if s != s { // NaN ranks last
			s = float32(math.Inf(-1))
		}
		if len(dst) == k && !(s > dst[k-1].Score) {
			continue
		}
		// Insert after every entry with a score >= s: equal scores keep
		// ascending index order because indices arrive in order.
		j := len(dst)
		if j < k {
			dst = append(dst, Class{})
		} else {
			j = k - 1
		}
		for j > 0 && dst[j-1].Score < s {
			dst[j] = dst[j-1]
			j--
		}
		dst[j] = Class{Index: i, Score: s}
	}
	return dst
}
