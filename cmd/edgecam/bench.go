package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/edgecam/edgecam/board"
	"github.com/edgecam/edgecam/internal/svgplot"
)

var cmdBench = &command{
	Name:  "bench",
	Short: "benchmark per-frame latency",
	Usage: "(-model PATH | -alpha A -res R -dtype f32|int8) [-threads N[,N...]] [-frames N | -duration D]\n" +
		"\t[-warmup N] [-kernels " + levelChoices("|") + "] [-cpus LIST] [-format text|json|gobench] [-json] [-plot out.svg]",
}

// Run is set in init: runBench refers to cmdBench for its usage text.
func init() { cmdBench.Run = runBench }

// throttleSamplePeriod is how often bench polls the throttling state.
const throttleSamplePeriod = 500 * time.Millisecond

func runBench(ctx context.Context, e *env, args []string) error {
	fs := newFlags(cmdBench, e)
	var mf benchModelFlags
	fs.StringVar(&mf.path, "model", "", "TFLite model `file`")
	fs.Float64Var(&mf.alpha, "alpha", 1, "width multiplier of a synthetic MobileNet-V1 (instead of -model)")
	fs.IntVar(&mf.res, "res", 224, "input resolution of the synthetic model, a multiple of 32")
	fs.StringVar(&mf.dtype, "dtype", "f32", "synthetic model type: f32 or int8")
	threadsFlag := fs.String("threads", "", "worker `counts` to sweep, e.g. 1,2,4 (default: one per usable core)")
	frames := fs.Int("frames", 50, "measured `frames` per thread count")
	duration := fs.Duration("duration", 0, "measure for this long per thread count instead of -frames")
	warmup := fs.Int("warmup", 5, "unmeasured warm-up `frames`")
	level := addKernelsFlag(fs, "kernel `level`")
	cpusFlag := fs.String("cpus", "", "pin the process to these `cpus` (e.g. 0-3 or 2,3; Linux only)")
	format := fs.String("format", "text", "output `format`: text, json or gobench")
	asJSON := fs.Bool("json", false, "same as -format json")
	plotPath := fs.String("plot", "", "write a per-layer time chart to this SVG `file`")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("bench: unexpected arguments %q", fs.Args())
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *asJSON {
		if set["format"] && *format != "json" {
			return usagef("bench: -json conflicts with -format %s", *format)
		}
		*format = "json"
	}
	switch *format {
	case "text", "json", "gobench":
	default:
		return usagef("bench: -format %q: want text, json or gobench", *format)
	}
	if *frames < 1 || *frames > maxDurationFrames || *warmup < 0 || *warmup > maxDurationFrames || *duration < 0 {
		return usagef("bench: -frames must be 1..%d, -warmup 0..%d and -duration not negative", maxDurationFrames, maxDurationFrames)
	}
	want, err := kernelLevel("bench", fs, *level)
	if err != nil {
		return err
	}

	cpuDesc := "all"
	usable := goruntime.NumCPU()
	if *cpusFlag != "" {
		cpus, err := board.ParseCPUList(*cpusFlag)
		if err != nil {
			return usagef("bench: -cpus: %v", err)
		}
		restore, err := pinProcess(cpus)
		if err != nil {
			return fmt.Errorf("bench: -cpus %s: %w", *cpusFlag, err)
		}
		defer restore()
		cpuDesc, usable = board.FormatCPUList(cpus), len(cpus)
	}
	threads, err := parseThreads(*threadsFlag, usable)
	if err != nil {
		return usagef("bench: -threads: %v", err)
	}

	m, name, err := mf.load(set)
	if err != nil {
		return err
	}
	src := boardSource()
	src.Periph = nil // GPIO drivers are irrelevant to speed
	rep := benchReport{
		Board: board.Detect(src), KernelLevel: string(want), CPUs: cpuDesc, Warmup: *warmup,
		GoVersion: goruntime.Version(), GOMAXPROCS: goruntime.GOMAXPROCS(0),
	}
	if *duration > 0 {
		rep.DurationS = duration.Seconds()
	} else {
		rep.Frames = *frames
	}
	rep.Model = benchModel{Name: name, Source: "builder"}
	if mf.path != "" {
		rep.Model.Source = mf.path
	}
	for _, th := range threads {
		r, err := measure(ctx, m, measureConfig{
			threads: th, level: string(want), warmup: *warmup, frames: *frames, duration: *duration,
			src: src, sample: throttleSamplePeriod, model: &rep.Model,
		})
		if err != nil {
			return err
		}
		r.PeakRSS = board.ReadPeakRSS(os.DirFS("/"))
		rep.Results = append(rep.Results, r)
	}
	rep.PeakRSS = board.ReadPeakRSS(os.DirFS("/"))

	if *plotPath != "" {
		if err := svgplot.WriteFile(*plotPath, layerChart(&rep)); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(&rep)
	case "gobench":
		return writeGoBench(e.stdout, &rep)
	}
	return writeBenchText(e.stdout, &rep)
}

// parseThreads parses "1,2,4"; empty means one per usable core.
func parseThreads(s string, usable int) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return []int{max(usable, 1)}, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 256 {
			return nil, fmt.Errorf("bad thread count %q (want 1..256)", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// pinProcess pins the whole process to cpus and returns a function that
// restores the previous affinity and GOMAXPROCS.
func pinProcess(cpus []int) (func(), error) {
	before, err := board.ProcessAffinity()
	if err != nil {
		return nil, err
	}
	for _, c := range cpus {
		if !slices.Contains(before, c) {
			return nil, fmt.Errorf("cpu %d is not one this process may use (%s)", c, board.FormatCPUList(before))
		}
	}
	if err := board.SetProcessAffinity(cpus); err != nil {
		return nil, err
	}
	procs := goruntime.GOMAXPROCS(0)
	if len(cpus) < procs {
		goruntime.GOMAXPROCS(len(cpus))
	}
	return func() {
		goruntime.GOMAXPROCS(procs)
		_ = board.SetProcessAffinity(before)
	}, nil
}
