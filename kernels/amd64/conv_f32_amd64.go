//go:build gc && !purego

package amd64

import (
	"github.com/edgecam/edgecam/kernels/generic"
)

// Conv3x3C3F32AVX2 is generic.ConvF32 for a 3x3 convolution of 3 input
// channels (MobileNet's first layer) with AVX2+FMA:
//
//	dst[(oy*OutW+ox)*OutC+oc] = min(max(bias[oc] + sum_{ky,kx in bounds, ic}
//		src[(iy*InW+ix)*3+ic] * w[((oc*3+ky)*3+kx)*3+ic], lo), hi)
//
// with iy = oy*s-PadTop+ky, ix = ox*s-PadLeft+kx, for rows [y0, y1). The
// weights are transposed per call (27*OutC values) to [OutC/8][27][8]; pixels
// whose window lies inside the image read src directly, the others a
// zero-padded stack patch. Taps are summed in generic's order from zero and
// the bias added last, so results differ only by float32 rounding.
func Conv3x3C3F32AVX2(p *generic.ConvParams, dst, src, w, bias []float32, y0, y1 int, lo, hi float32) {
	convC3Check("Conv3x3C3F32AVX2", p, len(src), len(dst), len(w), bias != nil, len(bias), y0, y1)
	if y0 >= y1 || p.OutW <= 0 {
		return
	}
	C := p.OutC
	var wt [27 * convC3MaxC]float32
	var b [convC3MaxC]float32
	for oc := 0; oc < C; oc++ {
		for t := 0; t < 27; t++ {
			wt[((oc/8)*27+t)*8+oc%8] = w[oc*27+t]
		}
	}
	copy(b[:C], bias)
	var patch [27]float32
	r, step, nblk := 3*p.InW, 12*p.StrideW, C/8
	convC3Rows(p, y0, y1, func(oy, i, xa, n int) {
		convF32C3Avx2(&src[i], &src[i+r], &src[i+2*r], &wt[0], &b[0], &dst[(oy*p.OutW+xa)*C], n, step, nblk, lo, hi)
	}, func(oy, ox int) {
		convC3Patch(p, &patch, src, oy, ox, 0)
		convF32C3Avx2(&patch[0], &patch[9], &patch[18], &wt[0], &b[0], &dst[(oy*p.OutW+ox)*C], 1, 0, nblk, lo, hi)
	})
}
