package tflite

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/edgecam/edgecam/internal/fileio"
)

// TestParseIndependentEncoding decodes a file written by the test encoder and
// compares every field it encodes.
func TestParseIndependentEncoding(t *testing.T) {
	want := everyOpModel()
	m, err := Parse(encodeForTest(want, encodeKnobs{}))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if m.Version != 3 || m.Description != want.Description {
		t.Errorf("version %d description %q, want 3 %q", m.Version, m.Description, want.Description)
	}
	if !slices.Equal(m.Inputs, want.Inputs) || !slices.Equal(m.Outputs, want.Outputs) {
		t.Errorf("io %v %v, want %v %v", m.Inputs, m.Outputs, want.Inputs, want.Outputs)
	}
	if len(m.Tensors) != len(want.Tensors) || len(m.Ops) != len(want.Ops) {
		t.Fatalf("%d tensors %d ops, want %d %d", len(m.Tensors), len(m.Ops), len(want.Tensors), len(want.Ops))
	}
	for i := range want.Tensors {
		if g, w := m.Tensors[i], want.Tensors[i]; !reflect.DeepEqual(g, w) {
			t.Errorf("tensor %d = %+v, want %+v", i, g, w)
		}
	}
	for i := range want.Ops {
		g, w := m.Ops[i], want.Ops[i]
		// The encoder writes version 1 for every operator code; the
		// decoder fills in the dilation default of 1.
		w.Version = 1
		w.DilationH, w.DilationW = max(w.DilationH, 1), max(w.DilationW, 1)
		if w.Kind == OpSqueeze && w.SqueezeDims == nil {
			w.SqueezeDims = []int{}
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("op %d = %+v, want %+v", i, g, w)
		}
	}
}

