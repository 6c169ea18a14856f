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
