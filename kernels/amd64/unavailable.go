//go:build !amd64 || !gc || purego

package amd64

import "github.com/edgecam/edgecam/kernels/generic"

// HasAVX2FMA, HasAVX512 and HasVNNI are false off amd64, with gccgo and with
// -tags purego: the assembly is not built, and kernels/registry_amd64.go,
// the only user of the declarations below, is not compiled either. They
// keep the package API the same on every architecture.
var (
	HasAVX2FMA = false
	HasAVX512  = false
	HasVNNI    = false
)

// Tile sizes, as on amd64.
const (
	PointwiseF32AVX2TileM   = 6
	PointwiseF32AVX512TileM = 8
	PointwiseQ8AVX2TileM    = 6
	PointwiseQ8VNNITileM    = 8
)

const unavailable = "amd64: AVX2/AVX-512 kernels are not built here (not amd64, not gc, or -tags purego)"

// ConvF32Weights is empty: there is no AVX2 kernel here.
type ConvF32Weights struct{}

// ConvQ8Weights is empty: there is no AVX2 kernel here.
type ConvQ8Weights struct{}

// ConvQ8VNNIWeights is empty: there is no VNNI kernel here.
type ConvQ8VNNIWeights struct{}

// DWConvF32Weights is empty: there is no AVX2 kernel here.
type DWConvF32Weights struct{}

// DWConvQ8Weights is empty: there is no AVX2 kernel here.
type DWConvQ8Weights struct{}

// DWConvQ8VNNIWeights is empty: there is no VNNI kernel here.
type DWConvQ8VNNIWeights struct{}

// SupportsPointwiseQ8 reports false: there is no AVX2 kernel here.
func SupportsPointwiseQ8(*generic.Requant) bool { return false }

// SupportsConvF32 reports false: there is no AVX2 kernel here.
func SupportsConvF32(*generic.ConvParams) bool { return false }

// SupportsConvQ8 reports false: there is no AVX2 kernel here.
func SupportsConvQ8(*generic.ConvParams, int32, *generic.Requant) bool { return false }

// SupportsConvQ8VNNI reports false: there is no VNNI kernel here.
func SupportsConvQ8VNNI(*generic.ConvParams, []int8, []int32, int32, *generic.Requant) bool {
	return false
}

// SupportsDWConvF32 reports false: there is no AVX2 kernel here.
func SupportsDWConvF32(*generic.ConvParams) bool { return false }

// SupportsDWConvQ8 reports false: there is no AVX2 kernel here.
func SupportsDWConvQ8(*generic.ConvParams, int32, *generic.Requant) bool { return false }

// SupportsDWConvQ8VNNI reports false: there is no VNNI kernel here.
func SupportsDWConvQ8VNNI(*generic.ConvParams, []int8, []int32, int32, *generic.Requant) bool {
	return false
}

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

// PackConvF32 is unavailable; it panics.
func PackConvF32(*generic.ConvParams, []float32, []float32) *ConvF32Weights { panic(unavailable) }

// ConvF32AVX2 is unavailable; it panics.
func ConvF32AVX2(*generic.ConvParams, []float32, []float32, *ConvF32Weights, int, int, float32, float32) {
	panic(unavailable)
}

// PackConvQ8 is unavailable; it panics.
func PackConvQ8(*generic.ConvParams, []int8, []int32, []int32, int32) *ConvQ8Weights {
	panic(unavailable)
}

// ConvQ8AVX2 is unavailable; it panics.
func ConvQ8AVX2(*generic.ConvParams, []int8, []int8, *ConvQ8Weights, *generic.Requant, int, int) {
	panic(unavailable)
}

// PackConvQ8VNNI is unavailable; it panics.
func PackConvQ8VNNI(*generic.ConvParams, []int8, []int32, []int32, int32) *ConvQ8VNNIWeights {
	panic(unavailable)
}

// ConvQ8VNNI is unavailable; it panics.
func ConvQ8VNNI(*generic.ConvParams, []int8, []int8, *ConvQ8VNNIWeights, *generic.Requant, int, int) {
	panic(unavailable)
}

// PackDWConvF32 is unavailable; it panics.
func PackDWConvF32(*generic.ConvParams, []float32, []float32) *DWConvF32Weights { panic(unavailable) }

// DWConvF32AVX2 is unavailable; it panics.
func DWConvF32AVX2(*generic.ConvParams, []float32, []float32, *DWConvF32Weights, int, int, float32, float32) {
	panic(unavailable)
}

// PackDWConvQ8 is unavailable; it panics.
func PackDWConvQ8(*generic.ConvParams, []int8, []int32) *DWConvQ8Weights { panic(unavailable) }

// DWConvQ8AVX2 is unavailable; it panics.
func DWConvQ8AVX2(*generic.ConvParams, []int8, []int8, int32, *DWConvQ8Weights, []int32, *generic.Requant, int, int) {
	panic(unavailable)
}

// PackDWConvQ8VNNI is unavailable; it panics.
func PackDWConvQ8VNNI(*generic.ConvParams, []int8, []int32, []int32, int32) *DWConvQ8VNNIWeights {
	panic(unavailable)
}

// DWConvQ8VNNI is unavailable; it panics.
func DWConvQ8VNNI(*generic.ConvParams, []int8, []int8, *DWConvQ8VNNIWeights, *generic.Requant, int, int) {
	panic(unavailable)
}
