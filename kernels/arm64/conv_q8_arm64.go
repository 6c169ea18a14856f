//go:build gc && !purego

package arm64

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
)

//go:noescape
func convQ8C3(r0, r1, r2 *int8, w *int16, bias *int32, scale *float32, dst *int8, npix, step, nblk int, xzp, zp, lo, hi int32)

//go:noescape
func convQ8C3A53(r0, r1, r2 *int8, w *int16, bias *int32, scale *float32, dst *int8, npix, step, nblk int, xzp, zp, lo, hi int32)

// convQ8Run calls convQ8C3, or its in-order twin when a53 is set. Direct
// calls keep the caller's stack patch from escaping.
func convQ8Run(a53 bool, r0, r1, r2 *int8, w *int16, bias *int32, scale *float32, dst *int8, npix, step, nblk int, xzp, zp, lo, hi int32) {
	if a53 {
		convQ8C3A53(r0, r1, r2, w, bias, scale, dst, npix, step, nblk, xzp, zp, lo, hi)
	} else {
		convQ8C3(r0, r1, r2, w, bias, scale, dst, npix, step, nblk, xzp, zp, lo, hi)
	}
}

//go:noescape
func convQ8C3Dot(r0, r1, r2, w *int8, bias, off *int32, scale *float32, dst *int8, npix, step, nblk, ldd int, zp, lo, hi int32)

//go:noescape
func convQ8C3DotO(r0, r1, r2, w *int8, bias, off *int32, scale *float32, dst *int8, npix, step, nblk, ldd int, zp, lo, hi int32)

// SupportsConvQ8 reports whether ConvQ8 computes p with input zero point
// xzp: the shapes of SupportsConvF32, and xzp in the int8 range (padded taps
// hold xzp as an int8).
func SupportsConvQ8(p *generic.ConvParams, xzp int32) bool { return supportsConvC3(p) && inInt8(xzp) }

// ConvQ8Weights is one layer's weights and bias as ConvQ8 reads them, made
// once by PackConvQ8.
type ConvQ8Weights struct {
	w    []int16 // [OutC/8][27][8], weights minus their zero point
	bias []int32 // OutC values, zeros for a nil bias
}

// PackConvQ8 subtracts each output channel's weight zero point wzp[oc] from
// w, [OutC][3][3][3] in the int8 domain, widening to int16
// (generic.PackConvQ8), and transposes the result as PackConvF32 does:
//
//	packed[((oc/8)*27+t)*8+oc%8] = int16(w[oc*27+t]) - int16(wzp[oc])
//
// It panics unless p has the shape SupportsConvQ8 takes.
func PackConvQ8(p *generic.ConvParams, w []int8, wzp, bias []int32) *ConvQ8Weights {
	C := p.OutC
	if !supportsConvC3(p) || len(w) < 27*C || len(wzp) < C || (bias != nil && len(bias) < C) {
		panic(fmt.Sprintf("arm64.PackConvQ8: unsupported layer or short weights (%d), zero points (%d) or bias (%d) for %+v", len(w), len(wzp), len(bias), *p))
	}
	w16 := generic.PackConvQ8(p, w, wzp)
	pk := &ConvQ8Weights{w: make([]int16, 27*C), bias: make([]int32, C)}
	for oc := 0; oc < C; oc++ {
		for t := 0; t < 27; t++ {
			pk.w[((oc/8)*27+t)*8+oc%8] = w16[oc*27+t]
		}
	}
	copy(pk.bias, bias)
	return pk
}

// ConvQ8 is generic.ConvQ8 for a 3x3 convolution of 3 input channels with
// NEON (SMULL/SMLAL on int16), bit-exact:
//
//	acc = bias[oc] + sum_{ky,kx in bounds, ic} (src[(iy*InW+ix)*3+ic] - xzp) * (w[((oc*3+ky)*3+kx)*3+ic] - wzp[oc])
//	dst[(oy*OutW+ox)*OutC+oc] = generic.Requantize(acc, rq.Scale[oc], rq.ZeroPoint, rq.Min, rq.Max)
//
// for rows [y0, y1), weights and bias packed by PackConvQ8, laid out as
// ConvF32; padded taps hold xzp in the patch, so they contribute exactly 0.
// It panics unless SupportsConvQ8(p, xzp).
func ConvQ8(p *generic.ConvParams, dst, src []int8, xzp int32, pk *ConvQ8Weights, rq *generic.Requant, y0, y1 int) {
	convQ8(false, p, dst, src, xzp, pk, rq, y0, y1)
}

