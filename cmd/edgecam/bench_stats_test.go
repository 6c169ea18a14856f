package main

import (
	"math"
	"testing"
)

func TestSummarise(t *testing.T) {
	// 1..10 ms, shuffled.
	ns := []int64{7e6, 1e6, 10e6, 3e6, 5e6, 2e6, 9e6, 4e6, 8e6, 6e6}
	s := summarise(ns)
	want := latencyStats{Min: 1, Max: 10, Mean: 5.5, P50: 5.5, P90: 9.1, P99: 9.91, StdDev: math.Sqrt(82.5 / 9)}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"min", s.Min, want.Min}, {"max", s.Max, want.Max}, {"mean", s.Mean, want.Mean},
		{"p50", s.P50, want.P50}, {"p90", s.P90, want.P90}, {"p99", s.P99, want.P99},
		{"stddev", s.StdDev, want.StdDev},
	} {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	one := summarise([]int64{2_500_000})
	if one.Min != 2.5 || one.P99 != 2.5 || one.Max != 2.5 || one.StdDev != 0 {
		t.Errorf("one sample: %+v", one)
	}
	if z := summarise(nil); z != (latencyStats{}) {
		t.Errorf("no samples: %+v", z)
	}
}
