package camera

import (
	"errors"
	"fmt"
	"io"

	"github.com/edgecam/edgecam/camera/imageinput"
)

// MaxMJPEGFrameBytes is the largest frame read from a recorded MJPEG
// stream. The stream is read piece by piece, so a recording of any length
// takes at most this much memory (plus the frames in flight); a 4K camera's
// MJPEG frame is 1 to 2 MB. A longer "frame" is counted as a bad frame and
// skipped up to the next start-of-image marker.
const MaxMJPEGFrameBytes = 16 << 20

// mjpegReadChunk is how much is read from the stream at a time.
const mjpegReadChunk = 64 << 10

// mjpegReader splits an MJPEG stream into its JPEG images as it reads it,
// with exactly the result of splitJPEGs on the whole stream as long as no
// image is over max bytes.
type mjpegReader struct {
	r     io.Reader
	max   int
	chunk int
	buf   []byte // unsplit bytes are buf[lo:hi]
	lo    int
	hi    int
	eof   bool
}

func newMJPEGReader(r io.Reader) *mjpegReader {
	return &mjpegReader{r: r, max: MaxMJPEGFrameBytes, chunk: mjpegReadChunk}
}

// errFrameTooLarge is wrapped (with ErrBadFrame) for an image over max.
var errFrameTooLarge = errors.New("mjpeg frame too large")

// next returns the next image, valid until the following call, or io.EOF
// after the last one. An image over max bytes returns an error wrapping
// ErrBadFrame; the reader then goes on at the next image.
func (m *mjpegReader) next() ([]byte, error) {
	for {
		data := m.buf[m.lo:m.hi]
		n, _, err := nextJPEG(data, m.eof)
		switch {
		case err == nil:
			m.lo += n
			return data[:n], nil
		case errors.Is(err, errNeedMore):
			if len(data) >= m.max {
				m.lo += 2 // drop its start-of-image marker: resynchronise after it
				return nil, fmt.Errorf("%w: %w: over %d bytes", ErrBadFrame, errFrameTooLarge, m.max)
			}
		default: // no SOI here: skip to the next one, as splitJPEGs does
			if j := nextSOI(data, 1); j < len(data) {
				m.lo += j
				continue
			}
			if m.eof {
				m.lo = m.hi
				return nil, io.EOF
			}
			// Keep a last 0xFF, which may begin a marker.
			if len(data) > 0 && data[len(data)-1] == 0xFF {
				m.lo = m.hi - 1
			} else {
				m.lo = m.hi
			}
		}
		if err := m.fill(); err != nil {
			return nil, err
		}
	}
}

// fill reads the next piece of the stream behind the unsplit bytes: at
// least chunk bytes, and as many as are already waiting, so that an image
// is scanned O(log size) times while it is read, not once per chunk.
func (m *mjpegReader) fill() error {
	if m.eof {
		return nil
	}
	if m.lo > 0 {
		m.hi = copy(m.buf, m.buf[m.lo:m.hi])
		m.lo = 0
	}
	size := max(m.chunk, min(m.hi, m.max-m.hi)) // the buffer stays under max+chunk
	if need := m.hi + size; need > len(m.buf) {
		m.buf = append(m.buf[:m.hi], make([]byte, need-m.hi)...)
	}
	n, err := io.ReadAtLeast(m.r, m.buf[m.hi:m.hi+size], 1)
	m.hi += n
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		m.eof = true
	case err != nil:
		return fmt.Errorf("read mjpeg stream: %w", err)
	}
	return nil
}

// mjpegFrames reads an MJPEG stream (a recording or a pipe) frame by frame;
// each frame's size is read from its own header (0x0 when that header is
// corrupt: the converter then counts the frame as bad, and later frames are
// unaffected).
type mjpegFrames struct {
	f    io.Reader // closed by close when it is an io.Closer
	path string    // names the stream in errors
	r    *mjpegReader
	pool *framePool
}

func (m *mjpegFrames) next() (*Frame, error) {
	b, err := m.r.next()
	if err != nil {
		if errors.Is(err, ErrBadFrame) {
			err = fmt.Errorf("%s: %w", m.path, err)
		}
		return nil, err
	}
	f := &Frame{Format: FormatMJPEG, Data: append(m.pool.get(len(b))[:0], b...)}
	if h, err := imageinput.DecodeConfig(b, m.path); err == nil {
		f.Width, f.Height = h.Width, h.Height
	}
	return f, nil
}

func (m *mjpegFrames) close() error { return closeReader(m.f) }
