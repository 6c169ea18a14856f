package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	goruntime "runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/board"
	"github.com/edgecam/edgecam/internal/fixtures"
)

// runEdgecam runs the CLI in-process and returns stdout and the error.
func runEdgecam(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return stdout.String(), err
}

// benchJSON runs bench with -json and decodes the report twice: into the
// typed report and into a generic map for field-presence checks.
func benchJSON(t *testing.T, args ...string) (benchReport, map[string]any) {
	t.Helper()
	out, err := runEdgecam(t, append([]string{"bench", "-json"}, args...)...)
	if err != nil {
		t.Fatalf("bench %q: %v", args, err)
	}
	var rep benchReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("bench JSON: %v\n%s", err, out)
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	return rep, raw
}

// requireKeys fails unless m has every key (null values count as present).
func requireKeys(t *testing.T, where string, m any, keys ...string) map[string]any {
	t.Helper()
	obj, ok := m.(map[string]any)
	if !ok {
		t.Fatalf("%s is %T, want an object", where, m)
	}
	for _, k := range keys {
		if _, ok := obj[k]; !ok {
			t.Errorf("%s lacks %q", where, k)
		}
	}
	return obj
}

// checkBenchFields checks every field the issue asks for is in the JSON.
func checkBenchFields(t *testing.T, raw map[string]any) {
	t.Helper()
	requireKeys(t, "report", raw, "model", "board", "kernel_level", "cpus", "warmup", "frames", "duration_s",
		"go_version", "gomaxprocs", "peak_rss_bytes", "results")
	requireKeys(t, "model", raw["model"], "name", "source", "dtype", "input", "macs", "params", "arena_bytes")
	requireKeys(t, "board", raw["board"], "kind", "model", "soc", "cpu", "cores", "features", "os", "arch",
		"user_bits", "kernel_bits", "cur_mhz", "max_mhz", "governor", "temp_c", "throttle")
	results, _ := raw["results"].([]any)
	if len(results) == 0 {
		t.Fatal("no results")
	}
	for i, r := range results {
		where := "results[" + strconv.Itoa(i) + "]"
		obj := requireKeys(t, where, r, "threads", "frames", "elapsed_s", "latency_ms", "fps", "gmac_per_s",
			"allocs_per_frame", "bytes_per_frame", "kernels", "layer_sum_ms", "layer_sum_ratio", "start", "end",
			"throttle_seen", "peak_rss_bytes", "layers")
		requireKeys(t, where+".latency_ms", obj["latency_ms"], "min", "p50", "p90", "p99", "max", "mean", "stddev")
		for _, c := range []string{"start", "end"} {
			requireKeys(t, where+"."+c, obj[c], "cur_mhz", "temp_c", "throttle")
		}
		layers, _ := obj["layers"].([]any)
		if len(layers) == 0 {
			t.Fatalf("%s has no layers", where)
		}
		requireKeys(t, where+".layers[0]", layers[0], "index", "op", "type", "kernel", "out", "macs", "ms", "share", "gmac_per_s")
	}
}

// checkResult checks one result's numbers hang together.
func checkResult(t *testing.T, rep *benchReport, r *benchResult, frames int) {
	t.Helper()
	l := r.LatencyMS
	if r.Frames != frames || !(l.Min > 0 && l.Min <= l.P50 && l.P50 <= l.P90 && l.P90 <= l.P99 && l.P99 <= l.Max) ||
		l.Mean < l.Min || l.Mean > l.Max || l.StdDev < 0 {
		t.Errorf("threads %d: frames %d, latency %+v", r.Threads, r.Frames, l)
	}
	if math.Abs(r.FPS-1000/l.Mean) > 1e-9*r.FPS {
		t.Errorf("fps %v, want 1000/mean = %v", r.FPS, 1000/l.Mean)
	}
	if want := float64(rep.Model.MACs) / (l.Mean / 1000) / 1e9; math.Abs(r.GMACs-want) > 1e-9*want {
		t.Errorf("GMAC/s %v, want %v", r.GMACs, want)
	}
	sum, share := 0.0, 0.0
	var macs int64
	for _, ly := range r.Layers {
		sum += ly.MS
		share += ly.Share
		macs += ly.MACs
	}
	if math.Abs(sum-r.LayerSumMS) > 1e-9*sum || math.Abs(share-1) > 1e-9 || macs != rep.Model.MACs {
		t.Errorf("layers: sum %v ms (report %v), shares add to %v, MACs %d (model %d)", sum, r.LayerSumMS, share, macs, rep.Model.MACs)
	}
	// The per-layer times must account for the whole frame.
	if r.LayerSumRatio < 0.95 || r.LayerSumRatio > 1.05 {
		t.Errorf("threads %d: layers add up to %.1f%% of the frame time, want within 5%%", r.Threads, 100*r.LayerSumRatio)
	}
	if r.Kernels["pwconv"] == "" || r.Kernels["dwconv"] == "" {
		t.Errorf("kernels = %v, want pwconv and dwconv", r.Kernels)
	}
	if r.AllocsPerFrame < 0 {
		t.Errorf("allocs per frame %v", r.AllocsPerFrame)
	}
}

