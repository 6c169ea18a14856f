package tflite

import (
	"fmt"
	"math"

	flatbuffers "github.com/google/flatbuffers/go"
)

// A bounds-checked flatbuffer reader. The flatbuffers Go runtime trusts its
// input and panics on out-of-range offsets; every access here is checked
// first, and flatbuffers.Get* only ever sees a slice long enough for it.
//
// Vector lengths are checked against the bytes that remain in the file before
// anything is allocated, and every decoded element is charged to a budget
// proportional to the file size, so vectors shared by many tables (legal in a
// flatbuffer) cannot make the decoder allocate more than a small multiple of
// the file.

// fbReader reads one flatbuffer.
type fbReader struct {
	b      []byte
	budget int // elements that may still be decoded from vectors
}

func newFBReader(b []byte) *fbReader {
	return &fbReader{b: b, budget: 2*len(b) + 1<<16}
}

// fbTable is a table whose vtable has been checked.
type fbTable struct {
	r     *fbReader
	what  string // for errors, e.g. "tensor 3"
	pos   uint32 // table start
	vt    uint32 // vtable start
	vtLen uint32 // vtable size in bytes
	tLen  uint32 // table size in bytes (from the vtable)
}

// span checks that [off, off+n) lies inside the buffer and returns it.
func (r *fbReader) span(off uint64, n uint64) ([]byte, bool) {
	if off > uint64(len(r.b)) || n > uint64(len(r.b))-off {
		return nil, false
	}
	return r.b[off : off+n], true
}

// uoffset follows the uoffset stored at off and returns the target position.
func (r *fbReader) uoffset(off uint64, what string) (uint32, error) {
	s, ok := r.span(off, 4)
	if !ok {
		return 0, fmt.Errorf("%s: offset at byte %d is beyond the end of the %d-byte file", what, off, len(r.b))
	}
	target := off + uint64(flatbuffers.GetUOffsetT(s))
	if target >= uint64(len(r.b)) {
		return 0, fmt.Errorf("%s: offset at byte %d points to byte %d, beyond the end of the %d-byte file", what, off, target, len(r.b))
	}
	return uint32(target), nil
}

// table checks the table at pos and its vtable.
func (r *fbReader) table(pos uint32, what string) (*fbTable, error) {
	s, ok := r.span(uint64(pos), 4)
	if !ok {
		return nil, fmt.Errorf("%s: table at byte %d is beyond the end of the file", what, pos)
	}
	vt := int64(pos) - int64(flatbuffers.GetSOffsetT(s))
	if vt < 0 || vt > int64(len(r.b)) {
		return nil, fmt.Errorf("%s: vtable offset of table at byte %d points outside the file", what, pos)
	}
	hdr, ok := r.span(uint64(vt), 4)
	if !ok {
		return nil, fmt.Errorf("%s: vtable at byte %d is beyond the end of the file", what, vt)
	}
	vtLen := uint32(flatbuffers.GetVOffsetT(hdr))
	tLen := uint32(flatbuffers.GetVOffsetT(hdr[2:]))
	if vtLen < 4 || vtLen%2 != 0 {
		return nil, fmt.Errorf("%s: vtable at byte %d has invalid size %d", what, vt, vtLen)
	}
	if _, ok := r.span(uint64(vt), uint64(vtLen)); !ok {
		return nil, fmt.Errorf("%s: vtable at byte %d (%d bytes) runs past the end of the file", what, vt, vtLen)
	}
	if tLen < 4 {
		return nil, fmt.Errorf("%s: table at byte %d has invalid size %d", what, pos, tLen)
	}
	if _, ok := r.span(uint64(pos), uint64(tLen)); !ok {
		return nil, fmt.Errorf("%s: table at byte %d (%d bytes) runs past the end of the file", what, pos, tLen)
	}
	return &fbTable{r: r, what: what, pos: pos, vt: uint32(vt), vtLen: vtLen, tLen: tLen}, nil
}

// root returns the root table after checking the size and file identifier.
func (r *fbReader) root(ident string) (*fbTable, error) {
	if len(r.b) < 8 {
		return nil, fmt.Errorf("file is %d bytes, too short for a flatbuffer header", len(r.b))
	}
	if got := string(r.b[4:8]); got != ident {
		return nil, fmt.Errorf("file identifier is %q, want %q", got, ident)
	}
	pos, err := r.uoffset(0, "root")
	if err != nil {
		return nil, err
	}
	return r.table(pos, "model")
}

// field returns the position of field id and whether it is present, after
// checking that size bytes at that position lie inside the table.
func (t *fbTable) field(id int, size uint32) (uint32, bool, error) {
	slot := uint32(fieldVT(id))
	if slot+2 > t.vtLen {
		return 0, false, nil
	}
	off := uint32(flatbuffers.GetVOffsetT(t.r.b[t.vt+slot:]))
	if off == 0 {
		return 0, false, nil
	}
	if off < 4 || off+size > t.tLen {
		return 0, false, fmt.Errorf("%s: field %d at table offset %d does not fit the %d-byte table", t.what, id, off, t.tLen)
	}
	return t.pos + off, true, nil
}

func (t *fbTable) has(id int) bool {
	_, ok, err := t.field(id, 1)
	return ok && err == nil
}

