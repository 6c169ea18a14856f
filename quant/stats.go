package quant

import (
	"fmt"
	"math"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// Method selects how a calibrated activation range is derived.
type Method int

// Calibration methods.
const (
	// MinMax takes the smallest and largest value seen over all frames.
	MinMax Method = iota
	// Percentile clips the tails: the range runs from the (100-P)th to the
	// Pth percentile of all values seen (P = Stats.Percentile).
	Percentile
)

// DefaultPercentile is the percentile used by the Percentile method unless set.
const DefaultPercentile = 99.99

// ParseMethod maps "minmax" and "percentile" to a Method.
func ParseMethod(s string) (Method, error) {
	switch s {
	case "minmax":
		return MinMax, nil
	case "percentile":
		return Percentile, nil
	}
	return 0, fmt.Errorf("unknown calibration method %q (want minmax or percentile)", s)
}

func (m Method) String() string {
	switch m {
	case MinMax:
		return "minmax"
	case Percentile:
		return "percentile"
	}
	return fmt.Sprintf("method(%d)", int(m))
}

// TensorStats accumulates the values one tensor took over the calibration run.
type TensorStats struct {
	Min, Max float32
	Count    uint64 // finite values observed
	// NonFinite counts the NaN and ±Inf values observed. They are left out
	// of every other statistic; a float model that produces them overflows
	// float32 and cannot be given a range (Calibrate fails on the first).
	NonFinite uint64
	hist      histogram
	// chanSum accumulates the values per channel (the innermost axis) when
	// the channel count is known; ChannelMean reads it.
	chanSum []float64
}

// ChannelMean returns the mean value of every channel (innermost axis), or
// nil when channels were not tracked or nothing was observed.
func (s *TensorStats) ChannelMean() []float64 {
	if s == nil || len(s.chanSum) == 0 || s.Count == 0 {
		return nil
	}
	per := float64(s.Count) / float64(len(s.chanSum))
	mean := make([]float64, len(s.chanSum))
	for c, v := range s.chanSum {
		mean[c] = v / per
	}
	return mean
}

// Observe adds values to the statistics; NaN and ±Inf are only counted in
// NonFinite.
func (s *TensorStats) Observe(values []float32) {
	c := len(s.chanSum)
	if c > 0 && len(values)%c != 0 {
		c = 0 // not whole pixels: channel means are not tracked for these
	}
	for i, v := range values {
		if !finite(v) {
			s.NonFinite++
			continue
		}
		if s.Count == 0 {
			s.Min, s.Max = v, v
		}
		s.Min = min(s.Min, v)
		s.Max = max(s.Max, v)
		s.Count++
		if c > 0 {
			s.chanSum[i%c] += float64(v)
		}
	}
	s.hist.add(values)
}

// finite reports whether v is neither NaN nor ±Inf.
func finite(v float32) bool { return v-v == 0 }

// Range returns the calibrated range of the tensor for method; percentile is
// in (50, 100] and is used only by Percentile. ok is false when nothing was
// observed.
func (s *TensorStats) Range(method Method, percentile float64) (lo, hi float32, ok bool) {
	if s == nil || s.Count == 0 {
		return 0, 0, false
	}
	switch method {
	case Percentile:
		p := percentile / 100
		l := max(float64(s.Min), s.hist.quantile(1-p))
		h := min(float64(s.Max), s.hist.quantile(p))
		return float32(min(l, h)), float32(max(l, h)), true
	default:
		return s.Min, s.Max, true
	}
}

// Stats holds the statistics of every tensor of a model, indexed like
// Model.Tensors; entries of tensors never observed are nil.
type Stats struct {
	Tensors []*TensorStats
	Frames  int
	// Samples are the first calibration frames (RGB), kept for bias correction.
	Samples [][]byte
	// channels[i] is the channel count tracked for tensor i (0: none).
	channels []int
	// firstNonFinite is the first observation that held NaN or ±Inf.
	firstNonFinite *nonFiniteValue
}

// nonFiniteValue locates a NaN or infinite activation.
type nonFiniteValue struct {
	op, tensor int
	value      float32
}

// NewStats returns empty statistics for a model with n tensors.
func NewStats(n int) *Stats { return &Stats{Tensors: make([]*TensorStats, n)} }

// NewModelStats returns empty statistics for m that also track per-channel
// means (the innermost axis of each tensor), which bias correction needs.
func NewModelStats(m *tflite.Model) *Stats {
	st := NewStats(len(m.Tensors))
	st.channels = make([]int, len(m.Tensors))
	for i := range m.Tensors {
		if sh := m.Tensors[i].Shape; len(sh) > 0 {
			st.channels[i] = sh[len(sh)-1]
		}
	}
	return st
}

// Observe records the values of tensor; it has the signature of the
// runtime's Options.Trace. Out-of-range tensor indices are ignored.
func (st *Stats) Observe(op, tensor int, values []float32) {
	if tensor < 0 || tensor >= len(st.Tensors) {
		return
	}
	if st.Tensors[tensor] == nil {
		ts := &TensorStats{}
		if tensor < len(st.channels) && st.channels[tensor] > 0 {
			ts.chanSum = make([]float64, st.channels[tensor])
		}
		st.Tensors[tensor] = ts
	}
	ts := st.Tensors[tensor]
	before := ts.NonFinite
	ts.Observe(values)
	if ts.NonFinite != before && st.firstNonFinite == nil {
		nf := &nonFiniteValue{op: op, tensor: tensor}
		for _, v := range values {
			if !finite(v) {
				nf.value = v
				break
			}
		}
		st.firstNonFinite = nf
	}
}

// CheckPercentile validates a percentile for the Percentile method: it must
// lie in (50, 100].
func CheckPercentile(p float64) error {
	if math.IsNaN(p) || p <= 50 || p > 100 {
		return fmt.Errorf("percentile %v outside (50, 100]", p)
	}
	return nil
}
