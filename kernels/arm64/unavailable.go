//go:build !arm64 || purego

package arm64

import "github.com/edgecam/edgecam/kernels/generic"

// HasNEON and HasDotProd are false off arm64 and with -tags purego: the NEON
// kernels are not built, and kernels/registry_arm64.go, the only user of the
// functions below, is not compiled either.
var (
	HasNEON    = false
	HasDotProd = false
)

// Tile sizes, kept so the package API is the same on every architecture.
const (
	PointwiseF32TileM    = 8
	PointwiseQ8WideTileM = 4
	PointwiseQ8DotTileM  = 8
)

const unavailable = "arm64: NEON kernels are not built for this architecture (or -tags purego)"

// SupportsDWConv3x3 reports false: there is no NEON kernel here.
func SupportsDWConv3x3(*generic.ConvParams) bool { return false }

// PackPointwiseF32 is unavailable; it panics.
func PackPointwiseF32([]float32, int, int) []float32 { panic(unavailable) }

// PointwiseF32 is unavailable; it panics.
func PointwiseF32(_, _ []float32, _, _, _ int, _, _ []float32, _, _ float32) { panic(unavailable) }

// PackPointwiseQ8Wide is unavailable; it panics.
func PackPointwiseQ8Wide([]int8, int, int) []int8 { panic(unavailable) }

// PackPointwiseQ8Dot is unavailable; it panics.
func PackPointwiseQ8Dot([]int8, int, int) []int8 { panic(unavailable) }

// PointwiseQ8Wide is unavailable; it panics.
func PointwiseQ8Wide(_, _ []int8, _, _, _ int, _ []int8, _ []int32, _ int32, _ *generic.Requant) {
	panic(unavailable)
}

// PointwiseQ8Dot is unavailable; it panics.
func PointwiseQ8Dot(_, _ []int8, _, _, _ int, _ []int8, _ []int32, _ int32, _ *generic.Requant) {
	panic(unavailable)
}

// DWConv3x3F32 is unavailable; it panics.
func DWConv3x3F32(*generic.ConvParams, []float32, []float32, []float32, []float32, int, int, float32, float32) {
	panic(unavailable)
}

// DWConv3x3Q8 is unavailable; it panics.
func DWConv3x3Q8(*generic.ConvParams, []int8, []int8, int32, []int16, []int32, *generic.Requant, int, int) {
	panic(unavailable)
}

// SupportsConv3x3C3 reports false: there is no NEON kernel here.
func SupportsConv3x3C3(*generic.ConvParams) bool { return false }

// Conv3x3C3F32 is unavailable; it panics.
func Conv3x3C3F32(*generic.ConvParams, []float32, []float32, []float32, []float32, int, int, float32, float32) {
	panic(unavailable)
}

// Conv3x3C3Q8 is unavailable; it panics.
func Conv3x3C3Q8(*generic.ConvParams, []int8, []int8, int32, []int16, []int32, *generic.Requant, int, int) {
	panic(unavailable)
}

// Conv3x3C3Q8Dot is unavailable; it panics.
func Conv3x3C3Q8Dot(*generic.ConvParams, []int8, []int8, int32, []int16, []int32, *generic.Requant, int, int) {
	panic(unavailable)
}
