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
// tflite.MaxFileBytes) and returns the model after Validate, with the
// output shapes an op defines filled in where the file leaves them
// undeclared (the [] outputs of TFLite_Detection_PostProcess). The
// tensors' Data slices alias the file contents read into memory.
func Load(path string) (*tflite.Model, error) {
	m, err := tflite.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if m, err = validated(m); err != nil {
		return nil, fmt.Errorf("load model %s: %w", path, err)
	}
	return m, nil
}

// validated runs Validate and fills in the output shapes ops define.
func validated(m *tflite.Model) (*tflite.Model, error) {
	if err := Validate(m); err != nil {
		return nil, err
	}
	return withOutputShapes(m)
}

// Parse decodes a TFLite flatbuffer held in memory (tflite.Parse) and
// returns the model after Validate, output shapes filled in as Load does.
// Constant tensors' Data slices alias data, which the caller must not
// modify afterwards. Parse never panics on malformed input.
func Parse(data []byte) (*tflite.Model, error) {
	m, err := tflite.Parse(data)
	if err != nil {
		return nil, err
	}
	return validated(m)
}
