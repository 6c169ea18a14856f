package main

import (
	"flag"
	"fmt"

	"github.com/edgecam/edgecam/board"
	"github.com/edgecam/edgecam/runtime"
	"periph.io/x/conn/v3/gpio"
)

// gpioFlags are run's GPIO action flags: -gpio PIN -on LABELS -min-score S.
type gpioFlags struct {
	pin      string
	on       string
	minScore float64
}

// gpioAction is what run does with each result when -gpio is given.
type gpioAction interface {
	// Observe takes one result's top classes and the label names (nil when
	// unknown) and drives the pin.
	Observe(top []runtime.Class, labels []string)
	// Close drives the pin low and returns the first error met.
	Close() error
}

// openGPIOPin is board.OpenPin, replaceable by tests with a fake pin.
var openGPIOPin = board.OpenPin

func addGPIOFlags(fs *flag.FlagSet) *gpioFlags {
	g := &gpioFlags{}
	fs.StringVar(&g.pin, "gpio", "", "drive GPIO `pin` (e.g. GPIO17) high while one of the -on labels is detected")
	fs.StringVar(&g.on, "on", "", "comma-separated `labels` (names or class indices) that drive the -gpio pin")
	fs.Float64Var(&g.minScore, "min-score", 0.5, "lowest `score` that counts as detected for -gpio")
	return g
}

// validate checks the flags without opening anything: a usage error for an
// inconsistent combination or a -min-score outside [0, 1] (NaN included),
// whether or not -gpio is given.
func (g *gpioFlags) validate() error {
	if err := checkUnit("run", "min-score", g.minScore); err != nil {
		return err
	}
	if g.pin == "" {
		if g.on != "" {
			return usagef("run: -on needs -gpio PIN")
		}
		return nil
	}
	if g.on == "" {
		return usagef("run: -gpio needs -on LABEL[,LABEL]")
	}
	if _, err := board.ParseLabelList(g.on); err != nil {
		return usagef("run: -on: %v", err)
	}
	return nil
}

// open checks the flags and opens the pin: nil action and nil error without
// -gpio; a usage error for invalid flags (see validate); an error naming the
// pin when it does not exist or GPIO is not available.
func (g *gpioFlags) open() (gpioAction, error) {
	if err := g.validate(); err != nil || g.pin == "" {
		return nil, err
	}
	labels, err := board.ParseLabelList(g.on)
	if err != nil {
		return nil, usagef("run: -on: %v", err)
	}
	pin, err := openGPIOPin(g.pin)
	if err != nil {
		return nil, err
	}
	return newPinAction(pin, labels, float32(g.minScore))
}

func newPinAction(pin gpio.PinOut, labels []string, minScore float32) (*pinAction, error) {
	t, err := board.NewTrigger(pin, labels, minScore)
	if err != nil {
		return nil, fmt.Errorf("gpio pin %s: %w", pin.Name(), err)
	}
	return &pinAction{t: t}, nil
}

// pinAction drives a board.Trigger from classification results.
type pinAction struct{ t *board.Trigger }

func (a *pinAction) Observe(top []runtime.Class, labels []string) {
	detected := false
	for _, c := range top {
		name := ""
		if c.Index >= 0 && c.Index < len(labels) {
			name = labels[c.Index]
		}
		if a.t.Matches(c.Index, name, c.Score) {
			detected = true
			break
		}
	}
	// A write error is kept by the trigger and returned by Close.
	_, _ = a.t.Set(detected)
}

func (a *pinAction) Close() error { return a.t.Close() }
