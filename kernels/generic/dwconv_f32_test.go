package generic_test

import (
	"fmt"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// refDWConvF32 is DWConvF32's reference loop, over output rows [y0, y1).
func refDWConvF32(p *generic.ConvParams, src, w, bias []float32, lo, hi float32, y0, y1 int) []float32 {
	C := p.OutC
	dst := make([]float32, p.OutH*p.OutW*C)
	for oy := y0; oy < y1; oy++ {
		for ox := 0; ox < p.OutW; ox++ {
			for c := 0; c < C; c++ {
				var acc float32
				if bias != nil {
					acc = bias[c]
				}
				for ky := 0; ky < p.KH; ky++ {
					for kx := 0; kx < p.KW; kx++ {
						iy, ix := oy*p.StrideH-p.PadTop+ky, ox*p.StrideW-p.PadLeft+kx
						if inBounds(p, iy, ix) {
							acc += src[(iy*p.InW+ix)*C+c] * w[(ky*p.KW+kx)*C+c]
						}
					}
				}
				dst[(oy*p.OutW+ox)*C+c] = min(max(acc, lo), hi)
			}
		}
	}
	return dst
}

func TestDWConvF32(t *testing.T) { testConvF32(t, true, generic.DWConvF32) }

// BenchmarkDWConvF32 runs the depthwise layers of MobileNet 1.0/224.
func BenchmarkDWConvF32(b *testing.B) {
	for _, p := range kerneltest.MobileNetDepthwise {
		b.Run(fmt.Sprintf("in%d_c%d_s%d", p.InH, p.InC, p.StrideH), func(b *testing.B) {
			r := kerneltest.Rand(5)
			src, w, bias := kerneltest.F32s(r, p.InH*p.InW*p.InC), kerneltest.F32s(r, 9*p.InC), kerneltest.F32s(r, p.InC)
			dst := make([]float32, p.OutH*p.OutW*p.OutC)
			measure(b, int64(p.OutH*p.OutW*p.OutC*9), func() {
				generic.DWConvF32(&p, dst, src, w, bias, 0, p.OutH, 0, 6)
			})
		})
	}
}
