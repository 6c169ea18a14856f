package mqttpub

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/edgecam/edgecam/internal/events"
)

// Publisher publishes one camera's state, events and presence. Its methods
// never wait for the network: PublishState keeps the latest state,
// PublishEvent queues (or, when the queue is full, drops and counts), and one
// goroutine owning the MQTT client sends them. Safe for concurrent use.
type Publisher struct {
	cfg    Config
	topics topics
	client mqtt.Client
	labels map[string]int // watched label -> index

	mu       sync.Mutex
	queue    eventQueue
	nextID   uint64
	state    State
	stateSeq uint64 // bumped by PublishState
	present  []bool // latest presence per watched label, from the events
	announce bool   // discovery, availability and presence are due
	closed   bool

	// Owned by the goroutine.
	sentState   uint64    // stateSeq last sent
	lastState   time.Time // when the last state was sent
	sentPresent []int8    // per label: -1 unknown, 0 OFF, 1 ON, as last acknowledged
	scratch     State
	announced   uint64 // connection generation the last announce was for

	connGen  atomic.Uint64 // incremented on every established connection
	conns    connHolder
	counters counters

	wake     chan struct{} // cap 1: there is work
	stop     chan struct{}
	done     chan struct{}
	closeCtx context.Context
	stopOnce sync.Once
}

// New checks cfg, starts connecting in the background and returns at once;
// a broker that is not there yet is retried every ConnectRetryInterval.
func New(cfg Config) (*Publisher, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	p := &Publisher{
		cfg: cfg, labels: map[string]int{},
		queue:   newEventQueue(cfg.EventQueue),
		present: make([]bool, len(cfg.Labels)), sentPresent: make([]int8, len(cfg.Labels)),
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
	}
	slugs := make([]string, len(cfg.Labels))
	bySlug := map[string]string{}
	for i, l := range cfg.Labels {
		s := labelSlug(l)
		if s == "" {
			return nil, fmt.Errorf("mqtt: watched label %q has no letters or digits for a topic", l)
		}
		if other, dup := bySlug[s]; dup {
			return nil, fmt.Errorf("mqtt: watched labels %q and %q share the topic name %q", other, l, s)
		}
		bySlug[s], slugs[i], p.labels[l] = l, s, i
		p.sentPresent[i] = -1
	}
	if p.topics, err = newTopics(cfg, slugs); err != nil {
		return nil, fmt.Errorf("mqtt: discovery: %w", err)
	}
	p.client = mqtt.NewClient(p.clientOptions())
	p.client.Connect() // with ConnectRetry the token completes once connected; nothing waits on it
	go p.run()
	return p, nil
}

func (p *Publisher) clientOptions() *mqtt.ClientOptions {
	cfg := p.cfg
	o := mqtt.NewClientOptions().
		AddBroker(cfg.Broker).
		SetClientID("edgecam-"+cfg.Name).
		SetProtocolVersion(4). // MQTT 3.1.1
		SetCleanSession(true). // the publisher keeps its own queue and resends
		SetAutoReconnect(true).
		SetConnectRetry(true).
		SetConnectRetryInterval(cfg.ConnectRetryInterval).
		SetMaxReconnectInterval(cfg.MaxReconnectInterval).
		SetKeepAlive(cfg.KeepAlive).
		SetConnectTimeout(cfg.PublishTimeout).
		SetWriteTimeout(cfg.PublishTimeout).
		SetOrderMatters(false).
		SetWill(p.topics.availability, offline, 1, true).
		SetConnectionNotificationHandler(p.notify).
		SetCustomOpenConnectionFn(p.conns.open)
	if cfg.User != "" {
		o.SetUsername(cfg.User)
		o.SetPassword(cfg.Password)
	}
	if cfg.TLS != nil {
		o.SetTLSConfig(cfg.TLS)
	} else {
		o.SetTLSConfig(&tls.Config{MinVersion: tls.VersionTLS12})
	}
	return o
}

