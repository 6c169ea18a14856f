package resample

import "math"

// The filter reproduces Pillow's Image.resize(..., Image.BILINEAR)
// (libImaging/Resample.c) bit for bit: a separable triangle filter whose
// support is scaled by the downscale factor (antialiasing), coefficients
// normalised per output pixel and rounded to 22-bit fixed point, a horizontal
// pass rounded to uint8, then a vertical pass rounded to uint8.

// precisionBits is Pillow's PRECISION_BITS (32 - 8 - 2).
const precisionBits = 32 - 8 - 2

// Taps is the fixed-point filter of one axis: output pixel i reads n[i]
// inputs starting at first[i], with weights w[i*k : i*k+n[i]].
type Taps struct {
	k     int // maximum number of taps per output pixel
	first []int32
	n     []int32
	w     []int32
	// First8 is the same filter as exactly 8 taps per output (zero-padded,
	// windows shifted to stay inside the input), for the unrolled passes:
	// output i reads inputs First8[i] .. First8[i]+7. Nil when the filter
	// is wider than 8 taps or the input narrower than 8 pixels.
	First8 []int32
	w8     []int32
}

// triangle is Pillow's bilinear_filter.
func triangle(x float64) float64 {
	if x < 0 {
		x = -x
	}
	if x < 1 {
		return 1 - x
	}
	return 0
}

// newTaps computes the coefficients for resampling the input range
// [in0, in1) of an axis of inSize pixels to outSize pixels, exactly as
// Pillow's precompute_coeffs and normalize_coeffs_8bpc do.
func newTaps(inSize int, in0, in1 float64, outSize int) *Taps {
	scale := (in1 - in0) / float64(outSize)
	filterscale := scale
	if filterscale < 1 {
		filterscale = 1
	}
	support := 1.0 * filterscale
	k := int(math.Ceil(support))*2 + 1
	t := &Taps{k: k, first: make([]int32, outSize), n: make([]int32, outSize), w: make([]int32, outSize*k)}
	pre := make([]float64, k)
	for xx := 0; xx < outSize; xx++ {
		// float64(...) stops the compiler fusing into an FMA, which would
		// change the rounding on arm64.
		center := in0 + float64((float64(xx)+0.5)*scale)
		ss := 1.0 / filterscale
		xmin := int(center - support + 0.5)
		if xmin < 0 {
			xmin = 0
		}
		xmax := int(center + support + 0.5)
		if xmax > inSize {
			xmax = inSize
		}
		xmax -= xmin
		if xmax > k {
			xmax = k
		}
		ww := 0.0
		for x := 0; x < xmax; x++ {
			w := triangle(float64((float64(x+xmin) - center + 0.5) * ss))
			pre[x] = w
			ww += w
		}
		for x := 0; x < xmax; x++ {
			v := pre[x]
			if ww != 0 {
				v /= ww
			}
			if v < 0 {
				t.w[xx*k+x] = int32(-0.5 + v*(1<<precisionBits))
			} else {
				t.w[xx*k+x] = int32(0.5 + v*(1<<precisionBits))
			}
		}
		t.first[xx] = int32(xmin)
		t.n[xx] = int32(xmax)
	}
	if k <= 8 && inSize >= 8 {
		t.First8 = make([]int32, outSize)
		t.w8 = make([]int32, 8*outSize)
		for xx := range outSize {
			first, n := int(t.first[xx]), int(t.n[xx])
			shift := max(0, first+8-inSize)
			t.First8[xx] = int32(first - shift)
			copy(t.w8[8*xx+shift:8*xx+shift+n], t.w[xx*k:xx*k+n])
		}
	}
	return t
}

// span returns the first input index used and one past the last.
func (t *Taps) span() (lo, hi int) {
	n := len(t.first)
	if n == 0 {
		return 0, 0
	}
	return int(t.first[0]), int(t.first[n-1] + t.n[n-1])
}

// clip8 is Pillow's clip8: a rounded fixed-point sum to a byte.
func clip8(v int32) byte {
	if v >= 255<<precisionBits {
		return 255
	}
	if v <= 0 {
		return 0
	}
	return byte(v >> precisionBits)
}

