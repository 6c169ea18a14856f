package runtime

import (
	"errors"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// TestValidateErrors checks that each inconsistency is an error of the right
// kind whose text names the op or tensor and the problem.
func TestValidateErrors(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(m *tflite.Model)
		kind   error
		want   []string
	}{
		// The structure first (tflite's Check): Validate must not rely on a
		// model having come from the reader.
		{name: "input index", mutate: func(m *tflite.Model) { m.Ops[1].Inputs[0] = 99 },
			kind: ErrInvalidModel, want: []string{"op 1 (DEPTHWISE_CONV_2D)", "tensor index 99 out of range"}},
		{name: "buffer too short", mutate: func(m *tflite.Model) { m.Tensors[1].Data = m.Tensors[1].Data[:100] },
			kind: ErrInvalidModel, want: []string{`tensor 1 "conv/w"`, "buffer holds 100 bytes", "needs 432"}},
		{name: "nil model", mutate: nil, kind: ErrInvalidModel, want: []string{"nil model"}},

		{name: "unsupported op", mutate: func(m *tflite.Model) { m.Ops[1].Kind = 17 },
			kind: ErrUnsupported, want: []string{"op 1 (MAX_POOL_2D)", "operator not supported", "(edgecam runs ", "AVERAGE_POOL_2D, CONCATENATION, CONV_2D, "}},
		{name: "unsupported custom op", mutate: func(m *tflite.Model) { m.Ops[1].Kind, m.Ops[1].Custom = tflite.OpCustom, "Mine" },
			kind: ErrUnsupported, want: []string{"op 1 (Mine)", `unsupported custom op "Mine"`, "edgecam runs the custom ops ", "TFLite_Detection_PostProcess"}},
		{name: "absent required input", mutate: func(m *tflite.Model) { m.Ops[1].Inputs[1] = -1 },
			kind: ErrInvalidModel, want: []string{"op 1 (DEPTHWISE_CONV_2D)", "input 1 is absent"}},
		{name: "unsupported dtype", mutate: func(m *tflite.Model) { m.Tensors[6].Type = tflite.Float16 },
			kind: ErrUnsupported, want: []string{`tensor 6 "dw"`, "data type float16"}},
		{name: "stride 0", mutate: func(m *tflite.Model) { m.Ops[0].StrideH = 0 },
			kind: ErrInvalidModel, want: []string{"op 0 (CONV_2D)", "stride 0x2"}},
		{name: "dilation", mutate: func(m *tflite.Model) { m.Ops[1].DilationW = 2 },
			kind: ErrUnsupported, want: []string{"op 1 (DEPTHWISE_CONV_2D)", "dilation 1x2"}},
		{name: "depth multiplier", mutate: func(m *tflite.Model) { m.Ops[1].DepthMultiplier = 2 },
			kind: ErrUnsupported, want: []string{"op 1 (DEPTHWISE_CONV_2D)", "depth multiplier 2"}},
		{name: "conv output shape", mutate: func(m *tflite.Model) { m.Ops[0].StrideH, m.Ops[0].StrideW = 1, 1 },
			kind: ErrInvalidModel, want: []string{"op 0 (CONV_2D)", `output tensor 3 "conv"`, "shape [1 2 2 4], want [1 4 4 4]", "SAME padding"}},
		{name: "valid padding", mutate: func(m *tflite.Model) { m.Ops[0].Padding = tflite.PadValid },
			kind: ErrInvalidModel, want: []string{"op 0 (CONV_2D)", "want [1 1 1 4]", "VALID padding"}},
		{name: "filter channels", mutate: func(m *tflite.Model) {
			m.Tensors[1].Shape = []int{4, 3, 3, 2}
			m.Tensors[1].Data = m.Tensors[1].Data[:4*72]
		}, kind: ErrInvalidModel, want: []string{"op 0 (CONV_2D)", `filter tensor 1 "conv/w"`, "2 input channels, input has 3"}},
		{name: "bias length", mutate: func(m *tflite.Model) {
			m.Tensors[5].Shape = []int{3}
			m.Tensors[5].Data = m.Tensors[5].Data[:12]
		}, kind: ErrInvalidModel, want: []string{"op 1 (DEPTHWISE_CONV_2D)", `bias tensor 5 "dw/b"`, "want [4]"}},
		{name: "pool output", mutate: func(m *tflite.Model) { m.Ops[2].FilterH, m.Ops[2].StrideH = 1, 1 },
			kind: ErrInvalidModel, want: []string{"op 2 (AVERAGE_POOL_2D)", "want [1 2 1 4]"}},
		{name: "reshape size", mutate: func(m *tflite.Model) { m.Tensors[9].Shape = []int{1, 5} },
			kind: ErrInvalidModel, want: []string{"op 3 (RESHAPE)", "differ in size"}},
		{name: "reshape shape input", mutate: func(m *tflite.Model) { m.Tensors[8].Data[0] = 2 },
			kind: ErrInvalidModel, want: []string{"op 3 (RESHAPE)", "shape input [2 -1] disagrees"}},
		{name: "fc rows", mutate: func(m *tflite.Model) { m.Tensors[10].Shape = []int{4, 3} },
			kind: ErrInvalidModel, want: []string{"op 4 (FULLY_CONNECTED)", `input tensor 9 "flat"`, "not a whole number of rows of 3"}},
		{name: "fc output", mutate: func(m *tflite.Model) {
			m.Tensors[10].Shape = []int{2, 4}
			m.Tensors[10].Data = m.Tensors[10].Data[:32]
		}, kind: ErrInvalidModel, want: []string{"op 4 (FULLY_CONNECTED)", `output tensor 12 "logits"`, "want [1 2]"}},
		{name: "softmax beta", mutate: func(m *tflite.Model) { m.Ops[5].Beta = 0 },
			kind: ErrInvalidModel, want: []string{"op 5 (SOFTMAX)", "beta 0"}},
		{name: "activation", mutate: func(m *tflite.Model) { m.Ops[0].Activation = 4 },
			kind: ErrUnsupported, want: []string{"op 0 (CONV_2D)", "fused activation 4"}},
		{name: "order", mutate: func(m *tflite.Model) { m.Ops[0], m.Ops[1] = m.Ops[1], m.Ops[0] },
			kind: ErrInvalidModel, want: []string{"op 0 (DEPTHWISE_CONV_2D)", `input tensor 3 "conv" is read before any op writes it`}},
		{name: "double write", mutate: func(m *tflite.Model) { m.Ops[1].Outputs[0] = 3 },
			kind: ErrInvalidModel, want: []string{"op 1", `output tensor 3 "conv" is already written`}},
		{name: "type mix", mutate: func(m *tflite.Model) {
			m.Tensors[6].Type = tflite.Int8
			m.Tensors[6].Quant = &tflite.Quantization{Scale: []float32{0.1}, ZeroPoint: []int64{0}}
		}, kind: ErrUnsupported, want: []string{"op 1 (DEPTHWISE_CONV_2D)", "input float32, filter float32, output int8"}},
		{name: "zero point range", mutate: func(m *tflite.Model) {
			m.Tensors[0].Type = tflite.Uint8
			m.Tensors[0].Quant = &tflite.Quantization{Scale: []float32{0.1}, ZeroPoint: []int64{300}}
		}, kind: ErrInvalidModel, want: []string{`tensor 0 "input"`, "zero point[0] = 300 out of range [0, 255]"}},
		{name: "scale", mutate: func(m *tflite.Model) {
			m.Tensors[3].Quant = &tflite.Quantization{Scale: []float32{-1}, ZeroPoint: []int64{0}}
		}, kind: ErrInvalidModel, want: []string{`tensor 3 "conv"`, "scale[0] = -1, want a finite positive number"}},
		{name: "two inputs", mutate: func(m *tflite.Model) { m.Inputs = []int{0, 3} },
			kind: ErrUnsupported, want: []string{"2 inputs and 1 outputs", "exactly one input"}},
		{name: "no outputs", mutate: func(m *tflite.Model) { m.Outputs = nil },
			kind: ErrUnsupported, want: []string{"1 inputs and 0 outputs"}},
		{name: "no ops", mutate: func(m *tflite.Model) { m.Ops = nil; m.Outputs = []int{0} },
			kind: ErrInvalidModel, want: []string{"no operators"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var m *tflite.Model
			if tc.mutate != nil {
				m = tinyModel()
				tc.mutate(m)
			}
			err := Validate(m)
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
	if err := Validate(tinyModel()); err != nil {
		t.Errorf("Validate(tinyModel()) = %v, want nil", err)
	}
}
