package runtime

import (
	"fmt"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// ErrInvalidModel and ErrUnsupported are tflite's errors: the file reader and
// Validate wrap the same values, so errors.Is works with either name.
var (
	ErrInvalidModel = tflite.ErrInvalidModel
	ErrUnsupported  = tflite.ErrUnsupported
)

// Load reads a TFLite file (tflite.ReadFile: regular files of at most
// tflite.MaxFileBytes) and returns the model after Validate. The tensors'
// Data slices alias the file contents read into memory.
func Load(path string) (*tflite.Model, error) {
	m, err := tflite.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if err := Validate(m); err != nil {
		return nil, fmt.Errorf("load model %s: %w", path, err)
	}
	return m, nil
}

// Parse decodes a TFLite flatbuffer held in memory (tflite.Parse) and
// returns the model after Validate. Constant tensors' Data slices alias
// data, which the caller must not modify afterwards. Parse never panics on
// malformed input.
func Parse(data []byte) (*tflite.Model, error) {
	m, err := tflite.Parse(data)
	if err != nil {
		return nil, err
	}
	if err := Validate(m); err != nil {
		return nil, err
	}
	return m, nil
}
