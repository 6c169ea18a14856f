package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"sync/atomic"

	"github.com/edgecam/edgecam/camera"
	"github.com/edgecam/edgecam/internal/events"
	"github.com/edgecam/edgecam/internal/mqttpub"
	"github.com/edgecam/edgecam/internal/snapshots"
)

// snapshotFlags are -snapshots DIR -snapshots-max BYTES.
type snapshotFlags struct {
	dir string
	max int64
}

// defaultSnapshotsMax is -snapshots-max's default: 100 MB, a few thousand
// 640x480 snapshots.
const defaultSnapshotsMax = 100_000_000

func addSnapshotFlags(fs *flag.FlagSet) *snapshotFlags {
	s := &snapshotFlags{}
	fs.StringVar(&s.dir, "snapshots", "", "write a JPEG of the frame, label drawn, into `dir` at each -on event start")
	fs.Int64Var(&s.max, "snapshots-max", defaultSnapshotsMax, "most `bytes` the snapshots in -snapshots may take; the oldest are removed first")
	return s
}

// validate checks the flags without touching the directory.
func (s *snapshotFlags) validate(fs *flag.FlagSet, w *watchFlags) error {
	if s.dir == "" {
		given := false
		fs.Visit(func(f *flag.Flag) { given = given || f.Name == "snapshots-max" })
		if given {
			return usagef("run: -snapshots-max needs -snapshots DIR")
		}
		return nil
	}
	if !w.watching() {
		return usagef("run: -snapshots needs -on LABEL[,LABEL]: snapshots are taken at event starts")
	}
	if s.max <= 0 {
		return usagef("run: -snapshots-max %d: want a positive number of bytes", s.max)
	}
	return nil
}

// Bounds of the snapshot writer's queues.
const (
	// snapshotFrames is how many frames may wait for their snapshot: a
	// start while both are taken is not photographed (counted as skipped).
	snapshotFrames = 2
	// snapshotEvents is how many events may wait for the writer, to reach
	// MQTT in order after the snapshots before them; beyond it an event is
	// dropped and counted.
	snapshotEvents = 256
)

// snapshotWriter writes a snapshot at each event start, off the inference
// goroutine (encoding and the fsync of each file take milliseconds on a
// Pi), and then hands the event to MQTT with the snapshot's path, so that
// events reach MQTT in order.
type snapshotWriter struct {
	store *snapshots.Store
	pub   *mqttpub.Publisher // nil without -mqtt
	log   *slog.Logger
	// boxes, for a detection model, returns the current frame's detections
	// (runDetector.Boxes), drawn on its snapshots; nil for a classifier.
	boxes func() []snapshots.Box

	jobs   chan snapshotJob
	frames chan []byte // free frame buffers
	done   chan struct{}

	written, skipped, failed, dropped atomic.Uint64
}

type snapshotJob struct {
	e     events.Event
	frame camera.Frame    // a copy, Data from frames; Data nil: no snapshot
	boxes []snapshots.Box // a copy of the frame's detections (detectors)
}

// open opens the directory (creating it, and trimming what earlier runs
// left to the bound) and starts the writer; nil without -snapshots.
func (s *snapshotFlags) open(pub *mqttpub.Publisher, log *slog.Logger) (*snapshotWriter, error) {
	if s.dir == "" {
		return nil, nil
	}
	store, err := snapshots.Open(snapshots.Config{Dir: s.dir, MaxBytes: s.max})
	if err != nil {
		return nil, err
	}
	w := &snapshotWriter{store: store, pub: pub, log: log,
		jobs: make(chan snapshotJob, snapshotEvents), frames: make(chan []byte, snapshotFrames), done: make(chan struct{})}
	for range snapshotFrames {
		w.frames <- nil
	}
	go w.run()
	return w, nil
}

// Event implements eventSink: a start with a frame takes a copy of it, if a
// buffer is free. It never blocks.
func (w *snapshotWriter) Event(e events.Event, frame *camera.Frame) {
	job := snapshotJob{e: e}
	if e.Kind == events.Start && frame != nil {
		select {
		case buf := <-w.frames:
			job.frame = *frame
			job.frame.Data = append(buf[:0], frame.Data...)
			if w.boxes != nil {
				job.boxes = slices.Clone(w.boxes()) // an event start, not every frame
			}
		default:
			w.skipped.Add(1)
			w.log.Debug("snapshot skipped: the writer is still busy with earlier ones", "event", describeEvent(e))
		}
	}
	select {
	case w.jobs <- job:
	default:
		w.dropped.Add(1)
		if job.frame.Data != nil {
			w.frames <- job.frame.Data
		}
		w.log.Error("event dropped: the snapshot writer is stuck", "event", describeEvent(e), "queued", snapshotEvents)
	}
}

func (w *snapshotWriter) run() {
	defer close(w.done)
	for job := range w.jobs {
		path := ""
		if job.frame.Data != nil {
			path = w.write(job)
			w.frames <- job.frame.Data
		}
		if w.pub != nil {
			w.pub.PublishEvent(job.e, path)
		}
	}
}

// write draws and saves one snapshot; "" when it failed (logged, counted).
func (w *snapshotWriter) write(job snapshotJob) string {
	img, err := camera.FrameImage(&job.frame)
	if err == nil {
		text := fmt.Sprintf("%s %.0f%%", job.e.Label, 100*job.e.Score)
		var path string
		path, err = w.store.Save(job.e.Time, job.e.Label, snapshots.Annotate(img, text, job.boxes))
		if err == nil {
			w.written.Add(1)
			return path
		}
	}
	w.failed.Add(1)
	w.log.Warn("snapshot not written", "event", describeEvent(job.e), "err", err)
	return ""
}

// Close lets the writer finish what is queued, while ctx allows; no Event
// may follow.
func (w *snapshotWriter) Close(ctx context.Context) error {
	close(w.jobs)
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("snapshots: %d events were still being written at exit", len(w.jobs)+1)
	}
}

// WriteMetrics writes the snapshot counters in the Prometheus text format.
func (w *snapshotWriter) WriteMetrics(out io.Writer) {
	files, bytes := w.store.Usage()
	fmt.Fprintf(out, "# HELP edgecam_snapshots_total Snapshots at event starts, by outcome.\n# TYPE edgecam_snapshots_total counter\n")
	for _, c := range []struct {
		outcome string
		n       uint64
	}{{"written", w.written.Load()}, {"skipped", w.skipped.Load()}, {"failed", w.failed.Load()}} {
		fmt.Fprintf(out, "edgecam_snapshots_total{outcome=%s} %d\n", strconv.Quote(c.outcome), c.n)
	}
	fmt.Fprintf(out, "# HELP edgecam_snapshot_events_dropped_total Events dropped because the snapshot writer was stuck.\n# TYPE edgecam_snapshot_events_dropped_total counter\nedgecam_snapshot_events_dropped_total %d\n", w.dropped.Load())
	fmt.Fprintf(out, "# HELP edgecam_snapshot_files Snapshot files in the directory.\n# TYPE edgecam_snapshot_files gauge\nedgecam_snapshot_files %d\n", files)
	fmt.Fprintf(out, "# HELP edgecam_snapshot_bytes Bytes the snapshot files take (at most -snapshots-max).\n# TYPE edgecam_snapshot_bytes gauge\nedgecam_snapshot_bytes %d\n", bytes)
}
