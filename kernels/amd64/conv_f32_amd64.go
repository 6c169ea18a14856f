//go:build gc && !purego

package amd64

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
)

// SupportsConvF32 reports whether ConvF32AVX2 computes p: a full 3x3
// convolution of 3 input channels, equal strides of 1 or 2, any padding, and
// a positive multiple of 8 output channels.
func SupportsConvF32(p *generic.ConvParams) bool { return supportsConvC3(p) }

// ConvF32Weights is one layer's weights and bias as ConvF32AVX2 reads them,
// made once by PackConvF32.
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
		panic(fmt.Sprintf("amd64.PackConvF32: unsupported layer or short weights (%d) or bias (%d) for %+v", len(w), len(bias), *p))
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

// ConvF32AVX2 is generic.ConvF32 for a 3x3 convolution of 3 input channels
// (MobileNet's first layer) with AVX2+FMA:
//
//	dst[(oy*OutW+ox)*OutC+oc] = min(max(bias[oc] + sum_{ky,kx in bounds, ic}
//		src[(iy*InW+ix)*3+ic] * w[((oc*3+ky)*3+kx)*3+ic], lo), hi)
//
// with iy = oy*s-PadTop+ky, ix = ox*s-PadLeft+kx, for rows [y0, y1), w and
// bias packed by PackConvF32. Pixels whose window lies inside the image read
// src directly, the others a zero-padded stack patch. Taps are summed in
// generic's order from zero and the bias added last, so results differ only
// by float32 rounding. It panics unless SupportsConvF32(p).
func ConvF32AVX2(p *generic.ConvParams, dst, src []float32, pk *ConvF32Weights, y0, y1 int, lo, hi float32) {
	convC3Check("ConvF32AVX2", p, len(src), len(dst), len(pk.bias), y0, y1)
	if y0 >= y1 || p.OutW <= 0 {
		return
	}
	C := p.OutC
	var patch [27]float32
	r, step, nblk := 3*p.InW, 12*p.StrideW, C/8
	convC3Rows(p, y0, y1, func(oy, i, xa, n int) {
		convF32C3Avx2(&src[i], &src[i+r], &src[i+2*r], &pk.w[0], &pk.bias[0], &dst[(oy*p.OutW+xa)*C], n, step, nblk, lo, hi)
	}, func(oy, ox int) {
		convC3Patch(p, &patch, src, oy, ox, 0)
		convF32C3Avx2(&patch[0], &patch[9], &patch[18], &pk.w[0], &pk.bias[0], &dst[(oy*p.OutW+ox)*C], 1, 0, nblk, lo, hi)
	})
}