// TestParseErrors checks that each structural fault is an error of the right
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
		{name: "unsupported op", mutate: func(m *Model, k *encodeKnobs) { m.Ops[1].Kind = 18 },
			kind: ErrUnsupported, want: []string{"op 1 (MUL)", "not supported", "the reader decodes ADD, "}},
		{name: "builtin code above 127", mutate: func(m *Model, k *encodeKnobs) { m.Ops[1].Kind = 150 },
			kind: ErrUnsupported, want: []string{"op 1 (BUILTIN_OP(150))"}},
		{name: "custom op", mutate: func(m *Model, k *encodeKnobs) { k.customCode = "TFLite_Detection_PostProcess" },
			kind: ErrUnsupported, want: []string{"op 0", `custom operator "TFLite_Detection_PostProcess"`}},
		{name: "opcode index", mutate: func(m *Model, k *encodeKnobs) { k.opcodeIndex = map[int]uint32{2: 40} },
			kind: ErrInvalidModel, want: []string{"op 2", "opcode index 40 out of range"}},
		{name: "buffer index", mutate: func(m *Model, k *encodeKnobs) { k.tensorBuf = map[int]uint32{5: 900} },
			kind: ErrInvalidModel, want: []string{`tensor 5 "dw/w"`, "buffer index 900 out of range"}},
		{name: "large-model buffer", mutate: func(m *Model, k *encodeKnobs) { k.bufOffset = 4096 },
			kind: ErrUnsupported, want: []string{"buffer 1", "outside the flatbuffer"}},
		{name: "input index", mutate: func(m *Model, k *encodeKnobs) { m.Ops[2].Inputs[0] = 99 },
			kind: ErrInvalidModel, want: []string{"op 2 (DEPTHWISE_CONV_2D)", "input 0", "tensor index 99 out of range"}},
		{name: "input index below -1", mutate: func(m *Model, k *encodeKnobs) { m.Ops[6].Inputs[2] = -2 },
			kind: ErrInvalidModel, want: []string{"op 6 (FULLY_CONNECTED)", "input 2", "tensor index -2 out of range"}},
		{name: "output index", mutate: func(m *Model, k *encodeKnobs) { m.Ops[6].Outputs[0] = -1 },
			kind: ErrInvalidModel, want: []string{"op 6 (FULLY_CONNECTED)", "output 0", "tensor index -1 out of range"}},
		{name: "model output index", mutate: func(m *Model, k *encodeKnobs) { m.Outputs[0] = 15 },
			kind: ErrInvalidModel, want: []string{"model output tensor index 15 out of range"}},
		{name: "model input index", mutate: func(m *Model, k *encodeKnobs) { m.Inputs[0] = -3 },
			kind: ErrInvalidModel, want: []string{"model input tensor index -3 out of range"}},
		{name: "buffer too short", mutate: func(m *Model, k *encodeKnobs) { m.Tensors[9].Data = m.Tensors[9].Data[:10] },
			kind: ErrInvalidModel, want: []string{`tensor 9 "fc/w"`, "buffer holds 10 bytes", "needs 24"}},
		{name: "negative dim", mutate: func(m *Model, k *encodeKnobs) { m.Tensors[4].Shape[1] = -2 },
			kind: ErrInvalidModel, want: []string{`tensor 4 "conv"`, "dimension 1", "is -2"}},
		{name: "absurd size", mutate: func(m *Model, k *encodeKnobs) { m.Tensors[4].Shape = []int{1, 1 << 20, 1 << 20, 4} },
			kind: ErrInvalidModel, want: []string{`tensor 4 "conv"`, "more than 268435456 elements"}},
		{name: "rank", mutate: func(m *Model, k *encodeKnobs) { m.Tensors[4].Shape = []int{1, 1, 1, 1, 2, 2, 2} },
			kind: ErrInvalidModel, want: []string{`tensor 4 "conv"`, "rank 7 (more than 6)"}},
		{name: "constant of unknown size", mutate: func(m *Model, k *encodeKnobs) { m.Tensors[11].Type = String },
			kind: ErrUnsupported, want: []string{`tensor 11 "shape"`, "constant of data type string"}},
		{name: "quant lengths", mutate: func(m *Model, k *encodeKnobs) {
			m.Tensors[4].Quant = &Quantization{Scale: []float32{0.1, 0.2}, ZeroPoint: []int64{0}}
		}, kind: ErrInvalidModel, want: []string{`tensor 4 "conv"`, "2 scales and 1 zero points"}},
		{name: "per-channel length", mutate: func(m *Model, k *encodeKnobs) {
			m.Tensors[2].Quant = &Quantization{Scale: []float32{0.1, 0.2, 0.3}, ZeroPoint: []int64{0, 0, 0}, Axis: 0}
		}, kind: ErrInvalidModel, want: []string{`tensor 2 "conv/w"`, "3 per-channel scales for dimension 0 of size 2"}},
		{name: "quantized dimension", mutate: func(m *Model, k *encodeKnobs) { m.Tensors[5].Quant.Axis = 4 },
			kind: ErrInvalidModel, want: []string{`tensor 5 "dw/w"`, "quantized dimension 4 out of range for shape [1 3 3 2]"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := everyOpModel()
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
	b := encodeForTest(everyOpModel(), encodeKnobs{})
	for n := range len(b) {
		if _, err := Parse(b[:n]); err == nil {
			t.Fatalf("Parse of the first %d of %d bytes succeeded", n, len(b))
		}
	}
}

// TestParseEveryBitFlip flips each bit of a valid file once: Parse must not
// panic, every error must be of the two documented kinds, and whatever it
// accepts must pass Check.
func TestParseEveryBitFlip(t *testing.T) {
	orig := encodeForTest(everyOpModel(), encodeKnobs{})
	b := slices.Clone(orig)
	accepted := 0
	for i := range b {
		for bit := range 8 {
			b[i] ^= 1 << bit
			m, err := Parse(b)
			switch {
			case err == nil:
				accepted++
				if cerr := m.Check(); cerr != nil {
					t.Fatalf("flip byte %d bit %d: accepted model fails Check: %v", i, bit, cerr)
				}
			case !errors.Is(err, ErrInvalidModel) && !errors.Is(err, ErrUnsupported):
				t.Fatalf("flip byte %d bit %d: error %q wraps neither ErrInvalidModel nor ErrUnsupported", i, bit, err)
			}
			b[i] = orig[i]
		}
	}
	if accepted == len(b)*8 {
		t.Errorf("all %d bit flips were accepted", accepted)
	}
	t.Logf("%d of %d bit flips accepted", accepted, len(b)*8)
}

func TestReadFile(t *testing.T) {
	want := everyOpModel()
	path := filepath.Join(t.TempDir(), "m.tflite")
	if err := os.WriteFile(path, encodeForTest(want, encodeKnobs{}), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Tensors) != len(want.Tensors) || m.Tensors[9].Name != "fc/w" || len(m.Tensors[9].Data) != 24 {
		t.Errorf("read %d tensors, tensor 9 %q with %d bytes; want %d, \"fc/w\" with 24", len(m.Tensors), m.Tensors[9].Name, len(m.Tensors[9].Data), len(want.Tensors))
	}

	broken := filepath.Join(t.TempDir(), "broken.tflite")
	if err := os.WriteFile(broken, []byte("not a model at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(broken); !errors.Is(err, ErrInvalidModel) || !strings.Contains(err.Error(), broken) {
		t.Errorf("ReadFile(garbage) = %v, want ErrInvalidModel naming the file", err)
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "none.tflite")); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "none.tflite") {
		t.Errorf("ReadFile(missing) = %v, want a not-exist error naming the file", err)
	}
}

