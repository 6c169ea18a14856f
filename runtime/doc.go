// Package runtime is the inference engine: it validates a TFLite
// MobileNet-style graph (float32, legacy uint8 and int8 per-channel; read by
// runtime/tflite), compiles it once into a plan (kernels chosen for this
// CPU, weights packed, one activation arena, within a memory budget) and
// runs inference on N workers with no allocation per frame.
package runtime
