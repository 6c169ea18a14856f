package camera

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"testing"

	"github.com/edgecam/edgecam/camera/imageinput"
)

// smoothImage is a gradient without sharp chroma edges, so that chroma
// subsampling does not dominate conversion error.
func smoothImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			p := img.Pix[y*img.Stride+4*x:]
			p[0], p[1], p[2], p[3] = byte(40+x*170/w), byte(30+y*180/h), byte(200-(x+y)*150/(w+h)), 255
		}
	}
	return img
}

// maxDiff returns the largest absolute byte difference and the mean one.
func maxDiff(a, b []byte) (int, float64) {
	m, sum := 0, 0
	for i := range a {
		d := int(a[i]) - int(b[i])
		if d < 0 {
			d = -d
		}
		m = max(m, d)
		sum += d
	}
	return m, float64(sum) / float64(len(a))
}

func TestYUVRoundTrip(t *testing.T) {
	worst := 0
	for r := 0; r < 256; r += 5 {
		for g := 0; g < 256; g += 5 {
			for b := 0; b < 256; b += 5 {
				y, u, v := rgbToYUV(byte(r), byte(g), byte(b))
				R, G, B := yuvToRGB(y, u, v)
				d, _ := maxDiff([]byte{byte(r), byte(g), byte(b)}, []byte{R, G, B})
				worst = max(worst, d)
			}
		}
	}
	if worst > 4 {
		t.Fatalf("BT.601 round trip off by %d", worst)
	}
	if r, g, b := yuvToRGB(16, 128, 128); r != 0 || g != 0 || b != 0 {
		t.Fatalf("black = %d,%d,%d", r, g, b)
	}
	if r, g, b := yuvToRGB(235, 128, 128); r != 255 || g != 255 || b != 255 {
		t.Fatalf("white = %d,%d,%d", r, g, b)
	}
}

// TestConvertFormats converts one image delivered in every format and
// compares with the RGB reference path (imageinput.ImageToRGB).
func TestConvertFormats(t *testing.T) {
	const w, h, res = 160, 120, 64
	img := smoothImage(w, h)
	want, err := imageinput.ImageToRGB(img, res)
	if err != nil {
		t.Fatal(err)
	}
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	grey := image.NewRGBA(img.Bounds())
	cases := []struct {
		format  PixelFormat
		maxD    int
		maxMean float64
	}{
		{FormatRGB24, 0, 0},
		{FormatYUYV, 4, 1.5},
		{FormatNV12, 4, 1.5},
		{FormatI420, 4, 1.5},
		{FormatMJPEG, 6, 1.5},
		{FormatGrey, 3, 1.5},
	}
	for _, c := range cases {
		t.Run(c.format.String(), func(t *testing.T) {
			f := &Frame{Seq: 1, Format: c.format, Width: w, Height: h}
			ref := want
			switch c.format {
			case FormatMJPEG:
				f.Data = jpg.Bytes()
			case FormatGrey:
				f.Data = make([]byte, w*h)
				EncodeRGBA(f.Data, img, FormatGrey)
				for i, v := range f.Data {
					p := grey.Pix[4*i:]
					p[0], p[1], p[2], p[3] = v, v, v, 255
				}
				ref, _ = imageinput.ImageToRGB(grey, res)
			default:
				f.Data = make([]byte, c.format.FrameSize(w, h))
				EncodeRGBA(f.Data, img, c.format)
			}
			got := make([]byte, 3*res*res)
			if err := NewConverter(res).Convert(got, f); err != nil {
				t.Fatal(err)
			}
			m, mean := maxDiff(got, ref)
			if m > c.maxD || mean > c.maxMean {
				t.Fatalf("max |diff| %d (limit %d), mean %.2f (limit %.2f)", m, c.maxD, mean, c.maxMean)
			}
		})
	}
}

func TestConvertBadFrames(t *testing.T) {
	img := smoothImage(64, 48)
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, img, nil); err != nil {
		t.Fatal(err)
	}
	c := NewConverter(32)
	dst := make([]byte, 3*32*32)
	bad := []*Frame{
		{Format: FormatMJPEG, Width: 64, Height: 48, Data: jpg.Bytes()[:jpg.Len()/2]},
		{Format: FormatMJPEG, Width: 64, Height: 48, Data: []byte{0xFF, 0xD8, 0xFF}},
		{Format: FormatMJPEG, Width: 64, Height: 48, Data: nil},
		{Format: FormatYUYV, Width: 64, Height: 48, Data: make([]byte, 64*48*2-1)},
		{Format: FormatNV12, Width: 64, Height: 48, Data: make([]byte, 64*48)},
		{Format: FormatYUYV, Width: 0, Height: 48, Data: make([]byte, 10)},
		{Format: FormatYUYV, Width: 5, Height: 5, Data: make([]byte, 50)}, // odd width
		{Format: FormatNV12, Width: 5, Height: 5, Data: make([]byte, 5*5+2*3*3-1)},
		{Format: FormatI420, Width: 64, Height: 48, Data: make([]byte, 64*48+2*32*24-1)},
		{Format: FormatI420, Width: 5, Height: 5, Data: make([]byte, 5*5+2*3*3-1)},
	}
	for i, f := range bad {
		if err := c.Convert(dst, f); !errors.Is(err, ErrBadFrame) {
			t.Errorf("case %d (%v): err = %v, want ErrBadFrame", i, f.Format, err)
		}
	}
	// A good frame still converts after the bad ones.
	good := &Frame{Format: FormatMJPEG, Width: 64, Height: 48, Data: jpg.Bytes()}
	if err := c.Convert(dst, good); err != nil {
		t.Fatal(err)
	}
	if err := c.Convert(dst[:10], good); err == nil || errors.Is(err, ErrBadFrame) {
		t.Fatalf("short output buffer: err = %v", err)
	}
}

