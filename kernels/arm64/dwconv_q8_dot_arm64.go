//go:build gc && !purego

package arm64

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/dwpixel"
)

//go:noescape
func dwQ8Dot1(r0, r1, r2 *int8, pk *int32, scale *float32, dst *int8, npix, nblk, ch, s0, s1, s2 int, zp, lo, hi int32)

//go:noescape
func dwQ8Dot2(r0, r1, r2 *int8, pk *int32, scale *float32, dst *int8, npix, nblk, ch, s0, s1, s2 int, zp, lo, hi int32)

//go:noescape
func dwQ8DotO1(r0, r1, r2 *int8, pk *int32, scale *float32, dst *int8, npix, nblk, ch, s0, s1, s2 int, zp, lo, hi int32)

//go:noescape
func dwQ8DotO2(r0, r1, r2 *int8, pk *int32, scale *float32, dst *int8, npix, nblk, ch, s0, s1, s2 int, zp, lo, hi int32)

// Words of one 8-channel block of DWConvQ8DotWeights.pk: the weights (3 kx
// x 2 quads x 4 channels), the offsets (2 quads x 4 channels, only when some
// offset is not 0) and bias' + dwDotMagic (8). With the scales read from the
// requantization, a block takes 16 bytes per channel (20 with offsets),
// about what the int16 weights of the NEON kernel take (18).
const (
	dwDotWWords    = 3 * 2 * 4
	dwDotOWords    = 2 * 4
	dwDotBiasWords = 8
)

// The SDOT kernels start each accumulator at bias' + dwDotMagic, the bits of
// the float32 1.5*2^23: while |acc| < 2^22 the sum's bits are those of
// 1.5*2^23 + acc, an exact float, and one FSUB gives float32(acc). A tap
// adds at most 255*256 in magnitude (input minus its zero point, times a
// weight minus its zero point, which SupportsDWConvQ8Dot keeps in
// [-256, 254]), so a bias within dwDotMaxBias keeps every sum in range.
const (
	dwDotMagic   = 0x4b400000
	dwDotMaxBias = 1<<22 - 9*255*256 - 1
)

// DWConvQ8DotWeights is one layer as DWConvQ8Dot reads it, made once by
// PackDWConvQ8Dot.
type DWConvQ8DotWeights struct {
	pk     []int32 // per 8-channel block: weights, [offsets], bias' + dwDotMagic
	withO  bool    // some offset is not 0: the dwQ8DotO kernels
	xzpRow []int8  // C values of xzp: padded kernel rows read it, column step 0
	w16    []int16 // generic.PackDWConvQ8's weights when Go computes some outputs (C%8 != 0, C > dwPatchMaxC), else nil
	bias   []int32 // the layer's bias (nil: zeros), for the same
	xzp    int32
	rq     generic.Requant
}

// int8Offset returns the offset o that brings every weight minus its zero
// point, a[t] - o, into int8 with o itself in int8 (0 when possible), or
// false when there is none (the values span more than 255).
func int8Offset(a []int32) (int32, bool) {
	lo, hi := int32(-128), int32(127) // the range of o
	for _, v := range a {
		lo, hi = max(lo, v-127), min(hi, v+128)
	}
	if lo > hi {
		return 0, false
	}
	return min(max(0, lo), hi), true
}

// SupportsDWConvQ8Dot reports whether DWConvQ8Dot computes the layer: the
// shapes of SupportsDWConvQ8, an input zero point in int8, the clamp in
// int8 and |zero point| <= 32640 (the int16 requantization), |bias| at most
// dwDotMaxBias (about 3.6 million), and in each channel the 9 weights minus
// their zero point spanning at most 255 values, so that an int8 offset
// brings them into int8 (always so for int8 weights with a zero point in
// int8, the int8 and legacy uint8 models' case).
func SupportsDWConvQ8Dot(p *generic.ConvParams, w []int8, wzp, bias []int32, xzp int32, rq *generic.Requant) bool {
	C := p.OutC
	if !SupportsDWConvQ8(p, xzp) || len(w) < 9*C || len(wzp) < C || (bias != nil && len(bias) < C) ||
		rq == nil || len(rq.Scale) < C || !inInt8(rq.Min) || !inInt8(rq.Max) || rq.ZeroPoint < -32640 || rq.ZeroPoint > 32640 {
		return false
	}
	var a [9]int32
	for c := 0; c < C; c++ {
		if _, ok := int8Offset(dwTaps(&a, w, wzp, C, c)); !ok {
			return false
		}
		if bias != nil && (bias[c] > dwDotMaxBias || bias[c] < -dwDotMaxBias) {
			return false
		}
	}
	return true
}

