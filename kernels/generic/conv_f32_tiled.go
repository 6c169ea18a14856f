package generic

// Full convolution by direct loops, allocation-free: no weight repacking and
// no patch buffer on the heap. One kernel row's taps (KW*InC values) are
// contiguous both in an NHWC input row and in a filter [OutC][KH][KW][InC],
// so every in-bounds kernel row is one dot product of two contiguous slices.

// convF32 is the loop behind ConvF32. Interior pixels (every kx tap inside the
// input) go three at a time through a 3-pixel x 2-channel register tile;
// edge pixels go one at a time with their taps clipped.
func convF32(p *ConvParams, dst, src, w, bias []float32, y0, y1 int, lo, hi float32) {
	if y0 >= y1 || p.OutW <= 0 || p.OutC <= 0 {
		return
	}
	W, C := p.OutW, p.OutC
	xlo, xhi := interiorRange(W, p.StrideW, p.PadLeft, p.KW, p.InW)
	for oy := y0; oy < y1; oy++ {
		ky0, ky1 := tapRange(oy, p.StrideH, p.PadTop, p.KH, p.InH)
		out := dst[oy*W*C : (oy+1)*W*C]
		for ox := 0; ox < W; ox++ {
			if ox >= xlo && ox+3 <= xhi && ky0 < ky1 {
				convTileF32(p, out[ox*C:(ox+3)*C], src, w, bias, oy, ox, ky0, ky1, lo, hi)
				ox += 2
				continue
			}
			convPixelF32(p, out[ox*C:(ox+1)*C], src, w, bias, oy, ox, ky0, ky1, lo, hi)
		}
	}
}

// convPixelF32 computes the C outputs of pixel (oy, ox), summing only the
// in-bounds taps, in [ky][kx][ic] order, and the bias last.
func convPixelF32(p *ConvParams, out, src, w, bias []float32, oy, ox, ky0, ky1 int, lo, hi float32) {
	kx0, kx1 := tapRange(ox, p.StrideW, p.PadLeft, p.KW, p.InW)
	if kx0 >= kx1 {
		ky1 = ky0 // the whole window lies in the padding
	}
	L, P := p.KW*p.InC, p.KH*p.KW*p.InC
	n := (kx1 - kx0) * p.InC
	ix := ox*p.StrideW - p.PadLeft + kx0
	for oc := range out {
		var acc float32
		for ky := ky0; ky < ky1; ky++ {
			iy := oy*p.StrideH - p.PadTop + ky
			x := src[(iy*p.InW+ix)*p.InC:][:n]
			wr := w[oc*P+ky*L+kx0*p.InC:][:n]
			for t, v := range x {
				acc += v * wr[t]
			}
		}
		if bias != nil {
			acc += bias[oc]
		}
		out[oc] = clampF32(acc, lo, hi)
	}
}

// convTileF32 computes the 3*C outputs of the interior pixels ox, ox+1, ox+2
// of row oy (kernel rows [ky0, ky1) in bounds, ky0 < ky1), two output
// channels at a time: each input load serves two channels, each weight load
// three pixels.
func convTileF32(p *ConvParams, out, src, w, bias []float32, oy, ox, ky0, ky1 int, lo, hi float32) {
	C := p.OutC
	L, P := p.KW*p.InC, p.KH*p.KW*p.InC
	rowIn, sx := p.InW*p.InC, p.StrideW*p.InC
	// Offset of tap (ky0, 0) of pixel ox.
	x0 := ((oy*p.StrideH-p.PadTop+ky0)*p.InW + ox*p.StrideW - p.PadLeft) * p.InC
	out = out[:3*C]
	oc := 0
	for ; oc+2 <= C; oc += 2 {
		var a00, a01, a10, a11, a20, a21 float32
		xo, wo := x0, oc*P+ky0*L
		for ky := ky0; ky < ky1; ky++ {
			x0, x1, x2 := src[xo:xo+L], src[xo+sx:xo+sx+L], src[xo+2*sx:xo+2*sx+L]
			u0, u1 := w[wo:wo+L], w[wo+P:wo+P+L]
			x1, x2, u0, u1 = x1[:len(x0)], x2[:len(x0)], u0[:len(x0)], u1[:len(x0)]
			for t, v0 := range x0 {
				v1, v2 := x1[t], x2[t]
				w0, w1 := u0[t], u1[t]
				a00 += v0 * w0
				a01 += v0 * w1
				a10 += v1 * w0
				a11 += v1 * w1
				a20 += v2 * w0
				a21 += v2 * w1
			}
			xo += rowIn
			wo += L
		}
		var b0, b1 float32
		if bias != nil {
			b0, b1 = bias[oc], bias[oc+1]
		}
		out[oc], out[oc+1] = clampF32(a00+b0, lo, hi), clampF32(a01+b1, lo, hi)
		out[C+oc], out[C+oc+1] = clampF32(a10+b0, lo, hi), clampF32(a11+b1, lo, hi)
		out[2*C+oc], out[2*C+oc+1] = clampF32(a20+b0, lo, hi), clampF32(a21+b1, lo, hi)
	}
	if oc < C { // odd channel count: the last channel alone
		var a0, a1, a2 float32
		xo, wo := x0, oc*P+ky0*L
		for ky := ky0; ky < ky1; ky++ {
			x, y, z, wr := src[xo:xo+L], src[xo+sx:xo+sx+L], src[xo+2*sx:xo+2*sx+L], w[wo:wo+L]
			y, z, wr = y[:len(x)], z[:len(x)], wr[:len(x)]
			for t, v := range x {
				a0 += v * wr[t]
				a1 += y[t] * wr[t]
				a2 += z[t] * wr[t]
			}
			xo += rowIn
			wo += L
		}
		var b float32
		if bias != nil {
			b = bias[oc]
		}
		out[oc], out[C+oc], out[2*C+oc] = clampF32(a0+b, lo, hi), clampF32(a1+b, lo, hi), clampF32(a2+b, lo, hi)
	}
}
