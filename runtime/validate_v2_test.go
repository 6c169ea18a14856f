package runtime

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// oneOpModel is a model of one op reading the model input "x" [1 2 2 3]
// int8 (and "b" for a second activation, written by a RELU of x) into
// "out". Constant inputs are appended by the caller.
func oneOpModel(kind tflite.OpKind, outShape ...int) *tflite.Model {
	q := func(s float32, zp int64) *tflite.Quantization {
		return &tflite.Quantization{Scale: []float32{s}, ZeroPoint: []int64{zp}}
	}
	return &tflite.Model{Version: 3,
		Tensors: []tflite.Tensor{
			{Name: "x", Shape: []int{1, 2, 2, 3}, Type: tflite.Int8, Quant: q(0.1, 0)},
			{Name: "b", Shape: []int{1, 2, 2, 3}, Type: tflite.Int8, Quant: q(0.2, 3)},
			{Name: "out", Shape: outShape, Type: tflite.Int8, Quant: q(0.1, 0)},
		},
		Ops: []tflite.Op{
			{Kind: tflite.OpRelu, Inputs: []int{0}, Outputs: []int{1}},
			{Kind: kind, Inputs: []int{0}, Outputs: []int{2}},
		},
		Inputs: []int{0}, Outputs: []int{2},
	}
}

// constInt32 appends a constant int32 tensor of the given shape.
func constInt32(m *tflite.Model, name string, shape []int, v ...int32) int {
	data := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(data[4*i:], uint32(x))
	}
	m.Tensors = append(m.Tensors, tflite.Tensor{Name: name, Shape: shape, Type: tflite.Int32, Data: data})
	return len(m.Tensors) - 1
}

func addModel() *tflite.Model {
	m := oneOpModel(tflite.OpAdd, 1, 2, 2, 3)
	m.Ops[1].Inputs = []int{0, 1}
	return m
}

func meanModel(keep bool, axes ...int32) *tflite.Model {
	m := oneOpModel(tflite.OpMean, 1, 1, 1, 3)
	if !keep {
		m.Tensors[2].Shape = []int{1, 3}
	}
	m.Ops[1].Inputs = []int{0, constInt32(m, "axes", []int{len(axes)}, axes...)}
	m.Ops[1].KeepDims = keep
	return m
}

func padModel(pads ...int32) *tflite.Model {
	m := oneOpModel(tflite.OpPad, 1, 3, 3, 3)
	m.Ops[1].Inputs = []int{0, constInt32(m, "paddings", []int{len(pads) / 2, 2}, pads...)}
	return m
}

