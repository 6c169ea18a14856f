package camera

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/edgecam/edgecam/camera/imageinput"
	"github.com/edgecam/edgecam/internal/fileio"
)

// MaxRawFrameBytes is the largest frame of a raw (YUYV, I420, ...) recording
// or stream: 32 MiB, a 4096x4096 YUYV frame. A V4L2 camera's largest YUYV
// mode (4K UHD) takes 16.6 MB.
const MaxRawFrameBytes = 32 << 20

// Files is a Source that replays images and recorded streams from disk at a
// chosen rate, reading one frame at a time:
//
//   - an image file (.png, .jpg, .jpeg, .bmp), delivered as FormatImage
//     frames (the encoded file, decoded by the Converter exactly as edgecam
//     classify decodes it) and repeated forever, like a camera pointed at a
//     photo;
//   - a raw YUYV or I420 stream (.yuyv, .i420): consecutive frames of
//     Config.Width×Height;
//   - an MJPEG stream (.mjpeg, .mjpg): concatenated JPEG images, passed on
//     undecoded so that corrupt ones are counted where they are converted;
//   - a directory of any of these, played once in name order. Entries
//     that are not regular files (devices, FIFOs, sockets, links to them)
//     are skipped and reported (Skipped, Log); a file that fails to read is
//     a bad frame and play goes on with the next.
//
// Every file is opened through internal/fileio: a device or a FIFO is
// refused at once, never read or waited on.
type Files struct {
	// Log, if not nil, receives a warning for each skipped directory entry.
	Log *slog.Logger

	path    string
	cfg     Config
	dir     bool
	entries []string // files to play, in order
	skipped []string
	pos     int         // next entry
	cur     frameReader // the file being played, nil between files
	curPath string      // its path
	still   *Frame      // a single image file, repeated
	seq     uint64
	pace    *pacer
	pool    framePool
}

// frameReader yields the frames of one file.
type frameReader interface {
	// next returns the next frame or io.EOF; an error wrapping ErrBadFrame
	// skips one frame and may be followed by more.
	next() (*Frame, error)
	close() error
}

// NewFiles returns a file source for path. cfg.Width and cfg.Height are
// needed for raw (.yuyv, .i420) streams; cfg.FPS (default 30, negative: as fast as
// possible) sets the replay rate.
func NewFiles(path string, cfg Config) (*Files, error) {
	if cfg.FPS == 0 {
		cfg.FPS = 30
	}
	return &Files{path: path, cfg: cfg}, nil
}

// Open lists what to play and checks what can be checked without decoding:
// for a single file, that it can be opened and that an image declares a
// size within camera/imageinput's limits; for raw streams, that they
// hold whole frames. No frame is decoded.
func (s *Files) Open(ctx context.Context) error {
	s.closeCurrent()
	s.entries, s.skipped, s.still, s.pos = nil, nil, nil, 0
	s.cfg.Format = FormatUnknown
	st, err := os.Stat(s.path)
	if err != nil {
		return fmt.Errorf("camera: files: %w", err)
	}
	s.dir = st.IsDir()
	if s.dir {
		err = s.openDir()
	} else {
		err = s.openFile()
	}
	if err != nil {
		return err
	}
	s.pace = newPacer(s.cfg.FPS)
	return nil
}

// openDir lists the directory and checks its raw streams.
func (s *Files) openDir() error {
	if err := s.list(); err != nil {
		return err
	}
	for _, p := range s.entries {
		if f := kindFormat(mediaKind(p)); isRaw(f) {
			if err := s.checkRaw(p, f); err != nil {
				return err
			}
		}
	}
	return nil
}

// openFile opens a single file: an image is read and its header checked
// once, to be repeated; a stream is opened to be read frame by frame.
func (s *Files) openFile() error {
	kind := mediaKind(s.path)
	if kind == "" {
		return fmt.Errorf("camera: files: %s: unknown file type (want .png, .jpg, .bmp, .yuyv, .i420 or .mjpeg)", s.path)
	}
	r, err := s.openEntry(s.path) // refuses devices and FIFOs before anything else
	if err != nil {
		return err
	}
	if f := kindFormat(kind); isRaw(f) {
		if err := s.checkRaw(s.path, f); err != nil {
			r.close()
			return err
		}
	}
	if ir, ok := r.(*imageReader); ok {
		s.still = ir.frame
		s.cfg.Width, s.cfg.Height = ir.frame.Width, ir.frame.Height
	} else {
		s.cur, s.curPath = r, s.path
	}
	s.entries, s.pos = []string{s.path}, 1
	s.cfg.Format = kindFormat(kind)
	return nil
}

// list fills s.entries with the playable files of the directory.
func (s *Files) list() error {
	ents, err := os.ReadDir(s.path)
	if err != nil {
		return fmt.Errorf("camera: files: %w", err)
	}
	for _, e := range ents {
		if mediaKind(e.Name()) == "" || e.IsDir() {
			continue // not ours: notes, subdirectories
		}
		p := filepath.Join(s.path, e.Name())
		st, err := os.Stat(p) // follows symbolic links
		switch {
		case err != nil:
			s.skip(p, err.Error())
		case !st.Mode().IsRegular():
			s.skip(p, "not a regular file ("+st.Mode().Type().String()+")")
		default:
			s.entries = append(s.entries, p)
		}
	}
	slices.Sort(s.entries)
	if len(s.entries) == 0 {
		return fmt.Errorf("camera: files: no images or streams in %s (%d skipped)", s.path, len(s.skipped))
	}
	return nil
}

