package camera_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/edgecam/edgecam/camera"
	"github.com/edgecam/edgecam/camera/cameratest"
	"github.com/edgecam/edgecam/camera/imageinput"
)

// TestPipelineFraming: the pipeline hands Infer each frame converted with
// its Framing, the centre square by default and the whole frame when asked.
func TestPipelineFraming(t *testing.T) {
	frames := yuyvFrames(t, 1, 64, 48)
	for _, f := range []imageinput.Framing{imageinput.CentreCrop, imageinput.WholeFrame} {
		want := make([]byte, 3*32*32)
		if err := camera.NewFramedConverter(32, f).Convert(want, &frames[0]); err != nil {
			t.Fatal(err)
		}
		src := &cameratest.Source{Frames: frames, Count: 2}
		if err := src.Open(context.Background()); err != nil {
			t.Fatal(err)
		}
		var inputs [][]byte
		p := &camera.Pipeline{Source: src, Res: 32, Pull: true, Framing: f,
			Infer: func(in []byte) error { inputs = append(inputs, bytes.Clone(in)); return nil }}
		if err := p.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if len(inputs) != 2 {
			t.Fatalf("%v: %d inputs, want 2", f, len(inputs))
		}
		for i, in := range inputs {
			if !bytes.Equal(in, want) {
				t.Errorf("%v: input %d is not the frame converted with that framing", f, i)
			}
		}
	}
	crop, whole := make([]byte, 3*32*32), make([]byte, 3*32*32)
	_ = camera.NewConverter(32).Convert(crop, &frames[0])
	_ = camera.NewFramedConverter(32, imageinput.WholeFrame).Convert(whole, &frames[0])
	if bytes.Equal(crop, whole) {
		t.Error("the test frame gives the same input cropped and whole")
	}
}
