package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/edgecam/edgecam/quant"
	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/mobilenet"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// quantizeBounded runs quantize and fails the test if it does not return
// within a generous bound (the hostile cases used to loop forever).
func quantizeBounded(t *testing.T, ctx context.Context, stderr *syncBuffer, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"quantize"}, args...), nil, &out, stderr) }()
	select {
	case err := <-done:
		return out.String(), err
	case <-time.After(60 * time.Second):
		t.Fatalf("quantize %q did not return", args)
		return "", nil
	}
}

// floatModelWith writes a built float MobileNet whose logits weights are all
// v, and returns its path.
func floatModelWith(t *testing.T, v float32) string {
	t.Helper()
	m, err := mobilenet.Build(mobilenet.Config{Alpha: 0.25, Res: 32, DType: tflite.Float32, Classes: 10, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	last := -1
	for i, op := range m.Ops {
		if op.Kind == tflite.OpConv2D {
			last = i
		}
	}
	w := m.Tensors[m.Ops[last].Inputs[1]].Data
	for i := 0; i+4 <= len(w); i += 4 {
		binary.LittleEndian.PutUint32(w[i:], math.Float32bits(v))
	}
	path := filepath.Join(t.TempDir(), "float.tflite")
	if err := tflite.WriteFile(path, m); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestQuantizeOverflowingModel: weights of 3e38 drive the logits to +Inf.
// quantize must fail with an error naming the tensor, write nothing.
func TestQuantizeOverflowingModel(t *testing.T) {
	model := floatModelWith(t, 3e38)
	out := filepath.Join(t.TempDir(), "q.tflite")
	var errb syncBuffer
	_, err := quantizeBounded(t, context.Background(), &errb, "-model", model, "-calib", "synthetic", "-frames", "2", "-out", out)
	if !errors.Is(err, quant.ErrNonFinite) || !strings.Contains(err.Error(), `tensor "MobilenetV1/Logits/Conv2d_1c_1x1`) {
		t.Errorf("err = %v, want ErrNonFinite naming the logits tensor", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("output written: %v", err)
	}
	// NaN weights are refused before calibration, naming the tensor.
	_, err = quantizeBounded(t, context.Background(), &errb, "-model", floatModelWith(t, float32(math.NaN())), "-calib", "synthetic", "-frames", "2", "-out", out)
	if err == nil || !strings.Contains(err.Error(), `"MobilenetV1/Logits/Conv2d_1c_1x1`) || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("NaN weights: err = %v, want the weights tensor named", err)
	}
}

// TestQuantizeRefusesOutput: -out that is the model (by its path, a
// symbolic link, a hard link or another spelling), a directory or a path in
// a missing directory is refused before any work, and the model is left
// intact. Devices and FIFOs: TestQuantizeRefusesSpecialOutput.
func TestQuantizeRefusesOutput(t *testing.T) {
	model := builtFloatModel(t, tflite.Float32)
	dir := filepath.Dir(model)
	orig, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	link, hard := filepath.Join(dir, "link.tflite"), filepath.Join(dir, "hard.tflite")
	if err := os.Symlink(model, link); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(model, hard); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	cases := map[string]string{
		model:                                    "is the input model",
		link:                                     "is the input model",
		hard:                                     "is the input model",
		filepath.Join(sub, "..", "float.tflite"): "is the input model",
		sub:                                      "not a regular file",
		filepath.Join(dir, "missing", "q.tflite"): "does not exist",
	}
	for out, want := range cases {
		var errb syncBuffer
		_, err := quantizeBounded(t, context.Background(), &errb, "-model", model, "-calib", "synthetic", "-frames", "2", "-out", out)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("-out %s: err = %v, want %q", out, err, want)
		}
		if strings.Contains(errb.String(), "calibrating") {
			t.Errorf("-out %s: calibration ran before the output was refused", out)
		}
	}
	if got, _ := os.ReadFile(model); !bytes.Equal(got, orig) {
		t.Error("the input model was modified")
	}
}

// TestQuantizeRemovesStaleTemp: a temporary file left by a writer killed
// during an earlier run is removed by the next write.
func TestQuantizeRemovesStaleTemp(t *testing.T) {
	model := builtFloatModel(t, tflite.Float32)
	dir := t.TempDir()
	out := filepath.Join(dir, "q.tflite")
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip(err)
	}
	stale := filepath.Join(dir, ".q.tflite.tmp-"+strconv.Itoa(dead.Process.Pid)+"-42")
	if err := os.WriteFile(stale, []byte("half a model"), 0o600); err != nil {
		t.Fatal(err)
	}
	var errb syncBuffer
	if _, err := quantizeBounded(t, context.Background(), &errb, "-model", model, "-calib", "synthetic", "-frames", "2", "-out", out); err != nil {
		t.Fatalf("quantize: %v\n%s", err, errb.String())
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 || ents[0].Name() != "q.tflite" {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %q, want only q.tflite", names)
	}
	if _, err := runtime.Load(out); err != nil {
		t.Errorf("output: %v", err)
	}
}

// TestQuantizeTooFewFramesWarns: one calibration image still works but the
// agreement is flagged as too few to judge.
func TestQuantizeTooFewFramesWarns(t *testing.T) {
	model := builtFloatModel(t, tflite.Float32)
	calib := t.TempDir()
	if err := os.WriteFile(filepath.Join(calib, "one.rgb"), bytes.Repeat([]byte{40, 120, 200}, 32*32), 0o644); err != nil {
		t.Fatal(err)
	}
	var errb syncBuffer
	stdout, err := quantizeBounded(t, context.Background(), &errb, "-model", model, "-calib", calib, "-out", filepath.Join(t.TempDir(), "q.tflite"))
	if err != nil {
		t.Fatalf("quantize: %v\n%s", err, errb.String())
	}
	want := "warning: 1 calibration frame(s) are too few to judge the agreement with the float model; use at least " + strconv.Itoa(quant.MinAgreementFrames)
	if !strings.Contains(errb.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, errb.String())
	}
	if !strings.Contains(stdout, "top-1 agreement            1/1") || !strings.Contains(stdout, "warning: too few frames to judge") {
		t.Errorf("report does not flag the agreement over 1 frame:\n%s", stdout)
	}
	// A raw .rgb of the wrong size is refused by name before calibration.
	if err := os.WriteFile(filepath.Join(calib, "short.rgb"), []byte{1, 2, 3}, 0o644); err != nil {
		t.Fatal(err)
	}
	errb = syncBuffer{}
	_, err = quantizeBounded(t, context.Background(), &errb, "-model", model, "-calib", calib, "-out", filepath.Join(t.TempDir(), "q.tflite"))
	if err == nil || !strings.Contains(err.Error(), "short.rgb") || strings.Contains(errb.String(), "calibrating") {
		t.Errorf("short .rgb: err = %v, stderr %q; want it refused by name before calibrating", err, errb.String())
	}
}

// cancelOnWrite cancels a context at the first write that contains key.
type cancelOnWrite struct {
	syncBuffer
	key    string
	cancel context.CancelFunc
	once   sync.Once
}

func (c *cancelOnWrite) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(c.key)) {
		c.once.Do(c.cancel)
	}
	return c.syncBuffer.Write(p)
}

// TestQuantizeInterruptedMidCalibration: an interrupt while calibrating
// over a very long source ends the command, with no output file.
func TestQuantizeInterruptedMidCalibration(t *testing.T) {
	model := builtFloatModel(t, tflite.Float32)
	out := filepath.Join(t.TempDir(), "q.tflite")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errb := &cancelOnWrite{key: "calibrating", cancel: cancel}
	var stdout bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"quantize", "-model", model, "-calib", "synthetic", "-frames", "100000000", "-out", out}, nil, &stdout, errb)
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "not written") {
			t.Errorf("err = %v, want a cancellation saying the file was not written", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("quantize did not stop after the interrupt")
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("interrupted run wrote %s", out)
	}
}
