package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/edgecam/edgecam/internal/fixtures"
)

// This file drives the whole Pi camera → Home Assistant loop with real
// parts, on loopback only: a Mosquitto broker, the edgecam binary built from
// this package, ffmpeg playing a stream through an exec: source, and an
// independent MQTT subscriber standing in for Home Assistant.

// e2eWait bounds every wait for a process or a message: generous for a
// loaded machine, never a measure of speed.
const e2eWait = 60 * time.Second

// e2eBroker is a Mosquitto process on a loopback port whose state
// (retained messages, the subscriber's session) persists across restarts.
type e2eBroker struct {
	t    *testing.T
	bin  string
	dir  string
	port int
	cmd  *exec.Cmd
	done chan struct{}
}

func startE2EBroker(t *testing.T) *e2eBroker {
	t.Helper()
	bin := "/usr/sbin/mosquitto"
	if _, err := os.Stat(bin); err != nil {
		if bin, err = exec.LookPath("mosquitto"); err != nil {
			fixtures.Missing(t, "mosquitto broker (Debian package mosquitto)")
		}
	}
	b := &e2eBroker{t: t, bin: bin, dir: t.TempDir()}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	conf := fmt.Sprintf("listener %d 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location %s/\nlog_dest file %s\n",
		b.port, b.dir, filepath.Join(b.dir, "mosquitto.log"))
	if u, err := user.Current(); err == nil && u.Uid == "0" {
		conf += "user root\n" // keep access to the test's private directory
	}
	if err := os.WriteFile(filepath.Join(b.dir, "mosquitto.conf"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		b.stop()
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(b.dir, "mosquitto.log"))
			t.Logf("mosquitto log (end):\n%s", tailString(string(log), 3000))
		}
	})
	b.start()
	return b
}

