//go:build gc && !purego

package amd64

import (
	"fmt"
	"math"

	"github.com/edgecam/edgecam/kernels/generic"
)

// Bounds of the VNNI depthwise kernel's stack buffers: a layer runs
// DWConv3x3Q8AVX2 instead when C > dwVnniMaxC, when a row of tap triplets
// (OutW*C*4 bytes) exceeds dwVnniMaxT or a padded input row (((OutW-1)*s+3)*C
// bytes) exceeds dwVnniMaxRow. Every MobileNet-V1 depthwise layer up to a
// 448x448 input fits.
const (
	dwVnniMaxC   = 1024
	dwVnniMaxT   = 32 << 10
	dwVnniMaxRow = 16 << 10
)

// DWConv3x3Q8VNNI is DWConv3x3Q8AVX2 with AVX-512 VNNI (needs HasVNNI) for
// the int8 models' case: weights in [-128, 127] and a multiple of 16
// channels. Each input row the output rows need is padded with xzp, laid
// out once as (x0, x1, x2) tap triplets biased to uint8 (dwQ8TripletsVnni,
// kept for the next output rows in a ring of three), and one VPDPBUSD per
// kernel row multiplies a triplet by the kernel row's three weights. The
// bias absorbs both offsets, bias'[c] = bias[c] - (xzp+128)*sum of the 9
// weights; padded taps hold xzp, which the fold cancels, so edges need no
// special case. Bit-exact with generic; other weights, channel counts, zero
// points, clamps or sizes run DWConv3x3Q8AVX2.
func DWConv3x3Q8VNNI(p *generic.ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant, y0, y1 int) {
	C := p.OutC
	if !SupportsDWConv3x3(p) {
		panic(fmt.Sprintf("amd64.DWConv3x3Q8VNNI: unsupported shape %+v", *p))
	}
	if y0 < 0 || y1 > p.OutH || len(src) < p.InH*p.InW*C || len(dst) < p.OutH*p.OutW*C || len(w) < 9*C ||
		(bias != nil && len(bias) < C) || len(rq.Scale) < C {
		panic(fmt.Sprintf("amd64.DWConv3x3Q8VNNI: short buffers or rows [%d,%d) for %+v", y0, y1, *p))
	}
	s := p.StrideW
	padW := (p.OutW-1)*s + 3 // padded input pixels the outputs read
	if C%16 != 0 || C > dwVnniMaxC || p.OutW*C*4 > dwVnniMaxT || padW*C > dwVnniMaxRow ||
		xzp < -128 || xzp > 127 || !int8Clamp(rq) || !int8Weights(w[:9*C]) {
		DWConv3x3Q8AVX2(p, dst, src, xzp, w, bias, rq, y0, y1)
		return
	}
	if y0 >= y1 || p.OutW <= 0 {
		return
	}
	var wp [3 * 4 * dwVnniMaxC]int8 // [C/16][ky][16][4]
	var b [dwVnniMaxC]int32
	for c := 0; c < C; c++ {
		var sum int32
		for ky := 0; ky < 3; ky++ {
			for kx := 0; kx < 3; kx++ {
				v := w[(ky*3+kx)*C+c]
				sum += int32(v)
				wp[((c/16*3+ky)*16+c%16)*4+kx] = int8(v)
			}
		}
		if bias != nil {
			b[c] = bias[c]
		}
		b[c] -= (xzp + 128) * sum
	}
	var ring [3][dwVnniMaxT]int8
	ringRow := [3]int{math.MinInt, math.MinInt, math.MinInt} // the padded input row each slot holds
	var row [dwVnniMaxRow]int8
	nblk := C / 16
	for oy := y0; oy < y1; oy++ {
		var t [3]*int8
		for ky := 0; ky < 3; ky++ {
			iy := oy*p.StrideH - p.PadTop + ky
			slot := (iy%3 + 3) % 3
			if ringRow[slot] != iy {
				padRowQ8(p, row[:padW*C], src, iy, int8(xzp))
				dwQ8TripletsVnni(&row[0], &ring[slot][0], p.OutW, nblk, s*C, C)
				ringRow[slot] = iy
			}
			t[ky] = &ring[slot][0]
		}
		dwQ8Vnni(t[0], t[1], t[2], &wp[0], &b[0], &rq.Scale[0], &dst[oy*p.OutW*C], p.OutW, nblk, rq.ZeroPoint, rq.Min, rq.Max)
	}
}

// padRowQ8 fills row (padded pixels px = 0.. of C bytes, px = ix+PadLeft)
// with input row iy, and xzp where the pixel or the whole row lies outside
// the image.
func padRowQ8(p *generic.ConvParams, row, src []int8, iy int, xzp int8) {
	C := p.OutC
	n := len(row) / C
	lo, hi := 0, 0 // padded pixels [lo, hi) come from the image
	if iy >= 0 && iy < p.InH {
		lo = min(p.PadLeft, n)
		hi = min(p.PadLeft+p.InW, n)
	}
	fillQ8(row[:lo*C], xzp)
	if hi > lo {
		copy(row[lo*C:hi*C], src[(iy*p.InW+lo-p.PadLeft)*C:])
	}
	fillQ8(row[max(hi, lo)*C:], xzp)
}

// fillQ8 sets every element of s to v, doubling the filled prefix with copy.
func fillQ8(s []int8, v int8) {
	if len(s) == 0 {
		return
	}
	s[0] = v
	for n := 1; n < len(s); n *= 2 {
		copy(s[n:], s[:n])
	}
}

// int8Weights reports whether every weight lies in [-128, 127], the signed
// byte operand of VPDPBUSD.
func int8Weights(w []int16) bool {
	for _, v := range w {
		if v < -128 || v > 127 {
			return false
		}
	}
	return true
}
