package camera

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/draw"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Files is a Source that replays images and recorded streams from disk at a
// chosen rate:
//
//   - an image file (.png, .jpg, .jpeg, .bmp), delivered as RGB24 frames,
//     repeated forever like a camera pointed at a photo;
//   - a raw YUYV stream (.yuyv): consecutive frames of Config.Width×Height;
//   - an MJPEG stream (.mjpeg, .mjpg): concatenated JPEG images, passed on
//     undecoded so that corrupt ones are counted where they are converted;
//   - a directory of any of these, played once in name order.
type Files struct {
	path   string
	cfg    Config
	loop   bool
	frames []*Frame // templates; Data shared, read-only
	pos    int
	seq    uint64
	pace   *pacer
}

// NewFiles returns a file source for path. cfg.Width and cfg.Height are
// needed for .yuyv streams; cfg.FPS (default 30, negative: as fast as
// possible) sets the replay rate.
func NewFiles(path string, cfg Config) (*Files, error) {
	if cfg.FPS == 0 {
		cfg.FPS = 30
	}
	return &Files{path: path, cfg: cfg}, nil
}

// Open loads every frame into memory.
func (s *Files) Open(ctx context.Context) error {
	st, err := os.Stat(s.path)
	if err != nil {
		return fmt.Errorf("camera: files: %w", err)
	}
	var paths []string
	if st.IsDir() {
		ents, err := os.ReadDir(s.path)
		if err != nil {
			return fmt.Errorf("camera: files: %w", err)
		}
		for _, e := range ents {
			if !e.IsDir() && mediaKind(e.Name()) != "" {
				paths = append(paths, filepath.Join(s.path, e.Name()))
			}
		}
		slices.Sort(paths)
		if len(paths) == 0 {
			return fmt.Errorf("camera: files: no images or streams in %s", s.path)
		}
	} else {
		if mediaKind(s.path) == "" {
			return fmt.Errorf("camera: files: %s: unknown file type (want .png, .jpg, .bmp, .yuyv or .mjpeg)", s.path)
		}
		paths = []string{s.path}
		s.loop = mediaKind(s.path) == "image"
	}
	s.frames = s.frames[:0]
	for _, p := range paths {
		if err := s.load(p); err != nil {
			return err
		}
	}
	if len(s.frames) == 0 {
		return fmt.Errorf("camera: files: no frames in %s", s.path)
	}
	f := s.frames[0]
	s.cfg.Width, s.cfg.Height, s.cfg.Format = f.Width, f.Height, f.Format
	s.pace = newPacer(s.cfg.FPS)
	s.pos = 0
	return nil
}

func mediaKind(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".png", ".jpg", ".jpeg", ".bmp":
		return "image"
	case ".yuyv":
		return "yuyv"
	case ".mjpeg", ".mjpg":
		return "mjpeg"
	}
	return ""
}

func (s *Files) load(p string) error {
	data, err := os.ReadFile(p)
	if err != nil {
		return fmt.Errorf("camera: files: %w", err)
	}
	switch mediaKind(p) {
	case "image":
		img, _, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("camera: files: decode %s: %w", p, err)
		}
		b := img.Bounds()
		rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
		buf := make([]byte, FormatRGB24.FrameSize(b.Dx(), b.Dy()))
		EncodeRGBA(buf, rgba, FormatRGB24)
		s.frames = append(s.frames, &Frame{Format: FormatRGB24, Width: b.Dx(), Height: b.Dy(), Data: buf})
	case "yuyv":
		w, h := s.cfg.Width, s.cfg.Height
		if w <= 0 || h <= 0 {
			return fmt.Errorf("camera: files: %s: a raw YUYV stream needs a frame size (-size WxH)", p)
		}
		n := FormatYUYV.FrameSize(w, h)
		if len(data) < n || len(data)%n != 0 {
			return fmt.Errorf("camera: files: %s: %d bytes is not a whole number of %dx%d YUYV frames (%d bytes each)", p, len(data), w, h, n)
		}
		for o := 0; o < len(data); o += n {
			s.frames = append(s.frames, &Frame{Format: FormatYUYV, Width: w, Height: h, Data: data[o : o+n : o+n]})
		}
	case "mjpeg":
		imgs := splitJPEGs(data)
		if len(imgs) == 0 {
			return fmt.Errorf("camera: files: %s: no JPEG images in stream", p)
		}
		w, h := 0, 0
		if cfg, err := jpegSize(imgs[0]); err == nil {
			w, h = cfg.Width, cfg.Height
		}
		for _, b := range imgs {
			s.frames = append(s.frames, &Frame{Format: FormatMJPEG, Width: w, Height: h, Data: b})
		}
	}
	return nil
}

// Mode implements Source.
func (s *Files) Mode() Config { return s.cfg }

// Len is the number of frames loaded.
func (s *Files) Len() int { return len(s.frames) }

// Next implements Source. Frames share the loaded data: do not modify it.
func (s *Files) Next(ctx context.Context) (*Frame, error) {
	if s.pace == nil {
		return nil, fmt.Errorf("camera: files: not open")
	}
	if s.pos >= len(s.frames) {
		if !s.loop {
			return nil, ErrEndOfStream
		}
		s.pos = 0
	}
	t, err := s.pace.wait(ctx)
	if err != nil {
		return nil, err
	}
	f := *s.frames[s.pos]
	s.pos++
	s.seq++
	f.Seq, f.Time = s.seq, t
	return &f, nil
}

// Release implements Source (frames share read-only data; nothing to do).
func (s *Files) Release(f *Frame) {}

// Close implements Source.
func (s *Files) Close() error {
	s.frames, s.pace = nil, nil
	return nil
}
