package camera

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSyntheticMovesAndPaces(t *testing.T) {
	for _, format := range []PixelFormat{FormatYUYV, FormatNV12, FormatRGB24, FormatGrey, FormatMJPEG} {
		s, err := NewSynthetic(Config{Width: 96, Height: 64, FPS: 200, Format: format})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if err := s.Open(ctx); err != nil {
			t.Fatal(err)
		}
		c := NewConverter(32)
		var prev []byte
		var prevT time.Time
		for i := 1; i <= 3; i++ {
			f, err := s.Next(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if f.Seq != uint64(i) || f.Width != 96 || f.Height != 64 || f.Format != format {
				t.Fatalf("%v frame %d: %+v", format, i, f)
			}
			if n := format.FrameSize(96, 64); n != 0 && len(f.Data) != n {
				t.Fatalf("%v: %d bytes, want %d", format, len(f.Data), n)
			}
			if !prevT.IsZero() && f.Time.Sub(prevT) < 4*time.Millisecond {
				t.Errorf("%v: frames %v apart at 200 fps", format, f.Time.Sub(prevT))
			}
			rgb := make([]byte, 3*32*32)
			if err := c.Convert(rgb, f); err != nil {
				t.Fatalf("%v: %v", format, err)
			}
			if prev != nil && bytes.Equal(prev, rgb) {
				t.Errorf("%v: frame %d equals the previous one: the pattern does not move", format, i)
			}
			prev, prevT = rgb, f.Time
			s.Release(f)
		}
		s.Close()
	}
	if _, err := NewSynthetic(Config{Width: 5, Height: 4, Format: FormatYUYV}); err == nil {
		t.Error("odd YUYV width accepted")
	}
	if _, err := NewSynthetic(Config{Width: -1, Height: 4}); err == nil {
		t.Error("negative width accepted")
	}
}

func TestSyntheticCancel(t *testing.T) {
	s, _ := NewSynthetic(Config{Width: 32, Height: 32, FPS: 0.5})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_ = s.Open(ctx)
	if _, err := s.Next(ctx); err != nil {
		t.Fatal(err) // the first frame is due at once
	}
	if _, err := s.Next(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
}

func writeFile(t *testing.T, p string, b []byte) {
	t.Helper()
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestFilesDirectory(t *testing.T) {
	dir := t.TempDir()
	img := smoothImage(64, 48)
	var pngb bytes.Buffer
	if err := png.Encode(&pngb, img); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "a.png"), pngb.Bytes())
	yuyv := make([]byte, 2*FormatYUYV.FrameSize(64, 48))
	EncodeRGBA(yuyv, img, FormatYUYV)
	copy(yuyv[len(yuyv)/2:], yuyv[:len(yuyv)/2])
	writeFile(t, filepath.Join(dir, "b.yuyv"), yuyv)
	j := encodeJPEG(t, img)
	stream := append(append(append([]byte{}, j...), j...), j[:len(j)/2]...) // 2 good + 1 truncated
	writeFile(t, filepath.Join(dir, "c.mjpeg"), stream)
	writeFile(t, filepath.Join(dir, "notes.txt"), []byte("ignored"))

	s, _ := NewFiles(dir, Config{Width: 64, Height: 48, FPS: -1})
	ctx := context.Background()
	if err := s.Open(ctx); err != nil {
		t.Fatal(err)
	}
	want := []PixelFormat{FormatImage, FormatYUYV, FormatYUYV, FormatMJPEG, FormatMJPEG, FormatMJPEG}
	// Each MJPEG frame's size comes from its own header; the truncated
	// one is cut before its scan, where Go's decoder finds the size of a
	// JPEG without a JFIF segment, so it has none.
	wantW := []int{64, 64, 64, 64, 64, 0}
	c := NewConverter(16)
	dst := make([]byte, 3*16*16)
	bad := 0
	for i, w := range want {
		f, err := s.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if f.Format != w || f.Seq != uint64(i+1) || f.Width != wantW[i] || f.Height != wantW[i]*3/4 {
			t.Fatalf("frame %d: %v %dx%d seq %d, want %v %dx%d", i, f.Format, f.Width, f.Height, f.Seq, w, wantW[i], wantW[i]*3/4)
		}
		if err := c.Convert(dst, f); errors.Is(err, ErrBadFrame) {
			bad++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if bad != 1 {
		t.Errorf("%d bad frames, want 1 (the truncated JPEG)", bad)
	}
	if _, err := s.Next(ctx); !errors.Is(err, ErrEndOfStream) {
		t.Fatalf("after the last frame: %v, want ErrEndOfStream", err)
	}
}

func TestFilesSingleImageRepeats(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.jpg")
	writeFile(t, p, encodeJPEG(t, smoothImage(40, 30)))
	s, _ := NewFiles(p, Config{FPS: -1})
	ctx := context.Background()
	if err := s.Open(ctx); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		f, err := s.Next(ctx)
		if err != nil || f.Seq != uint64(i) || f.Format != FormatImage || f.Width != 40 || f.Height != 30 || len(f.Data) == 0 {
			t.Fatalf("frame %d: %v %+v", i, err, f)
		}
	}
}

func TestFilesErrors(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	writeFile(t, filepath.Join(dir, "short.yuyv"), make([]byte, 100))
	if s, _ := NewFiles(filepath.Join(dir, "short.yuyv"), Config{Width: 8, Height: 8}); s.Open(ctx) == nil {
		t.Error("yuyv stream of a partial frame accepted")
	}
	if s, _ := NewFiles(filepath.Join(dir, "short.yuyv"), Config{}); s.Open(ctx) == nil {
		t.Error("yuyv stream without a size accepted")
	}
	if s, _ := NewFiles(filepath.Join(dir, "missing.png"), Config{}); s.Open(ctx) == nil {
		t.Error("missing file accepted")
	}
	writeFile(t, filepath.Join(dir, "x.gif"), []byte("GIF89a"))
	if s, _ := NewFiles(filepath.Join(dir, "x.gif"), Config{}); s.Open(ctx) == nil {
		t.Error("unknown file type accepted")
	}
	empty := t.TempDir()
	if s, _ := NewFiles(empty, Config{}); s.Open(ctx) == nil {
		t.Error("empty directory accepted")
	}
}

func TestSplitJPEGs(t *testing.T) {
	j := encodeJPEG(t, smoothImage(16, 16))
	// An APP segment holding a stray EOI marker must not end the image.
	app := []byte{0xFF, 0xE1, 0x00, 0x06, 0xFF, 0xD9, 0x00, 0x00}
	withApp := append(append(append([]byte{}, j[:2]...), app...), j[2:]...)
	stream := append(append(append([]byte("junk"), withApp...), j...), j[:10]...)
	got := splitJPEGs(stream)
	if len(got) != 3 || !bytes.Equal(got[0], withApp) || !bytes.Equal(got[1], j) || len(got[2]) != 10 {
		t.Fatalf("split into %d parts: lens %v", len(got), lens(got))
	}
	if _, err := jpeg.Decode(bytes.NewReader(got[0])); err != nil {
		t.Fatalf("first image no longer decodes: %v", err)
	}
	if n, ok, _ := nextJPEG(j[:len(j)-1], true); ok || n != len(j)-1 {
		t.Fatalf("truncated image: n %d ok %v", n, ok)
	}
	// A truncated image followed by a whole one: two pieces, the second intact.
	cut := append(append([]byte{}, j[:len(j)/2]...), j...)
	if got := splitJPEGs(cut); len(got) != 2 || len(got[0]) != len(j)/2 || !bytes.Equal(got[1], j) {
		t.Fatalf("truncated then whole: lens %v", lens(got))
	}
}

func lens(bs [][]byte) []int {
	out := make([]int, len(bs))
	for i, b := range bs {
		out[i] = len(b)
	}
	return out
}

func TestReconnectGivesUpOnCancel(t *testing.T) {
	src := &flaky{}
	r := NewReconnecting(src, nil)
	r.MinBackoff, r.MaxBackoff = time.Millisecond, 2*time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := r.Next(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the context's error", err)
	}
	if src.opens < 3 || r.Reconnects() != 0 {
		t.Fatalf("%d open attempts, %d reconnects", src.opens, r.Reconnects())
	}
}

// flaky is a source that is always unplugged.
type flaky struct{ opens int }

func (f *flaky) Open(context.Context) error { f.opens++; return ErrDisconnected }
func (f *flaky) Next(context.Context) (*Frame, error) {
	return nil, ErrDisconnected
}
func (f *flaky) Release(*Frame) {}
func (f *flaky) Mode() Config   { return Config{} }
func (f *flaky) Close() error   { return nil }

func TestDrawPattern(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 50, 40))
	DrawPattern(img, 3)
	// Square of side 40/5 = 8 at (bounce(21, 42), bounce(15, 32)) = (21, 15).
	for _, p := range []image.Point{{21, 15}, {28, 22}} {
		if c := img.RGBAAt(p.X, p.Y); c.R != 255 || c.G != 255 || c.B != 255 {
			t.Errorf("inside the square at %v: %v", p, c)
		}
	}
	// Bars scroll 4 pixels a frame: x=0 shows bar ((0+12)%50)*8/50 = 1.
	if c := img.RGBAAt(0, 0); c.R != bars[1][0] || c.G != bars[1][1] || c.B != bars[1][2] {
		t.Errorf("bar at x=0: %v, want %v", c, bars[1])
	}
	if c := img.RGBAAt(29, 22); c.R == 255 && c.G == 255 && c.B == 255 {
		t.Errorf("square too wide at x=29")
	}
}
