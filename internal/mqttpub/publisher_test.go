package mqttpub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/edgecam/edgecam/internal/events"
)

// helperBrokerEnv makes the test binary run a publisher until it is killed
// (TestLastWillOnKill), instead of the tests.
const helperBrokerEnv = "EDGECAM_MQTT_TEST_PUBLISHER_BROKER"

func TestMain(m *testing.M) {
	if broker := os.Getenv(helperBrokerEnv); broker != "" {
		p, err := New(Config{Broker: broker, Name: "willcam", Labels: []string{"cat"}, ConnectRetryInterval: 200 * time.Millisecond})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		p.PublishEvent(events.Event{Kind: events.Start, Label: "cat", Score: 0.9, Time: time.Now(), Since: time.Now()}, "")
		time.Sleep(2 * time.Minute) // the test kills the process long before
		os.Exit(3)
	}
	os.Exit(m.Run())
}

// newPublisher starts a publisher for broker with test-sized retry
// intervals and closes it at the end of the test if the test did not.
func newPublisher(t *testing.T, broker string, cfg Config) *Publisher {
	t.Helper()
	cfg.Broker = broker
	if cfg.ConnectRetryInterval == 0 {
		cfg.ConnectRetryInterval = 200 * time.Millisecond
	}
	if cfg.MaxReconnectInterval == 0 {
		cfg.MaxReconnectInterval = 300 * time.Millisecond
	}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		p.Close(ctx)
	})
	return p
}

func isDiscovery(m message) bool {
	return strings.HasPrefix(m.topic, "homeassistant/") && strings.HasSuffix(m.topic, "/config")
}

func count(ms []message, f func(message) bool) int {
	n := 0
	for _, m := range ms {
		if f(m) {
			n++
		}
	}
	return n
}

func last(ms []message, topic string) string {
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].topic == topic {
			return ms[i].payload
		}
	}
	return ""
}

func decodeEvents(t *testing.T, ms []message, topic string) []EventMessage {
	t.Helper()
	var out []EventMessage
	for _, m := range ms {
		if m.topic != topic {
			continue
		}
		var e EventMessage
		if err := json.Unmarshal([]byte(m.payload), &e); err != nil {
			t.Fatalf("event %q: %v", m.payload, err)
		}
		out = append(out, e)
	}
	return out
}

