package mqttpub

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// discoveryFields are what Home Assistant needs of every entity here.
func checkDiscovery(t *testing.T, topic string, payload []byte, name string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		t.Fatalf("%s: not JSON: %v", topic, err)
	}
	for _, k := range []string{"name", "unique_id", "state_topic", "availability_topic", "payload_available", "payload_not_available", "device", "origin"} {
		if _, ok := m[k]; !ok {
			t.Errorf("%s: no %s", topic, k)
		}
	}
	if m["availability_topic"] != "edgecam/"+name+"/availability" || m["payload_available"] != "online" || m["payload_not_available"] != "offline" {
		t.Errorf("%s: availability %v %v %v", topic, m["availability_topic"], m["payload_available"], m["payload_not_available"])
	}
	dev, _ := m["device"].(map[string]any)
	ids, _ := dev["identifiers"].([]any)
	if len(ids) != 1 || ids[0] != "edgecam_"+name || dev["name"] != "edgecam "+name || dev["manufacturer"] != "edgecam" {
		t.Errorf("%s: device %v", topic, dev)
	}
	if id, _ := m["unique_id"].(string); !strings.HasPrefix(id, "edgecam_"+name+"_") {
		t.Errorf("%s: unique_id %q", topic, id)
	}
	if m["qos"] != 1.0 {
		t.Errorf("%s: qos %v", topic, m["qos"])
	}
	return m
}

func TestDiscoveryConfigs(t *testing.T) {
	cfg, err := Config{Broker: "tcp://127.0.0.1", Name: "porch", Labels: []string{"tabby, tabby cat", "person"}, Version: "1.2.3", Model: "Raspberry Pi 4"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	tp, err := newTopics(cfg, []string{"tabby_tabby_cat", "person"})
	if err != nil {
		t.Fatal(err)
	}
	var topicsSeen, ids []string
	byTopic := map[string]map[string]any{}
	for _, d := range tp.discovery {
		topicsSeen = append(topicsSeen, d.topic)
		m := checkDiscovery(t, d.topic, d.payload, "porch")
		byTopic[d.topic] = m
		ids = append(ids, m["unique_id"].(string))
	}
	want := []string{
		"homeassistant/binary_sensor/edgecam_porch/tabby_tabby_cat/config",
		"homeassistant/binary_sensor/edgecam_porch/person/config",
		"homeassistant/sensor/edgecam_porch/top_label/config",
		"homeassistant/sensor/edgecam_porch/fps/config",
	}
	if !slices.Equal(topicsSeen, want) {
		t.Errorf("discovery topics\n got %q\nwant %q", topicsSeen, want)
	}
	slices.Sort(ids)
	if len(slices.Compact(ids)) != 4 {
		t.Errorf("unique ids are not unique: %v", ids)
	}
	b := byTopic[want[0]]
	if b["name"] != "tabby, tabby cat" || b["state_topic"] != "edgecam/porch/present/tabby_tabby_cat" || b["payload_on"] != "ON" || b["payload_off"] != "OFF" || b["device_class"] != "occupancy" {
		t.Errorf("binary_sensor config %v", b)
	}
	top, fps := byTopic[want[2]], byTopic[want[3]]
	if top["state_topic"] != "edgecam/porch/state" || top["value_template"] != "{{ value_json.label }}" {
		t.Errorf("top label sensor %v", top)
	}
	if fps["state_topic"] != "edgecam/porch/state" || !strings.Contains(fps["value_template"].(string), "value_json.fps") || fps["unit_of_measurement"] != "fps" || fps["state_class"] != "measurement" {
		t.Errorf("fps sensor %v", fps)
	}
	dev := top["device"].(map[string]any)
	if dev["model"] != "Raspberry Pi 4" || dev["sw_version"] != "1.2.3" {
		t.Errorf("device %v", dev)
	}
	if tp.availability != "edgecam/porch/availability" || tp.state != "edgecam/porch/state" || tp.events != "edgecam/porch/events" || tp.haStatus != "homeassistant/status" {
		t.Errorf("topics %+v", tp)
	}
}

func TestStateLabel(t *testing.T) {
	var s State
	s.copyFrom(&State{Top: []Class{{Index: 281, Label: "tabby", Score: 0.7}, {Index: 282, Label: "tiger cat", Score: 0.2}}})
	if s.Label != "tabby" || s.Score != 0.7 {
		t.Errorf("top-K state: label %q score %v", s.Label, s.Score)
	}
	s.copyFrom(&State{Detections: []Detection{{Label: "dog", Score: 0.4}, {Label: "person", Score: 0.9}, {Label: "cat", Score: 0.5}}})
	if s.Label != "person" || s.Score != 0.9 || len(s.Top) != 0 {
		t.Errorf("detections state: label %q score %v top %v", s.Label, s.Score, s.Top)
	}
	s.copyFrom(&State{Label: "stale", Score: 1})
	if s.Label != "" || s.Score != 0 {
		t.Errorf("empty state: label %q score %v", s.Label, s.Score)
	}
}
