package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/edgecam/edgecam/camera"
	"github.com/edgecam/edgecam/internal/defaultmodel"
	"github.com/edgecam/edgecam/runtime"
)

var cmdRun = &command{
	Name:  "run",
	Short: "run the camera through the network and stream results",
	Usage: "[-model PATH] [-device /dev/video0 | -source synthetic|PATH|-|exec:COMMAND] [-format F] [-size WxH] [-fps N] [-mean M -std S] [-threads N] [-kernels L] [-top K] [-frames N] [-http ADDR [-http-allow-host NAMES]] [-on LABELS [-min-score S] [-on-for D] [-off-for D] [-gpio PIN] [-snapshots DIR]] [-mqtt URL [-mqtt-name NAME] [-mqtt-user U -mqtt-password-file F]]",
}

// Run is set in init: runRun refers to cmdRun for its usage text.
func init() { cmdRun.Run = runRun }

// runOptions are the parsed flags of `edgecam run`.
type runOptions struct {
	model, labels, httpAddr, allowHosts, logLevel string
	kernels                                       string // a checked level, for runtime.Options
	threads, top, frames, maxClients              int
	threshold                                     float64 // -threshold: detection models
	list                                          bool
	src                                           sourceFlags
	norm                                          *runtime.Normalization // -mean, -std
	in                                            *inputFlags
	watch                                         *watchFlags
	gpio                                          *gpioFlags
	mqtt                                          *mqttFlags
	snap                                          *snapshotFlags
}

// frameJSON is the line printed per result and served at /api/latest.
type frameJSON struct {
	Seq uint64 `json:"seq"` // the source's frame sequence number
	// Frame numbers the results from 1: the one frame counter of the run,
	// the same in /api/latest, /metrics (edgecam_frames_total) and the page.
	Frame   uint64      `json:"frame"`
	Source  string      `json:"source,omitempty"` // the file the frame came from (file sources)
	Capture time.Time   `json:"capture"`
	Top     []classJSON `json:"top"`
	// Detections are a detection model's objects scoring at least
	// -threshold (run_detect.go); absent for a classifier.
	Detections *[]detectionJSON `json:"detections,omitempty"`
	LatencyMS  float64          `json:"latency_ms"`
	Dropped    uint64           `json:"dropped"`
	// NonFinite marks a result whose scores hold NaN or ±Inf (a broken
	// model): such scores are written as null and the frame counts as bad.
	NonFinite bool `json:"non_finite,omitempty"`
	// Events are the starts and ends of -on labels this frame confirmed.
	Events []eventJSON `json:"events,omitempty"`
}

type classJSON struct {
	Index int         `json:"index"`
	Label string      `json:"label"`
	Score jsonFloat32 `json:"score"`
}

// addFlags defines run's flags on fs, into o; it returns -kernels, which
// kernelLevel resolves.
func (o *runOptions) addFlags(fs *flag.FlagSet) (kernels *string) {
	fs.StringVar(&o.model, "model", "", "TFLite model `path` (default: the one built into edgecam, "+defaultmodel.Name+")")
	fs.StringVar(&o.labels, "labels", "", "labels `file` (default: the labels packed in the model, else labels.txt beside it; the embedded model's own labels)")
	fs.StringVar(&o.src.device, "device", "", "V4L2 capture `device` (default /dev/video0 when -source is not given)")
	fs.StringVar(&o.src.source, "source", "", "`synthetic` test pattern; an image, directory, .yuyv, .i420 or .mjpeg file; - for frames on standard input; exec:COMMAND for frames a command writes (restarted when it ends)")
	fs.StringVar(&o.src.size, "size", "", "frame size `WxH` (default 640x480; required for raw streams and recordings)")
	fs.Float64Var(&o.src.fps, "fps", 30, "frame rate, 0.01..1000; 0 replays files and synthetic frames as fast as inference takes them, and has - and exec: producers wait for inference")
	fs.StringVar(&o.src.format, "format", "auto", "pixel `format`: auto, yuyv, mjpeg, nv12, i420, rgb24, grey (required for - and exec:)")
	fs.IntVar(&o.threads, "threads", 0, "inference threads (0: one per core, at most 256)")
	kernels = addKernelsFlag(fs, "kernel `level`")
	fs.IntVar(&o.top, "top", 5, "classes per result")
	fs.Float64Var(&o.threshold, "threshold", defaultDetectThreshold, "detection models: lowest `score` of a detection reported")
	fs.IntVar(&o.frames, "frames", 0, "stop after `N` results (0: until interrupted or the source ends)")
	fs.StringVar(&o.httpAddr, "http", "", "serve the live page, /api/latest, /metrics and /healthz on `addr` (host:port; bare :port means 127.0.0.1)")
	fs.IntVar(&o.maxClients, "http-clients", 4, "maximum simultaneous stream clients (1..64)")
	fs.StringVar(&o.allowHosts, "http-allow-host", "", "comma-separated host `names` the server answers besides the listen address and localhost (Host header check against DNS rebinding)")
	fs.BoolVar(&o.list, "list", false, "list V4L2 devices, formats, sizes and rates, and exit")
	fs.StringVar(&o.logLevel, "log-level", "warn", "log `level`: debug, info, warn, error")
	o.watch = addWatchFlags(fs)
	o.gpio = addGPIOFlags(fs)
	o.snap = addSnapshotFlags(fs)
	o.mqtt = addMQTTFlags(fs)
	o.in = addInputFlags(fs)
	return kernels
}

