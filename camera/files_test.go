package camera

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/image/bmp"

	"github.com/edgecam/edgecam/camera/imageinput"
	"github.com/edgecam/edgecam/internal/fileio"
)

// withSOF returns a copy of the JPEG j with the size in its frame header
// replaced: a header-only dimension bomb of a few hundred bytes.
func withSOF(t *testing.T, j []byte, w, h uint16) []byte {
	t.Helper()
	i := bytes.Index(j, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0 marker")
	}
	out := slices.Clone(j)
	out[i+5], out[i+6], out[i+7], out[i+8] = byte(h>>8), byte(h), byte(w>>8), byte(w)
	return out
}

// playAll opens a Files source for path and converts every frame to res
// 16, returning how many converted and the bad-frame errors.
func playAll(t *testing.T, path string, cfg Config) (good int, bad []error) {
	t.Helper()
	cfg.FPS = -1
	s, _ := NewFiles(path, cfg)
	ctx := context.Background()
	if err := s.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := NewConverter(16)
	dst := make([]byte, 3*16*16)
	for {
		f, err := s.Next(ctx)
		if errors.Is(err, ErrEndOfStream) {
			return good, bad
		}
		if err == nil {
			err = c.Convert(dst, f)
			s.Release(f)
		}
		switch {
		case err == nil:
			good++
		case errors.Is(err, ErrBadFrame):
			bad = append(bad, err)
		default:
			t.Fatal(err)
		}
	}
}

// TestMJPEGStreamBombFrameIsBadFrame: a 65535x65535 frame in a stream of
// under 2 KB is one bad frame, costs no memory, and the stream goes on.
func TestMJPEGStreamBombFrameIsBadFrame(t *testing.T) {
	j := encodeJPEG(t, smoothImage(16, 16))
	stream := slices.Concat(j, withSOF(t, j, 65535, 65535), j)
	if len(stream) > 2048 {
		t.Fatalf("stream of %d bytes, want under 2 KB", len(stream))
	}
	p := filepath.Join(t.TempDir(), "bomb.mjpeg")
	writeFile(t, p, stream)
	var good int
	var bad []error
	n := allocatedBytes(func() { good, bad = playAll(t, p, Config{}) })
	if good != 2 || len(bad) != 1 || !errors.Is(bad[0], imageinput.ErrTooLarge) || !strings.Contains(bad[0].Error(), "65535x65535") {
		t.Fatalf("%d good frames, bad %v; want 2 good and the bomb as a bad frame naming its size", good, bad)
	}
	if n > 4<<20 {
		t.Fatalf("%d bytes allocated to play a 2 KB stream", n)
	}
}

// TestMJPEGSizePerFrame: a corrupt header in the first frame spoils that
// frame only; each frame's size is its own.
func TestMJPEGSizePerFrame(t *testing.T) {
	small, large := encodeJPEG(t, smoothImage(32, 24)), encodeJPEG(t, smoothImage(48, 40))
	corrupt := withSOF(t, small, 0, 0)
	p := filepath.Join(t.TempDir(), "rec.mjpg")
	writeFile(t, p, slices.Concat(corrupt, small, large, small))
	s, _ := NewFiles(p, Config{FPS: -1})
	ctx := context.Background()
	if err := s.Open(ctx); err != nil {
		t.Fatal(err)
	}
	want := [][2]int{{0, 0}, {32, 24}, {48, 40}, {32, 24}}
	c := NewConverter(8)
	dst := make([]byte, 3*8*8)
	for i, w := range want {
		f, err := s.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if f.Width != w[0] || f.Height != w[1] {
			t.Errorf("frame %d: %dx%d, want %dx%d", i+1, f.Width, f.Height, w[0], w[1])
		}
		err = c.Convert(dst, f)
		if (i == 0) != errors.Is(err, ErrBadFrame) {
			t.Errorf("frame %d: convert: %v", i+1, err)
		}
	}
	if _, err := s.Next(ctx); !errors.Is(err, ErrEndOfStream) {
		t.Fatalf("after the last frame: %v", err)
	}
}

