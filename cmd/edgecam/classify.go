package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/edgecam/edgecam/camera/imageinput"
	"github.com/edgecam/edgecam/internal/defaultmodel"
	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/tflite"
)

var cmdClassify = &command{
	Name:  "classify",
	Short: "classify image files",
	Usage: "[-model PATH] [-labels PATH] [-mean M -std S] [-top K] [-threads N] [-kernels L] [-json] INPUT...",
}

func init() { cmdClassify.Run = runClassify }

// classifyOptions are the parsed flags of `edgecam classify`.
type classifyOptions struct {
	model, labels, kernels string
	top, threads           int
	json                   bool
}

// classifyLine is the -json output for one input.
type classifyLine struct {
	Input       string          `json:"input"`
	Top         []classifyClass `json:"top"`
	Output      any             `json:"output"` // raw integers (quantized) or floats
	OutputDType string          `json:"output_dtype"`
	Logits      any             `json:"logits,omitempty"` // the raw SOFTMAX input
	LogitsDType string          `json:"logits_dtype,omitempty"`
}

type classifyClass struct {
	Index int         `json:"index"`
	Label string      `json:"label"`
	Score jsonFloat32 `json:"score"` // null when NaN or ±Inf
}

func runClassify(ctx context.Context, e *env, args []string) error {
	fs := newFlags(cmdClassify, e)
	var o classifyOptions
	fs.StringVar(&o.model, "model", "", "TFLite model `path` (default: the one built into edgecam, "+defaultmodel.Name+")")
	fs.StringVar(&o.labels, "labels", "", "labels `file` (default: the labels packed in the model, else labels.txt beside it)")
	fs.IntVar(&o.top, "top", 5, "classes to print per input")
	fs.IntVar(&o.threads, "threads", 0, "inference threads (0: one per core)")
	kernelsFlag := addKernelsFlag(fs, "kernel `level`")
	fs.BoolVar(&o.json, "json", false, "print one JSON object per input per line, with the full output tensor")
	in := addInputFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	norm, err := in.normalization("classify")
	if err != nil {
		return err
	}
	switch {
	case fs.NArg() == 0:
		return usagef("classify: no input images given")
	case o.top < 1 || o.top > maxTop:
		return usagef("classify: -top must be 1..%d, got %d", maxTop, o.top)
	}
	if err := checkThreads("classify", o.threads); err != nil {
		return err
	}
	level, err := kernelLevel("classify", fs, *kernelsFlag)
	if err != nil {
		return err
	}
	o.kernels = string(level)
	if o.model != "" {
		if err := checkInputFile(o.model, "model", 0); err != nil {
			return fmt.Errorf("classify: %w", err)
		}
	}
	for _, in := range fs.Args() {
		if err := checkInputFile(in, "image", 0); err != nil {
			return fmt.Errorf("classify: %w", err)
		}
	}
	m, _, err := loadModel(o.model)
	if err != nil {
		return fmt.Errorf("classify: %w", err)
	}
	if runtime.IsDetector(m) {
		return fmt.Errorf("classify: %s is a detection model: use edgecam detect", o.model)
	}
	labels, err := labelsForModel(e.stderr, "classify", m, o.model, o.labels)
	if err != nil {
		return fmt.Errorf("classify: %w", err)
	}
	plan, err := runtime.Compile(m, runtime.Options{Threads: o.threads, Kernels: o.kernels})
	if err != nil {
		return fmt.Errorf("classify: %w", err)
	}
	defer plan.Close()
	if err := plan.SetNormalization(norm); err != nil {
		return fmt.Errorf("classify: %w", err)
	}
	h, w, c := plan.InputShape()
	if h != w || c != 3 {
		return fmt.Errorf("classify: model input is %dx%dx%d, want a square RGB image", h, w, c)
	}
	top := make([]runtime.Class, 0, o.top)
	enc := json.NewEncoder(e.stdout)
	for _, in := range fs.Args() {
		if err := ctx.Err(); err != nil {
			return err
		}
		rgb, err := imageinput.LoadRGB(in, h)
		if err != nil {
			return fmt.Errorf("classify: %w", err)
		}
		if err := plan.SetInputRGB(rgb); err != nil {
			return fmt.Errorf("classify %s: %w", in, err)
		}
		if err := plan.Run(); err != nil {
			return fmt.Errorf("classify %s: %w", in, err)
		}
		top = plan.TopK(o.top, top)
		if o.json {
			err = enc.Encode(classifyJSON(plan, in, top, labels))
		} else {
			err = writeClassifyText(e.stdout, in, top, labels)
		}
		if err != nil {
			return fmt.Errorf("classify: write: %w", err)
		}
	}
	return nil
}

// classLabel names class i.
func classLabel(labels []string, i int) string {
	if i >= 0 && i < len(labels) {
		return labels[i]
	}
	return fmt.Sprintf("class %d", i)
}

// writeClassifyText prints an input's top classes, leaving out those that
// scored exactly 0: a uint8 model gives most classes 0, and they would fill
// the top-K with arbitrary zero-score classes. A NaN score is printed.
func writeClassifyText(w io.Writer, input string, top []runtime.Class, labels []string) error {
	if _, err := fmt.Fprintf(w, "%s\n", input); err != nil {
		return err
	}
	shown := 0
	for _, c := range top {
		if c.Score == 0 {
			continue
		}
		shown++
		if _, err := fmt.Fprintf(w, "  %.4f  %4d  %s\n", c.Score, c.Index, classLabel(labels, c.Index)); err != nil {
			return err
		}
	}
	if shown == 0 {
		_, err := fmt.Fprintln(w, "  (no class scored above 0)")
		return err
	}
	return nil
}

// classifyJSON builds the -json line of one input.
func classifyJSON(plan *runtime.Plan, input string, top []runtime.Class, labels []string) classifyLine {
	line := classifyLine{Input: input, Top: make([]classifyClass, len(top))}
	for i, c := range top {
		line.Top[i] = classifyClass{Index: c.Index, Label: classLabel(labels, c.Index), Score: jsonFloat32(c.Score)}
	}
	line.OutputDType = plan.OutputType().String()
	line.Output = rawValues(plan.OutputType(), plan.OutputRaw())
	if raw, ok := plan.LogitsRaw(); ok {
		dt := plan.LogitsType()
		line.Logits, line.LogitsDType = rawValues(dt, raw), dt.String()
	}
	return line
}

// rawValues decodes a raw tensor into integers (uint8, int8) or floats.
func rawValues(dt tflite.DType, raw []byte) any {
	switch dt {
	case tflite.Uint8:
		v := make([]int, len(raw))
		for i, b := range raw {
			v[i] = int(b)
		}
		return v
	case tflite.Int8:
		v := make([]int, len(raw))
		for i, b := range raw {
			v[i] = int(int8(b))
		}
		return v
	}
	v := make([]float32, len(raw)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return jsonFloats(v) // NaN and ±Inf as null
}
