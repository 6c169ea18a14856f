//go:build linux

package camera

// This is the only file that imports github.com/blackjack/webcam. It works
// around two of the library's quirks: SetImageFormat returns the size that
// was asked for rather than the one the driver chose (so every frame's length
// is checked, and a consistent mismatch is resolved against the sizes the
// driver lists), and WaitForFrame takes whole seconds (so the device's file
// descriptor is polled directly with a millisecond timeout).

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"time"

	"github.com/blackjack/webcam"
	"golang.org/x/sys/unix"
)

// v4l2 fourcc codes of the formats the converter takes.
var fourccs = map[webcam.PixelFormat]PixelFormat{
	0x56595559: FormatYUYV,  // 'YUYV'
	0x3231564e: FormatNV12,  // 'NV12'
	0x32315559: FormatI420,  // 'YU12' (V4L2_PIX_FMT_YUV420)
	0x33424752: FormatRGB24, // 'RGB3'
	0x59455247: FormatGrey,  // 'GREY'
	0x47504a4d: FormatMJPEG, // 'MJPG'
}

func fourccOf(f PixelFormat) webcam.PixelFormat {
	for k, v := range fourccs {
		if v == f {
			return k
		}
	}
	return 0
}

// V4L2 is a Source reading a Video4Linux2 capture device.
type V4L2 struct {
	Path string
	Want Config
	// Buffers is the number of driver buffers (default 4; the library's 256
	// wastes memory and adds latency).
	Buffers int
	// Timeout is how long Next waits for a frame (default 500ms).
	Timeout time.Duration
	Log     *slog.Logger

	cam   *webcam.Webcam
	fd    int
	mode  Config
	sizes []Capability // sizes the driver lists for the chosen format
	seq   uint64
	bad   int // consecutive wrong-length frames

	pool framePool
}

// NewV4L2 returns a source for the device at path (e.g. /dev/video0).
func NewV4L2(path string, want Config, log *slog.Logger) (*V4L2, error) {
	return &V4L2{Path: path, Want: want, Log: log}, nil
}

// Open negotiates format, size and rate and starts streaming.
func (s *V4L2) Open(ctx context.Context) error {
	cam, err := webcam.Open(s.Path)
	if err != nil {
		return openErr(s.Path, err)
	}
	info := deviceCaps(cam)
	mode, err := Negotiate(info, s.Want)
	if err != nil {
		cam.Close()
		return fmt.Errorf("camera: %s: %w", s.Path, err)
	}
	code, _, _, err := cam.SetImageFormat(fourccOf(mode.Format), uint32(mode.Width), uint32(mode.Height))
	if err != nil {
		cam.Close()
		return fmt.Errorf("camera: %s: set format %v %dx%d: %w", s.Path, mode.Format, mode.Width, mode.Height, err)
	}
	if got, ok := fourccs[code]; !ok || got != mode.Format {
		cam.Close()
		return fmt.Errorf("camera: %s: driver chose format %#x instead of %v", s.Path, uint32(code), mode.Format)
	}
	if mode.FPS > 0 {
		if err := cam.SetFramerate(float32(mode.FPS)); err != nil && s.Log != nil {
			s.Log.Warn("camera: cannot set frame rate", "fps", mode.FPS, "err", err)
		}
		if fps, err := cam.GetFramerate(); err == nil && fps > 0 {
			mode.FPS = float64(fps)
		}
	}
	n := s.Buffers
	if n <= 0 {
		n = 4
	}
	if err := cam.SetBufferCount(uint32(n)); err != nil {
		cam.Close()
		return fmt.Errorf("camera: %s: set buffer count: %w", s.Path, err)
	}
	if err := cam.StartStreaming(); err != nil {
		cam.Close()
		return openErr(s.Path, fmt.Errorf("start streaming: %w", err))
	}
	s.sizes = s.sizes[:0]
	for _, c := range info {
		if c.Format == mode.Format {
			s.sizes = append(s.sizes, c)
		}
	}
	s.cam, s.fd, s.mode, s.bad = cam, webcamFD(cam), mode, 0
	if s.Log != nil {
		s.Log.Info("camera open", "device", s.Path, "format", mode.Format.String(), "width", mode.Width, "height", mode.Height, "fps", mode.FPS)
	}
	return nil
}

