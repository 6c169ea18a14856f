package flexbuffers

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestFlexbuffersSSDOptions decodes the SSD detector's real custom options and
// checks every key against the values golden.json lists (read there from the
// same flexbuffer by an independent decoder).
func TestFlexbuffersSSDOptions(t *testing.T) {
	buf := ssdCustomOptions(t)
	g := readSSDGolden(t)
	m, err := Parse(buf)
	if err != nil {
		t.Fatalf("Parse(%d bytes): %v", len(buf), err)
	}
	want := map[string]Value{
		"_output_quantized":         boolValue(true),
		"h_scale":                   floatValue(5),
		"max_classes_per_detection": intValue(1),
		"max_detections":            intValue(10),
		"nms_iou_threshold":         floatValue(float64(float32(0.6))),
		"nms_score_threshold":       floatValue(float64(float32(1e-8))),
		"num_classes":               intValue(90),
		"w_scale":                   floatValue(5),
		"x_scale":                   floatValue(10),
		"y_scale":                   floatValue(10),
	}
	if m.Len() != len(want) {
		t.Errorf("Len() = %d, want %d", m.Len(), len(want))
	}
	for i := range m.Len() {
		k, v := m.Entry(i)
		if w, ok := want[string(k)]; !ok || v != w {
			t.Errorf("entry %d: %q = %v, want %v", i, k, v, w)
		}
	}
	for k, w := range want {
		if v, ok := m.Lookup(k); !ok || v != w {
			t.Errorf("Lookup(%q) = %v, %v; want %v", k, v, ok, w)
		}
		gv, ok := g.Options[k]
		if !ok {
			t.Errorf("golden.json postprocess_options lacks %q", k)
			continue
		}
		var got any
		switch w.Kind() {
		case KindInt:
			got = float64(w.Int()) // JSON numbers decode as float64
		case KindFloat:
			got = w.Float()
		case KindBool:
			got = w.Bool()
		}
		if got != gv {
			t.Errorf("%q: decoded %v, golden.json %v", k, got, gv)
		}
	}
	// Absent: TFLite then uses its defaults (golden.json lists them as
	// false and 100).
	for _, k := range []string{"use_regular_nms", "detections_per_class"} {
		if v, ok := m.Lookup(k); ok {
			t.Errorf("Lookup(%q) = %v, want absent", k, v)
		}
	}
	if g.Options["use_regular_nms"] != false || g.Options["detections_per_class"] != float64(100) {
		t.Errorf("golden.json defaults: use_regular_nms %v, detections_per_class %v", g.Options["use_regular_nms"], g.Options["detections_per_class"])
	}
}

// negHundred is int64(-100) as the bits of a testEntry.
var negHundred = func() uint64 { v := int64(-100); return uint64(v) }()

// TestFlexbuffersWidths round-trips a map through every value, key, root and
// indirect width the format allows.
func TestFlexbuffersWidths(t *testing.T) {
	widths := []int{1, 2, 4, 8}
	for _, vw := range widths {
		for _, kw := range widths {
			for _, rw := range widths {
				for _, iw := range widths {
					entries := []testEntry{
						intEntry("a", -3),
						uintEntry("b", 200),
						boolEntry("c", true),
						boolEntry("d", false),
						{key: "e", typ: TypeIndirectInt, bits: negHundred, width: iw},
						{key: "f", typ: TypeIndirectUint, bits: 250, width: iw},
					}
					want := []Value{intValue(-3), uintValue(200), boolValue(true), boolValue(false), intValue(-100), uintValue(250)}
					if iw >= 4 {
						entries = append(entries, testEntry{key: "g", typ: TypeIndirectFloat, bits: math.Float64bits(0.25), width: iw})
						want = append(want, floatValue(0.25))
					}
					if vw >= 4 {
						entries = append(entries, floatEntry("h", -1.5))
						want = append(want, floatValue(-1.5))
					}
					if vw == 8 {
						entries = append(entries, intEntry("i", math.MinInt64), uintEntry("j", math.MaxUint64), floatEntry("k", 1e300))
						want = append(want, intValue(math.MinInt64), uintValue(math.MaxUint64), floatValue(1e300))
					}
					name := fmt.Sprintf("value%d/key%d/root%d/indirect%d", vw, kw, rw, iw)
					buf := encodeMap(entries, testLayout{value: vw, key: kw, root: rw})
					if vw == 1 && len(buf) > 200 {
						t.Fatalf("%s: %d bytes, too long for 1-byte offsets", name, len(buf))
					}
					m, err := Parse(buf)
					if err != nil {
						t.Errorf("%s: %v", name, err)
						continue
					}
					if m.Len() != len(want) {
						t.Errorf("%s: Len() = %d, want %d", name, m.Len(), len(want))
						continue
					}
					for i, w := range want {
						k, v := m.Entry(i)
						if string(k) != entries[i].key || v != w {
							t.Errorf("%s: entry %d = %q %v, want %q %v", name, i, k, v, entries[i].key, w)
						}
					}
				}
			}
		}
	}
}

