package cameratest

import (
	"context"
	"errors"
	"testing"

	"github.com/edgecam/edgecam/camera"
)

func TestFakeFaults(t *testing.T) {
	tpl := camera.Frame{Format: camera.FormatGrey, Width: 4, Height: 2, Data: []byte{1, 2, 3, 4, 5, 6, 7, 8}}
	s := &Source{Frames: []camera.Frame{tpl}, Count: 4, ReplugAfter: 1,
		Faults: map[int]Fault{2: Timeout, 3: Truncate, 4: WrongLength, 5: Unplug}}
	ctx := context.Background()
	if err := s.Open(ctx); err != nil {
		t.Fatal(err)
	}
	f, err := s.Next(ctx) // call 1: a good frame, a copy of the template
	if err != nil || f.Seq != 1 || len(f.Data) != 8 || &f.Data[0] == &tpl.Data[0] {
		t.Fatalf("call 1: %v %+v", err, f)
	}
	if _, err := s.Next(ctx); !errors.Is(err, camera.ErrTimeout) {
		t.Fatalf("call 2: %v, want timeout", err)
	}
	f2, err := s.Next(ctx) // call 3: truncated
	if err != nil || len(f2.Data) != 4 || f2.Seq != 2 {
		t.Fatalf("call 3: %v %+v", err, f2)
	}
	if _, err := s.Next(ctx); !errors.Is(err, camera.ErrBadFrame) {
		t.Fatalf("call 4: %v, want bad frame", err)
	}
	if _, err := s.Next(ctx); !errors.Is(err, camera.ErrDisconnected) {
		t.Fatalf("call 5: %v, want disconnected", err)
	}
	if _, err := s.Next(ctx); !errors.Is(err, camera.ErrDisconnected) {
		t.Fatalf("while unplugged: %v, want disconnected", err)
	}
	if err := s.Open(ctx); !errors.Is(err, ErrUnplugged) {
		t.Fatalf("first reopen: %v, want unplugged", err)
	}
	if err := s.Open(ctx); err != nil {
		t.Fatalf("second reopen: %v", err)
	}
	// The wrong-length frame used up seq 3: the stream goes on with seq 4.
	f4, err := s.Next(ctx)
	if err != nil || f4.Seq != 4 {
		t.Fatalf("after replug: %v %+v", err, f4)
	}
	if _, err := s.Next(ctx); !errors.Is(err, camera.ErrEndOfStream) {
		t.Fatalf("after 4 frames delivered: %v, want end of stream", err)
	}
	if s.Outstanding() != 3 || s.Delivered() != 4 || s.Opens() != 2 {
		t.Fatalf("outstanding %d delivered %d opens %d", s.Outstanding(), s.Delivered(), s.Opens())
	}
	s.Release(f)
	s.Release(f2)
	s.Release(f4)
	if s.Outstanding() != 0 || f.Data != nil {
		t.Fatalf("after release: outstanding %d", s.Outstanding())
	}
}
