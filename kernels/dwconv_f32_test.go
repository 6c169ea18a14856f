package kernels_test

import (
	"testing"

	"github.com/edgecam/edgecam/kernels"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

func TestDWConvF32Equivalence(t *testing.T) { testConvF32(t, kernels.All().DWConvF32, true) }

// BenchmarkDWConvF32 runs every available implementation on the depthwise
// layers of MobileNet-V1 1.0/224.
func BenchmarkDWConvF32(b *testing.B) {
	for _, impl := range kernels.All().DWConvF32 {
		for _, p := range kerneltest.MobileNetDepthwise {
			b.Run(impl.Name+"/"+convName(&p), func(b *testing.B) {
				r := kerneltest.Rand(7)
				l := &kernels.ConvF32Layer{Params: p, W: kerneltest.F32s(r, weightLen(&p, true)), Bias: kerneltest.F32s(r, p.OutC), Lo: 0, Hi: 6}
				benchConvF32(b, impl, l, taps(&p, true))
			})
		}
	}
}
