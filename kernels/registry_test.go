package kernels_test

import (
	"testing"

	"github.com/edgecam/edgecam/kernels"
)

// entry is the part of a registry entry the invariants look at.
type entry struct {
	name  string
	level kernels.Level
	avail bool
	tileM int // -1 when the type has none
	ok    bool
}

func entries(r *kernels.Registry) map[string][]entry {
	m := map[string][]entry{}
	for _, k := range r.PointwiseF32 {
		m["PointwiseF32"] = append(m["PointwiseF32"], entry{k.Name, k.Level, k.Avail, k.TileM, k.Pack != nil && k.Run != nil})
	}
	for _, k := range r.PointwiseQ8 {
		m["PointwiseQ8"] = append(m["PointwiseQ8"], entry{k.Name, k.Level, k.Avail, k.TileM, k.Pack != nil && k.Run != nil && k.Supports != nil})
	}
	for typ, list := range map[string][]*kernels.ConvF32{"ConvF32": r.ConvF32, "DWConvF32": r.DWConvF32} {
		for _, k := range list {
			m[typ] = append(m[typ], entry{k.Name, k.Level, k.Avail, -1, k.Run != nil && k.Supports != nil})
		}
	}
	for typ, list := range map[string][]*kernels.ConvQ8{"ConvQ8": r.ConvQ8, "DWConvQ8": r.DWConvQ8} {
		for _, k := range list {
			m[typ] = append(m[typ], entry{k.Name, k.Level, k.Avail, -1, k.Run != nil && k.Supports != nil})
		}
	}
	return m
}

// TestRegistryInvariants checks what the runtime and the harness rely on:
// every layer type lists an available generic implementation first, names
// are unique, levels are known, functions are set and tiles positive. It logs
// the whole registry with availability.
func TestRegistryInvariants(t *testing.T) {
	t.Logf("CPU: %s", kernels.CPUSummary())
	seen := map[string]bool{}
	all := entries(kernels.All())
	for _, typ := range []string{"PointwiseF32", "PointwiseQ8", "ConvF32", "ConvQ8", "DWConvF32", "DWConvQ8"} {
		list := all[typ]
		if len(list) == 0 {
			t.Fatalf("%s: no implementation registered", typ)
		}
		if list[0].level != kernels.Generic || !list[0].avail {
			t.Errorf("%s: first implementation %q is %s (available %v), want an available generic one", typ, list[0].name, list[0].level, list[0].avail)
		}
		for _, e := range list {
			t.Logf("%-12s %-22s level=%-8s available=%v", typ, e.name, e.level, e.avail)
			if seen[e.name] {
				t.Errorf("%s: duplicate implementation name %q", typ, e.name)
			}
			seen[e.name] = true
			if _, err := kernels.ParseLevel(string(e.level)); err != nil || e.level == kernels.Auto {
				t.Errorf("%s: %q has level %q, want generic, neon or dotprod", typ, e.name, e.level)
			}
			if !e.ok {
				t.Errorf("%s: %q has a nil function", typ, e.name)
			}
			if e.tileM == 0 || e.tileM < -1 {
				t.Errorf("%s: %q has TileM %d, want > 0", typ, e.name, e.tileM)
			}
		}
	}
}

func TestParseLevel(t *testing.T) {
	t.Setenv(kernels.EnvVar, "")
	for in, want := range map[string]kernels.Level{"": kernels.Auto, "auto": kernels.Auto, "Generic": kernels.Generic, " neon ": kernels.NEON, "DOTPROD": kernels.DotProd} {
		got, err := kernels.ParseLevel(in)
		if err != nil || got != want {
			t.Errorf("ParseLevel(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := kernels.ParseLevel("sse"); err == nil {
		t.Error("ParseLevel(\"sse\") succeeded, want an error")
	}
	t.Setenv(kernels.EnvVar, "generic")
	if got, err := kernels.ParseLevel(""); err != nil || got != kernels.Generic {
		t.Errorf("ParseLevel(\"\") with %s=generic = %q, %v; want generic", kernels.EnvVar, got, err)
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
	if err := kernels.Check(kernels.Generic); err != nil {
		t.Errorf("Check(generic) = %v, want nil", err)
	}
	// A forced level is available exactly when some pointwise kernel of that
	// level is.
	for _, l := range []kernels.Level{kernels.NEON, kernels.DotProd} {
		avail := false
		for _, k := range kernels.All().PointwiseF32 {
			avail = avail || (k.Level == l && k.Avail)
		}
		for _, k := range kernels.All().PointwiseQ8 {
			avail = avail || (k.Level == l && k.Avail)
		}
		if err := kernels.Check(l); (err == nil) != avail {
			t.Errorf("Check(%s) = %v, but a %s pointwise kernel available = %v", l, err, l, avail)
		}
	}
}
