package camera

import (
	"fmt"
	"io"
)

// imageReader yields one image file as one frame.
type imageReader struct {
	frame *Frame
	done  bool
}

func (r *imageReader) next() (*Frame, error) {
	if r.done {
		return nil, io.EOF
	}
	r.done = true
	return r.frame, nil
}

func (r *imageReader) close() error { return nil }

// rawReader reads a raw stream (YUYV, I420, ...) frame by frame into pooled
// buffers: a recording, or a pipe (see Stream). A short last frame is one
// bad frame, followed by io.EOF.
type rawReader struct {
	f      io.Reader // closed by close when it is an io.Closer
	path   string    // names the stream in errors
	format PixelFormat
	w, h   int
	pool   *framePool
}

func (r *rawReader) next() (*Frame, error) {
	buf := r.pool.get(r.format.FrameSize(r.w, r.h))
	n, err := io.ReadFull(r.f, buf)
	switch {
	case err == io.EOF:
		r.pool.put(buf)
		return nil, io.EOF
	case err == io.ErrUnexpectedEOF:
		r.pool.put(buf)
		return nil, fmt.Errorf("%w: %s: the stream ended %d bytes into a %d-byte frame", ErrBadFrame, r.path, n, len(buf))
	case err != nil:
		r.pool.put(buf)
		return nil, fmt.Errorf("%s: read: %w", r.path, err)
	}
	return &Frame{Format: r.format, Width: r.w, Height: r.h, Data: buf}, nil
}

func (r *rawReader) close() error { return closeReader(r.f) }

// closeReader closes r if it is an io.Closer.
func closeReader(r io.Reader) error {
	if c, ok := r.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// isRaw reports whether f is an uncompressed format of a fixed frame size.
func isRaw(f PixelFormat) bool { return f.FrameSize(1, 1) > 0 }

// rawFrameBytes is the size of one w×h frame of a raw format, checked
// against MaxRawFrameBytes and the format's needs (YUYV: an even width).
func rawFrameBytes(f PixelFormat, w, h int) (int64, error) {
	if w <= 0 || h <= 0 {
		return 0, fmt.Errorf("a raw %v stream needs a frame size (-size WxH)", f)
	}
	if f == FormatYUYV && w%2 != 0 {
		return 0, fmt.Errorf("a %dx%d YUYV frame: YUYV needs an even width", w, h)
	}
	n := int64(f.FrameSize(w, h))
	if n > MaxRawFrameBytes {
		return 0, fmt.Errorf("a %dx%d %v frame takes %d bytes, over the limit of %d (camera.MaxRawFrameBytes)", w, h, f, n, MaxRawFrameBytes)
	}
	return n, nil
}
