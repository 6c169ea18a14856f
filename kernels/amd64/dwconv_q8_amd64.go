//go:build gc && !purego

package amd64

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/dwpixel"
)

// dwQ8MaxC bounds the channel count the int8 depthwise assembly takes: the
// shared zero weights (standing in for kernel rows above or below the image)
// and zero bias cover 8192 channels, 8x MobileNet's widest layer. Wider
// layers are not supported.
const dwQ8MaxC = 1 << 13

// Never written.
var (
	dwQ8ZeroW    [3 * dwQ8MaxC]int16
	dwQ8ZeroBias [dwQ8MaxC]int32
)

// SupportsDWConvQ8 reports whether DWConvQ8AVX2 computes p with input zero
// point xzp and requantization rq: a 3x3 depthwise convolution (depth
// multiplier 1) with equal strides of 1 or 2, any padding, at most dwQ8MaxC
// channels, xzp in the int8 range (padded taps hold xzp as an int8) and rq's
// clamp in [-128, 127].
func SupportsDWConvQ8(p *generic.ConvParams, xzp int32, rq *generic.Requant) bool {
	return supportsDW3x3(p) && p.OutC <= dwQ8MaxC && inInt8(xzp) && int8Clamp(rq)
}

// DWConvQ8Weights is one layer's weights as DWConvQ8AVX2 reads them, made
// once by PackDWConvQ8.
type DWConvQ8Weights struct {
	w []int16 // [3][3][C], weights minus their zero point
}

// PackDWConvQ8 subtracts each channel's weight zero point wzp[c] from w,
// [3][3][C] in the int8 domain, widening to int16 (generic.PackDWConvQ8).
// It panics unless p has the shape SupportsDWConvQ8 takes.
func PackDWConvQ8(p *generic.ConvParams, w []int8, wzp []int32) *DWConvQ8Weights {
	C := p.OutC
	if !supportsDW3x3(p) || C > dwQ8MaxC || len(w) < 9*C || len(wzp) < C {
		panic(fmt.Sprintf("amd64.PackDWConvQ8: unsupported layer or short weights (%d) or zero points (%d) for %+v", len(w), len(wzp), *p))
	}
	return &DWConvQ8Weights{w: generic.PackDWConvQ8(p, w, wzp)}
}

// DWConvQ8AVX2 is generic.DWConvQ8 for 3x3 kernels with AVX2:
//
//	acc = bias[c] + sum_{ky,kx in bounds} (src[(iy*InW+ix)*C+c] - xzp) * (w[(ky*3+kx)*C+c] - wzp[c])
//	dst[(oy*OutW+ox)*C+c] = generic.Requantize(acc, rq.Scale[c], rq.ZeroPoint, rq.Min, rq.Max)
//
// for rows [y0, y1), with iy = oy*s-PadTop+ky, ix = ox*s-PadLeft+kx and the
// weights packed by PackDWConvQ8. The assembly takes the output columns
// whose 3 input columns are inside the image, 8 channels at a time; kernel
// rows above or below the image get zero weights; padded edge columns go
// through a 3x3xC patch whose padded taps hold xzp (contributing exactly 0),
// up to dwPatchMaxC channels (beyond in Go). The C%8 channel tail runs in
// Go. Bit-exact with generic. It panics unless SupportsDWConvQ8(p, xzp, rq).
func DWConvQ8AVX2(p *generic.ConvParams, dst, src []int8, xzp int32, pk *DWConvQ8Weights, bias []int32, rq *generic.Requant, y0, y1 int) {
	C := p.OutC
	if !SupportsDWConvQ8(p, xzp, rq) {
		panic(fmt.Sprintf("amd64.DWConvQ8AVX2: unsupported layer %+v, input zero point %d or %s (the input zero point and the clamp must lie in int8)",
			*p, xzp, rqString(rq)))
	}
	w := pk.w
	if y0 < 0 || y1 > p.OutH || len(src) < p.InH*p.InW*C || len(dst) < p.OutH*p.OutW*C || len(w) != 9*C ||
		(bias != nil && len(bias) < C) || len(rq.Scale) < C {
		panic(fmt.Sprintf("amd64.DWConvQ8AVX2: short buffers, weights packed for another layer, or rows [%d,%d) for %+v", y0, y1, *p))
	}
	if y0 >= y1 || p.OutW <= 0 {
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
				dwpixel.Q8(p, dst, src, xzp, w, bias, rq, oy, ox, c0)
			}
		}
	}
}