// notify follows paho's connection notifications (called on paho's
// goroutines): a new connection needs a new announcement.
func (p *Publisher) notify(_ mqtt.Client, n mqtt.ConnectionNotification) {
	log := p.cfg.Logger
	switch n := n.(type) {
	case mqtt.ConnectionNotificationConnected:
		p.counters.connects.Add(1)
		p.connGen.Add(1)
		p.mu.Lock()
		p.announce = true
		p.mu.Unlock()
		log.Info("mqtt connected", "broker", p.cfg.Broker, "name", p.cfg.Name)
		p.poke()
	case mqtt.ConnectionNotificationLost:
		log.Warn("mqtt connection lost", "broker", p.cfg.Broker, "err", n.Reason)
	case mqtt.ConnectionNotificationFailed: // one per attempt; paho tries again
		p.counters.connectFailures.Add(1)
		log.Warn("mqtt connection attempt failed", "broker", p.cfg.Broker, "err", n.Reason)
	}
}

// poke wakes the goroutine without blocking.
func (p *Publisher) poke() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Name is the camera name used in topics.
func (p *Publisher) Name() string { return p.cfg.Name }

// PublishState records s as the latest state; it is sent when the last
// state message is at least Interval old. s is copied: the caller may reuse
// its slices. Allocation-free once the slices have grown to size.
func (p *Publisher) PublishState(s *State) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.state.copyFrom(s)
	p.stateSeq++
	p.mu.Unlock()
	p.poke()
}

// PublishEvent queues an event for edgecam/NAME/events, with the path of the
// snapshot written for it ("" for none), and updates the label's presence
// topic. When EventQueue events are already waiting (the broker is away),
// the event is dropped and counted; presence still follows it. Events after
// Close are dropped too.
func (p *Publisher) PublishEvent(e events.Event, snapshot string) {
	p.mu.Lock()
	p.nextID++
	if p.closed || !p.queue.push(eventMessage(p.nextID, p.cfg.Name, e, snapshot)) {
		p.counters.eventsDropped.Add(1)
	}
	if i, ok := p.labels[e.Label]; ok && !p.closed {
		p.present[i] = e.Kind == events.Start
	}
	p.mu.Unlock()
	p.poke()
}

// Close sends what is still queued while ctx allows, publishes "offline" on
// the availability topic and disconnects. A run ends its open events first
// (events.Debouncer.EndAll, each given to PublishEvent) so that the presence
// topics read OFF. Close returns an error when queued events could not be
// delivered (they are counted as dropped) or the goroutine did not finish
// within ctx. When "offline" cannot be sent in time, the connection is
// dropped without a DISCONNECT, so that the broker publishes the last will
// ("offline") in its place.
func (p *Publisher) Close(ctx context.Context) error {
	p.stopOnce.Do(func() {
		p.mu.Lock()
		p.closed = true
		p.mu.Unlock()
		p.closeCtx = ctx
		close(p.stop)
	})
	select {
	case <-p.done:
	case <-ctx.Done():
		// shutdown gives up as soon as ctx ends and Disconnect waits at
		// most 250 ms: the goroutine is about to finish.
		select {
		case <-p.done:
		case <-time.After(closeGrace):
			return fmt.Errorf("mqtt: close: %w, and the client is still disconnecting", ctx.Err())
		}
	}
	p.mu.Lock()
	lost := p.queue.len()
	for p.queue.len() > 0 {
		p.queue.pop()
	}
	p.mu.Unlock()
	if lost > 0 {
		p.counters.eventsDropped.Add(uint64(lost))
		return fmt.Errorf("mqtt: close: %d queued events were not delivered to %s", lost, p.cfg.Broker)
	}
	return nil
}

// closeGrace is how long Close waits for the goroutine after its context
// has ended.
const closeGrace = 2 * time.Second

// errAborted, errTimeout and errReconnected are why a wait for an
// acknowledgement failed.
var (
	errAborted     = errors.New("aborted")
	errTimeout     = errors.New("no acknowledgement in time")
	errReconnected = errors.New("connection lost")
)

