package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/edgecam/edgecam/camera"
	"github.com/edgecam/edgecam/internal/events"
	"github.com/edgecam/edgecam/internal/mqttpub"
	"github.com/edgecam/edgecam/runtime"
)

// runOutputs are what a run does with each result besides printing and
// serving it: the watched labels (-on) and what their events drive (the
// -gpio pin, -snapshots, MQTT events and presence), and the MQTT state.
// Every field may be nil.
type runOutputs struct {
	watch *watcher
	pin   gpioAction
	pub   *mqttpub.Publisher
	state *mqttState
	snaps *snapshotWriter
	log   *slog.Logger
}

// closeBudget bounds the time the outputs take to close at the end of a
// run: the snapshots still queued, then the events, presence and
// "offline" to MQTT. Whatever MQTT does not get in time, the broker's last
// will says "offline" in its place. It fits in main's stopGrace with the
// stop of the source.
const closeBudget = 500 * time.Millisecond

// openOutputs resolves -on against the model's labels (nil: none) and
// classes, and opens the MQTT publisher, the snapshot directory and the
// GPIO pin, wired so that one debouncer drives them all.
func (o *runOptions) openOutputs(labels []string, classes int, log *slog.Logger) (*runOutputs, error) {
	out := &runOutputs{log: log}
	if err := o.wireOutputs(out, labels, classes); err != nil {
		out.close(time.Now())
		return nil, err
	}
	return out, nil
}

func (o *runOptions) wireOutputs(out *runOutputs, labels []string, classes int) (err error) {
	log := out.log
	var watched []string
	if o.watch.watching() {
		if out.watch, err = o.watch.newWatcher(labels, classes); err != nil {
			return err
		}
		watched = out.watch.Labels()
	}
	if out.pub, err = o.mqtt.open(watched, log); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	if out.pub != nil {
		out.state = &mqttState{pub: out.pub}
	}
	if out.snaps, err = o.snap.open(out.pub, log); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	if out.pin, err = o.gpio.open(watched); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	if out.watch != nil {
		out.watch.pin = out.pin
		switch {
		case out.snaps != nil: // writes each snapshot, then hands its event to MQTT
			out.watch.sink = out.snaps
		case out.pub != nil:
			out.watch.sink = mqttEvents{out.pub}
		}
	}
	return nil
}

// Observe hands one result to the outputs, on the inference goroutine, and
// returns the events it confirmed (valid until the next call).
func (out *runOutputs) Observe(r *camera.Result, scores []float32, top []runtime.Class, labels []string) []events.Event {
	var evs []events.Event
	if out.watch != nil {
		var err error
		if evs, err = out.watch.Observe(r.Capture, scores, r.Frame); err != nil {
			out.log.Error("watched labels not updated", "seq", r.Seq, "err", err)
		}
	}
	if out.state != nil {
		out.state.Publish(r, top, labels)
	}
	return evs
}

// close ends the labels still present at now (through the same outputs:
// MQTT end events and OFF, the pin low) and closes everything within
// closeBudget. Events that could not be delivered in time (a broker away)
// are logged and counted in the summary, not an error of the run: the
// stop itself went as asked. A pin that could not be driven is an error.
func (out *runOutputs) close(now time.Time) error {
	if out.watch != nil {
		out.watch.End(now)
	}
	ctx, cancel := context.WithTimeout(context.Background(), closeBudget)
	defer cancel()
	if out.snaps != nil {
		if err := out.snaps.Close(ctx); err != nil {
			out.log.Warn("snapshots not finished at exit", "err", err)
		}
	}
	if out.pub != nil {
		if err := out.pub.Close(ctx); err != nil {
			out.log.Warn("mqtt not closed cleanly", "err", err)
		}
	}
	if out.pin != nil {
		if err := out.pin.Close(); err != nil {
			return fmt.Errorf("gpio: %w", err)
		}
	}
	return nil
}

// WriteMetrics writes the outputs' counters for /metrics.
func (out *runOutputs) WriteMetrics(w io.Writer) {
	if out.watch != nil {
		starts, ends := out.watch.Counts()
		fmt.Fprintf(w, "# HELP edgecam_events_total Starts and ends of watched labels (-on).\n# TYPE edgecam_events_total counter\n")
		fmt.Fprintf(w, "edgecam_events_total{type=\"start\"} %d\nedgecam_events_total{type=\"end\"} %d\n", starts, ends)
	}
	if out.snaps != nil {
		out.snaps.WriteMetrics(w)
	}
	if out.pub != nil {
		out.pub.Counters().WriteMetrics(w)
	}
}

// printSummary prints what the outputs did, after the run's summary line.
func (out *runOutputs) printSummary(w io.Writer) {
	if out.watch != nil {
		starts, ends := out.watch.Counts()
		fmt.Fprintf(w, "edgecam run: events: %d starts, %d ends\n", starts, ends)
	}
	if s := out.snaps; s != nil {
		files, bytes := s.store.Usage()
		fmt.Fprintf(w, "edgecam run: snapshots: %d written, %d skipped (writer busy), %d failed; %d files, %d bytes in %s\n",
			s.written.Load(), s.skipped.Load(), s.failed.Load(), files, bytes, s.store.Dir())
	}
	if out.pub != nil {
		c := out.pub.Counters()
		fmt.Fprintf(w, "edgecam run: mqtt %s: %d events and %d states sent, %d events dropped, %d connections, %d failed attempts\n",
			out.pub.Name(), c.EventsPublished, c.StatesPublished, c.EventsDropped, c.Connects, c.ConnectFailures)
	}
}
