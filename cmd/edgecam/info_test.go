package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/board"
	"github.com/edgecam/edgecam/kernels"
)

func useBoardFixture(t *testing.T, name string) {
	t.Helper()
	saved := boardSource
	boardSource = func() board.Source {
		s := board.Live()
		s.FS = os.DirFS(filepath.Join("..", "..", "testdata", "board", name))
		s.Periph = nil
		return s
	}
	t.Cleanup(func() { boardSource = saved })
}

func TestInfoJSON(t *testing.T) {
	useBoardFixture(t, "pi5")
	out, err := runEdgecam(t, "info", "-json", "-kernels", "generic")
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Board       board.Report                 `json:"board"`
		CPUSummary  string                       `json:"cpu_summary"`
		KernelLevel string                       `json:"kernel_level"`
		Kernels     map[string]map[string]string `json:"kernels"`
		Candidates  []kernelCandidate            `json:"candidates"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("info JSON: %v\n%s", err, out)
	}
	if rep.Board.Kind != board.KindPi5 || rep.Board.SoC != "BCM2712" || rep.Board.CPU != "Cortex-A76" || rep.Board.Arch != goruntime.GOARCH {
		t.Errorf("board = %s %s %s %s", rep.Board.Kind, rep.Board.SoC, rep.Board.CPU, rep.Board.Arch)
	}
	if rep.KernelLevel != "generic" || rep.CPUSummary != kernels.CPUSummary() {
		t.Errorf("level %q summary %q", rep.KernelLevel, rep.CPUSummary)
	}
	for _, dt := range []string{"float32", "int8"} {
		for _, typ := range []string{"conv", "dwconv", "pwconv"} {
			if k := rep.Kernels[dt][typ]; !strings.Contains(k, "generic") {
				t.Errorf("%s %s kernel at level generic = %q", dt, typ, k)
			}
		}
	}
	chosen := map[string]bool{}
	for _, c := range rep.Candidates {
		if c.Chosen {
			chosen[c.Family] = true
			if c.Level != "generic" || !strings.HasPrefix(c.Reason, "chosen") {
				t.Errorf("chosen at level generic: %+v", c)
			}
		} else if c.Reason == "" {
			t.Errorf("no reason for %+v", c)
		}
	}
	for _, f := range []string{"dwconv_f32", "pwconv_f32", "dwconv_q8", "pwconv_q8"} {
		if !chosen[f] {
			t.Errorf("no implementation of %s chosen: %+v", f, rep.Candidates)
		}
	}
}

func TestInfoText(t *testing.T) {
	useBoardFixture(t, "pi4")
	out, err := runEdgecam(t, "info")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Raspberry Pi 4 Model B Rev 1.4 (pi4)", "BCM2711", "Cortex-A72", "600 MHz now, 1800 MHz max",
		"45.8 °C", "kernel selection reads:", "float32 kernels:", "int8 kernels:", "candidates:", "pwconv_q8_generic"} {
		if !strings.Contains(out, want) {
			t.Errorf("info lacks %q:\n%s", want, out)
		}
	}
}

func TestInfoErrors(t *testing.T) {
	for _, args := range [][]string{{"-kernels", "fast"}, {"extra"}, {"-bogus"}} {
		_, err := runEdgecam(t, append([]string{"info"}, args...)...)
		var ue *usageError
		if !errors.As(err, &ue) {
			t.Errorf("info %q: err = %v, want usage error", args, err)
		}
	}
	if kernels.Check(kernels.DotProd) != nil {
		_, err := runEdgecam(t, "info", "-kernels", "dotprod")
		var ue *usageError
		if err == nil || errors.As(err, &ue) || !strings.Contains(err.Error(), "not available") {
			t.Errorf("info -kernels dotprod without dot product: err = %v, want an exit-1 error", err)
		}
	}
}
