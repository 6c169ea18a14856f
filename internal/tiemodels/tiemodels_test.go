package tiemodels

import (
	"bytes"
	"testing"

	"github.com/edgecam/edgecam/runtime"
)

// run compiles c with the named kernels ("" selects by CPU) and returns
// its raw output.
func run(t *testing.T, c Case, kernels string) []byte {
	t.Helper()
	p, err := runtime.Compile(c.Model, runtime.Options{Threads: 1, Kernels: kernels})
	if err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	defer p.Close()
	if err := p.SetInputRGB(c.Input); err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	if err := p.Run(); err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	return bytes.Clone(p.OutputRaw())
}

// TestTies runs every case with the generic kernels and with those this
// CPU selects (the same bytes, ties included), and pins outputs LiteRT
// gives on ties (scripts/test-litert.sh compares every byte with LiteRT
// itself): each op's rounding rule, checked without LiteRT.
func TestTies(t *testing.T) {
	// case -> output index -> LiteRT's value (uint8, or int8 as a byte).
	pinned := map[string]map[int]int{
		"add_self_uint8":                {1: 66, 3: 69},           // (x-128)/2 + 128: 65.5 -> 66, ties up
		"add_self_int8":                 {1: -62, 3: -59},         // -62.5 -> -62, -59.5 -> -59
		"avgpool_valid_uint8":           {0: 77},                  // (0+9+144+153)/4 = 76.5 -> 77
		"mean_dyadic_int8":              {64: -12, 66: -10},       // -12.5 -> -12, -9.5 -> -10: to even after the zero point
		"quantize_dyadic_uint8_to_int8": {1: -62, 3: -59},         // TFLite's fixed point: ties up
		"conv1x1_half_uint8":            {1: 129, 5: 143, 9: 129}, // acc*0.5 on .5: to even
		"conv1x1_half_int8":             {4: 17, 12: 17},
	}
	seen := 0
	for _, c := range Cases() {
		g := run(t, c, "generic")
		if s := run(t, c, ""); !bytes.Equal(g, s) {
			t.Errorf("%s: selected kernels differ from generic", c.Name)
		}
		for i, want := range pinned[c.Name] {
			seen++
			got := int(g[i])
			if c.Model.Tensors[c.Model.Outputs[0]].Type.String() == "int8" {
				got = int(int8(g[i]))
			}
			if got != want {
				t.Errorf("%s: output %d = %d, LiteRT gives %d", c.Name, i, got, want)
			}
		}
	}
	if seen != 14 {
		t.Errorf("checked %d pinned values, want 14 (a case was renamed?)", seen)
	}
}
