//go:build gc && !purego

package arm64_test

import (
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/kernels"
	"github.com/edgecam/edgecam/kernels/arm64"
)

// TestSelection reports which kernels this CPU gets and checks the registry
// and Select against the CPU features. scripts/test-arm64.sh sets
// EDGECAM_EXPECT_DOTPROD and EDGECAM_EXPECT_A53 to 1 or 0 for each qemu CPU
// model (and GODEBUG=cpu.asimddp=off, and the Pi 3 /proc/cpuinfo of its A53
// pass), so a wrong feature read or in-order detection fails here. Only
// tests read these variables; the library reads none.
func TestSelection(t *testing.T) {
	t.Logf("cpu: %s", kernels.CPUSummary())
	if want := os.Getenv("EDGECAM_EXPECT_DOTPROD"); want != "" && (want == "1") != arm64.HasDotProd {
		t.Fatalf("HasDotProd = %v, EDGECAM_EXPECT_DOTPROD=%s", arm64.HasDotProd, want)
	}
	if want := os.Getenv("EDGECAM_EXPECT_A53"); want != "" && (want == "1") != arm64.A53 {
		t.Fatalf("A53 = %v, EDGECAM_EXPECT_A53=%s (is /proc/cpuinfo the one the test expects?)", arm64.A53, want)
	}
	if !arm64.HasNEON {
		t.Fatal("arm64 without ASIMD: every arm64 Linux CPU has it")
	}
	avail := map[string]bool{}
	var names []string
	for _, c := range kernels.All().Explain(kernels.Auto) {
		avail[c.Name] = c.Avail
	}
	want := map[string]bool{
		"pwconv_f32_neon": true, "pwconv_q8_neon": true, "dwconv3x3_f32_neon": true,
		"dwconv3x3_q8_neon": true, "pwconv_q8_dotprod": arm64.HasDotProd,
		"conv3x3c3_f32_neon": true, "conv3x3c3_q8_neon": true, "conv3x3c3_q8_dotprod": arm64.HasDotProd,
		"dwconv3x3_q8_dotprod": arm64.HasDotProd, "pwconv_f32_neon_a53": arm64.A53, "pwconv_q8_neon_a53": arm64.A53,
		"dwconv3x3_f32_neon_a53": arm64.A53, "dwconv3x3_q8_neon_a53": arm64.A53,
		"conv3x3c3_f32_neon_a53": arm64.A53, "conv3x3c3_q8_neon_a53": arm64.A53,
	}
	for name, a := range want {
		got, ok := avail[name]
		if !ok {
			t.Fatalf("%s is not registered", name)
		}
		if got != a {
			t.Errorf("%s: Avail = %v, want %v", name, got, a)
		}
		if got {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	t.Logf("available NEON kernels: %s", strings.Join(names, " "))
	best, err := kernels.Select(kernels.All().PointwiseQ8, kernels.Auto, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantBest := "pwconv_q8_neon"
	if arm64.A53 {
		wantBest = "pwconv_q8_neon_a53"
	}
	if arm64.HasDotProd {
		wantBest = "pwconv_q8_dotprod"
	}
	if best.Name != wantBest {
		t.Errorf("fastest available int8 pointwise kernel: %s, want %s", best.Name, wantBest)
	}
	t.Logf("int8 pointwise under auto: %s", best.Name)
}

// TestCheckForcedLevel: forcing a level the CPU cannot run is an error,
// never a silent fallback.
func TestCheckForcedLevel(t *testing.T) {
	if err := kernels.Check(kernels.NEON); err != nil {
		t.Errorf("Check(neon) on arm64: %v", err)
	}
	err := kernels.Check(kernels.DotProd)
	if arm64.HasDotProd && err != nil {
		t.Errorf("Check(dotprod) with dot product: %v", err)
	}
	if !arm64.HasDotProd {
		if err == nil {
			t.Error("Check(dotprod) without dot product: no error")
		} else {
			t.Logf("Check(dotprod) without dot product: %v", err)
		}
	}
}

// TestOnlyA53 checks the in-order core detection on the /proc/cpuinfo texts
// of a Raspberry Pi 3 (four Cortex-A53), a Pi 4 (Cortex-A72), an RK3399
// (A53 + A72) and an x86 host as qemu-user shows it.
func TestOnlyA53(t *testing.T) {
	proc := func(impl, part string) string {
		return "processor\t: 0\nBogoMIPS\t: 38.40\nFeatures\t: fp asimd evtstrm crc32 cpuid\n" +
			"CPU implementer\t: " + impl + "\nCPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: " + part + "\nCPU revision\t: 4\n\n"
	}
	pi3 := strings.Repeat(proc("0x41", "0xd03"), 4) + "Hardware\t: BCM2835\nRevision\t: a02082\nModel\t: Raspberry Pi 3 Model B Rev 1.2\n"
	for _, c := range []struct {
		name, text string
		want       bool
	}{
		{"Pi 3", pi3, true},
		{"Pi Zero 2 W, upper case", strings.ToUpper(pi3), true},
		{"Pi 4", strings.Repeat(proc("0x41", "0xd08"), 4), false},
		{"RK3399", strings.Repeat(proc("0x41", "0xd03"), 4) + strings.Repeat(proc("0x41", "0xd08"), 2), false},
		{"another implementer's part 0xd03", proc("0x42", "0xd03"), false},
		{"x86 host under qemu-user", "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2\n", false},
		{"empty", "", false},
	} {
		if got := arm64.OnlyA53(c.text); got != c.want {
			t.Errorf("%s: OnlyA53 = %v, want %v", c.name, got, c.want)
		}
	}
	t.Logf("this machine: A53 = %v", arm64.A53)
}
