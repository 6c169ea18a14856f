//go:build gc && !purego

package amd64

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
)

// convQ8Pairs is the number of int16 weight pairs per kernel row of the
// AVX2 int8 kernel: taps (0,1), (2,3), (4,5), (6,7) and (7,8) with a zero
// first weight, so no byte past a row's 9 inputs is read.
const convQ8Pairs = 5

// SupportsConvQ8 reports whether ConvQ8AVX2 computes p with input zero point
// xzp and requantization rq: the shapes of SupportsConvF32, xzp in the int8
// range (padded taps hold xzp as an int8) and rq's clamp in [-128, 127].
func SupportsConvQ8(p *generic.ConvParams, xzp int32, rq *generic.Requant) bool {
	return supportsConvC3(p) && inInt8(xzp) && int8Clamp(rq)
}

// ConvQ8Weights is one layer's weights and folded bias as ConvQ8AVX2 reads
// them, made once by PackConvQ8 for one input zero point.
type ConvQ8Weights struct {
	w    []int16 // [OutC/8][ky][pair][8 channels][2 taps]
	bias []int32 // bias[oc] - xzp*sum_t W[oc][t]
	xzp  int32
}

// PackConvQ8 subtracts each output channel's weight zero point from w,
// [OutC][3][3][3] in the int8 domain, widening to int16 (W =
// generic.PackConvQ8), lays W out as int16 pairs of taps for VPMADDWD,
// [OutC/8][ky][pair][8][2] with pairs (0,1), (2,3), (4,5), (6,7) and
// (zero, 8), and moves the input zero point into the bias: bias'[oc] =
// bias[oc] - xzp*sum_t W[oc][t] (exact modulo 2^32, as generic's sums), so
// the kernel multiplies raw int8 inputs. It panics unless p has the shape
// SupportsConvQ8 takes and xzp is an int8.
func PackConvQ8(p *generic.ConvParams, w []int8, wzp, bias []int32, xzp int32) *ConvQ8Weights {
	C := p.OutC
	if !supportsConvC3(p) || !inInt8(xzp) || len(w) < 27*C || len(wzp) < C || (bias != nil && len(bias) < C) {
		panic(fmt.Sprintf("amd64.PackConvQ8: unsupported layer, input zero point %d, or short weights (%d), zero points (%d) or bias (%d) for %+v",
			xzp, len(w), len(wzp), len(bias), *p))
	}
	w16 := generic.PackConvQ8(p, w, wzp)
	pk := &ConvQ8Weights{w: make([]int16, C/8*3*convQ8Pairs*8*2), bias: make([]int32, C), xzp: xzp}
	for oc := 0; oc < C; oc++ {
		var sum int32
		for _, v := range w16[oc*27 : oc*27+27] {
			sum += int32(v)
		}
		if bias != nil {
			pk.bias[oc] = bias[oc]
		}
		pk.bias[oc] -= xzp * sum
		for ky := 0; ky < 3; ky++ {
			row := w16[oc*27+ky*9 : oc*27+ky*9+9]
			at := func(pair, tap int) *int16 {
				return &pk.w[((((oc/8)*3+ky)*convQ8Pairs+pair)*8+oc%8)*2+tap]
			}
			for pair := 0; pair < 4; pair++ {
				*at(pair, 0), *at(pair, 1) = row[2*pair], row[2*pair+1]
			}
			*at(4, 1) = row[8]
		}
	}
	return pk
}

