package events

import (
	"errors"
	"fmt"
	"time"
)

// Defaults of the run flags -on-for and -off-for.
const (
	DefaultOnFor  = 0
	DefaultOffFor = 2 * time.Second
)

// Config is what a Debouncer watches and how long a change must hold. The
// durations are taken as given: zero means "at the first frame".
type Config struct {
	Labels   []string      // watched labels; scores passed to Update follow this order
	MinScore float32       // a score at or above this counts as seen, in [0, 1]
	OnFor    time.Duration // how long a label must stay seen before it starts
	OffFor   time.Duration // how long it must stay unseen before it ends
}

// phase is where one label stands in its debounce state machine.
type phase uint8

const (
	absent  phase = iota // not present, not seen at the last frame
	rising               // not present yet, seen since track.since
	present              // present, seen at the last frame
	falling              // still present, unseen since track.since
)

type track struct {
	phase phase
	since time.Time // start of the rising or falling run
	peak  float32   // highest score of the current episode
}

// Debouncer holds the presence state of every watched label. It is driven by
// Update once per frame with that frame's time; it reads no clock itself, so
// time is whatever the caller says (capture time, or a fake clock in tests).
// A Debouncer is not safe for concurrent use.
type Debouncer struct {
	cfg    Config
	tracks []track
	out    []Event // reused by Update and EndAll
}

// New checks cfg and returns a Debouncer with every label absent.
func New(cfg Config) (*Debouncer, error) {
	if len(cfg.Labels) == 0 {
		return nil, errors.New("events: no labels to watch")
	}
	for i, l := range cfg.Labels {
		if l == "" {
			return nil, fmt.Errorf("events: watched label %d is empty", i)
		}
	}
	if !(cfg.MinScore >= 0 && cfg.MinScore <= 1) {
		return nil, fmt.Errorf("events: min score %v is outside [0, 1]", cfg.MinScore)
	}
	if cfg.OnFor < 0 {
		return nil, fmt.Errorf("events: on-for %v is negative", cfg.OnFor)
	}
	if cfg.OffFor < 0 {
		return nil, fmt.Errorf("events: off-for %v is negative", cfg.OffFor)
	}
	cfg.Labels = append([]string(nil), cfg.Labels...)
	n := len(cfg.Labels)
	return &Debouncer{cfg: cfg, tracks: make([]track, n), out: make([]Event, 0, n)}, nil
}

// Labels returns the watched labels, in the order Update expects scores.
func (d *Debouncer) Labels() []string { return d.cfg.Labels }

// Update advances every label by one frame taken at now, with scores[i] the
// score of Labels()[i] in that frame. A NaN score counts as below the
// minimum. It returns the events the frame caused, at most one per label, in
// label order; the slice is reused by the next call to Update or EndAll.
// Update does not allocate.
//
// Durations are measured between frame times: a label starts at the first
// frame whose time is at least OnFor after the first frame of an unbroken
// run of frames at or above the minimum, and ends at the first frame at least
// OffFor after the first frame of an unbroken run below it. A frame time
// earlier than the start of the current run counts as no time elapsed.
func (d *Debouncer) Update(now time.Time, scores []float32) ([]Event, error) {
	if len(scores) != len(d.tracks) {
		return nil, fmt.Errorf("events: %d scores for %d watched labels", len(scores), len(d.tracks))
	}
	d.out = d.out[:0]
	for i, s := range scores {
		d.step(i, now, s)
	}
	return d.out, nil
}

func (d *Debouncer) step(i int, now time.Time, score float32) {
	t := &d.tracks[i]
	seen := score >= d.cfg.MinScore // false for NaN
	switch t.phase {
	case absent:
		if !seen {
			return
		}
		t.phase, t.since, t.peak = rising, now, score
		d.confirmStart(i, now)
	case rising:
		if !seen {
			t.phase = absent
			return
		}
		t.peak = max(t.peak, score)
		d.confirmStart(i, now)
	case present:
		if seen {
			t.peak = max(t.peak, score)
			return
		}
		t.phase, t.since = falling, now
		d.confirmEnd(i, now)
	case falling:
		if seen {
			t.phase = present
			t.peak = max(t.peak, score)
			return
		}
		d.confirmEnd(i, now)
	}
}

// confirmStart turns a rising label present once it has been seen for OnFor.
func (d *Debouncer) confirmStart(i int, now time.Time) {
	t := &d.tracks[i]
	if now.Sub(t.since) < d.cfg.OnFor {
		return
	}
	t.phase = present
	d.out = append(d.out, Event{Kind: Start, Label: d.cfg.Labels[i], Watch: i, Score: t.peak, Time: now, Since: t.since})
}

// confirmEnd turns a falling label absent once it has been unseen for OffFor.
func (d *Debouncer) confirmEnd(i int, now time.Time) {
	t := &d.tracks[i]
	if now.Sub(t.since) < d.cfg.OffFor {
		return
	}
	d.out = append(d.out, Event{Kind: End, Label: d.cfg.Labels[i], Watch: i, Score: t.peak, Time: now, Since: t.since})
	*t = track{}
}

// EndAll ends every present label at now, as when the run stops, and forgets
// labels that were rising. An End for a label still being seen has Since ==
// now. The slice is reused by the next call to Update or EndAll.
func (d *Debouncer) EndAll(now time.Time) []Event {
	d.out = d.out[:0]
	for i := range d.tracks {
		t := &d.tracks[i]
		switch t.phase {
		case present:
			t.since = now
			fallthrough
		case falling:
			d.out = append(d.out, Event{Kind: End, Label: d.cfg.Labels[i], Watch: i, Score: t.peak, Time: now, Since: t.since})
		}
		*t = track{}
	}
	return d.out
}

// Present reports whether watched label i is present (started and not yet
// ended). It is false for an index out of range.
func (d *Debouncer) Present(i int) bool {
	if i < 0 || i >= len(d.tracks) {
		return false
	}
	p := d.tracks[i].phase
	return p == present || p == falling
}

// AnyPresent reports whether any watched label is present: the level a GPIO
// pin driven by the events follows.
func (d *Debouncer) AnyPresent() bool {
	for i := range d.tracks {
		if d.Present(i) {
			return true
		}
	}
	return false
}
