package events

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// ms is a frame time: t0 plus n milliseconds.
func ms(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }

type frame struct {
	at     int // milliseconds after t0
	scores []float32
}

// every builds frames step ms apart from start, one per score, for one label.
func every(start, step int, scores ...float32) []frame {
	f := make([]frame, len(scores))
	for i, s := range scores {
		f[i] = frame{at: start + i*step, scores: []float32{s}}
	}
	return f
}

// wantEvent is an expected event; times in milliseconds after t0.
type wantEvent struct {
	frame int // index of the frame that emits it
	kind  Kind
	label string
	score float32
	at    int
	since int
}

func (w wantEvent) String() string {
	return fmt.Sprintf("frame %d: %s %s score %v at %d since %d", w.frame, w.kind, w.label, w.score, w.at, w.since)
}

func gotEvent(frame int, e Event) wantEvent {
	return wantEvent{frame, e.Kind, e.Label, e.Score, int(e.Time.Sub(t0) / time.Millisecond), int(e.Since.Sub(t0) / time.Millisecond)}
}

var nan = float32(math.NaN())

func TestDebouncerSequences(t *testing.T) {
	one := []string{"cat"}
	tests := []struct {
		name   string
		cfg    Config
		frames []frame
		want   []wantEvent
	}{
		{
			name:   "start at once, end after off-for",
			cfg:    Config{Labels: one, MinScore: 0.5, OffFor: 2 * time.Second},
			frames: every(0, 500, 0, 0.6, 0.7, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1),
			// below from 1500 ms: 3000 ms is 1.5 s below, 3500 ms is 2 s.
			want: []wantEvent{
				{1, Start, "cat", 0.6, 500, 500},
				{7, End, "cat", 0.7, 3500, 1500},
			},
		},
		{
			name: "on-for restarts after a dip, start score is the run's peak",
			cfg:  Config{Labels: one, MinScore: 0.5, OnFor: time.Second, OffFor: 2 * time.Second},
			// 0..500 seen, 1000 dips, seen again from 1500; 2500 is 1 s into the run.
			frames: every(0, 500, 0.6, 0.6, 0.2, 0.6, 0.9, 0.7, 0.8),
			want:   []wantEvent{{5, Start, "cat", 0.9, 2500, 1500}},
		},
		{
			name:   "on-for boundary: exactly on-for elapsed starts",
			cfg:    Config{Labels: one, MinScore: 0.5, OnFor: 1000 * time.Millisecond},
			frames: every(0, 250, 0.5, 0.5, 0.5, 0.5, 0.5),
			want:   []wantEvent{{4, Start, "cat", 0.5, 1000, 0}},
		},
		{
			name: "flapping under off-for stays one episode",
			cfg:  Config{Labels: one, MinScore: 0.5, OffFor: 2 * time.Second},
			// Alternates every 500 ms, then stays below from 4500 ms; 6500 ms is 2 s later.
			frames: every(0, 500, 0.9, 0.1, 0.6, 0.1, 0.95, 0.1, 0.7, 0.1, 0.6, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1),
			want: []wantEvent{
				{0, Start, "cat", 0.9, 0, 0},
				{13, End, "cat", 0.95, 6500, 4500},
			},
		},
		{
			name:   "flapping with off-for 0 ends and restarts every time",
			cfg:    Config{Labels: one, MinScore: 0.5},
			frames: every(0, 100, 0.9, 0.1, 0.6, 0.1),
			want: []wantEvent{
				{0, Start, "cat", 0.9, 0, 0},
				{1, End, "cat", 0.9, 100, 100},
				{2, Start, "cat", 0.6, 200, 200},
				{3, End, "cat", 0.6, 300, 300},
			},
		},
		{
			name:   "flapping under on-for never starts",
			cfg:    Config{Labels: one, MinScore: 0.5, OnFor: time.Second, OffFor: time.Second},
			frames: every(0, 400, 0.9, 0.9, 0.1, 0.9, 0.9, 0.1, 0.9, 0.9, 0.1),
			want:   nil,
		},
		{
			name:   "NaN counts as below: ends a presence",
			cfg:    Config{Labels: one, MinScore: 0.5, OffFor: time.Second},
			frames: every(0, 500, 0.8, nan, nan, nan),
			want: []wantEvent{
				{0, Start, "cat", 0.8, 0, 0},
				{3, End, "cat", 0.8, 1500, 500},
			},
		},
		{
			name:   "NaN never starts and breaks an on-for run",
			cfg:    Config{Labels: one, MinScore: 0, OnFor: time.Second},
			frames: every(0, 500, nan, 0.3, 0.3, nan, 0.3, 0.3, 0.3),
			want:   []wantEvent{{6, Start, "cat", 0.3, 3000, 2000}},
		},
		{
			name:   "NaN while present does not count as the peak",
			cfg:    Config{Labels: one, MinScore: 0.5},
			frames: every(0, 100, 0.6, nan, 0.7, 0.1),
			want: []wantEvent{
				{0, Start, "cat", 0.6, 0, 0},
				{1, End, "cat", 0.6, 100, 100},
				{2, Start, "cat", 0.7, 200, 200},
				{3, End, "cat", 0.7, 300, 300},
			},
		},
		{
			name: "min score is inclusive, infinities compare as numbers",
			cfg:  Config{Labels: one, MinScore: 0.5},
			frames: []frame{
				{0, []float32{0.49999997}}, {100, []float32{0.5}}, {200, []float32{float32(math.Inf(-1))}},
				{300, []float32{float32(math.Inf(1))}},
			},
			want: []wantEvent{
				{1, Start, "cat", 0.5, 100, 100},
				{2, End, "cat", 0.5, 200, 200},
				{3, Start, "cat", float32(math.Inf(1)), 300, 300},
			},
		},
		{
			name:   "a frame time going backwards counts as no time elapsed",
			cfg:    Config{Labels: one, MinScore: 0.5, OnFor: time.Second},
			frames: []frame{{1000, []float32{0.9}}, {500, []float32{0.9}}, {1900, []float32{0.9}}, {2000, []float32{0.9}}},
			want:   []wantEvent{{3, Start, "cat", 0.9, 2000, 1000}},
		},
		{
			name: "several labels, independent, in label order within a frame",
			cfg:  Config{Labels: []string{"cat", "dog", "person"}, MinScore: 0.5, OnFor: 500 * time.Millisecond, OffFor: time.Second},
			frames: []frame{
				{0, []float32{0.9, 0.1, 0.6}},
				{500, []float32{0.8, 0.7, 0.6}},  // cat and person confirmed, dog rising
				{1000, []float32{0.1, 0.9, 0.2}}, // dog confirmed; cat and person fall
				{1500, []float32{0.1, 0.2, 0.9}}, // person back; dog falls
				{2000, []float32{0.1, 0.2, 0.9}}, // cat ends (1 s below)
				{2500, []float32{0.1, 0.2, 0.1}}, // dog ends; person falls
				{3500, []float32{0.1, 0.2, 0.1}}, // person ends
			},
			want: []wantEvent{
				{1, Start, "cat", 0.9, 500, 0},
				{1, Start, "person", 0.6, 500, 0},
				{2, Start, "dog", 0.9, 1000, 500},
				{4, End, "cat", 0.9, 2000, 1000},
				{5, End, "dog", 0.9, 2500, 1500},
				{6, End, "person", 0.9, 3500, 2500},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := New(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			var got []wantEvent
			for i, f := range tc.frames {
				evs, err := d.Update(ms(f.at), f.scores)
				if err != nil {
					t.Fatalf("frame %d: %v", i, err)
				}
				for _, e := range evs {
					if e.Label != tc.cfg.Labels[e.Watch] {
						t.Errorf("frame %d: event label %q, watch index %d names %q", i, e.Label, e.Watch, tc.cfg.Labels[e.Watch])
					}
					got = append(got, gotEvent(i, e))
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("events:\n got %s\nwant %s", join(got), join(tc.want))
			}
		})
	}
}

func join(ws []wantEvent) string {
	var b strings.Builder
	for _, w := range ws {
		b.WriteString("\n  " + w.String())
	}
	return b.String()
}

// Present and AnyPresent (what a GPIO pin follows) change exactly with the
// events, including through the falling phase.
func TestDebouncerPresence(t *testing.T) {
	d, err := New(Config{Labels: []string{"cat", "dog"}, MinScore: 0.5, OnFor: 200 * time.Millisecond, OffFor: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		at             int
		cat, dog       float32
		wantCat, wantD bool
	}{
		{0, 0.9, 0, false, false},   // rising
		{100, 0.9, 0, false, false}, // still rising
		{200, 0.9, 0.9, true, false},
		{300, 0.1, 0.9, true, false}, // cat falling: still present
		{400, 0.1, 0.9, true, true},
		{600, 0.1, 0.1, false, true}, // cat ends after 300 ms below
		{900, 0.1, 0.1, false, false},
	}
	for _, s := range steps {
		if _, err := d.Update(ms(s.at), []float32{s.cat, s.dog}); err != nil {
			t.Fatal(err)
		}
		if d.Present(0) != s.wantCat || d.Present(1) != s.wantD || d.AnyPresent() != (s.wantCat || s.wantD) {
			t.Errorf("at %d ms: present cat %v dog %v any %v, want %v %v", s.at, d.Present(0), d.Present(1), d.AnyPresent(), s.wantCat, s.wantD)
		}
	}
	if d.Present(-1) || d.Present(2) {
		t.Error("Present is true for an index out of range")
	}
}

func TestEndAll(t *testing.T) {
	d, err := New(Config{Labels: []string{"present", "falling", "rising", "absent"}, MinScore: 0.5, OnFor: time.Second, OffFor: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	frames := [][]float32{
		{0.9, 0.8, 0, 0},
		{0.7, 0.6, 0, 0},    // 1000: first two start
		{0.6, 0.1, 0.9, 0},  // 1500: falling falls, rising rises
		{0.95, 0.1, 0.9, 0}, // 1700
	}
	for i, f := range frames {
		at := []int{0, 1000, 1500, 1700}[i]
		if _, err := d.Update(ms(at), f); err != nil {
			t.Fatal(err)
		}
	}
	var got []wantEvent
	for _, e := range d.EndAll(ms(1800)) {
		got = append(got, gotEvent(-1, e))
	}
	want := []wantEvent{
		{-1, End, "present", 0.95, 1800, 1800},
		{-1, End, "falling", 0.8, 1800, 1500},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("EndAll:\n got %s\nwant %s", join(got), join(want))
	}
	if d.AnyPresent() {
		t.Error("a label is still present after EndAll")
	}
	// The rising label was forgotten: its run starts again from scratch.
	evs, _ := d.Update(ms(2000), []float32{0, 0, 0.9, 0})
	if len(evs) != 0 {
		t.Errorf("after EndAll, a seen frame gave %d events, want 0 (on-for starts again)", len(evs))
	}
	evs, _ = d.Update(ms(3000), []float32{0, 0, 0.9, 0})
	if len(evs) != 1 || evs[0].Label != "rising" || !evs[0].Since.Equal(ms(2000)) {
		t.Errorf("after EndAll: events %+v, want one start of rising since 2000 ms", evs)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{}, "no labels"},
		{Config{Labels: []string{"cat", ""}}, "watched label 1 is empty"},
		{Config{Labels: []string{"cat"}, MinScore: 1.5}, "min score 1.5 is outside [0, 1]"},
		{Config{Labels: []string{"cat"}, MinScore: float32(math.NaN())}, "min score NaN"},
		{Config{Labels: []string{"cat"}, OnFor: -time.Second}, "on-for -1s is negative"},
		{Config{Labels: []string{"cat"}, OffFor: -time.Millisecond}, "off-for -1ms is negative"},
	}
	for _, tc := range tests {
		if _, err := New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want an error containing %q", tc.cfg, err, tc.want)
		}
	}
	d, err := New(Config{Labels: []string{"cat", "dog"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Update(t0, []float32{1}); err == nil || !strings.Contains(err.Error(), "1 scores for 2 watched labels") {
		t.Errorf("Update with 1 score for 2 labels: %v", err)
	}
}

// New copies the labels: changing the caller's slice later changes nothing.
func TestConfigLabelsCopied(t *testing.T) {
	labels := []string{"cat"}
	d, err := New(Config{Labels: labels, MinScore: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	labels[0] = "dog"
	evs, _ := d.Update(t0, []float32{1})
	if len(evs) != 1 || evs[0].Label != "cat" {
		t.Fatalf("events %+v, want a start of cat", evs)
	}
}

// After warm-up an Update allocates nothing, whether or not it emits events.
func TestUpdateAllocs(t *testing.T) {
	d, err := New(Config{Labels: []string{"a", "b", "c"}, MinScore: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	on, off := []float32{0.9, 0.9, 0.9}, []float32{0.1, nan, 0.1}
	n := 0
	allocs := testing.AllocsPerRun(1000, func() {
		s := on
		if n%2 == 1 {
			s = off
		}
		evs, err := d.Update(ms(n), s)
		if err != nil || len(evs) != 3 {
			t.Fatalf("frame %d: %d events, %v; want 3", n, len(evs), err)
		}
		n++
	})
	if allocs != 0 {
		t.Errorf("Update allocates %v times per frame, want 0", allocs)
	}
}

func BenchmarkUpdate(b *testing.B) {
	for _, n := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("labels=%d", n), func(b *testing.B) {
			labels := make([]string, n)
			on, off := make([]float32, n), make([]float32, n)
			for i := range labels {
				labels[i] = fmt.Sprint("l", i)
				on[i], off[i] = 0.9, 0.1
			}
			d, err := New(Config{Labels: labels, MinScore: 0.5, OnFor: 100 * time.Millisecond, OffFor: time.Second})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				s := on
				if (i/50)%2 == 1 {
					s = off
				}
				d.Update(ms(i*33), s)
			}
		})
	}
}
