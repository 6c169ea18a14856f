package tflite

import (
	"os"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
)

// BenchmarkParse decodes and checks the shared models held in memory.
func BenchmarkParse(b *testing.B) {
	for _, name := range []string{
		"mobilenet_v1_0.25_128_quant.tflite",
		"mobilenet_v1_0.25_224.tflite",
		"mobilenet_v1_1.0_224_quant_embedding_extractor.tflite",
	} {
		data, err := os.ReadFile(fixtures.Path(b, "models/"+name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(strings.TrimSuffix(name, ".tflite"), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