// TestMJPEGStreamIsReadPieceByPiece: frames come out as they are read, so
// a stream longer than any buffer plays in bounded memory, and an
// overlong frame is one bad frame.
func TestMJPEGStreamIsReadPieceByPiece(t *testing.T) {
	j := encodeJPEG(t, smoothImage(64, 48))
	var stream []byte
	for range 400 {
		stream = append(stream, j...)
	}
	r := newMJPEGReader(bytes.NewReader(stream))
	r.chunk = 1000 // many reads per frame
	frames := 0
	for {
		b, err := r.next()
		if err != nil {
			break
		}
		if !bytes.Equal(b, j) {
			t.Fatalf("frame %d: %d bytes differ from the %d-byte JPEG", frames, len(b), len(j))
		}
		frames++
	}
	if frames != 400 || len(r.buf) > 4*len(j) {
		t.Fatalf("%d frames, buffer of %d bytes; want 400 frames of %d bytes through a buffer of a few frames", frames, len(r.buf), len(j))
	}

	// A frame over the limit: one bad frame, then the next frame.
	r = newMJPEGReader(bytes.NewReader(slices.Concat(j, j)))
	r.max, r.chunk = len(j)-100, 256
	if _, err := r.next(); !errors.Is(err, ErrBadFrame) || !errors.Is(err, errFrameTooLarge) {
		t.Fatalf("overlong frame: err = %v", err)
	}
	r.max = 1 << 20
	if b, err := r.next(); err != nil || !bytes.Equal(b, j) {
		t.Fatalf("frame after the overlong one: %d bytes, %v", len(b), err)
	}
}

// TestFilesRefusesSpecialFiles: a device, a link to one and a FIFO with no
// writer, as images or streams, fail Open at once with a clear error.
func TestFilesRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "live.mjpeg")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	paths := []string{fifo}
	for _, name := range []string{"zero.png", "zero.yuyv", "zero.mjpeg"} {
		p := filepath.Join(dir, name)
		if err := os.Symlink("/dev/zero", p); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	for _, p := range paths {
		done := make(chan error, 1)
		go func() {
			s, _ := NewFiles(p, Config{Width: 8, Height: 8})
			done <- s.Open(context.Background())
		}()
		select {
		case err := <-done:
			if !errors.Is(err, fileio.ErrNotRegular) || !strings.Contains(err.Error(), p) {
				t.Errorf("%s: err = %v, want fileio.ErrNotRegular naming the file", p, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: Open blocked", p)
		}
	}
}

// TestFilesDirectorySkipsSpecialEntries: a directory's devices, links to
// them and FIFOs are skipped and reported; the regular files play.
func TestFilesDirectorySkipsSpecialEntries(t *testing.T) {
	dir := t.TempDir()
	var pngb bytes.Buffer
	if err := png.Encode(&pngb, smoothImage(20, 10)); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "b.png"), pngb.Bytes())
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "a.png")); err != nil {
		t.Skip(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "c.mjpeg"), 0o600); err != nil {
		t.Skip(err)
	}
	if err := os.Symlink(filepath.Join(dir, "missing.png"), filepath.Join(dir, "d.png")); err != nil {
		t.Fatal(err)
	}
	s, _ := NewFiles(dir, Config{FPS: -1})
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	sk := s.Skipped()
	if len(sk) != 3 || !strings.Contains(sk[0], "a.png: not a regular file") || !strings.Contains(sk[1], "c.mjpeg: not a regular file") || !strings.Contains(sk[2], "d.png") {
		t.Fatalf("skipped %q, want a.png, c.mjpeg and d.png", sk)
	}
	if good, bad := playAll(t, dir, Config{}); good != 1 || len(bad) != 0 {
		t.Fatalf("%d good, %d bad frames; want b.png alone", good, len(bad))
	}
}

// TestFilesDirectoryBombIsBadFrame: in a directory, an image that declares
// a huge size is one bad frame naming the file; a single such file fails
// Open with the same error.
func TestFilesDirectoryBombIsBadFrame(t *testing.T) {
	dir := t.TempDir()
	j := encodeJPEG(t, smoothImage(16, 16))
	writeFile(t, filepath.Join(dir, "a.jpg"), j)
	writeFile(t, filepath.Join(dir, "b.jpg"), withSOF(t, j, 65535, 65535))
	writeFile(t, filepath.Join(dir, "c.jpg"), j)
	good, bad := playAll(t, dir, Config{})
	if good != 2 || len(bad) != 1 || !errors.Is(bad[0], imageinput.ErrTooLarge) || !strings.Contains(bad[0].Error(), "b.jpg") {
		t.Fatalf("%d good, bad %v; want 2 good and b.jpg bad", good, bad)
	}
	s, _ := NewFiles(filepath.Join(dir, "b.jpg"), Config{})
	if err := s.Open(context.Background()); !errors.Is(err, imageinput.ErrTooLarge) || !strings.Contains(err.Error(), "65535x65535") {
		t.Fatalf("single bomb: Open = %v", err)
	}
}

