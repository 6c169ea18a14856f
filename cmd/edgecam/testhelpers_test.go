package main

import (
	"context"
	"encoding/binary"
	"math"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/edgecam/edgecam/runtime/mobilenet"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// nanModel writes a built float MobileNet (alpha 0.25, 32x32, 10 classes)
// whose logits weights are all NaN, so every score is NaN, and returns its
// path.
func nanModel(t *testing.T) string {
	t.Helper()
	m, err := mobilenet.Build(mobilenet.Config{Alpha: 0.25, Res: 32, DType: tflite.Float32, Classes: 10, Seed: 3})
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
		binary.LittleEndian.PutUint32(w[i:], math.Float32bits(float32(math.NaN())))
	}
	path := filepath.Join(t.TempDir(), "nan.tflite")
	if err := tflite.WriteFile(path, m); err != nil {
		t.Fatal(err)
	}
	return path
}

// startRun starts `edgecam run` with args (which must include -http
// 127.0.0.1:0) and returns the server's base URL once it serves, and a
// function that interrupts the run and returns its error.
func startRun(t *testing.T, args []string) (base string, stderr *syncBuffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, nil, &out, &errb) }()
	stop = func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(20 * time.Second):
			t.Fatal("run did not stop after cancel")
			return nil
		}
	}
	re := regexp.MustCompile(`serving http://([0-9.:]+)/`)
	for deadline := time.Now().Add(20 * time.Second); ; {
		if m := re.FindStringSubmatch(errb.String()); m != nil {
			return "http://" + m[1], &errb, stop
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("server did not start:\n%s", errb.String())
		}
		select {
		case err := <-done:
			t.Fatalf("run ended early: %v\n%s", err, errb.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
