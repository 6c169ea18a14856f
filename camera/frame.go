package camera

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// PixelFormat is a frame's pixel layout.
type PixelFormat int

// The pixel formats a Converter accepts.
const (
	FormatUnknown PixelFormat = iota
	FormatYUYV                // packed 4:2:2, Y0 U Y1 V (V4L2 YUYV)
	FormatNV12                // planar Y, then interleaved UV at half size
	FormatRGB24               // packed R G B
	FormatGrey                // 8-bit luma
	FormatMJPEG               // one JPEG image per frame
	// FormatImage is an encoded PNG, JPEG or BMP file, as the file source
	// delivers a photo: the converter decodes it with camera/imageinput,
	// exactly as edgecam classify does. Not a capture format.
	FormatImage
	FormatI420 // planar Y, then U and V at half width and height (YUV420, rpicam-vid --codec yuv420)
)

var formatNames = map[PixelFormat]string{
	FormatYUYV: "yuyv", FormatNV12: "nv12", FormatRGB24: "rgb24", FormatGrey: "grey", FormatMJPEG: "mjpeg",
	FormatImage: "image", FormatI420: "i420",
}

func (f PixelFormat) String() string {
	if s, ok := formatNames[f]; ok {
		return s
	}
	return fmt.Sprintf("format(%d)", int(f))
}

// ParseFormat parses the name of a capture format as String prints it
// (case-insensitive; "mjpg", "gray" and "yuv420" are accepted too).
func ParseFormat(s string) (PixelFormat, error) {
	s = strings.ToLower(s)
	switch s {
	case "mjpg", "jpeg":
		return FormatMJPEG, nil
	case "gray", "y8":
		return FormatGrey, nil
	case "rgb", "rgb3":
		return FormatRGB24, nil
	case "yuv420", "yuv420p", "yu12":
		return FormatI420, nil
	}
	for f, n := range formatNames {
		if n == s && f != FormatImage {
			return f, nil
		}
	}
	return FormatUnknown, fmt.Errorf("unknown pixel format %q", s)
}

// FrameSize is the number of bytes of one uncompressed frame, or 0 for
// compressed formats.
func (f PixelFormat) FrameSize(w, h int) int {
	switch f {
	case FormatYUYV:
		return w * h * 2
	case FormatNV12, FormatI420:
		return w*h + 2*((w+1)/2)*((h+1)/2)
	case FormatRGB24:
		return w * h * 3
	case FormatGrey:
		return w * h
	}
	return 0
}

// Frame is one captured image. Data is owned by whoever received the frame
// from Source.Next and stays valid until it is passed back with Release (or
// forever if it never is).
type Frame struct {
	Seq    uint64    // sequence number from the source, increasing
	Time   time.Time // capture time
	Format PixelFormat
	Width  int
	Height int
	Data   []byte
	// Name is the file the frame was read from (the file source: the path
	// as listed), "" for cameras and streams.
	Name string
}

// Config is what a caller asks of a source; sources deliver the nearest they
// can and report it in Mode.
type Config struct {
	Width, Height int
	FPS           float64
	Format        PixelFormat // FormatUnknown means choose automatically
}

// Source delivers frames. Next blocks until a frame is ready or ctx ends;
// it returns a frame or an error, never both. Release hands a frame's buffer
// back for reuse (optional: frames never released are simply garbage) and
// may be called from any goroutine; the other methods are called from one
// goroutine at a time. Close releases the device.
type Source interface {
	// Open starts capture.
	Open(ctx context.Context) error
	// Next returns the next frame.
	Next(ctx context.Context) (*Frame, error)
	// Release returns a frame obtained from Next for reuse.
	Release(f *Frame)
	// Mode reports what was negotiated (valid after Open).
	Mode() Config
	// Close stops capture and frees the device.
	Close() error
}

// Errors sources return. Transient errors are counted and retried by the
// pipeline; ErrEndOfStream ends it normally.
var (
	// ErrTimeout: no frame arrived within the source's frame timeout.
	ErrTimeout = errors.New("camera: frame timeout")
	// ErrEndOfStream: a finite source (files) has no more frames.
	ErrEndOfStream = errors.New("camera: end of stream")
	// ErrBadFrame: a frame was corrupt or of the wrong length; skip it.
	ErrBadFrame = errors.New("camera: bad frame")
	// ErrDisconnected: the device went away (unplugged); Reconnect reopens it.
	ErrDisconnected = errors.New("camera: device disconnected")
)
