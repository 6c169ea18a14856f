package board

import (
	"fmt"
	"strconv"
	"strings"
)

// PiRevision is a decoded new-style Raspberry Pi revision code (the
// "Revision" line of /proc/cpuinfo, documented by Raspberry Pi as
// NOQuuuWuFMMMCCCCPPPPTTTTTTTTRRRR).
type PiRevision struct {
	Code      uint32
	Type      int    // board type, e.g. 0x11 for the Pi 4 Model B
	Board     string // "4B", "5", "Zero2W", ... or "" when the type is not known here
	Processor string // "BCM2837", "BCM2711", "BCM2712", ...
	MemoryMB  int
	Rev       int // board revision, the x in "Rev 1.x"
}

// piTypes names the revision code board types edgecam knows.
var piTypes = map[int]string{
	0x04: "2B", 0x06: "CM1", 0x08: "3B", 0x09: "Zero", 0x0a: "CM3", 0x0c: "ZeroW",
	0x0d: "3B+", 0x0e: "3A+", 0x10: "CM3+", 0x11: "4B", 0x12: "Zero2W", 0x13: "400",
	0x14: "CM4", 0x15: "CM4S", 0x17: "5", 0x18: "CM5", 0x19: "500", 0x1a: "CM5Lite",
}

var piProcessors = []string{"BCM2835", "BCM2836", "BCM2837", "BCM2711", "BCM2712"}

// ParsePiRevision decodes a new-style revision code such as "c03114". Old
// style codes (bit 23 clear, the original Pi 1 boards) are an error.
func ParsePiRevision(s string) (PiRevision, error) {
	s = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "0x")
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return PiRevision{}, fmt.Errorf("pi revision %q: %w", s, err)
	}
	code := uint32(v)
	if code&(1<<23) == 0 {
		return PiRevision{}, fmt.Errorf("pi revision %q: old-style code", s)
	}
	r := PiRevision{
		Code:     code,
		Type:     int(code>>4) & 0xff,
		MemoryMB: 256 << ((code >> 20) & 7),
		Rev:      int(code & 0xf),
	}
	r.Board = piTypes[r.Type]
	if p := int(code>>12) & 0xf; p < len(piProcessors) {
		r.Processor = piProcessors[p]
	}
	return r, nil
}
