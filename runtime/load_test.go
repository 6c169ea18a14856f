package runtime

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseTinyRoundTrip(t *testing.T) {
	want := tinyModel()
	m, err := Parse(encodeForTest(want, encodeKnobs{}))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if m.Version != 3 || m.Description != "tiny" {
		t.Errorf("version %d description %q, want 3 %q", m.Version, m.Description, "tiny")
	}
	if !slices.Equal(m.Inputs, want.Inputs) || !slices.Equal(m.Outputs, want.Outputs) {
		t.Errorf("io %v %v, want %v %v", m.Inputs, m.Outputs, want.Inputs, want.Outputs)
	}
	if len(m.Tensors) != len(want.Tensors) {
		t.Fatalf("%d tensors, want %d", len(m.Tensors), len(want.Tensors))
	}
	for i, w := range want.Tensors {
		g := m.Tensors[i]
		if g.Name != w.Name || g.Type != w.Type || !slices.Equal(g.Shape, w.Shape) || !bytes.Equal(g.Data, w.Data) || (g.Data == nil) != (w.Data == nil) {
			t.Errorf("tensor %d = %q %v %v %d bytes, want %q %v %v %d bytes", i, g.Name, g.Type, g.Shape, len(g.Data), w.Name, w.Type, w.Shape, len(w.Data))
		}
	}
	for i, w := range want.Ops {
		g := m.Ops[i]
		if g.Kind != w.Kind || !slices.Equal(g.Inputs, w.Inputs) || !slices.Equal(g.Outputs, w.Outputs) ||
			g.StrideH != w.StrideH || g.StrideW != w.StrideW || g.Padding != w.Padding || g.Activation != w.Activation ||
			g.FilterH != w.FilterH || g.FilterW != w.FilterW || g.DepthMultiplier != w.DepthMultiplier ||
			g.DilationH != 1 || g.DilationW != 1 || g.Beta != w.Beta || g.Version != 1 {
			t.Errorf("op %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestParseQuantRoundTrip(t *testing.T) {
	m := tinyModel()
	m.Tensors[0].Quant = nil
	m.Tensors[1].Quant = &Quantization{Scale: []float32{0.5, 0.25, 0.125, 1}, ZeroPoint: []int64{0, 0, 0, 0}, Axis: 0}
	got, err := decodeModel(encodeForTest(m, encodeKnobs{}))
	if err != nil {
		t.Fatalf("decodeModel: %v", err)
	}
	q := got.Tensors[1].Quant
	if q == nil || !slices.Equal(q.Scale, m.Tensors[1].Quant.Scale) || !slices.Equal(q.ZeroPoint, m.Tensors[1].Quant.ZeroPoint) || q.Axis != 0 {
		t.Errorf("quantization = %+v, want %+v", q, m.Tensors[1].Quant)
	}
}

// TestParseErrors checks that each inconsistency is an error of the right
// kind whose text names the op or tensor and the problem.
func TestParseErrors(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(m *Model, k *encodeKnobs)
		patch  func(b []byte) []byte
		kind   error
		want   []string
	}{
		{name: "wrong identifier", patch: func(b []byte) []byte { copy(b[4:], "TFL2"); return b },
			kind: ErrInvalidModel, want: []string{`file identifier is "TFL2", want "TFL3"`}},
		{name: "empty", patch: func(b []byte) []byte { return nil },
			kind: ErrInvalidModel, want: []string{"too short"}},
		{name: "truncated", patch: func(b []byte) []byte { return b[:len(b)/2] },
			kind: ErrInvalidModel, want: []string{"beyond the end of the"}},
		{name: "schema version", mutate: func(m *Model, k *encodeKnobs) { k.version = 2 },
			kind: ErrUnsupported, want: []string{"schema version 2"}},
		{name: "two subgraphs", mutate: func(m *Model, k *encodeKnobs) { k.subgraphs = 2 },
			kind: ErrUnsupported, want: []string{"2 subgraphs"}},
		{name: "unsupported op", mutate: func(m *Model, k *encodeKnobs) { m.Ops[1].Kind = 0 },
			kind: ErrUnsupported, want: []string{"op 1 (ADD)", "not supported"}},
		{name: "builtin code above 127", mutate: func(m *Model, k *encodeKnobs) { m.Ops[1].Kind = 150 },
			kind: ErrUnsupported, want: []string{"op 1 (BUILTIN_OP(150))"}},
		{name: "custom op", mutate: func(m *Model, k *encodeKnobs) { k.customCode = "TFLite_Detection_PostProcess" },
			kind: ErrUnsupported, want: []string{"op 0", `custom operator "TFLite_Detection_PostProcess"`}},
		{name: "opcode index", mutate: func(m *Model, k *encodeKnobs) { k.opcodeIndex = map[int]uint32{2: 40} },
			kind: ErrInvalidModel, want: []string{"op 2", "opcode index 40 out of range"}},
		{name: "buffer index", mutate: func(m *Model, k *encodeKnobs) { k.tensorBuf = map[int]uint32{4: 900} },
			kind: ErrInvalidModel, want: []string{`tensor 4 "dw/w"`, "buffer index 900 out of range"}},
		{name: "large-model buffer", mutate: func(m *Model, k *encodeKnobs) { k.bufOffset = 4096 },
			kind: ErrUnsupported, want: []string{"buffer 1", "outside the flatbuffer"}},
		{name: "input index", mutate: func(m *Model, k *encodeKnobs) { m.Ops[1].Inputs[0] = 99 },
			kind: ErrInvalidModel, want: []string{"op 1 (DEPTHWISE_CONV_2D)", "tensor index 99 out of range"}},
		{name: "output index", mutate: func(m *Model, k *encodeKnobs) { m.Ops[4].Outputs[0] = -5 },
			kind: ErrInvalidModel, want: []string{"op 4 (FULLY_CONNECTED)", "tensor index -5 out of range"}},
		{name: "model output index", mutate: func(m *Model, k *encodeKnobs) { m.Outputs[0] = 14 },
			kind: ErrInvalidModel, want: []string{"model output tensor index 14 out of range"}},
		{name: "buffer too short", mutate: func(m *Model, k *encodeKnobs) { m.Tensors[1].Data = m.Tensors[1].Data[:100] },
			kind: ErrInvalidModel, want: []string{`tensor 1 "conv/w"`, "buffer holds 100 bytes", "needs 432"}},
		{name: "negative dim", mutate: func(m *Model, k *encodeKnobs) { m.Tensors[3].Shape[1] = -2 },
			kind: ErrInvalidModel, want: []string{`tensor 3 "conv"`, "dimension 1", "is -2"}},
		{name: "absurd size", mutate: func(m *Model, k *encodeKnobs) { m.Tensors[3].Shape = []int{1, 1 << 20, 1 << 20, 4} },
			kind: ErrInvalidModel, want: []string{`tensor 3 "conv"`, "more than 268435456 elements"}},
		{name: "unsupported dtype", mutate: func(m *Model, k *encodeKnobs) { m.Tensors[6].Type = Float16 },
			kind: ErrUnsupported, want: []string{`tensor 6 "dw"`, "data type float16"}},
		{name: "stride 0", mutate: func(m *Model, k *encodeKnobs) { m.Ops[0].StrideH = 0 },
			kind: ErrInvalidModel, want: []string{"op 0 (CONV_2D)", "stride 0x2"}},
		{name: "dilation", mutate: func(m *Model, k *encodeKnobs) { m.Ops[1].DilationW = 2 },
			kind: ErrUnsupported, want: []string{"op 1 (DEPTHWISE_CONV_2D)", "dilation 1x2"}},
		{name: "depth multiplier", mutate: func(m *Model, k *encodeKnobs) { m.Ops[1].DepthMultiplier = 2 },
			kind: ErrUnsupported, want: []string{"op 1 (DEPTHWISE_CONV_2D)", "depth multiplier 2"}},
		{name: "conv output shape", mutate: func(m *Model, k *encodeKnobs) { m.Ops[0].StrideH, m.Ops[0].StrideW = 1, 1 },
			kind: ErrInvalidModel, want: []string{"op 0 (CONV_2D)", `output tensor 3 "conv"`, "shape [1 2 2 4], want [1 4 4 4]", "SAME padding"}},
		{name: "valid padding", mutate: func(m *Model, k *encodeKnobs) { m.Ops[0].Padding = PadValid },
			kind: ErrInvalidModel, want: []string{"op 0 (CONV_2D)", "want [1 1 1 4]", "VALID padding"}},
		{name: "filter channels", mutate: func(m *Model, k *encodeKnobs) {
			m.Tensors[1].Shape = []int{4, 3, 3, 2}
			m.Tensors[1].Data = m.Tensors[1].Data[:4*72]
		}, kind: ErrInvalidModel, want: []string{"op 0 (CONV_2D)", `filter tensor 1 "conv/w"`, "2 input channels, input has 3"}},
		{name: "bias length", mutate: func(m *Model, k *encodeKnobs) {
			m.Tensors[5].Shape = []int{3}
			m.Tensors[5].Data = m.Tensors[5].Data[:12]
		}, kind: ErrInvalidModel, want: []string{"op 1 (DEPTHWISE_CONV_2D)", `bias tensor 5 "dw/b"`, "want [4]"}},
		{name: "pool output", mutate: func(m *Model, k *encodeKnobs) { m.Ops[2].FilterH, m.Ops[2].StrideH = 1, 1 },
			kind: ErrInvalidModel, want: []string{"op 2 (AVERAGE_POOL_2D)", "want [1 2 1 4]"}},
		{name: "reshape size", mutate: func(m *Model, k *encodeKnobs) { m.Tensors[9].Shape = []int{1, 5} },
			kind: ErrInvalidModel, want: []string{"op 3 (RESHAPE)", "differ in size"}},
		{name: "reshape shape input", mutate: func(m *Model, k *encodeKnobs) { m.Tensors[8].Data[0] = 2 },
			kind: ErrInvalidModel, want: []string{"op 3 (RESHAPE)", "shape input [2 -1] disagrees"}},
		{name: "fc rows", mutate: func(m *Model, k *encodeKnobs) { m.Tensors[10].Shape = []int{4, 3} },
			kind: ErrInvalidModel, want: []string{"op 4 (FULLY_CONNECTED)", `input tensor 9 "flat"`, "not a whole number of rows of 3"}},
		{name: "fc output", mutate: func(m *Model, k *encodeKnobs) {
			m.Tensors[10].Shape = []int{2, 4}
			m.Tensors[10].Data = m.Tensors[10].Data[:32]
		}, kind: ErrInvalidModel, want: []string{"op 4 (FULLY_CONNECTED)", `output tensor 12 "logits"`, "want [1 2]"}},
		{name: "softmax beta", mutate: func(m *Model, k *encodeKnobs) { m.Ops[5].Beta = 0 },
			kind: ErrInvalidModel, want: []string{"op 5 (SOFTMAX)", "beta 0"}},
		{name: "activation", mutate: func(m *Model, k *encodeKnobs) { m.Ops[0].Activation = 4 },
			kind: ErrUnsupported, want: []string{"op 0 (CONV_2D)", "fused activation 4"}},
		{name: "order", mutate: func(m *Model, k *encodeKnobs) { m.Ops[0], m.Ops[1] = m.Ops[1], m.Ops[0] },
			kind: ErrInvalidModel, want: []string{"op 0 (DEPTHWISE_CONV_2D)", `input tensor 3 "conv" is read before any op writes it`}},
		{name: "double write", mutate: func(m *Model, k *encodeKnobs) { m.Ops[1].Outputs[0] = 3 },
			kind: ErrInvalidModel, want: []string{"op 1", `output tensor 3 "conv" is already written`}},
		{name: "type mix", mutate: func(m *Model, k *encodeKnobs) {
			m.Tensors[6].Type = Int8
			m.Tensors[6].Quant = &Quantization{Scale: []float32{0.1}, ZeroPoint: []int64{0}}
		}, kind: ErrUnsupported, want: []string{"op 1 (DEPTHWISE_CONV_2D)", "input float32, filter float32, output int8"}},
		{name: "quant lengths", mutate: func(m *Model, k *encodeKnobs) {
			m.Tensors[3].Quant = &Quantization{Scale: []float32{0.1, 0.2}, ZeroPoint: []int64{0}}
		}, kind: ErrInvalidModel, want: []string{`tensor 3 "conv"`, "2 scales and 1 zero points"}},
		{name: "per-channel length", mutate: func(m *Model, k *encodeKnobs) {
			m.Tensors[1].Quant = &Quantization{Scale: []float32{0.1, 0.2, 0.3}, ZeroPoint: []int64{0, 0, 0}, Axis: 0}
		}, kind: ErrInvalidModel, want: []string{`tensor 1 "conv/w"`, "3 per-channel scales for dimension 0 of size 4"}},
		{name: "zero point range", mutate: func(m *Model, k *encodeKnobs) {
			m.Tensors[0].Type = Uint8
			m.Tensors[0].Quant = &Quantization{Scale: []float32{0.1}, ZeroPoint: []int64{300}}
		}, kind: ErrInvalidModel, want: []string{`tensor 0 "input"`, "zero point[0] = 300 out of range [0, 255]"}},
		{name: "no ops", mutate: func(m *Model, k *encodeKnobs) { m.Ops = nil; m.Outputs = []int{0} },
			kind: ErrInvalidModel, want: []string{"no operators"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := tinyModel()
			var k encodeKnobs
			if tc.mutate != nil {
				tc.mutate(m, &k)
			}
			b := encodeForTest(m, k)
			if tc.patch != nil {
				b = tc.patch(b)
			}
			got, err := Parse(b)
			if err == nil {
				t.Fatalf("Parse succeeded (%d ops), want an error", len(got.Ops))
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
}

// TestParseEveryTruncation checks that every prefix of a valid file is
// rejected with an error (not a panic).
func TestParseEveryTruncation(t *testing.T) {
	b := encodeForTest(tinyModel(), encodeKnobs{})
	for n := range len(b) {
		if _, err := Parse(b[:n]); err == nil {
			t.Fatalf("Parse of the first %d of %d bytes succeeded", n, len(b))
		}
	}
}

// TestParseEveryBitFlip flips each bit of a valid file once: Parse must not
// panic, and whatever it accepts must still validate.
func TestParseEveryBitFlip(t *testing.T) {
	orig := encodeForTest(tinyModel(), encodeKnobs{})
	b := slices.Clone(orig)
	accepted := 0
	for i := range b {
		for bit := range 8 {
			b[i] ^= 1 << bit
			m, err := Parse(b)
			if err == nil {
				accepted++
				if verr := m.Validate(); verr != nil {
					t.Fatalf("flip byte %d bit %d: accepted model fails Validate: %v", i, bit, verr)
				}
			}
			b[i] = orig[i]
		}
	}
	if accepted == len(b)*8 {
		t.Errorf("all %d bit flips were accepted", accepted)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "none.tflite"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "none.tflite") {
		t.Errorf("Load error = %v, want a not-exist error naming the file", err)
	}
}

// TestOpNames checks the builtin name table against the names model.go gives
// the supported operators.
func TestOpNames(t *testing.T) {
	for _, k := range []OpKind{OpAveragePool2D, OpConv2D, OpDepthwiseConv2D, OpDequantize, OpFullyConnected, OpReshape, OpSoftmax, OpSqueeze, OpQuantize} {
		if opName(k) != k.String() {
			t.Errorf("opName(%d) = %q, want %q", k, opName(k), k.String())
		}
	}
	if opName(17) != "MAX_POOL_2D" || opName(126) != "BATCH_MATMUL" || opName(999) != "BUILTIN_OP(999)" {
		t.Errorf("opName(17, 126, 999) = %q %q %q", opName(17), opName(126), opName(999))
	}
}
