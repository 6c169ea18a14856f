package camera

import "math"

// The resampler reproduces Pillow's Image.resize(..., Image.BILINEAR)
// (libImaging/Resample.c) bit for bit: a separable triangle filter whose
// support is scaled by the downscale factor (antialiasing), coefficients
// normalised per output pixel and rounded to 22-bit fixed point, a horizontal
// pass rounded to uint8, then a vertical pass rounded to uint8.

// precisionBits is Pillow's PRECISION_BITS (32 - 8 - 2).
const precisionBits = 32 - 8 - 2

// taps holds the fixed-point filter of one axis: output pixel i reads
// n[i] inputs starting at first[i], with weights w[i*k : i*k+n[i]].
type taps struct {
	k     int // maximum number of taps per output pixel
	first []int32
	n     []int32
	w     []int32
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
func newTaps(inSize int, in0, in1 float64, outSize int) *taps {
	scale := (in1 - in0) / float64(outSize)
	filterscale := scale
	if filterscale < 1 {
		filterscale = 1
	}
	support := 1.0 * filterscale
	k := int(math.Ceil(support))*2 + 1
	t := &taps{k: k, first: make([]int32, outSize), n: make([]int32, outSize), w: make([]int32, outSize*k)}
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
	return t
}

// span returns the first input index used and one past the last.
func (t *taps) span() (lo, hi int) {
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

// horizontal3 resamples one row of packed RGB into dst (len = 3*outSize).
func (t *taps) horizontal3(dst, src []byte) {
	k := t.k
	for xx := range t.first {
		x0 := int(t.first[xx]) * 3
		n := int(t.n[xx])
		w := t.w[xx*k : xx*k+n]
		s := src[x0 : x0+3*n]
		const half = 1 << (precisionBits - 1)
		r, g, b := int32(half), int32(half), int32(half)
		for i, c := range w {
			p := s[3*i : 3*i+3 : 3*i+3]
			r += int32(p[0]) * c
			g += int32(p[1]) * c
			b += int32(p[2]) * c
		}
		d := dst[3*xx : 3*xx+3 : 3*xx+3]
		d[0], d[1], d[2] = clip8(r), clip8(g), clip8(b)
	}
}

// vertical resamples output row yy from rows (each len(dst) bytes) into dst.
// rows[i] is input row first[yy]+i.
func (t *taps) vertical(dst []byte, yy int, rows [][]byte) {
	k := t.k
	n := int(t.n[yy])
	w := t.w[yy*k : yy*k+n]
	const half = 1 << (precisionBits - 1)
	for x := range dst {
		s := int32(half)
		for i, c := range w {
			s += int32(rows[i][x]) * c
		}
		dst[x] = clip8(s)
	}
}
