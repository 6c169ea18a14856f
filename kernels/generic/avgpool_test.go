package generic_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

func refAvgPoolF32(p *generic.ConvParams, src []float32, lo, hi float32) []float32 {
	C := p.OutC
	dst := make([]float32, p.OutH*p.OutW*C)
	for oy := 0; oy < p.OutH; oy++ {
		for ox := 0; ox < p.OutW; ox++ {
			for c := 0; c < C; c++ {
				var sum float32
				count := 0
				for ky := 0; ky < p.KH; ky++ {
					for kx := 0; kx < p.KW; kx++ {
						iy, ix := oy*p.StrideH-p.PadTop+ky, ox*p.StrideW-p.PadLeft+kx
						if inBounds(p, iy, ix) {
							sum += src[(iy*p.InW+ix)*C+c]
							count++
						}
					}
				}
				var v float32
				if count > 0 {
					v = sum / float32(count)
				}
				dst[(oy*p.OutW+ox)*C+c] = min(max(v, lo), hi)
			}
		}
	}
	return dst
}

func refAvgPoolQ8(p *generic.ConvParams, src []int8, xzp int32, scale float32, ozp, lo, hi int32) []int8 {
	C := p.OutC
	dst := make([]int8, p.OutH*p.OutW*C)
	for oy := 0; oy < p.OutH; oy++ {
		for ox := 0; ox < p.OutW; ox++ {
			for c := 0; c < C; c++ {
				var sum int32
				count := 0
				for ky := 0; ky < p.KH; ky++ {
					for kx := 0; kx < p.KW; kx++ {
						iy, ix := oy*p.StrideH-p.PadTop+ky, ox*p.StrideW-p.PadLeft+kx
						if inBounds(p, iy, ix) {
							sum += int32(src[(iy*p.InW+ix)*C+c]) - xzp
							count++
						}
					}
				}
				var r int32
				if count > 0 {
					f := float32(float32(sum)*scale) / float32(count)
					r = int32(math.Round(float64(f)))
				}
				dst[(oy*p.OutW+ox)*C+c] = int8(min(max(r+ozp, lo), hi))
			}
		}
	}
	return dst
}

func TestAvgPoolF32(t *testing.T) {
	r := kerneltest.Rand(21)
	inf := float32(math.Inf(1))
	for i, c := range kerneltest.ConvCases(true) {
		p := c.P
		src := kerneltest.Shifted(kerneltest.F32s(r, p.InH*p.InW*p.InC), i%4)
		cl := kerneltest.Clamps[i%len(kerneltest.Clamps)]
		want := refAvgPoolF32(&p, src, cl.Lo, cl.Hi)
		absMean := refAvgPoolF32(&p, kerneltest.Abs(src), -inf, inf)
		g := kerneltest.NewGuarded[float32](len(want), i%3)
		generic.AvgPoolF32(&p, g.Out(), src, cl.Lo, cl.Hi)
		what := fmt.Sprintf("%v clamp=%s", c, cl.Name)
		kerneltest.CompareF32(t, g.Out(), want, absMean, p.KH*p.KW, what)
		g.CheckUntouched(t, 0, len(want), what)
	}
}

func TestAvgPoolQ8(t *testing.T) {
	r := kerneltest.Rand(23)
	for i, c := range kerneltest.ConvCases(true) {
		p := c.P
		src := kerneltest.Shifted(kerneltest.I8s(r, p.InH*p.InW*p.InC, -128, 127), i%4)
		xzp, ozp := int32(r.IntN(256)-128), int32(r.IntN(41)-20)
		scale := 0.5 + r.Float32()
		lo, hi := int32(-128), int32(127)
		if i%3 == 1 {
			lo, hi = ozp, min(127, ozp+60)
		}
		want := refAvgPoolQ8(&p, src, xzp, scale, ozp, lo, hi)
		g := kerneltest.NewGuarded[int8](len(want), i%3)
		generic.AvgPoolQ8(&p, g.Out(), src, xzp, scale, ozp, lo, hi)
		what := fmt.Sprintf("%v xzp=%d", c, xzp)
		kerneltest.CompareI8(t, g.Out(), want, what)
		g.CheckUntouched(t, 0, len(want), what)
	}
}

