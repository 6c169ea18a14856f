package runtime

import (
	"encoding/binary"
	"math"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// tinyModel is a five-op float graph with every operator family the loader
// checks: [1,4,4,3] -CONV_2D 3x3 s2 SAME-> [1,2,2,4] -DEPTHWISE 3x3 s1-> [1,2,2,4]
// -AVERAGE_POOL 2x2 VALID-> [1,1,1,4] -RESHAPE (shape input)-> [1,4]
// -FULLY_CONNECTED-> [1,3] -SOFTMAX-> [1,3].
func tinyModel() *tflite.Model {
	f32 := func(n int) []byte {
		b := make([]byte, 4*n)
		for i := range n {
			binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(float32(i%7)*0.1-0.3))
		}
		return b
	}
	shapeData := make([]byte, 8)
	binary.LittleEndian.PutUint32(shapeData, 1)
	binary.LittleEndian.PutUint32(shapeData[4:], math.MaxUint32) // -1
	act := func(name string, shape ...int) tflite.Tensor {
		return tflite.Tensor{Name: name, Shape: shape, Type: tflite.Float32}
	}
	cst := func(name string, shape ...int) tflite.Tensor {
		t := act(name, shape...)
		t.Data = f32(t.Elems())
		return t
	}
	m := &tflite.Model{
		Version:     3,
		Description: "tiny",
		Tensors: []tflite.Tensor{
			act("input", 1, 4, 4, 3),  // 0
			cst("conv/w", 4, 3, 3, 3), // 1
			cst("conv/b", 4),          // 2
			act("conv", 1, 2, 2, 4),   // 3
			cst("dw/w", 1, 3, 3, 4),   // 4
			cst("dw/b", 4),            // 5
			act("dw", 1, 2, 2, 4),     // 6
			act("pool", 1, 1, 1, 4),   // 7
			{Name: "shape", Shape: []int{2}, Type: tflite.Int32, Data: shapeData}, // 8
			act("flat", 1, 4),   // 9
			cst("fc/w", 3, 4),   // 10
			cst("fc/b", 3),      // 11
			act("logits", 1, 3), // 12
			act("prob", 1, 3),   // 13
		},
		Ops: []tflite.Op{
			{Kind: tflite.OpConv2D, Version: 1, Inputs: []int{0, 1, 2}, Outputs: []int{3}, StrideH: 2, StrideW: 2, DilationH: 1, DilationW: 1, Activation: tflite.ActRelu6},
			{Kind: tflite.OpDepthwiseConv2D, Version: 1, Inputs: []int{3, 4, 5}, Outputs: []int{6}, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, DepthMultiplier: 1, Activation: tflite.ActRelu6},
			{Kind: tflite.OpAveragePool2D, Version: 1, Inputs: []int{6}, Outputs: []int{7}, Padding: tflite.PadValid, StrideH: 2, StrideW: 2, FilterH: 2, FilterW: 2, DilationH: 1, DilationW: 1},
			{Kind: tflite.OpReshape, Version: 1, Inputs: []int{7, 8}, Outputs: []int{9}, DilationH: 1, DilationW: 1},
			{Kind: tflite.OpFullyConnected, Version: 1, Inputs: []int{9, 10, 11}, Outputs: []int{12}, DilationH: 1, DilationW: 1},
			{Kind: tflite.OpSoftmax, Version: 1, Inputs: []int{12}, Outputs: []int{13}, Beta: 1, DilationH: 1, DilationW: 1},
		},
		Inputs:  []int{0},
		Outputs: []int{13},
	}
	return m
}
