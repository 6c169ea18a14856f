package main

import (
	"flag"
	"log/slog"
	"strings"
	"time"

	"github.com/edgecam/edgecam/board"
	"github.com/edgecam/edgecam/camera"
	"github.com/edgecam/edgecam/internal/events"
	"github.com/edgecam/edgecam/internal/mqttpub"
	"github.com/edgecam/edgecam/runtime"
)

// mqttFlags are run's MQTT flags. The password is never a flag value: it is
// read from a file or an environment variable.
type mqttFlags struct {
	broker, name, user, passwordFile, passwordEnv string
	interval                                      time.Duration
}

// maxMQTTInterval bounds -mqtt-interval.
const maxMQTTInterval = time.Hour

func addMQTTFlags(fs *flag.FlagSet) *mqttFlags {
	m := &mqttFlags{}
	fs.StringVar(&m.broker, "mqtt", "", "publish to the MQTT `broker` tcp://HOST[:1883] or ssl://HOST[:8883] (Home Assistant discovery, state, -on events)")
	fs.StringVar(&m.name, "mqtt-name", "", "camera `name` in MQTT topics and Home Assistant: letters, digits, _ and - (default: the host name)")
	fs.StringVar(&m.user, "mqtt-user", "", "MQTT user `name`")
	fs.StringVar(&m.passwordFile, "mqtt-password-file", "", "read the MQTT password from `file` (one trailing newline dropped)")
	fs.StringVar(&m.passwordEnv, "mqtt-password-env", "", "read the MQTT password from the environment `variable`")
	fs.DurationVar(&m.interval, "mqtt-interval", mqttpub.DefaultInterval, "least `time` between two MQTT state messages")
	return m
}

// given reports whether -mqtt is set.
func (m *mqttFlags) given() bool { return m.broker != "" }

// validate checks the flags without connecting or reading the password.
func (m *mqttFlags) validate(fs *flag.FlagSet) error {
	if !m.given() {
		var others []string
		fs.Visit(func(f *flag.Flag) {
			if strings.HasPrefix(f.Name, "mqtt-") {
				others = append(others, "-"+f.Name)
			}
		})
		if len(others) > 0 {
			return usagef("run: %s needs -mqtt tcp://HOST:1883", others[0])
		}
		return nil
	}
	if _, err := mqttpub.ParseBroker(m.broker); err != nil {
		return usagef("run: -mqtt: %v", err)
	}
	if m.name != "" {
		if s := mqttpub.SanitizeName(m.name); s != m.name {
			return usagef("run: -mqtt-name %q may hold only letters, digits, _ and - (try %q)", m.name, s)
		}
	}
	if m.passwordFile != "" && m.passwordEnv != "" {
		return usagef("run: give -mqtt-password-file or -mqtt-password-env, not both")
	}
	if (m.passwordFile != "" || m.passwordEnv != "") && m.user == "" {
		return usagef("run: an MQTT password needs -mqtt-user")
	}
	if m.interval <= 0 || m.interval > maxMQTTInterval {
		return usagef("run: -mqtt-interval %v: want more than 0, at most %v", m.interval, maxMQTTInterval)
	}
	return nil
}

// password reads the password from where the flags say (none: "").
func (m *mqttFlags) password() (string, error) {
	switch {
	case m.passwordFile != "":
		return mqttpub.ReadPasswordFile(m.passwordFile)
	case m.passwordEnv != "":
		return mqttpub.PasswordFromEnv(m.passwordEnv)
	}
	return "", nil
}

// open reads the password and starts the publisher (it connects in the
// background); nil without -mqtt. watched are the -on labels.
func (m *mqttFlags) open(watched []string, log *slog.Logger) (*mqttpub.Publisher, error) {
	if !m.given() {
		return nil, nil
	}
	pw, err := m.password()
	if err != nil {
		return nil, err
	}
	return mqttpub.New(mqttpub.Config{
		Broker: m.broker, Name: m.name, User: m.user, Password: pw,
		Labels: watched, Interval: m.interval,
		Model: boardModel(), Version: edgecamVersion(), Logger: log,
	})
}

// boardModel is the device tree's model string ("Raspberry Pi 4 Model B
// Rev 1.4"), "" where there is none: Home Assistant's device model.
func boardModel() string {
	src := board.Live()
	src.Periph, src.Features, src.Uname = nil, nil, nil // only the files are needed
	if m := board.Detect(src).Model; m != board.Unknown {
		return m
	}
	return ""
}

// mqttState fills the state message of each result and feeds it to the
// publisher (which sends at most one per -mqtt-interval).
type mqttState struct {
	pub *mqttpub.Publisher
	st  mqttpub.State
	fps fpsMeter
}

// Publish records one result: its top classes and frame rate.
func (s *mqttState) Publish(r *camera.Result, top []runtime.Class, labels []string) {
	s.st.Seq, s.st.Time, s.st.FPS = r.Seq, r.Capture.UTC(), s.fps.Tick(r.Capture)
	s.st.Top = s.st.Top[:0]
	for _, c := range top {
		s.st.Top = append(s.st.Top, mqttpub.Class{Index: c.Index, Label: label(labels, c.Index), Score: c.Score})
	}
	s.pub.PublishState(&s.st)
}

// mqttEvents hands events to the publisher directly: the sink when there
// are no snapshots to write first.
type mqttEvents struct{ pub *mqttpub.Publisher }

func (m mqttEvents) Event(e events.Event, _ *camera.Frame) { m.pub.PublishEvent(e, "") }

// fpsMeter is the frame rate over the last fpsWindow results.
type fpsMeter struct {
	times [fpsWindow]time.Time
	n     int // results seen
}

const fpsWindow = 16

// Tick records a result at t and returns the rate over the window (0 until
// two results are in).
func (m *fpsMeter) Tick(t time.Time) float64 {
	m.times[m.n%fpsWindow] = t
	m.n++
	k := min(m.n, fpsWindow)
	if k < 2 {
		return 0
	}
	first := m.times[(m.n-k)%fpsWindow]
	span := t.Sub(first).Seconds()
	if span <= 0 {
		return 0
	}
	return float64(k-1) / span
}
