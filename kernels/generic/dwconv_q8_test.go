package generic_test

import (
	"fmt"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// refDWConvQ8 is DWConvQ8's reference loop, over output rows [y0, y1).
func refDWConvQ8(p *generic.ConvParams, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant, y0, y1 int) []int8 {
	C := p.OutC
	dst := make([]int8, p.OutH*p.OutW*C)
	for oy := y0; oy < y1; oy++ {
		for ox := 0; ox < p.OutW; ox++ {
			for c := 0; c < C; c++ {
				var acc int32
				if bias != nil {
					acc = bias[c]
				}
				for ky := 0; ky < p.KH; ky++ {
					for kx := 0; kx < p.KW; kx++ {
						iy, ix := oy*p.StrideH-p.PadTop+ky, ox*p.StrideW-p.PadLeft+kx
						if inBounds(p, iy, ix) {
							acc += (int32(src[(iy*p.InW+ix)*C+c]) - xzp) * int32(w[(ky*p.KW+kx)*C+c])
						}
					}
				}
				dst[(oy*p.OutW+ox)*C+c] = generic.Requantize(acc, rq.Scale[c], rq.ZeroPoint, rq.Min, rq.Max)
			}
		}
	}
	return dst
}

func TestDWConvQ8(t *testing.T) { testConvQ8(t, true, generic.DWConvQ8) }

// TestPackDWConvQ8 checks the pack step against its formula: each weight
// minus its channel's zero point, widened to int16.
func TestPackDWConvQ8(t *testing.T) {
	p := kerneltest.DWParams(4, 3, 1)
	w := kerneltest.I8s(kerneltest.Rand(19), 9*3, -128, 127)
	wzp := []int32{-128, 0, 127}
	got := generic.PackDWConvQ8(&p, w, wzp)
	if len(got) != len(w) {
		t.Fatalf("len %d, want %d", len(got), len(w))
	}
	for i, v := range w {
		if want := int16(v) - int16(wzp[i%3]); got[i] != want {
			t.Fatalf("packed[%d] = %d, want %d - %d = %d", i, got[i], v, wzp[i%3], want)
		}
	}
}

// BenchmarkDWConvQ8 runs the depthwise layers of MobileNet 1.0/224.
func BenchmarkDWConvQ8(b *testing.B) {
	for _, p := range kerneltest.MobileNetDepthwise {
		b.Run(fmt.Sprintf("in%d_c%d_s%d", p.InH, p.InC, p.StrideH), func(b *testing.B) {
			r := kerneltest.Rand(6)
			src, w, bias := kerneltest.I8s(r, p.InH*p.InW*p.InC, -128, 127), kerneltest.I16s(r, 9*p.InC, -255, 255), kerneltest.I32s(r, p.InC, -1000, 1000)
			rq := kerneltest.RandRequant(r, p.InC, 1)
			dst := make([]int8, p.OutH*p.OutW*p.OutC)
			measure(b, int64(p.OutH*p.OutW*p.OutC*9), func() {
				generic.DWConvQ8(&p, dst, src, 3, w, bias, rq, 0, p.OutH)
			})
		})
	}
}
