//go:build gc && !purego

package arm64

import "golang.org/x/sys/cpu"

// HasNEON reports whether the NEON (ASIMD) kernels can run: always on arm64
// Linux, read once from golang.org/x/sys/cpu.
var HasNEON = cpu.ARM64.HasASIMD

// HasDotProd reports whether the SDOT kernels can run (ARMv8.2 dot product,
// Cortex-A76 and later; GODEBUG=cpu.asimddp=off turns it off).
var HasDotProd = cpu.ARM64.HasASIMD && cpu.ARM64.HasASIMDDP
