package main

import (
	"io"

	"github.com/edgecam/edgecam/internal/defaultmodel"
	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// embeddedModelName is how results and logs name the model built into the
// binary, used when run or classify gets no -model.
const embeddedModelName = defaultmodel.Name + " (embedded)"

// loadModel loads the model a command was given, or the embedded one when
// path is "". It returns the model and the name to report it by.
func loadModel(path string) (*tflite.Model, string, error) {
	if path == "" {
		m, err := defaultmodel.Load()
		return m, embeddedModelName, err
	}
	m, err := runtime.Load(path)
	return m, path, err
}

// labelsForModel returns the class names for the model at path ("" for the
// embedded one): the -labels file when given; for the embedded model its own
// labels (never a labels.txt in the working directory); for a model file what
// modelLabels finds (labels packed in the model, else labels.txt beside it).
func labelsForModel(stderr io.Writer, cmd string, m *tflite.Model, path, labelsFile string) ([]string, error) {
	if path == "" && labelsFile == "" {
		return defaultmodel.Labels(), nil
	}
	return modelLabels(stderr, cmd, m, path, labelsFile)
}
