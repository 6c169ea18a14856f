// Package arm64 holds the NEON Go-assembly kernels of the pointwise,
// depthwise and first (3x3, 3-channel) convolutions, float32 and int8, named
// like their specifications in kernels/generic and tested against them by
// the equivalence tests of package kernels. Each Supports function says which
// layers a kernel computes; a kernel computes those entirely itself and
// panics on any other, it never hands a layer to another implementation.
// Functions ending in A53 compute what their namesakes compute, scheduled
// for in-order cores (Cortex-A53), where the registry offers them (A53). On
// other architectures, with gccgo or with -tags purego, the package compiles
// to nothing usable and reports its kernels as unavailable.
package arm64
