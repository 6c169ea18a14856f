package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/mobilenet"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// builtFloatModel writes a small built float MobileNet (alpha 0.25, 32x32,
// 10 classes) and returns its path.
func builtFloatModel(t *testing.T, dtype tflite.DType) string {
	t.Helper()
	m, err := mobilenet.Build(mobilenet.Config{Alpha: 0.25, Res: 32, DType: dtype, Classes: 10, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "float.tflite")
	if err := tflite.WriteFile(path, m); err != nil {
		t.Fatal(err)
	}
	return path
}

func runQuantizeCmd(ctx context.Context, args ...string) (stdout, stderr string, err error) {
	var o, e bytes.Buffer
	err = run(ctx, append([]string{"quantize"}, args...), nil, &o, &e)
	return o.String(), e.String(), err
}

func TestQuantizeSynthetic(t *testing.T) {
	model := builtFloatModel(t, tflite.Float32)
	for _, io := range []string{"int8", "float"} {
		t.Run(io, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "int8.tflite")
			stdout, stderr, err := runQuantizeCmd(context.Background(),
				"-model", model, "-calib", "synthetic", "-frames", "3", "-io", io, "-method", "percentile", "-out", out)
			if err != nil {
				t.Fatalf("quantize: %v\n%s", err, stderr)
			}
			q, err := runtime.Load(out)
			if err != nil {
				t.Fatalf("loading the output: %v", err)
			}
			in := q.Tensors[q.Inputs[0]].Type
			if (io == "int8") != (in == tflite.Int8) || (io == "float") != (in == tflite.Float32) {
				t.Errorf("-io %s gave input type %v", io, in)
			}
			for _, want := range []string{"calibrated on 3 frames", "DEPTHWISE_CONV_2D", "top-1 agreement", "/3", "mean |p_float - p_int8|"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("report lacks %q:\n%s", want, stdout)
				}
			}
			if !strings.Contains(stderr, "calibrating: 3/3 frames") {
				t.Errorf("no progress lines on a non-terminal stderr: %q", stderr)
			}
			if fileSize(out) >= fileSize(model)/2 {
				t.Errorf("int8 file %d bytes, float %d: want well under half", fileSize(out), fileSize(model))
			}
		})
	}
}

func TestQuantizeDirAndWeightsOnly(t *testing.T) {
	model := builtFloatModel(t, tflite.Float32)
	dir := t.TempDir()
	for i, v := range []byte{30, 200} {
		if err := os.WriteFile(filepath.Join(dir, string(rune('a'+i))+".rgb"), bytes.Repeat([]byte{v, 128, 255 - v}, 32*32), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "q.tflite")
	stdout, _, err := runQuantizeCmd(context.Background(), "-model", model, "-calib", dir, "-out", out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "calibrated on 2 frames") {
		t.Errorf("report: %s", stdout)
	}
	wo := filepath.Join(t.TempDir(), "wo.tflite")
	stdout, _, err = runQuantizeCmd(context.Background(), "-model", model, "-weights-only", "-out", wo)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(wo)
	if err != nil {
		t.Fatal(err)
	}
	if string(data[4:8]) != "TFL3" || fileSize(wo) > fileSize(model)*2/5 {
		t.Errorf("weights-only file: identifier %q, %d bytes for a %d-byte float model", data[4:8], fileSize(wo), fileSize(model))
	}
	if !strings.Contains(stdout, "not measured") {
		t.Errorf("weights-only report without frames: %q", stdout)
	}
	// With frames the biases are corrected and the report is measured by
	// the edgecam runtime, which runs weights-only models.
	stdout, _, err = runQuantizeCmd(context.Background(), "-model", model, "-weights-only", "-calib", dir, "-out", wo)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "calibrated on 2 frames") || !strings.Contains(stdout, "over 2 frames (edgecam):") ||
		!strings.Contains(stdout, "top-1 agreement            2/2") {
		t.Errorf("weights-only report with frames:\n%s", stdout)
	}
	wm, err := runtime.Load(wo)
	if err != nil {
		t.Fatalf("runtime.Load of the weights-only output: %v", err)
	}
	p, err := runtime.Compile(wm, runtime.Options{Threads: 1})
	if err != nil {
		t.Fatalf("runtime.Compile of the weights-only output: %v", err)
	}
	defer p.Close()
	if k := p.KernelsByType(); k["dequantize"] != "" || k["conv"] == "" {
		t.Errorf("weights-only plan kernels %v: want float convs and no run-time dequantize", k)
	}
}

