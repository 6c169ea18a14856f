//go:build gc && !purego

package arm64

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/dwpixel"
)

// dwZeroLen is the length of the shared zero row that stands in for padding
// rows (and a nil bias): layers with wider rows (InW*C > 32768 floats, beyond
// any MobileNet up to 448x448 at alpha 1) are not supported.
const dwZeroLen = 1 << 15

// dwZeros is never written.
var dwZeros [dwZeroLen]float32

//go:noescape
func dwF32S1(r0, r1, r2, w, bias, dst *float32, npix, nblk, cbytes int, lo, hi float32)

//go:noescape
func dwF32S2(r0, r1, r2, w, bias, dst *float32, npix, nblk, cbytes int, lo, hi float32)

//go:noescape
func dwF32S1A53(r0, r1, r2, w, bias, dst *float32, npix, nblk, cbytes int, lo, hi float32)

//go:noescape
func dwF32S2A53(r0, r1, r2, w, bias, dst *float32, npix, nblk, cbytes int, lo, hi float32)

// dwF32Row calls the kernel of stride s, scheduled for in-order cores when
// a53 is set. Direct calls keep the callers' stack patches from escaping.
func dwF32Row(a53 bool, s int, r0, r1, r2, w, bias, dst *float32, npix, nblk, cbytes int, lo, hi float32) {
	switch {
	case a53 && s == 1:
		dwF32S1A53(r0, r1, r2, w, bias, dst, npix, nblk, cbytes, lo, hi)
	case a53:
		dwF32S2A53(r0, r1, r2, w, bias, dst, npix, nblk, cbytes, lo, hi)
	case s == 1:
		dwF32S1(r0, r1, r2, w, bias, dst, npix, nblk, cbytes, lo, hi)
	default:
		dwF32S2(r0, r1, r2, w, bias, dst, npix, nblk, cbytes, lo, hi)
	}
}

// SupportsDWConvF32 reports whether DWConvF32 computes p: a 3x3 depthwise
// convolution (depth multiplier 1) with equal strides of 1 or 2, any
// padding, and input rows of at most dwZeroLen floats.
func SupportsDWConvF32(p *generic.ConvParams) bool {
	return supportsDW3x3(p) && p.InW*p.InC <= dwZeroLen
}

// DWConvF32 is generic.DWConvF32 for 3x3 kernels with NEON:
//
//	dst[(oy*OutW+ox)*C+c] = min(max(bias[c] + sum_{ky,kx in bounds}
//		src[(iy*InW+ix)*C+c] * w[(ky*3+kx)*C+c], lo), hi)
//
// with iy = oy*s-PadTop+ky, ix = ox*s-PadLeft+kx, for rows [y0, y1). The
// assembly takes the output columns whose 3 input columns are all inside
// the image, 4 channels at a time (rows above or below the image read a zero
// row); padded edge columns and the C%4 channel tail run in Go. Results
// differ from generic only by float32 rounding (per-row partial sums). It
// panics unless SupportsDWConvF32(p).
func DWConvF32(p *generic.ConvParams, dst, src, w, bias []float32, y0, y1 int, lo, hi float32) {
	dwConvF32(false, p, dst, src, w, bias, y0, y1, lo, hi)
}

// DWConvF32A53 is DWConvF32 with the kernels scheduled for in-order cores
// (dwF32S1A53, dwF32S2A53): the same results.
func DWConvF32A53(p *generic.ConvParams, dst, src, w, bias []float32, y0, y1 int, lo, hi float32) {
	dwConvF32(true, p, dst, src, w, bias, y0, y1, lo, hi)
}

func dwConvF32(a53 bool, p *generic.ConvParams, dst, src, w, bias []float32, y0, y1 int, lo, hi float32) {
	C := p.OutC
	if !SupportsDWConvF32(p) {
		panic(fmt.Sprintf("arm64.DWConvF32: unsupported layer %+v", *p))
	}
	if y0 < 0 || y1 > p.OutH || len(src) < p.InH*p.InW*C || len(dst) < p.OutH*p.OutW*C || len(w) < 9*C || (bias != nil && len(bias) < C) {
		panic(fmt.Sprintf("arm64.DWConvF32: short buffers or rows [%d,%d) for %+v", y0, y1, *p))
	}
	s := p.StrideW
	xa, xb := dwInteriorCols(p)
	nblk := C / 4
	b := &dwZeros[0]
	if bias != nil {
		b = &bias[0]
	}
	// Edge pixels (some tap in the padding) go through the same assembly on a
	// 3x3xC patch whose padded taps are 0.
	var patch [9 * dwPatchMaxC]float32
	edgeAsm := nblk > 0 && C <= dwPatchMaxC
	for oy := y0; oy < y1; oy++ {
		if nblk > 0 && xb > xa {
			var rows [3]*float32
			ix0 := xa*s - p.PadLeft
			for ky := range rows {
				iy := oy*s - p.PadTop + ky
				if iy < 0 || iy >= p.InH {
					rows[ky] = &dwZeros[ix0*C]
				} else {
					rows[ky] = &src[(iy*p.InW+ix0)*C]
				}
			}
			dwF32Row(a53, s, rows[0], rows[1], rows[2], &w[0], b, &dst[(oy*p.OutW+xa)*C], xb-xa, nblk, 4*C, lo, hi)
		}
		for ox := 0; ox < p.OutW; ox++ {
			c0 := nblk * 4
			if ox < xa || ox >= xb {
				if edgeAsm {
					dwF32Patch(p, patch[:9*C], src, oy, ox)
					dwF32Row(a53, 1, &patch[0], &patch[3*C], &patch[6*C], &w[0], b, &dst[(oy*p.OutW+ox)*C], 1, nblk, 4*C, lo, hi)
				} else {
					c0 = 0
				}
			}
			if c0 < C {
				dwpixel.F32(p, dst, src, w, bias, oy, ox, c0, lo, hi)
			}
		}
	}
}

// dwF32Patch copies the 3x3 input window of output pixel (oy, ox) into patch,
// [3][3][C], with zeros in the taps outside the image.
func dwF32Patch(p *generic.ConvParams, patch, src []float32, oy, ox int) {
	C := p.OutC
	for t := 0; t < 9; t++ {
		iy := oy*p.StrideH - p.PadTop + t/3
		ix := ox*p.StrideW - p.PadLeft + t%3
		tap := patch[t*C : t*C+C]
		if iy < 0 || iy >= p.InH || ix < 0 || ix >= p.InW {
			clear(tap)
			continue
		}
		copy(tap, src[(iy*p.InW+ix)*C:])
	}
}
