package flexbuffers

import (
	"encoding/binary"
	"math"
	"sort"
)

// A minimal FlexBuffers map writer for the tests: it lays a map out as the
// reference builder does (key strings, indirect scalars, key vector, map
// header, value slots, packed type bytes, root), with every width chosen by
// the caller so that each width the format allows can be exercised.

// testEntry is one map entry to encode.
type testEntry struct {
	key   string
	typ   Type
	bits  uint64 // int64, uint64 or bool as bits; floats as float64 bits
	width int    // for indirect types: the target's width (1, 2, 4, 8); 0 otherwise
}

func intEntry(k string, v int64) testEntry   { return testEntry{key: k, typ: TypeInt, bits: uint64(v)} }
func uintEntry(k string, v uint64) testEntry { return testEntry{key: k, typ: TypeUint, bits: v} }
func floatEntry(k string, v float64) testEntry {
	return testEntry{key: k, typ: TypeFloat, bits: math.Float64bits(v)}
}
func boolEntry(k string, v bool) testEntry {
	e := testEntry{key: k, typ: TypeBool}
	if v {
		e.bits = 1
	}
	return e
}

// testLayout holds the widths of one encoding.
type testLayout struct {
	value, key, root int // value slots, key offsets, root offset
	sortKeys         bool
}

func putUint(b []byte, v uint64, width int) []byte {
	var tmp [8]byte
	binary.LittleEndian.PutUint64(tmp[:], v)
	return append(b, tmp[:width]...)
}

// putFloat appends a float of width 4 or 8 (other widths write the float32
// bits truncated, for malformed-input tests).
func putFloat(b []byte, v float64, width int) []byte {
	if width == 8 {
		return putUint(b, math.Float64bits(v), 8)
	}
	return putUint(b, uint64(math.Float32bits(float32(v))), width)
}

func widthCode(w int) byte {
	switch w {
	case 1:
		return 0
	case 2:
		return 1
	case 4:
		return 2
	}
	return 3
}

// encodeMap writes entries as a FlexBuffers map. Offsets that do not fit
// their width are truncated: the caller picks widths that fit.
func encodeMap(entries []testEntry, l testLayout) []byte {
	es := append([]testEntry(nil), entries...)
	if l.sortKeys {
		sort.SliceStable(es, func(i, j int) bool { return es[i].key < es[j].key })
	}
	var b []byte
	keyPos := make([]int, len(es))
	for i, e := range es {
		keyPos[i] = len(b)
		b = append(b, e.key...)
		b = append(b, 0)
	}
	targets := make([]int, len(es))
	for i, e := range es {
		switch e.typ {
		case TypeIndirectInt, TypeIndirectUint:
			targets[i] = len(b)
			b = putUint(b, e.bits, e.width)
		case TypeIndirectFloat:
			targets[i] = len(b)
			b = putFloat(b, math.Float64frombits(e.bits), e.width)
		case TypeString:
			b = putUint(b, uint64(len(e.key)), 1)
			targets[i] = len(b)
			b = append(b, e.key...)
			b = append(b, 0)
		}
	}
	b = putUint(b, uint64(len(es)), l.key)
	keys := len(b)
	for i := range es {
		b = putUint(b, uint64(len(b)-keyPos[i]), l.key)
	}
	w := l.value
	b = putUint(b, uint64(len(b)-keys), w)
	b = putUint(b, uint64(l.key), w)
	b = putUint(b, uint64(len(es)), w)
	values := len(b)
	for i, e := range es {
		switch e.typ {
		case TypeFloat:
			b = putFloat(b, math.Float64frombits(e.bits), w)
		case TypeIndirectInt, TypeIndirectUint, TypeIndirectFloat, TypeString:
			b = putUint(b, uint64(len(b)-targets[i]), w)
		default:
			b = putUint(b, e.bits, w)
		}
	}
	for _, e := range es {
		tw := 0
		if e.width != 0 {
			tw = e.width
		} else if e.typ == TypeFloat {
			tw = w
		} else {
			tw = 1
		}
		b = append(b, byte(e.typ)<<2|widthCode(tw))
	}
	b = putUint(b, uint64(len(b)-values), l.root)
	b = append(b, byte(TypeMap)<<2|widthCode(w), byte(l.root))
	return b
}