func TestConvertNoAllocs(t *testing.T) {
	const w, h, res = 640, 480, 224
	img := smoothImage(w, h)
	for _, format := range []PixelFormat{FormatYUYV, FormatNV12, FormatI420, FormatRGB24, FormatGrey} {
		f := &Frame{Format: format, Width: w, Height: h, Data: make([]byte, format.FrameSize(w, h))}
		EncodeRGBA(f.Data, img, format)
		c := NewConverter(res)
		dst := make([]byte, 3*res*res)
		if err := c.Convert(dst, f); err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(5, func() { _ = c.Convert(dst, f) }); n != 0 {
			t.Errorf("%v: %.0f allocations per frame, want 0", format, n)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]PixelFormat{"YUYV": FormatYUYV, "mjpg": FormatMJPEG, "mjpeg": FormatMJPEG, "nv12": FormatNV12, "gray": FormatGrey, "rgb24": FormatRGB24,
		"i420": FormatI420, "YUV420": FormatI420, "yu12": FormatI420} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"h264", "image"} { // image frames come from files, not cameras
		if _, err := ParseFormat(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if _, err := NewSynthetic(Config{Width: 8, Height: 8, Format: FormatImage}); err == nil {
		t.Error("synthetic image frames accepted")
	}
}

func BenchmarkConvert(b *testing.B) {
	const w, h, res = 640, 480, 224
	img := smoothImage(w, h)
	DrawPattern(img, 3)
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, img, &jpeg.Options{Quality: 80}); err != nil {
		b.Fatal(err)
	}
	for _, format := range []PixelFormat{FormatYUYV, FormatMJPEG, FormatNV12, FormatI420} {
		f := &Frame{Format: format, Width: w, Height: h}
		if format == FormatMJPEG {
			f.Data = jpg.Bytes()
		} else {
			f.Data = make([]byte, format.FrameSize(w, h))
			EncodeRGBA(f.Data, img, format)
		}
		b.Run(format.String()+"/640x480to224", func(b *testing.B) {
			c := NewConverter(res)
			dst := make([]byte, 3*res*res)
			b.SetBytes(int64(len(f.Data)))
			b.ReportAllocs()
			stop := cpuTimer(b)
			for b.Loop() {
				if err := c.Convert(dst, f); err != nil {
					b.Fatal(err)
				}
			}
			stop()
		})
	}
}

// TestConvertI420FastPathMatchesRows: the vertical-first I420 path and the
// row path (taken for crops that are not chroma-aligned) read the same
// chroma for each pixel, so on an image whose chroma is constant over each
// 2x2 block they agree within the rounding of filtering before or after
// the colour conversion; odd sizes (chroma planes of (w+1)/2) convert too.
func TestConvertI420FastPathMatchesRows(t *testing.T) {
	for _, sz := range [][2]int{{160, 120}, {161, 121}, {63, 64}, {2, 2}} {
		w, h := sz[0], sz[1]
		img := smoothImage(w, h)
		f := &Frame{Format: FormatI420, Width: w, Height: h, Data: make([]byte, FormatI420.FrameSize(w, h))}
		EncodeRGBA(f.Data, img, FormatI420)
		c := NewConverter(32)
		fast := make([]byte, 3*32*32)
		if err := c.Convert(fast, f); err != nil {
			t.Fatalf("%dx%d: %v", w, h, err)
		}
		rows := make([]byte, 3*32*32)
		c.cur = f
		c.rz.Resize(rows, c.i420)
		c.cur = nil
		if m, mean := maxDiff(fast, rows); m > 3 || mean > 1 {
			t.Errorf("%dx%d: fast path and row path differ by up to %d (mean %.2f)", w, h, m, mean)
		}
		if w < 32 {
			continue // a 2x2 chroma block spans half the picture: no reference to meet
		}
		want, _ := imageinput.ImageToRGB(img, 32)
		if m, mean := maxDiff(fast, want); m > 6 || mean > 2 {
			t.Errorf("%dx%d: I420 against the RGB reference: max |diff| %d, mean %.2f", w, h, m, mean)
		}
	}
}
