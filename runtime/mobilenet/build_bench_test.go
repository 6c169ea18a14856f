package mobilenet

import (
	"fmt"
	"testing"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// BenchmarkBuild draws and quantizes the weights of a full model.
func BenchmarkBuild(b *testing.B) {
	for _, cfg := range []Config{
		{Alpha: 1, Res: 224, DType: tflite.Float32},
		{Alpha: 1, Res: 224, DType: tflite.Int8},
	} {
		b.Run(fmt.Sprintf("%v/%g_%d", cfg.DType, cfg.Alpha, cfg.Res), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Build(cfg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDescribeConfig is the cost of `edgecam describe -alpha -res`.
func BenchmarkDescribeConfig(b *testing.B) {
	for _, full := range []bool{false, true} {
		b.Run(fmt.Sprintf("fullconv=%t/1_224", full), func(b *testing.B) {
			for b.Loop() {
				if _, err := DescribeConfig(Config{Alpha: 1, Res: 224, FullConv: full, Classes: 1000, NoBias: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
