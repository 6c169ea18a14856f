package board

import (
	"periph.io/x/conn/v3/gpio/gpioreg"
	"periph.io/x/host/v3"
	"periph.io/x/host/v3/rpi"
)

// Periph is what periph.io found when it initialised its host drivers.
type Periph struct {
	Probed    bool     `json:"probed"`
	RPi       bool     `json:"rpi"`        // periph.io's rpi.Present()
	Drivers   []string `json:"drivers"`    // host drivers that loaded
	GPIOPins  int      `json:"gpio_pins"`  // pins registered in gpioreg
	InitError string   `json:"init_error"` // "" when host.Init succeeded
}

// hostInit is host.Init, replaceable by tests.
var hostInit = func() ([]string, error) {
	st, err := host.Init()
	if st == nil {
		return nil, err
	}
	names := make([]string, 0, len(st.Loaded))
	for _, d := range st.Loaded {
		names = append(names, d.String())
	}
	return names, err
}

// probePeriph initialises periph.io's host drivers (once per process; later
// calls return the same state) and reports what they found.
func probePeriph() Periph {
	p := Periph{Probed: true, RPi: rpi.Present(), Drivers: []string{}}
	names, err := hostInit()
	if err != nil {
		p.InitError = err.Error()
	}
	if names != nil {
		p.Drivers = names
	}
	p.GPIOPins = len(gpioreg.All())
	return p
}
