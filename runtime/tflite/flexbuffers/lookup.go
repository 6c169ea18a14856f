package flexbuffers

import "math"

// Typed lookups with the conversions TFLite's kernels rely on
// (flexbuffers::Reference::AsInt32, AsFloat, AsBool): an integer option may
// be stored as int or uint, a float option as any number, a bool option as
// bool or integer. Each returns whether the key is present; an absent key is
// not an error, so callers apply their own defaults.

// Int returns the integer stored under key. Floats and bools are refused
// (ErrType), as are uints above math.MaxInt64.
func (m Map) Int(key string) (v int64, ok bool, err error) {
	val, ok := m.Lookup(key)
	if !ok {
		return 0, false, nil
	}
	switch val.Kind() {
	case KindInt:
		return val.Int(), true, nil
	case KindUint:
		if val.Uint() > math.MaxInt64 {
			return 0, true, wrongType("key %q holds uint %d, above the int64 range", key, val.Uint())
		}
		return int64(val.Uint()), true, nil
	}
	return 0, true, wrongType("key %q holds a %s, want an integer", key, val.Kind())
}

// Float returns the number stored under key as a float64: a float, or an
// int or uint converted. Bools are refused (ErrType).
func (m Map) Float(key string) (v float64, ok bool, err error) {
	val, ok := m.Lookup(key)
	if !ok {
		return 0, false, nil
	}
	switch val.Kind() {
	case KindFloat:
		return val.Float(), true, nil
	case KindInt:
		return float64(val.Int()), true, nil
	case KindUint:
		return float64(val.Uint()), true, nil
	}
	return 0, true, wrongType("key %q holds a %s, want a number", key, val.Kind())
}

// Bool returns the bool stored under key; an int or uint counts as true when
// it is not 0. Floats are refused (ErrType).
func (m Map) Bool(key string) (v bool, ok bool, err error) {
	val, ok := m.Lookup(key)
	if !ok {
		return false, false, nil
	}
	switch val.Kind() {
	case KindBool:
		return val.Bool(), true, nil
	case KindInt:
		return val.Int() != 0, true, nil
	case KindUint:
		return val.Uint() != 0, true, nil
	}
	return false, true, wrongType("key %q holds a %s, want a bool", key, val.Kind())
}
