// Package runtime loads TFLite MobileNet-V1 models (float32, legacy uint8 and
// int8 per-channel), builds synthetic ones for any width and resolution,
// compiles a model once into a plan (kernels chosen for this CPU, weights
// packed, one activation arena) and runs inference on N workers with no
// allocation per frame.
package runtime
