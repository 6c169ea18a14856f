package kernels

import (
	"fmt"
	goruntime "runtime"
	"strings"
)

// Level names a family of implementations that can be forced: a program may
// ask for one (edgecam's -kernels flag), the library never reads it from the
// environment.
type Level string

// Kernel levels, from the most portable to the most specialised. Each
// architecture has its own ladder above generic; a level includes the
// levels below it on its own ladder and generic.
const (
	Auto    Level = "auto"    // the fastest available for each layer
	Generic Level = "generic" // pure Go everywhere

	// arm64
	NEON    Level = "neon"    // ASIMD; int8 by widening multiply-accumulate
	DotProd Level = "dotprod" // NEON plus SDOT int8 (ARMv8.2 dot product)

	// amd64
	AVX2   Level = "avx2"   // AVX2+FMA; int8 by VPMADDWD on int16 pairs
	AVX512 Level = "avx512" // AVX2 plus AVX-512 F, BW and VL (float32 GEMM on ZMM)
	VNNI   Level = "vnni"   // AVX-512 plus VNNI: VPDPBUSD int8
)

// ladders lists the specialised levels of each architecture, lowest first.
var ladders = map[string][]Level{
	"arm64": {NEON, DotProd},
	"amd64": {AVX2, AVX512, VNNI},
}

// ladderOf returns the architecture whose ladder holds l and l's position on
// it (1 for the lowest), or "", 0 for generic, auto and unknown names.
func ladderOf(l Level) (arch string, step int) {
	for a, ladder := range ladders {
		for i, x := range ladder {
			if x == l {
				return a, i + 1
			}
		}
	}
	return "", 0
}

// Levels returns the levels that can be asked for on this architecture:
// auto, generic and the architecture's own ladder, lowest first. Whether
// this CPU runs them is Check's answer.
func Levels() []Level {
	return append([]Level{Auto, Generic}, ladders[goruntime.GOARCH]...)
}

// ParseLevel checks a level name (case and surrounding space ignored). The
// empty string means Auto. Every architecture's levels parse (forcing one
// this CPU lacks is Check's error); the message for an unknown name lists
// the levels of this architecture.
func ParseLevel(s string) (Level, error) {
	l := Level(strings.ToLower(strings.TrimSpace(s)))
	switch {
	case l == "":
		return Auto, nil
	case l == Auto || l == Generic:
		return l, nil
	}
	if arch, _ := ladderOf(l); arch != "" {
		return l, nil
	}
	return "", fmt.Errorf("unknown kernel level %q (want %s on %s)", s, orList(Levels()), goruntime.GOARCH)
}

// orList joins levels as "a, b or c".
func orList(ls []Level) string {
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = string(l)
	}
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// Rank orders levels, generic lowest and auto highest; a specialised level
// ranks by its step on its architecture's ladder (neon and avx2 are 1,
// dotprod and avx512 2, vnni 3). Among the implementations allowed at a
// requested level, Select takes the highest rank.
func Rank(l Level) int {
	switch l {
	case Generic:
		return 0
	case Auto:
		return 1 << 10
	}
	_, step := ladderOf(l)
	return step
}

// Allowed reports whether an implementation of level have may be chosen when
// level want is asked for: generic always, anything under auto, and a level
// at or below want on want's own ladder (vnni includes avx512 and avx2,
// dotprod includes neon; neon never serves avx2).
func Allowed(have, want Level) bool {
	if have == Generic || want == Auto {
		return true
	}
	ha, hs := ladderOf(have)
	wa, ws := ladderOf(want)
	return ha != "" && ha == wa && hs <= ws
}

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
