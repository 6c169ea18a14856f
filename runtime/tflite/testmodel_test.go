package tflite

import (
	"bytes"
	"encoding/binary"
	"math"
)

// everyOpModel is a small graph using every operator and option the reader
// decodes and the writer encodes, with per-channel int8 weights, an int32
// bias, an absent optional input (-1) and float IO. Its structure is sound
// (it passes Check); its operators' shapes are not meant to make sense.
func everyOpModel() *Model {
	f32 := func(v ...float32) []byte {
		b := make([]byte, 4*len(v))
		for i, x := range v {
			binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
		}
		return b
	}
	q := func(scale []float32, axis int) *Quantization {
		return &Quantization{Scale: scale, ZeroPoint: make([]int64, len(scale)), Axis: axis}
	}
	act := func(s float32, zp int64) *Quantization {
		return &Quantization{Scale: []float32{s}, ZeroPoint: []int64{zp}}
	}
	return &Model{
		Version:     3,
		Description: "writer test",
		Tensors: []Tensor{
			{Name: "input", Shape: []int{1, 4, 4, 3}, Type: Float32},                                                                                        // 0
			{Name: "input_int8", Shape: []int{1, 4, 4, 3}, Type: Int8, Quant: act(1.0/128, 0)},                                                              // 1
			{Name: "conv/w", Shape: []int{2, 1, 1, 3}, Type: Int8, Quant: q([]float32{0.5, 0.25}, 0), Data: []byte{1, 2, 3, 0xff, 0xfe, 0x80}},              // 2
			{Name: "conv/b", Shape: []int{2}, Type: Int32, Quant: q([]float32{0.5 / 128, 0.25 / 128}, 0), Data: []byte{1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}}, // 3
			{Name: "conv", Shape: []int{1, 2, 2, 2}, Type: Int8, Quant: act(6.0/255, -128)},                                                                 // 4
			{Name: "dw/w", Shape: []int{1, 3, 3, 2}, Type: Int8, Quant: q([]float32{0.1, 0.2}, 3), Data: bytes.Repeat([]byte{7}, 18)},                       // 5
			{Name: "dw", Shape: []int{1, 2, 2, 2}, Type: Int8, Quant: act(0.02, -5)},                                                                        // 6
			{Name: "pool", Shape: []int{1, 1, 1, 2}, Type: Int8, Quant: act(0.02, -5)},                                                                      // 7
			{Name: "squeeze", Shape: []int{1, 2}, Type: Int8, Quant: act(0.02, -5)},                                                                         // 8
			{Name: "fc/w", Shape: []int{3, 2}, Type: Float32, Data: f32(1, 2, 3, 4, 5, 6)},                                                                  // 9
			{Name: "fc", Shape: []int{1, 3}, Type: Float32},                                                                                                 // 10
			{Name: "shape", Shape: []int{2}, Type: Int32, Data: []byte{1, 0, 0, 0, 3, 0, 0, 0}},                                                             // 11
			{Name: "reshape", Shape: []int{1, 3}, Type: Float32},                                                                                            // 12
			{Name: "softmax", Shape: []int{1, 3}, Type: Float32},                                                                                            // 13
			{Name: "deq", Shape: []int{1, 2}, Type: Float32},                                                                                                // 14
		},
		Ops: []Op{
			{Kind: OpQuantize, Version: 1, Inputs: []int{0}, Outputs: []int{1}},
			{Kind: OpConv2D, Version: 3, Inputs: []int{1, 2, 3}, Outputs: []int{4}, Padding: PadSame, StrideH: 2, StrideW: 2, DilationH: 1, DilationW: 1, Activation: ActRelu6},
			{Kind: OpDepthwiseConv2D, Version: 3, Inputs: []int{4, 5, -1}, Outputs: []int{6}, Padding: PadValid, StrideH: 1, StrideW: 1, DilationH: 2, DilationW: 1, DepthMultiplier: 1},
			{Kind: OpAveragePool2D, Version: 2, Inputs: []int{6}, Outputs: []int{7}, Padding: PadValid, StrideH: 2, StrideW: 2, FilterH: 2, FilterW: 2},
			{Kind: OpSqueeze, Version: 1, Inputs: []int{7}, Outputs: []int{8}, SqueezeDims: []int{1, 2}},
			{Kind: OpDequantize, Version: 2, Inputs: []int{8}, Outputs: []int{14}},
			{Kind: OpFullyConnected, Version: 1, Inputs: []int{14, 9, -1}, Outputs: []int{10}, Activation: ActRelu, KeepNumDims: true},
			{Kind: OpReshape, Version: 1, Inputs: []int{10, 11}, Outputs: []int{12}, NewShape: []int{1, 3}},
			{Kind: OpSoftmax, Version: 1, Inputs: []int{12}, Outputs: []int{13}, Beta: 0.5},
		},
		Inputs:  []int{0},
		Outputs: []int{13},
	}
}
