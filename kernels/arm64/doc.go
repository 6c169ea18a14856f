// Package arm64 holds NEON Go-assembly kernels for depthwise and pointwise
// convolution, float32 and int8, each tested against its twin in
// kernels/generic. On other architectures (or with -tags purego) the package
// compiles to nothing usable and reports its kernels as unavailable.
package arm64
