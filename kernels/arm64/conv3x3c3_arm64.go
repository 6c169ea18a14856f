//go:build arm64 && !purego

package arm64

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
)

// convC3MaxC bounds the output channels of the first-layer kernels: the
// transposed weights live on the stack (27*64 values). MobileNet-V1's first
// layer has 8 (alpha 0.25) to 32 (alpha 1) channels.
const convC3MaxC = 64

//go:noescape
func convF32C3(r0, r1, r2, w, bias, dst *float32, npix, step, nblk int, lo, hi float32)

//go:noescape
func convQ8C3Dot(r0, r1, r2, w *int8, bias *int32, scale *float32, dst *int8, npix, step, nblk int, zp, lo, hi int32)

//go:noescape
func convQ8C3(r0, r1, r2 *int8, w *int16, bias *int32, scale *float32, dst *int8, npix, step, nblk int, xzp, zp, lo, hi int32)

// SupportsConv3x3C3 reports whether the NEON first-layer kernels handle p: a
// full 3x3 convolution of 3 input channels, equal strides of 1 or 2, any
// padding, and a multiple of 8 output channels up to 64.
func SupportsConv3x3C3(p *generic.ConvParams) bool {
	return p.KH == 3 && p.KW == 3 && p.InC == 3 && p.StrideH == p.StrideW &&
		(p.StrideH == 1 || p.StrideH == 2) && p.OutC > 0 && p.OutC%8 == 0 && p.OutC <= convC3MaxC
}

// convC3Cols returns the output columns [xa, xb) whose 3 input columns are all
// inside the image; the others read a zero-padded patch.
func convC3Cols(p *generic.ConvParams) (xa, xb int) {
	s := p.StrideW
	xa = (p.PadLeft + s - 1) / s
	if p.InW-3+p.PadLeft >= 0 {
		xb = (p.InW-3+p.PadLeft)/s + 1
	}
	return xa, max(min(xb, p.OutW), xa)
}

// convC3Patch copies the 3x3x3 input window of output pixel (oy, ox) into
// patch ([ky][kx][ic]), with pad in the taps outside the image.
func convC3Patch[T float32 | int8](p *generic.ConvParams, patch *[27]T, src []T, oy, ox int, pad T) {
	for t := 0; t < 9; t++ {
		iy := oy*p.StrideH - p.PadTop + t/3
		ix := ox*p.StrideW - p.PadLeft + t%3
		if iy < 0 || iy >= p.InH || ix < 0 || ix >= p.InW {
			patch[3*t], patch[3*t+1], patch[3*t+2] = pad, pad, pad
			continue
		}
		i := (iy*p.InW + ix) * 3
		patch[3*t], patch[3*t+1], patch[3*t+2] = src[i], src[i+1], src[i+2]
	}
}

// convC3Check panics on buffers too short for rows [y0, y1) of p, so the
// assembly never reads or writes outside them.
func convC3Check(name string, p *generic.ConvParams, nsrc, ndst, nw, nbias int, y0, y1 int) {
	if !SupportsConv3x3C3(p) {
		panic(fmt.Sprintf("arm64.%s: unsupported shape %+v", name, *p))
	}
	if y0 < 0 || y1 > p.OutH || nsrc < p.InH*p.InW*3 || ndst < p.OutH*p.OutW*p.OutC || nw < 27*p.OutC ||
		(nbias >= 0 && nbias < p.OutC) {
		panic(fmt.Sprintf("arm64.%s: short buffers or rows [%d,%d) for %+v", name, y0, y1, *p))
	}
}

