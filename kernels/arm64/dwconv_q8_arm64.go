//go:build gc && !purego

package arm64

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/dwpixel"
)

// dwQ8MaxC bounds the channel count the int8 depthwise assembly takes: the
// shared zero weights (standing in for padded kernel rows) and zero bias
// cover 8192 channels, 8x MobileNet's widest layer. Wider layers are not
// supported.
const dwQ8MaxC = 1 << 13

// Never written.
var (
	dwQ8ZeroW    [3 * dwQ8MaxC]int16
	dwQ8ZeroBias [dwQ8MaxC]int32
)

//go:noescape
func dwQ8N1(r0, r1, r2 *int8, w0, w1, w2 *int16, bias *int32, scale *float32, dst *int8, npix, nblk, ch int, xzp, zp, lo, hi int32)

//go:noescape
func dwQ8N1A53(r0, r1, r2 *int8, w0, w1, w2 *int16, bias *int32, scale *float32, dst *int8, npix, nblk, ch int, xzp, zp, lo, hi int32)

//go:noescape
func dwQ8N2(r0, r1, r2 *int8, w0, w1, w2 *int16, bias *int32, scale *float32, dst *int8, npix, nblk, ch int, xzp, zp, lo, hi int32)

//go:noescape
func dwQ8N2A53(r0, r1, r2 *int8, w0, w1, w2 *int16, bias *int32, scale *float32, dst *int8, npix, nblk, ch int, xzp, zp, lo, hi int32)

//go:noescape
func dwQ8S1(r0, r1, r2 *int8, w0, w1, w2 *int16, bias *int32, scale *float32, dst *int8, npix, nblk, ch int, xzp, zp, lo, hi int32)

//go:noescape
func dwQ8S1A53(r0, r1, r2 *int8, w0, w1, w2 *int16, bias *int32, scale *float32, dst *int8, npix, nblk, ch int, xzp, zp, lo, hi int32)

//go:noescape
func dwQ8S2(r0, r1, r2 *int8, w0, w1, w2 *int16, bias *int32, scale *float32, dst *int8, npix, nblk, ch int, xzp, zp, lo, hi int32)

//go:noescape
func dwQ8S2A53(r0, r1, r2 *int8, w0, w1, w2 *int16, bias *int32, scale *float32, dst *int8, npix, nblk, ch int, xzp, zp, lo, hi int32)

// SupportsDWConvQ8 reports whether DWConvQ8 computes p with input zero point
// xzp: a 3x3 depthwise convolution (depth multiplier 1) with equal strides of
// 1 or 2, any padding, at most dwQ8MaxC channels, and xzp in the int8 range
// (padded taps hold xzp as an int8).
func SupportsDWConvQ8(p *generic.ConvParams, xzp int32) bool {
	return supportsDW3x3(p) && p.OutC <= dwQ8MaxC && inInt8(xzp)
}

// DWConvQ8Weights is one layer's weights as DWConvQ8 reads them, made once
// by PackDWConvQ8.
type DWConvQ8Weights struct {
	w      []int16 // [3][3][C], weights minus their zero point
	narrow bool    // every weight in [-127, 127]: the int8-multiply kernels
}

// PackDWConvQ8 subtracts each channel's weight zero point wzp[c] from w,
// [3][3][C] in the int8 domain, widening to int16 (generic.PackDWConvQ8),
// and notes whether every result lies in [-127, 127], where the
// int8-multiply kernels dwQ8N1/dwQ8N2 are exact. It panics unless p has the
// shape SupportsDWConvQ8 takes.
func PackDWConvQ8(p *generic.ConvParams, w []int8, wzp []int32) *DWConvQ8Weights {
	C := p.OutC
	if !supportsDW3x3(p) || C > dwQ8MaxC || len(w) < 9*C || len(wzp) < C {
		panic(fmt.Sprintf("arm64.PackDWConvQ8: unsupported layer or short weights (%d) or zero points (%d) for %+v", len(w), len(wzp), *p))
	}
	w16 := generic.PackDWConvQ8(p, w, wzp)
	return &DWConvQ8Weights{w: w16, narrow: narrowWeights(w16)}
}

