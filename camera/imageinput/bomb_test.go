package imageinput

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// allocated returns the bytes allocated on the heap while fn runs.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// onePixelRowsPNG is a w×h 1-bit gray PNG, all black: tiny to store, a
// byte a pixel to decode.
func onePixelRowsPNG(t testing.TB, w, h uint32) []byte {
	row := make([]byte, 1+(w+7)/8)
	return buildPNGFunc(t, w, h, 1, 0, 0, nil, func(zw io.Writer) error {
		for range h {
			if _, err := zw.Write(row); err != nil {
				return err
			}
		}
		return nil
	})
}

// TestBombsRefusedBeforeDecoding: files that declare huge images get a
// clear error naming the file, its declared size and the limit, and
// nothing near their size is allocated. On a 32-bit build the JPEG
// would panic in image.NewYCbCr if it reached the decoder.
func TestBombsRefusedBeforeDecoding(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		file, size string
		data       []byte
	}{
		{"rgba.png", "60000x60000", buildPNG(t, 60000, 60000, 8, 6, 0, nil, []byte{0, 0, 0, 0, 0})},
		{"huge.bmp", "65535x65535", buildBMP(65535, 65535, nil)},
		{"huge.jpg", "65535x65535", buildJPEGHeader(0xC0, 65535, 65535, ycc420)},
		{"onebit.png", "20000x20000", onePixelRowsPNG(t, 20000, 20000)},
		// Within MaxPixels, but its coefficients take 15 bytes a pixel.
		{"progressive.jpg", "4000x4000", buildJPEGHeader(0xC2, 4000, 4000, ycc444)},
		// Within MaxPixels, but 16 bytes a pixel with its pass images.
		{"interlaced.png", "3000x3000", buildPNG(t, 3000, 3000, 16, 6, 1, nil, []byte{0})},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			p := filepath.Join(dir, c.file)
			if err := os.WriteFile(p, c.data, 0o644); err != nil {
				t.Fatal(err)
			}
			var err error
			n := allocated(func() { _, err = LoadRGB(p, 224) })
			t.Logf("%d-byte file: %v (%d bytes allocated)", len(c.data), err, n)
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("err = %v, want ErrTooLarge", err)
			}
			for _, want := range []string{p, c.size, "imageinput.Max"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name %q", err, want)
				}
			}
			if limit := uint64(len(c.data)) + 1<<20; n > limit {
				t.Errorf("%d bytes allocated, want at most %d (the file and 1 MiB)", n, limit)
			}
			if _, err := Decode(c.data, c.file); !errors.Is(err, ErrTooLarge) {
				t.Errorf("Decode: err = %v, want ErrTooLarge", err)
			}
		})
	}
	if n := len(cases[1].data); n != 54 {
		t.Errorf("the BMP bomb has %d bytes, want 54", n)
	}
}

// TestBombLargestValidDecodeIsBounded decodes the largest image of the
// cheapest type that the limits let through, a 1-bit PNG just under
// MaxPixels, and measures what decoding and scaling it allocate: the
// decoded image, the file, and the resizer's rows after the horizontal
// pass (side × res RGB); no other full-size copy.
func TestBombLargestValidDecodeIsBounded(t *testing.T) {
	const side = 7000 // 49 Mpx, just under MaxPixels (50.3 Mpx)
	data := onePixelRowsPNG(t, side, side)
	p := filepath.Join(t.TempDir(), "big.png")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var rgb []byte
	var err error
	n := allocated(func() { rgb, err = LoadRGB(p, 224) })
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%dx%d 1-bit PNG (%d-byte file): %.1f MiB allocated to load it", side, side, len(data), float64(n)/(1<<20))
	decoded, resized := uint64(side*side), uint64(side*3*224)
	if n < decoded || n > decoded+resized+uint64(len(data))+1<<20 {
		t.Errorf("%d bytes allocated, want the %d-byte decoded image plus at most the %d-byte horizontal pass, the file and 1 MiB", n, decoded, resized)
	}
	if !bytes.Equal(rgb, make([]byte, 3*224*224)) {
		t.Error("a black image did not give a black input")
	}
}
