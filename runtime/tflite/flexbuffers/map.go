package flexbuffers

import "bytes"

// MaxKeyLen is the longest key Parse accepts, in bytes without the
// terminating NUL. TFLite option names are under 32 bytes; the cap bounds
// the work on hostile input, where every key may point at the same long run
// of non-zero bytes.
const MaxKeyLen = 256

// Map is a parsed FlexBuffers map whose every key and value has been checked.
// It refers to the buffer given to Parse, which must not change afterwards.
// The zero Map is empty.
type Map struct {
	buf      []byte
	values   int // byte position of value 0
	width    int // byte width of a value slot
	keys     int // byte position of the offset to key 0
	keyWidth int // byte width of a key offset
	n        int // entries
}

// Parse checks that buf is a FlexBuffers buffer whose root is a map with keys
// in strictly increasing byte order (as every FlexBuffers builder writes them)
// and values that are ints, uints, floats or bools, inline or indirect, and
// returns that map. It allocates nothing unless it fails.
func Parse(buf []byte) (Map, error) {
	if len(buf) < 3 {
		return Map{}, malformed("%d bytes, too short for a root (type byte, width byte and a value)", len(buf))
	}
	rootWidth := uint64(buf[len(buf)-1])
	if !validWidth(rootWidth) {
		return Map{}, malformed("root width %d (last byte), want 1, 2, 4 or 8", rootWidth)
	}
	packed := buf[len(buf)-2]
	if t := Type(packed >> 2); t != TypeMap {
		return Map{}, unsupported("root is a %s, want a map", t)
	}
	rootPos := len(buf) - 2 - int(rootWidth)
	if rootPos < 0 {
		return Map{}, malformed("root of width %d does not fit the %d-byte buffer", rootWidth, len(buf))
	}
	mapPos := indirect(buf, rootPos, int(rootWidth))
	if mapPos < 0 {
		return Map{}, malformed("root offset at byte %d points before the buffer", rootPos)
	}
	w := 1 << (packed & 3)
	if mapPos < 3*w || mapPos > len(buf) {
		return Map{}, malformed("map at byte %d has no room for its %d-byte header", mapPos, 3*w)
	}
	n := readUint(buf, mapPos-w, w)
	if n > uint64(len(buf)-mapPos)/uint64(w+1) {
		return Map{}, malformed("map at byte %d has %d entries of %d bytes, more than the %d-byte buffer holds", mapPos, n, w+1, len(buf))
	}
	keyWidth := readUint(buf, mapPos-2*w, w)
	if !validWidth(keyWidth) {
		return Map{}, malformed("map at byte %d has key width %d, want 1, 2, 4 or 8", mapPos, keyWidth)
	}
	keysPos := indirect(buf, mapPos-3*w, w)
	if keysPos < int(keyWidth) {
		return Map{}, malformed("key vector offset at byte %d points outside the buffer", mapPos-3*w)
	}
	if kn := readUint(buf, keysPos-int(keyWidth), int(keyWidth)); kn != n {
		return Map{}, malformed("key vector at byte %d has %d entries, its map %d", keysPos, kn, n)
	}
	if n*keyWidth > uint64(len(buf)-keysPos) {
		return Map{}, malformed("key vector at byte %d (%d entries of %d bytes) runs past the end of the %d-byte buffer", keysPos, n, keyWidth, len(buf))
	}
	m := Map{buf: buf, values: mapPos, width: w, keys: keysPos, keyWidth: int(keyWidth), n: int(n)}
	var prev []byte
	for i := range m.n {
		key, err := m.key(i)
		if err != nil {
			return Map{}, err
		}
		if i > 0 && bytes.Compare(prev, key) >= 0 {
			return Map{}, malformed("key %d %q is not after key %d %q (keys must be sorted and distinct)", i, key, i-1, prev)
		}
		if _, err := m.value(i, key); err != nil {
			return Map{}, err
		}
		prev = key
	}
	return m, nil
}

// key reads key i, checking its offset and terminating NUL.
func (m Map) key(i int) ([]byte, error) {
	slot := m.keys + i*m.keyWidth
	pos := indirect(m.buf, slot, m.keyWidth)
	if pos < 0 {
		return nil, malformed("key %d: offset at byte %d points before the buffer", i, slot)
	}
	end := min(len(m.buf), pos+MaxKeyLen+1)
	k := bytes.IndexByte(m.buf[pos:end], 0)
	if k < 0 {
		if end-pos > MaxKeyLen {
			return nil, malformed("key %d at byte %d is longer than %d bytes", i, pos, MaxKeyLen)
		}
		return nil, malformed("key %d at byte %d has no terminating NUL before the end of the buffer", i, pos)
	}
	return m.buf[pos : pos+k : pos+k], nil
}

// value reads value i, whose key is only used in errors.
func (m Map) value(i int, key []byte) (Value, error) {
	pos := m.values + i*m.width
	packed := m.buf[m.values+m.n*m.width+i]
	t, width := Type(packed>>2), m.width
	switch t {
	case TypeIndirectInt, TypeIndirectUint, TypeIndirectFloat:
		target := indirect(m.buf, pos, m.width)
		width = 1 << (packed & 3)
		if target < 0 || !span(m.buf, target, width) {
			return Value{}, malformed("key %q: %s offset at byte %d points outside the buffer", key, t, pos)
		}
		pos = target
		t -= TypeIndirectInt - TypeInt
	}
	switch t {
	case TypeInt:
		return intValue(readInt(m.buf, pos, width)), nil
	case TypeUint:
		return uintValue(readUint(m.buf, pos, width)), nil
	case TypeBool:
		return boolValue(readUint(m.buf, pos, width) != 0), nil
	case TypeFloat:
		if width != 4 && width != 8 {
			return Value{}, malformed("key %q: float stored in %d bytes, want 4 or 8", key, width)
		}
		return floatValue(readFloat(m.buf, pos, width)), nil
	}
	if int(t) >= len(typeNames) || typeNames[t] == "" {
		return Value{}, malformed("key %q: unknown type code %d", key, uint8(t))
	}
	return Value{}, unsupported("key %q holds a %s, want an int, uint, float or bool", key, t)
}

// Len returns the number of entries.
func (m Map) Len() int { return m.n }

// Entry returns entry i (0 <= i < Len()) in key order. The key aliases the
// buffer given to Parse.
func (m Map) Entry(i int) (key []byte, v Value) {
	key, _ = m.key(i) // checked by Parse
	v, _ = m.value(i, key)
	return key, v
}

// Lookup returns the value of key, and whether the map has it.
func (m Map) Lookup(key string) (Value, bool) {
	lo, hi := 0, m.n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		k, _ := m.key(mid) // checked by Parse
		switch c := compareKey(k, key); {
		case c == 0:
			v, _ := m.value(mid, k)
			return v, true
		case c < 0:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return Value{}, false
}

// compareKey compares a key's bytes with s as bytes.Compare does, without
// converting either.
func compareKey(k []byte, s string) int {
	for i := 0; i < len(k) && i < len(s); i++ {
		if k[i] != s[i] {
			if k[i] < s[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(k) < len(s):
		return -1
	case len(k) > len(s):
		return 1
	}
	return 0
}
