// Package tiemodels builds small quantized models whose requantizations land
// exactly on ties (x.5) and on the ends of the integer range, one model per
// op and number type, with an input that reaches every such case. Run
// against LiteRT (scripts/test-litert.sh), they pin edgecam's rounding of
// each op to the bytes TFLite's runtime produces, on cases that photographs
// only reach by chance.
package tiemodels

import (
	"encoding/binary"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// Case is one model and its input: raw bytes of the input tensor as an
// .rgb file holds them (uint8; an int8 input is fed as byte-128).
type Case struct {
	Name  string
	Model *tflite.Model
	Input []byte
}

// H, W, C are the input shape of every case: 16x16x3 = 768 bytes, each
// byte value three times.
const (
	H = 16
	W = 16
	C = 3
)

// input is the bytes 0..255 in order, three times, so every op sees every
// input value in each channel position.
func input() []byte {
	b := make([]byte, H*W*C)
	for i := range b {
		b[i] = byte((i*C + i/256) % 256)
	}
	return b
}

func q(scale float32, zp int64) *tflite.Quantization {
	return &tflite.Quantization{Scale: []float32{scale}, ZeroPoint: []int64{zp}}
}

func qc(scales []float32, zps []int64, axis int) *tflite.Quantization {
	return &tflite.Quantization{Scale: scales, ZeroPoint: zps, Axis: axis}
}

// builder adds tensors and ops to a one-subgraph model.
type builder struct{ m tflite.Model }

func (b *builder) tensor(name string, shape []int, t tflite.DType, qu *tflite.Quantization, data []byte) int {
	b.m.Tensors = append(b.m.Tensors, tflite.Tensor{Name: name, Shape: shape, Type: t, Quant: qu, Data: data})
	return len(b.m.Tensors) - 1
}

func (b *builder) op(op tflite.Op) { b.m.Ops = append(b.m.Ops, op) }

func (b *builder) model(in, out int) *tflite.Model {
	b.m.Version = 3
	b.m.Inputs, b.m.Outputs = []int{in}, []int{out}
	return &b.m
}

func i32s(v []int32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(x))
	}
	return b
}

func i8s(v []int8) []byte {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return b
}

func dt(signed bool) tflite.DType {
	if signed {
		return tflite.Int8
	}
	return tflite.Uint8
}

// inQuant is the input's quantization: scale 1/128 with zero point 128
// (uint8) or 0 (int8), the one both engines feed as the raw byte (uint8) or
// byte-128 (int8).
func inQuant(signed bool) *tflite.Quantization {
	if signed {
		return q(1.0/128, 0)
	}
	return q(1.0/128, 128)
}

func suffix(signed bool) string {
	if signed {
		return "int8"
	}
	return "uint8"
}