// openErr marks a missing device as a disconnect so Reconnecting retries it.
func openErr(path string, err error) error {
	if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENODEV) || errors.Is(err, unix.ENXIO) {
		return &noDeviceError{path: path, err: err}
	}
	return fmt.Errorf("camera: open %s: %w", path, err)
}

// noDeviceError says that no camera answers at a path. It matches
// ErrDisconnected, so a camera unplugged while running is waited for, while
// the message at start-up tells the user what to check.
type noDeviceError struct {
	path string
	err  error
}

func (e *noDeviceError) Error() string {
	return fmt.Sprintf("camera: no video device at %s (%v); is the camera connected? 'edgecam run -list' lists the devices", e.path, e.err)
}

func (e *noDeviceError) Is(target error) bool { return target == ErrDisconnected }

func (e *noDeviceError) Unwrap() error { return e.err }

// webcamFD reads the library's unexported file descriptor so that Next can
// poll with a sub-second timeout (WaitForFrame takes whole seconds).
func webcamFD(cam *webcam.Webcam) int {
	return int(reflect.ValueOf(cam).Elem().FieldByName("fd").Uint())
}

// Mode implements Source.
func (s *V4L2) Mode() Config { return s.mode }

// Next implements Source: it waits up to Timeout for a frame, copies it out
// of the driver's buffer and requeues the buffer at once.
func (s *V4L2) Next(ctx context.Context) (*Frame, error) {
	if s.cam == nil {
		return nil, fmt.Errorf("camera: %s: %w: not open", s.Path, ErrDisconnected)
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 500 * time.Millisecond
	}
	deadline := time.Now().Add(timeout)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// Poll in slices of at most 100ms so cancellation is prompt.
		left := time.Until(deadline)
		if left <= 0 {
			return nil, ErrTimeout
		}
		fds := []unix.PollFd{{Fd: int32(s.fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, int(min(left, 100*time.Millisecond)/time.Millisecond)+1)
		if err != nil && err != unix.EINTR {
			return nil, s.readErr("poll", err)
		}
		if n <= 0 {
			continue
		}
		if fds[0].Revents&(unix.POLLERR|unix.POLLHUP|unix.POLLNVAL) != 0 && fds[0].Revents&unix.POLLIN == 0 {
			return nil, fmt.Errorf("camera: %s: %w (poll events %#x)", s.Path, ErrDisconnected, fds[0].Revents)
		}
		data, index, err := s.cam.GetFrame()
		if err != nil {
			if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
				continue // not fatal: no buffer ready after all
			}
			return nil, s.readErr("dequeue", err)
		}
		t := time.Now()
		buf := s.pool.get(len(data))
		copy(buf, data)
		if err := s.cam.ReleaseFrame(index); err != nil {
			s.Release(&Frame{Data: buf})
			return nil, s.readErr("requeue", err)
		}
		s.seq++
		f := &Frame{Seq: s.seq, Time: t, Format: s.mode.Format, Width: s.mode.Width, Height: s.mode.Height, Data: buf}
		if err := s.checkLength(f); err != nil {
			s.Release(f)
			return nil, err
		}
		return f, nil
	}
}