// The happy path against a real broker: discovery configs that Home
// Assistant accepts, retained; online; events in order with their fields;
// presence; the state rate bound over a burst; a new discovery round when
// Home Assistant announces itself; offline on a clean close.
func TestPublishesToHomeAssistant(t *testing.T) {
	b := newBroker(t)
	s := subscribe(t, b, "ha-test", true, "edgecam/#", "homeassistant/#")
	const interval = 200 * time.Millisecond
	p := newPublisher(t, b.url(), Config{Name: "porch", Labels: []string{"cat", "tabby, tabby cat"}, Interval: interval, Version: "test"})

	s.waitFor("4 discovery configs and online", func(ms []message) bool {
		return count(ms, isDiscovery) == 4 && last(ms, "edgecam/porch/availability") == "online"
	})
	for _, m := range s.messages("") {
		if isDiscovery(m) {
			checkDiscovery(t, m.topic, []byte(m.payload), "porch")
		}
	}
	// A subscriber arriving later gets all of them as retained messages.
	late := subscribe(t, b, "ha-late", true, "homeassistant/#", "edgecam/porch/availability")
	late.waitFor("retained discovery and availability", func(ms []message) bool {
		return count(ms, func(m message) bool { return m.retained && (isDiscovery(m) || m.payload == "online") }) == 5
	})

	// Events: a start, its presence, then three more; all in order.
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	evs := []events.Event{
		{Kind: events.Start, Label: "cat", Score: 0.75, Time: at, Since: at},
		{Kind: events.Start, Label: "tabby, tabby cat", Score: 0.5, Time: at.Add(time.Second), Since: at.Add(500 * time.Millisecond)},
		{Kind: events.End, Label: "cat", Score: 0.875, Time: at.Add(3 * time.Second), Since: at.Add(time.Second)},
		{Kind: events.End, Label: "tabby, tabby cat", Score: 0.5, Time: at.Add(4 * time.Second), Since: at.Add(2 * time.Second)},
	}
	snaps := []string{"/snap/a.jpg", "/snap/b.jpg", "", ""}
	p.PublishEvent(evs[0], snaps[0])
	s.waitFor("presence ON for cat", func(ms []message) bool { return last(ms, "edgecam/porch/present/cat") == "ON" })
	for i := 1; i < len(evs); i++ {
		p.PublishEvent(evs[i], snaps[i])
	}
	s.waitFor("4 events and both labels OFF", func(ms []message) bool {
		return count(ms, func(m message) bool { return m.topic == "edgecam/porch/events" }) == 4 &&
			last(ms, "edgecam/porch/present/cat") == "OFF" && last(ms, "edgecam/porch/present/tabby_tabby_cat") == "OFF"
	})
	got := decodeEvents(t, s.messages(""), "edgecam/porch/events")
	for i, e := range got {
		w := evs[i]
		if e.ID != uint64(i+1) || e.Camera != "porch" || e.Type != w.Kind.String() || e.Label != w.Label || e.Score != w.Score ||
			!e.Time.Equal(w.Time) || !e.Since.Equal(w.Since) || e.Snapshot != snaps[i] {
			t.Errorf("event %d = %+v, want %+v with snapshot %q", i, e, w, snaps[i])
		}
	}

	// State burst: 300 states over about a second; at most one message per
	// interval gets out, the latest last.
	start := time.Now()
	const states = 300
	for i := 1; i <= states; i++ {
		p.PublishState(&State{Seq: uint64(i), Time: at, FPS: 29.5, Top: []Class{{Index: 282, Label: "tiger cat", Score: 0.625}, {Index: 281, Label: "tabby", Score: 0.25}}})
		time.Sleep(3 * time.Millisecond)
	}
	s.waitFor("the last state", func(ms []message) bool {
		return strings.Contains(last(ms, "edgecam/porch/state"), fmt.Sprintf(`"seq":%d,`, states))
	})
	elapsed := time.Since(start)
	var seqs []uint64
	for _, m := range s.messages("edgecam/porch/state") {
		var st State
		if err := json.Unmarshal([]byte(m.payload), &st); err != nil {
			t.Fatal(err)
		}
		if st.Label != "tiger cat" || st.Score != 0.625 || st.FPS != 29.5 || len(st.Top) != 2 || st.Top[1].Label != "tabby" {
			t.Errorf("state %s", m.payload)
		}
		if len(seqs) > 0 && st.Seq <= seqs[len(seqs)-1] {
			t.Errorf("state seq %d after %d", st.Seq, seqs[len(seqs)-1])
		}
		seqs = append(seqs, st.Seq)
	}
	bound := int(elapsed/interval) + 1
	if len(seqs) > bound || len(seqs) < 2 {
		t.Errorf("%d state messages in %v at one per %v: want 2..%d", len(seqs), elapsed, interval, bound)
	}
	t.Logf("state burst: %d PublishState calls in %v gave %d messages (bound %d): seqs %v", states, elapsed.Round(time.Millisecond), len(seqs), bound, seqs)

	// Home Assistant restarts and says so: discovery is sent again.
	before := count(s.messages(""), isDiscovery)
	if tok := s.c.Publish("homeassistant/status", 1, false, "online"); !tok.WaitTimeout(waitTime) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	s.waitFor("discovery after Home Assistant's birth message", func(ms []message) bool { return count(ms, isDiscovery) == before+4 })

	ctx, cancel := context.WithTimeout(context.Background(), waitTime)
	defer cancel()
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	s.waitFor("offline after Close", func(ms []message) bool { return last(ms, "edgecam/porch/availability") == "offline" })
	gone := subscribe(t, b, "ha-after", true, "edgecam/porch/availability")
	gone.waitFor("retained offline", func(ms []message) bool { return len(ms) == 1 && ms[0].retained && ms[0].payload == "offline" })

	c := p.Counters()
	if c.EventsPublished != 4 || c.EventsDropped != 0 || c.EventsQueued != 0 || c.StatesPublished != uint64(len(seqs)) ||
		c.DiscoveryPublished != 8 || c.AvailabilityPublished != 3 || c.Connects != 1 || c.Connected {
		t.Errorf("counters %+v; want 4 events, %d states, 8 discovery, 3 availability (online twice, offline), 1 connection, disconnected", c, len(seqs))
	}
	var metrics bytes.Buffer
	c.WriteMetrics(&metrics)
	for _, line := range []string{`edgecam_mqtt_published_total{topic="events"} 4`, "edgecam_mqtt_events_dropped_total 0", "edgecam_mqtt_connected 0"} {
		if !strings.Contains(metrics.String(), line+"\n") {
			t.Errorf("metrics lack %q:\n%s", line, metrics.String())
		}
	}
}

