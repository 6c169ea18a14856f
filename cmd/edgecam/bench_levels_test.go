package main

import (
	"strings"
	"testing"

	"github.com/edgecam/edgecam/kernels"
	"github.com/edgecam/edgecam/kernels/arm64"
)

// pwconvSuffix is the pointwise kernel a forced level runs, by dtype: the
// level's own, or the highest below it where the level has no kernel of
// that dtype (float32 has no dot-product or VNNI kernel, int8 no AVX-512
// one without VNNI). On an in-order Cortex-A53 (arm64.A53) the NEON level
// runs the in-order twins, "_neon_a53".
var pwconvSuffix = map[kernels.Level][2]string{ // f32, int8
	kernels.Generic: {"_generic", "_generic"},
	kernels.NEON:    {"_neon", "_neon"},
	kernels.DotProd: {"_neon", "_dotprod"},
	kernels.AVX2:    {"_avx2", "_avx2"},
	kernels.AVX512:  {"_avx512", "_avx2"},
	kernels.VNNI:    {"_avx512", "_vnni"},
}

// TestBenchEveryKernelLevel runs bench with each forced kernel level of
// every architecture, float32 and int8. A level this CPU can run must report
// every field and use that level's pointwise kernel, and auto the one of the
// highest level the CPU runs; a level it cannot run must be a clear error,
// never a silent fallback. Natively on x86 that covers generic, the amd64
// levels the CPU has (avx2, avx512, vnni; scripts/test-amd64.sh also masks
// AVX-512) and auto, with neon and dotprod refused;
// scripts/test-arm64.sh runs it under qemu-aarch64, where the A72 adds neon,
// the A76 dotprod, and the A53 (with a Pi 3 /proc/cpuinfo) neon with the
// in-order kernels.
func TestBenchEveryKernelLevel(t *testing.T) {
	t.Logf("cpu: %s", kernels.CPUSummary())
	best := kernels.Generic // the highest level this CPU runs: what auto picks
	for _, l := range kernels.Levels() {
		if l != kernels.Auto && kernels.Check(l) == nil && kernels.Rank(l) > kernels.Rank(best) {
			best = l
		}
	}
	levels := []kernels.Level{kernels.Generic, kernels.NEON, kernels.DotProd, kernels.AVX2, kernels.AVX512, kernels.VNNI, kernels.Auto}
	for _, level := range levels {
		for d, dtype := range []string{"f32", "int8"} {
			args := []string{"-alpha", "0.25", "-res", "64", "-dtype", dtype, "-frames", "2", "-warmup", "1",
				"-threads", "1", "-kernels", string(level)}
			if err := kernels.Check(level); err != nil {
				_, berr := runEdgecam(t, append([]string{"bench", "-json"}, args...)...)
				if berr == nil || !strings.Contains(berr.Error(), "not available") {
					t.Errorf("%s %s: bench error %v, want one saying the level is not available", level, dtype, berr)
				}
				t.Logf("%-7s %-4s: refused as expected: %v", level, dtype, berr)
				continue
			}
			rep, raw := benchJSON(t, args...)
			if r := rep.Results[0].LayerSumRatio; r < 0.95 || r > 1.05 {
				// A wall-clock ratio over two frames of well under a
				// millisecond: one preemption of the process between two
				// layers (the machine is shared) moves it. Measure again;
				// checkResult holds the second run to the same bound.
				t.Logf("%s %s: layers add up to %.1f%% of the frame time; measuring again", level, dtype, 100*r)
				rep, raw = benchJSON(t, args...)
			}
			checkBenchFields(t, raw)
			r := &rep.Results[0]
			checkResult(t, &rep, r, 2)
			pw := r.Kernels["pwconv"]
			t.Logf("%-7s %-4s: kernels %v", level, dtype, r.Kernels)
			served := level
			if level == kernels.Auto {
				served = best
			}
			want := pwconvSuffix[served][d]
			if arm64.A53 && want == "_neon" {
				want = "_neon_a53"
			}
			if !strings.HasSuffix(pw, want) {
				t.Errorf("%s %s: pwconv kernel %q, want one ending in %q", level, dtype, pw, want)
			}
		}
	}
}