// run is the goroutine that owns the client.
func (p *Publisher) run() {
	defer close(p.done)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-p.stop:
			timer.Stop()
			p.shutdown()
			return
		case <-p.wake:
		case <-timer.C:
		}
		timer.Stop()
		if retry := p.work(p.stop); retry > 0 {
			timer.Reset(retry)
		}
	}
}

// work sends what is due: the announcement after a (re)connection, queued
// events in order, presence changes, and the state when Interval allows. It
// returns when to try again (0: when woken).
func (p *Publisher) work(abort <-chan struct{}) time.Duration {
	if !p.client.IsConnectionOpen() {
		return 0 // the Connected notification wakes us
	}
	gen := p.connGen.Load()
	if err := p.sendAnnouncement(gen, abort); err != nil {
		return p.retryAfter(err)
	}
	if err := p.sendEvents(gen, abort); err != nil {
		return p.retryAfter(err)
	}
	if err := p.sendPresence(gen, abort); err != nil {
		return p.retryAfter(err)
	}
	return p.sendState(gen, abort)
}

// retryAfter logs a failed send and says when to try again: at once after a
// reconnection (woken by it), after a second otherwise.
func (p *Publisher) retryAfter(err error) time.Duration {
	if errors.Is(err, errAborted) || errors.Is(err, errReconnected) {
		return 0
	}
	p.cfg.Logger.Warn("mqtt publish failed", "broker", p.cfg.Broker, "err", err)
	return time.Second
}

// publish sends one QoS 1 message and waits for the broker's
// acknowledgement (see await).
func (p *Publisher) publish(gen uint64, topic string, retained bool, payload []byte, abort <-chan struct{}) error {
	if err := p.await(gen, p.client.Publish(topic, 1, retained, payload), abort); err != nil {
		return fmt.Errorf("publish %s: %w", topic, err)
	}
	return nil
}

// await waits for tok to complete, for the connection of generation gen to
// end, for the publish timeout or for abort, whichever comes first.
func (p *Publisher) await(gen uint64, tok mqtt.Token, abort <-chan struct{}) error {
	timeout := time.NewTimer(p.cfg.PublishTimeout)
	defer timeout.Stop()
	// paho leaves a message in flight on a lost connection pending for good
	// (clean session), so the connection is watched while waiting.
	poll := time.NewTicker(50 * time.Millisecond)
	defer poll.Stop()
	for {
		select {
		case <-tok.Done():
			return tok.Error()
		case <-poll.C:
			if !p.client.IsConnectionOpen() || p.connGen.Load() != gen {
				return errReconnected
			}
		case <-timeout.C:
			return fmt.Errorf("%w after %v", errTimeout, p.cfg.PublishTimeout)
		case <-abort:
			return errAborted
		}
	}
}

// sendAnnouncement publishes, once per connection and again when Home
// Assistant comes online: the discovery configs, "online" and every
// label's presence (retained). It subscribes to Home Assistant's status.
func (p *Publisher) sendAnnouncement(gen uint64, abort <-chan struct{}) error {
	p.mu.Lock()
	due := p.announce
	p.announce = false
	p.mu.Unlock()
	if !due && p.announced == gen {
		return nil
	}
	fail := func(err error) error {
		p.mu.Lock()
		p.announce = true
		p.mu.Unlock()
		return err
	}
	if p.announced != gen {
		if err := p.await(gen, p.client.Subscribe(p.topics.haStatus, 1, p.haStatus), abort); err != nil {
			return fail(fmt.Errorf("subscribe %s: %w", p.topics.haStatus, err))
		}
	}
	for _, d := range p.topics.discovery {
		if err := p.publish(gen, d.topic, true, d.payload, abort); err != nil {
			return fail(err)
		}
		p.counters.discovery.Add(1)
	}
	if err := p.publish(gen, p.topics.availability, true, []byte(online), abort); err != nil {
		return fail(err)
	}
	p.counters.availability.Add(1)
	for i := range p.sentPresent {
		p.sentPresent[i] = -1
	}
	p.announced = gen
	return nil
}