func (t *fbTable) uint8(id int, def uint8) (uint8, error) {
	p, ok, err := t.field(id, 1)
	if err != nil || !ok {
		return def, err
	}
	return flatbuffers.GetUint8(t.r.b[p:]), nil
}

func (t *fbTable) int8(id int, def int8) (int8, error) {
	v, err := t.uint8(id, uint8(def))
	return int8(v), err
}

func (t *fbTable) bool(id int) (bool, error) {
	v, err := t.uint8(id, 0)
	return v != 0, err
}

func (t *fbTable) int32(id int, def int32) (int32, error) {
	p, ok, err := t.field(id, 4)
	if err != nil || !ok {
		return def, err
	}
	return flatbuffers.GetInt32(t.r.b[p:]), nil
}

func (t *fbTable) uint32(id int, def uint32) (uint32, error) {
	v, err := t.int32(id, int32(def))
	return uint32(v), err
}

func (t *fbTable) uint64(id int) (uint64, error) {
	p, ok, err := t.field(id, 8)
	if err != nil || !ok {
		return 0, err
	}
	return flatbuffers.GetUint64(t.r.b[p:]), nil
}

func (t *fbTable) float32(id int, def float32) (float32, error) {
	p, ok, err := t.field(id, 4)
	if err != nil || !ok {
		return def, err
	}
	return flatbuffers.GetFloat32(t.r.b[p:]), nil
}

// target follows the offset field id; ok is false when the field is absent.
func (t *fbTable) target(id int, name string) (uint32, bool, error) {
	p, ok, err := t.field(id, 4)
	if err != nil || !ok {
		return 0, false, err
	}
	pos, err := t.r.uoffset(uint64(p), t.what+" "+name)
	return pos, err == nil, err
}

// subTable reads the table in field id, or nil when absent.
func (t *fbTable) subTable(id int, name string) (*fbTable, error) {
	pos, ok, err := t.target(id, name)
	if err != nil || !ok {
		return nil, err
	}
	return t.r.table(pos, t.what+" "+name)
}

// vector returns the element bytes and length of the vector in field id, after
// checking that all n*elem bytes are in the file and charging n to the budget.
func (t *fbTable) vector(id int, elem uint32, name string) ([]byte, int, error) {
	pos, ok, err := t.target(id, name)
	if err != nil || !ok {
		return nil, 0, err
	}
	s, ok := t.r.span(uint64(pos), 4)
	if !ok {
		return nil, 0, fmt.Errorf("%s %s: vector length at byte %d is beyond the end of the file", t.what, name, pos)
	}
	n := uint64(flatbuffers.GetUint32(s))
	body, ok := t.r.span(uint64(pos)+4, n*uint64(elem))
	if !ok {
		return nil, 0, fmt.Errorf("%s %s: vector of %d elements at byte %d runs past the end of the %d-byte file", t.what, name, n, pos, len(t.r.b))
	}
	if n > uint64(t.r.budget) {
		return nil, 0, fmt.Errorf("%s %s: vector of %d elements exceeds the decoding budget (vectors shared too often)", t.what, name, n)
	}
	t.r.budget -= int(n)
	return body, int(n), nil
}

// bytes returns the [ubyte] vector in field id, or nil when absent. The slice
// aliases the file.
func (t *fbTable) bytes(id int, name string) ([]byte, error) {
	b, n, err := t.vector(id, 1, name)
	if err != nil || b == nil {
		return nil, err
	}
	return b[:n:n], nil
}

func (t *fbTable) string(id int, name string) (string, error) {
	b, err := t.bytes(id, name)
	return string(b), err
}

// ints returns the [int] vector in field id, or nil when absent.
func (t *fbTable) ints(id int, name string) ([]int, error) {
	b, n, err := t.vector(id, 4, name)
	if err != nil || b == nil {
		return nil, err
	}
	out := make([]int, n)
	for i := range out {
		out[i] = int(flatbuffers.GetInt32(b[4*i:]))
	}
	return out, nil
}

// int64s returns the [long] vector in field id, or nil when absent.
func (t *fbTable) int64s(id int, name string) ([]int64, error) {
	b, n, err := t.vector(id, 8, name)
	if err != nil || b == nil {
		return nil, err
	}
	out := make([]int64, n)
	for i := range out {
		out[i] = flatbuffers.GetInt64(b[8*i:])
	}
	return out, nil
}

// float32s returns the [float] vector in field id, or nil when absent.
func (t *fbTable) float32s(id int, name string) ([]float32, error) {
	b, n, err := t.vector(id, 4, name)
	if err != nil || b == nil {
		return nil, err
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(flatbuffers.GetUint32(b[4*i:]))
	}
	return out, nil
}

// tables returns the positions of the tables in the [Table] vector in field id.
func (t *fbTable) tables(id int, name string) ([]uint32, error) {
	b, n, err := t.vector(id, 4, name)
	if err != nil || b == nil {
		return nil, err
	}
	// b is a sub-slice of the file, so the capacities give its position.
	first := uint64(cap(t.r.b) - cap(b))
	out := make([]uint32, n)
	for i := range out {
		pos, err := t.r.uoffset(first+4*uint64(i), fmt.Sprintf("%s %s[%d]", t.what, name, i))
		if err != nil {
			return nil, err
		}
		out[i] = pos
	}
	return out, nil
}
