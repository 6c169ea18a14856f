package imageinput

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/edgecam/edgecam/internal/fileio"
)

// LoadRGB reads an image file and returns it as res×res HWC uint8 RGB, the
// model input of the canonical preprocessing: PNG, JPEG and BMP are decoded
// (Decode), centre-cropped to a square and resized with Pillow's BILINEAR
// filter (Scaler.DecodeScale; bit-exact with Pillow for PNG and BMP). A file named
// .rgb must hold exactly res*res*3 bytes and is returned as is. Only regular
// files are read (fileio), at most MaxFileBytes of them.
func LoadRGB(path string, res int) ([]byte, error) {
	rgb, _, _, err := Load(path, res, CentreCrop)
	return rgb, err
}

// Load is LoadRGB with the framing f (WholeFrame for a detector), and
// returns the width and height of the picture too, which a box normalized
// to the input maps back to: res and res for a .rgb file, taken as is.
func Load(path string, res int, f Framing) (rgb []byte, width, height int, err error) {
	s, err := NewScaler(res)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("load %s: %w", path, err)
	}
	s.Framing = f
	if strings.EqualFold(filepath.Ext(path), ".rgb") {
		want := 3 * res * res
		data, err := fileio.ReadFile(path, "raw RGB image", int64(want))
		if err != nil {
			return nil, 0, 0, fmt.Errorf("load %s: %w", path, err)
		}
		if len(data) != want {
			return nil, 0, 0, fmt.Errorf("load %s: raw RGB file has %d bytes, want %d (%dx%dx3)", path, len(data), want, res, res)
		}
		return data, res, res, nil
	}
	data, err := fileio.ReadFile(path, "image", MaxFileBytes)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("load %s: %w", path, err)
	}
	out := make([]byte, 3*res*res)
	if err := s.DecodeScale(out, data, path); err != nil {
		return nil, 0, 0, err
	}
	width, height = s.SourceSize()
	return out, width, height, nil
}