// haStatus handles Home Assistant's birth message: when it comes online
// (after a restart), the discovery configs are sent again. Retained copies
// are ignored so that subscribing does not loop.
func (p *Publisher) haStatus(_ mqtt.Client, m mqtt.Message) {
	if m.Retained() || string(m.Payload()) != online {
		return
	}
	p.mu.Lock()
	p.announce = true
	p.mu.Unlock()
	p.poke()
}

// sendEvents sends the queued events in order, each removed only once the
// broker has acknowledged it.
func (p *Publisher) sendEvents(gen uint64, abort <-chan struct{}) error {
	for {
		p.mu.Lock()
		m, ok := p.queue.front()
		p.mu.Unlock()
		if !ok {
			return nil
		}
		b, err := json.Marshal(m)
		if err != nil {
			// Not sendable now or ever (a non-finite score): drop it rather
			// than block every later event behind it.
			p.cfg.Logger.Error("mqtt event dropped", "id", m.ID, "err", err)
			p.counters.eventsDropped.Add(1)
		} else if err := p.publish(gen, p.topics.events, false, b, abort); err != nil {
			return err
		} else {
			p.counters.events.Add(1)
		}
		p.mu.Lock()
		p.queue.pop()
		p.mu.Unlock()
	}
}

// sendPresence publishes the presence topics whose value differs from the
// last one acknowledged.
func (p *Publisher) sendPresence(gen uint64, abort <-chan struct{}) error {
	for i := range p.sentPresent {
		p.mu.Lock()
		on := p.present[i]
		p.mu.Unlock()
		want, payload := int8(0), presentOff
		if on {
			want, payload = 1, presentOn
		}
		if p.sentPresent[i] == want {
			continue
		}
		if err := p.publish(gen, p.topics.present[i], true, []byte(payload), abort); err != nil {
			return err
		}
		p.counters.presence.Add(1)
		p.sentPresent[i] = want
	}
	return nil
}

// sendState sends the latest state if it is new and the last one is at
// least Interval old; otherwise it returns when the next may go.
func (p *Publisher) sendState(gen uint64, abort <-chan struct{}) time.Duration {
	p.mu.Lock()
	seq := p.stateSeq
	if seq == p.sentState {
		p.mu.Unlock()
		return 0
	}
	if wait := p.cfg.Interval - time.Since(p.lastState); !p.lastState.IsZero() && wait > 0 {
		p.mu.Unlock()
		return wait
	}
	p.scratch.copyFrom(&p.state)
	p.mu.Unlock()
	p.lastState = time.Now()
	p.sentState = seq // a state that fails is superseded, not retried
	b, err := json.Marshal(&p.scratch)
	if err != nil {
		p.cfg.Logger.Error("mqtt state not sent", "seq", p.scratch.Seq, "err", err)
		return 0
	}
	if err := p.publish(gen, p.topics.state, false, b, abort); err != nil {
		return p.retryAfter(err)
	}
	p.counters.states.Add(1)
	return 0
}

// shutdown runs on the goroutine at Close: it delivers what it can before
// the Close context ends, then says "offline" and disconnects. When
// "offline" could not be delivered, the connection is dropped without a
// DISCONNECT so that the broker publishes the last will instead.
func (p *Publisher) shutdown() {
	abort := p.closeCtx.Done()
	if p.client.IsConnectionOpen() {
		gen := p.connGen.Load()
		err := p.sendAnnouncement(gen, abort)
		if err == nil {
			err = p.sendEvents(gen, abort)
		}
		if err == nil {
			err = p.sendPresence(gen, abort)
		}
		if err == nil {
			err = p.publish(gen, p.topics.availability, true, []byte(offline), abort)
		}
		if err == nil {
			p.counters.availability.Add(1)
		} else {
			p.cfg.Logger.Warn("mqtt: offline not sent; dropping the connection so that the broker publishes the last will", "err", err)
			p.conns.drop()
		}
	}
	p.client.Disconnect(250)
}
