//go:build gc && !purego

package arm64

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
)

//go:noescape
func convF32C3(r0, r1, r2, w, bias, dst *float32, npix, step, nblk int, lo, hi float32)

//go:noescape
func convF32C3A53(r0, r1, r2, w, bias, dst *float32, npix, step, nblk int, lo, hi float32)

// convF32Run calls convF32C3, or its in-order twin when a53 is set. Direct
// calls keep the caller's stack patch from escaping.
func convF32Run(a53 bool, r0, r1, r2, w, bias, dst *float32, npix, step, nblk int, lo, hi float32) {
	if a53 {
		convF32C3A53(r0, r1, r2, w, bias, dst, npix, step, nblk, lo, hi)
	} else {
		convF32C3(r0, r1, r2, w, bias, dst, npix, step, nblk, lo, hi)
	}
}

// SupportsConvF32 reports whether ConvF32 computes p: a full 3x3 convolution
// of 3 input channels, equal strides of 1 or 2, any padding, and a multiple
// of 8 output channels.
func SupportsConvF32(p *generic.ConvParams) bool { return supportsConvC3(p) }

// ConvF32Weights is one layer's weights and bias as ConvF32 reads them, made
// once by PackConvF32.
type ConvF32Weights struct {
	w    []float32 // [OutC/8][27][8]
	bias []float32 // OutC values, zeros for a nil bias
}

// PackConvF32 transposes w, [OutC][3][3][3], to [OutC/8][27][8] (tap t =
// ky*9+kx*3+ic of 8 channels side by side) and copies the bias:
//
//	packed[((oc/8)*27+t)*8+oc%8] = w[oc*27+t]
//
// It panics unless SupportsConvF32(p).
func PackConvF32(p *generic.ConvParams, w, bias []float32) *ConvF32Weights {
	C := p.OutC
	if !SupportsConvF32(p) || len(w) < 27*C || (bias != nil && len(bias) < C) {
		panic(fmt.Sprintf("arm64.PackConvF32: unsupported layer or short weights (%d) or bias (%d) for %+v", len(w), len(bias), *p))
	}
	pk := &ConvF32Weights{w: make([]float32, 27*C), bias: make([]float32, C)}
	for oc := 0; oc < C; oc++ {
		for t := 0; t < 27; t++ {
			pk.w[((oc/8)*27+t)*8+oc%8] = w[oc*27+t]
		}
	}
	copy(pk.bias, bias)
	return pk
}

// ConvF32 is generic.ConvF32 for a 3x3 convolution of 3 input channels
// (MobileNet's first layer) with NEON:
//
//	dst[(oy*OutW+ox)*OutC+oc] = min(max(bias[oc] + sum_{ky,kx in bounds, ic}
//		src[(iy*InW+ix)*3+ic] * w[((oc*3+ky)*3+kx)*3+ic], lo), hi)
//
// with iy = oy*s-PadTop+ky, ix = ox*s-PadLeft+kx, for rows [y0, y1), w and
// bias packed by PackConvF32. Output pixels whose window lies inside the
// image read src directly, the others a zero-padded stack patch. Within
// float32 rounding of generic. It panics unless SupportsConvF32(p).
func ConvF32(p *generic.ConvParams, dst, src []float32, pk *ConvF32Weights, y0, y1 int, lo, hi float32) {
	convF32(false, p, dst, src, pk, y0, y1, lo, hi)
}

// ConvF32A53 is ConvF32 with the kernel scheduled for in-order cores
// (convF32C3A53): the same results.
func ConvF32A53(p *generic.ConvParams, dst, src []float32, pk *ConvF32Weights, y0, y1 int, lo, hi float32) {
	convF32(true, p, dst, src, pk, y0, y1, lo, hi)
}

func convF32(a53 bool, p *generic.ConvParams, dst, src []float32, pk *ConvF32Weights, y0, y1 int, lo, hi float32) {
	convC3Check("ConvF32", p, len(src), len(dst), len(pk.bias), y0, y1)
	C := p.OutC
	var patch [27]float32
	xa, xb := convC3Cols(p)
	s, nblk := p.StrideW, C/8
	for oy := y0; oy < y1; oy++ {
		iy := oy*p.StrideH - p.PadTop
		inside := iy >= 0 && iy+2 < p.InH
		if inside && xb > xa {
			i := (iy*p.InW + xa*s - p.PadLeft) * 3
			r := 3 * p.InW
			convF32Run(a53, &src[i], &src[i+r], &src[i+2*r], &pk.w[0], &pk.bias[0], &dst[(oy*p.OutW+xa)*C], xb-xa, 12*s, nblk, lo, hi)
		}
		for ox := 0; ox < p.OutW; ox++ {
			if inside && ox >= xa && ox < xb {
				continue
			}
			convC3Patch(p, &patch, src, oy, ox, 0)
			convF32Run(a53, &patch[0], &patch[9], &patch[18], &pk.w[0], &pk.bias[0], &dst[(oy*p.OutW+ox)*C], 1, 0, nblk, lo, hi)
		}
	}
}
