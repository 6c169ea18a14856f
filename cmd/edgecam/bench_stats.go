package main

import (
	"math"
	"slices"
)

// latencyStats summarises per-frame latencies, in milliseconds.
type latencyStats struct {
	Min    float64 `json:"min"`
	P50    float64 `json:"p50"`
	P90    float64 `json:"p90"`
	P99    float64 `json:"p99"`
	Max    float64 `json:"max"`
	Mean   float64 `json:"mean"`
	StdDev float64 `json:"stddev"` // sample standard deviation (n-1); 0 for one frame
}

// summarise computes latency statistics from nanosecond samples. Percentiles
// interpolate linearly between closest ranks (the definition numpy and
// benchstat use). It returns the zero value for no samples.
func summarise(nanos []int64) latencyStats {
	n := len(nanos)
	if n == 0 {
		return latencyStats{}
	}
	ms := make([]float64, n)
	sum := 0.0
	for i, v := range nanos {
		ms[i] = float64(v) / 1e6
		sum += ms[i]
	}
	slices.Sort(ms)
	mean := sum / float64(n)
	ss := 0.0
	for _, v := range ms {
		ss += (v - mean) * (v - mean)
	}
	sd := 0.0
	if n > 1 {
		sd = math.Sqrt(ss / float64(n-1))
	}
	return latencyStats{
		Min: ms[0], Max: ms[n-1], Mean: mean, StdDev: sd,
		P50: percentile(ms, 0.50), P90: percentile(ms, 0.90), P99: percentile(ms, 0.99),
	}
}

// percentile of sorted values, q in [0, 1].
func percentile(sorted []float64, q float64) float64 {
	if len(sorted) == 1 {
		return sorted[0]
	}
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	frac := pos - float64(lo)
	return sorted[lo] + frac*(sorted[lo+1]-sorted[lo])
}
