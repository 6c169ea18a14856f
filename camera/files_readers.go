package camera

import (
	"fmt"
	"io"
	"os"
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

// yuyvReader reads a raw stream frame by frame into pooled buffers.
type yuyvReader struct {
	f    *os.File
	path string
	w, h int
	pool *framePool
}

func (r *yuyvReader) next() (*Frame, error) {
	buf := r.pool.get(FormatYUYV.FrameSize(r.w, r.h))
	n, err := io.ReadFull(r.f, buf)
	switch {
	case err == io.EOF:
		r.pool.put(buf)
		return nil, io.EOF
	case err != nil:
		r.pool.put(buf)
		return nil, fmt.Errorf("%w: %s: read %d bytes of a %d-byte frame: %w", ErrBadFrame, r.path, n, len(buf), err)
	}
	return &Frame{Format: FormatYUYV, Width: r.w, Height: r.h, Data: buf}, nil
}

func (r *yuyvReader) close() error { return r.f.Close() }
