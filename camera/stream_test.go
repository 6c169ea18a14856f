package camera

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"io"
	"strings"
	"testing"
	"time"
)

// patternFrames returns n frames of the test pattern in format f at w×h, as
// raw bytes (or JPEG for MJPEG).
func patternFrames(t *testing.T, f PixelFormat, w, h, n int) [][]byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	var out [][]byte
	for i := range n {
		DrawPattern(img, uint64(i+1))
		if f == FormatMJPEG {
			var b bytes.Buffer
			if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
				t.Fatal(err)
			}
			out = append(out, b.Bytes())
			continue
		}
		d := make([]byte, f.FrameSize(w, h))
		EncodeRGBA(d, img, f)
		out = append(out, d)
	}
	return out
}

// nextAll reads s until it ends, returning the frames' data and the
// errors met on the way (bad frames), and the error that ended it.
func nextAll(t *testing.T, s Source, limit int) (frames [][]byte, bad []error, end error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for len(frames)+len(bad) < limit {
		f, err := s.Next(ctx)
		switch {
		case err == nil:
			if f.Seq != uint64(len(frames)+1) {
				t.Errorf("frame %d has seq %d", len(frames)+1, f.Seq)
			}
			if f.Time.IsZero() {
				t.Errorf("frame %d has no time", f.Seq)
			}
			frames = append(frames, bytes.Clone(f.Data))
			s.Release(f)
		case errors.Is(err, ErrBadFrame):
			bad = append(bad, err)
		default:
			return frames, bad, err
		}
	}
	return frames, bad, nil
}

func TestPipeRawFramesThenTruncatedFrame(t *testing.T) {
	for _, format := range []PixelFormat{FormatI420, FormatYUYV, FormatNV12, FormatRGB24, FormatGrey} {
		want := patternFrames(t, format, 32, 24, 3)
		stream := bytes.Join(want, nil)
		stream = append(stream, want[0][:len(want[0])/2]...) // a producer killed mid-frame
		s, err := NewPipe("stdin", bytes.NewReader(stream), Config{Format: format, Width: 32, Height: 24})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Open(context.Background()); err != nil {
			t.Fatal(err)
		}
		got, bad, end := nextAll(t, s, 10)
		if !errors.Is(end, ErrEndOfStream) {
			t.Fatalf("%v: stream ended with %v, want ErrEndOfStream", format, end)
		}
		if len(got) != 3 || !bytes.Equal(got[0], want[0]) || !bytes.Equal(got[2], want[2]) {
			t.Errorf("%v: %d frames, want the 3 written", format, len(got))
		}
		if len(bad) != 1 || !strings.Contains(bad[0].Error(), "stdin: the stream ended") {
			t.Errorf("%v: bad frames %v, want one for the truncated last frame naming stdin", format, bad)
		}
		if f, err := s.Next(context.Background()); f != nil || !errors.Is(err, ErrEndOfStream) {
			t.Errorf("%v: Next after the end: %v, %v", format, f, err)
		}
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	}
}

func TestPipeMJPEG(t *testing.T) {
	want := patternFrames(t, FormatMJPEG, 64, 48, 4)
	stream := bytes.Join(want, nil)
	stream = append(stream, want[1][:len(want[1])/3]...)
	s, err := NewPipe("stdin", bytes.NewReader(stream), Config{Format: FormatMJPEG})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conv := NewConverter(16)
	dst := make([]byte, 3*16*16)
	for i := range 5 {
		f, err := s.Next(ctx)
		if err != nil {
			t.Fatalf("frame %d: %v", i+1, err)
		}
		if i < 4 {
			if !bytes.Equal(f.Data, want[i]) || f.Width != 64 || f.Height != 48 {
				t.Errorf("frame %d: %d bytes %dx%d, want the %d-byte 64x48 JPEG", i+1, len(f.Data), f.Width, f.Height, len(want[i]))
			}
			if err := conv.Convert(dst, f); err != nil {
				t.Errorf("frame %d: %v", i+1, err)
			}
		} else if err := conv.Convert(dst, f); !errors.Is(err, ErrBadFrame) {
			// The truncated last image is passed on and counted where it
			// is converted, as the file source does.
			t.Errorf("truncated last frame converts with %v, want ErrBadFrame", err)
		}
		s.Release(f)
	}
	if _, err := s.Next(ctx); !errors.Is(err, ErrEndOfStream) {
		t.Errorf("after the last frame: %v, want ErrEndOfStream", err)
	}
}

// A read that never returns (a producer that has stopped writing) does not
// hold up Next once its context ends, nor Close.
func TestPipeNextReturnsWhileReadBlocks(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	s, err := NewPipe("stdin", r, Config{Format: FormatI420, Width: 8, Height: 8})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := s.Next(ctx)
		done <- err
	}()
	w.Write(make([]byte, 10)) // part of a frame: the read goes on waiting
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Next = %v, want context.Canceled", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Next did not return after its context ended")
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Close blocked on the pending read")
	}
}

