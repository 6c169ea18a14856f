package generic_test

import (
	"fmt"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// refConvQ8 is ConvQ8's reference loop, over output rows [y0, y1).
func refConvQ8(p *generic.ConvParams, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant, y0, y1 int) []int8 {
	dst := make([]int8, p.OutH*p.OutW*p.OutC)
	for oy := y0; oy < y1; oy++ {
		for ox := 0; ox < p.OutW; ox++ {
			for oc := 0; oc < p.OutC; oc++ {
				var acc int32
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
							acc += (int32(src[(iy*p.InW+ix)*p.InC+ic]) - xzp) * int32(w[((oc*p.KH+ky)*p.KW+kx)*p.InC+ic])
						}
					}
				}
				dst[(oy*p.OutW+ox)*p.OutC+oc] = generic.Requantize(acc, rq.Scale[oc], rq.ZeroPoint, rq.Min, rq.Max)
			}
		}
	}
	return dst
}

func TestConvQ8(t *testing.T) { testConvQ8(t, false, generic.ConvQ8) }

// TestConvQ8WideZeroPoint covers input zero points outside int8 (the plain
// path) and the extreme weights int16 allows.
func TestConvQ8WideZeroPoint(t *testing.T) {
	r := kerneltest.Rand(15)
	p := generic.ConvParams{InH: 9, InW: 8, InC: 3, OutH: 5, OutW: 4, OutC: 5, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadTop: 1, PadLeft: 0}
	for _, xzp := range []int32{-128, 127, 300, -1000} {
		src := kerneltest.I8s(r, p.InH*p.InW*p.InC, -128, 127)
		w := kerneltest.I16s(r, p.OutC*27, -32768, 32767)
		rq := &generic.Requant{Scale: []float32{1e-6, 1e-5, 1e-4, 2e-6, 3e-7}, Min: -128, Max: 127}
		want := refConvQ8(&p, src, xzp, w, nil, rq, 0, p.OutH)
		got := make([]int8, len(want))
		generic.ConvQ8(&p, got, src, xzp, w, nil, rq, 0, p.OutH)
		kerneltest.CompareI8(t, got, want, fmt.Sprintf("xzp=%d", xzp))
	}
}

// TestFirstLayerQ8 is TestFirstLayerF32 for int8.
func TestFirstLayerQ8(t *testing.T) {
	r := kerneltest.Rand(17)
	p := generic.ConvParams{InH: 32, InW: 32, InC: 3, OutH: 16, OutW: 16, OutC: 32, KH: 3, KW: 3, StrideH: 2, StrideW: 2}
	src, w, bias := kerneltest.I8s(r, 32*32*3, -128, 127), kerneltest.I16s(r, 32*27, -255, 255), kerneltest.I32s(r, 32, -1000, 1000)
	rq := kerneltest.FitRequant(kerneltest.RandRequant(r, 32, 1), 27, 128, 255)
	want := refConvQ8(&p, src, 5, w, bias, rq, 0, 16)
	got := make([]int8, len(want))
	generic.ConvQ8(&p, got, src, 5, w, bias, rq, 0, 16)
	kerneltest.CompareI8(t, got, want, "first layer q8")
}

// TestPackConvQ8 checks the pack step against its formula: each output
// channel's weights minus that channel's zero point, widened to int16.
func TestPackConvQ8(t *testing.T) {
	p := generic.ConvParams{InH: 4, InW: 4, InC: 2, OutH: 2, OutW: 2, OutC: 3, KH: 2, KW: 2, StrideH: 2, StrideW: 2}
	w := kerneltest.I8s(kerneltest.Rand(18), 3*2*2*2, -128, 127)
	wzp := []int32{-128, 0, 127}
	got := generic.PackConvQ8(&p, w, wzp)
	if len(got) != len(w) {
		t.Fatalf("len %d, want %d", len(got), len(w))
	}
	for i, v := range w {
		if want := int16(v) - int16(wzp[i/8]); got[i] != want {
			t.Fatalf("packed[%d] = %d, want %d - %d = %d", i, got[i], v, wzp[i/8], want)
		}
	}
}

func BenchmarkConvQ8(b *testing.B) {
	p := kerneltest.MobileNetFirstConv
	b.Run(fmt.Sprintf("in%d_c%d_k%d_s%d", p.InH, p.InC, p.OutC, p.StrideH), func(b *testing.B) {
		r := kerneltest.Rand(8)
		src, w, bias := kerneltest.I8s(r, p.InH*p.InW*p.InC, -128, 127), kerneltest.I16s(r, weightLen(&p, false), -255, 255), kerneltest.I32s(r, p.OutC, -1000, 1000)
		rq := kerneltest.RandRequant(r, p.OutC, 1)
		dst := make([]int8, p.OutH*p.OutW*p.OutC)
		measure(b, int64(p.OutH*p.OutW*p.OutC*taps(&p, false)), func() {
			generic.ConvQ8(&p, dst, src, 0, w, bias, rq, 0, p.OutH)
		})
	})
}