// Horizontal3 resamples one row of packed RGB into dst (len = 3*outSize).
func (t *Taps) Horizontal3(dst, src []byte) {
	if t.First8 != nil {
		t.horizontal3x8(dst, src)
		return
	}
	k := t.k
	const half = 1 << (precisionBits - 1)
	for xx, first := range t.first {
		n := int(t.n[xx])
		w := t.w[xx*k : xx*k+n]
		s := src[int(first)*3:]
		r, g, b := int32(half), int32(half), int32(half)
		for i, c := range w {
			j := 3 * i
			if j+2 >= len(s) {
				break
			}
			r += int32(s[j]) * c
			g += int32(s[j+1]) * c
			b += int32(s[j+2]) * c
		}
		d := dst[3*xx : 3*xx+3 : 3*xx+3]
		d[0], d[1], d[2] = clip8(r), clip8(g), clip8(b)
	}
}

// horizontal3x8 is Horizontal3 with the 8-tap padded filter, unrolled and
// free of bounds checks in the loop body. Zero taps add nothing, so the
// sums, and the result, are the same.
func (t *Taps) horizontal3x8(dst, src []byte) {
	const half = 1 << (precisionBits - 1)
	dst = dst[:3*len(t.First8)]
	for xx, first := range t.First8 {
		s := (*[24]byte)(src[int(first)*3:])
		w := (*[8]int32)(t.w8[8*xx:])
		r := half + int32(s[0])*w[0] + int32(s[3])*w[1] + int32(s[6])*w[2] + int32(s[9])*w[3] +
			int32(s[12])*w[4] + int32(s[15])*w[5] + int32(s[18])*w[6] + int32(s[21])*w[7]
		g := half + int32(s[1])*w[0] + int32(s[4])*w[1] + int32(s[7])*w[2] + int32(s[10])*w[3] +
			int32(s[13])*w[4] + int32(s[16])*w[5] + int32(s[19])*w[6] + int32(s[22])*w[7]
		b := half + int32(s[2])*w[0] + int32(s[5])*w[1] + int32(s[8])*w[2] + int32(s[11])*w[3] +
			int32(s[14])*w[4] + int32(s[17])*w[5] + int32(s[20])*w[6] + int32(s[23])*w[7]
		d := (*[3]byte)(dst[3*xx:])
		d[0], d[1], d[2] = clip8(r), clip8(g), clip8(b)
	}
}

// vertical resamples output row yy from rows (each len(dst) bytes) into dst.
// rows[i] is input row first[yy]+i.
func (t *Taps) vertical(dst []byte, yy int, rows [][]byte, acc []int32) {
	k := t.k
	n := int(t.n[yy])
	w := t.w[yy*k : yy*k+n]
	acc = acc[:len(dst)]
	for x := range acc {
		acc[x] = 1 << (precisionBits - 1)
	}
	for i, c := range w {
		row := rows[i][:len(acc)]
		for x, v := range row {
			acc[x] += int32(v) * c
		}
	}
	for x, v := range acc {
		dst[x] = clip8(v)
	}
}

// Vertical8 is the vertical pass with the 8-tap padded filter: output row
// yy into dst from rows, where rows[i] is input row First8[yy]+i (rows of
// zero weight may be any row of the right length). Every byte is filtered
// on its own, so it serves planar and packed data alike. Only valid when
// First8 is not nil.
func (t *Taps) Vertical8(dst []byte, yy int, rows *[8][]byte) {
	const half = 1 << (precisionBits - 1)
	w := (*[8]int32)(t.w8[8*yy:])
	n := len(dst)
	r0, r1, r2, r3 := rows[0][:n], rows[1][:n], rows[2][:n], rows[3][:n]
	r4, r5, r6, r7 := rows[4][:n], rows[5][:n], rows[6][:n], rows[7][:n]
	w0, w1, w2, w3, w4, w5, w6, w7 := w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]
	for x := range dst {
		s := half + int32(r0[x])*w0 + int32(r1[x])*w1 + int32(r2[x])*w2 + int32(r3[x])*w3 +
			int32(r4[x])*w4 + int32(r5[x])*w5 + int32(r6[x])*w6 + int32(r7[x])*w7
		dst[x] = clip8(s)
	}
}
