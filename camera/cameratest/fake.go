// Package cameratest provides a fake camera.Source that plays frames and
// injects the faults real cameras produce: timeouts, truncated MJPEG, frames
// of the wrong length, and unplug followed by replug.
package cameratest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/edgecam/edgecam/camera"
)

// Fault is what the fake does instead of (or to) one frame.
type Fault int

// Faults the fake can inject.
const (
	None        Fault = iota
	Timeout           // Next returns camera.ErrTimeout; no frame is consumed
	Truncate          // the frame's data is cut to half its length
	WrongLength       // Next returns camera.ErrBadFrame, as a V4L2 source does for a short buffer
	Unplug            // the device disappears: Next returns camera.ErrDisconnected
)

// ErrUnplugged is what Open returns while the fake is unplugged.
var ErrUnplugged = errors.New("cameratest: device unplugged")

// Source is a fake camera. Set the fields before Open; read the counters
// through the methods at any time.
type Source struct {
	// Frames are played in order and looped. Their Data is copied into a
	// fresh buffer per delivery so that release bugs show up.
	Frames []camera.Frame
	// Count ends the stream with camera.ErrEndOfStream after this many
	// frames (0: never).
	Count int
	// Faults maps a Next call number (1-based) to a fault.
	Faults map[int]Fault
	// ReplugAfter is how many Open attempts fail after an Unplug.
	ReplugAfter int
	// Interval paces frames (0: as fast as asked).
	Interval time.Duration

	mu          sync.Mutex
	open        bool
	unplugged   bool
	failedOpens int
	calls       int
	delivered   int
	seq         uint64
	outstanding int
	opens       int
	free        [][]byte
}

// Open implements camera.Source; it fails while unplugged.
func (s *Source) Open(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unplugged {
		if s.failedOpens < s.ReplugAfter {
			s.failedOpens++
			return fmt.Errorf("open fake: %w", ErrUnplugged)
		}
		s.unplugged = false
	}
	if len(s.Frames) == 0 {
		return errors.New("cameratest: no frames to play")
	}
	s.open = true
	s.opens++
	return nil
}

// Mode implements camera.Source.
func (s *Source) Mode() camera.Config {
	if len(s.Frames) == 0 {
		return camera.Config{}
	}
	f := s.Frames[0]
	return camera.Config{Width: f.Width, Height: f.Height, Format: f.Format}
}

// Next implements camera.Source.
func (s *Source) Next(ctx context.Context) (*camera.Frame, error) {
	if s.Interval > 0 {
		t := time.NewTimer(s.Interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	} else if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.open {
		if s.unplugged {
			return nil, fmt.Errorf("fake read: %w", camera.ErrDisconnected)
		}
		return nil, errors.New("cameratest: not open")
	}
	if s.Count > 0 && s.delivered >= s.Count {
		return nil, camera.ErrEndOfStream
	}
	s.calls++
	fault := s.Faults[s.calls]
	switch fault {
	case Timeout:
		return nil, camera.ErrTimeout
	case Unplug:
		s.open, s.unplugged, s.failedOpens = false, true, 0
		return nil, fmt.Errorf("fake read: %w", camera.ErrDisconnected)
	}
	tpl := s.Frames[s.delivered%len(s.Frames)]
	s.delivered++
	s.seq++
	if fault == WrongLength {
		return nil, fmt.Errorf("%w: fake frame %d has %d bytes, want %d", camera.ErrBadFrame, s.seq, len(tpl.Data)-1, len(tpl.Data))
	}
	n := len(tpl.Data)
	if fault == Truncate {
		n /= 2
	}
	buf := s.buffer(n)
	copy(buf, tpl.Data[:n])
	s.outstanding++
	f := tpl
	f.Seq, f.Time, f.Data = s.seq, time.Now(), buf
	return &f, nil
}

func (s *Source) buffer(n int) []byte {
	for len(s.free) > 0 {
		b := s.free[len(s.free)-1]
		s.free = s.free[:len(s.free)-1]
		if cap(b) >= n {
			return b[:n]
		}
	}
	return make([]byte, n)
}

// Release implements camera.Source.
func (s *Source) Release(f *camera.Frame) {
	if f == nil || f.Data == nil {
		return
	}
	s.mu.Lock()
	s.outstanding--
	if len(s.free) < 4 {
		s.free = append(s.free, f.Data)
	}
	s.mu.Unlock()
	f.Data = nil
}

// Close implements camera.Source.
func (s *Source) Close() error {
	s.mu.Lock()
	s.open = false
	s.mu.Unlock()
	return nil
}

// Delivered is the number of frames handed out by Next.
func (s *Source) Delivered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.delivered
}

// Outstanding is the number of delivered frames not yet released.
func (s *Source) Outstanding() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.outstanding
}

// Opens is the number of successful Opens.
func (s *Source) Opens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opens
}
