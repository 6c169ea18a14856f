package flexbuffers

import (
	"math"
	"strconv"
)

// Kind is what a map value holds once read: one of the four scalar kinds of
// a TFLite option map. Indirect values take the kind of their target.
type Kind uint8

// The scalar kinds.
const (
	KindInt Kind = iota + 1
	KindUint
	KindFloat
	KindBool
)

// String returns "int", "uint", "float" or "bool".
func (k Kind) String() string {
	switch k {
	case KindInt:
		return "int"
	case KindUint:
		return "uint"
	case KindFloat:
		return "float"
	case KindBool:
		return "bool"
	}
	return "kind " + strconv.Itoa(int(k))
}

// Value is one scalar value of a map. The zero Value has no kind.
type Value struct {
	kind Kind
	bits uint64 // int64 (two's complement), uint64, float64 bits, or 0/1
}

func intValue(v int64) Value     { return Value{KindInt, uint64(v)} }
func uintValue(v uint64) Value   { return Value{KindUint, v} }
func floatValue(v float64) Value { return Value{KindFloat, math.Float64bits(v)} }
func boolValue(v bool) Value {
	if v {
		return Value{KindBool, 1}
	}
	return Value{KindBool, 0}
}

// Kind reports what the value holds.
func (v Value) Kind() Kind { return v.kind }

// Int returns the value of an int (0 for other kinds).
func (v Value) Int() int64 {
	if v.kind != KindInt {
		return 0
	}
	return int64(v.bits)
}

// Uint returns the value of a uint (0 for other kinds).
func (v Value) Uint() uint64 {
	if v.kind != KindUint {
		return 0
	}
	return v.bits
}

// Float returns the value of a float, widened to float64 when it was stored
// in 4 bytes (0 for other kinds).
func (v Value) Float() float64 {
	if v.kind != KindFloat {
		return 0
	}
	return math.Float64frombits(v.bits)
}

// Bool returns the value of a bool (false for other kinds).
func (v Value) Bool() bool { return v.kind == KindBool && v.bits != 0 }

// String formats the value for messages, e.g. "int 10" or "float 0.6".
func (v Value) String() string {
	switch v.kind {
	case KindInt:
		return "int " + strconv.FormatInt(v.Int(), 10)
	case KindUint:
		return "uint " + strconv.FormatUint(v.Uint(), 10)
	case KindFloat:
		return "float " + strconv.FormatFloat(v.Float(), 'g', -1, 64)
	case KindBool:
		return "bool " + strconv.FormatBool(v.Bool())
	}
	return "no value"
}
