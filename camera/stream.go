package camera

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Stream is a Source of frames read from a byte stream: a pipe on standard
// input (NewPipe) or the standard output of a command such as rpicam-vid
// (NewCommand). Config.Format says what the stream holds:
//
//   - a raw format (I420, YUYV, NV12, RGB24, grey): consecutive frames of
//     exactly Config.Width×Height, so that each read is one frame's size;
//   - MJPEG: concatenated JPEG images, each at most MaxMJPEGFrameBytes
//     (a longer one is a bad frame, skipped up to the next image).
//
// A goroutine reads the stream one frame ahead of Next, so that Next returns
// as soon as its context ends even while a read blocks. The producer sets
// the pace: when Next is called continuously (a live pipeline), every frame
// is read as it comes and the pipeline keeps the newest; when Next is called
// only for the next frame to infer (Pipeline.Pull), the producer waits for
// inference, the pipe's buffer in between.
//
// The end of a pipe's stream is the end of the Source (ErrEndOfStream); a
// short last frame is delivered first as a bad frame (ErrBadFrame), so it is
// counted. A command's end is not: the command is started again, after a
// backoff that doubles from MinBackoff to MaxBackoff while it keeps ending
// without delivering a frame.
type Stream struct {
	// Log, if not nil, receives a warning each time a command ends or fails
	// to start, with the end of its standard error, and its stderr lines at
	// debug level.
	Log *slog.Logger
	// MinBackoff and MaxBackoff bound the wait before a command is started
	// again (defaults 100ms and 10s).
	MinBackoff, MaxBackoff time.Duration

	name  string // "stdin", "exec rpicam-vid": names the stream in errors
	cfg   Config
	start func() (producer, error) // the producer of the next run
	again bool                     // restart the producer when it ends

	items chan streamItem // from the reading goroutine; closed when it ends
	end   error           // why it ended (nil: end of stream); set before items closes
	seq   uint64
	pool  framePool

	mu     sync.Mutex
	cur    producer // the running producer
	closed bool
	stop   chan struct{} // closed by Close
	done   chan struct{} // closed when the reading goroutine returns
	starts uint64        // producers started, the first included
}

// producer is one run of what feeds a Stream: standard input, or one
// process of a command.
type producer interface {
	io.Reader
	// wait waits, after the stream ended, for the producer to end, and
	// says how it ended ("" for standard input).
	wait() string
	// kill ends the producer now (and everything it started) and waits
	// for it.
	kill() error
}

// streamItem is one frame, or why there is none (ErrBadFrame).
type streamItem struct {
	f   *Frame
	err error
}

// checkStreamConfig checks what a stream needs to be split into frames.
func checkStreamConfig(cfg Config) error {
	switch {
	case cfg.Format == FormatMJPEG:
		return nil
	case isRaw(cfg.Format):
		_, err := rawFrameBytes(cfg.Format, cfg.Width, cfg.Height)
		return err
	case cfg.Format == FormatUnknown:
		return errors.New("a stream needs its pixel format (i420, yuyv, nv12, rgb24, grey or mjpeg)")
	}
	return fmt.Errorf("a stream cannot carry %v frames (want i420, yuyv, nv12, rgb24, grey or mjpeg)", cfg.Format)
}

// NewPipe returns a Source of the frames in r, such as standard input, named
// name in errors. cfg.Format is required, and cfg.Width and cfg.Height for
// raw formats; cfg.FPS is not used (the producer sets the rate).
func NewPipe(name string, r io.Reader, cfg Config) (*Stream, error) {
	if r == nil {
		return nil, fmt.Errorf("camera: %s: no stream to read", name)
	}
	if err := checkStreamConfig(cfg); err != nil {
		return nil, fmt.Errorf("camera: %s: %w", name, err)
	}
	used := false
	start := func() (producer, error) {
		if used {
			return nil, errors.New("a pipe cannot be read twice")
		}
		used = true
		return pipeProducer{r}, nil
	}
	return &Stream{name: name, cfg: cfg, start: start}, nil
}

// pipeProducer is standard input: it cannot be stopped, only left.
type pipeProducer struct{ io.Reader }

func (pipeProducer) wait() string { return "" }
func (pipeProducer) kill() error  { return nil }

// Mode implements Source: the configured format and size.
func (s *Stream) Mode() Config { return s.cfg }

// Restarts is how many times a command was started again after it ended.
func (s *Stream) Restarts() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return max(s.starts, 1) - 1
}