func tailString(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func (b *e2eBroker) url() string { return "tcp://127.0.0.1:" + strconv.Itoa(b.port) }

// start runs the broker and waits until it takes connections.
func (b *e2eBroker) start() {
	b.t.Helper()
	b.cmd = exec.Command(b.bin, "-c", filepath.Join(b.dir, "mosquitto.conf"))
	if err := b.cmd.Start(); err != nil {
		b.t.Fatal(err)
	}
	b.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { cmd.Wait(); close(done) }(b.cmd, b.done)
	for deadline := time.Now().Add(e2eWait); ; {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(b.port), time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-b.done:
			b.t.Fatalf("mosquitto exited at start")
		default:
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("mosquitto does not listen on %d: %v", b.port, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop ends the broker cleanly (it saves its state) and waits for it.
func (b *e2eBroker) stop() {
	if b.cmd == nil {
		return
	}
	b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.done:
	case <-time.After(e2eWait):
		b.cmd.Process.Kill()
		<-b.done
	}
	b.cmd = nil
}

// mqttMessage is one message the watcher received.
type mqttMessage struct {
	topic, payload string
	retained       bool
	at             time.Time
}

// e2eWatcher is the independent subscriber: a persistent session (clean
// session off) on a broker that keeps it, so that it misses nothing
// published while it reconnects after a broker restart.
type e2eWatcher struct {
	t  *testing.T
	c  mqtt.Client
	mu sync.Mutex
	ms []mqttMessage
}

func newE2EWatcher(t *testing.T, broker string, topics ...string) *e2eWatcher {
	t.Helper()
	w := &e2eWatcher{t: t}
	o := mqtt.NewClientOptions().AddBroker(broker).SetClientID("e2e-watcher").SetCleanSession(false).
		SetAutoReconnect(true).SetConnectRetry(true).SetConnectRetryInterval(50 * time.Millisecond).SetMaxReconnectInterval(100 * time.Millisecond).
		SetDefaultPublishHandler(func(_ mqtt.Client, m mqtt.Message) {
			w.mu.Lock()
			w.ms = append(w.ms, mqttMessage{m.Topic(), string(m.Payload()), m.Retained(), time.Now()})
			w.mu.Unlock()
		})
	w.c = mqtt.NewClient(o)
	if tok := w.c.Connect(); !tok.WaitTimeout(e2eWait) || tok.Error() != nil {
		t.Fatalf("watcher connect: %v", tok.Error())
	}
	filters := map[string]byte{}
	for _, f := range topics {
		filters[f] = 1
	}
	if tok := w.c.SubscribeMultiple(filters, nil); !tok.WaitTimeout(e2eWait) || tok.Error() != nil {
		t.Fatalf("watcher subscribe: %v", tok.Error())
	}
	t.Cleanup(func() { w.c.Disconnect(100) })
	return w
}

// messages returns the messages so far on topics with the given prefix.
func (w *e2eWatcher) messages(prefix string) []mqttMessage {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []mqttMessage
	for _, m := range w.ms {
		if strings.HasPrefix(m.topic, prefix) {
			out = append(out, m)
		}
	}
	return out
}

// waitFor waits until cond holds for the messages so far.
func (w *e2eWatcher) waitFor(what string, cond func() bool) {
	w.t.Helper()
	for deadline := time.Now().Add(e2eWait); !cond(); {
		if time.Now().After(deadline) {
			w.t.Fatalf("timed out waiting for %s; %d messages received", what, len(w.messages("")))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// e2eEvent is an event message as a subscriber reads it.
type e2eEvent struct {
	ID       uint64    `json:"id"`
	Camera   string    `json:"camera"`
	Type     string    `json:"type"`
	Label    string    `json:"label"`
	Score    float32   `json:"score"`
	Time     time.Time `json:"time"`
	Snapshot string    `json:"snapshot"`
	raw      string
}

func (w *e2eWatcher) events(topic string) []e2eEvent {
	w.t.Helper()
	var out []e2eEvent
	for _, m := range w.messages(topic) {
		var e e2eEvent
		if err := json.Unmarshal([]byte(m.payload), &e); err != nil {
			w.t.Fatalf("event %q: %v", m.payload, err)
		}
		e.raw = m.payload
		out = append(out, e)
	}
	return out
}

// countEvents counts the events with an id above after, by type.
func countEvents(evs []e2eEvent, after uint64) (starts, ends int) {
	for _, e := range evs {
		if e.ID > after {
			if e.Type == "start" {
				starts++
			} else {
				ends++
			}
		}
	}
	return
}

// edgecamProc is the edgecam binary running `edgecam run`.
type edgecamProc struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	done   chan error
}

func startEdgecam(t *testing.T, bin string, args ...string) *edgecamProc {
	t.Helper()
	p := &edgecamProc{cmd: exec.Command(bin, append([]string{"run"}, args...)...), stderr: &syncBuffer{}, done: make(chan error, 1)}
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		if t.Failed() {
			t.Logf("edgecam stderr:\n%s", tailString(p.stderr.String(), 4000))
		}
	})
	return p
}

// buildEdgecam builds the edgecam binary from this package.
func buildEdgecam(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the edgecam binary")
	}
	bin := filepath.Join(t.TempDir(), "edgecam")
	cmd := exec.Command(goBin, "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// cycleStream writes an MJPEG file of one second of a cheeseburger then one
// second of a parrot at 10 fps, made by ffmpeg from the shared images (the
// embedded model scores the cheeseburger 0.9, the parrot near 0 for it).
func cycleStream(t *testing.T, ffmpeg string) string {
	t.Helper()
	burger := fixtures.Path(t, "images/cheeseburger.png")
	parrot := fixtures.Path(t, "images/parrot.png")
	out := filepath.Join(t.TempDir(), "cycle.mjpeg")
	square := "crop='min(iw,ih)':'min(iw,ih)',scale=240:240,setsar=1,format=yuvj420p"
	cmd := exec.Command(ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
		"-loop", "1", "-framerate", "10", "-t", "1", "-i", burger, "-loop", "1", "-framerate", "10", "-t", "1", "-i", parrot,
		"-filter_complex", "[0:v]"+square+"[a];[1:v]"+square+"[b];[a][b]concat=n=2:v=1:a=0", "-f", "mjpeg", "-q:v", "3", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, b)
	}
	return out
}

// TestMQTTHomeAssistantLoop: discovery, availability (online, offline at a
// clean stop, the last will at SIGKILL), events that follow a stream in
// which a watched label appears and disappears, the state rate bound, and a
// broker restart in the middle that loses no event and repeats none beyond
// QoS 1's redelivery; and no ffmpeg left behind by a killed edgecam.
func TestMQTTHomeAssistantLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a broker, ffmpeg and edgecam for half a minute")
	}
	ffmpeg := ffmpegPath(t)
	stream := cycleStream(t, ffmpeg)
	broker := startE2EBroker(t)
	bin := buildEdgecam(t)
	w := newE2EWatcher(t, broker.url(), "edgecam/cam1/#", "homeassistant/+/edgecam_cam1/#")

	const interval = 500 * time.Millisecond
	pidFile := filepath.Join(t.TempDir(), "ffmpeg.pid")
	// The shell writes its pid and becomes ffmpeg (exec): the pid is
	// ffmpeg's, the process edgecam started.
	play := fmt.Sprintf(`exec:sh -c 'echo $$ >%s; exec %s -hide_banner -loglevel error -re -stream_loop -1 -f mjpeg -framerate 10 -i %s -c:v copy -f mjpeg -'`,
		pidFile, ffmpeg, stream)
	args := []string{"-source", play, "-format", "mjpeg", "-top", "3", "-threads", "1", "-log-level", "info",
		"-on", "cheeseburger", "-min-score", "0.5", "-off-for", "300ms",
		"-mqtt", broker.url(), "-mqtt-name", "cam1", "-mqtt-interval", interval.String(), "-http", "127.0.0.1:0"}
	ec := startEdgecam(t, bin, args...)

	// Discovery: one binary sensor per watched label, the top label and fps.
	discovery := "homeassistant/"
	w.waitFor("3 discovery configs", func() bool { return len(w.messages(discovery)) >= 3 })
	configs := map[string]map[string]any{}
	for _, m := range w.messages(discovery) {
		var c map[string]any
		if err := json.Unmarshal([]byte(m.payload), &c); err != nil {
			t.Fatalf("discovery %s: %v", m.topic, err)
		}
		configs[m.topic] = c
	}
	sensor := configs["homeassistant/binary_sensor/edgecam_cam1/cheeseburger/config"]
	if sensor["state_topic"] != "edgecam/cam1/present/cheeseburger" || sensor["availability_topic"] != "edgecam/cam1/availability" ||
		configs["homeassistant/sensor/edgecam_cam1/top_label/config"] == nil || configs["homeassistant/sensor/edgecam_cam1/fps/config"] == nil {
		t.Fatalf("discovery configs %v", configs)
	}
	w.waitFor("availability online", func() bool {
		av := w.messages("edgecam/cam1/availability")
		return len(av) > 0 && av[len(av)-1].payload == "online"
	})

	// Events follow the stream: the cheeseburger starts and ends each cycle.
	events := "edgecam/cam1/events"
	w.waitFor("2 starts and 2 ends", func() bool { s, e := countEvents(w.events(events), 0); return s >= 2 && e >= 2 })
	w.waitFor("presence ON and OFF", func() bool {
		var seen []string
		for _, m := range w.messages("edgecam/cam1/present/cheeseburger") {
			seen = append(seen, m.payload)
		}
		return slices.Contains(seen, "ON") && slices.Contains(seen, "OFF")
	})

	// The state rate bound: at most one state per interval.
	states := w.messages("edgecam/cam1/state")
	if len(states) < 2 {
		t.Fatalf("%d state messages", len(states))
	}
	span := states[len(states)-1].at.Sub(states[0].at)
	if bound := int(span/interval) + 1; len(states) > bound {
		t.Errorf("%d state messages over %v, at most one per %v allows %d", len(states), span, interval, bound)
	}
	var st struct {
		Label string  `json:"label"`
		FPS   float64 `json:"fps"`
		Top   []any   `json:"top"`
	}
	if err := json.Unmarshal([]byte(states[len(states)-1].payload), &st); err != nil || st.Label == "" || st.FPS <= 0 || len(st.Top) != 3 {
		t.Errorf("state %s: %v", states[len(states)-1].payload, err)
	}

	// /metrics counts what MQTT acknowledged and the events.
	var base string
	serving := regexp.MustCompile(`serving (http://[0-9.:]+)/`)
	w.waitFor("the HTTP server", func() bool {
		m := serving.FindStringSubmatch(ec.stderr.String())
		if m != nil {
			base = m[1]
		}
		return m != nil
	})
	_, metrics, _ := httpGet(t, base+"/metrics")
	for _, re := range []string{`(?m)^edgecam_mqtt_connected 1$`, `(?m)^edgecam_mqtt_published_total\{topic="events"\} [1-9]`,
		`(?m)^edgecam_mqtt_published_total\{topic="discovery"\} [3-9]`, `(?m)^edgecam_events_total\{type="start"\} [1-9]`, `(?m)^edgecam_mqtt_events_dropped_total 0$`} {
		if !regexp.MustCompile(re).Match(metrics) {
			t.Errorf("/metrics does not match %s:\n%s", re, metrics)
		}
	}

	// The broker restarts mid-run: events after it arrive.
	var before uint64
	for _, e := range w.events(events) {
		before = max(before, e.ID)
	}
	onlineBefore := len(w.messages("edgecam/cam1/availability"))
	broker.stop()
	away := time.Now()
	time.Sleep(2500 * time.Millisecond) // events happen while the broker is away: edgecam queues them
	back := time.Now()
	broker.start()
	w.waitFor("availability online again after the restart", func() bool {
		av := w.messages("edgecam/cam1/availability")
		return len(av) > onlineBefore && av[len(av)-1].payload == "online"
	})
	w.waitFor("2 starts and 2 ends after the restart", func() bool { s, e := countEvents(w.events(events), before); return s >= 2 && e >= 2 })
	queued := 0
	for _, e := range w.events(events) {
		if e.Time.After(away) && e.Time.Before(back) {
			queued++
		}
	}
	if queued == 0 {
		t.Errorf("no event from the %v the broker was away arrived (the stream changes every second)", back.Sub(away).Round(time.Millisecond))
	}

	// A clean stop: the open event ends, then "offline".
	if err := ec.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-ec.done:
		if err != nil {
			t.Fatalf("edgecam after SIGTERM: %v\n%s", err, ec.stderr.String())
		}
	case <-time.After(e2eWait):
		t.Fatal("edgecam did not stop after SIGTERM")
	}
	w.waitFor("offline after the clean stop", func() bool {
		av := w.messages("edgecam/cam1/availability")
		return av[len(av)-1].payload == "offline"
	})
	for _, want := range []string{"edgecam run: events: ", "edgecam run: mqtt cam1: "} {
		if !strings.Contains(ec.stderr.String(), want) {
			t.Errorf("stderr lacks %q", want)
		}
	}

	// Every event arrived, in order, each once or redelivered as is (QoS 1).
	evs := w.events(events)
	byID := map[uint64]string{}
	var ids []uint64
	for _, e := range evs {
		if prev, dup := byID[e.ID]; dup {
			if prev != e.raw {
				t.Errorf("event %d delivered twice with different contents:\n%s\n%s", e.ID, prev, e.raw)
			}
			continue
		}
		byID[e.ID] = e.raw
		ids = append(ids, e.ID)
		if e.Camera != "cam1" || e.Label != "cheeseburger" || (e.Type == "start" && e.Score < 0.5) || e.Snapshot != "" {
			t.Errorf("event %s", e.raw)
		}
	}
	slices.Sort(ids)
	for i, id := range ids {
		if id != uint64(i+1) {
			t.Fatalf("event ids %v: want 1..%d with none missing", ids, len(ids))
		}
		var e e2eEvent
		json.Unmarshal([]byte(byID[id]), &e)
		if want := []string{"start", "end"}[i%2]; e.Type != want {
			t.Errorf("event %d is a %s, want a %s (starts and ends alternate)", id, e.Type, want)
		}
	}
	if len(ids)%2 != 0 {
		t.Errorf("%d events: the last start has no end after the clean stop", len(ids))
	}
	t.Logf("%d events (%d messages) across a broker restart after event %d, %d of them while it was away; %d states over %v",
		len(ids), len(evs), before, queued, len(states), span.Round(time.Millisecond))

	// SIGKILL: the broker publishes the last will, and ffmpeg dies too.
	offlines := len(w.messages("edgecam/cam1/availability"))
	os.Remove(pidFile)
	ec = startEdgecam(t, bin, args...)
	w.waitFor("online after the second start", func() bool {
		av := w.messages("edgecam/cam1/availability")
		return len(av) > offlines && av[len(av)-1].payload == "online"
	})
	var ffmpegPID int
	w.waitFor("ffmpeg's pid", func() bool {
		b, err := os.ReadFile(pidFile)
		ffmpegPID, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		return err == nil && ffmpegPID > 0
	})
	if err := ec.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-ec.done
	w.waitFor("the last will (offline) after SIGKILL", func() bool {
		av := w.messages("edgecam/cam1/availability")
		return av[len(av)-1].payload == "offline"
	})
	w.waitFor(fmt.Sprintf("ffmpeg (pid %d) to end with edgecam", ffmpegPID), func() bool {
		err := syscall.Kill(ffmpegPID, 0)
		if errors.Is(err, syscall.ESRCH) {
			return true
		}
		stat, _ := os.ReadFile("/proc/" + strconv.Itoa(ffmpegPID) + "/stat")
		return strings.Contains(string(stat), ") Z ") // a zombie: dead, not yet reaped by its new parent
	})
}
