package main

import (
	"flag"
	"fmt"

	"github.com/edgecam/edgecam/board"
	"periph.io/x/conn/v3/gpio"
)

// gpioFlags is run's -gpio PIN: a pin high while any -on label is present.
type gpioFlags struct {
	pin string
}

// gpioAction is what run does with the debounced presence when -gpio is
// given.
type gpioAction interface {
	// Follow drives the pin high while any watched label is present.
	Follow(present bool)
	// Close drives the pin low and returns the first error met.
	Close() error
}

// openGPIOPin is board.OpenPin, replaceable by tests with a fake pin.
var openGPIOPin = board.OpenPin

func addGPIOFlags(fs *flag.FlagSet) *gpioFlags {
	g := &gpioFlags{}
	fs.StringVar(&g.pin, "gpio", "", "drive GPIO `pin` (e.g. GPIO17) high while one of the -on labels is present")
	return g
}

// validate checks the flags without opening anything: -gpio needs -on.
func (g *gpioFlags) validate(w *watchFlags) error {
	if g.pin != "" && !w.watching() {
		return usagef("run: -gpio needs -on LABEL[,LABEL]")
	}
	return nil
}

// open opens the pin and drives it low: nil action and nil error without
// -gpio; an error naming the pin when it does not exist or GPIO is not
// available. labels are the watched labels.
func (g *gpioFlags) open(labels []string) (gpioAction, error) {
	if g.pin == "" {
		return nil, nil
	}
	pin, err := openGPIOPin(g.pin)
	if err != nil {
		return nil, err
	}
	return newPinAction(pin, labels)
}

func newPinAction(pin gpio.PinOut, labels []string) (*pinAction, error) {
	// The trigger only drives the pin (Set): presence is decided by the
	// run's debouncer, so its own score matching is not used.
	t, err := board.NewTrigger(pin, labels, 0)
	if err != nil {
		return nil, fmt.Errorf("gpio pin %s: %w", pin.Name(), err)
	}
	return &pinAction{t: t}, nil
}

// pinAction drives a board.Trigger from the debounced presence.
type pinAction struct{ t *board.Trigger }

// Follow writes the pin on a change only; a write error is kept by the
// trigger and returned by Close.
func (a *pinAction) Follow(present bool) { _, _ = a.t.Set(present) }

func (a *pinAction) Close() error { return a.t.Close() }
