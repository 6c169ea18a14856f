package imageinput

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"strings"
	"testing"
)

// decoderSlack is what Go's decoders allocate besides what DecodeBytes
// counts: zlib's window and tables, bufio, Huffman lookup tables.
const decoderSlack = 128 << 10

// TestDecodeBytesCoversAllocation measures what the standard decoders
// really allocate for each kind of image and compares it with the header's
// estimate: never more than the estimate (else the limit is not a limit),
// and, where the decoder gets that far, not far below it either.
func TestDecodeBytesCoversAllocation(t *testing.T) {
	const w, h = 640, 400
	n := w * h
	zeros := func(bpp int) []byte { return filtered(make([]byte, n*bpp), w*bpp) }
	var jpg420, jpgGray bytes.Buffer
	if err := jpeg.Encode(&jpg420, image.NewRGBA(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&jpgGray, image.NewGray(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	bmpPixels := make([]byte, (3*w+3)&^3*h)
	adobe0 := []byte{0xEE, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0}
	cases := []struct {
		name  string
		data  []byte
		tight bool // the decoder allocates all it will before failing, or succeeds
		kind  string
	}{
		{"png gray8", buildPNG(t, w, h, 8, 0, 0, nil, zeros(1)), true, "an 8-bit gray PNG"},
		{"png gray8 trns", buildPNG(t, w, h, 8, 0, 0, []pngChunk{{"tRNS", []byte{0, 0}}}, zeros(1)), true, "an 8-bit gray with transparency PNG"},
		{"png gray16", buildPNG(t, w, h, 16, 0, 0, nil, zeros(2)), true, "a 16-bit gray PNG"},
		{"png gray16 trns", buildPNG(t, w, h, 16, 0, 0, []pngChunk{{"tRNS", []byte{0, 0}}}, zeros(2)), true, "a 16-bit gray with transparency PNG"},
		{"png rgb8", buildPNG(t, w, h, 8, 2, 0, nil, zeros(3)), true, "an 8-bit RGB PNG"},
		{"png rgb16", buildPNG(t, w, h, 16, 2, 0, nil, zeros(6)), true, "a 16-bit RGB PNG"},
		{"png paletted", buildPNG(t, w, h, 8, 3, 0, []pngChunk{{"PLTE", []byte{1, 2, 3}}}, zeros(1)), true, "an 8-bit paletted PNG"},
		{"png gray+alpha16", buildPNG(t, w, h, 16, 4, 0, nil, zeros(4)), true, "a 16-bit gray+alpha PNG"},
		{"png rgba8", buildPNG(t, w, h, 8, 6, 0, nil, zeros(4)), true, "an 8-bit RGBA PNG"},
		{"png rgba8 interlaced", buildPNG(t, w, h, 8, 6, 1, nil, interlaced(make([]byte, 4*n), w, h, 4)), true, "an 8-bit RGBA PNG (interlaced)"},
		{"bmp 24-bit", buildBMP(w, h, bmpPixels), true, "a 24-bit BMP"},
		{"jpeg 4:2:0", jpg420.Bytes(), true, "a baseline 4:2:0 JPEG"},
		{"jpeg gray", jpgGray.Bytes(), true, "a baseline gray JPEG"},
		{"jpeg progressive 4:4:4", buildJPEGHeader(0xC2, w, h, ycc444), true, "a progressive 4:4:4 JPEG"},
		{"jpeg progressive 4:2:0", buildJPEGHeader(0xC2, w, h, ycc420), true, "a progressive 4:2:0 JPEG"},
		{"jpeg progressive gray", buildJPEGHeader(0xC2, w+3, h+5, gray1), true, "a progressive gray JPEG"},
		// The decoder fails on the missing data before it converts these
		// to RGBA or CMYK, so it allocates less than the estimate.
		{"jpeg rgb", buildJPEGHeader(0xC0, w, h, rgbIDs), false, "a baseline RGB JPEG"},
		{"jpeg adobe rgb", buildJPEGHeader(0xC0, w, h, ycc444, adobe0), false, "a baseline RGB JPEG"},
		{"jpeg cmyk", buildJPEGHeader(0xC0, w, h, cmyk, adobe0), false, "a baseline CMYK JPEG"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hd, err := DecodeConfig(c.data, c.name)
			if err != nil {
				t.Fatal(err)
			}
			if hd.Kind != c.kind {
				t.Errorf("kind %q, want %q", hd.Kind, c.kind)
			}
			var derr error
			got := int64(allocated(func() { _, derr = Decode(c.data, c.name) }))
			if c.tight && !strings.HasPrefix(c.name, "jpeg progressive") && derr != nil {
				t.Fatalf("decode: %v", derr)
			}
			t.Logf("estimate %d, allocated %d (%.2f bytes a pixel), decode error %v", hd.DecodeBytes, got, float64(got)/float64(n), derr)
			if got > hd.DecodeBytes+decoderSlack {
				t.Errorf("the decoder allocated %d bytes, over the estimate of %d", got, hd.DecodeBytes)
			}
			if c.tight && hd.DecodeBytes > got+got/8+decoderSlack {
				t.Errorf("the estimate of %d bytes is far over the %d the decoder allocated", hd.DecodeBytes, got)
			}
		})
	}
}

func TestDecodeConfigErrors(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		msg  string
	}{
		{"empty", nil, "unknown image format"},
		{"gif", []byte("GIF89a\x01\x00\x01\x00"), "unknown image format"},
		{"short png", []byte(pngSignature + "\x00\x00"), "too short"},
		{"zero-size png", buildPNG(t, 0, 5, 8, 0, 0, nil, nil), "bad declared size"},
		{"bad png colour type", buildPNG(t, 5, 5, 8, 5, 0, nil, nil), "colour type"},
		{"jpeg without a frame", []byte{0xFF, 0xD8, 0xFF, 0xD9}, "no frame header"},
		{"jpeg empty size", buildJPEGHeader(0xC0, 0, 10, gray1), "empty size"},
		{"lossless jpeg", buildJPEGHeader(0xC3, 10, 10, gray1), "unsupported frame type"},
		{"short bmp", []byte("BM\x00\x00"), "too short"},
		{"negative bmp width", buildBMP(-5, 5, nil), "bad declared size"},
		{"bmp height -2^31", buildBMP(5, -1<<31, nil), "bad declared size"},
	}
	for _, c := range cases {
		_, err := DecodeConfig(c.data, "in-"+c.name)
		if err == nil || !strings.Contains(err.Error(), c.msg) || !strings.Contains(err.Error(), "in-"+c.name) {
			t.Errorf("%s: err = %v, want one naming the image and %q", c.name, err, c.msg)
		}
		if errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: %v is not about size", c.name, err)
		}
	}
}
