package flexbuffers

import "testing"

// FuzzFlexbuffers feeds arbitrary bytes to Parse: it must never panic, and a
// map it accepts must be self-consistent (sorted keys, scalar values, Lookup
// agreeing with Entry). Seeds: the SSD detector's real options, crafted maps
// of every width, and truncations and bit flips of both.
func FuzzFlexbuffers(f *testing.F) {
	seeds := [][]byte{
		encodeMap([]testEntry{intEntry("a", -1), uintEntry("b", 7), floatEntry("c", 0.5), boolEntry("d", true)}, testLayout{value: 4, key: 1, root: 1}),
		encodeMap([]testEntry{floatEntry("x", 1e-8), {key: "y", typ: TypeIndirectFloat, bits: 0, width: 8}}, testLayout{value: 8, key: 8, root: 8}),
		encodeMap([]testEntry{{key: "s", typ: TypeString}}, testLayout{value: 2, key: 2, root: 2}),
		encodeMap(nil, testLayout{value: 1, key: 1, root: 1}),
	}
	if opts := readSSDCustomOptions(); opts != nil {
		seeds = append(seeds, opts)
	}
	for _, s := range seeds {
		f.Add(s)
		for _, n := range []int{1, 2, len(s) / 2, len(s) - 1} {
			if n >= 0 && n <= len(s) {
				f.Add(s[:n])
				f.Add(s[len(s)-n:])
			}
		}
		for _, bit := range []int{0, 7, len(s)*4 + 3, len(s)*8 - 9, len(s)*8 - 1} {
			if bit >= 0 && bit < len(s)*8 {
				c := append([]byte(nil), s...)
				c[bit/8] ^= 1 << (bit % 8)
				f.Add(c)
			}
		}
	}
	f.Fuzz(func(t *testing.T, buf []byte) {
		m, err := Parse(buf)
		if err != nil {
			if m.Len() != 0 {
				t.Fatalf("failed Parse returned %d entries", m.Len())
			}
			return
		}
		checkConsistent(t, buf, m)
	})
}