// A publisher killed without a goodbye (SIGKILL of its process): the broker
// publishes its last will, "offline", retained.
func TestLastWillOnKill(t *testing.T) {
	b := newBroker(t)
	s := subscribe(t, b, "will-test", true, "edgecam/willcam/#")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperBrokerEnv+"="+b.url())
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill(); <-exited })
	s.waitFor("online and the event from the publisher process", func(ms []message) bool {
		return last(ms, "edgecam/willcam/availability") == "online" && last(ms, "edgecam/willcam/present/cat") == "ON"
	})
	cmd.Process.Kill()
	select {
	case err := <-exited:
		if !strings.Contains(fmt.Sprint(err), "killed") {
			t.Fatalf("publisher process ended with %v, want killed", err)
		}
	case <-time.After(waitTime):
		t.Fatal("publisher process not killed")
	}
	exited <- nil // for the cleanup
	s.waitFor("the last will", func(ms []message) bool { return last(ms, "edgecam/willcam/availability") == "offline" })
	late := subscribe(t, b, "will-late", true, "edgecam/willcam/availability")
	late.waitFor("retained offline", func(ms []message) bool { return len(ms) == 1 && ms[0].retained && ms[0].payload == "offline" })
}

// pair is one start and end event of label at second n.
func pair(label string, n int) []events.Event {
	at := time.Date(2025, 6, 1, 12, 0, n, 0, time.UTC)
	return []events.Event{
		{Kind: events.Start, Label: label, Score: 0.8, Time: at, Since: at},
		{Kind: events.End, Label: label, Score: 0.9, Time: at.Add(500 * time.Millisecond), Since: at.Add(200 * time.Millisecond)},
	}
}

// checkDelivery checks the events received: every ID in want arrived, first
// arrivals in increasing order, nothing else arrived, and every repeat is an
// exact copy of an earlier delivery (QoS 1 at-least-once). It returns the
// number of repeats.
func checkDelivery(t *testing.T, s *subscriber, topic string, want map[uint64]bool) int {
	t.Helper()
	first := map[uint64]string{}
	var order []uint64
	dups := 0
	for _, m := range s.messages(topic) {
		var e EventMessage
		if err := json.Unmarshal([]byte(m.payload), &e); err != nil {
			t.Fatalf("event %q: %v", m.payload, err)
		}
		if p, seen := first[e.ID]; seen {
			dups++
			if p != m.payload {
				t.Errorf("event %d delivered twice with different content:\n %s\n %s", e.ID, p, m.payload)
			}
			continue
		}
		first[e.ID] = m.payload
		order = append(order, e.ID)
		if !want[e.ID] {
			t.Errorf("event %d delivered, not expected", e.ID)
		}
	}
	for id := range want {
		if _, ok := first[id]; !ok {
			t.Errorf("event %d never delivered", id)
		}
	}
	for i := 1; i < len(order); i++ {
		if order[i] <= order[i-1] {
			t.Errorf("event %d first delivered after event %d", order[i], order[i-1])
		}
	}
	return dups
}

