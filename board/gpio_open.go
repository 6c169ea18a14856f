package board

import (
	"errors"
	"fmt"
	"strings"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpioreg"
)

// ErrNoGPIO is returned when the machine has no GPIO driver edgecam can use.
var ErrNoGPIO = errors.New("GPIO is not available on this machine")

// OpenPin initialises periph.io's host drivers and returns the named pin
// ("GPIO17", "17", or a header alias such as "P1_11"). It fails with
// ErrNoGPIO when no GPIO pins are registered at all, and with an error
// naming the pin when that one does not exist.
func OpenPin(name string) (gpio.PinOut, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, errors.New("gpio: empty pin name")
	}
	_, initErr := hostInit()
	if p := gpioreg.ByName(name); p != nil {
		return p, nil
	}
	all := gpioreg.All()
	if len(all) == 0 {
		if initErr != nil {
			return nil, fmt.Errorf("gpio pin %q: %w (periph.io host init: %v)", name, ErrNoGPIO, initErr)
		}
		return nil, fmt.Errorf("gpio pin %q: %w (no GPIO driver found; on Linux check /dev/gpiochip* permissions)", name, ErrNoGPIO)
	}
	names := make([]string, 0, 8)
	for i, p := range all {
		if i == 8 {
			names = append(names, fmt.Sprintf("and %d more", len(all)-8))
			break
		}
		names = append(names, p.Name())
	}
	return nil, fmt.Errorf("gpio pin %q does not exist (this machine has %s)", name, strings.Join(names, ", "))
}