// Open implements Source: it starts the producer (a command that cannot be
// started is an error here, not a retry) and the reading goroutine. A
// Stream is opened once.
func (s *Stream) Open(ctx context.Context) error {
	if s.items != nil {
		return fmt.Errorf("camera: %s: already open", s.name)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	p, err := s.start()
	if err != nil {
		return fmt.Errorf("camera: %s: %w", s.name, err)
	}
	s.items, s.stop, s.done = make(chan streamItem), make(chan struct{}), make(chan struct{})
	s.cur, s.starts = p, 1
	go s.read(p)
	return nil
}

// Next implements Source.
func (s *Stream) Next(ctx context.Context) (*Frame, error) {
	if s.items == nil {
		return nil, fmt.Errorf("camera: %s: not open", s.name)
	}
	select {
	case it, ok := <-s.items:
		if !ok {
			if s.end != nil {
				return nil, s.end
			}
			return nil, ErrEndOfStream
		}
		if it.err != nil {
			return nil, it.err
		}
		s.seq++
		it.f.Seq = s.seq
		return it.f, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Release implements Source: frame buffers are reused.
func (s *Stream) Release(f *Frame) {
	if f == nil {
		return
	}
	s.pool.put(f.Data)
	f.Data = nil
}

// closeWait bounds how long Close waits for the reading goroutine once the
// producer is stopped; a read of standard input cannot be interrupted, and
// is left to end with the process.
const closeWait = 2 * time.Second

// Close implements Source: it stops the command (its whole process group:
// SIGTERM, then SIGKILL) and ends the reading goroutine. Frames already
// read and not released stay valid.
func (s *Stream) Close() error {
	s.mu.Lock()
	if s.closed || s.items == nil {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.stop)
	p := s.cur
	s.mu.Unlock()
	var err error
	if p != nil {
		err = p.kill()
	}
	if s.again { // a command: its output has ended now
		select {
		case <-s.done:
		case <-time.After(closeWait):
			err = errors.Join(err, fmt.Errorf("camera: %s: the reader did not end within %v of the command's end", s.name, closeWait))
		}
	}
	return err
}

// read is the reading goroutine: it runs producers one after the other and
// hands their frames to Next.
func (s *Stream) read(p producer) {
	defer close(s.done)
	defer close(s.items)
	backoff := s.minBackoff()
	for {
		began := time.Now()
		frames, err := s.frames(p)
		if s.stopping() {
			return
		}
		if !s.again {
			if err != nil {
				s.end = fmt.Errorf("camera: %s: %w", s.name, err)
			}
			return
		}
		how := p.wait()
		if frames > 0 {
			backoff = s.minBackoff()
		}
		if s.Log != nil {
			args := []any{"source", s.name, "ran", time.Since(began).Round(time.Millisecond), "frames", frames, "restart_in", backoff, "exit", how}
			if err != nil {
				args = append(args, "err", err)
			}
			s.Log.Warn("stream command ended; starting it again", args...)
		}
		if p = s.restart(&backoff); p == nil {
			return
		}
	}
}

// restart waits out the backoff and starts the producer again, as long as
// it takes; nil once the Stream is closed.
func (s *Stream) restart(backoff *time.Duration) producer {
	for {
		t := time.NewTimer(*backoff)
		select {
		case <-s.stop:
			t.Stop()
			return nil
		case <-t.C:
		}
		*backoff = min(2**backoff, s.maxBackoff())
		p, err := s.start()
		if err != nil {
			if s.Log != nil {
				s.Log.Warn("stream command did not start", "source", s.name, "err", err, "retry_in", *backoff)
			}
			continue
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			p.kill()
			return nil
		}
		s.cur = p
		s.starts++
		s.mu.Unlock()
		return p
	}
}

func (s *Stream) minBackoff() time.Duration {
	if s.MinBackoff > 0 {
		return s.MinBackoff
	}
	return 100 * time.Millisecond
}

func (s *Stream) maxBackoff() time.Duration {
	m := s.MaxBackoff
	if m <= 0 {
		m = 10 * time.Second
	}
	return max(m, s.minBackoff())
}

func (s *Stream) stopping() bool {
	select {
	case <-s.stop:
		return true
	default:
		return false
	}
}

// frames reads one producer's stream to its end and hands over its frames.
// It returns how many frames it read, and the read error that ended the
// stream (nil at its end, or when the Stream is closed).
func (s *Stream) frames(p producer) (int, error) {
	var r frameReader
	if s.cfg.Format == FormatMJPEG {
		r = &mjpegFrames{f: p, path: s.name, r: newMJPEGReader(p), pool: &s.pool}
	} else {
		r = &rawReader{f: p, path: s.name, format: s.cfg.Format, w: s.cfg.Width, h: s.cfg.Height, pool: &s.pool}
	}
	n := 0
	for {
		f, err := r.next()
		switch {
		case err == nil:
			f.Time = time.Now()
			n++
		case errors.Is(err, io.EOF):
			return n, nil
		case !errors.Is(err, ErrBadFrame):
			return n, err
		}
		select {
		case s.items <- streamItem{f, err}:
		case <-s.stop:
			s.Release(f)
			return n, nil
		}
	}
}
