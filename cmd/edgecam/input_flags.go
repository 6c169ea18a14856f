package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// inputFlags are the input normalization flags shared by the commands that
// feed a model (classify, detect, run, quantize), as TFLite's
// label_image has them: -mean and -std, one value or one per channel.
type inputFlags struct {
	mean, std string
}

// addInputFlags defines -mean and -std on fs.
func addInputFlags(fs *flag.FlagSet) *inputFlags {
	f := &inputFlags{}
	fs.StringVar(&f.mean, "mean", "", "input normalization: (x-`mean`)/std for a float input; one value or R,G,B (default: the model metadata's, else 127.5). Given, it also applies to a quantized input, quantized exactly")
	fs.StringVar(&f.std, "std", "", "input normalization `std`, with -mean (default: the model metadata's, else 127.5)")
	return f
}

// normalization returns the normalization the flags give, nil when neither
// is set (the model's own rule applies: see runtime.Plan.SetNormalization).
// Flag errors are usage errors.
func (f *inputFlags) normalization(cmd string) (*runtime.Normalization, error) {
	if f.mean == "" && f.std == "" {
		return nil, nil
	}
	if f.mean == "" || f.std == "" {
		return nil, usagef("%s: -mean and -std go together", cmd)
	}
	var n runtime.Normalization
	for _, v := range []struct {
		name, text string
		dst        *[3]float32
	}{{"-mean", f.mean, &n.Mean}, {"-std", f.std, &n.Std}} {
		parts := strings.Split(v.text, ",")
		if len(parts) != 1 && len(parts) != 3 {
			return nil, usagef("%s: %s %q: want one value or three (R,G,B)", cmd, v.name, v.text)
		}
		for c := range 3 {
			x, err := strconv.ParseFloat(strings.TrimSpace(parts[min(c, len(parts)-1)]), 32)
			if err != nil {
				return nil, usagef("%s: %s %q: %v", cmd, v.name, v.text, err)
			}
			v.dst[c] = float32(x)
		}
	}
	if err := n.Validate(); err != nil {
		return nil, usagef("%s: -mean %s -std %s: %v", cmd, f.mean, f.std, err)
	}
	return &n, nil
}

// modelLabels finds the labels of the classifier m loaded from modelPath
// (runtime.ClassifierLabels: -labels, else the labels packed in the model,
// else labels.txt beside it when it fits; nil when there are none) and
// says on stderr why a labels.txt beside the model was passed over.
func modelLabels(stderr io.Writer, cmd string, m *tflite.Model, modelPath, labelsPath string) ([]string, error) {
	l, err := runtime.ClassifierLabels(m, modelPath, labelsPath)
	if err != nil {
		return nil, err
	}
	if l.Skipped != "" {
		fmt.Fprintf(stderr, "edgecam %s: %s\n", cmd, l.Skipped)
	}
	return l.Names, nil
}
