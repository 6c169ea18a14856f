package quant

import "math"

// histBins is the number of bins of an activation histogram, split evenly
// between negative and positive values. 4096 bins over the observed range
// resolve a 99.99th percentile to 1/2048 of the range.
const histBins = 4096

// histogram counts values over [-R, R) in histBins equal bins. When a value
// falls outside, R doubles and neighbouring bins merge, so the histogram is
// exact up to bin width whatever order the values arrive in. Only finite
// values are counted: NaN and ±Inf say nothing about a range, and an
// infinite value could never fit inside one.
type histogram struct {
	r     float64 // half width; 0 until the first non-zero value
	bins  []uint64
	zeros uint64 // values observed before r was known (all exactly 0)
	total uint64
}

func (h *histogram) add(values []float32) {
	if h.bins == nil {
		h.bins = make([]uint64, histBins)
	}
	for _, v := range values {
		f := float64(v)
		a := math.Abs(f)
		if !(a <= math.MaxFloat32) { // NaN or ±Inf: not counted (see TensorStats.NonFinite)
			continue
		}
		if a >= h.r {
			if a == 0 {
				h.zeros++
				h.total++
				continue
			}
			h.grow(a)
		}
		i := int((f + h.r) / (2 * h.r) * histBins)
		i = max(0, min(histBins-1, i))
		h.bins[i]++
		h.total++
	}
}

// grow doubles r until |v| < r, merging bins pairwise around the centre. a
// must be finite: float32 values are below 2^128, so r, a power of two, stops
// at 2^129 at most, far below the float64 range, and the loop is bounded.
func (h *histogram) grow(a float64) {
	if h.r == 0 {
		// First non-zero value: start at the next power of two above it.
		h.r = math.Exp2(math.Ceil(math.Log2(a)))
		if a >= h.r {
			h.r *= 2
		}
		h.bins[histBins/2] += h.zeros
		h.zeros = 0
		return
	}
	const n = histBins / 2
	merged := make([]uint64, histBins)
	for a >= h.r && !math.IsInf(h.r, 1) {
		clear(merged)
		for j, c := range h.bins {
			merged[(n+j)/2] += c
		}
		h.bins, merged = merged, h.bins
		h.r *= 2
	}
}

// quantile returns the value below which fraction p of the observations lie
// (interpolated within the bin); 0 for an empty histogram.
func (h *histogram) quantile(p float64) float64 {
	if h.total == 0 || h.r == 0 {
		return 0
	}
	target := p * float64(h.total)
	width := 2 * h.r / histBins
	var cum float64
	for i, c := range h.bins {
		next := cum + float64(c)
		if next >= target && c > 0 {
			frac := (target - cum) / float64(c)
			return -h.r + (float64(i)+frac)*width
		}
		cum = next
	}
	return h.r
}
