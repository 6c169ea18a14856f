//go:build (!arm64 && !amd64) || !gc || purego

package kernels

// addArchKernels adds nothing: this build has only the generic kernels.
func addArchKernels(*Registry) {}
