//go:build gc && !purego

package amd64

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
)

// dwQ8MaxC bounds the channel count the int8 depthwise assembly takes: the
// shared zero weights (standing in for kernel rows above or below the image)
// and zero bias cover 8192 channels, 8x MobileNet's widest layer. Wider
// layers run generic.
const dwQ8MaxC = 1 << 13

// Never written.
var (
	dwQ8ZeroW    [3 * dwQ8MaxC]int16
	dwQ8ZeroBias [dwQ8MaxC]int32
)

// DWConv3x3Q8AVX2 is generic.DWConvQ8 for 3x3 kernels with AVX2:
//
//	acc = bias[c] + sum_{ky,kx in bounds} (src[(iy*InW+ix)*C+c] - xzp) * w[(ky*3+kx)*C+c]
//	dst[(oy*OutW+ox)*C+c] = generic.Requantize(acc, rq.Scale[c], rq.ZeroPoint, rq.Min, rq.Max)
//
// for rows [y0, y1), with iy = oy*s-PadTop+ky, ix = ox*s-PadLeft+kx. The
// assembly takes the output columns whose 3 input columns are inside the
// image, 8 channels at a time; kernel rows above or below the image get zero
// weights; padded edge columns go through a 3x3xC patch whose padded taps
// hold xzp (contributing exactly 0). The C%8 channel tail runs in Go, and so
// does everything when xzp or the clamp lies outside int8. Bit-exact with
// generic.
func DWConv3x3Q8AVX2(p *generic.ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant, y0, y1 int) {
	C := p.OutC
	if !SupportsDWConv3x3(p) {
		panic(fmt.Sprintf("amd64.DWConv3x3Q8AVX2: unsupported shape %+v", *p))
	}
	if y0 < 0 || y1 > p.OutH || len(src) < p.InH*p.InW*C || len(dst) < p.OutH*p.OutW*C || len(w) < 9*C ||
		(bias != nil && len(bias) < C) || len(rq.Scale) < C {
		panic(fmt.Sprintf("amd64.DWConv3x3Q8AVX2: short buffers or rows [%d,%d) for %+v", y0, y1, *p))
	}
	if y0 >= y1 || p.OutW <= 0 {
		return
	}
	if C > dwQ8MaxC || xzp < -128 || xzp > 127 || !int8Clamp(rq) {
		generic.DWConvQ8(p, dst, src, xzp, w, bias, rq, y0, y1)
		return
	}
	s := p.StrideW
	xa, xb := dwInterior(p)
	nblk := C / dwBlock
	b := &dwQ8ZeroBias[0]
	if bias != nil {
		b = &bias[0]
	}
	var patch [9 * dwPatchMaxC]int8
	edgeAsm := nblk > 0 && C <= dwPatchMaxC
	for oy := y0; oy < y1; oy++ {
		if nblk > 0 && xb > xa {
			var rows [3]*int8
			var ws [3]*int16
			ix0 := xa*s - p.PadLeft
			for ky := range rows {
				iy := oy*s - p.PadTop + ky
				ws[ky] = &w[ky*3*C]
				if iy < 0 || iy >= p.InH {
					iy = min(max(iy, 0), p.InH-1) // any row inside: its weights are zero
					ws[ky] = &dwQ8ZeroW[0]
				}
				rows[ky] = &src[(iy*p.InW+ix0)*C]
			}
			dwQ8Avx2(rows[0], rows[1], rows[2], ws[0], ws[1], ws[2], b, &rq.Scale[0], &dst[(oy*p.OutW+xa)*C],
				xb-xa, nblk, C, C*s, xzp, rq.ZeroPoint, rq.Min, rq.Max)
		}
		for ox := 0; ox < p.OutW; ox++ {
			c0 := nblk * dwBlock
			if ox < xa || ox >= xb {
				if edgeAsm {
					dwPatch(p, patch[:9*C], src, oy, ox, int8(xzp))
					dwQ8Avx2(&patch[0], &patch[3*C], &patch[6*C], &w[0], &w[3*C], &w[6*C], b, &rq.Scale[0],
						&dst[(oy*p.OutW+ox)*C], 1, nblk, C, 0, xzp, rq.ZeroPoint, rq.Min, rq.Max)
				} else {
					c0 = 0
				}
			}
			if c0 < C {
				dwQ8Pixel(p, dst, src, xzp, w, bias, rq, oy, ox, c0)
			}
		}
	}
}

// dwQ8Pixel is the reference loop for one output pixel, channels [c0, C).
func dwQ8Pixel(p *generic.ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant, oy, ox, c0 int) {
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
