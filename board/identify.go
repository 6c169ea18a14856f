package board

import "strings"

// Kind is the family of board edgecam runs on.
type Kind string

// Board kinds.
const (
	KindPiZero2W Kind = "pi-zero-2-w"
	KindPi3      Kind = "pi3"
	KindPi4      Kind = "pi4"
	KindPi5      Kind = "pi5"
	KindCM4      Kind = "cm4"
	KindCM5      Kind = "cm5"
	KindPiOther  Kind = "pi-other" // a Raspberry Pi edgecam has no specific knowledge of
	KindARM64    Kind = "arm64-board"
	KindARM      Kind = "arm-board" // 32-bit ARM
	KindX86      Kind = "x86"
	KindUnknown  Kind = "unknown"
)

// Identify names the board kind from the device tree model string (or the
// cpuinfo "Model" line), the decoded Pi revision code (nil when absent) and
// the architecture of the running program.
func Identify(model string, rev *PiRevision, goarch string) Kind {
	if k := kindFromModel(model); k != KindUnknown {
		return k
	}
	if rev != nil {
		if k := kindFromRevision(rev.Board); k != KindUnknown {
			return k
		}
	}
	switch goarch {
	case "arm64":
		return KindARM64
	case "arm":
		return KindARM
	case "amd64", "386":
		return KindX86
	}
	return KindUnknown
}

func kindFromModel(model string) Kind {
	m := strings.ToLower(strings.TrimSpace(model))
	if !strings.HasPrefix(m, "raspberry pi") {
		return KindUnknown
	}
	m = strings.TrimSpace(strings.TrimPrefix(m, "raspberry pi"))
	switch {
	case strings.HasPrefix(m, "zero 2"):
		return KindPiZero2W
	case strings.HasPrefix(m, "compute module 4"):
		return KindCM4
	case strings.HasPrefix(m, "compute module 5"):
		return KindCM5
	case strings.HasPrefix(m, "compute module 3"):
		return KindPi3
	case strings.HasPrefix(m, "5 ") || strings.HasPrefix(m, "500") || m == "5":
		return KindPi5
	case strings.HasPrefix(m, "4 ") || strings.HasPrefix(m, "400") || m == "4":
		return KindPi4
	case strings.HasPrefix(m, "3 ") || m == "3":
		return KindPi3
	}
	return KindPiOther
}

func kindFromRevision(board string) Kind {
	switch board {
	case "":
		return KindUnknown
	case "Zero2W":
		return KindPiZero2W
	case "3B", "3B+", "3A+", "CM3", "CM3+":
		return KindPi3
	case "4B", "400":
		return KindPi4
	case "CM4", "CM4S":
		return KindCM4
	case "5", "500":
		return KindPi5
	case "CM5", "CM5Lite":
		return KindCM5
	}
	return KindPiOther
}
