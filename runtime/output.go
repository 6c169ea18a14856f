package runtime

import (
	"encoding/binary"
	"math"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// OutputType is the element type of the model output.
func (p *Plan) OutputType() tflite.DType { return p.out.dtype }

// OutputRaw returns the output tensor's bytes as the model defines them
// (uint8, int8 or little-endian float32). The slice is owned by the plan and
// overwritten by the next Run.
func (p *Plan) OutputRaw() []byte { return p.out.rawBytes() }

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

// OutputFloat dequantizes the output into dst (grown if short) and returns it.
func (p *Plan) OutputFloat(dst []float32) []float32 {
	n := len(p.out.raw)
	if p.out.f32 != nil {
		n = len(p.out.f32)
	}
	if cap(dst) < n {
		dst = make([]float32, n)
	}
	dst = dst[:n]
	if p.out.f32 != nil {
		copy(dst, p.out.f32)
		return dst
	}
	for i, v := range p.out.i8 {
		dst[i] = p.out.score(v)
	}
	return dst
}

// score dequantizes one int8-domain value: s*(q - z).
func (t *ioTensor) score(q int8) float32 { return float32(int32(q)-t.q.zp) * t.q.scale }

// TopK writes the k best output classes into dst (sorted by descending score,
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
