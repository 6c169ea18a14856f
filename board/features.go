package board

import (
	goruntime "runtime"

	"golang.org/x/sys/cpu"
)

// CPUFeatures reports the CPU features that matter to edgecam's kernels, as
// golang.org/x/sys/cpu detects them (GODEBUG=cpu.asimddp=off and friends are
// honoured). The keys depend on the architecture; other architectures get an
// empty map.
func CPUFeatures() map[string]bool {
	switch goruntime.GOARCH {
	case "arm64":
		return map[string]bool{
			"asimd":   cpu.ARM64.HasASIMD,
			"dotprod": cpu.ARM64.HasASIMDDP,
			"fp16":    cpu.ARM64.HasFPHP && cpu.ARM64.HasASIMDHP,
			"i8mm":    cpu.ARM64.HasI8MM,
		}
	case "arm":
		return map[string]bool{
			"neon":  cpu.ARM.HasNEON,
			"vfpv4": cpu.ARM.HasVFPv4,
		}
	case "amd64", "386":
		return map[string]bool{
			"sse4.1":  cpu.X86.HasSSE41,
			"avx2":    cpu.X86.HasAVX2,
			"fma":     cpu.X86.HasFMA,
			"avx512f": cpu.X86.HasAVX512F,
		}
	}
	return map[string]bool{}
}