// DWConvQ8 is generic.DWConvQ8 for 3x3 kernels with NEON:
//
//	acc = bias[c] + sum_{ky,kx in bounds} (src[(iy*InW+ix)*C+c] - xzp) * (w[(ky*3+kx)*C+c] - wzp[c])
//	dst[(oy*OutW+ox)*C+c] = generic.Requantize(acc, rq.Scale[c], rq.ZeroPoint, rq.Min, rq.Max)
//
// for rows [y0, y1), with iy = oy*s-PadTop+ky, ix = ox*s-PadLeft+kx and the
// weights packed by PackDWConvQ8. The assembly takes output columns whose 3
// input columns are inside the image, 8 channels at a time (dwQ8N* when the
// packed weights are narrow, else dwQ8S*); kernel rows above or below the
// image get zero weights. Padded edge columns and the C%8 channel tail run
// in Go. Bit-exact with generic. It panics unless SupportsDWConvQ8(p, xzp).
func DWConvQ8(p *generic.ConvParams, dst, src []int8, xzp int32, pk *DWConvQ8Weights, bias []int32, rq *generic.Requant, y0, y1 int) {
	dwConvQ8(false, p, dst, src, xzp, pk, bias, rq, y0, y1)
}

// DWConvQ8A53 is DWConvQ8 with the kernels scheduled for in-order cores
// (dwQ8N1A53 ...): the same results.
func DWConvQ8A53(p *generic.ConvParams, dst, src []int8, xzp int32, pk *DWConvQ8Weights, bias []int32, rq *generic.Requant, y0, y1 int) {
	dwConvQ8(true, p, dst, src, xzp, pk, bias, rq, y0, y1)
}

