package imageinput

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"testing"

	"golang.org/x/image/bmp"
)

// FuzzDecodeScale: any bytes through the decoding path of classify and
// run (header check, PNG/JPEG/BMP decode, crop, resize) give an image of
// the declared size and a full output, or an error; nothing panics, and
// nothing over the limits is decoded.
func FuzzDecodeScale(f *testing.F) {
	src := image.NewNRGBA(image.Rect(0, 0, 10, 7))
	for i := range src.Pix {
		src.Pix[i] = byte(i * 13)
	}
	var p, j, m bytes.Buffer
	if err := errors.Join(png.Encode(&p, src), jpeg.Encode(&j, src, nil), bmp.Encode(&m, src)); err != nil {
		f.Fatal(err)
	}
	f.Add(p.Bytes())
	f.Add(j.Bytes())
	f.Add(j.Bytes()[:j.Len()/2])
	f.Add(m.Bytes())
	f.Add(buildPNG(f, 3, 2, 16, 4, 1, nil, make([]byte, 40)))
	f.Add(buildPNG(f, 60000, 60000, 8, 6, 0, nil, []byte{0}))
	f.Add(buildPNG(f, 4, 4, 2, 3, 0, []pngChunk{{"PLTE", []byte{1, 2, 3, 4, 5, 6}}, {"tRNS", []byte{0}}}, make([]byte, 8)))
	f.Add(buildBMP(65535, 65535, nil))
	f.Add(buildJPEGHeader(0xC2, 65535, 65535, ycc420))
	f.Add(buildJPEGHeader(0xC2, 30, 20, cmyk))
	s, _ := NewScaler(6)
	dst := make([]byte, 3*6*6)
	f.Fuzz(func(t *testing.T, data []byte) {
		h, herr := DecodeConfig(data, "fuzz")
		img, err := Decode(data, "fuzz")
		if err != nil {
			if herr == nil && errors.Is(err, ErrTooLarge) {
				t.Fatalf("DecodeConfig accepted what Decode calls too large: %v", err)
			}
			return
		}
		if herr != nil || h.DecodeBytes > MaxDecodeBytes {
			t.Fatalf("decoded an image DecodeConfig refused (%v) or over the limit (%d bytes)", herr, h.DecodeBytes)
		}
		if b := img.Bounds(); b.Dx() != h.Width || b.Dy() != h.Height {
			t.Fatalf("decoded %v, header %dx%d", b, h.Width, h.Height)
		}
		if err := s.Scale(dst, img); err != nil {
			t.Fatal(err)
		}
		s.Fast = true
		if err := s.Scale(dst, img); err != nil {
			t.Fatal(err)
		}
		s.Fast = false
	})
}
