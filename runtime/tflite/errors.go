package tflite

import "errors"

// ErrInvalidModel is wrapped by every error that reports a malformed or
// inconsistent model (bad flatbuffer, out-of-range index, shape mismatch...).
// The runtime's own validation wraps the same error.
var ErrInvalidModel = errors.New("invalid model")

// ErrUnsupported is wrapped by errors about well-formed models that use
// something edgecam does not run (an operator, a data type, sparsity...).
var ErrUnsupported = errors.New("unsupported")
