package main

import (
	"context"
	"fmt"
	"math"
	goruntime "runtime"
	"time"

	"github.com/edgecam/edgecam/board"
	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// measureConfig is what one thread count's measurement needs.
type measureConfig struct {
	threads  int
	level    string
	warmup   int
	frames   int           // used when duration is 0
	duration time.Duration // run until it has elapsed, when positive
	src      board.Source  // for frequency, temperature and throttling
	sample   time.Duration // throttling sample period
	model    *benchModel   // filled from the plan when its Input is nil
}

// The allocation count runs allocBatches batches of allocFrames extra frames.
const (
	allocBatches = 3
	allocFrames  = 5
)

// maxDurationFrames bounds the latency buffer of a -duration run.
const maxDurationFrames = 1 << 20

// measure compiles m for cfg.threads workers and times it: warm-up frames,
// then profiled frames (per-frame wall time and per-layer time), then a few
// plain frames counted for allocations while nothing else runs.
func measure(ctx context.Context, m *tflite.Model, cfg measureConfig) (benchResult, error) {
	res := benchResult{Threads: cfg.threads}
	plan, err := runtime.Compile(m, runtime.Options{Threads: cfg.threads, Kernels: cfg.level})
	if err != nil {
		return res, fmt.Errorf("bench: compile for %d threads: %w", cfg.threads, err)
	}
	defer plan.Close()
	if err := plan.SetInputRGB(testPattern(plan.InputShape())); err != nil {
		return res, fmt.Errorf("bench: set input: %w", err)
	}
	layers := plan.Layers()
	res.Kernels = plan.KernelsByType()
	if cfg.model != nil && cfg.model.Input == nil {
		describePlan(cfg.model, plan, layers)
	}
	res.Start = board.ReadConditions(cfg.src)

	var warmNanos int64
	for i := 0; i < cfg.warmup; i++ {
		t0 := time.Now()
		if err := plan.Run(); err != nil {
			return res, fmt.Errorf("bench: warm-up frame %d: %w", i, err)
		}
		warmNanos += time.Since(t0).Nanoseconds()
		if err := ctx.Err(); err != nil {
			return res, err
		}
	}

	capacity := cfg.frames
	if cfg.duration > 0 {
		capacity = 1024
		if cfg.warmup > 0 && warmNanos > 0 {
			capacity = int(min(2*cfg.duration.Nanoseconds()/(warmNanos/int64(cfg.warmup)+1)+16, maxDurationFrames))
		}
	}
	lat := make([]int64, 0, capacity)
	nanos := make([]int64, len(layers))
	sums := make([]int64, len(layers))

	sampler := startThrottleSampler(cfg.src, cfg.sample)
	start := time.Now()
	for {
		if cfg.duration > 0 {
			// At least one frame, however short the duration.
			if len(lat) > 0 && time.Since(start) >= cfg.duration || len(lat) >= maxDurationFrames {
				break
			}
		} else if len(lat) >= cfg.frames {
			break
		}
		if err := ctx.Err(); err != nil {
			sampler.stop()
			return res, err
		}
		t0 := time.Now()
		if err := plan.RunProfiled(nanos); err != nil {
			sampler.stop()
			return res, fmt.Errorf("bench: frame %d: %w", len(lat), err)
		}
		lat = append(lat, time.Since(t0).Nanoseconds())
		for i, v := range nanos {
			sums[i] += v
		}
	}
	res.ElapsedS = time.Since(start).Seconds()
	res.ThrottleSeen = sampler.stop()
	res.End = board.ReadConditions(cfg.src)
	res.ThrottleSeen = res.ThrottleSeen.Merge(res.Start.Throttle).Merge(res.End.Throttle)

	res.Frames = len(lat)
	res.LatencyMS = summarise(lat)
	res.groups = groupFrames(lat, gobenchSamples)
	var macs int64
	for _, l := range layers {
		macs += l.MACs
	}
	if mean := res.LatencyMS.Mean; mean > 0 {
		res.FPS = 1000 / mean
		res.GMACs = float64(macs) / (mean / 1000) / 1e9
	}
	res.Layers, res.LayerSumMS = layerTable(layers, sums, len(lat))
	if res.LatencyMS.Mean > 0 {
		res.LayerSumRatio = res.LayerSumMS / res.LatencyMS.Mean
	}
	if ms, share, ok := postProcessTime(res.Layers, res.LatencyMS.Mean); ok {
		res.PostProcessMS, res.PostProcessShare = &ms, share
	}

	allocs, bytes, err := countAllocs(plan)
	if err != nil {
		return res, err
	}
	res.AllocsPerFrame, res.BytesPerFrame = allocs, bytes
	return res, nil
}

// groupFrames splits latencies into at most n groups of consecutive frames
// of near equal size.
func groupFrames(lat []int64, n int) []frameGroup {
	n = min(n, len(lat))
	out := make([]frameGroup, n)
	for i, v := range lat {
		g := &out[i*n/len(lat)]
		g.frames++
		g.nanos += v
	}
	return out
}

// describePlan fills the model description from a compiled plan.
func describePlan(bm *benchModel, plan *runtime.Plan, layers []runtime.LayerInfo) {
	h, w, c := plan.InputShape()
	bm.Input = []int{h, w, c}
	bm.DType = plan.InputType().String()
	bm.ArenaBytes = plan.ArenaBytes()
	for _, l := range layers {
		bm.MACs += l.MACs
		bm.Params += l.Params
	}
}

// layerTable turns per-layer nanosecond sums over frames into means.
func layerTable(layers []runtime.LayerInfo, sums []int64, frames int) ([]benchLayer, float64) {
	out := make([]benchLayer, len(layers))
	total := 0.0
	for i, l := range layers {
		ms := 0.0
		if frames > 0 {
			ms = float64(sums[i]) / float64(frames) / 1e6
		}
		total += ms
		out[i] = benchLayer{Index: l.Index, Op: l.Op, Type: l.Type, Kernel: l.Kernel, Out: l.OutShape, MACs: l.MACs, MS: ms}
		if ms > 0 {
			out[i].GMACs = float64(l.MACs) / (ms / 1000) / 1e9
		}
	}
	for i := range out {
		if total > 0 {
			out[i].Share = out[i].MS / total
		}
	}
	return out, total
}

// countAllocs runs allocBatches batches of allocFrames plain frames and
// returns the heap allocations and bytes per frame of the quietest batch.
// The counters are process-wide: a collection is completed first, and the
// minimum over batches keeps finalizers and other background work (which
// may run in any one batch) from being charged to the frames.
func countAllocs(plan *runtime.Plan) (allocs, bytes float64, err error) {
	goruntime.GC()
	allocs, bytes = math.Inf(1), math.Inf(1)
	var before, after goruntime.MemStats
	for b := 0; b < allocBatches; b++ {
		goruntime.ReadMemStats(&before)
		for i := 0; i < allocFrames; i++ {
			if err := plan.Run(); err != nil {
				return 0, 0, fmt.Errorf("bench: allocation frame %d: %w", i, err)
			}
		}
		goruntime.ReadMemStats(&after)
		allocs = math.Min(allocs, float64(after.Mallocs-before.Mallocs)/allocFrames)
		bytes = math.Min(bytes, float64(after.TotalAlloc-before.TotalAlloc)/allocFrames)
	}
	return allocs, bytes, nil
}

// testPattern is a deterministic RGB image of the model's input size: the
// benchmark's speed does not depend on the picture, only its size.
func testPattern(h, w, c int) []byte {
	if c != 3 {
		c = 3
	}
	img := make([]byte, h*w*c)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := (y*w + x) * 3
			img[i], img[i+1], img[i+2] = byte(x*255/max(w-1, 1)), byte(y*255/max(h-1, 1)), byte((x^y)&0xff)
		}
	}
	return img
}
