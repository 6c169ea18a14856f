package kernels_test

import (
	"testing"

	"github.com/edgecam/edgecam/kernels"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

func TestDWConvQ8Equivalence(t *testing.T) { testConvQ8(t, kernels.All().DWConvQ8, true) }

// BenchmarkDWConvQ8 runs every available implementation on the depthwise
// layers of MobileNet-V1 1.0/224, legacy uint8 weights (the int16 path).
func BenchmarkDWConvQ8(b *testing.B) {
	for _, impl := range kernels.All().DWConvQ8 {
		for _, p := range kerneltest.MobileNetDepthwise {
			b.Run(impl.Name+"/"+convName(&p), func(b *testing.B) {
				l := randConvQ8Layer(kerneltest.Rand(8), &p, true, 2)
				l.XZP = -5
				benchConvQ8(b, impl, l, taps(&p, true))
			})
		}
	}
}
