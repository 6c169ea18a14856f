package quant

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

// sliceSource yields fixed frames, then io.EOF (or err, when set).
type sliceSource struct {
	frames [][]byte
	err    error
}

func (s *sliceSource) Next(context.Context) ([]byte, error) {
	if len(s.frames) == 0 {
		if s.err != nil {
			return nil, s.err
		}
		return nil, io.EOF
	}
	f := s.frames[0]
	s.frames = s.frames[1:]
	return f, nil
}

func (s *sliceSource) Len() int { return -1 }

func TestEachFrame(t *testing.T) {
	ctx := context.Background()
	var got []byte
	err := eachFrame(ctx, &sliceSource{frames: [][]byte{{1}, {2}, {3}}}, "calibrate", func(rgb []byte) error {
		got = append(got, rgb[0])
		return nil
	})
	if err != nil || string(got) != "\x01\x02\x03" {
		t.Errorf("frames %v, err %v; want 1 2 3 in order", got, err)
	}

	err = eachFrame(ctx, &sliceSource{}, "compare", func([]byte) error { return nil })
	if err == nil || err.Error() != "compare: the source gave no frames" {
		t.Errorf("empty source: %v", err)
	}

	broken := errors.New("device gone")
	err = eachFrame(ctx, &sliceSource{frames: [][]byte{{1}}, err: broken}, "calibrate", func([]byte) error { return nil })
	if !errors.Is(err, broken) || !strings.HasPrefix(err.Error(), "calibrate: ") {
		t.Errorf("source error: %v", err)
	}

	stop := errors.New("stop")
	calls := 0
	err = eachFrame(ctx, &sliceSource{frames: [][]byte{{1}, {2}}}, "calibrate", func([]byte) error {
		calls++
		return stop
	})
	if err != stop || calls != 1 {
		t.Errorf("fn error: %v after %d calls, want stop after 1", err, calls)
	}

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	err = eachFrame(cctx, &sliceSource{frames: [][]byte{{1}}}, "calibrate", func([]byte) error {
		t.Error("fn called after cancel")
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
