// Package events turns per-frame scores of watched labels into debounced
// start and end events: a label becomes present once its score has stayed at
// or above a minimum for a while, and gone once it has stayed below for a
// while. One Debouncer holds that state for a run, so the GPIO pin, the MQTT
// events and the snapshots all follow the same decisions.
package events