// ConvQ8A53 is ConvQ8 with the kernel scheduled for in-order cores
// (convQ8C3A53): the same results.
func ConvQ8A53(p *generic.ConvParams, dst, src []int8, xzp int32, pk *ConvQ8Weights, rq *generic.Requant, y0, y1 int) {
	convQ8(true, p, dst, src, xzp, pk, rq, y0, y1)
}

func convQ8(a53 bool, p *generic.ConvParams, dst, src []int8, xzp int32, pk *ConvQ8Weights, rq *generic.Requant, y0, y1 int) {
	convC3Check("ConvQ8", p, len(src), len(dst), len(pk.bias), y0, y1)
	C := p.OutC
	if !inInt8(xzp) {
		panic(fmt.Sprintf("arm64.ConvQ8: unsupported input zero point %d (outside int8)", xzp))
	}
	if len(rq.Scale) < C {
		panic(fmt.Sprintf("arm64.ConvQ8: %d scales for %d channels", len(rq.Scale), C))
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
			convQ8Run(a53, &src[i], &src[i+r], &src[i+2*r], &pk.w[0], &pk.bias[0], &rq.Scale[0], &dst[(oy*p.OutW+xa)*C], xb-xa, 3*s, nblk,
				xzp, rq.ZeroPoint, rq.Min, rq.Max)
		}
		for ox := 0; ox < p.OutW; ox++ {
			if inside && ox >= xa && ox < xb {
				continue
			}
			convC3Patch(p, &patch, src, oy, ox, int8(xzp))
			convQ8Run(a53, &patch[0], &patch[9], &patch[18], &pk.w[0], &pk.bias[0], &rq.Scale[0], &dst[(oy*p.OutW+ox)*C], 1, 0, nblk,
				xzp, rq.ZeroPoint, rq.Min, rq.Max)
		}
	}
}

// SupportsConvQ8Dot reports whether ConvQ8Dot computes the layer: what
// SupportsConvQ8 takes, the clamp in int8 and |zero point| <= 32640 (the
// int16 requantization), and in each output channel the 27 weights minus
// their zero point spanning at most 255 values, so that an int8 offset
// brings them into int8 (always so for int8 weights with a zero point in
// int8: the int8 and legacy uint8 models).
func SupportsConvQ8Dot(p *generic.ConvParams, w []int8, wzp, bias []int32, xzp int32, rq *generic.Requant) bool {
	C := p.OutC
	if !SupportsConvQ8(p, xzp) || len(w) < 27*C || len(wzp) < C || (bias != nil && len(bias) < C) ||
		rq == nil || len(rq.Scale) < C || !inInt8(rq.Min) || !inInt8(rq.Max) || rq.ZeroPoint < -32640 || rq.ZeroPoint > 32640 {
		return false
	}
	var a [27]int32
	for oc := 0; oc < C; oc++ {
		if _, ok := int8Offset(convTaps(&a, w, wzp, oc)); !ok {
			return false
		}
	}
	return true
}

// convTaps returns the 27 weights of output channel oc minus its zero point.
func convTaps(a *[27]int32, w []int8, wzp []int32, oc int) []int32 {
	for t := range a {
		a[t] = int32(w[oc*27+t]) - wzp[oc]
	}
	return a[:]
}

// convDotMaxBias bounds |bias| where convQ8C3Dot's float conversion is
// exact (see dwDotMaxBias): a tap adds at most 255*256 in magnitude.
const convDotMaxBias = 1<<22 - 27*255*256 - 1

// ConvQ8DotWeights is one layer as ConvQ8Dot reads it, made once by
// PackConvQ8Dot for one input zero point.
type ConvQ8DotWeights struct {
	w     []int8  // [OutC/8][ky][g][half][4 channels][4 taps]: b = w - wzp - o
	bias  []int32 // bias[oc] - xzp*sum_t (w[oc][t] - wzp[oc]), plus 0x4B400000 without offsets
	off   []int32 // o[oc], or nil: every offset 0 and |bias| <= convDotMaxBias
	xzp   int32
	scale []float32
	zp    int32
	lo    int32
	hi    int32
}