func TestQuantizeErrors(t *testing.T) {
	model := builtFloatModel(t, tflite.Float32)
	int8Model := builtFloatModel(t, tflite.Int8)
	junk := filepath.Join(t.TempDir(), "junk.tflite")
	if err := os.WriteFile(junk, bytes.Repeat([]byte("not a model "), 20), 0o644); err != nil {
		t.Fatal(err)
	}
	outDir := t.TempDir()
	out := filepath.Join(outDir, "q.tflite")
	cases := []struct {
		name  string
		args  []string
		usage bool
		want  string
	}{
		{"no flags", nil, true, "-model and -out"},
		{"no calib", []string{"-model", model, "-out", out}, true, "-calib"},
		{"bad method", []string{"-model", model, "-calib", "synthetic", "-method", "kl", "-out", out}, true, "kl"},
		{"bad io", []string{"-model", model, "-calib", "synthetic", "-io", "uint8", "-out", out}, true, "uint8"},
		{"bad frames", []string{"-model", model, "-calib", "synthetic", "-frames", "0", "-out", out}, true, "-frames"},
		{"extra args", []string{"-model", model, "-calib", "synthetic", "-out", out, "x"}, true, "unexpected"},
		{"malformed model", []string{"-model", junk, "-calib", "synthetic", "-out", out}, false, "junk.tflite"},
		{"missing model", []string{"-model", junk + ".no", "-calib", "synthetic", "-out", out}, false, "junk.tflite.no"},
		{"quantized model", []string{"-model", int8Model, "-calib", "synthetic", "-out", out}, false, "already quantized"},
		{"empty calib dir", []string{"-model", model, "-calib", t.TempDir(), "-out", out}, false, "no .png"},
		{"bad percentile", []string{"-model", model, "-calib", "synthetic", "-frames", "1", "-method", "percentile", "-percentile", "20", "-out", out}, true, "-percentile"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := runQuantizeCmd(context.Background(), c.args...)
			if err == nil {
				t.Fatal("no error")
			}
			var ue *usageError
			if errors.As(err, &ue) != c.usage || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v (usage %v), want usage=%v containing %q", err, errors.As(err, &ue), c.usage, c.want)
			}
		})
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != 0 {
		t.Errorf("failed runs left files: %v", entries)
	}
}

// TestQuantizeInterrupted cancels the run during calibration: no output
// file, no temporary file.
func TestQuantizeInterrupted(t *testing.T) {
	model := builtFloatModel(t, tflite.Float32)
	outDir := t.TempDir()
	out := filepath.Join(outDir, "q.tflite")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := runQuantizeCmd(ctx, "-model", model, "-calib", "synthetic", "-frames", "1000", "-out", out)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "not written") {
		t.Errorf("err = %v, want a cancellation saying the file was not written", err)
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != 0 {
		t.Errorf("interrupted run left files: %v", entries)
	}
}

func TestProgressBar(t *testing.T) {
	clock := time.Unix(0, 0)
	var b bytes.Buffer
	p := newProgressBar(&b, "calibrating")
	p.now = func() time.Time { return clock }
	p.start = clock
	p.tty = true
	clock = clock.Add(2 * time.Second)
	p.update(4, 12)
	p.finish()
	want := "\rcalibrating [==========                    ] 4/12 frames, 2.0 frames/s, 4s left\x1b[K\n"
	if b.String() != want {
		t.Errorf("terminal bar %q, want %q", b.String(), want)
	}

	b.Reset()
	p = newProgressBar(&b, "calibrating")
	p.now = func() time.Time { return clock }
	p.start = clock
	for i := 1; i <= 100; i++ {
		clock = clock.Add(100 * time.Millisecond) // 10 frames/s: a line every 5 s = 50 frames
		p.update(i, 100)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 3 || lines[2] != "calibrating: 100/100 frames, 10.0 frames/s, 0s left" || strings.Contains(b.String(), "\r") {
		t.Errorf("non-terminal progress: %q", b.String())
	}
}
