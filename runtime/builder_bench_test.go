package runtime

import (
	"fmt"
	"testing"
)

// BenchmarkBuildMobileNet draws and quantizes the weights of a full model.
func BenchmarkBuildMobileNet(b *testing.B) {
	for _, cfg := range []BuildConfig{
		{Alpha: 1, Res: 224, DType: Float32},
		{Alpha: 1, Res: 224, DType: Int8},
	} {
		b.Run(fmt.Sprintf("%v/%g_%d", cfg.DType, cfg.Alpha, cfg.Res), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := BuildMobileNet(cfg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDescribeMobileNet is the cost of `edgecam describe -alpha -res`.
func BenchmarkDescribeMobileNet(b *testing.B) {
	for _, full := range []bool{false, true} {
		b.Run(fmt.Sprintf("fullconv=%t/1_224", full), func(b *testing.B) {
			for b.Loop() {
				if _, err := DescribeMobileNet(BuildConfig{Alpha: 1, Res: 224, FullConv: full, Classes: 1000, NoBias: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
