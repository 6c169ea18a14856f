package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/mobilenet"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// benchModelFlags select the model: a file, or a synthetic MobileNet.
type benchModelFlags struct {
	path  string
	alpha float64
	res   int
	dtype string
}

// load returns the model and its report name. Flag conflicts are usage
// errors.
func (f *benchModelFlags) load(set map[string]bool) (*tflite.Model, string, error) {
	builder := set["alpha"] || set["res"] || set["dtype"]
	switch {
	case f.path != "" && builder:
		return nil, "", usagef("bench: -model and -alpha/-res/-dtype exclude each other")
	case f.path == "" && !set["alpha"]:
		return nil, "", usagef("bench: give -model PATH or -alpha A [-res R -dtype f32|int8]")
	case f.path != "":
		if err := checkInputFile(f.path, "model", 0); err != nil {
			return nil, "", fmt.Errorf("bench: %w", err)
		}
		m, err := runtime.Load(f.path)
		if err != nil {
			return nil, "", fmt.Errorf("bench: %w", err)
		}
		return m, strings.TrimSuffix(filepath.Base(f.path), filepath.Ext(f.path)), nil
	}
	var dt tflite.DType
	switch strings.ToLower(f.dtype) {
	case "f32", "float32":
		dt = tflite.Float32
	case "int8", "q8":
		dt = tflite.Int8
	default:
		return nil, "", usagef("bench: -dtype %q: want f32 or int8", f.dtype)
	}
	if !(f.alpha > 0) || f.res <= 0 || f.res%32 != 0 {
		return nil, "", usagef("bench: -alpha must be positive and -res a positive multiple of 32")
	}
	m, err := mobilenet.Build(mobilenet.Config{Alpha: f.alpha, Res: f.res, DType: dt})
	if err != nil {
		// The configuration comes from the flags alone (as in describe).
		return nil, "", usagef("bench: -alpha %g -res %d: %v", f.alpha, f.res, err)
	}
	name := "mobilenet_v1_" + strconv.FormatFloat(f.alpha, 'f', -1, 64) + "_" + strconv.Itoa(f.res) + "_" + dt.String()
	return m, name, nil
}