func runRun(ctx context.Context, e *env, args []string) error {
	e = &env{stdin: e.stdin, stdout: e.stdout, stderr: &syncWriter{w: e.stderr}}
	fs := newFlags(cmdRun, e)
	var o runOptions
	kernelsFlag := o.addFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("run: unexpected arguments %q", fs.Args())
	}
	norm, err := o.in.normalization("run")
	if err != nil {
		return err
	}
	o.norm = norm
	log, err := newLogger(e.stderr, o.logLevel)
	if err != nil {
		return err
	}
	if o.list {
		return listDevices(e.stdout)
	}
	if err := o.validate(fs); err != nil {
		return err
	}
	level, err := kernelLevel("run", fs, *kernelsFlag)
	if err != nil {
		return err
	}
	o.kernels = string(level)
	if err := o.checkInputs(); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	src, err := o.src.build(log, e.stdin)
	if err != nil {
		return err
	}
	return runPipeline(ctx, e, &o, src, log)
}

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, usagef("run: bad -log-level %q", level)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

func label(labels []string, i int) string {
	if i >= 0 && i < len(labels) {
		return labels[i]
	}
	return fmt.Sprintf("class %d", i)
}

// runPipeline loads and compiles the model, opens the outputs and the
// source and runs the pipeline, printing one JSON line per result and
// handing each result to the outputs (HTTP, watched labels and what their
// events drive, MQTT).
func runPipeline(ctx context.Context, e *env, o *runOptions, src camera.Source, log *slog.Logger) error {
	m, modelName, err := loadModel(o.model)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	var labels []string
	if runtime.IsDetector(m) {
		labels, err = detectorLabels(e.stderr, "run", m, o.model, o.labels)
	} else {
		labels, err = labelsForModel(e.stderr, "run", m, o.model, o.labels)
	}
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	plan, err := runtime.Compile(m, runtime.Options{Threads: o.threads, Kernels: o.kernels})
	if err != nil {
		return fmt.Errorf("run: compile %s: %w", modelName, err)
	}
	defer plan.Close()
	if err := plan.SetNormalization(o.norm); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	log.Info("model compiled", "model", filepath.Base(modelName), "kernels", fmt.Sprint(plan.KernelsByType()), "arena_bytes", plan.ArenaBytes())
	h, w, c := plan.InputShape()
	if h != w || c != 3 || h <= 0 {
		return fmt.Errorf("run: model input %dx%dx%d is not a square RGB image", h, w, c)
	}
	det := newRunDetector(plan, labels, o.threshold) // nil for a classifier
	var scores []float32                             // per class: the output, or a detector's best score per class
	if det != nil {
		scores = det.classScores(nil, len(labels))
	} else {
		scores = plan.OutputFloat(nil)
	}
	out, err := o.openOutputs(labels, len(scores), log)
	if err != nil {
		return err
	}
	if det != nil && out.snaps != nil {
		out.snaps.boxes = det.Boxes // snapshots of a detector show its boxes
	}
	if err := src.Open(ctx); err != nil {
		out.close(time.Now())
		return fmt.Errorf("run: %w", err)
	}
	defer src.Close()

	stats := newRunStats()
	var srv *httpServer
	p := &camera.Pipeline{Source: src, Res: h, MaxFrames: o.frames, Log: log, Pull: o.src.pull(), Framing: runFraming(plan)}
	if o.httpAddr != "" {
		hosts, err := parseAllowHosts(o.allowHosts)
		if err != nil {
			out.close(time.Now())
			return err
		}
		srv, err = startHTTP(httpConfig{addr: o.httpAddr, maxClients: o.maxClients, allowHosts: hosts, res: h, metrics: out.WriteMetrics}, &p.Stats, stats, log)
		if err != nil {
			out.close(time.Now())
			return fmt.Errorf("run: %w", err)
		}
		defer srv.Close()
		fmt.Fprintf(e.stderr, "edgecam run: serving http://%s/\n", srv.Addr())
	}
	top := make([]runtime.Class, 0, o.top)
	line := frameJSON{Top: make([]classJSON, 0, o.top)}
	enc := json.NewEncoder(e.stdout)
	var werr error
	p.Infer = func(input []byte) error {
		if err := plan.SetInputRGB(input); err != nil {
			return err
		}
		return plan.Run()
	}
	p.OnResult = func(r *camera.Result) {
		var classes []runtime.Class // what GPIO sees: the top classes, or the detections
		if det != nil {
			var finite bool
			classes, finite = det.read(&line)
			scores = det.classScores(scores, len(labels))
			line.NonFinite = !finite
		} else {
			top = plan.TopK(o.top, top)
			scores = plan.OutputFloat(scores)
			line.NonFinite = !allFinite(scores)
			classes = top
		}
		stats.Record(r.Latency)
		if line.NonFinite {
			stats.RecordNonFinite()
		}
		line.Frame++
		line.Seq, line.Capture, line.Dropped = r.Seq, r.Capture.UTC(), r.Dropped
		line.Source = r.Frame.Name
		line.LatencyMS = float64(r.Latency.Microseconds()) / 1000
		line.Top = line.Top[:0]
		for _, t := range top {
			line.Top = append(line.Top, classJSON{Index: t.Index, Label: label(labels, t.Index), Score: jsonFloat32(t.Score)})
		}
		line.Events = eventLines(line.Events, out.Observe(r, scores, classes, labels))
		if werr == nil {
			werr = enc.Encode(&line)
		}
		if srv != nil {
			srv.Publish(&line, r.Input)
		}
	}
	start, cpu0 := time.Now(), processCPU()
	err = p.Run(ctx)
	elapsed, cpu := time.Since(start), processCPU()-cpu0
	printSummary(e.stderr, &p.Stats, stats, elapsed, cpu)
	cerr := out.close(time.Now())
	out.printSummary(e.stderr)
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("run: %w", err)
	}
	if werr != nil {
		return fmt.Errorf("run: write results: %w", werr)
	}
	if cerr != nil {
		return fmt.Errorf("run: %w", cerr)
	}
	return nil
}

