// Package arm64 holds NEON Go-assembly kernels for depthwise and pointwise
// convolution and for the first 3x3 convolution of a 3-channel image, float32
// and int8, each tested against its twin in kernels/generic. On other
// architectures (or with -tags purego) the package compiles to nothing usable
// and reports its kernels as unavailable.
package arm64
