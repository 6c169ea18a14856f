package kernels_test

import (
	"testing"

	"github.com/edgecam/edgecam/kernels"
)

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]kernels.Level{"": kernels.Auto, "auto": kernels.Auto, "Generic": kernels.Generic, " neon ": kernels.NEON, "DOTPROD": kernels.DotProd} {
		got, err := kernels.ParseLevel(in)
		if err != nil || got != want {
			t.Errorf("ParseLevel(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"sse", "neon,dotprod", "gen eric"} {
		if _, err := kernels.ParseLevel(bad); err == nil {
			t.Errorf("ParseLevel(%q) succeeded, want an error", bad)
		}
	}
	// The library reads no environment: only the command line does.
	t.Setenv("EDGECAM_KERNELS", "generic")
	if got, err := kernels.ParseLevel(""); err != nil || got != kernels.Auto {
		t.Errorf("ParseLevel(\"\") with EDGECAM_KERNELS=generic = %q, %v; want auto", got, err)
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
	// that level is.
	for _, l := range []kernels.Level{kernels.NEON, kernels.DotProd} {
		avail := false
		for _, c := range kernels.All().Explain(kernels.Auto) {
			avail = avail || (c.Level == l && c.Avail)
		}
		if err := kernels.Check(l); (err == nil) != avail {
			t.Errorf("Check(%s) = %v, but a %s kernel available = %v", l, err, l, avail)
		}
	}
}