// checkLength verifies an uncompressed frame's size. After three
// consecutive mismatches it adopts a listed size that fits the length.
func (s *V4L2) checkLength(f *Frame) error {
	want := f.Format.FrameSize(f.Width, f.Height)
	if want == 0 || len(f.Data) == want {
		s.bad = 0
		return nil
	}
	s.bad++
	if s.bad >= 3 {
		for _, c := range s.sizes {
			if f.Format.FrameSize(c.Width, c.Height) == len(f.Data) {
				if s.Log != nil {
					s.Log.Warn("camera: driver delivers another size than negotiated; adopting it", "width", c.Width, "height", c.Height)
				}
				s.mode.Width, s.mode.Height = c.Width, c.Height
				f.Width, f.Height, s.bad = c.Width, c.Height, 0
				return nil
			}
		}
	}
	return fmt.Errorf("%w: %s frame %d: %d bytes, want %d for %v %dx%d", ErrBadFrame, s.Path, f.Seq, len(f.Data), want, f.Format, f.Width, f.Height)
}

func (s *V4L2) readErr(op string, err error) error {
	if errors.Is(err, unix.ENODEV) || errors.Is(err, unix.EIO) || errors.Is(err, unix.ENXIO) {
		return fmt.Errorf("camera: %s: %s: %w (%w)", s.Path, op, ErrDisconnected, err)
	}
	return fmt.Errorf("camera: %s: %s: %w", s.Path, op, err)
}

// Release implements Source; safe from any goroutine.
func (s *V4L2) Release(f *Frame) {
	if f == nil || f.Data == nil {
		return
	}
	s.pool.put(f.Data)
	f.Data = nil
}

// Close implements Source.
func (s *V4L2) Close() error {
	if s.cam == nil {
		return nil
	}
	err := s.cam.Close()
	s.cam = nil
	if err != nil {
		return fmt.Errorf("camera: close %s: %w", s.Path, err)
	}
	return nil
}

// deviceCaps lists what an open device offers in the formats edgecam reads.
func deviceCaps(cam *webcam.Webcam) []Capability {
	var out []Capability
	for code := range cam.GetSupportedFormats() {
		f, ok := fourccs[code]
		if !ok {
			continue
		}
		for _, fs := range cam.GetSupportedFrameSizes(code) {
			sizes := [][2]uint32{{fs.MaxWidth, fs.MaxHeight}}
			if fs.StepWidth != 0 || fs.StepHeight != 0 {
				sizes = append(sizes, [2]uint32{fs.MinWidth, fs.MinHeight})
				for _, c := range [][2]uint32{{640, 480}, {1280, 720}, {320, 240}} {
					if c[0] >= fs.MinWidth && c[0] <= fs.MaxWidth && c[1] >= fs.MinHeight && c[1] <= fs.MaxHeight {
						sizes = append(sizes, c)
					}
				}
			}
			for _, sz := range sizes {
				c := Capability{Format: f, Width: int(sz[0]), Height: int(sz[1])}
				for _, r := range cam.GetSupportedFramerates(code, sz[0], sz[1]) {
					if r.MinNumerator > 0 {
						// Rates are frame intervals: the shortest interval is the fastest rate.
						c.FPS = append(c.FPS, float64(r.MaxDenominator)/float64(r.MinNumerator))
					}
				}
				out = append(out, c)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Format != out[j].Format {
			return out[i].Format < out[j].Format
		}
		return out[i].Width*out[i].Height < out[j].Width*out[j].Height
	})
	return out
}

// ListDevices describes every /dev/video* capture device.
func ListDevices() ([]DeviceInfo, error) {
	paths, err := filepath.Glob("/dev/video*")
	if err != nil {
		return nil, fmt.Errorf("camera: list devices: %w", err)
	}
	sort.Strings(paths)
	var out []DeviceInfo
	for _, p := range paths {
		if st, err := os.Stat(p); err != nil || st.Mode()&os.ModeCharDevice == 0 {
			continue
		}
		cam, err := webcam.Open(p)
		if err != nil {
			continue // not a capture device (metadata node) or busy
		}
		name, _ := cam.GetName()
		out = append(out, DeviceInfo{Path: p, Name: name, Caps: deviceCaps(cam)})
		cam.Close()
	}
	return out, nil
}
