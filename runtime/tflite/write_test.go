package tflite

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/internal/tflitecheck"
)

// TestWriteIndependentReader writes a model and reads it back with the
// schema-free Python reader, comparing every field the writer encodes.
func TestWriteIndependentReader(t *testing.T) {
	m := everyOpModel()
	path := filepath.Join(t.TempDir(), "w.tflite")
	if err := WriteFile(path, m); err != nil {
		t.Fatal(err)
	}
	s := tflitecheck.Read(t, path)
	if s.Version != 3 || s.Description != "writer test" {
		t.Errorf("version %d description %q", s.Version, s.Description)
	}
	if !reflect.DeepEqual(s.Inputs, m.Inputs) || !reflect.DeepEqual(s.Outputs, m.Outputs) {
		t.Errorf("io %v %v, want %v %v", s.Inputs, s.Outputs, m.Inputs, m.Outputs)
	}
	if len(s.Tensors) != len(m.Tensors) {
		t.Fatalf("%d tensors, want %d", len(s.Tensors), len(m.Tensors))
	}
	if s.Buffers[0].Size != 0 {
		t.Errorf("buffer 0 has %d bytes, want the empty sentinel", s.Buffers[0].Size)
	}
	for i, got := range s.Tensors {
		want := &m.Tensors[i]
		if got.Name != want.Name || !reflect.DeepEqual(got.Shape, want.Shape) || got.Type != int(want.Type) {
			t.Errorf("tensor %d: %q %v type %d, want %q %v %v", i, got.Name, got.Shape, got.Type, want.Name, want.Shape, want.Type)
		}
		if size := s.Buffers[got.Buffer].Size; size != len(want.Data) {
			t.Errorf("tensor %d %q: buffer %d has %d bytes, want %d", i, want.Name, got.Buffer, size, len(want.Data))
		}
		if len(want.Data) > 0 && !s.Buffers[got.Buffer].Align16 {
			t.Errorf("tensor %d %q: data not 16-byte aligned", i, want.Name)
		}
		if want.Quant == nil {
			if got.Scale != nil {
				t.Errorf("tensor %d %q: unexpected quantization %v", i, want.Name, got.Scale)
			}
			continue
		}
		if !reflect.DeepEqual(got.Scale, want.Quant.Scale) || !reflect.DeepEqual(got.ZeroPoint, want.Quant.ZeroPoint) || got.QuantDim != want.Quant.Axis {
			t.Errorf("tensor %d %q: quant %v %v dim %d, want %v %v dim %d", i, want.Name,
				got.Scale, got.ZeroPoint, got.QuantDim, want.Quant.Scale, want.Quant.ZeroPoint, want.Quant.Axis)
		}
	}
	if len(s.Operators) != len(m.Ops) {
		t.Fatalf("%d operators, want %d", len(s.Operators), len(m.Ops))
	}
	for i, got := range s.Operators {
		want := &m.Ops[i]
		if got.Builtin != int(want.Kind) || !reflect.DeepEqual(got.Inputs, want.Inputs) || !reflect.DeepEqual(got.Outputs, want.Outputs) {
			t.Errorf("op %d: %d %v -> %v, want %d %v -> %v", i, got.Builtin, got.Inputs, got.Outputs, int(want.Kind), want.Inputs, want.Outputs)
		}
	}
	if len(s.OperatorCodes) != len(m.Ops) {
		t.Errorf("%d operator codes, want %d (all (kind, version) pairs distinct)", len(s.OperatorCodes), len(m.Ops))
	}
	for i, c := range s.OperatorCodes {
		if c.Builtin != int(m.Ops[i].Kind) || c.Version != m.Ops[i].Version {
			t.Errorf("operator code %d: %+v, want %v v%d", i, c, m.Ops[i].Kind, m.Ops[i].Version)
		}
	}
	num := func(op int, key string) float64 {
		v, _ := s.Operators[op].Options[key].(float64)
		return v
	}
	checks := []struct {
		op   int
		key  string
		want float64
	}{
		{1, "stride_w", 2}, {1, "stride_h", 2}, {1, "fused_activation_function", 3}, {1, "padding", 0},
		{2, "padding", 1}, {2, "depth_multiplier", 1}, {2, "dilation_h_factor", 2}, {2, "dilation_w_factor", 1},
		{3, "filter_width", 2}, {3, "filter_height", 2}, {3, "stride_w", 2},
		{6, "fused_activation_function", 1},
		{8, "beta", 0.5},
	}
	for _, c := range checks {
		if got := num(c.op, c.key); got != c.want {
			t.Errorf("op %d (%v) option %s = %v, want %v", c.op, m.Ops[c.op].Kind, c.key, got, c.want)
		}
	}
	if kd, _ := s.Operators[6].Options["keep_num_dims"].(bool); !kd {
		t.Errorf("FULLY_CONNECTED keep_num_dims lost: %v", s.Operators[6].Options)
	}
	if got := s.Operators[4].Options["squeeze_dims"]; !reflect.DeepEqual(got, []any{1.0, 2.0}) {
		t.Errorf("squeeze_dims %v", got)
	}
	if got := s.Operators[7].Options["new_shape"]; !reflect.DeepEqual(got, []any{1.0, 3.0}) {
		t.Errorf("new_shape %v", got)
	}
}

