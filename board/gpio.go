package board

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"periph.io/x/conn/v3/gpio"
)

// Trigger drives a GPIO pin high while one of its labels is detected and low
// otherwise. It writes the pin only when the level changes.
type Trigger struct {
	pin      gpio.PinOut
	names    map[string]bool // lower-case label names
	indices  map[int]bool    // class indices given as numbers
	minScore float32

	mu    sync.Mutex
	level gpio.Level
	err   error // the first write error
}

// ParseLabelList splits a -on value ("cat,tabby, dog") into trimmed,
// non-empty labels.
func ParseLabelList(s string) ([]string, error) {
	var out []string
	for _, l := range strings.Split(s, ",") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no labels given")
	}
	return out, nil
}

// NewTrigger drives pin for the given labels: class names (matched without
// regard to case, also against each comma-separated synonym of a label file
// entry) or class indices. minScore is the lowest score that counts as
// detected, in [0, 1]. The pin is driven low at once.
func NewTrigger(pin gpio.PinOut, labels []string, minScore float32) (*Trigger, error) {
	if pin == nil {
		return nil, errors.New("gpio: no pin")
	}
	if len(labels) == 0 {
		return nil, errors.New("gpio: no labels to trigger on")
	}
	if !(minScore >= 0 && minScore <= 1) {
		return nil, fmt.Errorf("gpio: min score %v is outside [0, 1]", minScore)
	}
	t := &Trigger{pin: pin, names: map[string]bool{}, indices: map[int]bool{}, minScore: minScore, level: gpio.Low}
	for _, l := range labels {
		if n, err := strconv.Atoi(l); err == nil && n >= 0 {
			t.indices[n] = true
			continue
		}
		t.names[strings.ToLower(strings.TrimSpace(l))] = true
	}
	if err := pin.Out(gpio.Low); err != nil {
		return nil, fmt.Errorf("gpio: drive %s low: %w", pin, err)
	}
	return t, nil
}

// Matches reports whether a class (its index and label name, "" when the
// labels are unknown) with this score is one the trigger watches.
func (t *Trigger) Matches(index int, name string, score float32) bool {
	if score < t.minScore {
		return false
	}
	if t.indices[index] {
		return true
	}
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" {
		return false
	}
	if t.names[name] {
		return true
	}
	for _, syn := range strings.Split(name, ",") {
		if t.names[strings.TrimSpace(syn)] {
			return true
		}
	}
	return false
}

// Set drives the pin high when detected, low otherwise, writing only on a
// change. It returns the level now held.
func (t *Trigger) Set(detected bool) (gpio.Level, error) {
	want := gpio.Level(detected)
	t.mu.Lock()
	defer t.mu.Unlock()
	if want == t.level {
		return t.level, nil
	}
	if err := t.pin.Out(want); err != nil {
		err = fmt.Errorf("gpio: drive %s %s: %w", t.pin, want, err)
		if t.err == nil {
			t.err = err
		}
		return t.level, err
	}
	t.level = want
	return t.level, nil
}

// Err returns the first error met while driving the pin.
func (t *Trigger) Err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// Close drives the pin low and returns the first error seen.
func (t *Trigger) Close() error {
	_, err := t.Set(false)
	return errors.Join(t.Err(), err)
}
