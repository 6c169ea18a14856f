package camera

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"testing"
)

// FuzzConvertMJPEG: any bytes as an MJPEG frame either convert or fail with
// ErrBadFrame; nothing panics.
func FuzzConvertMJPEG(f *testing.F) {
	var b bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 24, 16))
	DrawPattern(img, 2)
	if err := jpeg.Encode(&b, img, nil); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add(b.Bytes()[:b.Len()/2])
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0xFF, 0xFF, 0xFF, 0xFF})
	c := NewConverter(8)
	dst := make([]byte, 3*8*8)
	f.Fuzz(func(t *testing.T, data []byte) {
		if cfg, err := jpeg.DecodeConfig(bytes.NewReader(data)); err == nil && cfg.Width*cfg.Height > 1<<20 {
			return // a valid header for a huge image: memory, not correctness
		}
		err := c.Convert(dst, &Frame{Format: FormatMJPEG, Width: 24, Height: 16, Data: data})
		if err != nil && !errors.Is(err, ErrBadFrame) {
			t.Fatalf("error not marked bad frame: %v", err)
		}
	})
}

// FuzzSplitJPEGs: splitting never panics, loses no image and returns
// pieces that each start with SOI.
func FuzzSplitJPEGs(f *testing.F) {
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xD9, 0xFF, 0xD8, 0x00, 0xFF, 0xD9})
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01, 0xFF})
	f.Add([]byte("no jpeg here"))
	f.Fuzz(func(t *testing.T, data []byte) {
		total := 0
		for _, p := range splitJPEGs(data) {
			if len(p) < 2 || p[0] != 0xFF || p[1] != 0xD8 {
				t.Fatalf("piece does not start with SOI: % x", p[:min(len(p), 4)])
			}
			total += len(p)
		}
		if total > len(data) {
			t.Fatalf("pieces hold %d bytes of %d", total, len(data))
		}
	})
}

// FuzzConvertRaw: uncompressed frames of any size and length convert or
// fail with ErrBadFrame.
func FuzzConvertRaw(f *testing.F) {
	f.Add(uint8(FormatYUYV), uint16(6), uint16(4), []byte{1, 2, 3})
	f.Add(uint8(FormatNV12), uint16(5), uint16(3), make([]byte, 5*3+2*3*2))
	f.Add(uint8(FormatRGB24), uint16(3), uint16(7), make([]byte, 63))
	f.Add(uint8(FormatGrey), uint16(1), uint16(1), []byte{9})
	c := NewConverter(4)
	dst := make([]byte, 3*4*4)
	f.Fuzz(func(t *testing.T, format uint8, w, h uint16, data []byte) {
		pf := PixelFormat(format % 5)
		if pf == FormatUnknown || pf == FormatMJPEG || w > 256 || h > 256 {
			return
		}
		err := c.Convert(dst, &Frame{Format: pf, Width: int(w), Height: int(h), Data: data})
		if err != nil && !errors.Is(err, ErrBadFrame) {
			t.Fatalf("%v %dx%d: error not marked bad frame: %v", pf, w, h, err)
		}
	})
}
