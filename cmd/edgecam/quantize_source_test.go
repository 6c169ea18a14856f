package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/edgecam/edgecam/camera"
	"github.com/edgecam/edgecam/camera/cameratest"
)

// TestCameraSource feeds the calibration adapter from the fake camera with
// faults: timeouts and bad frames are skipped, frames are converted to the
// model resolution, and the adapter stops after n frames.
func TestCameraSource(t *testing.T) {
	frame := camera.Frame{Format: camera.FormatRGB24, Width: 8, Height: 8, Data: bytes.Repeat([]byte{10, 20, 30}, 64)}
	fake := &cameratest.Source{
		Frames: []camera.Frame{frame},
		Faults: map[int]cameratest.Fault{1: cameratest.Timeout, 2: cameratest.WrongLength, 4: cameratest.Truncate},
	}
	if err := fake.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	cs := &cameraSource{src: fake, conv: camera.NewConverter(4), n: 3, res: 4}
	if cs.Len() != 3 {
		t.Errorf("Len %d, want 3", cs.Len())
	}
	for i := range 3 {
		rgb, err := cs.Next(context.Background())
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if !bytes.Equal(rgb, bytes.Repeat([]byte{10, 20, 30}, 16)) {
			t.Errorf("frame %d: %v, want a flat 4x4 (10,20,30) image", i, rgb)
		}
	}
	if _, err := cs.Next(context.Background()); !errors.Is(err, io.EOF) {
		t.Errorf("after n frames: err = %v, want io.EOF", err)
	}
	if fake.Outstanding() != 0 {
		t.Errorf("%d frames not released", fake.Outstanding())
	}

	// A camera that only delivers bad frames is given up on.
	bad := &cameratest.Source{Frames: []camera.Frame{frame}, Faults: map[int]cameratest.Fault{}}
	for i := 1; i <= maxBadFrames+2; i++ {
		bad.Faults[i] = cameratest.WrongLength
	}
	if err := bad.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	cs = &cameraSource{src: bad, conv: camera.NewConverter(4), n: 3, res: 4}
	if _, err := cs.Next(context.Background()); err == nil || !errors.Is(err, camera.ErrBadFrame) {
		t.Errorf("all-bad camera: err = %v, want one wrapping ErrBadFrame", err)
	}
}
