//go:build gc && !purego

package amd64

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/dwpixel"
)

// dwZeroLen is the length of the shared zero row that stands in for padding
// rows above and below the image: layers with wider rows (InW*C > 32768
// floats, beyond any MobileNet up to 448x448 at alpha 1) are not supported.
const dwZeroLen = 1 << 15

// dwZeros is never written.
var dwZeros [dwZeroLen]float32

// dwPatchMaxC is the widest layer whose padded edge pixels run through the
// assembly on a stack patch (3x3xC); wider layers do them in Go.
const dwPatchMaxC = 1024

// dwChannelsMaxC is the widest layer the channel-outer kernel takes; wider
// ones run dwF32Avx2Pixels. The channel-outer loop keeps a block's weights
// in registers but strides a whole pixel (4*C bytes) between loads; the
// pixel-outer one reloads the weights from L1 but streams contiguously.
// Measured on the 1.0/224 layers (Zen 4, a loaded machine, best of several
// runs): channel-outer wins at 32 channels (120 vs 205 us), pixel-outer from
// 64 (78 vs 104 us) and by 2-4x from 256.
const dwChannelsMaxC = 32

// dwBlock is the channel block of the depthwise kernels (one YMM register).
const dwBlock = 8

// supportsDW3x3 reports whether p has the shape of the depthwise kernels:
// 3x3, depth multiplier 1, equal strides of 1 or 2, any padding.
func supportsDW3x3(p *generic.ConvParams) bool {
	return p.KH == 3 && p.KW == 3 && p.InC == p.OutC && p.StrideH == p.StrideW &&
		(p.StrideH == 1 || p.StrideH == 2) && p.InC > 0
}

// SupportsDWConvF32 reports whether DWConvF32AVX2 computes p: a 3x3
// depthwise convolution (depth multiplier 1) with equal strides of 1 or 2,
// any padding, and input rows of at most dwZeroLen floats.
func SupportsDWConvF32(p *generic.ConvParams) bool {
	return supportsDW3x3(p) && p.InW*p.InC <= dwZeroLen
}

// dwInterior returns the output columns [xa, xb) whose 3 input columns all
// lie inside the image.
func dwInterior(p *generic.ConvParams) (xa, xb int) {
	s := p.StrideW
	xa = (p.PadLeft + s - 1) / s
	if p.InW-3+p.PadLeft >= 0 {
		xb = (p.InW-3+p.PadLeft)/s + 1
	}
	return xa, max(min(xb, p.OutW), xa)
}

// DWConvF32Weights is one layer's weights and bias as DWConvF32AVX2 reads
// them, made once by PackDWConvF32.
type DWConvF32Weights struct {
	w    []float32 // [3][3][C], as given
	bias []float32 // C values, nil for zeros
	// wb is, for layers wider than dwChannelsMaxC channels, the bias and
	// weights by block of 8 channels for the pixel-outer kernel,
	// [C/8][10][8]: the bias, then the 9 taps in [ky][kx] order.
	wb []float32
}

// PackDWConvF32 keeps w, [3][3][C], and bias as they are and, for layers
// wider than dwChannelsMaxC channels, lays them out by block for the
// pixel-outer kernel:
//
//	wb[(c/8*10)*8+c%8] = bias[c],  wb[(c/8*10+1+t)*8+c%8] = w[t*C+c]   (c < C/8*8)
//
// It panics unless SupportsDWConvF32(p).
func PackDWConvF32(p *generic.ConvParams, w, bias []float32) *DWConvF32Weights {
	C := p.OutC
	if !SupportsDWConvF32(p) || len(w) < 9*C || (bias != nil && len(bias) < C) {
		panic(fmt.Sprintf("amd64.PackDWConvF32: unsupported layer or short weights (%d) or bias (%d) for %+v", len(w), len(bias), *p))
	}
	pk := &DWConvF32Weights{w: w[:9*C], bias: bias}
	if bias != nil {
		pk.bias = bias[:C]
	}
	nblk := C / dwBlock
	if C > dwChannelsMaxC {
		pk.wb = make([]float32, nblk*10*dwBlock)
		for blk := 0; blk < nblk; blk++ {
			for i := 0; i < dwBlock; i++ {
				c := blk*dwBlock + i
				if bias != nil {
					pk.wb[blk*10*dwBlock+i] = bias[c]
				}
				for t := 0; t < 9; t++ {
					pk.wb[(blk*10+1+t)*dwBlock+i] = w[t*C+c]
				}
			}
		}
	}
	return pk
}