// allocatedBytes returns the bytes allocated on the heap while fn runs.
func allocatedBytes(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// liveHeap is the heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestFilesDirectoryDecodesLazily plays a directory of large images: Open
// decodes nothing, and no frame's decoded image outlives its conversion,
// so memory does not grow with the number of files.
func TestFilesDirectoryDecodesLazily(t *testing.T) {
	const n, w, h = 8, 2000, 1500 // 12 MB decoded each, 96 MB in all
	dir := t.TempDir()
	for i := range n {
		img := image.NewNRGBA(image.Rect(0, 0, w, h))
		for p := 0; p < len(img.Pix); p += 4 {
			img.Pix[p], img.Pix[p+3] = byte(i*30), 255
		}
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, string(rune('a'+i))+".png"), b.Bytes())
	}
	s, _ := NewFiles(dir, Config{FPS: -1})
	ctx := context.Background()
	base := liveHeap()
	if got := allocatedBytes(func() {
		if err := s.Open(ctx); err != nil {
			t.Fatal(err)
		}
	}); got > 1<<20 {
		t.Fatalf("Open allocated %d bytes: it decodes up front", got)
	}
	c := NewConverter(16)
	dst := make([]byte, 3*16*16)
	var grown uint64
	for i := range n {
		f, err := s.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Convert(dst, f); err != nil {
			t.Fatal(err)
		}
		if dst[0] != byte(i*30) {
			t.Fatalf("frame %d: red %d, want %d: frames out of order", i, dst[0], i*30)
		}
		s.Release(f)
		f = nil
		grown = max(grown, liveHeap()-min(base, liveHeap()))
	}
	if _, err := s.Next(ctx); !errors.Is(err, ErrEndOfStream) {
		t.Fatal(err)
	}
	t.Logf("live heap grew by at most %d bytes over %d frames of %d decoded bytes each", grown, n, 4*w*h)
	if grown > 4*w*h/2 {
		t.Fatalf("live heap grew by %d bytes between frames: decoded images are kept", grown)
	}
}

// TestFilesImageMatchesLoadRGB: a photo played through the file source and
// the converter gives the model exactly the input imageinput.LoadRGB (and
// so edgecam classify) gives it, alpha and 16-bit samples included.
func TestFilesImageMatchesLoadRGB(t *testing.T) {
	dir := t.TempDir()
	nrgba := image.NewNRGBA(image.Rect(0, 0, 50, 37))
	nrgba64 := image.NewNRGBA64(nrgba.Rect)
	for y := range 37 {
		for x := range 50 {
			a := byte(0)
			if (x+y)%3 == 0 {
				a = byte(x * 5)
			}
			c := color.NRGBA{byte(x * 5), byte(y * 7), byte(x*y) | 1, a}
			nrgba.SetNRGBA(x, y, c)
			nrgba64.SetNRGBA64(x, y, color.NRGBA64{uint16(c.R)<<8 | 0x7F, uint16(c.G) << 8, uint16(c.B)<<8 | 0xFF, uint16(a) << 8})
		}
	}
	files := map[string]func(*bytes.Buffer) error{
		"rgba8.png":  func(b *bytes.Buffer) error { return png.Encode(b, nrgba) },
		"rgba16.png": func(b *bytes.Buffer) error { return png.Encode(b, nrgba64) },
		"photo.jpg":  func(b *bytes.Buffer) error { b.Write(encodeJPEG(t, smoothImage(64, 48))); return nil }, // 4:2:0, crop chroma-aligned
		"photo.bmp":  func(b *bytes.Buffer) error { return bmp.Encode(b, smoothImage(37, 50)) },
	}
	for name, enc := range files {
		var b bytes.Buffer
		if err := enc(&b); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		writeFile(t, p, b.Bytes())
		want, err := imageinput.LoadRGB(p, 24)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := NewFiles(p, Config{FPS: -1})
		if err := s.Open(context.Background()); err != nil {
			t.Fatal(err)
		}
		f, err := s.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		got := make([]byte, 3*24*24)
		if err := NewConverter(24).Convert(got, f); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			d, _ := maxDiff(got, want)
			t.Errorf("%s: the file source's input differs from LoadRGB's by up to %d", name, d)
		}
	}
}