// TestFlexbuffersRejects checks that each malformed or unsupported input gets
// its own error, naming the key and type where there is one.
func TestFlexbuffersRejects(t *testing.T) {
	l := testLayout{value: 4, key: 1, root: 1}
	valid := encodeMap([]testEntry{intEntry("a", 1), floatEntry("b", 2)}, l)
	with := func(e testEntry) []byte {
		return encodeMap([]testEntry{intEntry("a", 1), e}, l)
	}
	patch := func(b []byte, pos int, v byte) []byte {
		c := append([]byte(nil), b...)
		if pos < 0 {
			pos += len(c)
		}
		c[pos] = v
		return c
	}
	// Positions in valid: "a\0b\0" (0-3), key vector length (4), key
	// offsets (5, 6), map header (7-18: keys offset, key width, length),
	// values (19-26), types (27, 28), root offset, type, width (29-31).
	if len(valid) != 32 {
		t.Fatalf("valid map is %d bytes, the positions below assume 32", len(valid))
	}
	cases := []struct {
		name string
		buf  []byte
		err  error
		want string
	}{
		{"empty", nil, ErrMalformed, "0 bytes"},
		{"two bytes", []byte{0x24, 1}, ErrMalformed, "2 bytes"},
		{"root width 3", patch(valid, -1, 3), ErrMalformed, "root width 3"},
		{"root width larger than buffer", []byte{0x26, 8}, ErrMalformed, "too short"},
		{"root not a map", patch(valid, -2, byte(TypeVector)<<2|2), ErrUnsupported, "root is a vector"},
		{"root offset before buffer", patch(valid, -3, 200), ErrMalformed, "root offset"},
		{"map header before buffer", patch(valid, -3, 22), ErrMalformed, "no room for its 12-byte header"},
		{"map length too large", patch(valid, 15, 7), ErrMalformed, "7 entries"},
		{"key width 3", patch(valid, 11, 3), ErrMalformed, "key width 3"},
		{"key vector offset before buffer", patch(valid, 7, 100), ErrMalformed, "key vector offset"},
		{"key vector length mismatch", patch(valid, 4, 3), ErrMalformed, "3 entries, its map 2"},
		{"key offset before buffer", patch(valid, 6, 90), ErrMalformed, "key 1: offset"},
		{"keys unsorted", encodeMap([]testEntry{intEntry("b", 1), intEntry("a", 2)}, l), ErrMalformed, `key 1 "a" is not after key 0 "b"`},
		{"keys duplicated", encodeMap([]testEntry{intEntry("a", 1), intEntry("a", 2)}, l), ErrMalformed, `key 1 "a" is not after key 0 "a"`},
		{"key too long", encodeMap([]testEntry{intEntry(strings.Repeat("k", MaxKeyLen+1), 1)}, testLayout{value: 4, key: 2, root: 2}), ErrMalformed, "longer than 256 bytes"},
		{"string value", with(testEntry{key: "name", typ: TypeString}), ErrUnsupported, `key "name" holds a string`},
		{"vector value", with(testEntry{key: "v", typ: TypeVectorInt}), ErrUnsupported, `key "v" holds a int vector`},
		{"map value", with(testEntry{key: "m", typ: TypeMap}), ErrUnsupported, `key "m" holds a map`},
		{"null value", with(testEntry{key: "n", typ: TypeNull}), ErrUnsupported, `key "n" holds a null`},
		{"blob value", with(testEntry{key: "x", typ: TypeBlob}), ErrUnsupported, `key "x" holds a blob`},
		{"unknown type", patch(valid, 28, 40<<2), ErrMalformed, `key "b": unknown type code 40`},
		{"float of width 2", encodeMap([]testEntry{floatEntry("f", 1)}, testLayout{value: 2, key: 1, root: 1}), ErrMalformed, `key "f": float stored in 2 bytes`},
		{"indirect float of width 1", with(testEntry{key: "g", typ: TypeIndirectFloat, width: 1}), ErrMalformed, `key "g": float stored in 1 bytes`},
		{"indirect offset before buffer", patch(with(testEntry{key: "i", typ: TypeIndirectInt, bits: 7, width: 1}), 24, 250), ErrMalformed, `key "i": indirect int offset`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse(c.buf)
			if err == nil {
				t.Fatalf("Parse succeeded with %d entries, want an error containing %q", m.Len(), c.want)
			}
			if !errors.Is(err, c.err) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want %v containing %q", err, c.err, c.want)
			}
		})
	}
	if _, err := Parse(valid); err != nil {
		t.Errorf("the unpatched map: %v", err)
	}
	// A key running to the end of the buffer: offsets point backwards, so
	// only a map whose every later byte is non-zero has one; build the
	// Map directly.
	m := Map{buf: []byte{'a', 'b', 'c', 3}, keys: 3, keyWidth: 1, n: 1}
	if _, err := m.key(0); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "key 0 at byte 0 has no terminating NUL") {
		t.Errorf("key without NUL: error %v", err)
	}
}

