package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/internal/tflitecheck"
	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// classNames are the labels of the built 10-class test model.
var classNames = []string{"apple", "bear", "cat", "dog", "eel", "fox", "goat", "hen", "ibis", "jay"}

// TestQuantizeWritesMetadata quantizes a float model with labels.txt
// beside it: the int8 file, classified alone in another directory without
// -labels, names its classes, and the independent reader finds the
// normalization and the packed labels in it.
func TestQuantizeWritesMetadata(t *testing.T) {
	model := builtFloatModel(t, tflite.Float32)
	labels := strings.Join(classNames, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(filepath.Dir(model), "labels.txt"), []byte(labels), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "q.tflite")
	stdout, stderr, err := runQuantizeCmd(context.Background(), "-model", model, "-calib", "synthetic", "-frames", "3", "-out", out)
	if err != nil {
		t.Fatalf("quantize: %v\n%s", err, stderr)
	}
	for _, want := range []string{"metadata normalization (x-mean)/std with mean [127.5] std [127.5]", "scale 0.0078125 zero point 0", "labels: labels.txt packed in the file (45 bytes)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}

	img := filepath.Join(t.TempDir(), "img.rgb")
	if err := os.WriteFile(img, bytes.Repeat([]byte{200, 30, 90}, 32*32), 0o644); err != nil {
		t.Fatal(err)
	}
	var cout, cerr bytes.Buffer
	if err := run(context.Background(), []string{"classify", "-model", out, "-top", "10", img}, nil, &cout, &cerr); err != nil {
		t.Fatalf("classify: %v\n%s", err, cerr.String())
	}
	for _, name := range classNames {
		if !strings.Contains(cout.String(), name) {
			t.Errorf("classify output lacks %q:\n%s", name, cout.String())
		}
	}
	if strings.Contains(cout.String(), "class ") {
		t.Errorf("classify names classes by index:\n%s", cout.String())
	}

	s := tflitecheck.Read(t, out)
	md := s.Metadata.Model
	if md == nil || len(md.Inputs) != 1 || len(md.Outputs) != 1 {
		t.Fatalf("metadata entries %v, model metadata %+v", s.Metadata.Entries, md)
	}
	in := md.Inputs[0]
	if in.Normalization == nil || !reflect.DeepEqual(in.Normalization.Mean, []float32{127.5}) || !reflect.DeepEqual(in.Normalization.Std, []float32{127.5}) ||
		in.ContentType != 2 || in.ColorSpace == nil || *in.ColorSpace != 1 {
		t.Errorf("input metadata %+v: want RGB image, mean 127.5 std 127.5", in)
	}
	if f := md.Outputs[0].Files; len(f) != 1 || f[0].Name != "labels.txt" || f[0].Type != 2 {
		t.Errorf("output files %+v: want labels.txt of type TENSOR_AXIS_LABELS", f)
	}
	sum := sha256.Sum256([]byte(labels))
	if len(s.AssociatedFiles) != 1 || s.AssociatedFiles[0].Name != "labels.txt" || s.AssociatedFiles[0].SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("archive %+v: want labels.txt holding the 10 names", s.AssociatedFiles)
	}
	if len(s.Tensors) == 0 || s.Tensors[s.Inputs[0]].Type != int(tflite.Int8) {
		t.Errorf("the independent reader sees no int8 input")
	}
}

// TestQuantizeNormalizationFlags quantizes with -mean 0 -std 255 (a model
// trained on x/255): the int8 input becomes scale 1/255, zero point -128,
// so the byte minus 128 stands for exactly x/255, and the metadata says
// mean 0 std 255; -labels with a background line fits the 10 classes; a
// float-IO output feeds its float input by the metadata without flags.
func TestQuantizeNormalizationFlags(t *testing.T) {
	model := builtFloatModel(t, tflite.Float32)
	lf := filepath.Join(t.TempDir(), "names.txt")
	if err := os.WriteFile(lf, []byte("background\n"+strings.Join(classNames, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	img := filepath.Join(t.TempDir(), "img.rgb")
	if err := os.WriteFile(img, bytes.Repeat([]byte{0, 130, 255}, 32*32), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, io := range []string{"int8", "float"} {
		t.Run(io, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "q.tflite")
			if _, stderr, err := runQuantizeCmd(context.Background(), "-model", model, "-calib", "synthetic", "-frames", "2",
				"-io", io, "-mean", "0", "-std", "255", "-labels", lf, "-out", out); err != nil {
				t.Fatalf("quantize: %v\n%s", err, stderr)
			}
			q, err := runtime.Load(out)
			if err != nil {
				t.Fatal(err)
			}
			if n := q.Metadata.InputNormalization(); n == nil || n.Mean[0] != 0 || n.Std[0] != 255 {
				t.Errorf("metadata normalization %+v, want mean 0 std 255", n)
			}
			names, _, err := runtime.ModelLabels(q)
			if err != nil || !reflect.DeepEqual(names, classNames) {
				t.Errorf("packed labels %q, %v; want the 10 names without background", names, err)
			}
			inQ := q.Tensors[q.Inputs[0]].Quant
			if io == "int8" {
				if inQ == nil || inQ.Scale[0] != float32(1.0/255) || inQ.ZeroPoint[0] != -128 {
					t.Errorf("int8 input quantization %+v, want scale float32(1/255), zero point -128", inQ)
				}
				return
			}
			// Float input: without flags the metadata's x/255 applies, the
			// same as giving it explicitly; (x-127.5)/127.5 differs.
			plain := classifyJSONLines(t, "-model", out, img)
			explicit := classifyJSONLines(t, "-model", out, "-mean", "0", "-std", "255", img)
			mobilenet := classifyJSONLines(t, "-model", out, "-mean", "127.5", "-std", "127.5", img)
			if !reflect.DeepEqual(plain[0].Output, explicit[0].Output) {
				t.Errorf("float-IO file without flags %v, with -mean 0 -std 255 %v: want equal", plain[0].Output, explicit[0].Output)
			}
			if reflect.DeepEqual(plain[0].Output, mobilenet[0].Output) {
				t.Errorf("float-IO file: (x-127.5)/127.5 gives the same output as x/255")
			}
		})
	}
	// One int8 scale cannot stand for per-channel normalization.
	_, _, err := runQuantizeCmd(context.Background(), "-model", model, "-calib", "synthetic", "-frames", "1",
		"-mean", "123.675,116.28,103.53", "-std", "58.395,57.12,57.375", "-out", filepath.Join(t.TempDir(), "q.tflite"))
	if err == nil || !strings.Contains(err.Error(), "-io float") {
		t.Errorf("per-channel normalization with an int8 input: %v, want an error pointing to -io float", err)
	}
	// Labels that do not fit the output are refused.
	_, _, err = runQuantizeCmd(context.Background(), "-model", model, "-calib", "synthetic", "-frames", "1",
		"-labels", fixtures.Path(t, "models/labels.txt"), "-out", filepath.Join(t.TempDir(), "q.tflite"))
	if err == nil || !strings.Contains(err.Error(), "1001 labels for an output of 10 classes") {
		t.Errorf("1001 labels for 10 classes: %v", err)
	}
}
