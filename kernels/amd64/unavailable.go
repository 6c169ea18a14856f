//go:build !amd64 || !gc || purego

package amd64

// HasAVX2FMA, HasAVX512 and HasVNNI are false off amd64, with gccgo and with
// -tags purego: the assembly is not built, and the registry entries that use
// the functions below are not compiled either.
var (
	HasAVX2FMA = false
	HasAVX512  = false
	HasVNNI    = false
)

// Tile sizes, kept so the package API is the same on every architecture.
const (
	PointwiseF32AVX2TileM   = 6
	PointwiseF32AVX512TileM = 8
)

const unavailable = "amd64: AVX2/AVX-512 kernels are not built here (not amd64, not gc, or -tags purego)"

// PackPointwiseF32AVX2 is unavailable; it panics.
func PackPointwiseF32AVX2([]float32, int, int) []float32 { panic(unavailable) }

// PackPointwiseF32AVX512 is unavailable; it panics.
func PackPointwiseF32AVX512([]float32, int, int) []float32 { panic(unavailable) }

// PointwiseF32AVX2 is unavailable; it panics.
func PointwiseF32AVX2(_, _ []float32, _, _, _ int, _, _ []float32, _, _ float32) { panic(unavailable) }

// PointwiseF32AVX512 is unavailable; it panics.
func PointwiseF32AVX512(_, _ []float32, _, _, _ int, _, _ []float32, _, _ float32) {
	panic(unavailable)
}