// dwTaps returns the 9 weights of channel c minus its zero point, in a.
func dwTaps(a *[9]int32, w []int8, wzp []int32, C, c int) []int32 {
	for t := range a {
		a[t] = int32(w[t*C+c]) - wzp[c]
	}
	return a[:]
}

// PackDWConvQ8Dot lays out a depthwise layer for DWConvQ8Dot. Per channel c
// it picks an int8 offset o[c] (0 when the weights allow) with b = w - wzp
// - o in int8, and folds the input zero point into the bias:
//
//	bias'[c] = bias[c] - xzp * sum_t (w[t][c] - wzp[c])   (modulo 2^32)
//
// Per block of 8 channels: the weights b as SDOT operands (kernel column kx,
// quad q: 4 channels x [b[0][kx], b[1][kx], b[2][kx], 0]), the offsets
// likewise ([o, o, o, 0], only when some o is not 0) and bias' + dwDotMagic;
// a row of C values of xzp; the int16 weights only for what Go computes
// (channels beyond a multiple of 8, edges of layers wider than dwPatchMaxC).
// It panics unless SupportsDWConvQ8Dot.
func PackDWConvQ8Dot(p *generic.ConvParams, w []int8, wzp, bias []int32, xzp int32, rq *generic.Requant) *DWConvQ8DotWeights {
	C := p.OutC
	if !SupportsDWConvQ8Dot(p, w, wzp, bias, xzp, rq) {
		panic(fmt.Sprintf("arm64.PackDWConvQ8Dot: unsupported layer, weights, bias (%d values) or requantization for %+v", len(bias), *p))
	}
	nblk := C / 8
	b := make([][9]int32, C)
	o := make([]int32, C)
	pk := &DWConvQ8DotWeights{xzpRow: make([]int8, C), xzp: xzp,
		rq: generic.Requant{Scale: rq.Scale[:C:C], ZeroPoint: rq.ZeroPoint, Min: rq.Min, Max: rq.Max}}
	if bias != nil {
		pk.bias = bias[:C:C]
	}
	if C%8 != 0 || C > dwPatchMaxC {
		pk.w16 = generic.PackDWConvQ8(p, w, wzp)
	}
	fillQ8(pk.xzpRow, int8(xzp))
	var a [9]int32
	for c := 0; c < C; c++ {
		taps := dwTaps(&a, w, wzp, C, c)
		o[c], _ = int8Offset(taps)
		for t, v := range taps {
			b[c][t] = v - o[c]
		}
		if c < nblk*8 && o[c] != 0 {
			pk.withO = true
		}
	}
	words := dwDotWWords + dwDotBiasWords
	if pk.withO {
		words += dwDotOWords
	}
	pk.pk = make([]int32, nblk*words)
	for blk := 0; blk < nblk; blk++ {
		out := pk.pk[blk*words : (blk+1)*words]
		for kx := 0; kx < 3; kx++ {
			for cc := 0; cc < 8; cc++ {
				t := b[blk*8+cc]
				out[kx*8+cc] = lanes4(t[kx], t[3+kx], t[6+kx], 0)
			}
		}
		rest := out[dwDotWWords:]
		if pk.withO {
			for cc := 0; cc < 8; cc++ {
				v := o[blk*8+cc]
				rest[cc] = lanes4(v, v, v, 0)
			}
			rest = rest[dwDotOWords:]
		}
		for cc := 0; cc < 8; cc++ {
			c := blk*8 + cc
			var sum, bc int32
			for _, v := range dwTaps(&a, w, wzp, C, c) {
				sum += v
			}
			if bias != nil {
				bc = bias[c]
			}
			rest[cc] = bc - xzp*sum + dwDotMagic
		}
	}
	return pk
}

// lanes4 packs four int8 values into one little-endian word: one channel's
// 4 bytes of an SDOT operand.
func lanes4(a, b, c, d int32) int32 {
	return int32(uint32(uint8(a)) | uint32(uint8(b))<<8 | uint32(uint8(c))<<16 | uint32(uint8(d))<<24)
}

