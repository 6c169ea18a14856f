//go:build !amd64 || !gc || purego

package amd64

import "github.com/edgecam/edgecam/kernels/generic"

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

// Tile sizes of the int8 pointwise kernels.
const (
	PointwiseQ8AVX2TileM = 6
	PointwiseQ8VNNITileM = 8
)

// PackPointwiseQ8AVX2 is unavailable; it panics.
func PackPointwiseQ8AVX2([]int8, int, int) []int8 { panic(unavailable) }

// PackPointwiseQ8VNNI is unavailable; it panics.
func PackPointwiseQ8VNNI([]int8, int, int) []int8 { panic(unavailable) }

// PointwiseQ8AVX2 is unavailable; it panics.
func PointwiseQ8AVX2(_, _ []int8, _, _, _ int, _ []int8, _ []int32, _ int32, _ *generic.Requant) {
	panic(unavailable)
}

// PointwiseQ8VNNI is unavailable; it panics.
func PointwiseQ8VNNI(_, _ []int8, _, _, _ int, _ []int8, _ []int32, _ int32, _ *generic.Requant) {
	panic(unavailable)
}

// SupportsDWConv3x3 reports false: there is no AVX2 kernel here.
func SupportsDWConv3x3(*generic.ConvParams) bool { return false }

// DWConv3x3F32AVX2 is unavailable; it panics.
func DWConv3x3F32AVX2(*generic.ConvParams, []float32, []float32, []float32, []float32, int, int, float32, float32) {
	panic(unavailable)
}

// DWConv3x3Q8AVX2 is unavailable; it panics.
func DWConv3x3Q8AVX2(*generic.ConvParams, []int8, []int8, int32, []int16, []int32, *generic.Requant, int, int) {
	panic(unavailable)
}

// SupportsConv3x3C3 reports false: there is no AVX2 kernel here.
func SupportsConv3x3C3(*generic.ConvParams) bool { return false }

// Conv3x3C3F32AVX2 is unavailable; it panics.
func Conv3x3C3F32AVX2(*generic.ConvParams, []float32, []float32, []float32, []float32, int, int, float32, float32) {
	panic(unavailable)
}

// Conv3x3C3Q8AVX2 is unavailable; it panics.
func Conv3x3C3Q8AVX2(*generic.ConvParams, []int8, []int8, int32, []int16, []int32, *generic.Requant, int, int) {
	panic(unavailable)
}

// Conv3x3C3Q8VNNI is unavailable; it panics.
func Conv3x3C3Q8VNNI(*generic.ConvParams, []int8, []int8, int32, []int16, []int32, *generic.Requant, int, int) {
	panic(unavailable)
}

// DWConv3x3Q8VNNI is unavailable; it panics.
func DWConv3x3Q8VNNI(*generic.ConvParams, []int8, []int8, int32, []int16, []int32, *generic.Requant, int, int) {
	panic(unavailable)
}