// TestReadFileRefusesSpecialFiles checks that a device (also behind a
// symbolic link), a FIFO without a writer and a directory are refused at
// once, without reading, and that a file above MaxFileBytes is refused from
// its size alone.
func TestReadFileRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "zero.tflite")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	paths := []string{"/dev/zero", link, dir}
	fifo := filepath.Join(dir, "fifo.tflite")
	if err := syscall.Mkfifo(fifo, 0o600); err == nil {
		paths = append(paths, fifo)
	} else {
		t.Logf("no FIFO case: mkfifo: %v", err)
	}
	for _, p := range paths {
		done := make(chan error, 1)
		go func() { _, err := ReadFile(p); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, fileio.ErrNotRegular) || !strings.Contains(err.Error(), "model") {
				t.Errorf("ReadFile(%s) = %v, want ErrNotRegular naming the model", p, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("ReadFile(%s) blocked", p)
		}
	}

	big := filepath.Join(dir, "big.tflite")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse file: its size is above the limit, its blocks are not written.
	if err := f.Truncate(MaxFileBytes + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := ReadFile(big); !errors.Is(err, fileio.ErrTooLarge) {
		t.Errorf("ReadFile of a %d-byte file = %v, want ErrTooLarge", MaxFileBytes+1, err)
	}
}

// TestOpKindNames checks the names of the supported operators and of codes
// outside them.
func TestOpKindNames(t *testing.T) {
	want := map[OpKind]string{
		OpAveragePool2D: "AVERAGE_POOL_2D", OpConv2D: "CONV_2D", OpDepthwiseConv2D: "DEPTHWISE_CONV_2D",
		OpDequantize: "DEQUANTIZE", OpFullyConnected: "FULLY_CONNECTED", OpReshape: "RESHAPE",
		OpSoftmax: "SOFTMAX", OpSqueeze: "SQUEEZE", OpQuantize: "QUANTIZE",
		0: "ADD", 17: "MAX_POOL_2D", 126: "BATCH_MATMUL", 999: "BUILTIN_OP(999)", -1: "BUILTIN_OP(-1)",
	}
	for k, name := range want {
		if k.String() != name {
			t.Errorf("OpKind(%d).String() = %q, want %q", int(k), k.String(), name)
		}
	}
}
