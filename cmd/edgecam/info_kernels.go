package main

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels"
	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/mobilenet"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// chosenKernels compiles a small synthetic MobileNet of the given type and
// returns, per layer type, the implementations that run it.
func chosenKernels(dt tflite.DType, level kernels.Level) (map[string]string, error) {
	m, err := mobilenet.Build(mobilenet.Config{Alpha: 0.25, Res: 32, DType: dt, Classes: 16})
	if err != nil {
		return nil, fmt.Errorf("build %s probe model: %w", dt, err)
	}
	p, err := runtime.Compile(m, runtime.Options{Threads: 1, Kernels: string(level)})
	if err != nil {
		return nil, fmt.Errorf("compile %s probe model at level %s: %w", dt, level, err)
	}
	defer p.Close()
	return p.KernelsByType(), nil
}

// explainKernels lists every registered implementation with kernels.Select's
// verdict at the requested level (for a layer every implementation
// supports) and whether the probe models ran it (used).
func explainKernels(want kernels.Level, used map[string]bool) []kernelCandidate {
	var out []kernelCandidate
	cands := kernels.All().Explain(want)
	levels := map[string]kernels.Level{}
	for _, c := range cands {
		levels[c.Name] = c.Level
	}
	for _, c := range cands {
		k := kernelCandidate{Family: c.Op, Name: c.Name, Level: string(c.Level), Available: c.Avail, Chosen: used[c.Name]}
		switch {
		case k.Chosen && c.Verdict == kernels.Selected:
			k.Reason = fmt.Sprintf("chosen: the highest level available and allowed at %s", want)
		case k.Chosen:
			k.Reason = fmt.Sprintf("chosen for the layers %s does not support", c.By)
		case c.Verdict == kernels.Unavailable:
			k.Reason = "not available: " + levelNeeds(c.Level) + "; this CPU has " + kernels.CPUSummary()
		case c.Verdict == kernels.AboveLevel:
			k.Reason = fmt.Sprintf("level %s is above the requested level %s", c.Level, want)
		case c.Verdict == kernels.Outranked && kernels.Rank(levels[c.By]) > kernels.Rank(c.Level):
			k.Reason = fmt.Sprintf("%s, of a higher level, is preferred", c.By)
		case c.Verdict == kernels.Outranked:
			k.Reason = fmt.Sprintf("%s, of the same level, is registered first", c.By)
		default:
			k.Reason = "not used: the probe models' layers ran another way (see the kernels above)"
		}
		out = append(out, k)
	}
	return out
}

// levelNeeds names what a kernel level requires of the CPU.
func levelNeeds(l kernels.Level) string {
	switch l {
	case kernels.NEON:
		return "neon kernels need arm64 ASIMD"
	case kernels.DotProd:
		return "dotprod kernels need the arm64 dot product instructions (asimddp)"
	case kernels.AVX2:
		return "avx2 kernels need amd64 AVX2 and FMA"
	case kernels.AVX512:
		return "avx512 kernels need amd64 AVX-512 F, BW and VL"
	case kernels.VNNI:
		return "vnni kernels need amd64 AVX-512 (F, BW, VL) with VNNI (avx512vnni)"
	}
	return string(l) + " kernels need CPU features this build cannot use"
}