func TestBenchBuilderJSONAndPlot(t *testing.T) {
	plot := filepath.Join(t.TempDir(), "layers.svg")
	rep, raw := benchJSON(t, "-alpha", "0.25", "-res", "128", "-dtype", "int8", "-frames", "3", "-warmup", "1",
		"-threads", "1,2", "-plot", plot)
	checkBenchFields(t, raw)
	// MOBILENET.md: 0.25/128 is 13.57 M multiply-adds with a 1000-class classifier.
	if rep.Model.MACs < 13.5e6 || rep.Model.MACs > 13.7e6 || rep.Model.Name != "mobilenet_v1_0.25_128_int8" ||
		!reflect.DeepEqual(rep.Model.Input, []int{128, 128, 3}) || rep.Model.Source != "builder" {
		t.Errorf("model = %+v", rep.Model)
	}
	if len(rep.Results) != 2 || rep.Results[0].Threads != 1 || rep.Results[1].Threads != 2 {
		t.Fatalf("results for threads %v", rep.Results)
	}
	for i := range rep.Results {
		checkResult(t, &rep, &rep.Results[i], 3)
	}
	if rep.Board.Arch != goruntime.GOARCH || rep.Frames != 3 || rep.Warmup != 1 || rep.KernelLevel == "" {
		t.Errorf("context: arch %s frames %d warmup %d level %q", rep.Board.Arch, rep.Frames, rep.Warmup, rep.KernelLevel)
	}
	if goruntime.GOOS == "linux" && (rep.PeakRSS == nil || *rep.PeakRSS < 1<<20) {
		t.Errorf("peak RSS = %v on linux", rep.PeakRSS)
	}
	svg, err := os.ReadFile(plot)
	if err != nil {
		t.Fatal(err)
	}
	// One bar per layer and thread count, plus the background and two legend swatches.
	if got, want := strings.Count(string(svg), "<rect"), 2*len(rep.Results[0].Layers)+3; got != want {
		t.Errorf("plot has %d rects, want %d", got, want)
	}
}

func TestBenchFixtureModel(t *testing.T) {
	path := fixtures.Path(t, "models/mobilenet_v1_0.25_128_quant.tflite")
	rep, raw := benchJSON(t, "-model", path, "-frames", "2", "-warmup", "1", "-threads", "1")
	checkBenchFields(t, raw)
	if rep.Model.Name != "mobilenet_v1_0.25_128_quant" || rep.Model.Source != path || rep.Model.DType != "uint8" ||
		!reflect.DeepEqual(rep.Model.Input, []int{128, 128, 3}) {
		t.Errorf("model = %+v", rep.Model)
	}
	checkResult(t, &rep, &rep.Results[0], 2)
}

func TestBenchBoardContextFromFixture(t *testing.T) {
	saved := boardSource
	boardSource = func() board.Source {
		s := board.Live()
		s.FS = os.DirFS(filepath.Join("..", "..", "testdata", "board", "pi4"))
		return s
	}
	t.Cleanup(func() { boardSource = saved })
	rep, _ := benchJSON(t, "-alpha", "0.25", "-res", "64", "-frames", "1", "-warmup", "0", "-threads", "1")
	r := rep.Results[0]
	if rep.Board.Kind != board.KindPi4 || rep.Board.SoC != "BCM2711" {
		t.Errorf("board = %s %s, want the pi4 fixture", rep.Board.Kind, rep.Board.SoC)
	}
	if r.Start.CurMHz == nil || *r.Start.CurMHz != 600 || r.End.TempC == nil || *r.End.TempC != 45.764 {
		t.Errorf("conditions start %+v end %+v, want the fixture's 600 MHz and 45.764 °C", r.Start, r.End)
	}
}

func TestBenchDurationAndPinning(t *testing.T) {
	args := []string{"-alpha", "0.25", "-res", "64", "-duration", "150ms", "-warmup", "1"}
	if goruntime.GOOS == "linux" {
		args = append(args, "-cpus", "0")
	}
	before, _ := board.ProcessAffinity()
	rep, _ := benchJSON(t, args...)
	r := rep.Results[0]
	if rep.DurationS != 0.15 || rep.Frames != 0 || r.Frames < 1 || r.ElapsedS < 0.15 {
		t.Errorf("duration %v frames %d: measured %d frames in %vs", rep.DurationS, rep.Frames, r.Frames, r.ElapsedS)
	}
	if goruntime.GOOS != "linux" {
		return
	}
	if rep.CPUs != "0" || r.Threads != 1 {
		t.Errorf("pinned to %q with %d threads, want cpu 0 and 1 thread", rep.CPUs, r.Threads)
	}
	if after, _ := board.ProcessAffinity(); !reflect.DeepEqual(after, before) {
		t.Errorf("affinity after bench = %v, want it restored to %v", after, before)
	}
}

