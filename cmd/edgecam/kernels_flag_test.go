package main

import (
	"bytes"
	"context"
	"encoding/json"
	goruntime "runtime"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/kernels"
)

// kernelCommands are the commands that compile a plan, with arguments that
// get them as far as choosing the kernel level without loading anything.
var kernelCommands = [][]string{
	{"info", "-json"},
	{"bench", "-alpha", "0.25", "-res", "32", "-frames", "1", "-warmup", "0", "-threads", "1"},
	{"classify", "-model", "m.tflite", "x.png"},
	{"run", "-model", "m.tflite", "-source", "synthetic"},
}

// runCode runs edgecam and returns its exit code and stderr, as main would.
func runCode(args ...string) (int, string) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return exitCode(err, &stderr), stderr.String()
}

// TestKernelsEnvVarBad: a bad EDGECAM_KERNELS is a usage error that names the
// variable, in every command that reads it.
func TestKernelsEnvVarBad(t *testing.T) {
	t.Setenv(kernelsEnvVar, "bogus")
	levels := map[string]string{"arm64": "auto, generic, neon or dotprod", "amd64": "auto, generic, avx2, avx512 or vnni"}[goruntime.GOARCH]
	if levels == "" {
		levels = "auto or generic"
	}
	want := `edgecam: EDGECAM_KERNELS="bogus": unknown kernel level "bogus" (want ` + levels + ` on ` + goruntime.GOARCH + `)` + "\n"
	for _, args := range kernelCommands {
		if code, stderr := runCode(args...); code != 2 || stderr != want {
			t.Errorf("%s with %s=bogus: exit %d, stderr %q; want exit 2, %q", args[0], kernelsEnvVar, code, stderr, want)
		}
	}
}

// TestKernelsFlagBad: a bad -kernels is a usage error that names the flag,
// and the flag is read instead of EDGECAM_KERNELS.
func TestKernelsFlagBad(t *testing.T) {
	t.Setenv(kernelsEnvVar, "generic")
	for _, args := range kernelCommands {
		args = append([]string{args[0], "-kernels", "bogus"}, args[1:]...)
		code, stderr := runCode(args...)
		want := "edgecam: " + args[0] + `: -kernels: unknown kernel level "bogus"`
		if code != 2 || !strings.HasPrefix(stderr, want) || strings.Contains(stderr, kernelsEnvVar) {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 starting %q", args, code, stderr, want)
		}
	}
}

// TestKernelsEnvVarForcesLevel: EDGECAM_KERNELS forces the level when
// -kernels is not given; -kernels wins when it is.
func TestKernelsEnvVarForcesLevel(t *testing.T) {
	useBoardFixture(t, "pi4")
	t.Setenv(kernelsEnvVar, "generic")
	levelOf := func(args ...string) (string, map[string]map[string]string) {
		t.Helper()
		out, err := runEdgecam(t, args...)
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		var rep struct {
			KernelLevel string                       `json:"kernel_level"`
			Kernels     map[string]map[string]string `json:"kernels"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		return rep.KernelLevel, rep.Kernels
	}
	level, byType := levelOf("info", "-json")
	if level != "generic" {
		t.Errorf("info with %s=generic: level %q, want generic", kernelsEnvVar, level)
	}
	for _, dt := range []string{"float32", "int8"} {
		for _, typ := range []string{"conv", "dwconv", "pwconv"} {
			if k := byType[dt][typ]; !strings.HasSuffix(k, "_generic") {
				t.Errorf("info with %s=generic: %s %s ran %q", kernelsEnvVar, dt, typ, k)
			}
		}
	}
	if level, _ := levelOf("info", "-json", "-kernels", "auto"); level != "auto" {
		t.Errorf("info -kernels auto with %s=generic: level %q, want auto", kernelsEnvVar, level)
	}
	// A level this CPU lacks is an error (exit 1) that names where it came from.
	if kernels.Check(kernels.DotProd) != nil {
		t.Setenv(kernelsEnvVar, "dotprod")
		code, stderr := runCode("info")
		if code != 1 || !strings.Contains(stderr, `EDGECAM_KERNELS="dotprod"`) || !strings.Contains(stderr, "not available") {
			t.Errorf("info with %s=dotprod on %s: exit %d, stderr %q", kernelsEnvVar, kernels.CPUSummary(), code, stderr)
		}
	}
}