func (s *Files) skip(path, why string) {
	s.skipped = append(s.skipped, path+": "+why)
	if s.Log != nil {
		s.Log.Warn("files: skipping directory entry", "path", path, "reason", why)
	}
}

// Skipped lists the directory entries that Open left out, each as "path:
// reason".
func (s *Files) Skipped() []string { return s.skipped }

// checkRaw checks that a raw stream holds whole frames of the configured
// size in format f.
func (s *Files) checkRaw(p string, f PixelFormat) error {
	w, h := s.cfg.Width, s.cfg.Height
	n, err := rawFrameBytes(f, w, h)
	if err != nil {
		return fmt.Errorf("camera: files: %s: %w", p, err)
	}
	st, err := os.Stat(p)
	if err != nil {
		return fmt.Errorf("camera: files: %w", err)
	}
	if st.Size() < n || st.Size()%n != 0 {
		return fmt.Errorf("camera: files: %s: %d bytes is not a whole number of %dx%d %s frames (%d bytes each)", p, st.Size(), w, h, strings.ToUpper(f.String()), n)
	}
	return nil
}

func mediaKind(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".png", ".jpg", ".jpeg", ".bmp":
		return "image"
	case ".yuyv":
		return "yuyv"
	case ".i420":
		return "i420"
	case ".mjpeg", ".mjpg":
		return "mjpeg"
	}
	return ""
}

func kindFormat(kind string) PixelFormat {
	switch kind {
	case "image":
		return FormatImage
	case "yuyv":
		return FormatYUYV
	case "i420":
		return FormatI420
	case "mjpeg":
		return FormatMJPEG
	}
	return FormatUnknown
}

// openEntry opens one file for playing.
func (s *Files) openEntry(p string) (frameReader, error) {
	switch mediaKind(p) {
	case "image":
		data, err := fileio.ReadFile(p, "image", imageinput.MaxFileBytes)
		if err != nil {
			return nil, fmt.Errorf("camera: files: %w", err)
		}
		h, err := imageinput.DecodeConfig(data, p)
		if err != nil {
			return nil, fmt.Errorf("camera: files: %w", err)
		}
		return &imageReader{frame: &Frame{Format: FormatImage, Width: h.Width, Height: h.Height, Data: data}}, nil
	case "yuyv", "i420":
		format := kindFormat(mediaKind(p))
		f, err := fileio.Open(p, format.String()+" stream")
		if err != nil {
			return nil, fmt.Errorf("camera: files: %w", err)
		}
		return &rawReader{f: f, path: p, format: format, w: s.cfg.Width, h: s.cfg.Height, pool: &s.pool}, nil
	default:
		f, err := fileio.Open(p, "mjpeg stream")
		if err != nil {
			return nil, fmt.Errorf("camera: files: %w", err)
		}
		return &mjpegFrames{f: f, path: p, r: newMJPEGReader(f), pool: &s.pool}, nil
	}
}

// Mode implements Source: the rate, and for a single file its format and
// (for an image or a raw stream) its size. A directory's files may
// differ: its format is FormatUnknown.
func (s *Files) Mode() Config { return s.cfg }

// Next implements Source. Frames of an image share its data: do not
// modify it.
func (s *Files) Next(ctx context.Context) (*Frame, error) {
	if s.pace == nil {
		return nil, fmt.Errorf("camera: files: not open")
	}
	f, err := s.read()
	if err != nil {
		return nil, err
	}
	t, err := s.pace.wait(ctx)
	if err != nil {
		s.Release(f)
		return nil, err
	}
	s.seq++
	f.Seq, f.Time = s.seq, t
	return f, nil
}

// read returns the next frame of the current file, moving on to the next
// file at the end of one.
func (s *Files) read() (*Frame, error) {
	if s.still != nil {
		f := *s.still
		f.Name = s.path
		return &f, nil
	}
	for {
		if s.cur == nil {
			if s.pos >= len(s.entries) {
				return nil, ErrEndOfStream
			}
			p := s.entries[s.pos]
			s.pos++
			r, err := s.openEntry(p)
			if err != nil {
				// Only directory entries are opened here: a file that
				// became unreadable since Open is one bad frame.
				return nil, fmt.Errorf("%w: %w", ErrBadFrame, err)
			}
			s.cur, s.curPath = r, p
		}
		f, err := s.cur.next()
		if f != nil {
			f.Name = s.curPath
		}
		if errors.Is(err, io.EOF) {
			s.closeCurrent()
			continue
		}
		if err != nil && !errors.Is(err, ErrBadFrame) {
			s.closeCurrent() // a read error ends this file
			err = fmt.Errorf("%w: %w", ErrBadFrame, err)
		}
		return f, err
	}
}

func (s *Files) closeCurrent() {
	if s.cur != nil {
		s.cur.close()
		s.cur = nil
	}
}

// Release implements Source: stream frames' buffers are reused.
func (s *Files) Release(f *Frame) {
	if f == nil || f.Format == FormatImage {
		return
	}
	s.pool.put(f.Data)
	f.Data = nil
}

// Close implements Source.
func (s *Files) Close() error {
	s.closeCurrent()
	s.still, s.pace = nil, nil
	return nil
}