// PackConvQ8Dot lays out the first layer for ConvQ8Dot. Per output channel
// oc it picks an int8 offset o[oc] (0 when the weights allow) with
// b = w - wzp - o in int8, as SDOT operands: taps 4g..4g+3 of kernel row ky
// for channels 8blk+4*half .. +3, zero past the 9th tap,
//
//	packed[((((blk*3+ky)*3+g)*2+half)*4+lane)*4+j] = w[oc*27+ky*9+4g+j] - wzp[oc] - o[oc],  oc = 8blk+4*half+lane
//
// and moves the input zero point into the bias, bias'[oc] = bias[oc] -
// xzp*sum_t (w[oc][t] - wzp[oc]), so SDOT multiplies the raw int8 inputs.
// When every offset is 0 and |bias| <= convDotMaxBias, the bias also holds
// 0x4B400000 for convQ8C3Dot's float conversion; otherwise convQ8C3DotO adds
// o times the sum of the pixel's inputs. It panics unless SupportsConvQ8Dot.
func PackConvQ8Dot(p *generic.ConvParams, w []int8, wzp, bias []int32, xzp int32, rq *generic.Requant) *ConvQ8DotWeights {
	C := p.OutC
	if !SupportsConvQ8Dot(p, w, wzp, bias, xzp, rq) {
		panic(fmt.Sprintf("arm64.PackConvQ8Dot: unsupported layer, weights, bias (%d values) or requantization for %+v", len(bias), *p))
	}
	pk := &ConvQ8DotWeights{w: make([]int8, C*3*3*4), bias: make([]int32, C), off: make([]int32, C), xzp: xzp,
		scale: rq.Scale[:C:C], zp: rq.ZeroPoint, lo: rq.Min, hi: rq.Max}
	withO := false
	var a [27]int32
	for oc := 0; oc < C; oc++ {
		taps := convTaps(&a, w, wzp, oc)
		o, _ := int8Offset(taps)
		var sum int32
		for t, v := range taps {
			sum += v
			ky, j := t/9, t%9
			blk, half, lane := oc/8, oc%8/4, oc%4
			pk.w[((((blk*3+ky)*3+j/4)*2+half)*4+lane)*4+j%4] = int8(v - o)
		}
		if bias != nil {
			pk.bias[oc] = bias[oc]
			withO = withO || bias[oc] > convDotMaxBias || bias[oc] < -convDotMaxBias
		}
		pk.bias[oc] -= xzp * sum
		pk.off[oc] = o
		withO = withO || o != 0
	}
	if !withO {
		pk.off = nil
		for oc := range pk.bias {
			pk.bias[oc] += dwDotMagic
		}
	}
	return pk
}

// ConvQ8Dot is ConvQ8 with SDOT (needs HasDotProd), 4 taps x 4 channels per
// instruction, the layer packed by PackConvQ8Dot; padded taps hold the
// packed input zero point in the patch, which the fold cancels. Equal to
// generic.ConvQ8's sum modulo 2^32: bit-exact.
func ConvQ8Dot(p *generic.ConvParams, dst, src []int8, pk *ConvQ8DotWeights, y0, y1 int) {
	convC3Check("ConvQ8Dot", p, len(src), len(dst), len(pk.bias), y0, y1)
	C := p.OutC
	var patch [27]int8
	xa, xb := convC3Cols(p)
	s, nblk := p.StrideW, C/8
	for oy := y0; oy < y1; oy++ {
		iy := oy*p.StrideH - p.PadTop
		inside := iy >= 0 && iy+2 < p.InH
		if inside && xb > xa {
			i := (iy*p.InW + xa*s - p.PadLeft) * 3
			r := 3 * p.InW
			convQ8DotRun(pk, &src[i], &src[i+r], &src[i+2*r], &dst[(oy*p.OutW+xa)*C], xb-xa, 3*s, nblk, C)
		}
		for ox := 0; ox < p.OutW; ox++ {
			if inside && ox >= xa && ox < xb {
				continue
			}
			convC3Patch(p, &patch, src, oy, ox, int8(pk.xzp))
			convQ8DotRun(pk, &patch[0], &patch[9], &patch[18], &dst[(oy*p.OutW+ox)*C], 1, 0, nblk, C)
		}
	}
}

// convQ8DotRun calls convQ8C3Dot, or convQ8C3DotO for a layer with offsets.
// Direct calls (not func values) keep the caller's stack patch from
// escaping.
func convQ8DotRun(pk *ConvQ8DotWeights, r0, r1, r2, dst *int8, npix, step, nblk, ldd int) {
	if pk.off != nil {
		convQ8C3DotO(r0, r1, r2, &pk.w[0], &pk.bias[0], &pk.off[0], &pk.scale[0], dst, npix, step, nblk, ldd, pk.zp, pk.lo, pk.hi)
	} else {
		convQ8C3Dot(r0, r1, r2, &pk.w[0], &pk.bias[0], nil, &pk.scale[0], dst, npix, step, nblk, ldd, pk.zp, pk.lo, pk.hi)
	}
}