// TestWriteFileAtomic checks that a failed write leaves the previous file
// untouched and no temporary files behind.
func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.tflite")
	if err := os.WriteFile(path, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := everyOpModel()
	bad.Tensors[2].Data = bad.Tensors[2].Data[:5] // 5 bytes for 6 elements
	err := WriteFile(path, bad)
	if err == nil || !strings.Contains(err.Error(), "conv/w") {
		t.Fatalf("WriteFile with truncated data: err = %v, want one naming conv/w", err)
	}
	bad = everyOpModel()
	bad.Ops[1].Inputs[0] = 99
	if err := WriteFile(path, bad); err == nil {
		t.Fatal("WriteFile with an out-of-range tensor index succeeded")
	}
	if got, _ := os.ReadFile(path); string(got) != "previous" {
		t.Errorf("failed writes changed the file: %q", got)
	}
	if err := WriteFile(path, everyOpModel()); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got[4:8]) != "TFL3" {
		t.Errorf("identifier %q, want TFL3", got[4:8])
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only m.tflite", names)
	}
	if err := WriteFile(filepath.Join(dir, "missing", "m.tflite"), everyOpModel()); err == nil {
		t.Error("WriteFile into a missing directory succeeded")
	}
	var buf bytes.Buffer
	if err := Write(&buf, everyOpModel()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), got) {
		t.Error("Write and WriteFile produced different bytes")
	}
}

// TestWriteRoundTrip writes the official models and parses them back: the
// graph must come back identical (the reader is the other engineer's code,
// so this checks the writer against the schema as the reader understands it).
func TestWriteRoundTrip(t *testing.T) {
	for _, name := range []string{"mobilenet_v1_0.25_224.tflite", "mobilenet_v1_0.25_128_quant.tflite", "coral_mlir_mobilenet_v1_0.25_128_quant.tflite"} {
		t.Run(name, func(t *testing.T) {
			m, err := ReadFile(fixtures.Path(t, "models/"+name))
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := Write(&buf, m); err != nil {
				t.Fatal(err)
			}
			back, err := Parse(buf.Bytes())
			if err != nil {
				t.Fatalf("parsing the written model: %v", err)
			}
			if !reflect.DeepEqual(back.Inputs, m.Inputs) || !reflect.DeepEqual(back.Outputs, m.Outputs) || back.Description != m.Description {
				t.Errorf("io or description differ: %v %v %q", back.Inputs, back.Outputs, back.Description)
			}
			if len(back.Tensors) != len(m.Tensors) || len(back.Ops) != len(m.Ops) {
				t.Fatalf("%d tensors %d ops, want %d %d", len(back.Tensors), len(back.Ops), len(m.Tensors), len(m.Ops))
			}
			for i := range m.Tensors {
				if !reflect.DeepEqual(back.Tensors[i], m.Tensors[i]) {
					t.Errorf("tensor %d %q differs after the round trip", i, m.Tensors[i].Name)
				}
			}
			for i := range m.Ops {
				if !reflect.DeepEqual(back.Ops[i], m.Ops[i]) {
					t.Errorf("op %d differs: %+v, want %+v", i, back.Ops[i], m.Ops[i])
				}
			}
			if buf.Len() > fileSize(t, fixtures.Path(t, "models/"+name))+4096 {
				t.Errorf("written %d bytes, more than the original file", buf.Len())
			}
		})
	}
}

func fileSize(t *testing.T, path string) int {
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return int(st.Size())
}

// BenchmarkWrite encodes the official float model (1.9 MB).
func BenchmarkWrite(b *testing.B) {
	m, err := ReadFile(fixtures.Path(b, "models/mobilenet_v1_0.25_224.tflite"))
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Write(&buf, m); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}

// TestWriteSharesBuffers checks that tensors holding the same bytes (as the
// reader returns for tensors that share a buffer) are written once, so that
// a file of many tensors sharing one buffer does not grow when written back.
func TestWriteSharesBuffers(t *testing.T) {
	const tensors, elems = 200, 16384
	data := make([]byte, 4*elems)
	for i := range data {
		data[i] = byte(i * 7)
	}
	m := &Model{Version: SchemaVersion, Inputs: []int{0}, Outputs: []int{0}}
	m.Tensors = append(m.Tensors, Tensor{Name: "in", Shape: []int{1}, Type: Float32})
	for i := range tensors {
		m.Tensors = append(m.Tensors, Tensor{Name: fmt.Sprintf("c%d", i), Shape: []int{elems}, Type: Float32, Data: data})
	}
	// A tensor with equal bytes in other memory keeps its own buffer.
	m.Tensors = append(m.Tensors, Tensor{Name: "copy", Shape: []int{elems}, Type: Float32, Data: bytes.Clone(data)})
	var buf bytes.Buffer
	if err := Write(&buf, m); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 2*len(data)+tensors*64+4096 {
		t.Errorf("%d tensors sharing %d bytes were written as %d bytes, want about two copies", tensors, len(data), buf.Len())
	}
	back, err := Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(back.Tensors); i++ {
		if !bytes.Equal(back.Tensors[i].Data, data) {
			t.Fatalf("tensor %d %q: data differs after the round trip", i, back.Tensors[i].Name)
		}
	}
	again, err := marshal(back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, buf.Bytes()) {
		t.Errorf("writing the parsed model again gives %d bytes, want the same %d", len(again), buf.Len())
	}
}