// DWConvQ8Dot is generic.DWConvQ8 for 3x3 kernels with SDOT (needs
// HasDotProd), the layer packed by PackDWConvQ8Dot:
//
//	acc = bias[c] + sum_{ky,kx in bounds} (src[(iy*InW+ix)*C+c] - xzp) * (w[(ky*3+kx)*C+c] - wzp[c])
//	dst[(oy*OutW+ox)*C+c] = generic.Requantize(acc, rq.Scale[c], rq.ZeroPoint, rq.Min, rq.Max)
//
// for rows [y0, y1), bit-exact. Layers of whole 8-channel blocks whose rows
// fit dwPadRowMax padded (SAME padding; all of MobileNet's) run over padded
// copies of the input rows, one kernel call per output row
// (dwQ8DotPadded). Otherwise the assembly takes the output columns whose 3
// input columns are inside the image, 8 channels at a time; a kernel row
// above or below the image reads a row of xzp (contributing 0); padded edge
// columns go through the same assembly on a 3x3xC patch whose padded taps
// hold xzp (up to dwPatchMaxC channels, else in Go), and the C%8 channel
// tail runs in Go. It panics on a layer PackDWConvQ8Dot did not pack.
func DWConvQ8Dot(p *generic.ConvParams, dst, src []int8, pk *DWConvQ8DotWeights, y0, y1 int) {
	C := p.OutC
	nblk := C / 8
	if !SupportsDWConvQ8(p, pk.xzp) || len(pk.xzpRow) != C || len(pk.rq.Scale) != C || (pk.w16 == nil) != (C%8 == 0 && C <= dwPatchMaxC) ||
		y0 < 0 || y1 > p.OutH || len(src) < p.InH*p.InW*C || len(dst) < p.OutH*p.OutW*C {
		panic(fmt.Sprintf("arm64.DWConvQ8Dot: weights packed for another layer, short buffers, or rows [%d,%d) for %+v", y0, y1, *p))
	}
	if dwPaddable(p) {
		dwQ8DotPadded(p, dst, src, pk, y0, y1)
		return
	}
	s := p.StrideW
	xa, xb := dwInteriorCols(p)
	rq := &pk.rq
	var patch [9 * dwPatchMaxC]int8
	edgeAsm := nblk > 0 && C <= dwPatchMaxC
	for oy := y0; oy < y1; oy++ {
		var rows [3]*int8
		var steps [3]int
		for ky := range rows {
			if iy := oy*s - p.PadTop + ky; iy < 0 || iy >= p.InH {
				rows[ky] = &pk.xzpRow[0] // column step 0: every tap reads xzp
			} else {
				rows[ky], steps[ky] = &src[iy*p.InW*C], C
			}
		}
		if nblk > 0 && xb > xa {
			off := (xa*s - p.PadLeft) * C
			var r [3]*int8
			for ky := range r {
				r[ky] = rows[ky]
				if steps[ky] != 0 {
					r[ky] = &src[dwRowStart(p, oy, ky)+off]
				}
			}
			dwQ8DotRow(pk.withO, s, r[0], r[1], r[2], &pk.pk[0], &dst[(oy*p.OutW+xa)*C], xb-xa, nblk, C,
				steps[0], steps[1], steps[2], rq)
			if nblk*8 < C {
				for ox := xa; ox < xb; ox++ {
					dwpixel.Q8(p, dst, src, pk.xzp, pk.w16, pk.bias, rq, oy, ox, nblk*8)
				}
			}
		}
		for ox := 0; ox < p.OutW; ox++ {
			if ox == xa && xb > xa && nblk > 0 {
				ox = xb - 1 // the interior ran above
				continue
			}
			if !edgeAsm {
				dwpixel.Q8(p, dst, src, pk.xzp, pk.w16, pk.bias, rq, oy, ox, 0)
				continue
			}
			// The kernel rows inside the image, with their padded columns
			// holding xzp, in a 3-column patch each; the others read the row
			// of xzp.
			var r [3]*int8
			var st [3]int
			for ky := range r {
				r[ky], st[ky] = rows[ky], steps[ky]
				if steps[ky] != 0 {
					row := patch[3*ky*C : 3*(ky+1)*C]
					dwQ8EdgeRow(p, row, src[dwRowStart(p, oy, ky):], ox, pk.xzpRow)
					r[ky] = &row[0]
				}
			}
			dwQ8DotRow(pk.withO, 1, r[0], r[1], r[2], &pk.pk[0], &dst[(oy*p.OutW+ox)*C], 1, nblk, C, st[0], st[1], st[2], rq)
			if nblk*8 < C {
				dwpixel.Q8(p, dst, src, pk.xzp, pk.w16, pk.bias, rq, oy, ox, nblk*8)
			}
		}
	}
}

// dwPadRowMax is the largest padded input row (InW+2 columns of C values)
// dwQ8DotPadded keeps, three of them on the stack: MobileNet's largest is
// the 7x7x1024 layer's, 9 x 1024.
const dwPadRowMax = 9 * 1024

