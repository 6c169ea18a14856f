package tflite

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/internal/tflitecheck"
)

// testLabels is a small label file with a background line.
const testLabels = "background\ncat\ndog\n"

// metadataModel is everyOpModel with metadata: a name, the input's
// normalization (per channel), a label file on the output and a model-level
// description file.
func metadataModel() *Model {
	m := everyOpModel()
	m.SetInputNormalization(Normalization{Mean: []float32{123.675, 116.28, 103.53}, Std: []float32{58.395, 57.12, 57.375}})
	m.SetOutputLabels("labels.txt", []byte(testLabels))
	m.Metadata.Name = "test classifier"
	m.Metadata.Version = "v7"
	m.Metadata.Files = []AssociatedFile{{Name: "README.txt", Type: FileDescriptions, Description: "about", Data: []byte("read me\n")}}
	return m
}

func marshalT(t *testing.T, m *Model) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestMetadataRoundTrip(t *testing.T) {
	m := metadataModel()
	data := marshalT(t, m)
	if again := marshalT(t, m); !bytes.Equal(again, data) {
		t.Error("writing the same model twice gives different bytes")
	}
	back, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	md := back.Metadata
	if md == nil {
		t.Fatal("no metadata read back")
	}
	if md.Name != "test classifier" || md.Version != "v7" || len(md.Inputs) != 1 || len(md.Outputs) != 1 {
		t.Fatalf("metadata %+v", md)
	}
	if n := md.InputNormalization(); n == nil || !reflect.DeepEqual(n, m.Metadata.Inputs[0].Normalization) {
		t.Errorf("normalization %+v, want %+v", n, m.Metadata.Inputs[0].Normalization)
	}
	if md.Inputs[0].ColorSpace != ColorSpaceRGB || md.Inputs[0].Name != "input" || md.Outputs[0].Name != "softmax" {
		t.Errorf("input %q color space %v, output %q: want input RGB, softmax", md.Inputs[0].Name, md.Inputs[0].ColorSpace, md.Outputs[0].Name)
	}
	l := md.OutputLabels()
	if l == nil || l.Name != "labels.txt" || string(l.Data) != testLabels || l.Err != nil || l.Type != FileTensorAxisLabels {
		t.Errorf("output labels %+v, want labels.txt holding %q", l, testLabels)
	}
	if len(md.Files) != 1 || string(md.Files[0].Data) != "read me\n" || md.Files[0].Type != FileDescriptions || md.Files[0].Description != "about" {
		t.Errorf("model files %+v", md.Files)
	}
	// The tensors and ops are untouched by the metadata, and a second
	// round trip gives the same bytes.
	if len(back.Tensors) != len(m.Tensors) || len(back.Ops) != len(m.Ops) {
		t.Errorf("%d tensors %d ops, want %d %d", len(back.Tensors), len(back.Ops), len(m.Tensors), len(m.Ops))
	}
	if again := marshalT(t, back); !bytes.Equal(again, data) {
		t.Error("a read-back model writes to different bytes")
	}
	// The archive's offsets count from the file start: archive/zip finds
	// each entry's data where the local header says, unadjusted.
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 2 || zr.File[0].Name != "README.txt" || zr.File[1].Name != "labels.txt" || zr.File[1].Method != zip.Store {
		t.Fatalf("archive entries %v", zr.File)
	}
	off, err := zr.File[1].DataOffset()
	if err != nil || string(data[off:off+int64(len(testLabels))]) != testLabels {
		t.Errorf("labels.txt data at %d (%v): want the labels stored there", off, err)
	}
}

// TestMetadataIndependentReader checks the written metadata and archive
// with scripts/check-tflite.py (flatbuffers' Python runtime and Python's
// zipfile).
func TestMetadataIndependentReader(t *testing.T) {
	m := metadataModel()
	path := filepath.Join(t.TempDir(), "md.tflite")
	if err := WriteFile(path, m); err != nil {
		t.Fatal(err)
	}
	s := tflitecheck.Read(t, path)
	if len(s.Tensors) != len(m.Tensors) || len(s.Operators) != len(m.Ops) {
		t.Errorf("%d tensors %d operators, want %d %d", len(s.Tensors), len(s.Operators), len(m.Tensors), len(m.Ops))
	}
	if !reflect.DeepEqual(s.Metadata.Entries, []string{"TFLITE_METADATA"}) || s.Metadata.Model == nil {
		t.Fatalf("metadata entries %v", s.Metadata.Entries)
	}
	md := s.Metadata.Model
	if md.Name != "test classifier" || md.Version != "v7" || md.MinParserVersion != "1.0.0" {
		t.Errorf("name %q version %q min_parser_version %q", md.Name, md.Version, md.MinParserVersion)
	}
	if len(md.Inputs) != 1 || len(md.Outputs) != 1 {
		t.Fatalf("%d input and %d output entries, want 1 and 1", len(md.Inputs), len(md.Outputs))
	}
	in := md.Inputs[0]
	if in.Name != "input" || in.ContentType != 2 || in.ColorSpace == nil || *in.ColorSpace != 1 {
		t.Errorf("input entry %+v: want ImageProperties RGB", in)
	}
	want := m.Metadata.Inputs[0].Normalization
	if in.Normalization == nil || !reflect.DeepEqual(in.Normalization.Mean, want.Mean) || !reflect.DeepEqual(in.Normalization.Std, want.Std) {
		t.Errorf("input normalization %+v, want %+v", in.Normalization, want)
	}
	out := md.Outputs[0]
	if out.ContentType != 1 || len(out.Files) != 1 || out.Files[0].Name != "labels.txt" || out.Files[0].Type != 2 {
		t.Errorf("output entry %+v: want FeatureProperties and labels.txt of type TENSOR_AXIS_LABELS", out)
	}
	if len(md.Files) != 1 || md.Files[0].Name != "README.txt" || md.Files[0].Type != 1 || md.Files[0].Description != "about" {
		t.Errorf("model files %+v", md.Files)
	}
	sum := sha256.Sum256([]byte(testLabels))
	var got []string
	for _, f := range s.AssociatedFiles {
		got = append(got, f.Name)
		if f.Name == "labels.txt" && (f.Size != len(testLabels) || f.SHA256 != hex.EncodeToString(sum[:]) || f.CompressType != 0) {
			t.Errorf("archived labels.txt: %+v", f)
		}
	}
	if !reflect.DeepEqual(got, []string{"README.txt", "labels.txt"}) {
		t.Errorf("archive holds %v, want README.txt and labels.txt", got)
	}
}

