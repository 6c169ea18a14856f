package tflite

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// graphOpsModel uses the operators of MobileNet-V2 and TF2 exports (ADD
// with a fused activation, MEAN, PAD, standalone RELU/RELU6/RELU_N1_TO_1),
// those of the SSD detector (CONCATENATION with an axis and an activation,
// LOGISTIC) and two custom operators, one with four outputs and options. Its shapes
// are not meant to make sense; its structure passes Check.
func graphOpsModel() *Model {
	act := func(name string) Tensor { return Tensor{Name: name, Shape: []int{1, 2, 2, 3}, Type: Float32} }
	return &Model{
		Version:     3,
		Description: "graph ops",
		Tensors: []Tensor{
			act("a"), act("b"), act("sum"), // 0-2
			{Name: "axes", Shape: []int{2}, Type: Int32, Data: []byte{1, 0, 0, 0, 2, 0, 0, 0}}, // 3
			act("mean"), // 4
			{Name: "paddings", Shape: []int{4, 2}, Type: Int32, Data: make([]byte, 32)}, // 5
			act("pad"), act("relu"), act("relu6"), act("relu1"), act("o0"), act("o1"), act("o2"), // 6-12
			act("o3"), act("c"), // 13-14
			act("cat"), act("sig"), // 15-16
		},
		Ops: []Op{
			{Kind: OpAdd, Version: 2, Inputs: []int{0, 1}, Outputs: []int{2}, Activation: ActRelu6},
			{Kind: OpMean, Version: 2, Inputs: []int{2, 3}, Outputs: []int{4}, KeepDims: true},
			{Kind: OpPad, Version: 1, Inputs: []int{4, 5}, Outputs: []int{6}},
			{Kind: OpRelu, Version: 1, Inputs: []int{6}, Outputs: []int{7}},
			{Kind: OpRelu6, Version: 1, Inputs: []int{7}, Outputs: []int{8}},
			{Kind: OpReluN1To1, Version: 1, Inputs: []int{8}, Outputs: []int{9}},
			{Kind: OpCustom, Version: 1, Custom: "TFLite_Detection_PostProcess", Inputs: []int{9, 1, 0},
				Outputs: []int{10, 11, 12, 13}, CustomOptions: []byte{0x6d, 0x61, 0x78, 0x00, 0x01, 0x02}},
			{Kind: OpCustom, Version: 1, Custom: "Other", Inputs: []int{9}, Outputs: []int{14}},
			{Kind: OpConcatenation, Version: 1, Inputs: []int{9, 14}, Outputs: []int{15}, Axis: -2, Activation: ActRelu},
			{Kind: OpLogistic, Version: 1, Inputs: []int{15}, Outputs: []int{16}},
		},
		Inputs:  []int{0, 1},
		Outputs: []int{10, 11, 12, 13, 14, 16},
	}
}

// TestGraphOpsRoundTrip decodes the graph operators from the independent
// test encoding and from the writer's output, and compares every field.
func TestGraphOpsRoundTrip(t *testing.T) {
	want := graphOpsModel()
	var written bytes.Buffer
	if err := Write(&written, want); err != nil {
		t.Fatalf("Write: %v", err)
	}
	for _, src := range []struct {
		name     string
		data     []byte
		versions bool // the encoding keeps operator versions
	}{
		{"test encoding", encodeForTest(want, encodeKnobs{}), false},
		{"writer", written.Bytes(), true},
	} {
		t.Run(src.name, func(t *testing.T) {
			m, err := Parse(src.data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(m.Ops) != len(want.Ops) {
				t.Fatalf("%d ops, want %d", len(m.Ops), len(want.Ops))
			}
			for i := range want.Ops {
				w := want.Ops[i]
				if !src.versions {
					w.Version = 1
				}
				if w.Kind != OpCustom {
					w.DilationH, w.DilationW = 1, 1
				}
				if g := m.Ops[i]; !reflect.DeepEqual(g, w) {
					t.Errorf("op %d = %+v, want %+v", i, g, w)
				}
			}
			if got := m.Ops[6].Name(); got != "TFLite_Detection_PostProcess" {
				t.Errorf("custom op Name() = %q", got)
			}
			if got := m.Ops[0].Name(); got != "ADD" {
				t.Errorf("ADD Name() = %q", got)
			}
		})
	}
}

func TestGraphOpsErrors(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(m *Model, k *encodeKnobs)
		kind   error
		want   []string
	}{
		{name: "custom options format", mutate: func(m *Model, k *encodeKnobs) { k.customFmt = 1 },
			kind: ErrUnsupported, want: []string{"op 6 (TFLite_Detection_PostProcess)", "custom options format 1"}},
		{name: "custom op without a name", mutate: func(m *Model, k *encodeKnobs) { m.Ops[7].Custom = "" },
			kind: ErrInvalidModel, want: []string{"op 7", "custom operator without a custom_code"}},
		{name: "custom code on a builtin", mutate: func(m *Model, k *encodeKnobs) { k.customCode = "Mine" },
			kind: ErrUnsupported, want: []string{"op 0", `custom operator "Mine" has builtin code ADD, want CUSTOM`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := graphOpsModel()
			var k encodeKnobs
			tc.mutate(m, &k)
			_, err := Parse(encodeForTest(m, k))
			if err == nil {
				t.Fatal("Parse succeeded, want an error")
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
	bad := graphOpsModel()
	bad.Ops[7].Custom = ""
	if err := Write(&bytes.Buffer{}, bad); err == nil || !strings.Contains(err.Error(), "op 7") {
		t.Errorf("Write of a nameless custom op: %v, want an error naming op 7", err)
	}
	bad = graphOpsModel()
	bad.Ops[0].CustomOptions = []byte{1}
	if err := Write(&bytes.Buffer{}, bad); err == nil || !strings.Contains(err.Error(), "op 0 (ADD)") {
		t.Errorf("Write of a builtin op with custom options: %v, want an error naming op 0 (ADD)", err)
	}
}
