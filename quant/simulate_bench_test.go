package quant

import (
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/runtime"
)

// BenchmarkSimulate is one float64 reference evaluation of the official
// float 0.25/224 model, the unit of bias correction's cost.
func BenchmarkSimulate(b *testing.B) {
	fm, err := runtime.Load(fixtures.Path(b, "models/mobilenet_v1_0.25_224.tflite"))
	if err != nil {
		b.Fatal(err)
	}
	sim, err := newSimulator(fm)
	if err != nil {
		b.Fatal(err)
	}
	rgb := make([]byte, 224*224*3)
	for i := range rgb {
		rgb[i] = byte(i * 7)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := sim.run(rgb); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQuantizeWeights quantizes the largest MobileNet-V1 1.0 layers'
// weights per channel: the 1024x1024 pointwise conv and the 1001x1024 logits.
func BenchmarkQuantizeWeights(b *testing.B) {
	for _, sh := range []struct {
		name  string
		shape []int
	}{{"pwconv_1024x1x1x1024", []int{1024, 1, 1, 1024}}, {"logits_1001x1x1x1024", []int{1001, 1, 1, 1024}}, {"dwconv_1x3x3x1024", []int{1, 3, 3, 1024}}} {
		w := make([]float32, elems(sh.shape))
		for i := range w {
			w[i] = float32(i%251) / 251
		}
		axis := 0
		if sh.shape[0] == 1 {
			axis = 3
		}
		b.Run(sh.name, func(b *testing.B) {
			b.SetBytes(int64(4 * len(w)))
			for b.Loop() {
				if _, err := QuantizeWeights(w, sh.shape, axis); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
