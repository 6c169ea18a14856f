//go:build gc && !purego

package amd64

import (
	"fmt"
	"math"

	"github.com/edgecam/edgecam/kernels/generic"
)

// Bounds of the VNNI depthwise kernel's stack buffers: it takes at most
// dwVnniMaxC channels, rows of tap triplets (OutW*C*4 bytes) of at most
// dwVnniMaxT bytes and padded input rows (((OutW-1)*s+3)*C bytes) of at most
// dwVnniMaxRow. Every MobileNet-V1 depthwise layer up to a 448x448 input
// fits.
const (
	dwVnniMaxC   = 1024
	dwVnniMaxT   = 32 << 10
	dwVnniMaxRow = 16 << 10
)

// SupportsDWConvQ8VNNI reports whether DWConvQ8VNNI computes p with weights
// w, weight zero points wzp, input zero point xzp and requantization rq:
// what SupportsDWConvQ8 takes, with a multiple of 16 channels within the
// stack buffers' bounds and every weight minus its zero point in
// [-128, 127] (VPDPBUSD multiplies signed bytes: the int8 models' case, not
// legacy uint8 weights minus a zero point).
func SupportsDWConvQ8VNNI(p *generic.ConvParams, w []int8, wzp []int32, xzp int32, rq *generic.Requant) bool {
	return int8Clamp(rq) && packableDWConvQ8VNNI(p, w, wzp, xzp)
}

// packableDWConvQ8VNNI is what PackDWConvQ8VNNI takes: SupportsDWConvQ8VNNI
// without the requantization.
func packableDWConvQ8VNNI(p *generic.ConvParams, w []int8, wzp []int32, xzp int32) bool {
	C := p.OutC
	if !supportsDW3x3(p) || !inInt8(xzp) || C%16 != 0 || C > dwVnniMaxC || len(w) < 9*C || len(wzp) < C {
		return false
	}
	padW := (p.OutW-1)*p.StrideW + 3 // padded input pixels the outputs read
	if p.OutW*C*4 > dwVnniMaxT || padW*C > dwVnniMaxRow {
		return false
	}
	for i, v := range w[:9*C] {
		if d := int16(v) - int16(wzp[i%C]); d < -128 || d > 127 {
			return false
		}
	}
	return true
}

// DWConvQ8VNNIWeights is one layer's weights and folded bias as
// DWConvQ8VNNI reads them, made once by PackDWConvQ8VNNI for one input zero
// point.
type DWConvQ8VNNIWeights struct {
	w    []int8  // [C/16][ky][16 channels][4]: (w0, w1, w2, 0) per kernel row
	bias []int32 // bias[c] - (xzp+128)*sum of the 9 weights
	xzp  int32
}

// PackDWConvQ8VNNI lays the weights minus their zero points (W =
// generic.PackDWConvQ8) out as VPDPBUSD operands, one dword (w0, w1, w2, 0)
// per kernel row and channel:
//
//	packed[((c/16*3+ky)*16+c%16)*4+kx] = W[(ky*3+kx)*C+c]
//
// and folds both input offsets into the bias, bias'[c] = bias[c] -
// (xzp+128)*sum_t W[t*C+c]: the kernel biases the inputs to uint8 (x+128).
// It panics on a layer SupportsDWConvQ8VNNI rejects for its shape, weights
// or xzp.
func PackDWConvQ8VNNI(p *generic.ConvParams, w []int8, wzp, bias []int32, xzp int32) *DWConvQ8VNNIWeights {
	C := p.OutC
	if !packableDWConvQ8VNNI(p, w, wzp, xzp) || (bias != nil && len(bias) < C) {
		panic(fmt.Sprintf("amd64.PackDWConvQ8VNNI: unsupported layer, input zero point %d, weights beyond int8 after their zero point, or short bias (%d) for %+v",
			xzp, len(bias), *p))
	}
	w16 := generic.PackDWConvQ8(p, w, wzp)
	pk := &DWConvQ8VNNIWeights{w: make([]int8, 3*4*C), bias: make([]int32, C), xzp: xzp}
	for c := 0; c < C; c++ {
		var sum int32
		for ky := 0; ky < 3; ky++ {
			for kx := 0; kx < 3; kx++ {
				v := w16[(ky*3+kx)*C+c]
				sum += int32(v)
				pk.w[((c/16*3+ky)*16+c%16)*4+kx] = int8(v)
			}
		}
		if bias != nil {
			pk.bias[c] = bias[c]
		}
		pk.bias[c] -= (xzp + 128) * sum
	}
	return pk
}

// DWConvQ8VNNI is DWConvQ8AVX2 with AVX-512 VNNI (needs HasVNNI), the
// weights and bias packed by PackDWConvQ8VNNI. Each input row the output
// rows need is padded with xzp, laid out once as (x0, x1, x2) tap triplets
// biased to uint8 (dwQ8TripletsVnni, kept for the next output rows in a
// ring of three), and one VPDPBUSD per kernel row multiplies a triplet by
// the kernel row's three weights. Padded taps hold xzp, which the bias fold
// cancels, so edges need no special case. Bit-exact with generic. It panics
// unless SupportsDWConvQ8VNNI takes the layer.
func DWConvQ8VNNI(p *generic.ConvParams, dst, src []int8, pk *DWConvQ8VNNIWeights, rq *generic.Requant, y0, y1 int) {
	C := p.OutC
	s := p.StrideW
	padW := (p.OutW-1)*s + 3 // padded input pixels the outputs read
	if !supportsDW3x3(p) || C%16 != 0 || C > dwVnniMaxC || p.OutW*C*4 > dwVnniMaxT || padW*C > dwVnniMaxRow || !int8Clamp(rq) {
		panic(fmt.Sprintf("amd64.DWConvQ8VNNI: unsupported layer %+v or %s", *p, rqString(rq)))
	}
	if y0 < 0 || y1 > p.OutH || len(src) < p.InH*p.InW*C || len(dst) < p.OutH*p.OutW*C || len(pk.w) != 3*4*C ||
		len(pk.bias) != C || len(rq.Scale) < C {
		panic(fmt.Sprintf("amd64.DWConvQ8VNNI: short buffers, weights packed for another layer, or rows [%d,%d) for %+v", y0, y1, *p))
	}
	if y0 >= y1 || p.OutW <= 0 {
		return
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
				padRowQ8(p, row[:padW*C], src, iy, int8(pk.xzp))
				dwQ8TripletsVnni(&row[0], &ring[slot][0], p.OutW, nblk, s*C, C)
				ringRow[slot] = iy
			}
			t[ky] = &ring[slot][0]
		}
		dwQ8Vnni(t[0], t[1], t[2], &pk.w[0], &pk.bias[0], &rq.Scale[0], &dst[oy*p.OutW*C], p.OutW, nblk, rq.ZeroPoint, rq.Min, rq.Max)
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
