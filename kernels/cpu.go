package kernels

import (
	goruntime "runtime"
	"strings"

	"golang.org/x/sys/cpu"
)

// CPUSummary names the architecture and the CPU features kernel selection reads.
func CPUSummary() string {
	f := CPUFeatures()
	if len(f) == 0 {
		return goruntime.GOARCH
	}
	return goruntime.GOARCH + " " + strings.Join(f, ",")
}

// CPUFeatures lists the features relevant to kernel selection, as detected by
// golang.org/x/sys/cpu (GODEBUG=cpu.asimddp=off, cpu.avx512f=off and friends are honoured).
func CPUFeatures() []string {
	var f []string
	add := func(ok bool, name string) {
		if ok {
			f = append(f, name)
		}
	}
	switch goruntime.GOARCH {
	case "arm64":
		add(cpu.ARM64.HasASIMD, "asimd")
		add(cpu.ARM64.HasASIMDDP, "asimddp")
		add(cpu.ARM64.HasFPHP, "fphp")
		add(cpu.ARM64.HasASIMDHP, "asimdhp")
		add(cpu.ARM64.HasI8MM, "i8mm")
	case "amd64", "386":
		add(cpu.X86.HasAVX2, "avx2")
		add(cpu.X86.HasFMA, "fma")
		add(cpu.X86.HasAVX512F, "avx512f")
		add(cpu.X86.HasAVX512BW, "avx512bw")
		add(cpu.X86.HasAVX512VL, "avx512vl")
		add(cpu.X86.HasAVX512VNNI, "avx512vnni")
	case "arm":
		add(cpu.ARM.HasNEON, "neon")
		add(cpu.ARM.HasVFPv4, "vfpv4")
	}
	return f
}