// TestPipelineGoesOnAfterBombFrame: run's pipeline counts a bomb frame of
// a recorded stream as bad and infers the frames after it.
func TestPipelineGoesOnAfterBombFrame(t *testing.T) {
	j := encodeJPEG(t, smoothImage(16, 16))
	p := filepath.Join(t.TempDir(), "rec.mjpeg")
	writeFile(t, p, slices.Concat(withSOF(t, j, 65535, 65535), j, withSOF(t, j, 60000, 60000), j))
	s, _ := NewFiles(p, Config{FPS: -1})
	ctx := context.Background()
	if err := s.Open(ctx); err != nil {
		t.Fatal(err)
	}
	inferred := 0
	pl := &Pipeline{Source: s, Res: 16, Pull: true, Infer: func([]byte) error { inferred++; return nil }}
	if err := pl.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if inferred != 2 || pl.Stats.Bad.Load() != 2 || pl.Stats.Captured.Load() != 4 {
		t.Fatalf("%d inferred, %d bad of %d captured; want 2, 2 of 4", inferred, pl.Stats.Bad.Load(), pl.Stats.Captured.Load())
	}
}

// TestConverterReusesStillImage: a photo repeated by the file source is
// decoded once; the same buffer holding another image is decoded again.
func TestConverterReusesStillImage(t *testing.T) {
	var b bytes.Buffer
	if err := png.Encode(&b, smoothImage(300, 200)); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	c := NewConverter(32)
	first, again := make([]byte, 3*32*32), make([]byte, 3*32*32)
	f := &Frame{Format: FormatImage, Data: data}
	if err := c.Convert(first, f); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(5, func() { _ = c.Convert(again, f) }); n != 0 || !bytes.Equal(first, again) {
		t.Fatalf("repeated frame: %.0f allocations (a decode), same input %v", n, bytes.Equal(first, again))
	}
	data[len(data)/2] ^= 0xFF // same buffer and length, other content: the CRC fails
	if err := c.Convert(again, f); !errors.Is(err, ErrBadFrame) {
		t.Fatalf("changed data: err = %v, want a bad frame, not the cached input", err)
	}
	var other bytes.Buffer
	if err := png.Encode(&other, image.NewGray(image.Rect(0, 0, 300, 200))); err != nil || other.Len() > len(data) {
		t.Fatalf("encode: %v, %d bytes", err, other.Len())
	}
	f.Data = data[:copy(data, other.Bytes())] // same buffer, another image
	if err := c.Convert(again, f); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, make([]byte, len(again))) {
		t.Fatal("a new image in the same buffer gave the cached input")
	}
}

// A directory's frames carry the file they come from (Frame.Name): an
// image, then each frame of a raw I420 recording; a recording that is not
// a whole number of frames is refused at Open, naming it.
func TestFilesDirectoryNamesFramesAndPlaysI420(t *testing.T) {
	dir := t.TempDir()
	var pngb bytes.Buffer
	if err := png.Encode(&pngb, smoothImage(20, 10)); err != nil {
		t.Fatal(err)
	}
	img := filepath.Join(dir, "a.png")
	rec := filepath.Join(dir, "b.i420")
	frames := patternFrames(t, FormatI420, 16, 12, 2)
	if err := os.WriteFile(img, pngb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rec, bytes.Join(frames, nil), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := NewFiles(dir, Config{Width: 16, Height: 12, FPS: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	var names []string
	for {
		f, err := s.Next(context.Background())
		if errors.Is(err, ErrEndOfStream) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, f.Name)
		if f.Name == rec && (f.Format != FormatI420 || !bytes.Equal(f.Data, frames[len(names)-2])) {
			t.Errorf("frame %d of %s: %v, %d bytes", len(names), rec, f.Format, len(f.Data))
		}
		s.Release(f)
	}
	if want := []string{img, rec, rec}; !slices.Equal(names, want) {
		t.Errorf("frame names %q, want %q", names, want)
	}
	if err := os.WriteFile(rec, bytes.Join(frames, nil)[:100], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Open(context.Background()); err == nil || !strings.Contains(err.Error(), rec) || !strings.Contains(err.Error(), "whole number of 16x12 I420 frames") {
		t.Errorf("Open with a partial I420 recording: %v", err)
	}
}
