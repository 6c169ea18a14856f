package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
)

// TestBenchDetector benchmarks the SSD detector: the report holds the
// per-layer table and MACs of every layer, the post-process's time and
// share of the frame (its layer's mean time over the mean latency), and
// zero allocations per frame (one thread: bench counts the whole process,
// and parked workers may take a few scheduler records after its GC; the
// runtime's AllocsPerRun tests cover two threads); a classifier's
// post-process time is null.
func TestBenchDetector(t *testing.T) {
	path := fixtures.Path(t, filepath.Join("models", ssdStem+".tflite"))
	rep, raw := benchJSON(t, "-model", path, "-frames", "2", "-warmup", "1", "-threads", "1")
	checkBenchFields(t, raw)
	r := &rep.Results[0]
	checkResult(t, &rep, r, 2)
	if len(r.Layers) != 64 || r.Layers[63].Type != "postprocess" || r.Layers[63].Kernel != "detection_postprocess_fast_nms" {
		t.Fatalf("%d layers, last %+v; want 64 ending in the post-process", len(r.Layers), r.Layers[len(r.Layers)-1])
	}
	if r.PostProcessMS == nil || *r.PostProcessMS != r.Layers[63].MS || *r.PostProcessMS <= 0 {
		t.Fatalf("post-process %v ms, layer 63 %v ms", r.PostProcessMS, r.Layers[63].MS)
	}
	if want := *r.PostProcessMS / r.LatencyMS.Mean; math.Abs(r.PostProcessShare-want) > 1e-12 || want >= 1 {
		t.Errorf("post-process share %v, want %v", r.PostProcessShare, want)
	}
	if r.AllocsPerFrame != 0 {
		t.Errorf("%v allocations per detector frame, want 0", r.AllocsPerFrame)
	}
	out, err := runEdgecam(t, "bench", "-model", path, "-frames", "1", "-warmup", "0", "-threads", "1")
	if err != nil || !strings.Contains(out, "  post-process: ") || !strings.Contains(out, "% of the frame\n") {
		t.Errorf("text report lacks the post-process line (%v):\n%s", err, out)
	}
	crep, _ := benchJSON(t, "-model", fixtures.Path(t, "models/mobilenet_v1_0.25_128_quant.tflite"), "-frames", "1", "-warmup", "0", "-threads", "1")
	if crep.Results[0].PostProcessMS != nil {
		t.Errorf("a classifier's post-process time is %v, want null", *crep.Results[0].PostProcessMS)
	}
}
