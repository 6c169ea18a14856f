//go:build arm64 && !purego

package kernels

import "github.com/edgecam/edgecam/kernels/arm64"

// The NEON kernels, registered after the generic ones. Availability is read
// once from golang.org/x/sys/cpu through package arm64.
func init() {
	register(func(r *Registry) {
		r.PointwiseF32 = append(r.PointwiseF32, &PointwiseF32{
			Name: "pwconv_f32_neon", Level: NEON, Avail: arm64.HasNEON, TileM: arm64.PointwiseF32TileM,
			Pack: arm64.PackPointwiseF32, Run: arm64.PointwiseF32,
		})
		r.PointwiseQ8 = append(r.PointwiseQ8, &PointwiseQ8{
			Name: "pwconv_q8_neon", Level: NEON, Avail: arm64.HasNEON, TileM: arm64.PointwiseQ8WideTileM,
			Supports: anyWeights, Pack: arm64.PackPointwiseQ8Wide, Run: arm64.PointwiseQ8Wide,
		}, &PointwiseQ8{
			Name: "pwconv_q8_dotprod", Level: DotProd, Avail: arm64.HasDotProd, TileM: arm64.PointwiseQ8DotTileM,
			Supports: anyWeights, Pack: arm64.PackPointwiseQ8Dot, Run: arm64.PointwiseQ8Dot,
		})
		r.ConvF32 = append(r.ConvF32, &ConvF32{
			Name: "conv3x3c3_f32_neon", Level: NEON, Avail: arm64.HasNEON,
			Supports: arm64.SupportsConv3x3C3, Run: arm64.Conv3x3C3F32,
		})
		r.ConvQ8 = append(r.ConvQ8, &ConvQ8{
			Name: "conv3x3c3_q8_neon", Level: NEON, Avail: arm64.HasNEON,
			Supports: arm64.SupportsConv3x3C3, Run: arm64.Conv3x3C3Q8,
		}, &ConvQ8{
			Name: "conv3x3c3_q8_dotprod", Level: DotProd, Avail: arm64.HasDotProd,
			Supports: arm64.SupportsConv3x3C3, Run: arm64.Conv3x3C3Q8Dot,
		})
		r.DWConvF32 = append(r.DWConvF32, &ConvF32{
			Name: "dwconv3x3_f32_neon", Level: NEON, Avail: arm64.HasNEON,
			Supports: arm64.SupportsDWConv3x3, Run: arm64.DWConv3x3F32,
		})
		r.DWConvQ8 = append(r.DWConvQ8, &ConvQ8{
			Name: "dwconv3x3_q8_neon", Level: NEON, Avail: arm64.HasNEON,
			Supports: arm64.SupportsDWConv3x3, Run: arm64.DWConv3x3Q8,
		})
	})
}

// anyWeights is the Supports of the NEON int8 pointwise kernels: both are
// exact for every int8 weight, -128 included (the widening kernel keeps one
// product per int16 lane).
func anyWeights([]int8, int, int) bool { return true }
