package generic_test

import (
	"runtime"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

// TestDetectionScratchBytes compares DetectionScratchBytes with what
// NewDetectionScratch allocates (the heap's byte counter around the call):
// never below the statement, and above it only by the allocator's
// rounding of each allocation to its size class (at most 1/8 for objects
// past 1 KiB, at most 16 B or 1/4 for the small ones).
func TestDetectionScratchBytes(t *testing.T) {
	ssd := generic.DetectionPostProcessOptions{
		MaxDetections: 10, MaxClassesPerDetection: 1, DetectionsPerClass: 100,
		NMSScoreThreshold: 1e-8, NMSIoUThreshold: 0.6, NumClasses: 90,
		YScale: 10, XScale: 10, HScale: 5, WScale: 5,
	}
	regular := ssd
	regular.UseRegularNMS, regular.MaxDetections, regular.MaxClassesPerDetection = true, 300, 3
	for _, c := range []struct {
		name string
		opts generic.DetectionPostProcessOptions
		n    int
	}{{"ssd_fast", ssd, 1917}, {"regular", regular, 1917}, {"large", ssd, 100000}, {"tiny", ssd, 3}} {
		want := generic.DetectionScratchBytes(c.opts, c.n)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s, err := generic.NewDetectionScratch(c.opts, c.n)
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		runtime.KeepAlive(s)
		got := int64(after.TotalAlloc - before.TotalAlloc)
		if got < want || got > want+want/4+256 {
			t.Errorf("%s: NewDetectionScratch allocated %d bytes, DetectionScratchBytes says %d", c.name, got, want)
		}
		t.Logf("%s: %d anchors: %d bytes stated, %d allocated", c.name, c.n, want, got)
	}
}
