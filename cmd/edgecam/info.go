package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/edgecam/edgecam/board"
	"github.com/edgecam/edgecam/kernels"
	"github.com/edgecam/edgecam/runtime"
)

var cmdInfo = &command{
	Name:  "info",
	Short: "print the machine, CPU features and chosen kernels",
	Usage: "[-json] [-kernels auto|generic|neon|dotprod]",
}

// Run is set in init: runInfo refers to cmdInfo for its usage text.
func init() { cmdInfo.Run = runInfo }

// boardSource is the machine info and bench describe; tests replace it with
// captured fixtures.
var boardSource = board.Live

// infoReport is `edgecam info -json`.
type infoReport struct {
	Board       board.Report      `json:"board"`
	CPUSummary  string            `json:"cpu_summary"`  // what kernel selection reads
	KernelLevel string            `json:"kernel_level"` // requested: flag, EDGECAM_KERNELS, else auto
	Kernels     map[string]any    `json:"kernels"`      // dtype → layer type → implementation
	Candidates  []kernelCandidate `json:"candidates"`
}

// kernelCandidate is one registered implementation and why it was or was
// not chosen.
type kernelCandidate struct {
	Family    string `json:"family"` // "pwconv_f32", ...
	Name      string `json:"name"`
	Level     string `json:"level"`
	Available bool   `json:"available"`
	Chosen    bool   `json:"chosen"`
	Reason    string `json:"reason"`
}

func runInfo(ctx context.Context, e *env, args []string) error {
	fs := newFlags(cmdInfo, e)
	asJSON := fs.Bool("json", false, "print JSON")
	level := fs.String("kernels", "", "kernel `level` to explain: auto, generic, neon, dotprod (default $EDGECAM_KERNELS, else auto)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("info: unexpected arguments %q", fs.Args())
	}
	want, err := kernels.ParseLevel(*level)
	if err != nil {
		return usagef("info: -kernels: %v", err)
	}
	if err := kernels.Check(want); err != nil {
		return fmt.Errorf("info: %w", err)
	}
	rep := infoReport{
		Board:       board.Detect(boardSource()),
		CPUSummary:  kernels.CPUSummary(),
		KernelLevel: string(want),
		Kernels:     map[string]any{},
	}
	used := map[string]bool{}
	for _, dt := range []runtime.DType{runtime.Float32, runtime.Int8} {
		byType, err := chosenKernels(dt, want)
		if err != nil {
			return fmt.Errorf("info: %w", err)
		}
		rep.Kernels[dt.String()] = byType
		for _, names := range byType {
			for _, n := range strings.FieldsFunc(names, func(r rune) bool { return r == ',' || r == '+' }) {
				used[n] = true // "im2col+pwconv_q8_generic" uses pwconv_q8_generic
			}
		}
	}
	rep.Candidates = explainKernels(want, used)
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return writeInfoText(e.stdout, &rep)
}

// chosenKernels compiles a small synthetic MobileNet of the given type and
// returns the runtime's own choice per layer type.
func chosenKernels(dt runtime.DType, level kernels.Level) (map[string]string, error) {
	m, err := runtime.BuildMobileNet(runtime.BuildConfig{Alpha: 0.25, Res: 32, DType: dt, Classes: 16})
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

// regImpl is one registered implementation, whatever its kernel type.
type regImpl struct {
	name  string
	level kernels.Level
	avail bool
}

// kernelFamily is one registry list: the implementations of one layer type
// and data type.
type kernelFamily struct {
	name  string
	impls []regImpl
}

func registryFamilies() []kernelFamily {
	r := kernels.All()
	conv := func(name string, list []*kernels.ConvF32) kernelFamily {
		f := kernelFamily{name: name}
		for _, k := range list {
			f.impls = append(f.impls, regImpl{k.Name, k.Level, k.Avail})
		}
		return f
	}
	convQ8 := func(name string, list []*kernels.ConvQ8) kernelFamily {
		f := kernelFamily{name: name}
		for _, k := range list {
			f.impls = append(f.impls, regImpl{k.Name, k.Level, k.Avail})
		}
		return f
	}
	pwF32 := kernelFamily{name: "pwconv_f32"}
	for _, k := range r.PointwiseF32 {
		pwF32.impls = append(pwF32.impls, regImpl{k.Name, k.Level, k.Avail})
	}
	pwQ8 := kernelFamily{name: "pwconv_q8"}
	for _, k := range r.PointwiseQ8 {
		pwQ8.impls = append(pwQ8.impls, regImpl{k.Name, k.Level, k.Avail})
	}
	return []kernelFamily{
		conv("conv_f32", r.ConvF32), conv("dwconv_f32", r.DWConvF32), pwF32,
		convQ8("conv_q8", r.ConvQ8), convQ8("dwconv_q8", r.DWConvQ8), pwQ8,
	}
}

// levelRank orders kernel levels as the runtime does, generic lowest.
func levelRank(l kernels.Level) int {
	switch l {
	case kernels.Generic:
		return 0
	case kernels.NEON:
		return 1
	case kernels.DotProd:
		return 2
	}
	return 3
}

// explainKernels lists every registered implementation with the reason the
// runtime took it or not, following its rule: among those available on this
// CPU and allowed at the requested level, the highest level wins. used holds
// the implementations the compiled probe models actually chose.
func explainKernels(want kernels.Level, used map[string]bool) []kernelCandidate {
	var out []kernelCandidate
	for _, f := range registryFamilies() {
		best := -1
		for _, k := range f.impls {
			if k.avail && kernels.Allowed(k.level, want) && levelRank(k.level) > best {
				best = levelRank(k.level)
			}
		}
		for _, k := range f.impls {
			c := kernelCandidate{Family: f.name, Name: k.name, Level: string(k.level), Available: k.avail, Chosen: used[k.name]}
			switch {
			case !k.avail:
				c.Reason = "not available on this CPU (" + kernels.CPUSummary() + ")"
			case !kernels.Allowed(k.level, want):
				c.Reason = fmt.Sprintf("level %s is above the requested level %s", k.level, want)
			case c.Chosen:
				c.Reason = fmt.Sprintf("chosen: the highest level available and allowed at %s", want)
			case levelRank(k.level) < best:
				c.Reason = "a higher level implementation is available"
			default:
				c.Reason = "not used: the runtime served these layers another way (see the kernels above), or an earlier one of its level won"
			}
			out = append(out, c)
		}
	}
	return out
}

func writeInfoText(w io.Writer, rep *infoReport) error {
	if err := rep.Board.WriteText(w); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "kernel selection reads:\t%s\n", rep.CPUSummary)
	fmt.Fprintf(tw, "kernel level:\t%s (-kernels or $%s force one)\n", rep.KernelLevel, kernels.EnvVar)
	for _, dt := range []string{"float32", "int8"} {
		byType, _ := rep.Kernels[dt].(map[string]string)
		types := make([]string, 0, len(byType))
		for t := range byType {
			types = append(types, t)
		}
		sort.Strings(types)
		parts := make([]string, 0, len(types))
		for _, t := range types {
			parts = append(parts, t+"="+byType[t])
		}
		fmt.Fprintf(tw, "%s kernels:\t%s\n", dt, strings.Join(parts, " "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\ncandidates:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range rep.Candidates {
		mark := " "
		if c.Chosen {
			mark = "*"
		}
		fmt.Fprintf(tw, "  %s %s\t%s\t%s\n", mark, c.Name, c.Level, c.Reason)
	}
	return tw.Flush()
}
