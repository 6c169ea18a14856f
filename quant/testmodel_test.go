package quant

import (
	"encoding/binary"
	"math"
	"math/rand/v2"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// tinyFloatModel is a float MobileNet in miniature: input [1,8,8,3], a
// stride-2 3x3 conv to 4 channels (ReLU6), a 3x3 depthwise (ReLU6), a 1x1
// conv to 5 classes, average pool, squeeze, softmax.
func tinyFloatModel(seed uint64) *tflite.Model {
	r := rand.New(rand.NewPCG(seed, 1))
	f32 := func(n int, scale float64) []byte {
		b := make([]byte, 4*n)
		for i := range n {
			binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(float32(r.NormFloat64()*scale)))
		}
		return b
	}
	t := func(name string, shape ...int) tflite.Tensor {
		return tflite.Tensor{Name: name, Shape: shape, Type: tflite.Float32}
	}
	c := func(name string, scale float64, shape ...int) tflite.Tensor {
		x := t(name, shape...)
		n := 1
		for _, d := range shape {
			n *= d
		}
		x.Data = f32(n, scale)
		return x
	}
	return &tflite.Model{
		Version: 3,
		Tensors: []tflite.Tensor{
			t("input", 1, 8, 8, 3),        // 0
			c("conv0/w", 0.5, 4, 3, 3, 3), // 1
			c("conv0/b", 0.1, 4),          // 2
			t("conv0", 1, 4, 4, 4),        // 3
			c("dw1/w", 0.5, 1, 3, 3, 4),   // 4
			c("dw1/b", 0.1, 4),            // 5
			t("dw1", 1, 4, 4, 4),          // 6
			c("pw/w", 0.5, 5, 1, 1, 4),    // 7
			c("pw/b", 0.1, 5),             // 8
			t("logits4d", 1, 4, 4, 5),     // 9
			t("pool", 1, 1, 1, 5),         // 10
			t("logits", 1, 5),             // 11
			t("prob", 1, 5),               // 12
		},
		Ops: []tflite.Op{
			{Kind: tflite.OpConv2D, Inputs: []int{0, 1, 2}, Outputs: []int{3}, StrideH: 2, StrideW: 2, DilationH: 1, DilationW: 1, Activation: tflite.ActRelu6},
			{Kind: tflite.OpDepthwiseConv2D, Inputs: []int{3, 4, 5}, Outputs: []int{6}, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, DepthMultiplier: 1, Activation: tflite.ActRelu6},
			{Kind: tflite.OpConv2D, Inputs: []int{6, 7, 8}, Outputs: []int{9}, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1},
			{Kind: tflite.OpAveragePool2D, Inputs: []int{9}, Outputs: []int{10}, Padding: tflite.PadValid, StrideH: 4, StrideW: 4, FilterH: 4, FilterW: 4},
			{Kind: tflite.OpSqueeze, Inputs: []int{10}, Outputs: []int{11}, SqueezeDims: []int{1, 2}},
			{Kind: tflite.OpSoftmax, Inputs: []int{11}, Outputs: []int{12}, Beta: 1},
		},
		Inputs:  []int{0},
		Outputs: []int{12},
	}
}

// tinyStats are made-up calibration statistics for tinyFloatModel: the
// input spans [-1, 1], conv0 [-2, 9] (wider than its ReLU6), dw1 [0, 4],
// the logits [-7, 3].
func tinyStats() *Stats {
	st := NewStats(13)
	st.Observe(-1, 0, []float32{-1, 0.3, 1})
	st.Observe(0, 3, []float32{-2, 1, 9})
	st.Observe(1, 6, []float32{0, 4})
	st.Observe(2, 9, []float32{-7, 3})
	st.Observe(3, 10, []float32{-1, 1})
	st.Observe(4, 11, []float32{-1, 1})
	st.Observe(5, 12, []float32{0, 1})
	return st
}
