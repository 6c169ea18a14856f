package imageinput

import (
	"fmt"
	"image"
	"runtime"

	"github.com/edgecam/edgecam/camera/internal/resample"
)

// Scaler turns decoded images into res×res HWC uint8 RGB: centre crop to a
// square (or the whole image, see Framing), then Pillow's BILINEAR resize,
// reading the decoded image row by row (no full-size copy of it is made).
// It keeps its buffers between images of the same size, so scaling a
// stream of frames allocates nothing. A Scaler is not safe for concurrent
// use.
type Scaler struct {
	// Fast makes Scale filter a YCbCr image (a JPEG) vertically in its own
	// planes first and convert only res rows to RGB: several times faster
	// for large camera frames and a few levels away from Pillow's order
	// (no camera JPEG matches Pillow's decoder anyway). Leave it off for
	// the canonical preprocessing.
	Fast bool
	// Framing is the part of the picture that becomes the input: the
	// centre square (the zero value) or the whole picture.
	Framing Framing

	res       int
	rz        *resample.Resizer
	rzFraming Framing // the framing rz was made for
	planes    ycbcrPlanes
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
	if s.rz == nil || s.rz.SrcW != w || s.rz.SrcH != h || s.rzFraming != s.Framing {
		rz, err := s.Framing.newResizer(w, h, s.res)
		if err != nil {
			return nil, err
		}
		s.rz, s.rzFraming = rz, s.Framing
	}
	return s.rz, nil
}

// SourceSize is the width and height of the last image Scale took (0, 0
// before the first).
func (s *Scaler) SourceSize() (w, h int) {
	if s.rz == nil {
		return 0, 0
	}
	return s.rz.SrcW, s.rz.SrcH
}

// Scale writes img into dst (3*res*res bytes) as the canonical
// preprocessing does: Pillow's convert("RGB"), centre crop (or none, see
// Framing), BILINEAR resize; bit-exact with Pillow for every image that Go
// and Pillow decode alike (PNG, BMP). See Fast for the exception.
func (s *Scaler) Scale(dst []byte, img image.Image) error {
	if want := 3 * s.res * s.res; len(dst) != want {
		return fmt.Errorf("imageinput: output buffer has %d bytes, want %d", len(dst), want)
	}
	b := img.Bounds()
	rz, err := s.resizer(b.Dx(), b.Dy())
	if err != nil {
		return fmt.Errorf("imageinput: %w", err)
	}
	if m, ok := img.(*image.YCbCr); ok && s.Fast && s.resizeYCbCr(dst, m) {
		return nil
	}
	rz.Resize(dst, rowsOf(img))
	return nil
}

// largeDecodeBytes is the decoded size from which DecodeScale collects
// garbage once it has scaled an image.
const largeDecodeBytes = 8 << 20

// DecodeScale decodes data, a whole encoded PNG, JPEG or BMP file (see
// Decode), into dst (see Scale). After an image whose decoding took more
// than a few megabytes it runs a garbage collection, so that the next
// image reuses that memory: Go's collector would otherwise let the heap
// grow to twice what was live at its last cycle, and a decoded image can
// be most of that. This keeps a stream of large images within one image's
// memory, at the cost of one collection per large image (milliseconds, next
// to the tens or hundreds its decoding takes).
func (s *Scaler) DecodeScale(dst, data []byte, name string) error {
	img, h, err := decode(data, name)
	if err != nil {
		return err
	}
	if err := s.Scale(dst, img); err != nil {
		return fmt.Errorf("decode %s: %w", name, err)
	}
	if h.DecodeBytes >= largeDecodeBytes {
		runtime.GC() // img is dead here
	}
	return nil
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