// TestFlexbuffersTypedLookups checks the conversions of Int, Float and Bool
// and their errors.
func TestFlexbuffersTypedLookups(t *testing.T) {
	buf := encodeMap([]testEntry{
		boolEntry("bool", true), floatEntry("float", 0.5), intEntry("int", -7),
		uintEntry("uint", 9), uintEntry("zero", 0), uintEntry("huge", math.MaxUint64),
	}, testLayout{value: 8, key: 1, root: 1, sortKeys: true})
	m, err := Parse(buf)
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		v   any
		ok  bool
		err string
	}
	i := func(v int64, ok bool, err error) result { return result{v, ok, errString(err)} }
	f := func(v float64, ok bool, err error) result { return result{v, ok, errString(err)} }
	b := func(v bool, ok bool, err error) result { return result{v, ok, errString(err)} }
	cases := []struct {
		name      string
		got, want result
	}{
		{"Int(int)", i(m.Int("int")), result{int64(-7), true, ""}},
		{"Int(uint)", i(m.Int("uint")), result{int64(9), true, ""}},
		{"Int(huge uint)", i(m.Int("huge")), result{int64(0), true, `key "huge" holds uint 18446744073709551615, above the int64 range`}},
		{"Int(float)", i(m.Int("float")), result{int64(0), true, `key "float" holds a float, want an integer`}},
		{"Int(bool)", i(m.Int("bool")), result{int64(0), true, `key "bool" holds a bool, want an integer`}},
		{"Int(absent)", i(m.Int("absent")), result{int64(0), false, ""}},
		{"Float(float)", f(m.Float("float")), result{0.5, true, ""}},
		{"Float(int)", f(m.Float("int")), result{-7.0, true, ""}},
		{"Float(uint)", f(m.Float("uint")), result{9.0, true, ""}},
		{"Float(bool)", f(m.Float("bool")), result{0.0, true, `key "bool" holds a bool, want a number`}},
		{"Float(absent)", f(m.Float("zzz")), result{0.0, false, ""}},
		{"Bool(bool)", b(m.Bool("bool")), result{true, true, ""}},
		{"Bool(int)", b(m.Bool("int")), result{true, true, ""}},
		{"Bool(zero uint)", b(m.Bool("zero")), result{false, true, ""}},
		{"Bool(float)", b(m.Bool("float")), result{false, true, `key "float" holds a float, want a bool`}},
		{"Bool(absent)", b(m.Bool("")), result{false, false, ""}},
	}
	for _, c := range cases {
		if c.got.v != c.want.v || c.got.ok != c.want.ok || !strings.HasSuffix(c.got.err, c.want.err) || (c.want.err == "") != (c.got.err == "") {
			t.Errorf("%s = %v, %v, %q; want %v, %v, %q", c.name, c.got.v, c.got.ok, c.got.err, c.want.v, c.want.ok, c.want.err)
		}
	}
	if _, _, err := m.Int("float"); !errors.Is(err, ErrType) {
		t.Errorf("Int(float) error %v, want ErrType", err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestFlexbuffersLookupEveryKey checks Lookup against Entry on a map large
// enough for several binary-search steps, and misses between and around keys.
func TestFlexbuffersLookupEveryKey(t *testing.T) {
	var entries []testEntry
	for i := range 37 {
		entries = append(entries, intEntry(fmt.Sprintf("k%03d", 2*i), int64(i)))
	}
	m, err := Parse(encodeMap(entries, testLayout{value: 2, key: 2, root: 2}))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 37 {
		if v, ok := m.Lookup(fmt.Sprintf("k%03d", 2*i)); !ok || v != intValue(int64(i)) {
			t.Errorf("Lookup(k%03d) = %v, %v; want int %d", 2*i, v, ok, i)
		}
		if v, ok := m.Lookup(fmt.Sprintf("k%03d", 2*i+1)); ok {
			t.Errorf("Lookup(k%03d) = %v, want absent", 2*i+1, v)
		}
	}
	for _, k := range []string{"", "a", "k", "k00", "k0000", "z"} {
		if v, ok := m.Lookup(k); ok {
			t.Errorf("Lookup(%q) = %v, want absent", k, v)
		}
	}
}

// TestFlexbuffersTruncated checks that every proper prefix and suffix of the
// real options is refused.
func TestFlexbuffersTruncated(t *testing.T) {
	buf := ssdCustomOptions(t)
	for n := range len(buf) {
		if m, err := Parse(buf[:n]); err == nil {
			t.Errorf("prefix of %d bytes parsed (%d entries)", n, m.Len())
		}
		if m, err := Parse(buf[len(buf)-n:]); err == nil {
			t.Errorf("suffix of %d bytes parsed (%d entries)", n, m.Len())
		}
	}
}

// TestFlexbuffersBitFlips flips every bit of the real options: no flip may
// panic, and whatever still parses must be self-consistent.
func TestFlexbuffersBitFlips(t *testing.T) {
	buf := ssdCustomOptions(t)
	parsed := 0
	for i := range len(buf) * 8 {
		c := append([]byte(nil), buf...)
		c[i/8] ^= 1 << (i % 8)
		if m, err := Parse(c); err == nil {
			parsed++
			checkConsistent(t, c, m)
		}
	}
	t.Logf("%d of %d single-bit flips still parse", parsed, len(buf)*8)
}

// checkConsistent checks what Parse promises of a map it accepted.
func checkConsistent(t *testing.T, buf []byte, m Map) {
	t.Helper()
	if m.Len() < 0 || m.Len() > len(buf) {
		t.Fatalf("Len() = %d for a %d-byte buffer", m.Len(), len(buf))
	}
	var prev []byte
	for i := range m.Len() {
		k, v := m.Entry(i)
		if len(k) > MaxKeyLen {
			t.Fatalf("entry %d: key of %d bytes", i, len(k))
		}
		if i > 0 && string(prev) >= string(k) {
			t.Fatalf("entry %d: key %q not after %q", i, k, prev)
		}
		if v.Kind() < KindInt || v.Kind() > KindBool {
			t.Fatalf("entry %d: %q has kind %v", i, k, v.Kind())
		}
		if got, ok := m.Lookup(string(k)); !ok || got != v {
			t.Fatalf("Lookup(%q) = %v, %v; Entry(%d) says %v", k, got, ok, i, v)
		}
		prev = k
	}
}

// TestFlexbuffersAllocs checks that parsing and looking up allocate nothing.
func TestFlexbuffersAllocs(t *testing.T) {
	buf := ssdCustomOptions(t)
	var classes int64
	var iou float64
	allocs := testing.AllocsPerRun(100, func() {
		m, err := Parse(buf)
		if err != nil {
			t.Fatal(err)
		}
		classes, _, _ = m.Int("num_classes")
		iou, _, _ = m.Float("nms_iou_threshold")
	})
	if allocs != 0 {
		t.Errorf("Parse and lookups: %v allocations per run, want 0", allocs)
	}
	if classes != 90 || iou != float64(float32(0.6)) {
		t.Errorf("num_classes %d, nms_iou_threshold %v; want 90, float32(0.6)", classes, iou)
	}
}
