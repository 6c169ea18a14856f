// Package tflite reads and writes TFLite model files: the graph types
// (Model, Tensor, Op and TFLite's enums), a bounds-checked flatbuffer reader
// that never panics or over-allocates on hostile input, and a writer. It
// also reads and writes the TFLite metadata (names, the input's
// normalization, label files packed in a zip archive appended to the model).
// It checks what the file format requires (indices, buffer sizes,
// quantization arrays, bounds) and nothing about whether an engine can run
// the graph; it does not import the engine.
package tflite
