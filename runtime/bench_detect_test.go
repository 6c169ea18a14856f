package runtime

import (
	"path/filepath"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/kernels"
)

// BenchmarkFixtureInference runs one inference per op of a fixture model on
// one thread at each kernel level this CPU runs: the SSD detector, and for
// comparison a classifier of the same width and numeric scheme (uint8
// MobileNet-V1 0.75, at 192x192), the uint8 MobileNet-V1 1.0/224 and the two
// MobileNet-V2 1.0/224 files (uint8, TF2 int8). It reports the model's multiply-adds per
// op, so that an instruction count per op (../shared/tools/qemu-icount)
// divides into instructions per multiply-add:
//
//	GOARCH=arm64 go test -c -o /tmp/rt.test ./runtime
//	cd runtime && .../qemu-icount/count.sh -c cortex-a76 -a 1 -b 3 -f 'github.com/edgecam/:runtime.mem' /tmp/rt.test '^BenchmarkFixtureInference$/^ssd$/^dotprod$'
func BenchmarkFixtureInference(b *testing.B) {
	for _, model := range []struct{ name, stem string }{
		{"ssd", ssdGoldenStem},
		{"classifier_0.75_192", "mobilenet_v1_0.75_192_quant"},
		{"v1_1.0_224_quant", "mobilenet_v1_1.0_224_quant_embedding_extractor"},
		{"v2_1.0_224_quant", "mobilenet_v2_1.0_224_quant"},
		{"v2_1.0_224_tf2_int8", "tf2_mobilenet_v2_1.0_224_ptq"},
	} {
		b.Run(model.name, func(b *testing.B) {
			m, err := Load(fixtures.Path(b, filepath.Join("models", model.stem+".tflite")))
			if err != nil {
				b.Fatal(err)
			}
			for _, level := range []kernels.Level{kernels.Generic, kernels.NEON, kernels.DotProd} {
				b.Run(string(level), func(b *testing.B) {
					if err := kernels.Check(level); err != nil {
						b.Skip(err)
					}
					p, err := Compile(m, Options{Threads: 1, Kernels: string(level)})
					if err != nil {
						b.Fatal(err)
					}
					defer p.Close()
					h, w, _ := p.InputShape()
					if err := p.SetInputRGB(planTestImage(h, w, 1)); err != nil {
						b.Fatal(err)
					}
					var macs int64
					for _, l := range p.Layers() {
						macs += l.MACs
					}
					b.ReportAllocs()
					for b.Loop() {
						if err := p.Run(); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(macs), "MAC/op")
				})
			}
		})
	}
}