// dwPaddable reports whether dwQ8DotPadded computes the layer: whole 8-channel
// blocks, a padded row within dwPadRowMax, and every output column's 3 input
// columns within one column of padding on either side (SAME padding).
func dwPaddable(p *generic.ConvParams) bool {
	C := p.OutC
	return C%8 == 0 && (p.InW+2)*C <= dwPadRowMax && p.PadLeft >= 0 && p.PadLeft <= 1 &&
		(p.OutW-1)*p.StrideW-p.PadLeft+2 <= p.InW
}

// dwQ8DotPadded is DWConvQ8Dot for a layer dwPaddable accepts: each input
// row it reads is copied once into one of three stack rows whose first and
// last columns hold xzp (the left and right padding), and each output row is
// one call of the SDOT kernel over all its columns, edges included (a kernel
// row above or below the image reads the row of xzp, column step 0). Rows
// rotate by input row index mod 3, which the 3 rows of an output row (stride
// 1 or 2) never share.
func dwQ8DotPadded(p *generic.ConvParams, dst, src []int8, pk *DWConvQ8DotWeights, y0, y1 int) {
	C, W := p.OutC, p.InW
	n := (W + 2) * C
	var rows [3][dwPadRowMax]int8
	held := [3]int{-1, -1, -1} // the input row each holds
	for i := range rows {
		copy(rows[i][:C], pk.xzpRow)
		copy(rows[i][(W+1)*C:n], pk.xzpRow)
	}
	for oy := y0; oy < y1; oy++ {
		var r [3]*int8
		var st [3]int
		for ky := range r {
			iy := oy*p.StrideH - p.PadTop + ky
			if iy < 0 || iy >= p.InH {
				r[ky] = &pk.xzpRow[0]
				continue
			}
			i := iy % 3
			if held[i] != iy {
				copy(rows[i][C:(W+1)*C], src[iy*W*C:(iy+1)*W*C])
				held[i] = iy
			}
			r[ky], st[ky] = &rows[i][(1-p.PadLeft)*C], C
		}
		dwQ8DotRow(pk.withO, p.StrideW, r[0], r[1], r[2], &pk.pk[0], &dst[oy*p.OutW*C], p.OutW, C/8, C,
			st[0], st[1], st[2], &pk.rq)
	}
}

// dwRowStart returns the offset in src of the input row that kernel row ky
// of output row oy reads (inside the image).
func dwRowStart(p *generic.ConvParams, oy, ky int) int {
	return (oy*p.StrideH - p.PadTop + ky) * p.InW * p.OutC
}

// dwQ8EdgeRow fills row, 3 columns of C values, with the input columns of
// output column ox from the image row in (one copy of the columns inside
// it) and xzp (from xzpRow) in the columns outside.
func dwQ8EdgeRow(p *generic.ConvParams, row, in []int8, ox int, xzpRow []int8) {
	C := p.OutC
	ix0 := ox*p.StrideW - p.PadLeft
	a, b := max(ix0, 0), min(ix0+3, p.InW) // the columns inside the image
	for kx := 0; kx < 3; kx++ {
		if ix := ix0 + kx; ix < a || ix >= b {
			copy(row[kx*C:(kx+1)*C], xzpRow)
		}
	}
	if b > a {
		copy(row[(a-ix0)*C:(b-ix0)*C], in[a*C:b*C])
	}
}

// dwQ8DotRow calls the SDOT kernel for stride s, with offsets or without.
// Direct calls (not func values) keep the callers' stack patches from
// escaping.
func dwQ8DotRow(withO bool, s int, r0, r1, r2 *int8, pk *int32, dst *int8, npix, nblk, ch, s0, s1, s2 int, rq *generic.Requant) {
	sc := &rq.Scale[0]
	switch {
	case withO && s == 1:
		dwQ8DotO1(r0, r1, r2, pk, sc, dst, npix, nblk, ch, s0, s1, s2, rq.ZeroPoint, rq.Min, rq.Max)
	case withO:
		dwQ8DotO2(r0, r1, r2, pk, sc, dst, npix, nblk, ch, s0, s1, s2, rq.ZeroPoint, rq.Min, rq.Max)
	case s == 1:
		dwQ8Dot1(r0, r1, r2, pk, sc, dst, npix, nblk, ch, s0, s1, s2, rq.ZeroPoint, rq.Min, rq.Max)
	default:
		dwQ8Dot2(r0, r1, r2, pk, sc, dst, npix, nblk, ch, s0, s1, s2, rq.ZeroPoint, rq.Min, rq.Max)
	}
}
