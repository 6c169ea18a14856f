package main

import (
	"sync"
	"time"

	"github.com/edgecam/edgecam/board"
)

// throttleSampler polls the throttling state while frames run, so a
// condition that comes and goes mid-run is still reported.
type throttleSampler struct {
	done chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	seen board.Throttle
}

func startThrottleSampler(src board.Source, every time.Duration) *throttleSampler {
	s := &throttleSampler{done: make(chan struct{})}
	if every <= 0 {
		return s
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-s.done:
				return
			case <-tick.C:
				t := board.ReadThrottle(src.FS)
				s.mu.Lock()
				s.seen = s.seen.Merge(t)
				s.mu.Unlock()
			}
		}
	}()
	return s
}

// stop ends sampling and returns the union of what was seen.
func (s *throttleSampler) stop() board.Throttle {
	select {
	case <-s.done:
	default:
		close(s.done)
	}
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen
}