func TestBenchGoBenchFormat(t *testing.T) {
	out, err := runEdgecam(t, "bench", "-alpha", "0.25", "-res", "64", "-frames", "12", "-warmup", "0", "-threads", "1,2", "-format", "gobench")
	if err != nil {
		t.Fatal(err)
	}
	frames := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.HasPrefix(line, "Benchmark") {
			if k, _, ok := strings.Cut(line, ": "); !ok || strings.ContainsAny(k, " \t") {
				t.Errorf("not a configuration line: %q", line)
			}
			continue
		}
		f := strings.Fields(line)
		// name, iterations, then value-unit pairs: ns/op, GMAC/s, allocs/op, B/op
		if len(f) != 10 || f[3] != "ns/op" || f[5] != "GMAC/s" || f[7] != "allocs/op" || f[9] != "B/op" {
			t.Fatalf("benchmark line %q", line)
		}
		n, err1 := strconv.Atoi(f[1])
		ns, err2 := strconv.ParseInt(f[2], 10, 64)
		if err1 != nil || err2 != nil || n < 1 || ns < 1 {
			t.Errorf("benchmark line %q: iterations %d ns/op %d", line, n, ns)
		}
		frames[f[0]] += n
	}
	want := map[string]int{
		"BenchmarkMobileNet/model=mobilenet_v1_0.25_64_float32-1": 12,
		"BenchmarkMobileNet/model=mobilenet_v1_0.25_64_float32-2": 12,
	}
	if !reflect.DeepEqual(frames, want) {
		t.Errorf("frames per benchmark = %v, want %v", frames, want)
	}
	if !strings.Contains(out, "\nkernels: ") || !strings.Contains(out, "\ncpus: all\n") {
		t.Errorf("configuration lines missing:\n%s", out)
	}
	if c := strings.Count(out, "\nBenchmark"); c != 2*gobenchSamples {
		t.Errorf("%d benchmark lines, want %d", c, 2*gobenchSamples)
	}
}

func TestBenchText(t *testing.T) {
	out, err := runEdgecam(t, "bench", "-alpha", "0.25", "-res", "64", "-dtype", "int8", "-frames", "2", "-warmup", "0", "-threads", "1")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"model:    mobilenet_v1_0.25_64_int8", "threads 1: 2 frames", "latency ms: min",
		"p99", "frames/s", "GMAC/s", "allocs/frame", "kernels: ", "pwconv", "share", "throttling seen"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
}

func TestBenchErrors(t *testing.T) {
	usage := [][]string{
		{},
		{"-model", "x.tflite", "-alpha", "0.5"},
		{"-alpha", "0.25", "-format", "xml"},
		{"-alpha", "0.25", "-json", "-format", "text"},
		{"-alpha", "0.25", "-threads", "0"},
		{"-alpha", "0.25", "-threads", "1,x"},
		{"-alpha", "0.25", "-cpus", "3-1"},
		{"-alpha", "0.25", "-dtype", "f16"},
		{"-alpha", "0.25", "-res", "100"},
		{"-alpha", "0.25", "-kernels", "avx9"},
		{"-alpha", "0.25", "-frames", "0"},
		{"-alpha", "0.25", "extra"},
	}
	for _, args := range usage {
		_, err := runEdgecam(t, append([]string{"bench"}, args...)...)
		var ue *usageError
		if !errors.As(err, &ue) {
			t.Errorf("bench %q: err = %v, want a usage error", args, err)
		} else if code := exitCode(err, &bytes.Buffer{}); code != 2 {
			t.Errorf("bench %q: exit %d, want 2", args, code)
		}
	}
	_, err := runEdgecam(t, "bench", "-model", filepath.Join(t.TempDir(), "missing.tflite"))
	var ue *usageError
	if err == nil || errors.As(err, &ue) || !strings.Contains(err.Error(), "missing.tflite") {
		t.Errorf("missing model: err = %v, want an exit-1 error naming the file", err)
	}
	if goruntime.GOOS == "linux" {
		_, err := runEdgecam(t, "bench", "-alpha", "0.25", "-res", "64", "-cpus", "4095")
		if err == nil || errors.As(err, &ue) || !strings.Contains(err.Error(), "cpu 4095 is not one this process may use") {
			t.Errorf("-cpus 4095: err = %v", err)
		}
	}
	var stderr bytes.Buffer
	if code := exitCode(err, &stderr); code != 1 || !strings.HasPrefix(stderr.String(), "edgecam: bench: ") {
		t.Errorf("missing model: exit %d, stderr %q", code, stderr.String())
	}
}
