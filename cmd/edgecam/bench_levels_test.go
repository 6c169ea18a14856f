package main

import (
	"strings"
	"testing"

	"github.com/edgecam/edgecam/kernels"
)

// TestBenchEveryKernelLevel runs bench with each forced kernel level, float32
// and int8. A level this CPU can run must report every field and use that
// level's pointwise kernel; a level it cannot run must be a clear error, never
// a silent fallback. Natively on x86 that covers generic and auto;
// scripts/test-arm64.sh runs it under qemu-aarch64, where the A72 adds neon
// and the A76 dotprod.
func TestBenchEveryKernelLevel(t *testing.T) {
	t.Logf("cpu: %s", kernels.CPUSummary())
	for _, level := range []kernels.Level{kernels.Generic, kernels.NEON, kernels.DotProd, kernels.Auto} {
		for _, dtype := range []string{"f32", "int8"} {
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
			checkBenchFields(t, raw)
			r := &rep.Results[0]
			checkResult(t, &rep, r, 2)
			pw := r.Kernels["pwconv"]
			t.Logf("%-7s %-4s: kernels %v", level, dtype, r.Kernels)
			want := map[kernels.Level]string{kernels.Generic: "_generic", kernels.NEON: "_neon"}[level]
			if level == kernels.DotProd {
				want = "_neon" // float32 has no dot-product kernel; NEON serves it
				if dtype == "int8" {
					want = "_dotprod"
				}
			}
			if want != "" && !strings.HasSuffix(pw, want) {
				t.Errorf("%s %s: pwconv kernel %q, want one ending in %q", level, dtype, pw, want)
			}
		}
	}
}