// DWConvF32AVX2 is generic.DWConvF32 for 3x3 kernels with AVX2+FMA:
//
//	dst[(oy*OutW+ox)*C+c] = min(max(bias[c] + sum_{ky,kx in bounds}
//		src[(iy*InW+ix)*C+c] * w[(ky*3+kx)*C+c], lo), hi)
//
// with iy = oy*s-PadTop+ky, ix = ox*s-PadLeft+kx, for rows [y0, y1), w and
// bias packed by PackDWConvF32. The assembly takes the output columns whose
// 3 input columns are inside the image, 8 channels at a time (rows above or
// below the image read a zero row; channel blocks outermost up to
// dwChannelsMaxC channels, pixels outermost beyond), and the padded edge
// columns through a zero-padded 3x3xC patch (up to dwPatchMaxC channels,
// beyond in Go); the C%8 channel tail runs in Go. Taps are summed in
// generic's order with fused multiply-adds, so results differ from generic
// only by float32 rounding. It panics unless SupportsDWConvF32(p).
func DWConvF32AVX2(p *generic.ConvParams, dst, src []float32, pk *DWConvF32Weights, y0, y1 int, lo, hi float32) {
	C := p.OutC
	if !SupportsDWConvF32(p) {
		panic(fmt.Sprintf("amd64.DWConvF32AVX2: unsupported layer %+v", *p))
	}
	w, bias := pk.w, pk.bias
	if y0 < 0 || y1 > p.OutH || len(src) < p.InH*p.InW*C || len(dst) < p.OutH*p.OutW*C || len(w) != 9*C ||
		(bias != nil && len(bias) != C) || (C > dwChannelsMaxC && len(pk.wb) != C/dwBlock*10*dwBlock) {
		panic(fmt.Sprintf("amd64.DWConvF32AVX2: short buffers, weights packed for another layer, or rows [%d,%d) for %+v", y0, y1, *p))
	}
	if y0 >= y1 || p.OutW <= 0 {
		return
	}
	s := p.StrideW
	xa, xb := dwInterior(p)
	nblk := C / dwBlock
	b := &dwZeros[0]
	if bias != nil {
		b = &bias[0]
	}
	var patch [9 * dwPatchMaxC]float32
	edgeAsm := nblk > 0 && C <= dwPatchMaxC
	pixels := nblk > 0 && C > dwChannelsMaxC
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
			if pixels {
				dwF32Avx2Pixels(rows[0], rows[1], rows[2], &pk.wb[0], &dst[(oy*p.OutW+xa)*C], xb-xa, nblk, 4*C, 4*C*s, lo, hi)
			} else {
				dwF32Avx2(rows[0], rows[1], rows[2], &w[0], b, &dst[(oy*p.OutW+xa)*C], xb-xa, nblk, 4*C, 4*C*s, lo, hi)
			}
		}
		for ox := 0; ox < p.OutW; ox++ {
			c0 := nblk * dwBlock
			if ox < xa || ox >= xb {
				if edgeAsm {
					dwPatch(p, patch[:9*C], src, oy, ox, 0)
					dwF32Avx2(&patch[0], &patch[3*C], &patch[6*C], &w[0], b, &dst[(oy*p.OutW+ox)*C], 1, nblk, 4*C, 0, lo, hi)
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

// dwPatch copies the 3x3 input window of output pixel (oy, ox) into patch,
// [3][3][C], with pad in the taps outside the image.
func dwPatch[T float32 | int8](p *generic.ConvParams, patch, src []T, oy, ox int, pad T) {
	C := p.OutC
	for t := 0; t < 9; t++ {
		iy := oy*p.StrideH - p.PadTop + t/3
		ix := ox*p.StrideW - p.PadLeft + t%3
		tap := patch[t*C : t*C+C]
		if iy < 0 || iy >= p.InH || ix < 0 || ix >= p.InW {
			for i := range tap {
				tap[i] = pad
			}
			continue
		}
		copy(tap, src[(iy*p.InW+ix)*C:])
	}
}
