// Package mqttpub publishes a camera's results to an MQTT 3.1.1 broker
// (Mosquitto, EMQX, NATS, Home Assistant's add-on) in the shape Home
// Assistant discovers by itself. A goroutine owns the paho client, so
// publishing never blocks the inference loop; QoS 1 throughout, reconnection
// with backoff, and a bounded queue of events while the broker is away.
//
// Topics, with NAME the camera's name (Config.Name) and LABEL a watched
// label's topic form (lower case, letters, digits and _):
//
//	edgecam/NAME/availability    "online" / "offline", retained; "offline" is also the last will
//	edgecam/NAME/state           latest result as JSON (State), at most once per Config.Interval
//	edgecam/NAME/events          JSON per event start and end (EventMessage), queued while away
//	edgecam/NAME/present/LABEL   "ON" / "OFF", retained: the debounced presence of a watched label
//
// and, for Home Assistant MQTT discovery (retained, republished on every
// connection and whenever Home Assistant announces itself on
// homeassistant/status):
//
//	homeassistant/binary_sensor/edgecam_NAME/LABEL/config   one per watched label, from present/LABEL
//	homeassistant/sensor/edgecam_NAME/top_label/config      the top label, from state
//	homeassistant/sensor/edgecam_NAME/fps/config            frames per second, from state
//
// The broker password is never a flag value: callers take it from a file
// (ReadPasswordFile) or an environment variable (PasswordFromEnv) and pass
// the string in Config.Password.
package mqttpub
