//go:build gc && !purego

package amd64

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
)

// convQ8Pairs is the number of int16 weight pairs per kernel row of the
// int8 kernel: taps (0,1), (2,3), (4,5), (6,7) and (7,8) with a zero first
// weight, so no byte past a row's 9 inputs is read.
const convQ8Pairs = 5

// Conv3x3C3Q8AVX2 is generic.ConvQ8 for a 3x3 convolution of 3 input
// channels with AVX2, bit-exact:
//
//	acc = bias[oc] + sum_{ky,kx in bounds, ic} (src[(iy*InW+ix)*3+ic] - xzp) * w[((oc*3+ky)*3+kx)*3+ic]
//	dst[(oy*OutW+ox)*OutC+oc] = generic.Requantize(acc, rq.Scale[oc], rq.ZeroPoint, rq.Min, rq.Max)
//
// for rows [y0, y1). The input zero point moves into the bias, bias'[oc] =
// bias[oc] - xzp*sum_t w[oc][t] (exact modulo 2^32, as generic's sums), and
// VPMADDWD multiplies raw int8 inputs by int16 weights two taps at a time;
// padded taps hold xzp in the patch, which the fold cancels. xzp or a clamp
// outside int8 runs generic.
func Conv3x3C3Q8AVX2(p *generic.ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant, y0, y1 int) {
	convC3Check("Conv3x3C3Q8AVX2", p, len(src), len(dst), len(w), bias != nil, len(bias), y0, y1)
	C := p.OutC
	if len(rq.Scale) < C {
		panic(fmt.Sprintf("amd64.Conv3x3C3Q8AVX2: %d scales for %d channels", len(rq.Scale), C))
	}
	if y0 >= y1 || p.OutW <= 0 {
		return
	}
	if xzp < -128 || xzp > 127 || !int8Clamp(rq) {
		generic.ConvQ8(p, dst, src, xzp, w, bias, rq, y0, y1)
		return
	}
	// wt is [OutC/8][ky][pair][8 channels][2 taps].
	var wt [convC3MaxC / 8 * 3 * convQ8Pairs * 8 * 2]int16
	var b [convC3MaxC]int32
	for oc := 0; oc < C; oc++ {
		var sum int32
		for t := 0; t < 27; t++ {
			sum += int32(w[oc*27+t])
		}
		if bias != nil {
			b[oc] = bias[oc]
		}
		b[oc] -= xzp * sum
		for ky := 0; ky < 3; ky++ {
			row := w[oc*27+ky*9 : oc*27+ky*9+9]
			at := func(pair, tap int) *int16 {
				return &wt[((((oc/8)*3+ky)*convQ8Pairs+pair)*8+oc%8)*2+tap]
			}
			for pair := 0; pair < 4; pair++ {
				*at(pair, 0), *at(pair, 1) = row[2*pair], row[2*pair+1]
			}
			*at(4, 0), *at(4, 1) = 0, row[8]
		}
	}
	var patch [27]int8
	r, step, nblk := 3*p.InW, 3*p.StrideW, C/8
	convC3Rows(p, y0, y1, func(oy, i, xa, n int) {
		convQ8C3Avx2(&src[i], &src[i+r], &src[i+2*r], &wt[0], &b[0], &rq.Scale[0], &dst[(oy*p.OutW+xa)*C], n, step, nblk,
			rq.ZeroPoint, rq.Min, rq.Max)
	}, func(oy, ox int) {
		convC3Patch(p, &patch, src, oy, ox, int8(xzp))
		convQ8C3Avx2(&patch[0], &patch[9], &patch[18], &wt[0], &b[0], &rq.Scale[0], &dst[(oy*p.OutW+ox)*C], 1, 0, nblk,
			rq.ZeroPoint, rq.Min, rq.Max)
	})
}

// Conv3x3C3Q8VNNI is Conv3x3C3Q8AVX2 with AVX-512 VNNI (needs HasVNNI) for
// the int8 models' case, weights in [-128, 127] and a multiple of 16 output
// channels: inputs are biased to uint8 (x+128) and VPDPBUSD multiplies four
// taps at a time into 16 channels; the bias absorbs both offsets, bias'[oc]
// = bias[oc] - (xzp+128)*sum_t w[oc][t], and padded taps hold xzp in the
// patch, which the fold cancels. Bit-exact with generic (sums modulo 2^32).
// Other weights or channel counts run Conv3x3C3Q8AVX2.
func Conv3x3C3Q8VNNI(p *generic.ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant, y0, y1 int) {
	convC3Check("Conv3x3C3Q8VNNI", p, len(src), len(dst), len(w), bias != nil, len(bias), y0, y1)
	C := p.OutC
	if len(rq.Scale) < C {
		panic(fmt.Sprintf("amd64.Conv3x3C3Q8VNNI: %d scales for %d channels", len(rq.Scale), C))
	}
	narrow := C%16 == 0
	for _, v := range w[:27*C] {
		if v < -128 || v > 127 {
			narrow = false
			break
		}
	}
	if !narrow || xzp < -128 || xzp > 127 || !int8Clamp(rq) {
		Conv3x3C3Q8AVX2(p, dst, src, xzp, w, bias, rq, y0, y1)
		return
	}
	if y0 >= y1 || p.OutW <= 0 {
		return
	}
	// wt is [OutC/16][ky][group][16 channels][4 taps], groups of taps
	// 0-3, 4-7 and (zero, zero, zero, 8).
	var wt [convC3MaxC * 3 * 3 * 4]int8
	var b [convC3MaxC]int32
	for oc := 0; oc < C; oc++ {
		var sum int32
		for t := 0; t < 27; t++ {
			sum += int32(w[oc*27+t])
		}
		if bias != nil {
			b[oc] = bias[oc]
		}
		b[oc] -= (xzp + 128) * sum
		for ky := 0; ky < 3; ky++ {
			row := w[oc*27+ky*9 : oc*27+ky*9+9]
			base := (((oc/16)*3+ky)*3*16 + oc%16) * 4
			for j := 0; j < 8; j++ {
				wt[base+j/4*64+j%4] = int8(row[j])
			}
			wt[base+2*64+3] = int8(row[8])
		}
	}
	var patch [27]int8
	r, step, nblk := 3*p.InW, 3*p.StrideW, C/16
	convC3Rows(p, y0, y1, func(oy, i, xa, n int) {
		convQ8C3Vnni(&src[i], &src[i+r], &src[i+2*r], &wt[0], &b[0], &rq.Scale[0], &dst[(oy*p.OutW+xa)*C], n, step, nblk,
			rq.ZeroPoint, rq.Min, rq.Max)
	}, func(oy, ox int) {
		convC3Patch(p, &patch, src, oy, ox, int8(xzp))
		convQ8C3Vnni(&patch[0], &patch[9], &patch[18], &wt[0], &b[0], &rq.Scale[0], &dst[(oy*p.OutW+ox)*C], 1, 0, nblk,
			rq.ZeroPoint, rq.Min, rq.Max)
	})
}