func dwConvQ8(a53 bool, p *generic.ConvParams, dst, src []int8, xzp int32, pk *DWConvQ8Weights, bias []int32, rq *generic.Requant, y0, y1 int) {
	C := p.OutC
	if !SupportsDWConvQ8(p, xzp) {
		panic(fmt.Sprintf("arm64.DWConvQ8: unsupported layer %+v with input zero point %d", *p, xzp))
	}
	w := pk.w
	if y0 < 0 || y1 > p.OutH || len(src) < p.InH*p.InW*C || len(dst) < p.OutH*p.OutW*C || len(w) != 9*C ||
		(bias != nil && len(bias) < C) || len(rq.Scale) < C {
		panic(fmt.Sprintf("arm64.DWConvQ8: short buffers, weights packed for another layer, or rows [%d,%d) for %+v", y0, y1, *p))
	}
	narrow := pk.narrow
	s := p.StrideW
	xa, xb := dwInteriorCols(p)
	nblk := C / 8
	b := &dwQ8ZeroBias[0]
	if bias != nil {
		b = &bias[0]
	}
	// Edge pixels (some tap in the padding) go through the same assembly on a
	// 3x3xC patch whose padded taps hold xzp, so they contribute exactly 0.
	var patch [9 * dwPatchMaxC]int8
	var padRow [dwPatchMaxC]int8
	edgeAsm := nblk > 0 && C <= dwPatchMaxC
	if edgeAsm {
		fillQ8(padRow[:C], int8(xzp))
	}
	for oy := y0; oy < y1; oy++ {
		if nblk > 0 && xb > xa {
			var rows [3]*int8
			var ws [3]*int16
			ix0 := xa*s - p.PadLeft
			for ky := range rows {
				iy := oy*s - p.PadTop + ky
				ws[ky] = &w[ky*3*C]
				if iy < 0 || iy >= p.InH {
					iy = min(max(iy, 0), p.InH-1) // any valid row: its weights are zero
					ws[ky] = &dwQ8ZeroW[0]
				}
				rows[ky] = &src[(iy*p.InW+ix0)*C]
			}
			d := &dst[(oy*p.OutW+xa)*C]
			dwQ8Row(a53, narrow, s, rows[0], rows[1], rows[2], ws[0], ws[1], ws[2], b, &rq.Scale[0], d, xb-xa, nblk, C, xzp, rq)
		}
		for ox := 0; ox < p.OutW; ox++ {
			c0 := nblk * 8
			if ox < xa || ox >= xb {
				if edgeAsm {
					dwQ8Patch(p, patch[:9*C], src, oy, ox, padRow[:C])
					dwQ8Row(a53, narrow, 1, &patch[0], &patch[3*C], &patch[6*C], &w[0], &w[3*C], &w[6*C], b, &rq.Scale[0],
						&dst[(oy*p.OutW+ox)*C], 1, nblk, C, xzp, rq)
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

// dwQ8Patch copies the 3x3 input window of output pixel (oy, ox) into patch,
// [3][3][C], with padRow (C values of xzp) in the taps outside the image.
func dwQ8Patch(p *generic.ConvParams, patch, src []int8, oy, ox int, padRow []int8) {
	C := p.OutC
	for t := 0; t < 9; t++ {
		iy := oy*p.StrideH - p.PadTop + t/3
		ix := ox*p.StrideW - p.PadLeft + t%3
		tap := patch[t*C : t*C+C]
		if iy < 0 || iy >= p.InH || ix < 0 || ix >= p.InW {
			copy(tap, padRow)
			continue
		}
		copy(tap, src[(iy*p.InW+ix)*C:])
	}
}

// fillQ8 sets every element of s to v, doubling the filled prefix with copy
// (memmove) instead of storing byte by byte.
func fillQ8(s []int8, v int8) {
	if len(s) == 0 {
		return
	}
	s[0] = v
	for n := 1; n < len(s); n *= 2 {
		copy(s[n:], s[:n])
	}
}

// dwQ8Row calls the assembly kernel for stride s: dwQ8N* for narrow weights,
// else dwQ8S*, their A53 twins when a53 is set. Direct calls (not func
// values) keep the pointers, and so the callers' stack patches, from
// escaping.
func dwQ8Row(a53, narrow bool, s int, r0, r1, r2 *int8, w0, w1, w2 *int16, bias *int32, scale *float32, dst *int8, npix, nblk, ch int, xzp int32, rq *generic.Requant) {
	switch {
	case a53 && narrow && s == 1:
		dwQ8N1A53(r0, r1, r2, w0, w1, w2, bias, scale, dst, npix, nblk, ch, xzp, rq.ZeroPoint, rq.Min, rq.Max)
	case a53 && narrow:
		dwQ8N2A53(r0, r1, r2, w0, w1, w2, bias, scale, dst, npix, nblk, ch, xzp, rq.ZeroPoint, rq.Min, rq.Max)
	case a53 && s == 1:
		dwQ8S1A53(r0, r1, r2, w0, w1, w2, bias, scale, dst, npix, nblk, ch, xzp, rq.ZeroPoint, rq.Min, rq.Max)
	case a53:
		dwQ8S2A53(r0, r1, r2, w0, w1, w2, bias, scale, dst, npix, nblk, ch, xzp, rq.ZeroPoint, rq.Min, rq.Max)
	case narrow && s == 1:
		dwQ8N1(r0, r1, r2, w0, w1, w2, bias, scale, dst, npix, nblk, ch, xzp, rq.ZeroPoint, rq.Min, rq.Max)
	case narrow:
		dwQ8N2(r0, r1, r2, w0, w1, w2, bias, scale, dst, npix, nblk, ch, xzp, rq.ZeroPoint, rq.Min, rq.Max)
	case s == 1:
		dwQ8S1(r0, r1, r2, w0, w1, w2, bias, scale, dst, npix, nblk, ch, xzp, rq.ZeroPoint, rq.Min, rq.Max)
	default:
		dwQ8S2(r0, r1, r2, w0, w1, w2, bias, scale, dst, npix, nblk, ch, xzp, rq.ZeroPoint, rq.Min, rq.Max)
	}
}

// narrowWeights reports whether every weight lies in [-127, 127], where the
// int8-multiply kernels dwQ8N1/dwQ8N2 are exact (their two-tap int16 partial
// sums cannot overflow).
func narrowWeights(w []int16) bool {
	for _, v := range w {
		if v < -127 || v > 127 {
			return false
		}
	}
	return true
}
