package main

import (
	"flag"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/edgecam/edgecam/board"
	"github.com/edgecam/edgecam/camera"
	"github.com/edgecam/edgecam/internal/events"
	"github.com/edgecam/edgecam/runtime"
)

// watchFlags are the flags that make run watch labels: -on LABELS
// -min-score S -on-for D -off-for D. The debounced presence they define
// drives every output: the -gpio pin, MQTT events and presence, snapshots
// and the "events" of the JSON lines.
type watchFlags struct {
	on            string
	minScore      float64
	onFor, offFor time.Duration
}

// maxDebounce bounds -on-for and -off-for.
const maxDebounce = 24 * time.Hour

func addWatchFlags(fs *flag.FlagSet) *watchFlags {
	w := &watchFlags{}
	fs.StringVar(&w.on, "on", "", "comma-separated `labels` (names or class indices) to watch: their start and end drive -gpio, -mqtt events and -snapshots")
	fs.Float64Var(&w.minScore, "min-score", 0.5, "lowest `score` that counts as seen for -on")
	fs.DurationVar(&w.onFor, "on-for", events.DefaultOnFor, "a watched label starts once seen for this `duration`")
	fs.DurationVar(&w.offFor, "off-for", events.DefaultOffFor, "a watched label ends once unseen for this `duration`")
	return w
}

// validate checks the flags without the model: -min-score in [0, 1] (NaN
// is not) and the durations, whether or not -on is given.
func (w *watchFlags) validate() error {
	if err := checkUnit("run", "min-score", w.minScore); err != nil {
		return err
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"on-for", w.onFor}, {"off-for", w.offFor}} {
		if d.v < 0 || d.v > maxDebounce {
			return usagef("run: -%s %v: want 0 to %v", d.name, d.v, maxDebounce)
		}
	}
	if w.on != "" {
		if _, err := board.ParseLabelList(w.on); err != nil {
			return usagef("run: -on: %v", err)
		}
	}
	return nil
}

// watching reports whether -on names labels.
func (w *watchFlags) watching() bool { return w.on != "" }

// newWatcher resolves -on against the model's labels (nil: none) and its
// number of classes; an unknown name or an index past the classes is a
// usage error naming -on.
func (w *watchFlags) newWatcher(labels []string, classes int) (*watcher, error) {
	names, err := board.ParseLabelList(w.on)
	if err != nil {
		return nil, usagef("run: -on: %v", err)
	}
	m, err := events.NewMatcher(names, labels)
	if err != nil {
		return nil, usagef("run: -on: %v", err)
	}
	for i := range names {
		for _, c := range m.Classes(i) {
			if c >= classes {
				return nil, usagef("run: -on %s: class %d is outside the model's %d classes", names[i], c, classes)
			}
		}
	}
	d, err := events.New(events.Config{Labels: m.Labels(), MinScore: float32(w.minScore), OnFor: w.onFor, OffFor: w.offFor})
	if err != nil {
		return nil, usagef("run: %v", err)
	}
	return &watcher{matcher: m, deb: d}, nil
}

// watcher is the one place that decides presence: it feeds each result's
// scores of the watched labels to one Debouncer and hands every event it
// emits, in order, to the outputs. It runs on the inference goroutine.
type watcher struct {
	matcher *events.Matcher
	deb     *events.Debouncer

	pin   gpioAction       // nil without -gpio
	sink  eventSink        // MQTT and snapshots; nil without either
	all   []runtime.Class  // every class of the frame, reused
	seen  []float32        // per watched label, reused
	count [2]atomic.Uint64 // events emitted: starts, ends
}

// eventSink takes the events of a run in order, with the frame that caused
// each (nil for the ends at stop), on the inference goroutine; it must not
// block.
type eventSink interface {
	Event(e events.Event, frame *camera.Frame)
}

// Labels are the watched labels, as given to -on.
func (w *watcher) Labels() []string { return w.matcher.Labels() }

// Observe advances presence by one result: scores are the model's output
// (every class), frame the frame it was computed from and now its capture
// time. It returns the events of this frame, valid until the next call.
func (w *watcher) Observe(now time.Time, scores []float32, frame *camera.Frame) ([]events.Event, error) {
	if cap(w.all) < len(scores) {
		w.all = make([]runtime.Class, len(scores))
	}
	w.all = w.all[:len(scores)]
	for i, s := range scores {
		w.all[i] = runtime.Class{Index: i, Score: s}
	}
	w.seen = w.matcher.Scores(w.seen, w.all)
	evs, err := w.deb.Update(now, w.seen)
	if err != nil {
		return nil, err
	}
	w.emit(evs, frame)
	return evs, nil
}

// End ends every present label at now, as the run stops, and drives the
// pin low through the same path.
func (w *watcher) End(now time.Time) []events.Event {
	evs := w.deb.EndAll(now)
	w.emit(evs, nil)
	return evs
}

func (w *watcher) emit(evs []events.Event, frame *camera.Frame) {
	for _, e := range evs {
		w.count[e.Kind-events.Start].Add(1)
		if w.sink != nil {
			w.sink.Event(e, frame)
		}
	}
	if w.pin != nil {
		w.pin.Follow(w.deb.AnyPresent())
	}
}

// Counts returns how many events started and ended watched labels so far.
func (w *watcher) Counts() (starts, ends uint64) { return w.count[0].Load(), w.count[1].Load() }

// Present reports whether watched label i is present. Called on the
// inference goroutine only.
func (w *watcher) Present(i int) bool { return w.deb.Present(i) }

// eventJSON is one event in a result line.
type eventJSON struct {
	Type  string      `json:"type"` // "start" or "end"
	Label string      `json:"label"`
	Score jsonFloat32 `json:"score"`
	Since time.Time   `json:"since"`
}

func eventLines(dst []eventJSON, evs []events.Event) []eventJSON {
	dst = dst[:0]
	for _, e := range evs {
		dst = append(dst, eventJSON{Type: e.Kind.String(), Label: e.Label, Score: jsonFloat32(e.Score), Since: e.Since.UTC()})
	}
	return dst
}

// describeEvent is an event as a log value.
func describeEvent(e events.Event) string {
	return fmt.Sprintf("%s %s (score %.2f)", e.Kind, e.Label, e.Score)
}
