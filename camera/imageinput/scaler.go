package imageinput

import (
	"fmt"
	"image"

	"github.com/edgecam/edgecam/camera/internal/resample"
)

// Scaler turns decoded images into res×res HWC uint8 RGB: centre crop to a
// square, then Pillow's BILINEAR resize, reading the decoded image row by
// row (no full-size copy of it is made). It keeps its buffers between
// images of the same size, so scaling a stream of frames allocates nothing.
// A Scaler is not safe for concurrent use.
type Scaler struct {
	res    int
	rz     *resample.Resizer
	planes ycbcrPlanes
}

// NewScaler returns a Scaler to res×res.
func NewScaler(res int) (*Scaler, error) {
	if res <= 0 || res > resample.MaxRes {
		return nil, fmt.Errorf("imageinput: bad output size %d (want 1..%d)", res, resample.MaxRes)
	}
	return &Scaler{res: res}, nil
}

// Res is the output side length.
func (s *Scaler) Res() int { return s.res }

// resizer returns a resizer for a w×h source, reusing the last one.
func (s *Scaler) resizer(w, h int) (*resample.Resizer, error) {
	if s.rz == nil || s.rz.SrcW != w || s.rz.SrcH != h {
		rz, err := resample.New(w, h, s.res)
		if err != nil {
			return nil, err
		}
		s.rz = rz
	}
	return s.rz, nil
}

// Scale writes img into dst (3*res*res bytes) as the canonical
// preprocessing does: Pillow's convert("RGB"), centre crop, BILINEAR
// resize; bit-exact with Pillow for every image that Go and Pillow decode
// alike (PNG, BMP).
func (s *Scaler) Scale(dst []byte, img image.Image) error {
	if want := 3 * s.res * s.res; len(dst) != want {
		return fmt.Errorf("imageinput: output buffer has %d bytes, want %d", len(dst), want)
	}
	b := img.Bounds()
	rz, err := s.resizer(b.Dx(), b.Dy())
	if err != nil {
		return fmt.Errorf("imageinput: %w", err)
	}
	rz.Resize(dst, rowsOf(img))
	return nil
}

// ScaleFast is Scale for camera frames: a YCbCr image (a JPEG) is filtered
// vertically in its own planes first and only res rows are converted to
// RGB, several times faster for large frames and a few levels away from
// Pillow's order (no camera JPEG matches Pillow's decoder anyway). Other
// images, and YCbCr crops that do not start on a chroma sample, take Scale.
func (s *Scaler) ScaleFast(dst []byte, img image.Image) error {
	if m, ok := img.(*image.YCbCr); ok && len(dst) == 3*s.res*s.res {
		if _, err := s.resizer(m.Rect.Dx(), m.Rect.Dy()); err != nil {
			return fmt.Errorf("imageinput: %w", err)
		}
		if s.resizeYCbCr(dst, m) {
			return nil
		}
	}
	return s.Scale(dst, img)
}

// ImageToRGB returns img as res×res RGB (see Scaler.Scale).
func ImageToRGB(img image.Image, res int) ([]byte, error) {
	s, err := NewScaler(res)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 3*res*res)
	if err := s.Scale(out, img); err != nil {
		return nil, err
	}
	return out, nil
}
