//go:build !arm64 || !gc || purego

package arm64

import "github.com/edgecam/edgecam/kernels/generic"

// HasNEON, HasDotProd and A53 are false off arm64, with gccgo and with -tags
// purego: the NEON kernels are not built, and kernels/registry_arm64.go, the
// only user of the declarations below, is not compiled either. They keep the
// package API the same on every architecture.
var (
	HasNEON    = false
	HasDotProd = false
	A53        = false
)

// Tile sizes, as on arm64.
const (
	PointwiseF32TileM   = 8
	PointwiseQ8TileM    = 4
	PointwiseQ8DotTileM = 8
)

const unavailable = "arm64: NEON kernels are not built for this architecture (or -tags purego)"

// ConvF32Weights is empty: there is no NEON kernel here.
type ConvF32Weights struct{}

// ConvQ8Weights is empty: there is no NEON kernel here.
type ConvQ8Weights struct{}

// ConvQ8DotWeights is empty: there is no NEON kernel here.
type ConvQ8DotWeights struct{}

// DWConvQ8Weights is empty: there is no NEON kernel here.
type DWConvQ8Weights struct{}

// DWConvQ8DotWeights is empty: there is no NEON kernel here.
type DWConvQ8DotWeights struct{}

// OnlyA53 reports false: there is no NEON kernel here.
func OnlyA53(string) bool { return false }

// SupportsPointwiseQ8 reports false: there is no NEON kernel here.
func SupportsPointwiseQ8(int, *generic.Requant) bool { return false }

// SupportsDWConvF32 reports false: there is no NEON kernel here.
func SupportsDWConvF32(*generic.ConvParams) bool { return false }

// SupportsDWConvQ8 reports false: there is no NEON kernel here.
func SupportsDWConvQ8(*generic.ConvParams, int32) bool { return false }

// SupportsDWConvQ8Dot reports false: there is no NEON kernel here.
func SupportsDWConvQ8Dot(*generic.ConvParams, []int8, []int32, []int32, int32, *generic.Requant) bool {
	return false
}

// SupportsConvF32 reports false: there is no NEON kernel here.
func SupportsConvF32(*generic.ConvParams) bool { return false }

// SupportsConvQ8 reports false: there is no NEON kernel here.
func SupportsConvQ8(*generic.ConvParams, int32) bool { return false }

// SupportsConvQ8Dot reports false: there is no NEON kernel here.
func SupportsConvQ8Dot(*generic.ConvParams, []int8, []int32, []int32, int32, *generic.Requant) bool {
	return false
}

// PackPointwiseF32 is unavailable; it panics.
func PackPointwiseF32([]float32, int, int) []float32 { panic(unavailable) }

// PointwiseF32 is unavailable; it panics.
func PointwiseF32(_, _ []float32, _, _, _ int, _, _ []float32, _, _ float32) { panic(unavailable) }

// PackPointwiseQ8 is unavailable; it panics.
func PackPointwiseQ8([]int8, int, int) []int8 { panic(unavailable) }

// PointwiseQ8 is unavailable; it panics.
func PointwiseQ8(_, _ []int8, _, _, _ int, _ []int8, _ []int32, _ int32, _ *generic.Requant) {
	panic(unavailable)
}

// PackPointwiseQ8Dot is unavailable; it panics.
func PackPointwiseQ8Dot([]int8, int, int) []int8 { panic(unavailable) }

// PointwiseQ8Dot is unavailable; it panics.
func PointwiseQ8Dot(_, _ []int8, _, _, _ int, _ []int8, _ []int32, _ int32, _ *generic.Requant) {
	panic(unavailable)
}

// DWConvF32 is unavailable; it panics.
func DWConvF32(*generic.ConvParams, []float32, []float32, []float32, []float32, int, int, float32, float32) {
	panic(unavailable)
}

// PackDWConvQ8 is unavailable; it panics.
func PackDWConvQ8(*generic.ConvParams, []int8, []int32) *DWConvQ8Weights { panic(unavailable) }

// DWConvQ8 is unavailable; it panics.
func DWConvQ8(*generic.ConvParams, []int8, []int8, int32, *DWConvQ8Weights, []int32, *generic.Requant, int, int) {
	panic(unavailable)
}

// PackDWConvQ8Dot is unavailable; it panics.
func PackDWConvQ8Dot(*generic.ConvParams, []int8, []int32, []int32, int32, *generic.Requant) *DWConvQ8DotWeights {
	panic(unavailable)
}

// DWConvQ8Dot is unavailable; it panics.
func DWConvQ8Dot(*generic.ConvParams, []int8, []int8, *DWConvQ8DotWeights, int, int) {
	panic(unavailable)
}

// PackConvF32 is unavailable; it panics.
func PackConvF32(*generic.ConvParams, []float32, []float32) *ConvF32Weights { panic(unavailable) }

// ConvF32 is unavailable; it panics.
func ConvF32(*generic.ConvParams, []float32, []float32, *ConvF32Weights, int, int, float32, float32) {
	panic(unavailable)
}

// PackConvQ8 is unavailable; it panics.
func PackConvQ8(*generic.ConvParams, []int8, []int32, []int32) *ConvQ8Weights { panic(unavailable) }

// ConvQ8 is unavailable; it panics.
func ConvQ8(*generic.ConvParams, []int8, []int8, int32, *ConvQ8Weights, *generic.Requant, int, int) {
	panic(unavailable)
}

// PackConvQ8Dot is unavailable; it panics.
func PackConvQ8Dot(*generic.ConvParams, []int8, []int32, []int32, int32, *generic.Requant) *ConvQ8DotWeights {
	panic(unavailable)
}

// ConvQ8Dot is unavailable; it panics.
func ConvQ8Dot(*generic.ConvParams, []int8, []int8, *ConvQ8DotWeights, int, int) {
	panic(unavailable)
}

// PointwiseF32A53 is unavailable; it panics.
func PointwiseF32A53(_, _ []float32, _, _, _ int, _, _ []float32, _, _ float32) {
	panic(unavailable)
}

// PointwiseQ8A53 is unavailable; it panics.
func PointwiseQ8A53(_, _ []int8, _, _, _ int, _ []int8, _ []int32, _ int32, _ *generic.Requant) {
	panic(unavailable)
}

// DWConvF32A53 is unavailable; it panics.
func DWConvF32A53(*generic.ConvParams, []float32, []float32, []float32, []float32, int, int, float32, float32) {
	panic(unavailable)
}

// DWConvQ8A53 is unavailable; it panics.
func DWConvQ8A53(*generic.ConvParams, []int8, []int8, int32, *DWConvQ8Weights, []int32, *generic.Requant, int, int) {
	panic(unavailable)
}

// ConvF32A53 is unavailable; it panics.
func ConvF32A53(*generic.ConvParams, []float32, []float32, *ConvF32Weights, int, int, float32, float32) {
	panic(unavailable)
}

// ConvQ8A53 is unavailable; it panics.
func ConvQ8A53(*generic.ConvParams, []int8, []int8, int32, *ConvQ8Weights, *generic.Requant, int, int) {
	panic(unavailable)
}