// TestValidateV2Ops checks that each fault of the new ops is an error of the
// right kind naming the op, its index and the tensor.
func TestValidateV2Ops(t *testing.T) {
	cases := []struct {
		name  string
		model func() *tflite.Model
		kind  error
		want  []string
	}{
		{"add broadcast", func() *tflite.Model {
			m := addModel() // b becomes the [1 1 1 3] mean of x
			m.Tensors[1].Shape = []int{1, 1, 1, 3}
			m.Ops[0] = tflite.Op{Kind: tflite.OpMean, Inputs: []int{0, constInt32(m, "axes", []int{2}, 1, 2)}, Outputs: []int{1}, KeepDims: true}
			return m
		}, ErrUnsupported, []string{"op 1 (ADD)", `input tensor 0 "x" and input tensor 1 "b"`, "[1 2 2 3] and [1 1 1 3]", "broadcasting"}},
		{"add types", func() *tflite.Model {
			m := addModel()
			m.Tensors[2].Type, m.Tensors[2].Quant = tflite.Float32, nil
			return m
		}, ErrUnsupported, []string{"op 1 (ADD)", "types int8 + int8 -> float32"}},
		{"add per channel", func() *tflite.Model {
			m := addModel()
			m.Tensors[2].Quant = &tflite.Quantization{Scale: []float32{1, 2, 3}, ZeroPoint: []int64{0, 0, 0}, Axis: 3}
			return m
		}, ErrUnsupported, []string{"op 1 (ADD)", `output tensor 2 "out": 3 scales (activations must be quantized per tensor)`}},
		{"add activation", func() *tflite.Model { m := addModel(); m.Ops[1].Activation = 5; return m },
			ErrUnsupported, []string{"op 1 (ADD)", "fused activation 5"}},
		{"add constant", func() *tflite.Model {
			m := addModel()
			m.Ops[1].Inputs[1] = constInt32(m, "c", []int{1, 2, 2, 3}, make([]int32, 12)...)
			return m
		}, ErrUnsupported, []string{"op 1 (ADD)", `input tensor 3 "c" is a constant (want an activation)`}},
		{"add output", func() *tflite.Model { m := addModel(); m.Tensors[2].Shape = []int{1, 2, 3, 2}; return m },
			ErrInvalidModel, []string{"op 1 (ADD)", `output tensor 2 "out"`, "want [1 2 2 3] (same as the inputs)"}},
		{"add one input", func() *tflite.Model { m := addModel(); m.Ops[1].Inputs = []int{0}; return m },
			ErrInvalidModel, []string{"op 1 (ADD)", "has 1 inputs, want 2 to 2"}},

		{"mean axes", func() *tflite.Model { return meanModel(true, 1) },
			ErrUnsupported, []string{"op 1 (MEAN)", `axes tensor 3 "axes"`, "reduces dimensions [1]"}},
		{"mean channel axis", func() *tflite.Model { return meanModel(true, 1, 2, 3) },
			ErrUnsupported, []string{"op 1 (MEAN)", "reduces dimensions [1 2 3]"}},
		{"mean axis range", func() *tflite.Model { return meanModel(true, 1, 7) },
			ErrInvalidModel, []string{"op 1 (MEAN)", `axes tensor 3 "axes"`, "axis 7 out of range"}},
		{"mean keep_dims shape", func() *tflite.Model { m := meanModel(true, 1, 2); m.Tensors[2].Shape = []int{1, 3}; return m },
			ErrInvalidModel, []string{"op 1 (MEAN)", `output tensor 2 "out"`, "want [1 1 1 3] (mean over H and W, keep_dims)"}},
		{"mean shape", func() *tflite.Model { m := meanModel(false, 1, 2); m.Tensors[2].Shape = []int{1, 1, 1, 3}; return m },
			ErrInvalidModel, []string{"op 1 (MEAN)", "want [1 3] (mean over H and W)"}},
		{"mean axes activation", func() *tflite.Model { m := meanModel(true, 1, 2); m.Ops[1].Inputs[1] = 1; return m },
			ErrUnsupported, []string{"op 1 (MEAN)", `axes tensor 1 "b": axes must be a constant int32 vector`}},
		{"mean rank", func() *tflite.Model {
			m := meanModel(false, 1, 2)
			m.Tensors[0].Shape, m.Tensors[1].Shape = []int{4, 3}, []int{4, 3}
			return m
		}, ErrInvalidModel, []string{"op 1 (MEAN)", `input tensor 0 "x": shape [4 3], want [1 H W C]`}},

		{"pad negative", func() *tflite.Model { return padModel(0, 0, 1, 0, 0, -1, 0, 0) },
			ErrInvalidModel, []string{"op 1 (PAD)", `paddings tensor 3 "paddings"`, "dimension 2 padded by 0 before and -1 after"}},
		{"pad shape", func() *tflite.Model { return padModel(0, 0, 1, 0, 0, 1) },
			ErrUnsupported, []string{"op 1 (PAD)", `paddings tensor 3 "paddings": paddings must be a constant int32 or int64 [4 2] tensor (got int32 [3 2]`}},
		{"pad output", func() *tflite.Model { return padModel(0, 0, 1, 0, 0, 0, 0, 0) },
			ErrInvalidModel, []string{"op 1 (PAD)", `output tensor 2 "out": shape [1 3 3 3], want [1 3 2 3]`}},
		{"pad quantization", func() *tflite.Model {
			m := padModel(0, 0, 1, 0, 1, 0, 0, 0)
			m.Tensors[2].Quant.ZeroPoint[0] = 5
			return m
		}, ErrInvalidModel, []string{"op 1 (PAD)", "input quantization (scale 0.1, zero point 0) differs from output (scale 0.1, zero point 5)"}},

		{"relu type", func() *tflite.Model {
			m := oneOpModel(tflite.OpRelu6, 1, 2, 2, 3)
			m.Tensors[2].Type, m.Tensors[2].Quant.ZeroPoint[0] = tflite.Uint8, 128
			return m
		}, ErrInvalidModel, []string{"op 1 (RELU6)", "input type int8, output type uint8"}},
		{"quantize to float", func() *tflite.Model {
			m := oneOpModel(tflite.OpQuantize, 1, 2, 2, 3)
			m.Tensors[2].Type, m.Tensors[2].Quant = tflite.Float32, nil
			return m
		}, ErrUnsupported, []string{"op 1 (QUANTIZE)", "input type int8, output type float32 (want float32, uint8 or int8 to uint8 or int8)"}},
		{"fc keep_num_dims", func() *tflite.Model {
			m := oneOpModel(tflite.OpFullyConnected, 1, 4, 2)
			w := constInt32(m, "w", []int{2, 3}, 1, 2, 3, 4, 5, 6)
			m.Tensors[w].Type, m.Tensors[w].Data = tflite.Int8, m.Tensors[w].Data[:6]
			m.Tensors[w].Quant = &tflite.Quantization{Scale: []float32{0.1}, ZeroPoint: []int64{0}}
			m.Ops[1].Inputs, m.Ops[1].KeepNumDims = []int{0, w}, true
			return m
		}, ErrInvalidModel, []string{"op 1 (FULLY_CONNECTED)", `output tensor 2 "out": shape [1 4 2], want [1 2 2 2] (keep_num_dims)`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.model())
			if err == nil {
				t.Fatal("Validate accepted the model")
			}
			if !errors.Is(err, tc.kind) {
				t.Errorf("error %q does not wrap %v", err, tc.kind)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	// The unbroken models validate.
	for name, m := range map[string]*tflite.Model{
		"add": addModel(), "mean keep_dims": meanModel(true, 2, -3), "mean": meanModel(false, 1, 2),
		"pad": padModel(0, 0, 1, 0, 0, 1, 0, 0), "relu6": oneOpModel(tflite.OpRelu6, 1, 2, 2, 3),
		"quantize int8 to int8": oneOpModel(tflite.OpQuantize, 1, 2, 2, 3),
	} {
		if err := Validate(m); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestParseRefusesUnknownCustomOp reads a file with a custom op edgecam does
// not run: the reader keeps it, runtime.Parse refuses it naming the op and
// listing the table's ops.
func TestParseRefusesUnknownCustomOp(t *testing.T) {
	m := oneOpModel(tflite.OpCustom, 1, 2, 2, 3)
	m.Ops[1].Custom, m.Ops[1].CustomOptions = "Convolution2DTransposeBias", []byte{1, 2} // MediaPipe's
	var buf bytes.Buffer
	if err := tflite.Write(&buf, m); err != nil {
		t.Fatal(err)
	}
	if _, err := tflite.Parse(buf.Bytes()); err != nil {
		t.Fatalf("tflite.Parse: %v", err)
	}
	_, err := Parse(buf.Bytes())
	if !errors.Is(err, ErrUnsupported) {
		t.Fatalf("Parse: %v, want ErrUnsupported", err)
	}
	for _, w := range []string{"op 1 (Convolution2DTransposeBias)", `unsupported custom op "Convolution2DTransposeBias" (edgecam runs the custom ops `, "TFLite_Detection_PostProcess"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}
