package camera

import (
	"bytes"
	"image/jpeg"
	"testing"

	"github.com/edgecam/edgecam/camera/imageinput"
)

// TestConvertWholeFrame converts a 4:3 frame delivered in every format with
// a whole-frame converter (a detector's input) and compares with the exact
// whole-picture resize of imageinput; the centre crop must differ.
func TestConvertWholeFrame(t *testing.T) {
	const w, h, res = 160, 120, 64
	img := smoothImage(w, h)
	s, err := imageinput.NewScaler(res)
	if err != nil {
		t.Fatal(err)
	}
	s.Framing = imageinput.WholeFrame
	want := make([]byte, 3*res*res)
	if err := s.Scale(want, img); err != nil {
		t.Fatal(err)
	}
	crop, err := imageinput.ImageToRGB(img, res)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(crop, want) {
		t.Fatal("the test picture gives the same input cropped and whole")
	}
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		format  PixelFormat
		maxD    int
		maxMean float64
	}{
		{FormatRGB24, 0, 0}, {FormatYUYV, 4, 1.5}, {FormatNV12, 4, 1.5}, {FormatMJPEG, 6, 1.5}, {FormatImage, 6, 1.5},
	} {
		t.Run(c.format.String(), func(t *testing.T) {
			f := &Frame{Seq: 1, Format: c.format, Width: w, Height: h}
			switch c.format {
			case FormatMJPEG, FormatImage:
				f.Data = jpg.Bytes()
			default:
				f.Data = make([]byte, c.format.FrameSize(w, h))
				EncodeRGBA(f.Data, img, c.format)
			}
			conv := NewFramedConverter(res, imageinput.WholeFrame)
			got := make([]byte, 3*res*res)
			if err := conv.Convert(got, f); err != nil {
				t.Fatal(err)
			}
			if m, mean := maxDiff(got, want); m > c.maxD || mean > c.maxMean {
				t.Errorf("whole frame: max |diff| %d (limit %d), mean %.2f (limit %.2f)", m, c.maxD, mean, c.maxMean)
			}
			if m, _ := maxDiff(got, crop); m <= c.maxD {
				t.Errorf("the whole frame is within %d of the centre crop: was it cropped?", m)
			}
			if n := testing.AllocsPerRun(3, func() { _ = conv.Convert(got, f) }); n != 0 && c.format != FormatMJPEG && c.format != FormatImage {
				t.Errorf("%.0f allocations per frame, want 0", n)
			}
		})
	}
}
