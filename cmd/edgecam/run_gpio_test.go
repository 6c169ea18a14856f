package main

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/board"
	"github.com/edgecam/edgecam/runtime"
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

func parseGPIOFlags(t *testing.T, args ...string) *gpioFlags {
	t.Helper()
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	g := addGPIOFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return g
}

func TestGPIOActionDrivesFakePin(t *testing.T) {
	pin := &recordingPin{PinIO: gpio.INVALID, name: "GPIO17"}
	saved := openGPIOPin
	openGPIOPin = func(name string) (gpio.PinOut, error) {
		if name != "GPIO17" {
			return nil, errors.New("unexpected pin " + name)
		}
		return pin, nil
	}
	t.Cleanup(func() { openGPIOPin = saved })

	act, err := parseGPIOFlags(t, "-gpio", "GPIO17", "-on", "tabby,Egyptian cat", "-min-score", "0.4").open()
	if err != nil || act == nil {
		t.Fatalf("open = %v, %v", act, err)
	}
	labels := []string{"background", "tabby", "tiger cat", "Egyptian cat"}
	act.Observe([]runtime.Class{{Index: 2, Score: 0.9}, {Index: 1, Score: 0.05}}, labels) // low score: low
	act.Observe([]runtime.Class{{Index: 2, Score: 0.5}, {Index: 1, Score: 0.45}}, labels) // tabby: high
	act.Observe([]runtime.Class{{Index: 3, Score: 0.6}}, labels)                          // still high, no write
	act.Observe([]runtime.Class{{Index: 0, Score: 0.99}}, labels)                         // low
	act.Observe([]runtime.Class{{Index: 3, Score: 0.7}}, nil)                             // no labels, no match
	if err := act.Close(); err != nil {
		t.Fatal(err)
	}
	want := []gpio.Level{gpio.Low, gpio.High, gpio.Low}
	if len(pin.levels) != len(want) || pin.levels[0] != want[0] || pin.levels[1] != want[1] || pin.levels[2] != want[2] {
		t.Errorf("levels written = %v, want %v", pin.levels, want)
	}
}

func TestGPIOFlagErrors(t *testing.T) {
	if act, err := parseGPIOFlags(t).open(); act != nil || err != nil {
		t.Errorf("no -gpio: open = %v, %v; want nil, nil", act, err)
	}
	for _, args := range [][]string{
		{"-on", "cat"},
		{"-gpio", "GPIO17"},
		{"-gpio", "GPIO17", "-on", " , "},
		{"-gpio", "GPIO17", "-on", "cat", "-min-score", "1.5"},
	} {
		_, err := parseGPIOFlags(t, args...).open()
		var ue *usageError
		if !errors.As(err, &ue) {
			t.Errorf("%q: err = %v, want a usage error", args, err)
		}
	}
	saved := openGPIOPin
	openGPIOPin = func(name string) (gpio.PinOut, error) {
		return nil, errors.Join(errors.New(`gpio pin "`+name+`"`), board.ErrNoGPIO)
	}
	t.Cleanup(func() { openGPIOPin = saved })
	_, err := parseGPIOFlags(t, "-gpio", "GPIO99", "-on", "cat").open()
	var ue *usageError
	if !errors.Is(err, board.ErrNoGPIO) || errors.As(err, &ue) || !strings.Contains(err.Error(), "GPIO99") {
		t.Errorf("missing GPIO: err = %v, want ErrNoGPIO naming the pin (exit 1)", err)
	}
}
