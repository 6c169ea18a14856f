package main

import (
	"errors"
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/edgecam/edgecam/board"
	"periph.io/x/conn/v3/gpio"
)

// recordingPin is a fake gpio.PinIO that records the levels written.
type recordingPin struct {
	gpio.PinIO
	name   string
	levels []gpio.Level
}

func (p *recordingPin) Name() string   { return p.name }
func (p *recordingPin) String() string { return p.name }
func (p *recordingPin) Out(l gpio.Level) error {
	p.levels = append(p.levels, l)
	return nil
}

// parseWatchFlags parses run's -on, -min-score, -on-for, -off-for and -gpio.
func parseWatchFlags(t *testing.T, args ...string) (*watchFlags, *gpioFlags) {
	t.Helper()
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	w, g := addWatchFlags(fs), addGPIOFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return w, g
}

// The pin follows the debounced presence: high at a start, held through a
// dip shorter than -off-for, low at the end, and low when the run ends
// while a label is present.
func TestGPIOFollowsDebouncedPresence(t *testing.T) {
	pin := &recordingPin{PinIO: gpio.INVALID, name: "GPIO17"}
	saved := openGPIOPin
	openGPIOPin = func(name string) (gpio.PinOut, error) {
		if name != "GPIO17" {
			return nil, errors.New("unexpected pin " + name)
		}
		return pin, nil
	}
	t.Cleanup(func() { openGPIOPin = saved })

	wf, gf := parseWatchFlags(t, "-gpio", "GPIO17", "-on", "tabby,Egyptian cat", "-min-score", "0.4", "-off-for", "500ms")
	if err := wf.validate(); err != nil {
		t.Fatal(err)
	}
	labels := []string{"background", "tabby", "tiger cat", "Egyptian cat"}
	w, err := wf.newWatcher(labels, len(labels))
	if err != nil {
		t.Fatal(err)
	}
	act, err := gf.open(w.Labels())
	if err != nil || act == nil {
		t.Fatalf("open = %v, %v", act, err)
	}
	w.pin = act
	t0 := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	steps := []struct {
		ms     int
		scores []float32
		want   []gpio.Level // levels written so far, after the open's low
	}{
		{0, []float32{0, 0.05, 0.9, 0}, nil},                                // tiger cat is not watched
		{100, []float32{0, 0.45, 0.5, 0}, []gpio.Level{gpio.High}},          // tabby starts
		{200, []float32{0.9, 0.1, 0, 0}, []gpio.Level{gpio.High}},           // unseen: falling, still high
		{400, []float32{0, 0, 0, 0.6}, []gpio.Level{gpio.High}},             // Egyptian cat: tabby's dip was short
		{500, []float32{0.99, 0, 0, 0}, []gpio.Level{gpio.High}},            // both unseen from here
		{1000, []float32{0.99, 0, 0, 0}, []gpio.Level{gpio.High, gpio.Low}}, // 500 ms unseen: both end, low
		{1100, []float32{0, 0, 0, 0.7}, []gpio.Level{gpio.High, gpio.Low, gpio.High}},
	}
	for _, s := range steps {
		if _, err := w.Observe(t0.Add(time.Duration(s.ms)*time.Millisecond), s.scores, nil); err != nil {
			t.Fatal(err)
		}
		if want := append([]gpio.Level{gpio.Low}, s.want...); !slices.Equal(pin.levels, want) {
			t.Fatalf("at %d ms: levels written %v, want %v", s.ms, pin.levels, want)
		}
	}
	if evs := w.End(t0.Add(2 * time.Second)); len(evs) != 1 || evs[0].Label != "Egyptian cat" {
		t.Errorf("End: %v, want the end of Egyptian cat", evs)
	}
	if err := act.Close(); err != nil {
		t.Fatal(err)
	}
	if want := []gpio.Level{gpio.Low, gpio.High, gpio.Low, gpio.High, gpio.Low}; !slices.Equal(pin.levels, want) {
		t.Errorf("levels written %v, want %v", pin.levels, want)
	}
	if starts, ends := w.Counts(); starts != 3 || ends != 3 {
		t.Errorf("counts %d starts, %d ends; want 3 and 3", starts, ends)
	}
}

func TestGPIOFlagErrors(t *testing.T) {
	wf, gf := parseWatchFlags(t)
	if act, err := gf.open(nil); act != nil || err != nil || gf.validate(wf) != nil {
		t.Errorf("no -gpio: open = %v, %v; want nil, nil", act, err)
	}
	wf, gf = parseWatchFlags(t, "-gpio", "GPIO17")
	var ue *usageError
	if err := gf.validate(wf); !errors.As(err, &ue) || !strings.Contains(err.Error(), "-gpio needs -on") {
		t.Errorf("-gpio without -on: %v, want a usage error", err)
	}
	for _, args := range [][]string{
		{"-on", " , "},
		{"-on", "cat", "-min-score", "1.5"},
		{"-on", "cat", "-off-for", "-1s"},
		{"-on", "cat", "-on-for", "48h"},
	} {
		wf, _ := parseWatchFlags(t, args...)
		if err := wf.validate(); !errors.As(err, &ue) {
			t.Errorf("%q: err = %v, want a usage error", args, err)
		}
	}
	labels := []string{"background", "tabby"}
	for _, tc := range []struct{ on, want string }{
		{"cat", `watched label "cat" is not in the labels file`},
		{"5", "watched class index 5 is outside the 2 labels"},
	} {
		wf, _ := parseWatchFlags(t, "-on", tc.on)
		if _, err := wf.newWatcher(labels, 2); !errors.As(err, &ue) || !strings.Contains(err.Error(), "-on") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("-on %s: %v, want a usage error naming -on with %q", tc.on, err, tc.want)
		}
	}
	// Without a labels file an index is checked against the model's classes.
	wf, _ = parseWatchFlags(t, "-on", "7")
	if _, err := wf.newWatcher(nil, 5); !errors.As(err, &ue) || !strings.Contains(err.Error(), "class 7 is outside the model's 5 classes") {
		t.Errorf("-on 7 with 5 classes: %v", err)
	}
	saved := openGPIOPin
	openGPIOPin = func(name string) (gpio.PinOut, error) {
		return nil, errors.Join(errors.New(`gpio pin "`+name+`"`), board.ErrNoGPIO)
	}
	t.Cleanup(func() { openGPIOPin = saved })
	_, gf = parseWatchFlags(t, "-gpio", "GPIO99", "-on", "cat")
	_, err := gf.open([]string{"cat"})
	if !errors.Is(err, board.ErrNoGPIO) || errors.As(err, &ue) || !strings.Contains(err.Error(), "GPIO99") {
		t.Errorf("missing GPIO: err = %v, want ErrNoGPIO naming the pin (exit 1)", err)
	}
}
