package generic

// Depthwise convolution, one output row at a time. The row is initialised
// with the bias, then every in-bounds kernel row ky adds its taps in one pass
// over the output row: interior pixels (whose KW taps are all inside the
// input) through a loop with no per-tap bounds checks and the channel loop
// innermost, fusing a 3-wide kernel row into one pass (dw3); the few edge
// pixels through a clipped per-pixel loop (tapRange). Finally the row is
// clamped (float32) or requantized (int8).
//
// Float sums follow the reference order exactly: bias, then taps by ky, then
// kx; an output element is stored and reloaded between passes, which is
// exact.

// dwconvF32 is the loop behind DWConvF32.
func dwconvF32(p *ConvParams, dst, src, w, bias []float32, y0, y1 int, lo, hi float32) {
	C, W := p.OutC, p.OutW
	xlo, xhi := interiorRange(W, p.StrideW, p.PadLeft, p.KW, p.InW)
	for oy := y0; oy < y1; oy++ {
		out := dst[oy*W*C : (oy+1)*W*C]
		for ox := 0; ox < W; ox++ {
			if bias != nil {
				copy(out[ox*C:ox*C+C], bias[:C])
			} else {
				clear(out[ox*C : ox*C+C])
			}
		}
		ky0, ky1 := tapRange(oy, p.StrideH, p.PadTop, p.KH, p.InH)
		for ky := ky0; ky < ky1; ky++ {
			iy := oy*p.StrideH - p.PadTop + ky
			in := src[iy*p.InW*C : (iy+1)*p.InW*C]
			wr := w[ky*p.KW*C : (ky+1)*p.KW*C]
			for ox := 0; ox < W; ox++ {
				if ox == xlo && xlo < xhi {
					ox = xhi - 1 // the interior is done below
					continue
				}
				kx0, kx1 := tapRange(ox, p.StrideW, p.PadLeft, p.KW, p.InW)
				ix := ox*p.StrideW - p.PadLeft
				for kx := kx0; kx < kx1; kx++ {
					dwTapF32(out[ox*C:ox*C+C], in[(ix+kx)*C:], wr[kx*C:])
				}
			}
			if xlo >= xhi {
				continue
			}
			if p.KW == 3 {
				dw3F32(out, in, wr, C, xlo, xhi, p.StrideW, p.PadLeft)
				continue
			}
			for ox := xlo; ox < xhi; ox++ {
				ix := ox*p.StrideW - p.PadLeft
				for kx := 0; kx < p.KW; kx++ {
					dwTapF32(out[ox*C:ox*C+C], in[(ix+kx)*C:], wr[kx*C:])
				}
			}
		}
		for i, v := range out {
			out[i] = clampF32(v, lo, hi)
		}
	}
}

// dw3F32Channels is dw3F32 with the channel loop outermost: the three
// weights stay in registers and, for strides 1 and 2, the taps slide along the
// row so each output loads only the stride's new inputs.
func dw3F32Channels(out, in, w []float32, C, x0, x1, stride, pad int) {
	for c := 0; c < C; c++ {
		v0, v1, v2 := w[c], w[C+c], w[2*C+c]
		i := (x0*stride-pad)*C + c // first tap of output x0
		switch stride {
		case 1:
			a, b := in[i], in[i+C]
			for o := x0*C + c; o < x1*C; o += C {
				n := in[i+2*C]
				acc := out[o]
				acc += a * v0
				acc += b * v1
				acc += n * v2
				out[o] = acc
				a, b = b, n
				i += C
			}
		case 2:
			a := in[i]
			for o := x0*C + c; o < x1*C; o += C {
				b, n := in[i+C], in[i+2*C]
				acc := out[o]
				acc += a * v0
				acc += b * v1
				acc += n * v2
				out[o] = acc
				a = n
				i += 2 * C
			}
		default:
			for o := x0*C + c; o < x1*C; o += C {
				acc := out[o]
				acc += in[i] * v0
				acc += in[i+C] * v1
				acc += in[i+2*C] * v2
				out[o] = acc
				i += stride * C
			}
		}
	}
}

// dw3F32Pixels is dw3F32 with the channel loop innermost (contiguous loads).
func dw3F32Pixels(out, in, w []float32, C, x0, x1, stride, pad int) {
	w0, w1, w2 := w[:C], w[C:2*C], w[2*C:3*C]
	for ox := x0; ox < x1; ox++ {
		o := out[ox*C : ox*C+C]
		ix := (ox*stride - pad) * C
		x := in[ix : ix+3*C]
		a0, a1, a2 := x[:len(o)], x[C:C+len(o)], x[2*C:2*C+len(o)]
		v0, v1, v2 := w0[:len(o)], w1[:len(o)], w2[:len(o)]
		for c, acc := range o {
			acc += a0[c] * v0[c]
			acc += a1[c] * v1[c]
			acc += a2[c] * v2[c]
			o[c] = acc
		}
	}
}

// dwChannelsMaxC is the largest channel count for which the channel-outer
// loops win: they walk the row with a stride of C elements, and beyond 128
// channels (512-byte strides) cache-set conflicts cost more than the saved
// loads (measured on the 1.0/224 layers: 32-128 channels faster, 256-1024
// slower).
const dwChannelsMaxC = 128

// dw3F32 adds a full 3-wide kernel row w ([3][C]) to the interior outputs
// [x0, x1) of out from input row in, the taps in kx order, choosing the loop
// order by channel count.
func dw3F32(out, in, w []float32, C, x0, x1, stride, pad int) {
	if C <= dwChannelsMaxC {
		dw3F32Channels(out, in, w, C, x0, x1, stride, pad)
		return
	}
	dw3F32Pixels(out, in, w, C, x0, x1, stride, pad)
}

// dwTapF32 adds one tap to acc: acc[c] += x[c]*w[c].
func dwTapF32(acc, x, w []float32) {
	x, w = x[:len(acc)], w[:len(acc)]
	for c := range acc {
		acc[c] += x[c] * w[c]
	}
}