// TestMetadataOfficialFiles reads the metadata of the shared models that
// carry it, compares their embedded label files with the shared copies, and
// writes them back: the independent reader sees the same metadata and files.
func TestMetadataOfficialFiles(t *testing.T) {
	for _, tc := range []struct {
		model, name, labelFile, sameAs string
	}{
		{"mobilenet_v1_0.25_224_quant", "MobileNetV1 image classifier (quantized)", "labels.txt", "labels.txt"},
		{"coral_mlir_mobilenet_v1_0.25_128_quant", "ImageClassifier", "imagenet_labels.txt", "imagenet_labels_full.txt"},
	} {
		t.Run(tc.model, func(t *testing.T) {
			m, err := ReadFile(fixtures.Path(t, "models/"+tc.model+".tflite"))
			if err != nil {
				t.Fatal(err)
			}
			md := m.Metadata
			if md == nil || md.Name != tc.name {
				t.Fatalf("metadata %+v, want name %q", md, tc.name)
			}
			if n := md.InputNormalization(); n == nil || !reflect.DeepEqual(n.Mean, []float32{127.5}) || !reflect.DeepEqual(n.Std, []float32{127.5}) {
				t.Errorf("normalization %+v, want mean 127.5 std 127.5", n)
			}
			if md.Inputs[0].ColorSpace != ColorSpaceRGB || md.Inputs[0].Name != "image" || md.Outputs[0].Name != "probability" {
				t.Errorf("tensor entries %+v %+v", md.Inputs[0], md.Outputs[0])
			}
			want, err := os.ReadFile(fixtures.Path(t, "models/"+tc.sameAs))
			if err != nil {
				t.Fatal(err)
			}
			l := md.OutputLabels()
			if l == nil || l.Name != tc.labelFile || l.Err != nil || !bytes.Equal(l.Data, want) {
				t.Fatalf("embedded labels %v (err %v): want %s, %d bytes equal to %s", l != nil, l.Err, tc.labelFile, len(want), tc.sameAs)
			}

			path := filepath.Join(t.TempDir(), "rewritten.tflite")
			if err := WriteFile(path, m); err != nil {
				t.Fatal(err)
			}
			back, err := ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if bl := back.Metadata.OutputLabels(); bl == nil || !bytes.Equal(bl.Data, want) || back.Metadata.Name != tc.name {
				t.Errorf("rewritten file: labels %v, name %q", bl != nil, back.Metadata.Name)
			}
			s := tflitecheck.Read(t, path)
			sum := sha256.Sum256(want)
			if len(s.AssociatedFiles) != 1 || s.AssociatedFiles[0].Name != tc.labelFile || s.AssociatedFiles[0].SHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("rewritten archive %+v", s.AssociatedFiles)
			}
			if s.Metadata.Model == nil || s.Metadata.Model.Name != tc.name || s.Metadata.Model.Inputs[0].Normalization == nil {
				t.Errorf("rewritten metadata %+v", s.Metadata.Model)
			}
		})
	}
}

func TestMetadataCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(m *Model)
		want string
	}{
		{"too many outputs", func(m *Model) { m.Metadata.Outputs = append(m.Metadata.Outputs, TensorMetadata{}) }, "2 output tensor entries"},
		{"unnamed file", func(m *Model) { m.Metadata.Files[0].Name = "" }, "no name"},
		{"one name, two contents", func(m *Model) { m.Metadata.Files[0].Name = "labels.txt" }, `two associated files named "labels.txt" differ`},
		{"huge file", func(m *Model) { m.Metadata.Files[0].Data = make([]byte, MaxAssociatedFileBytes+1) }, "more than 4194304"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := metadataModel()
			tc.edit(m)
			err := m.Check()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Check = %v, want an error containing %q", err, tc.want)
			}
			if err := Write(&bytes.Buffer{}, m); err == nil {
				t.Error("Write accepted it")
			}
		})
	}
	m := metadataModel()
	m.Metadata.Outputs[0].Files[0].Data = nil
	if err := Write(&bytes.Buffer{}, m); err == nil || !strings.Contains(err.Error(), `"labels.txt" has no contents`) {
		t.Errorf("Write of a named file without contents = %v", err)
	}
}
