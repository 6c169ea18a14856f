// Package quant converts float32 MobileNet-style TFLite models to int8: it
// quantizes weights symmetrically per output channel, calibrates activation
// ranges by running the float model over sample images, and rewrites the graph
// into TFLite's full-integer int8 scheme (or an int8-weights-only model with
// float compute).
package quant
