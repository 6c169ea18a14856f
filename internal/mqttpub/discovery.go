package mqttpub

import "encoding/json"

// topics are the topics of one camera.
type topics struct {
	availability, state, events string
	present                     []string // per watched label
	haStatus                    string   // Home Assistant's birth and will
	discovery                   []discoveryConfig
}

// discoveryConfig is one retained Home Assistant discovery message.
type discoveryConfig struct {
	topic   string
	payload []byte
}

// haDevice is the "device" block every entity shares, so Home Assistant
// groups them as one device.
type haDevice struct {
	Identifiers  []string `json:"identifiers"`
	Name         string   `json:"name"`
	Manufacturer string   `json:"manufacturer"`
	Model        string   `json:"model"`
	SWVersion    string   `json:"sw_version,omitempty"`
}

// haOrigin names the software that sent a discovery message.
type haOrigin struct {
	Name      string `json:"name"`
	SWVersion string `json:"sw_version,omitempty"`
}

// haEntity holds the discovery options edgecam uses, for binary_sensor and
// sensor alike (see Home Assistant's MQTT binary sensor and sensor docs).
type haEntity struct {
	Name                string   `json:"name"`
	UniqueID            string   `json:"unique_id"`
	StateTopic          string   `json:"state_topic"`
	ValueTemplate       string   `json:"value_template,omitempty"`
	PayloadOn           string   `json:"payload_on,omitempty"`
	PayloadOff          string   `json:"payload_off,omitempty"`
	DeviceClass         string   `json:"device_class,omitempty"`
	UnitOfMeasurement   string   `json:"unit_of_measurement,omitempty"`
	StateClass          string   `json:"state_class,omitempty"`
	EntityCategory      string   `json:"entity_category,omitempty"`
	Icon                string   `json:"icon,omitempty"`
	AvailabilityTopic   string   `json:"availability_topic"`
	PayloadAvailable    string   `json:"payload_available"`
	PayloadNotAvailable string   `json:"payload_not_available"`
	QoS                 int      `json:"qos"`
	Device              haDevice `json:"device"`
	Origin              haOrigin `json:"origin"`
}

// Payloads of the availability and presence topics.
const (
	online     = "online"
	offline    = "offline"
	presentOn  = "ON"
	presentOff = "OFF"
)

// newTopics lays out the topics of cfg (already checked) and builds its
// discovery messages; slugs are the watched labels' topic forms.
func newTopics(cfg Config, slugs []string) (topics, error) {
	base := "edgecam/" + cfg.Name + "/"
	t := topics{
		availability: base + "availability",
		state:        base + "state",
		events:       base + "events",
		haStatus:     cfg.DiscoveryPrefix + "/status",
	}
	node := "edgecam_" + cfg.Name
	model := cfg.Model
	if model == "" {
		model = "edgecam camera"
	}
	dev := haDevice{Identifiers: []string{node}, Name: "edgecam " + cfg.Name, Manufacturer: "edgecam", Model: model, SWVersion: cfg.Version}
	entity := func(name, id, stateTopic string) haEntity {
		return haEntity{
			Name: name, UniqueID: node + "_" + id, StateTopic: stateTopic,
			AvailabilityTopic: t.availability, PayloadAvailable: online, PayloadNotAvailable: offline,
			QoS: 1, Device: dev, Origin: haOrigin{Name: "edgecam", SWVersion: cfg.Version},
		}
	}
	add := func(component, object string, e haEntity) error {
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		t.discovery = append(t.discovery, discoveryConfig{cfg.DiscoveryPrefix + "/" + component + "/" + node + "/" + object + "/config", b})
		return nil
	}
	for i, label := range cfg.Labels {
		t.present = append(t.present, base+"present/"+slugs[i])
		e := entity(label, "label_"+slugs[i], t.present[i])
		e.PayloadOn, e.PayloadOff = presentOn, presentOff
		e.DeviceClass = "occupancy"
		if err := add("binary_sensor", slugs[i], e); err != nil {
			return t, err
		}
	}
	top := entity("Top label", "top_label", t.state)
	top.ValueTemplate = "{{ value_json.label }}"
	top.Icon = "mdi:label-outline"
	fps := entity("Frames per second", "fps", t.state)
	fps.ValueTemplate = "{{ value_json.fps | round(1) }}"
	fps.UnitOfMeasurement = "fps"
	fps.StateClass = "measurement"
	fps.EntityCategory = "diagnostic"
	fps.Icon = "mdi:speedometer"
	if err := add("sensor", "top_label", top); err != nil {
		return t, err
	}
	if err := add("sensor", "fps", fps); err != nil {
		return t, err
	}
	return t, nil
}