// A read error other than the end of the stream ends it with that error.
func TestPipeReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(bytes.NewReader(make([]byte, 3*4*4)), iotestErr{boom})
	s, err := NewPipe("stdin", r, Config{Format: FormatRGB24, Width: 4, Height: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, bad, end := nextAll(t, s, 10)
	if len(got) != 1 || len(bad) != 0 || !errors.Is(end, boom) || !strings.Contains(end.Error(), "stdin") {
		t.Fatalf("%d frames, %d bad, end %v; want 1 frame then the read error naming stdin", len(got), len(bad), end)
	}
}

type iotestErr struct{ err error }

func (e iotestErr) Read([]byte) (int, error) { return 0, e.err }

func TestStreamConfigErrors(t *testing.T) {
	cases := []struct {
		cfg  Config
		want string
	}{
		{Config{}, "needs its pixel format"},
		{Config{Format: FormatImage}, "cannot carry image frames"},
		{Config{Format: FormatI420}, "needs a frame size"},
		{Config{Format: FormatYUYV, Width: 5, Height: 4}, "even width"},
		{Config{Format: FormatRGB24, Width: 4096, Height: 4096}, "over the limit"},
	}
	for _, c := range cases {
		if _, err := NewPipe("stdin", bytes.NewReader(nil), c.cfg); err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "stdin") {
			t.Errorf("NewPipe(%+v) = %v, want an error naming stdin with %q", c.cfg, err, c.want)
		}
		if _, err := NewCommand([]string{"cat"}, c.cfg); err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "exec cat") {
			t.Errorf("NewCommand(%+v) = %v, want an error naming exec cat with %q", c.cfg, err, c.want)
		}
	}
	if _, err := NewPipe("stdin", nil, Config{Format: FormatMJPEG}); err == nil {
		t.Error("NewPipe with no reader accepted")
	}
	if _, err := NewCommand(nil, Config{Format: FormatMJPEG}); err == nil {
		t.Error("NewCommand with no command accepted")
	}
}

func TestSplitCommand(t *testing.T) {
	good := map[string][]string{
		"rpicam-vid -t 0 --codec yuv420 -o -": {"rpicam-vid", "-t", "0", "--codec", "yuv420", "-o", "-"},
		"  a\t b  ":                           {"a", "b"},
		`sh -c 'echo $HOME; cat "x"'`:         {"sh", "-c", `echo $HOME; cat "x"`},
		`a "b c" "d\"e" "f\n"`:                {"a", "b c", `d"e`, `f\n`},
		`a b\ c \'d`:                          {"a", "b c", "'d"},
		`a '' ""`:                             {"a", "", ""},
		`x"y"'z'`:                             {"xyz"},
	}
	for in, want := range good {
		got, err := SplitCommand(in)
		if err != nil || strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
			t.Errorf("SplitCommand(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{"": "names no program", "   ": "names no program", `a 'b`: "unterminated ' quote", `a "b`: `unterminated " quote`, `a \`: "lone backslash", `'' a`: "names no program"} {
		if _, err := SplitCommand(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("SplitCommand(%q) = %v, want an error with %q", in, err, want)
		}
	}
}

// FrameImage gives back the picture a raw frame was made from, within the
// chroma subsampling and BT.601 rounding, at the frame's own size.
func TestFrameImage(t *testing.T) {
	const w, h = 40, 30
	img := smoothImage(w, h)
	for _, format := range []PixelFormat{FormatRGB24, FormatYUYV, FormatNV12, FormatI420, FormatMJPEG} {
		f := &Frame{Format: format, Width: w, Height: h}
		if format == FormatMJPEG {
			var b bytes.Buffer
			if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
				t.Fatal(err)
			}
			f.Data = b.Bytes()
		} else {
			f.Data = make([]byte, format.FrameSize(w, h))
			EncodeRGBA(f.Data, img, format)
		}
		got, err := FrameImage(f)
		if err != nil {
			t.Fatalf("%v: %v", format, err)
		}
		if got.Bounds() != image.Rect(0, 0, w, h) {
			t.Fatalf("%v: bounds %v", format, got.Bounds())
		}
		worst := 0
		for y := range h {
			for x := range w {
				r, g, b, _ := got.At(x, y).RGBA()
				p := img.Pix[y*img.Stride+4*x:]
				d, _ := maxDiff([]byte{byte(r >> 8), byte(g >> 8), byte(b >> 8)}, p[:3])
				worst = max(worst, d)
			}
		}
		limit := 12 // YUV formats and JPEG share chroma between 2 or 4 pixels of a gradient
		if format == FormatRGB24 {
			limit = 0
		}
		if worst > limit {
			t.Errorf("%v: off by %d, limit %d", format, worst, limit)
		}
	}
	bad := []*Frame{
		{Format: FormatI420, Width: 4, Height: 4, Data: make([]byte, 23)},
		{Format: FormatYUYV, Width: 3, Height: 2, Data: make([]byte, 12)},
		{Format: FormatMJPEG, Data: []byte{0xFF, 0xD8, 0xFF}},
		{Format: FormatRGB24, Width: 0, Height: 4},
	}
	for _, f := range bad {
		if _, err := FrameImage(f); !errors.Is(err, ErrBadFrame) {
			t.Errorf("%v %dx%d, %d bytes: %v, want ErrBadFrame", f.Format, f.Width, f.Height, len(f.Data), err)
		}
	}
}
