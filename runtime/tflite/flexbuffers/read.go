package flexbuffers

import (
	"encoding/binary"
	"math"
)

// Little-endian reads of 1, 2, 4 or 8 bytes. Callers check first that
// [pos, pos+width) lies inside b (span) and that width is valid (validWidth).

func validWidth(w uint64) bool { return w == 1 || w == 2 || w == 4 || w == 8 }

// span reports whether [pos, pos+n) lies inside b.
func span(b []byte, pos, n int) bool {
	return pos >= 0 && n >= 0 && pos <= len(b) && n <= len(b)-pos
}

func readUint(b []byte, pos, width int) uint64 {
	switch width {
	case 1:
		return uint64(b[pos])
	case 2:
		return uint64(binary.LittleEndian.Uint16(b[pos:]))
	case 4:
		return uint64(binary.LittleEndian.Uint32(b[pos:]))
	default:
		return binary.LittleEndian.Uint64(b[pos:])
	}
}

func readInt(b []byte, pos, width int) int64 {
	switch width {
	case 1:
		return int64(int8(b[pos]))
	case 2:
		return int64(int16(binary.LittleEndian.Uint16(b[pos:])))
	case 4:
		return int64(int32(binary.LittleEndian.Uint32(b[pos:])))
	default:
		return int64(binary.LittleEndian.Uint64(b[pos:]))
	}
}

// readFloat reads a float of width 4 or 8 (the only float widths the format
// writes; the caller rejects others).
func readFloat(b []byte, pos, width int) float64 {
	if width == 4 {
		return float64(math.Float32frombits(binary.LittleEndian.Uint32(b[pos:])))
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b[pos:]))
}

// indirect follows the offset of the given width stored at pos: FlexBuffers
// offsets are unsigned and point backwards, to pos - offset. It returns -1
// when the offset is not in the buffer or points before its start.
func indirect(b []byte, pos, width int) int {
	if !span(b, pos, width) {
		return -1
	}
	off := readUint(b, pos, width)
	if off > uint64(pos) {
		return -1
	}
	return pos - int(off)
}
