package camera

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"slices"
	"testing"

	"golang.org/x/image/bmp"
)

// FuzzConvertMJPEG: any bytes as an MJPEG frame either convert or fail with
// ErrBadFrame; nothing panics, and a header declaring a huge image is
// refused before anything is allocated for it (imageinput's limits).
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
	big := slices.Clone(b.Bytes()) // the same frame declaring 65535x65535
	i := bytes.Index(big, []byte{0xFF, 0xC0})
	copy(big[i+5:], []byte{0xFF, 0xFF, 0xFF, 0xFF})
	f.Add(big)
	c := NewConverter(8)
	dst := make([]byte, 3*8*8)
	f.Fuzz(func(t *testing.T, data []byte) {
		err := c.Convert(dst, &Frame{Format: FormatMJPEG, Width: 24, Height: 16, Data: data})
		if err != nil && !errors.Is(err, ErrBadFrame) {
			t.Fatalf("error not marked bad frame: %v", err)
		}
	})
}

// FuzzSplitJPEGs: splitting never panics, returns pieces that each start
// with SOI, and a stream read piece by piece (in pieces of any size, as
// the file source reads recordings) splits exactly as the whole stream.
func FuzzSplitJPEGs(f *testing.F) {
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xD9, 0xFF, 0xD8, 0x00, 0xFF, 0xD9}, uint16(1))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01, 0xFF}, uint16(3))
	f.Add([]byte("no jpeg here"), uint16(5))
	f.Add([]byte{1, 0xFF, 0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x06, 0xFF, 0xD8, 0xFF, 0xD9, 0xFF, 0xD9, 0xFF}, uint16(2))
	f.Fuzz(func(t *testing.T, data []byte, chunk uint16) {
		whole := splitJPEGs(data)
		total := 0
		for _, p := range whole {
			if len(p) < 2 || p[0] != 0xFF || p[1] != 0xD8 {
				t.Fatalf("piece does not start with SOI: % x", p[:min(len(p), 4)])
			}
			total += len(p)
		}
		if total > len(data) {
			t.Fatalf("pieces hold %d bytes of %d", total, len(data))
		}
		r := newMJPEGReader(bytes.NewReader(data))
		r.chunk = 1 + int(chunk)%64
		for i := 0; ; i++ {
			p, err := r.next()
			if errors.Is(err, io.EOF) {
				if i != len(whole) {
					t.Fatalf("read piece by piece: %d images, whole: %d", i, len(whole))
				}
				break
			}
			if err != nil || i >= len(whole) || !bytes.Equal(p, whole[i]) {
				t.Fatalf("image %d read piece by piece (%v) differs from the whole stream's split", i, err)
			}
		}
	})
}

// FuzzConvertRaw: uncompressed frames of any size and length convert, and
// turn into a snapshot image (FrameImage), or fail with ErrBadFrame.
func FuzzConvertRaw(f *testing.F) {
	raw := []PixelFormat{FormatYUYV, FormatNV12, FormatRGB24, FormatGrey, FormatI420}
	f.Add(uint8(0), uint16(6), uint16(4), []byte{1, 2, 3})
	f.Add(uint8(1), uint16(5), uint16(3), make([]byte, 5*3+2*3*2))
	f.Add(uint8(2), uint16(3), uint16(7), make([]byte, 63))
	f.Add(uint8(3), uint16(1), uint16(1), []byte{9})
	f.Add(uint8(4), uint16(5), uint16(3), make([]byte, 5*3+2*3*2))
	c := NewConverter(4)
	dst := make([]byte, 3*4*4)
	f.Fuzz(func(t *testing.T, format uint8, w, h uint16, data []byte) {
		pf := raw[int(format)%len(raw)]
		if w > 256 || h > 256 {
			return
		}
		frame := &Frame{Format: pf, Width: int(w), Height: int(h), Data: data}
		err := c.Convert(dst, frame)
		if err != nil && !errors.Is(err, ErrBadFrame) {
			t.Fatalf("%v %dx%d: error not marked bad frame: %v", pf, w, h, err)
		}
		img, ierr := FrameImage(frame)
		if (ierr == nil) != (err == nil) {
			t.Fatalf("%v %dx%d: Convert says %v, FrameImage %v", pf, w, h, err, ierr)
		}
		if ierr == nil && (img.Bounds().Dx() != int(w) || img.Bounds().Dy() != int(h)) {
			t.Fatalf("%v %dx%d: image of %v", pf, w, h, img.Bounds())
		}
	})
}

// FuzzConvertImage: any bytes as an image frame (what the file source
// delivers for a photo: PNG, JPEG or BMP through imageinput's decode,
// crop and resize) convert or fail with ErrBadFrame.
func FuzzConvertImage(f *testing.F) {
	img := image.NewNRGBA(image.Rect(0, 0, 12, 9))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	for _, enc := range []func(io.Writer, image.Image) error{
		png.Encode, bmp.Encode, func(w io.Writer, m image.Image) error { return jpeg.Encode(w, m, nil) },
	} {
		var b bytes.Buffer
		if err := enc(&b, img); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
		f.Add(b.Bytes()[:b.Len()*2/3])
	}
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\xea\x60\x00\x00\xea\x60\x08\x06\x00\x00\x00"))
	f.Add([]byte("BM"))
	c := NewConverter(8)
	dst := make([]byte, 3*8*8)
	f.Fuzz(func(t *testing.T, data []byte) {
		err := c.Convert(dst, &Frame{Format: FormatImage, Data: data})
		if err != nil && !errors.Is(err, ErrBadFrame) {
			t.Fatalf("error not marked bad frame: %v", err)
		}
	})
}
