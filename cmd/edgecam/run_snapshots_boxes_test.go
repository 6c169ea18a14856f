package main

import (
	"bytes"
	"context"
	"image/jpeg"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/edgecam/edgecam/camera"
	"github.com/edgecam/edgecam/internal/events"
	"github.com/edgecam/edgecam/internal/snapshots"
)

// A detector's event snapshot shows the frame's detection boxes: the
// writer copies them at the event start (boxes), as the live view does.
func TestSnapshotDrawsDetectionBoxes(t *testing.T) {
	dir := t.TempDir()
	s := &snapshotFlags{dir: dir, max: 1 << 20}
	w, err := s.open(nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	box := snapshots.Box{XMin: 0.25, YMin: 0.25, XMax: 0.75, YMax: 0.75, Label: "cat 80%"}
	w.boxes = func() []snapshots.Box { return []snapshots.Box{box} }
	const size = 128
	frame := &camera.Frame{Format: camera.FormatRGB24, Width: size, Height: size, Data: bytes.Repeat([]byte{128}, 3*size*size)}
	w.Event(events.Event{Kind: events.Start, Label: "cat", Score: 0.8, Time: time.Unix(1700000000, 0)}, frame)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.jpg"))
	if len(files) != 1 {
		t.Fatalf("%d snapshots, want 1", len(files))
	}
	f, err := os.Open(files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// The box's left edge at x = size/4 is drawn over the grey frame (JPEG
	// blurs a thin line's colour, so look for any strong departure from
	// grey near it); the middle of the box stays grey.
	departs := func(x, y int) bool {
		r, g, b, _ := img.At(x, y).RGBA()
		d := func(v uint32) bool { return int(v>>8) < 128-40 || int(v>>8) > 128+40 }
		return d(r) || d(g) || d(b)
	}
	edge := 0
	for x := size/4 - 2; x <= size/4+2; x++ {
		for y := size * 3 / 8; y < size*5/8; y++ {
			if departs(x, y) {
				edge++
			}
		}
	}
	if edge < size/8 {
		t.Errorf("%d pixels near the box's left edge depart from the grey frame, want at least %d", edge, size/8)
	}
	if departs(size/2, size/2) {
		t.Errorf("the centre of the box is not the frame's grey: %v", img.At(size/2, size/2))
	}
}
