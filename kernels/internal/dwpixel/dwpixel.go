// Package dwpixel holds the per-pixel 3x3 depthwise loops that the arm64 and
// amd64 depthwise kernels use for what their vector loops leave over: the
// channels past the last full vector block of a pixel. They compute what
// kernels/generic's DWConvF32 and DWConvQ8 compute for those channels (the
// same taps in the same order; the int8 weights widened to int16 as the
// vector kernels pack them).
package dwpixel

import "github.com/edgecam/edgecam/kernels/generic"

// F32 computes output pixel (oy, ox) of a 3x3 float32 depthwise layer for
// channels [c0, C): the bias, then the in-bounds taps row by row, clamped to
// [lo, hi] as generic does.
func F32(p *generic.ConvParams, dst, src, w, bias []float32, oy, ox, c0 int, lo, hi float32) {
	C := p.OutC
	for c := c0; c < C; c++ {
		var acc float32
		if bias != nil {
			acc = bias[c]
		}
		for ky := 0; ky < 3; ky++ {
			iy := oy*p.StrideH - p.PadTop + ky
			if iy < 0 || iy >= p.InH {
				continue
			}
			for kx := 0; kx < 3; kx++ {
				ix := ox*p.StrideW - p.PadLeft + kx
				if ix < 0 || ix >= p.InW {
					continue
				}
				acc += src[(iy*p.InW+ix)*C+c] * w[(ky*3+kx)*C+c]
			}
		}
		dst[(oy*p.OutW+ox)*C+c] = min(max(acc, lo), hi)
	}
}

// Q8 computes output pixel (oy, ox) of a 3x3 int8 depthwise layer for
// channels [c0, C): the bias plus (x - xzp) * w over the in-bounds taps,
// requantized by generic.Requantize. w holds the weights widened to int16
// (less their zero point).
func Q8(p *generic.ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant, oy, ox, c0 int) {
	C := p.OutC
	for c := c0; c < C; c++ {
		var acc int32
		if bias != nil {
			acc = bias[c]
		}
		for ky := 0; ky < 3; ky++ {
			iy := oy*p.StrideH - p.PadTop + ky
			if iy < 0 || iy >= p.InH {
				continue
			}
			for kx := 0; kx < 3; kx++ {
				ix := ox*p.StrideW - p.PadLeft + kx
				if ix < 0 || ix >= p.InW {
					continue
				}
				acc += (int32(src[(iy*p.InW+ix)*C+c]) - xzp) * int32(w[(ky*3+kx)*C+c])
			}
		}
		dst[(oy*p.OutW+ox)*C+c] = generic.Requantize(acc, rq.Scale[c], rq.ZeroPoint, rq.Min, rq.Max)
	}
}
