//go:build !linux

package camera

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// errNeedsLinux is returned by every V4L2 operation off Linux.
var errNeedsLinux = errors.New("camera: V4L2 needs Linux")

// V4L2 is a Source reading a Video4Linux2 capture device (Linux only).
type V4L2 struct {
	Path    string
	Want    Config
	Buffers int
	Timeout time.Duration
	Log     *slog.Logger
}

// NewV4L2 fails off Linux.
func NewV4L2(path string, want Config, log *slog.Logger) (*V4L2, error) {
	return nil, errNeedsLinux
}

// Open implements Source.
func (s *V4L2) Open(ctx context.Context) error { return errNeedsLinux }

// Next implements Source.
func (s *V4L2) Next(ctx context.Context) (*Frame, error) { return nil, errNeedsLinux }

// Release implements Source.
func (s *V4L2) Release(f *Frame) {}

// Mode implements Source.
func (s *V4L2) Mode() Config { return Config{} }

// Close implements Source.
func (s *V4L2) Close() error { return nil }

// ListDevices fails off Linux.
func ListDevices() ([]DeviceInfo, error) { return nil, errNeedsLinux }
