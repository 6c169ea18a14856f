package camera

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"
)

// Reconnecting wraps a Source so that a disconnect (ErrDisconnected from
// Next or from a reopen) closes the device and reopens it with exponential
// backoff until it returns or the context ends.
type Reconnecting struct {
	Source
	// MinBackoff and MaxBackoff bound the wait between reopen attempts
	// (defaults 100ms and 5s).
	MinBackoff, MaxBackoff time.Duration
	Log                    *slog.Logger
	reconnects             atomic.Uint64
}

// NewReconnecting wraps src.
func NewReconnecting(src Source, log *slog.Logger) *Reconnecting {
	return &Reconnecting{Source: src, MinBackoff: 100 * time.Millisecond, MaxBackoff: 5 * time.Second, Log: log}
}

// Reconnects is how many times the device was reopened after a disconnect.
func (r *Reconnecting) Reconnects() uint64 { return r.reconnects.Load() }

// Next implements Source, hiding disconnects behind reopen attempts.
func (r *Reconnecting) Next(ctx context.Context) (*Frame, error) {
	for {
		f, err := r.Source.Next(ctx)
		if err == nil || !errors.Is(err, ErrDisconnected) {
			return f, err
		}
		if r.Log != nil {
			r.Log.Warn("camera disconnected; reopening", "err", err)
		}
		if err := r.reopen(ctx); err != nil {
			return nil, err
		}
	}
}

func (r *Reconnecting) reopen(ctx context.Context) error {
	_ = r.Source.Close()
	wait := r.MinBackoff
	if wait <= 0 {
		wait = 100 * time.Millisecond
	}
	maxWait := max(r.MaxBackoff, wait)
	t := time.NewTimer(wait)
	defer t.Stop()
	for attempt := 1; ; attempt++ {
		select {
		case <-ctx.Done():
			return fmt.Errorf("camera: reconnect abandoned after %d attempts: %w", attempt-1, ctx.Err())
		case <-t.C:
		}
		err := r.Source.Open(ctx)
		if err == nil {
			r.reconnects.Add(1)
			if r.Log != nil {
				r.Log.Info("camera reopened", "attempts", attempt)
			}
			return nil
		}
		if r.Log != nil {
			r.Log.Debug("camera reopen failed", "attempt", attempt, "err", err)
		}
		wait = min(2*wait, maxWait)
		t.Reset(wait)
	}
}
