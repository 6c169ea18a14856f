package generic_test

import "testing"

// measure runs body b.N times and reports GMAC/s per wall second and, where
// the OS gives thread CPU time, per CPU second ("GMAC/cpu-s"): on a shared
// machine the wall figure includes time the thread spent descheduled.
func measure(b *testing.B, macs int64, body func()) {
	defer lockThread()()
	c0, ok := threadCPU()
	for b.Loop() {
		body()
	}
	c1, _ := threadCPU()
	b.ReportMetric(float64(macs)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
	if ok && c1 > c0 {
		b.ReportMetric(float64(macs)*float64(b.N)/(c1-c0).Seconds()/1e9, "GMAC/cpu-s")
	}
}