// printSummary prints the end-of-run line: frames, drops, latency
// percentiles, throughput and process CPU time per inferred frame (a figure
// that holds on a loaded machine, where wall-clock fps does not).
func printSummary(w io.Writer, st *camera.Stats, rs *runStats, elapsed, cpu time.Duration) {
	pc := rs.Percentiles(50, 90, 99)
	n := st.Processed.Load()
	fps := 0.0
	if elapsed > 0 {
		fps = float64(n) / elapsed.Seconds()
	}
	cpuPerFrame := 0.0
	if n > 0 {
		cpuPerFrame = float64(cpu.Microseconds()) / 1000 / float64(n)
	}
	fmt.Fprintf(w, "edgecam run: %d frames, %d captured, %d dropped (%d stale, %d bad), %d timeouts, %d bad results (NaN or Inf scores), latency ms p50 %.1f p90 %.1f p99 %.1f, %.1f fps over %.1fs, cpu %.1f ms/frame\n",
		n, st.Captured.Load(), st.Dropped(), st.Stale.Load(), st.Bad.Load(), st.Timeouts.Load(), rs.NonFinite(), pc[0], pc[1], pc[2], fps, elapsed.Seconds(), cpuPerFrame)
}

// listDevices prints the V4L2 devices and what they offer.
func listDevices(w io.Writer) error {
	devs, err := camera.ListDevices()
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	if len(devs) == 0 {
		fmt.Fprintln(w, "no V4L2 capture devices")
		return nil
	}
	for _, d := range devs {
		fmt.Fprintf(w, "%s: %s\n", d.Path, d.Name)
		for _, c := range d.Caps {
			rates := make([]string, len(c.FPS))
			for i, f := range c.FPS {
				rates[i] = fmt.Sprintf("%g", f)
			}
			fmt.Fprintf(w, "  %-6v %5dx%-5d fps %s\n", c.Format, c.Width, c.Height, strings.Join(rates, ","))
		}
	}
	return nil
}