// ConvQ8AVX2 is generic.ConvQ8 for a 3x3 convolution of 3 input channels
// with AVX2, bit-exact:
//
//	acc = bias[oc] + sum_{ky,kx in bounds, ic} (src[(iy*InW+ix)*3+ic] - xzp) * (w[((oc*3+ky)*3+kx)*3+ic] - wzp[oc])
//	dst[(oy*OutW+ox)*OutC+oc] = generic.Requantize(acc, rq.Scale[oc], rq.ZeroPoint, rq.Min, rq.Max)
//
// for rows [y0, y1), with the weights, bias and xzp packed by PackConvQ8.
// VPMADDWD multiplies raw int8 inputs by int16 weights two taps at a time;
// padded taps hold xzp in the patch, which the bias fold cancels. It panics
// unless SupportsConvQ8(p, xzp, rq).
func ConvQ8AVX2(p *generic.ConvParams, dst, src []int8, pk *ConvQ8Weights, rq *generic.Requant, y0, y1 int) {
	convC3Check("ConvQ8AVX2", p, len(src), len(dst), len(pk.bias), y0, y1)
	C := p.OutC
	if !int8Clamp(rq) {
		panic(fmt.Sprintf("amd64.ConvQ8AVX2: unsupported requantization (%s): the clamp must lie in int8", rqString(rq)))
	}
	if len(rq.Scale) < C {
		panic(fmt.Sprintf("amd64.ConvQ8AVX2: %d scales for %d channels", len(rq.Scale), C))
	}
	if y0 >= y1 || p.OutW <= 0 {
		return
	}
	var patch [27]int8
	r, step, nblk := 3*p.InW, 3*p.StrideW, C/8
	convC3Rows(p, y0, y1, func(oy, i, xa, n int) {
		convQ8C3Avx2(&src[i], &src[i+r], &src[i+2*r], &pk.w[0], &pk.bias[0], &rq.Scale[0], &dst[(oy*p.OutW+xa)*C], n, step, nblk,
			rq.ZeroPoint, rq.Min, rq.Max)
	}, func(oy, ox int) {
		convC3Patch(p, &patch, src, oy, ox, int8(pk.xzp))
		convQ8C3Avx2(&patch[0], &patch[9], &patch[18], &pk.w[0], &pk.bias[0], &rq.Scale[0], &dst[(oy*p.OutW+ox)*C], 1, 0, nblk,
			rq.ZeroPoint, rq.Min, rq.Max)
	})
}

// SupportsConvQ8VNNI reports whether ConvQ8VNNI computes p with weights w,
// weight zero points wzp, input zero point xzp and requantization rq: what
// SupportsConvQ8 takes, with a multiple of 16 output channels and every
// weight minus its zero point in [-128, 127] (VPDPBUSD multiplies signed
// bytes; the int8 models' case, not legacy uint8 weights minus a zero
// point).
func SupportsConvQ8VNNI(p *generic.ConvParams, w []int8, wzp []int32, xzp int32, rq *generic.Requant) bool {
	return int8Clamp(rq) && packableConvQ8VNNI(p, w, wzp, xzp)
}

// packableConvQ8VNNI is what PackConvQ8VNNI takes: SupportsConvQ8VNNI
// without the requantization.
func packableConvQ8VNNI(p *generic.ConvParams, w []int8, wzp []int32, xzp int32) bool {
	C := p.OutC
	return supportsConvC3(p) && inInt8(xzp) && C%16 == 0 && len(w) >= 27*C && len(wzp) >= C && narrowWeights(w[:27*C], wzp, 27)
}

// narrowWeights reports whether every weight minus the zero point of its
// output channel (per consecutive weights each) is an int8, computed as
// generic.PackConvQ8 computes it.
func narrowWeights(w []int8, wzp []int32, per int) bool {
	for i, v := range w {
		if d := int16(v) - int16(wzp[i/per]); d < -128 || d > 127 {
			return false
		}
	}
	return true
}

// ConvQ8VNNIWeights is one layer's weights and folded bias as ConvQ8VNNI
// reads them, made once by PackConvQ8VNNI for one input zero point.
type ConvQ8VNNIWeights struct {
	w    []int8  // [OutC/16][ky][group][16 channels][4 taps]
	bias []int32 // bias[oc] - (xzp+128)*sum_t W[oc][t]
	xzp  int32
}

