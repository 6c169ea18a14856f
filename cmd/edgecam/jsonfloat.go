package main

import "encoding/json"

// jsonFloat32 is a float32 for JSON output. JSON has no NaN or infinity, and
// encoding/json fails on them, which would lose the whole line: a
// non-finite value is written as null instead. Finite values are written
// exactly as encoding/json writes a float32.
type jsonFloat32 float32

// MarshalJSON implements json.Marshaler.
func (f jsonFloat32) MarshalJSON() ([]byte, error) {
	if !finite32(float32(f)) {
		return []byte("null"), nil
	}
	return json.Marshal(float32(f))
}

// jsonFloats converts values for JSON output (non-finite ones become null).
func jsonFloats(values []float32) []jsonFloat32 {
	out := make([]jsonFloat32, len(values))
	for i, v := range values {
		out[i] = jsonFloat32(v)
	}
	return out
}

// allFinite reports whether no value is NaN or ±Inf.
func allFinite(values []float32) bool {
	for _, v := range values {
		if !finite32(v) {
			return false
		}
	}
	return true
}