// Conv3x3C3F32 is generic.ConvF32 for a 3x3 convolution of 3 input channels
// (MobileNet's first layer) with NEON:
//
//	dst[(oy*OutW+ox)*OutC+oc] = min(max(bias[oc] + sum_{ky,kx in bounds, ic}
//		src[(iy*InW+ix)*3+ic] * w[((oc*3+ky)*3+kx)*3+ic], lo), hi)
//
// with iy = oy*s-PadTop+ky, ix = ox*s-PadLeft+kx, for rows [y0, y1). The
// weights are transposed per call (27*OutC values) to [OutC/8][27][8]; output
// pixels whose window lies inside the image read src directly, the others a
// zero-padded stack patch. Within float32 rounding of generic.
func Conv3x3C3F32(p *generic.ConvParams, dst, src, w, bias []float32, y0, y1 int, lo, hi float32) {
	nb := -1
	if bias != nil {
		nb = len(bias)
	}
	convC3Check("Conv3x3C3F32", p, len(src), len(dst), len(w), nb, y0, y1)
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
	xa, xb := convC3Cols(p)
	s, nblk := p.StrideW, C/8
	for oy := y0; oy < y1; oy++ {
		iy := oy*p.StrideH - p.PadTop
		inside := iy >= 0 && iy+2 < p.InH
		if inside && xb > xa {
			i := (iy*p.InW + xa*s - p.PadLeft) * 3
			r := 3 * p.InW
			convF32C3(&src[i], &src[i+r], &src[i+2*r], &wt[0], &b[0], &dst[(oy*p.OutW+xa)*C], xb-xa, 12*s, nblk, lo, hi)
		}
		for ox := 0; ox < p.OutW; ox++ {
			if inside && ox >= xa && ox < xb {
				continue
			}
			convC3Patch(p, &patch, src, oy, ox, 0)
			convF32C3(&patch[0], &patch[9], &patch[18], &wt[0], &b[0], &dst[(oy*p.OutW+ox)*C], 1, 0, nblk, lo, hi)
		}
	}
}

// Conv3x3C3Q8 is generic.ConvQ8 for a 3x3 convolution of 3 input channels
// with NEON, bit-exact:
//
//	acc = bias[oc] + sum_{ky,kx in bounds, ic} (src[(iy*InW+ix)*3+ic] - xzp) * w[((oc*3+ky)*3+kx)*3+ic]
//	dst[(oy*OutW+ox)*OutC+oc] = generic.Requantize(acc, rq.Scale[oc], rq.ZeroPoint, rq.Min, rq.Max)
//
// for rows [y0, y1), laid out as Conv3x3C3F32; padded taps hold xzp in the
// patch, so they contribute exactly 0. An xzp outside int8 runs generic.
func Conv3x3C3Q8(p *generic.ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant, y0, y1 int) {
	nb := -1
	if bias != nil {
		nb = len(bias)
	}
	convC3Check("Conv3x3C3Q8", p, len(src), len(dst), len(w), nb, y0, y1)
	C := p.OutC
	if len(rq.Scale) < C {
		panic(fmt.Sprintf("arm64.Conv3x3C3Q8: %d scales for %d channels", len(rq.Scale), C))
	}
	if xzp < -128 || xzp > 127 {
		generic.ConvQ8(p, dst, src, xzp, w, bias, rq, y0, y1)
		return
	}
	var wt [27 * convC3MaxC]int16
	var b [convC3MaxC]int32
	for oc := 0; oc < C; oc++ {
		for t := 0; t < 27; t++ {
			wt[((oc/8)*27+t)*8+oc%8] = w[oc*27+t]
		}
	}
	copy(b[:C], bias)
	var patch [27]int8
	xa, xb := convC3Cols(p)
	s, nblk := p.StrideW, C/8
	for oy := y0; oy < y1; oy++ {
		iy := oy*p.StrideH - p.PadTop
		inside := iy >= 0 && iy+2 < p.InH
		if inside && xb > xa {
			i := (iy*p.InW + xa*s - p.PadLeft) * 3
			r := 3 * p.InW
			convQ8C3(&src[i], &src[i+r], &src[i+2*r], &wt[0], &b[0], &rq.Scale[0], &dst[(oy*p.OutW+xa)*C], xb-xa, 3*s, nblk,
				xzp, rq.ZeroPoint, rq.Min, rq.Max)
		}
		for ox := 0; ox < p.OutW; ox++ {
			if inside && ox >= xa && ox < xb {
				continue
			}
			convC3Patch(p, &patch, src, oy, ox, int8(xzp))
			convQ8C3(&patch[0], &patch[9], &patch[18], &wt[0], &b[0], &rq.Scale[0], &dst[(oy*p.OutW+ox)*C], 1, 0, nblk,
				xzp, rq.ZeroPoint, rq.Min, rq.Max)
		}
	}
}

