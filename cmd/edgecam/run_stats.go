package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// latencyBuckets are the upper bounds (seconds) of the /metrics histogram.
var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

// latencyWindow is how many recent latencies the summary percentiles cover.
const latencyWindow = 1 << 16

// runStats collects latencies for the summary percentiles (a ring of the
// most recent latencyWindow) and the Prometheus histogram. Record is called
// from the inference goroutine; the readers take the lock or atomics.
type runStats struct {
	mu     sync.Mutex
	ring   []float64 // milliseconds
	next   int
	filled bool

	buckets [11]atomic.Uint64 // per latencyBuckets, then +Inf
	sumNS   atomic.Int64
	count   atomic.Uint64

	nonFinite atomic.Uint64 // results whose scores held NaN or ±Inf
}

func newRunStats() *runStats { return &runStats{ring: make([]float64, latencyWindow)} }

// Record adds one capture-to-result latency.
func (s *runStats) Record(d time.Duration) {
	sec := d.Seconds()
	i := len(latencyBuckets)
	for j, ub := range latencyBuckets {
		if sec <= ub {
			i = j
			break
		}
	}
	s.buckets[i].Add(1)
	s.sumNS.Add(int64(d))
	s.count.Add(1)
	s.mu.Lock()
	s.ring[s.next] = float64(d) / 1e6
	s.next++
	if s.next == len(s.ring) {
		s.next, s.filled = 0, true
	}
	s.mu.Unlock()
}

// RecordNonFinite counts a result whose scores held NaN or ±Inf.
func (s *runStats) RecordNonFinite() { s.nonFinite.Add(1) }

// NonFinite is the number of results whose scores held NaN or ±Inf.
func (s *runStats) NonFinite() uint64 { return s.nonFinite.Load() }

// Percentiles returns the p-th percentiles (0..100) of the recorded
// latencies in milliseconds, nearest-rank; NaN when nothing was recorded.
func (s *runStats) Percentiles(ps ...float64) []float64 {
	s.mu.Lock()
	n := s.next
	if s.filled {
		n = len(s.ring)
	}
	v := slices.Clone(s.ring[:n])
	s.mu.Unlock()
	slices.Sort(v)
	out := make([]float64, len(ps))
	for i, p := range ps {
		if len(v) == 0 {
			out[i] = math.NaN()
			continue
		}
		k := int(math.Ceil(p/100*float64(len(v)))) - 1
		out[i] = v[min(max(k, 0), len(v)-1)]
	}
	return out
}

// WriteHistogram writes the latency histogram in Prometheus text format.
func (s *runStats) WriteHistogram(w io.Writer, name string) {
	fmt.Fprintf(w, "# HELP %s Capture-to-result latency.\n# TYPE %s histogram\n", name, name)
	var cum uint64
	for i, ub := range latencyBuckets {
		cum += s.buckets[i].Load()
		fmt.Fprintf(w, "%s_bucket{le=\"%g\"} %d\n", name, ub, cum)
	}
	cum += s.buckets[len(latencyBuckets)].Load()
	fmt.Fprintf(w, "%s_bucket{le=\"+Inf\"} %d\n", name, cum)
	fmt.Fprintf(w, "%s_sum %g\n", name, float64(s.sumNS.Load())/1e9)
	fmt.Fprintf(w, "%s_count %d\n", name, s.count.Load())
}
