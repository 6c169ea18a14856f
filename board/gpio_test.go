package board

import (
	"errors"
	"strings"
	"testing"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpioreg"
)

// fakePin is a gpio.PinIO that records every level written and can be told
// to fail. (periph.io's gpiotest.Pin needs a module edgecam does not carry.)
type fakePin struct {
	gpio.PinIO // gpio.INVALID: the methods not overridden fail
	name       string
	writes     []gpio.Level
	failOut    error
}

func (p *fakePin) Name() string   { return p.name }
func (p *fakePin) String() string { return p.name }
func (p *fakePin) Out(l gpio.Level) error {
	if p.failOut != nil {
		return p.failOut
	}
	p.writes = append(p.writes, l)
	return nil
}

func newFakePin(name string) *fakePin { return &fakePin{PinIO: gpio.INVALID, name: name} }

func TestTriggerDrivesPinOnChangesOnly(t *testing.T) {
	pin := newFakePin("GPIO17")
	tr, err := NewTrigger(pin, []string{"Tabby", "281"}, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		index int
		name  string
		score float32
		want  gpio.Level
	}{
		{0, "background", 0.9, gpio.Low},
		{282, "tabby", 0.7, gpio.High},           // by name, case-insensitive
		{282, "tabby", 0.8, gpio.High},           // no second write
		{282, "tabby", 0.3, gpio.Low},            // under min score
		{281, "", 0.6, gpio.High},                // by index, labels unknown
		{9, "tiger cat, tabby", 0.55, gpio.High}, // synonym of a label entry
		{9, "tiger cat", 0.99, gpio.Low},
	}
	for i, s := range steps {
		got, err := tr.Set(tr.Matches(s.index, s.name, s.score))
		if err != nil || got != s.want {
			t.Errorf("step %d (%s %.2f): level %v, %v; want %v", i, s.name, s.score, got, err, s.want)
		}
	}
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	want := []gpio.Level{gpio.Low, gpio.High, gpio.Low, gpio.High, gpio.Low}
	if len(pin.writes) != len(want) {
		t.Fatalf("writes = %v, want %v", pin.writes, want)
	}
	for i := range want {
		if pin.writes[i] != want[i] {
			t.Fatalf("writes = %v, want %v", pin.writes, want)
		}
	}
}

func TestTriggerErrors(t *testing.T) {
	if _, err := NewTrigger(nil, []string{"cat"}, 0.5); err == nil {
		t.Error("nil pin accepted")
	}
	if _, err := NewTrigger(newFakePin("P"), nil, 0.5); err == nil {
		t.Error("no labels accepted")
	}
	for _, s := range []float32{-0.1, 1.5} {
		if _, err := NewTrigger(newFakePin("P"), []string{"cat"}, s); err == nil {
			t.Errorf("min score %v accepted", s)
		}
	}
	broken := newFakePin("GPIO4")
	broken.failOut = errors.New("bus error")
	if _, err := NewTrigger(broken, []string{"cat"}, 0); err == nil || !strings.Contains(err.Error(), "GPIO4") {
		t.Errorf("failing pin: err = %v", err)
	}
	pin := newFakePin("GPIO5")
	tr, err := NewTrigger(pin, []string{"cat"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	pin.failOut = errors.New("bus error")
	if _, err := tr.Set(true); err == nil {
		t.Error("write error not returned")
	}
	if err := tr.Close(); err == nil || !strings.Contains(err.Error(), "bus error") {
		t.Errorf("Close err = %v, want the write error", err)
	}
}

func TestParseLabelList(t *testing.T) {
	got, err := ParseLabelList(" cat, tabby ,,dog")
	if err != nil || strings.Join(got, "|") != "cat|tabby|dog" {
		t.Errorf("ParseLabelList = %q, %v", got, err)
	}
	if _, err := ParseLabelList(" , "); err == nil {
		t.Error("empty label list accepted")
	}
}

func TestOpenPin(t *testing.T) {
	saved := hostInit
	hostInit = func() ([]string, error) { return nil, nil }
	t.Cleanup(func() { hostInit = saved })

	if len(gpioreg.All()) == 0 {
		_, err := OpenPin("GPIO17")
		if !errors.Is(err, ErrNoGPIO) || !strings.Contains(err.Error(), `"GPIO17"`) {
			t.Errorf("OpenPin without GPIO: err = %v, want ErrNoGPIO naming the pin", err)
		}
	}
	fake := newFakePin("EDGECAM_FAKE17")
	if err := gpioreg.Register(fake); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gpioreg.Unregister(fake.name) })

	p, err := OpenPin("EDGECAM_FAKE17")
	if err != nil || p.Name() != "EDGECAM_FAKE17" {
		t.Fatalf("OpenPin(fake) = %v, %v", p, err)
	}
	_, err = OpenPin("GPIO99")
	if err == nil || errors.Is(err, ErrNoGPIO) || !strings.Contains(err.Error(), `"GPIO99" does not exist`) ||
		!strings.Contains(err.Error(), "EDGECAM_FAKE17") {
		t.Errorf("OpenPin(missing) err = %v", err)
	}
	if _, err := OpenPin(" "); err == nil {
		t.Error("empty pin name accepted")
	}
}