// The broker is killed mid-run and started again on the same port: the
// publisher reconnects by itself, announces itself again, delivers the
// events held while the broker was away and those after it came back, in
// order, without duplicates beyond QoS 1 redelivery.
func TestBrokerRestart(t *testing.T) {
	b := newBroker(t)
	g := newGate(t, b)
	g.open()
	before := subscribe(t, b, "restart-before", true, "edgecam/#", "homeassistant/#")
	p := newPublisher(t, g.url(), Config{Name: "yard", Labels: []string{"cat"}, EventQueue: 50})
	before.waitFor("online", func(ms []message) bool { return last(ms, "edgecam/yard/availability") == "online" })

	want := map[uint64]bool{}
	id := uint64(0)
	publish := func(n int) {
		for i := 0; i < n; i += 2 {
			for _, e := range pair("cat", i) {
				p.PublishEvent(e, "")
				id++
				want[id] = true
			}
		}
	}
	publish(10)
	before.waitFor("events 1..10", func(ms []message) bool {
		return count(ms, func(m message) bool { return m.topic == "edgecam/yard/events" }) >= 10
	})

	b.kill()
	waitUntil(t, "the publisher noticing the broker is gone", func() bool { return !p.Counters().Connected })
	g.close() // the publisher may reach the broker again only once the test listens
	publish(10)
	if c := p.Counters(); c.EventsQueued != 10 || c.EventsDropped != 0 {
		t.Fatalf("while the broker is away: %d queued, %d dropped; want 10, 0", c.EventsQueued, c.EventsDropped)
	}
	b.start()
	after := subscribe(t, b, "restart-after", true, "edgecam/#", "homeassistant/#")
	g.open()
	waitUntil(t, "reconnection and the queue drained", func() bool { c := p.Counters(); return c.Connected && c.EventsQueued == 0 })
	publish(10)
	after.waitFor("event 30", func(ms []message) bool {
		for _, e := range decodeEvents(t, ms, "edgecam/yard/events") {
			if e.ID == 30 {
				return true
			}
		}
		return false
	})
	// Events are sent one at a time, in order: once 30 is in, no earlier
	// event can still be on its way (only redeliveries of delivered ones).
	both := &subscriber{t: t, ms: append(before.messages("edgecam/yard/events"), after.messages("edgecam/yard/events")...)}
	dups := checkDelivery(t, both, "edgecam/yard/events", want)

	// The restarted broker kept nothing: what the new subscriber has, the
	// publisher sent again after reconnecting.
	ms := after.messages("")
	if n := count(ms, isDiscovery); n != 3 {
		t.Errorf("%d discovery configs after the restart, want the 3 again", n)
	}
	if last(ms, "edgecam/yard/availability") != "online" || last(ms, "edgecam/yard/present/cat") != "OFF" {
		t.Errorf("after the restart: availability %q, presence %q; want online, OFF", last(ms, "edgecam/yard/availability"), last(ms, "edgecam/yard/present/cat"))
	}
	// The subscriber may see an event before the publisher has its PUBACK.
	waitUntil(t, "the acknowledgement of event 30", func() bool { return p.Counters().EventsPublished >= 30 })
	c := p.Counters()
	if c.EventsPublished != 30 || c.EventsDropped != 0 || c.Connects != 2 {
		t.Errorf("counters %+v: want 30 events acknowledged once each, none dropped, 2 connections", c)
	}
	t.Logf("30 events across a broker restart: %d received before, %d after (%d repeats); %d connections, %d failed attempts",
		len(before.messages("edgecam/yard/events")), len(after.messages("edgecam/yard/events")), dups, c.Connects, c.ConnectFailures)
}

