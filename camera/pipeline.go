package camera

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/edgecam/edgecam/camera/imageinput"
)

// Result is one processed frame, handed to Pipeline.OnResult in the
// inference goroutine. Input and Frame are only valid during the call.
type Result struct {
	Seq     uint64        // the frame's sequence number
	Capture time.Time     // the frame's capture time
	Latency time.Duration // capture to result
	Dropped uint64        // frames dropped so far (stale or bad)
	Input   []byte        // the model input, res×res RGB
	Frame   *Frame
}

// Stats are the pipeline's counters; safe to read while it runs.
type Stats struct {
	Captured  atomic.Uint64 // frames received from the source
	Processed atomic.Uint64 // frames inferred
	Stale     atomic.Uint64 // frames replaced by a newer one before inference
	Bad       atomic.Uint64 // frames that failed conversion (corrupt MJPEG, short)
	Timeouts  atomic.Uint64 // source frame timeouts
}

// Dropped is the number of captured frames that were not inferred.
func (s *Stats) Dropped() uint64 { return s.Stale.Load() + s.Bad.Load() }

// Pipeline runs capture and inference concurrently. The newest frame wins:
// at most one frame waits for inference; a newer frame replaces it and the
// stale one is dropped and counted.
type Pipeline struct {
	Source Source
	Res    int // model input side
	// Framing is the part of each frame the model sees: the centre square
	// (the zero value, classifiers) or the whole frame (detectors).
	Framing imageinput.Framing
	// Infer runs the model on one res×res RGB input.
	Infer func(input []byte) error
	// OnResult receives each result in frame order (may be nil).
	OnResult func(r *Result)
	// MaxFrames stops after this many results (0: until the source ends or
	// the context is cancelled).
	MaxFrames int
	// Pull captures a frame only once inference has taken the previous one
	// (capture of the next frame still overlaps inference of the current).
	// For sources that make frames on demand (synthetic, files at -fps 0):
	// nothing is dropped and capture does not compete with inference.
	Pull  bool
	Log   *slog.Logger
	Stats Stats
}

// slot is the one-frame mailbox between capture and inference.
type slot struct {
	mu    sync.Mutex
	frame *Frame
	ready chan struct{} // capacity 1: "slot may be full"
	want  chan struct{} // capacity 1, Pull mode only: "capture one more"
	done  bool          // capture has ended
	err   error         // why capture ended (nil: end of stream)
}

// Run captures and infers until the source ends, MaxFrames results have
// been produced, Infer fails or ctx is cancelled (which is not an error).
// The source must be open; Run does not close it.
func (p *Pipeline) Run(ctx context.Context) error {
	if p.Source == nil || p.Infer == nil || p.Res <= 0 {
		return errors.New("camera: pipeline needs a source, an infer function and a resolution")
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := &slot{ready: make(chan struct{}, 1)}
	if p.Pull {
		s.want = make(chan struct{}, 1)
		s.want <- struct{}{}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		p.capture(ctx, s)
	}()
	err := p.infer(ctx, s)
	cancel()
	wg.Wait()
	// Hand back the frame in flight when stopping (captured, not inferred,
	// not counted as dropped: nothing newer replaced it).
	if s.frame != nil {
		p.Source.Release(s.frame)
		s.frame = nil
	}
	if err == nil && s.err != nil && parent.Err() == nil {
		err = s.err
	}
	return err
}

func (p *Pipeline) capture(ctx context.Context, s *slot) {
	finish := func(err error) {
		s.mu.Lock()
		s.done, s.err = true, err
		s.mu.Unlock()
		select {
		case s.ready <- struct{}{}:
		default:
		}
	}
	for {
		if s.want != nil {
			select {
			case <-s.want:
			case <-ctx.Done():
				finish(nil)
				return
			}
		}
		f, err := p.Source.Next(ctx)
		if err != nil && s.want != nil {
			s.want <- struct{}{} // no frame was produced: the token stays
		}
		switch {
		case err == nil:
		case ctx.Err() != nil:
			finish(nil)
			return
		case errors.Is(err, ErrTimeout):
			p.Stats.Timeouts.Add(1)
			continue
		case errors.Is(err, ErrBadFrame):
			p.Stats.Captured.Add(1)
			p.Stats.Bad.Add(1)
			if p.Log != nil {
				p.Log.Debug("bad frame", "err", err)
			}
			continue
		case errors.Is(err, ErrEndOfStream):
			finish(nil)
			return
		default:
			finish(fmt.Errorf("camera: capture: %w", err))
			return
		}
		p.Stats.Captured.Add(1)
		s.mu.Lock()
		old := s.frame
		s.frame = f
		s.mu.Unlock()
		if old != nil {
			p.Stats.Stale.Add(1)
			p.Source.Release(old)
		}
		select {
		case s.ready <- struct{}{}:
		default:
		}
	}
}

func (p *Pipeline) infer(ctx context.Context, s *slot) error {
	conv := NewFramedConverter(p.Res, p.Framing)
	input := make([]byte, 3*p.Res*p.Res)
	var r Result
	results := 0
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.ready:
		}
		s.mu.Lock()
		f, done := s.frame, s.done
		s.frame = nil
		s.mu.Unlock()
		if f != nil && s.want != nil {
			s.want <- struct{}{}
		}
		if f == nil {
			if done {
				return nil
			}
			continue
		}
		err := conv.Convert(input, f)
		if err != nil {
			p.Source.Release(f)
			if errors.Is(err, ErrBadFrame) {
				p.Stats.Bad.Add(1)
				if p.Log != nil {
					p.Log.Debug("bad frame", "err", err)
				}
				continue
			}
			return err
		}
		if err := p.Infer(input); err != nil {
			p.Source.Release(f)
			return fmt.Errorf("camera: infer frame %d: %w", f.Seq, err)
		}
		p.Stats.Processed.Add(1)
		r = Result{Seq: f.Seq, Capture: f.Time, Latency: time.Since(f.Time), Dropped: p.Stats.Dropped(), Input: input, Frame: f}
		if p.OnResult != nil {
			p.OnResult(&r)
		}
		r.Frame, r.Input = nil, nil
		p.Source.Release(f)
		results++
		if p.MaxFrames > 0 && results >= p.MaxFrames {
			return nil
		}
		if done {
			// Capture ended but may have left one last frame: loop once more.
			select {
			case s.ready <- struct{}{}:
			default:
			}
		}
	}
}
