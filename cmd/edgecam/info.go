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
	"github.com/edgecam/edgecam/runtime/tflite"
)

var cmdInfo = &command{
	Name:  "info",
	Short: "print the machine, CPU features and chosen kernels",
	Usage: "[-json] [-kernels " + levelChoices("|") + "]",
}

// Run is set in init: runInfo refers to cmdInfo for its usage text.
func init() { cmdInfo.Run = runInfo }

// boardSource is the machine info and bench describe; tests replace it with
// captured fixtures.
var boardSource = board.Live

// infoReport is `edgecam info -json`.
type infoReport struct {
	Board       board.Report                 `json:"board"`
	CPUSummary  string                       `json:"cpu_summary"`  // what kernel selection reads
	KernelLevel string                       `json:"kernel_level"` // requested: flag, EDGECAM_KERNELS, else auto
	Kernels     map[string]map[string]string `json:"kernels"`      // dtype → layer type → implementation
	Candidates  []kernelCandidate            `json:"candidates"`
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
	level := addKernelsFlag(fs, "kernel `level` to explain")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("info: unexpected arguments %q", fs.Args())
	}
	want, err := kernelLevel("info", fs, *level)
	if err != nil {
		return err
	}
	rep := infoReport{
		Board:       board.Detect(boardSource()),
		CPUSummary:  kernels.CPUSummary(),
		KernelLevel: string(want),
		Kernels:     map[string]map[string]string{},
	}
	used := map[string]bool{}
	for _, dt := range []tflite.DType{tflite.Float32, tflite.Int8} {
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

func writeInfoText(w io.Writer, rep *infoReport) error {
	if err := rep.Board.WriteText(w); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "kernel selection reads:\t%s\n", rep.CPUSummary)
	fmt.Fprintf(tw, "kernel level:\t%s (-kernels or $%s force one)\n", rep.KernelLevel, kernelsEnvVar)
	for _, dt := range []string{"float32", "int8"} {
		byType := rep.Kernels[dt]
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