// With no broker reachable from the start, events queue up to EventQueue
// and the rest are dropped and counted, without blocking the caller; when
// the broker can be reached, exactly the queued ones are delivered.
func TestEventQueueBoundWhileBrokerAway(t *testing.T) {
	b := newBroker(t)
	g := newGate(t, b) // closed: connections to the publisher's broker address are refused
	s := subscribe(t, b, "away-test", true, "edgecam/away/events")

	const bound, extra = 20, 7
	p := newPublisher(t, g.url(), Config{Name: "away", Labels: []string{"cat"}, EventQueue: bound})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < bound+extra; i += 2 {
			for _, e := range pair("cat", i) {
				p.PublishEvent(e, "")
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(waitTime):
		t.Fatal("PublishEvent blocked while the broker is away")
	}
	// bound+extra is odd: the loop gave bound+extra+1 events.
	dropped := uint64(extra + 1)
	waitUntil(t, "a failed connection attempt", func() bool { return p.Counters().ConnectFailures > 0 })
	c := p.Counters()
	if c.EventsQueued != bound || c.EventsDropped != dropped || c.Connected || c.EventsPublished != 0 {
		t.Fatalf("broker away: %+v; want %d queued, %d dropped, not connected", c, bound, dropped)
	}
	var metrics bytes.Buffer
	c.WriteMetrics(&metrics)
	if !strings.Contains(metrics.String(), fmt.Sprintf("edgecam_mqtt_events_dropped_total %d\n", dropped)) ||
		!strings.Contains(metrics.String(), fmt.Sprintf("edgecam_mqtt_events_queued %d\n", bound)) {
		t.Errorf("metrics:\n%s", metrics.String())
	}

	g.open()
	waitUntil(t, "the queue drained", func() bool { return p.Counters().EventsQueued == 0 })
	// A marker event after the queue: when it is in, the queue was sent.
	p.PublishEvent(pair("cat", 100)[0], "marker")
	s.waitFor("the marker event", func(ms []message) bool {
		return strings.Contains(last(ms, "edgecam/away/events"), `"snapshot":"marker"`)
	})
	want := map[uint64]bool{}
	for id := uint64(1); id <= bound; id++ {
		want[id] = true
	}
	markerID := uint64(bound) + dropped + 1
	want[markerID] = true
	checkDelivery(t, s, "edgecam/away/events", want)
	waitUntil(t, "the acknowledgement of the marker", func() bool { return p.Counters().EventsPublished >= bound+1 })
	c = p.Counters()
	if c.EventsPublished != bound+1 || c.EventsDropped != dropped || c.Connects != 1 {
		t.Errorf("counters %+v: want %d published, %d dropped, 1 connection", c, bound+1, dropped)
	}
	t.Logf("broker away: %d events given, %d queued and delivered (ids 1..%d), %d dropped, marker id %d; %d failed connection attempts",
		bound+extra+1, bound, bound, dropped, markerID, c.ConnectFailures)
}

// Close with the broker unreachable: it returns, reports and counts the
// events it could not deliver, and the connection attempts stop.
func TestCloseWhileBrokerAway(t *testing.T) {
	b := newBroker(t)
	g := newGate(t, b) // never opened
	p := newPublisher(t, g.url(), Config{Name: "gone", Labels: []string{"cat"}, ConnectRetryInterval: 50 * time.Millisecond})
	for _, e := range pair("cat", 0) {
		p.PublishEvent(e, "")
	}
	p.PublishEvent(pair("cat", 2)[0], "")
	waitUntil(t, "a failed connection attempt", func() bool { return p.Counters().ConnectFailures > 0 })
	ctx, cancel := context.WithTimeout(context.Background(), waitTime)
	defer cancel()
	err := p.Close(ctx)
	if err == nil || !strings.Contains(err.Error(), "3 queued events were not delivered to tcp://"+g.addr) {
		t.Errorf("Close = %v, want 3 undelivered events reported", err)
	}
	c := p.Counters()
	if c.EventsDropped != 3 || c.EventsQueued != 0 || c.EventsPublished != 0 {
		t.Errorf("counters after Close %+v: want 3 dropped, 0 queued", c)
	}
	p.PublishEvent(pair("cat", 4)[0], "")
	if got := p.Counters().EventsDropped; got != 4 {
		t.Errorf("an event after Close: %d dropped, want 4", got)
	}
	// At most an attempt already under way may still fail; then none.
	attempts := c.ConnectFailures
	time.Sleep(500 * time.Millisecond)
	if n := p.Counters().ConnectFailures; n > attempts+1 {
		t.Errorf("%d connection attempts after Close, with retries every 50ms", n-attempts)
	}
}

// The calls the inference loop makes allocate nothing once warm (and, with
// no broker reachable, return at once: they never touch the network).
func TestPublishCallsDoNotAllocate(t *testing.T) {
	p, err := New(Config{Broker: "tcp://127.0.0.1:" + fmt.Sprint(freePort(t)), Name: "alloc", Labels: []string{"cat"}, EventQueue: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	st := &State{Seq: 1, FPS: 30, Top: []Class{{Index: 1, Label: "a", Score: 0.5}, {Index: 2, Label: "b", Score: 0.25}}}
	ev := pair("cat", 0)
	if a := testing.AllocsPerRun(1000, func() { st.Seq++; p.PublishState(st) }); a != 0 {
		t.Errorf("PublishState allocates %v times", a)
	}
	if a := testing.AllocsPerRun(1000, func() { p.PublishEvent(ev[0], "/snap/x.jpg"); p.PublishEvent(ev[1], "") }); a != 0 {
		t.Errorf("PublishEvent allocates %v times", a)
	}
	if c := p.Counters(); c.EventsQueued != 4 || c.EventsDropped != 2*1001-4 {
		t.Errorf("counters %+v: want 4 queued, %d dropped", c, 2*1001-4)
	}
}

// What a frame costs the inference loop: no network, no allocation.
func BenchmarkPublish(b *testing.B) {
	p, err := New(Config{Broker: "tcp://127.0.0.1:1", Name: "bench", Labels: []string{"cat"}, ConnectRetryInterval: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close(context.Background())
	st := &State{FPS: 30, Top: make([]Class, 5)}
	ev := pair("cat", 0)
	b.Run("state/top5", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			st.Seq++
			p.PublishState(st)
		}
	})
	b.Run("event", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p.PublishEvent(ev[0], "")
		}
	})
}

// Close runs out of time on a slow link with events still queued: it reports
// them, and since "offline" could not be sent it drops the connection
// without a DISCONNECT, so the broker publishes the last will instead.
func TestCloseOutOfTimeLeavesLastWill(t *testing.T) {
	b := newBroker(t)
	g := newGate(t, b)
	g.delay = 100 * time.Millisecond // each way: a round trip per event takes 200 ms
	g.open()
	s := subscribe(t, b, "slow-test", true, "edgecam/slow/availability")
	p := newPublisher(t, g.url(), Config{Name: "slow", Labels: []string{"cat"}})
	s.waitFor("online", func(ms []message) bool { return last(ms, "edgecam/slow/availability") == "online" })
	waitUntil(t, "the acknowledgement of online", func() bool { return p.Counters().AvailabilityPublished == 1 })
	for i := 0; i < 30; i += 2 {
		for _, e := range pair("cat", i) {
			p.PublishEvent(e, "")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	err := p.Close(ctx)
	c := p.Counters()
	if err == nil || !strings.Contains(err.Error(), "queued events were not delivered") || c.EventsPublished+c.EventsDropped != 30 || c.EventsPublished >= 30 {
		t.Fatalf("Close = %v with counters %+v; want undelivered events reported and counted", err, c)
	}
	s.waitFor("offline (the last will)", func(ms []message) bool { return last(ms, "edgecam/slow/availability") == "offline" })
	if c.AvailabilityPublished != 1 {
		t.Errorf("%d availability messages acknowledged, want 1 (online): offline came from the will", c.AvailabilityPublished)
	}
	t.Logf("Close after 500 ms: %d of 30 events delivered, %d dropped: %v", c.EventsPublished, c.EventsDropped, err)
}
