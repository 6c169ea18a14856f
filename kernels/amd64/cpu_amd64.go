//go:build gc && !purego

package amd64

import "golang.org/x/sys/cpu"

// CPU features, read once from golang.org/x/sys/cpu (which also checks that
// the OS saves the YMM and ZMM state). x/sys/cpu honours GODEBUG, so
// GODEBUG=cpu.avx512f=off (or cpu.avx512vnni=off, cpu.avx2=off) masks a
// level for a test run.
var (
	// HasAVX2FMA reports whether the AVX2 kernels can run (Haswell, Zen 1
	// and later).
	HasAVX2FMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

	// HasAVX512 reports whether the AVX-512 kernels can run: F, BW and VL
	// (Skylake-SP, Ice Lake, Zen 4 and later).
	HasAVX512 = HasAVX2FMA && cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VL

	// HasVNNI reports whether the VPDPBUSD int8 kernels can run: AVX-512
	// plus VNNI (Cascade Lake, Ice Lake, Zen 4 and later).
	HasVNNI = HasAVX512 && cpu.X86.HasAVX512VNNI
)