// TestAvgPoolQ8Rounding pins the rounding rule: a mean of exactly +-0.5 steps
// rounds away from zero.
func TestAvgPoolQ8Rounding(t *testing.T) {
	p := &generic.ConvParams{InH: 1, InW: 2, InC: 2, OutH: 1, OutW: 1, OutC: 2, KH: 1, KW: 2, StrideH: 1, StrideW: 1}
	src := []int8{1, -1, 0, 0} // channel 0: mean 0.5, channel 1: mean -0.5
	got := make([]int8, 2)
	generic.AvgPoolQ8(p, got, src, 0, 1, 0, -128, 127)
	if got[0] != 1 || got[1] != -1 {
		t.Fatalf("AvgPoolQ8 means +-0.5 = %v, want [1 -1]", got)
	}
}

// TestAvgPoolQ8Same checks TFLite's integer average against the exact mean
// of the stored values rounded half away from zero, for uint8 (offset 128)
// and int8 tensors, and pins the ties LiteRT gives.
func TestAvgPoolQ8Same(t *testing.T) {
	r := kerneltest.Rand(24)
	for i, c := range kerneltest.ConvCases(true) {
		p := c.P
		src := kerneltest.Shifted(kerneltest.I8s(r, p.InH*p.InW*p.InC, -128, 127), i%4)
		offset := int32(128 * (i % 2))
		lo, hi := int32(-128), int32(127)
		if i%3 == 1 {
			lo, hi = -100, 60
		}
		C := p.OutC
		want := make([]int8, p.OutH*p.OutW*C)
		for oy := 0; oy < p.OutH; oy++ {
			for ox := 0; ox < p.OutW; ox++ {
				for ch := 0; ch < C; ch++ {
					var sum, count float64
					for ky := 0; ky < p.KH; ky++ {
						for kx := 0; kx < p.KW; kx++ {
							iy, ix := oy*p.StrideH-p.PadTop+ky, ox*p.StrideW-p.PadLeft+kx
							if inBounds(&p, iy, ix) {
								sum += float64(int32(src[(iy*p.InW+ix)*C+ch]) + offset)
								count++
							}
						}
					}
					m := 0.0
					if count > 0 {
						m = math.Round(sum / count)
					}
					want[(oy*p.OutW+ox)*C+ch] = int8(min(max(int32(m)-offset, lo), hi))
				}
			}
		}
		g := kerneltest.NewGuarded[int8](len(want), i%3)
		generic.AvgPoolQ8Same(&p, g.Out(), src, offset, lo, hi)
		what := fmt.Sprintf("%v offset=%d", c, offset)
		kerneltest.CompareI8(t, g.Out(), want, what)
		g.CheckUntouched(t, 0, len(want), what)
	}
	// LiteRT on a uint8 2x2 pool of 0, 9, 144, 153 (mean 76.5): 77; on int8
	// -3, -2 (mean -2.5): -3.
	p := &generic.ConvParams{InH: 2, InW: 2, InC: 1, OutH: 1, OutW: 1, OutC: 1, KH: 2, KW: 2, StrideH: 2, StrideW: 2}
	got := make([]int8, 1)
	generic.AvgPoolQ8Same(p, got, []int8{-128, 9 - 128, 144 - 128, 153 - 128}, 128, -128, 127)
	if got[0] != 77-128 {
		t.Errorf("uint8 mean 76.5 = %d, want 77", int32(got[0])+128)
	}
	p = &generic.ConvParams{InH: 1, InW: 2, InC: 1, OutH: 1, OutW: 1, OutC: 1, KH: 1, KW: 2, StrideH: 1, StrideW: 1}
	generic.AvgPoolQ8Same(p, got, []int8{-3, -2}, 0, -128, 127)
	if got[0] != -3 {
		t.Errorf("int8 mean -2.5 = %d, want -3", got[0])
	}
}
