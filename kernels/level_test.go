package kernels_test

import (
	goruntime "runtime"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/kernels"
)

// allLevels is every level of every architecture, and auto.
var allLevels = []kernels.Level{kernels.Generic, kernels.NEON, kernels.DotProd, kernels.AVX2, kernels.AVX512, kernels.VNNI, kernels.Auto}

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]kernels.Level{"": kernels.Auto, "auto": kernels.Auto, "Generic": kernels.Generic, " neon ": kernels.NEON,
		"DOTPROD": kernels.DotProd, "avx2": kernels.AVX2, "AVX512": kernels.AVX512, " vnni": kernels.VNNI} {
		got, err := kernels.ParseLevel(in)
		if err != nil || got != want {
			t.Errorf("ParseLevel(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"sse", "neon,dotprod", "gen eric", "avx-512", "avx512vnni"} {
		_, err := kernels.ParseLevel(bad)
		if err == nil {
			t.Errorf("ParseLevel(%q) succeeded, want an error", bad)
			continue
		}
		// The message lists what this architecture offers.
		for _, l := range kernels.Levels() {
			if !strings.Contains(err.Error(), string(l)) || !strings.Contains(err.Error(), goruntime.GOARCH) {
				t.Errorf("ParseLevel(%q) error %q does not list level %s of %s", bad, err, l, goruntime.GOARCH)
			}
		}
	}
	// The library reads no environment: only the command line does.
	t.Setenv("EDGECAM_KERNELS", "generic")
	if got, err := kernels.ParseLevel(""); err != nil || got != kernels.Auto {
		t.Errorf("ParseLevel(\"\") with EDGECAM_KERNELS=generic = %q, %v; want auto", got, err)
	}
}

func TestLevels(t *testing.T) {
	want := map[string]string{"arm64": "auto generic neon dotprod", "amd64": "auto generic avx2 avx512 vnni"}[goruntime.GOARCH]
	if want == "" {
		want = "auto generic"
	}
	var got []string
	for _, l := range kernels.Levels() {
		got = append(got, string(l))
	}
	if strings.Join(got, " ") != want {
		t.Errorf("Levels() on %s = %v, want %s", goruntime.GOARCH, got, want)
	}
}

func TestAllowedAndCheck(t *testing.T) {
	cases := []struct {
		have, want kernels.Level
		ok         bool
	}{
		{kernels.Generic, kernels.Generic, true}, {kernels.NEON, kernels.Generic, false},
		{kernels.Generic, kernels.NEON, true}, {kernels.DotProd, kernels.NEON, false},
		{kernels.NEON, kernels.DotProd, true}, {kernels.DotProd, kernels.Auto, true},
		{kernels.Generic, kernels.AVX2, true}, {kernels.AVX2, kernels.Generic, false},
		{kernels.AVX2, kernels.AVX512, true}, {kernels.AVX2, kernels.VNNI, true}, {kernels.AVX512, kernels.VNNI, true},
		{kernels.VNNI, kernels.AVX512, false}, {kernels.AVX512, kernels.AVX2, false}, {kernels.VNNI, kernels.Auto, true},
		// Ladders do not mix: a NEON kernel never serves avx2, nor AVX2 dotprod.
		{kernels.NEON, kernels.AVX2, false}, {kernels.AVX2, kernels.DotProd, false}, {kernels.DotProd, kernels.VNNI, false},
	}
	for _, c := range cases {
		if got := kernels.Allowed(c.have, c.want); got != c.ok {
			t.Errorf("Allowed(%s, %s) = %v, want %v", c.have, c.want, got, c.ok)
		}
	}
	for _, l := range []kernels.Level{kernels.Auto, kernels.Generic} {
		if err := kernels.Check(l); err != nil {
			t.Errorf("Check(%s) = %v, want nil", l, err)
		}
	}
	// A forced level is available exactly when some registered kernel of
	// that level is; the others are an error naming the CPU.
	for _, l := range allLevels[1 : len(allLevels)-1] {
		avail := false
		for _, c := range kernels.All().Explain(kernels.Auto) {
			avail = avail || (c.Level == l && c.Avail)
		}
		err := kernels.Check(l)
		if (err == nil) != avail {
			t.Errorf("Check(%s) = %v, but a %s kernel available = %v", l, err, l, avail)
		}
		if err != nil && !strings.Contains(err.Error(), kernels.CPUSummary()) {
			t.Errorf("Check(%s) = %v, want the CPU (%s) named", l, err, kernels.CPUSummary())
		}
		t.Logf("Check(%s) = %v", l, err)
	}
}
