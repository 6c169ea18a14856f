package generic_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// refConvF32 is ConvF32's reference loop, over output rows [y0, y1) (the
// others stay 0).
func refConvF32(p *generic.ConvParams, src, w, bias []float32, lo, hi float32, y0, y1 int) []float32 {
	dst := make([]float32, p.OutH*p.OutW*p.OutC)
	for oy := y0; oy < y1; oy++ {
		for ox := 0; ox < p.OutW; ox++ {
			for oc := 0; oc < p.OutC; oc++ {
				var acc float32
				if bias != nil {
					acc = bias[oc]
				}
				for ky := 0; ky < p.KH; ky++ {
					for kx := 0; kx < p.KW; kx++ {
						iy, ix := oy*p.StrideH-p.PadTop+ky, ox*p.StrideW-p.PadLeft+kx
						if !inBounds(p, iy, ix) {
							continue
						}
						for ic := 0; ic < p.InC; ic++ {
							acc += src[(iy*p.InW+ix)*p.InC+ic] * w[((oc*p.KH+ky)*p.KW+kx)*p.InC+ic]
						}
					}
				}
				dst[(oy*p.OutW+ox)*p.OutC+oc] = min(max(acc, lo), hi)
			}
		}
	}
	return dst
}

func TestConvF32(t *testing.T) { testConvF32(t, false, generic.ConvF32) }

// TestFirstLayerF32 runs the exact first layer of MobileNet 1.0/224 at a
// smaller size with the asymmetric SAME padding (0 before, 1 after).
func TestFirstLayerF32(t *testing.T) {
	r := kerneltest.Rand(16)
	p := generic.ConvParams{InH: 32, InW: 32, InC: 3, OutH: 16, OutW: 16, OutC: 32, KH: 3, KW: 3, StrideH: 2, StrideW: 2}
	src, w, bias := kerneltest.F32s(r, 32*32*3), kerneltest.F32s(r, 32*27), kerneltest.F32s(r, 32)
	want := refConvF32(&p, src, w, bias, 0, 6, 0, 16)
	inf := float32(math.Inf(1))
	absSum := refConvF32(&p, kerneltest.Abs(src), kerneltest.Abs(w), kerneltest.Abs(bias), -inf, inf, 0, 16)
	g := kerneltest.NewGuarded[float32](len(want), 0)
	generic.ConvF32(&p, g.Out(), src, w, bias, 0, 16, 0, 6)
	checkRowsF32(t, g, want, absSum, &p, 0, 16, 27, "first layer f32")
}

// BenchmarkConvF32 is MobileNet 1.0/224's first layer.
func BenchmarkConvF32(b *testing.B) {
	p := kerneltest.MobileNetFirstConv
	b.Run(fmt.Sprintf("in%d_c%d_k%d_s%d", p.InH, p.InC, p.OutC, p.StrideH), func(b *testing.B) {
		r := kerneltest.Rand(7)
		src, w, bias := kerneltest.F32s(r, p.InH*p.InW*p.InC), kerneltest.F32s(r, weightLen(&p, false)), kerneltest.F32s(r, p.OutC)
		dst := make([]float32, p.OutH*p.OutW*p.OutC)
		measure(b, int64(p.OutH*p.OutW*p.OutC*taps(&p, false)), func() {
			generic.ConvF32(&p, dst, src, w, bias, 0, p.OutH, 0, 6)
		})
	})
}
