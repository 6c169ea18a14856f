package kernels

import (
	"fmt"
	"strings"
)

// Level names a family of implementations that can be forced: a program may
// ask for one (edgecam's -kernels flag), the library never reads it from the
// environment.
type Level string

// Kernel levels, from the most portable to the most specialised.
const (
	Auto    Level = "auto"    // the fastest available for each layer
	Generic Level = "generic" // pure Go everywhere
	NEON    Level = "neon"    // arm64 ASIMD; int8 by widening multiply-accumulate
	DotProd Level = "dotprod" // NEON plus SDOT int8 (ARMv8.2 dot product)
)

// ParseLevel checks a level name (case and surrounding space ignored). The
// empty string means Auto.
func ParseLevel(s string) (Level, error) {
	switch l := Level(strings.ToLower(strings.TrimSpace(s))); l {
	case "":
		return Auto, nil
	case Auto, Generic, NEON, DotProd:
		return l, nil
	}
	return "", fmt.Errorf("unknown kernel level %q (want auto, generic, neon or dotprod)", s)
}

// Rank orders levels, generic lowest: an implementation may serve a forced
// level when its own level is at or below it (dotprod includes NEON, NEON
// includes generic), and among those allowed the highest level wins.
func Rank(l Level) int {
	switch l {
	case Generic:
		return 0
	case NEON:
		return 1
	case DotProd:
		return 2
	}
	return 3 // Auto
}

// Allowed reports whether an implementation of level have may be chosen when
// level want is asked for.
func Allowed(have, want Level) bool { return Rank(have) <= Rank(want) }

// Check reports whether a forced level can run on this CPU: forcing a level
// whose kernels the CPU lacks is an error, never a silent fallback.
func Check(l Level) error {
	if l == Auto || l == Generic {
		return nil
	}
	for _, c := range registry.Explain(l) {
		if c.Level == l && c.Avail {
			return nil
		}
	}
	return fmt.Errorf("kernel level %q is not available on this CPU (%s)", l, CPUSummary())
}
