package mqttpub

import (
	"fmt"
	"io"
	"sync/atomic"
)

// counters are updated by the publisher's goroutine and PublishEvent.
type counters struct {
	events, states, discovery, availability, presence atomic.Uint64 // acknowledged by the broker
	eventsDropped                                     atomic.Uint64
	connects, connectFailures                         atomic.Uint64
}

// Counters is a snapshot of what a Publisher has done, for /metrics.
type Counters struct {
	// Messages acknowledged by the broker (QoS 1 PUBACK), by topic kind.
	EventsPublished, StatesPublished, DiscoveryPublished, AvailabilityPublished, PresencePublished uint64
	EventsQueued                                                                                   int    // events waiting for the broker now
	EventsDropped                                                                                  uint64 // events lost: queue full, unsendable, or still queued at Close
	Connected                                                                                      bool   // the connection to the broker is up
	Connects                                                                                       uint64 // connections established (the first and each reconnection)
	ConnectFailures                                                                                uint64 // connection attempts that failed
}

// Counters returns the current counts.
func (p *Publisher) Counters() Counters {
	p.mu.Lock()
	queued := p.queue.len()
	p.mu.Unlock()
	c := &p.counters
	return Counters{
		EventsPublished: c.events.Load(), StatesPublished: c.states.Load(), DiscoveryPublished: c.discovery.Load(),
		AvailabilityPublished: c.availability.Load(), PresencePublished: c.presence.Load(),
		EventsQueued: queued, EventsDropped: c.eventsDropped.Load(),
		Connected: p.client.IsConnectionOpen(), Connects: c.connects.Load(), ConnectFailures: c.connectFailures.Load(),
	}
}

// WriteMetrics writes c in the Prometheus text format, the way the run
// command's /metrics does.
func (c Counters) WriteMetrics(w io.Writer) error {
	connected := 0
	if c.Connected {
		connected = 1
	}
	_, err := fmt.Fprintf(w, `# HELP edgecam_mqtt_published_total MQTT messages acknowledged by the broker.
# TYPE edgecam_mqtt_published_total counter
edgecam_mqtt_published_total{topic="events"} %d
edgecam_mqtt_published_total{topic="state"} %d
edgecam_mqtt_published_total{topic="discovery"} %d
edgecam_mqtt_published_total{topic="availability"} %d
edgecam_mqtt_published_total{topic="present"} %d
# HELP edgecam_mqtt_events_queued Events waiting for the MQTT broker.
# TYPE edgecam_mqtt_events_queued gauge
edgecam_mqtt_events_queued %d
# HELP edgecam_mqtt_events_dropped_total Events dropped: queue full while the broker was away, or undeliverable at exit.
# TYPE edgecam_mqtt_events_dropped_total counter
edgecam_mqtt_events_dropped_total %d
# HELP edgecam_mqtt_connected Whether the MQTT connection is up.
# TYPE edgecam_mqtt_connected gauge
edgecam_mqtt_connected %d
# HELP edgecam_mqtt_connects_total MQTT connections established.
# TYPE edgecam_mqtt_connects_total counter
edgecam_mqtt_connects_total %d
# HELP edgecam_mqtt_connect_failures_total MQTT connection attempts that failed.
# TYPE edgecam_mqtt_connect_failures_total counter
edgecam_mqtt_connect_failures_total %d
`, c.EventsPublished, c.StatesPublished, c.DiscoveryPublished, c.AvailabilityPublished, c.PresencePublished,
		c.EventsQueued, c.EventsDropped, connected, c.Connects, c.ConnectFailures)
	return err
}
