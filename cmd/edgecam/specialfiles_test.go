//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/edgecam/edgecam/internal/fileio"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// specialFiles makes, in a fresh directory, a FIFO with no writer and a
// symbolic link to /dev/zero, each named name (plus a prefix).
func specialFiles(t *testing.T, name string) (fifo, zero string) {
	t.Helper()
	dir := t.TempDir()
	fifo, zero = filepath.Join(dir, "fifo-"+name), filepath.Join(dir, "zero-"+name)
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	return fifo, zero
}

// runBounded runs the CLI and fails the test if it has not returned within
// a generous bound: a FIFO read would block forever, /dev/zero never ends.
func runBounded(t *testing.T, args ...string) (stdout string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- run(context.Background(), args, nil, &out, &errb) }()
	select {
	case err := <-done:
		return out.String(), err
	case <-time.After(20 * time.Second):
		t.Fatalf("%q did not return: a special file was read", args)
		return "", nil
	}
}

// TestSpecialFilesRefused passes a FIFO and a /dev/zero link everywhere a
// command reads a file: each is refused at once with an error naming what
// it was given as.
func TestSpecialFilesRefused(t *testing.T) {
	model := builtFloatModel(t, tflite.Float32)
	fifoModel, zeroModel := specialFiles(t, "m.tflite")
	fifoLabels, zeroLabels := specialFiles(t, "labels.txt")
	fifoPNG, zeroPNG := specialFiles(t, "x.png")
	fifoMJPEG, zeroMJPEG := specialFiles(t, "rec.mjpeg")
	out := filepath.Join(t.TempDir(), "q.tflite")
	type tc struct {
		args []string
		what string
	}
	var cases []tc
	for _, p := range []string{fifoModel, zeroModel} {
		cases = append(cases,
			tc{[]string{"run", "-model", p, "-source", "synthetic", "-frames", "1"}, "model"},
			tc{[]string{"classify", "-model", p, "x.png"}, "model"},
			tc{[]string{"quantize", "-model", p, "-calib", "synthetic", "-out", out}, "model"},
			tc{[]string{"bench", "-model", p, "-frames", "1"}, "model"},
			tc{[]string{"describe", "-model", p}, "model"},
		)
	}
	for _, p := range []string{fifoLabels, zeroLabels} {
		cases = append(cases,
			tc{[]string{"run", "-model", model, "-labels", p, "-source", "synthetic", "-frames", "1"}, "labels"},
			tc{[]string{"classify", "-model", model, "-labels", p, model}, "labels"},
		)
	}
	for _, p := range []string{fifoPNG, zeroPNG} {
		cases = append(cases, tc{[]string{"classify", "-model", model, p}, "image"})
	}
	for _, p := range []string{fifoMJPEG, zeroMJPEG} {
		cases = append(cases, tc{[]string{"run", "-model", model, "-source", p, "-frames", "1"}, "source"})
	}
	for _, c := range cases {
		_, err := runBounded(t, c.args...)
		if !errors.Is(err, fileio.ErrNotRegular) || !strings.Contains(err.Error(), c.what) {
			t.Errorf("%q: err = %v, want a not-regular-file error naming the %s", c.args, err, c.what)
		}
	}
}

// TestDefaultLabelsFIFO: labels.txt beside the model is read by default;
// a FIFO there is refused, not waited on.
func TestDefaultLabelsFIFO(t *testing.T) {
	model := builtFloatModel(t, tflite.Float32)
	if err := syscall.Mkfifo(filepath.Join(filepath.Dir(model), "labels.txt"), 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	_, err := runBounded(t, "run", "-model", model, "-source", "synthetic", "-fps", "0", "-frames", "1")
	if !errors.Is(err, fileio.ErrNotRegular) || !strings.Contains(err.Error(), "labels") {
		t.Errorf("err = %v, want the labels FIFO refused", err)
	}
}

// TestQuantizeSpecialCalibration: -calib naming a FIFO, and calibration
// directories holding a FIFO or a /dev/zero link named like images.
func TestQuantizeSpecialCalibration(t *testing.T) {
	model := builtFloatModel(t, tflite.Float32)
	out := filepath.Join(t.TempDir(), "q.tflite")
	fifo, _ := specialFiles(t, "calib")
	if _, err := runBounded(t, "quantize", "-model", model, "-calib", fifo, "-out", out); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("-calib FIFO: err = %v, want 'not a directory'", err)
	}
	for _, name := range []string{"b.rgb", "b.png"} {
		fifo, zero := specialFiles(t, name)
		for _, special := range []string{fifo, zero} {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "a.rgb"), bytes.Repeat([]byte{90}, 32*32*3), 0o644); err != nil {
				t.Fatal(err)
			}
			target, _ := os.Readlink(special)
			if target == "" {
				// A FIFO cannot be copied; move it into the directory.
				if err := os.Rename(special, filepath.Join(dir, name)); err != nil {
					t.Fatal(err)
				}
			} else if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
				t.Fatal(err)
			}
			_, err := runBounded(t, "quantize", "-model", model, "-calib", dir, "-out", out)
			if !errors.Is(err, fileio.ErrNotRegular) || !strings.Contains(err.Error(), name) {
				t.Errorf("calibration dir with %s as %s: err = %v, want it refused by name", special, name, err)
			}
		}
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused run wrote %s", out)
	}
}

// TestQuantizeRefusesSpecialOutput: -out naming a device, a FIFO or a link
// to one is refused before calibration, and nothing is written to it.
func TestQuantizeRefusesSpecialOutput(t *testing.T) {
	model := builtFloatModel(t, tflite.Float32)
	fifo, zero := specialFiles(t, "out.tflite")
	for _, out := range []string{"/dev/null", fifo, zero} {
		var errb syncBuffer
		_, err := quantizeBounded(t, context.Background(), &errb, "-model", model, "-calib", "synthetic", "-frames", "2", "-out", out)
		if !errors.Is(err, fileio.ErrNotRegular) || !strings.Contains(err.Error(), "-out") {
			t.Errorf("-out %s: err = %v, want it refused as not a regular file", out, err)
		}
		if strings.Contains(errb.String(), "calibrating") {
			t.Errorf("-out %s: calibration ran before the output was refused", out)
		}
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v %v", fi, err)
	}
}