// PackConvQ8VNNI lays the weights minus their zero points, W, out as
// VPDPBUSD operands, [OutC/16][ky][group][16][4] with the groups of taps
// 0-3, 4-7 and (zero, zero, zero, 8), and folds both input offsets into the
// bias, bias'[oc] = bias[oc] - (xzp+128)*sum_t W[oc][t]: the kernel biases
// the inputs to uint8 (x+128). It panics unless SupportsConvQ8VNNI takes
// the layer (with any int8 clamp).
func PackConvQ8VNNI(p *generic.ConvParams, w []int8, wzp, bias []int32, xzp int32) *ConvQ8VNNIWeights {
	C := p.OutC
	if !packableConvQ8VNNI(p, w, wzp, xzp) || (bias != nil && len(bias) < C) {
		panic(fmt.Sprintf("amd64.PackConvQ8VNNI: unsupported layer, input zero point %d, weights beyond int8 after their zero point, or short bias (%d) for %+v",
			xzp, len(bias), *p))
	}
	w16 := generic.PackConvQ8(p, w, wzp)
	pk := &ConvQ8VNNIWeights{w: make([]int8, C*3*3*4), bias: make([]int32, C), xzp: xzp}
	for oc := 0; oc < C; oc++ {
		var sum int32
		for _, v := range w16[oc*27 : oc*27+27] {
			sum += int32(v)
		}
		if bias != nil {
			pk.bias[oc] = bias[oc]
		}
		pk.bias[oc] -= (xzp + 128) * sum
		for ky := 0; ky < 3; ky++ {
			row := w16[oc*27+ky*9 : oc*27+ky*9+9]
			base := (((oc/16)*3+ky)*3*16 + oc%16) * 4
			for j := 0; j < 8; j++ {
				pk.w[base+j/4*64+j%4] = int8(row[j])
			}
			pk.w[base+2*64+3] = int8(row[8])
		}
	}
	return pk
}

// ConvQ8VNNI is ConvQ8AVX2 with AVX-512 VNNI (needs HasVNNI), the weights
// and bias packed by PackConvQ8VNNI: inputs are biased to uint8 (x+128)
// and VPDPBUSD multiplies four taps at a time into 16 channels; padded taps
// hold xzp in the patch, which the bias fold cancels. Bit-exact with
// generic (sums modulo 2^32). It panics unless SupportsConvQ8VNNI takes the
// layer.
func ConvQ8VNNI(p *generic.ConvParams, dst, src []int8, pk *ConvQ8VNNIWeights, rq *generic.Requant, y0, y1 int) {
	convC3Check("ConvQ8VNNI", p, len(src), len(dst), len(pk.bias), y0, y1)
	C := p.OutC
	if C%16 != 0 || !int8Clamp(rq) {
		panic(fmt.Sprintf("amd64.ConvQ8VNNI: unsupported layer (%d output channels, want a multiple of 16) or requantization (%s; the clamp must lie in int8)",
			C, rqString(rq)))
	}
	if len(rq.Scale) < C {
		panic(fmt.Sprintf("amd64.ConvQ8VNNI: %d scales for %d channels", len(rq.Scale), C))
	}
	if y0 >= y1 || p.OutW <= 0 {
		return
	}
	var patch [27]int8
	r, step, nblk := 3*p.InW, 3*p.StrideW, C/16
	convC3Rows(p, y0, y1, func(oy, i, xa, n int) {
		convQ8C3Vnni(&src[i], &src[i+r], &src[i+2*r], &pk.w[0], &pk.bias[0], &rq.Scale[0], &dst[(oy*p.OutW+xa)*C], n, step, nblk,
			rq.ZeroPoint, rq.Min, rq.Max)
	}, func(oy, ox int) {
		convC3Patch(p, &patch, src, oy, ox, int8(pk.xzp))
		convQ8C3Vnni(&patch[0], &patch[9], &patch[18], &pk.w[0], &pk.bias[0], &rq.Scale[0], &dst[(oy*p.OutW+ox)*C], 1, 0, nblk,
			rq.ZeroPoint, rq.Min, rq.Max)
	})
}