// Conv3x3C3Q8Dot is Conv3x3C3Q8 with SDOT (needs HasDotProd) for weights in
// [-128, 127], the int8 models' case: the input zero point moves into the
// bias, bias'[oc] = bias[oc] - xzp*sum_t w[oc][t], and SDOT multiplies the raw
// int8 inputs by the weights, 4 taps x 4 channels per instruction; padded taps
// hold xzp in the patch, which the fold cancels. Equal to generic.ConvQ8's
// sum modulo 2^32: bit-exact. Wider weights (legacy uint8 minus a zero point)
// run Conv3x3C3Q8.
func Conv3x3C3Q8Dot(p *generic.ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant, y0, y1 int) {
	nb := -1
	if bias != nil {
		nb = len(bias)
	}
	convC3Check("Conv3x3C3Q8Dot", p, len(src), len(dst), len(w), nb, y0, y1)
	C := p.OutC
	if len(rq.Scale) < C {
		panic(fmt.Sprintf("arm64.Conv3x3C3Q8Dot: %d scales for %d channels", len(rq.Scale), C))
	}
	for _, v := range w[:27*C] {
		if v < -128 || v > 127 {
			Conv3x3C3Q8(p, dst, src, xzp, w, bias, rq, y0, y1)
			return
		}
	}
	if xzp < -128 || xzp > 127 {
		generic.ConvQ8(p, dst, src, xzp, w, bias, rq, y0, y1)
		return
	}
	// wt is [OutC/8][ky][g][half][4 channels][4 taps]: taps 4g..4g+3 of
	// kernel row ky for channels 8b+4*half .. +3, zero past the 9th tap.
	var wt [convC3MaxC * 3 * 3 * 4]int8
	var b [convC3MaxC]int32
	for oc := 0; oc < C; oc++ {
		var sum int32
		for t := 0; t < 27; t++ {
			v := w[oc*27+t]
			sum += int32(v)
			ky, j := t/9, t%9
			blk, half, lane := oc/8, oc%8/4, oc%4
			wt[((((blk*3+ky)*3+j/4)*2+half)*4+lane)*4+j%4] = int8(v)
		}
		if bias != nil {
			b[oc] = bias[oc]
		}
		b[oc] -= xzp * sum
	}
	var patch [27]int8
	xa, xb := convC3Cols(p)
	s, nblk := p.StrideW, C/8
	for oy := y0; oy < y1; oy++ {
		iy := oy*p.StrideH - p.PadTop
		inside := iy >= 0 && iy+2 < p.InH
		if inside && xb > xa {
			i := (iy*p.InW + xa*s - p.PadLeft) * 3
			r := 3 * p.InW
			convQ8C3Dot(&src[i], &src[i+r], &src[i+2*r], &wt[0], &b[0], &rq.Scale[0], &dst[(oy*p.OutW+xa)*C], xb-xa, 3*s, nblk,
				rq.ZeroPoint, rq.Min, rq.Max)
		}
		for ox := 0; ox < p.OutW; ox++ {
			if inside && ox >= xa && ox < xb {
				continue
			}
			convC3Patch(p, &patch, src, oy, ox, int8(xzp))
			convQ8C3Dot(&patch[0], &patch[9], &patch[18], &wt[0], &b[0], &rq.Scale[0], &dst[(oy*p.OutW+ox)*C], 1, 0, nblk,
				rq.ZeroPoint, rq.Min, rq.Max)
		}
	}
}
