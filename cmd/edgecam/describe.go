package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/mobilenet"
)

var cmdDescribe = &command{
	Name:  "describe",
	Short: "print a model's layer table, multiply-adds and parameters",
	Usage: "(-model PATH | -alpha A -res R [-conv]) [-json]",
}

// Run is set in init: runDescribe refers to cmdDescribe for its flags.
func init() { cmdDescribe.Run = runDescribe }

// paperClasses is the classifier width the MobileNet paper counts.
const paperClasses = 1000

// describeReport is the -json output.
type describeReport struct {
	Model  string        `json:"model"`
	MACs   int64         `json:"macs"`
	Params int64         `json:"params"`
	Layers []layerReport `json:"layers"`
}

type layerReport struct {
	Index  int    `json:"index"`
	Op     string `json:"op"`
	Type   string `json:"type"`
	Stride int    `json:"stride,omitempty"`
	In     []int  `json:"input"`
	Out    []int  `json:"output"`
	MACs   int64  `json:"macs"`
	Params int64  `json:"params"`
}

func runDescribe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(cmdDescribe, e)
	model := fs.String("model", "", "TFLite model `file` to describe")
	alpha := fs.Float64("alpha", 0, "width multiplier of a MobileNet-V1 to describe (with -res)")
	res := fs.Int("res", 0, "input resolution of a MobileNet-V1 to describe, a multiple of 32 (with -alpha)")
	conv := fs.Bool("conv", false, "with -alpha/-res: the paper's Conv MobileNet (full 3x3 convolutions)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("describe: unexpected arguments %q", fs.Args())
	}
	synthetic := *alpha != 0 || *res != 0 || *conv
	var (
		stats []mobilenet.LayerStat
		name  string
		err   error
	)
	switch {
	case *model != "" && synthetic:
		return usagef("describe: give either -model or -alpha/-res, not both")
	case *model != "":
		if err := checkInputFile(*model, "model", 0); err != nil {
			return fmt.Errorf("describe: %w", err)
		}
		m, lerr := runtime.Load(*model)
		if lerr != nil {
			return fmt.Errorf("describe: %w", lerr)
		}
		stats, err = mobilenet.Describe(m)
		name = *model
	case *alpha > 0 && *res > 0:
		// The paper's counting: a 1000-class classifier, batch norm (here:
		// biases) not counted. See mobilenet.LayerStat.
		cfg := mobilenet.Config{Alpha: *alpha, Res: *res, FullConv: *conv, Classes: paperClasses, NoBias: true}
		stats, err = mobilenet.DescribeConfig(cfg)
		if err != nil {
			return usagef("describe: %v", err)
		}
		kind := "MobileNet-V1"
		if *conv {
			kind = "Conv MobileNet-V1"
		}
		name = fmt.Sprintf("%s alpha %g res %d, %d classes (+1 background in the official %d-class files), no biases (paper counting)", kind, *alpha, *res, paperClasses, paperClasses+1)
	default:
		return usagef("describe: give -model PATH, or both -alpha and -res")
	}
	if err != nil {
		return fmt.Errorf("describe: %w", err)
	}
	if *asJSON {
		return writeDescribeJSON(e.stdout, name, stats)
	}
	return writeDescribeTable(e.stdout, name, stats)
}

func writeDescribeJSON(w io.Writer, name string, stats []mobilenet.LayerStat) error {
	r := describeReport{Model: name, Layers: make([]layerReport, len(stats))}
	r.MACs, r.Params = mobilenet.Totals(stats)
	for i, s := range stats {
		r.Layers[i] = layerReport{Index: s.Index, Op: s.Op, Type: s.Type, Stride: s.Stride, In: s.In, Out: s.Out, MACs: s.MACs, Params: s.Params}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("describe: write json: %w", err)
	}
	return nil
}

func writeDescribeTable(w io.Writer, name string, stats []mobilenet.LayerStat) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "%s\n\n", name)
	fmt.Fprintln(tw, "#\top\ttype\tstride\tinput\toutput\tMACs\tparams")
	for _, s := range stats {
		stride := "-"
		if s.Stride > 0 {
			stride = strconv.Itoa(s.Stride)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%d\n", s.Index, s.Op, s.Type, stride, describeDims(s.In), describeDims(s.Out), s.MACs, s.Params)
	}
	macs, params := mobilenet.Totals(stats)
	fmt.Fprintf(tw, "\ttotal\t\t\t\t\t%d\t%d\n", macs, params)
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("describe: write table: %w", err)
	}
	_, err := fmt.Fprintf(w, "\n%.2f M multiply-adds, %.2f M parameters\n", float64(macs)/1e6, float64(params)/1e6)
	return err
}

// describeDims formats a shape as 1x224x224x3.
func describeDims(s []int) string {
	p := make([]string, len(s))
	for i, d := range s {
		p[i] = strconv.Itoa(d)
	}
	return strings.Join(p, "x")
}
