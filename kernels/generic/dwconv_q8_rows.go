package generic

// The int8 depthwise loop, organised as the float32 one (dwconv_f32_rows.go),
// whose dwChannelsMaxC also chooses the loop order here.

// dwAccLen is the length of the int8 kernel's accumulator array, on the
// stack: the interior start values of C channels and a segment of the output
// row, (dwAccLen-C)/C pixels of C channels (16 KB: every MobileNet depthwise
// layer's row in at most three segments).
const dwAccLen = 4096

// dwconvQ8 is the loop behind DWConvQ8, with int32 accumulators for one
// segment of an output row (exact, so the pass order does not matter). The
// interior 3-wide passes sum x*w without the zero point: interior
// accumulators start from bias[c] - xzp*sum of the row's in-bounds kernel
// rows' weights instead, so the inner loop has no subtraction. Edge pixels
// subtract xzp per tap. It allocates nothing.
func dwconvQ8(p *ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *Requant, y0, y1 int) {
	C, W := p.OutC, p.OutW
	if C <= 0 || W <= 0 {
		return
	}
	if C > dwAccLen/2 {
		dwconvQ8Plain(p, dst, src, xzp, w, bias, rq, y0, y1)
		return
	}
	scale := rq.Scale[:C]
	var buf [dwAccLen]int32
	interiorBias := buf[:C]
	seg := (dwAccLen - C) / C // pixels per segment
	xlo, xhi := interiorRange(W, p.StrideW, p.PadLeft, p.KW, p.InW)
	fold := p.KW == 3 && xlo < xhi // interior passes use dw3Q8
	for oy := y0; oy < y1; oy++ {
		ky0, ky1 := tapRange(oy, p.StrideH, p.PadTop, p.KH, p.InH)
		if bias != nil {
			copy(interiorBias, bias[:C])
		} else {
			clear(interiorBias)
		}
		if fold {
			for ky := ky0; ky < ky1; ky++ {
				wr := w[ky*3*C : (ky+1)*3*C]
				w0, w1, w2 := wr[:C], wr[C:2*C], wr[2*C:3*C]
				for c := range interiorBias {
					interiorBias[c] -= xzp * (int32(w0[c]) + int32(w1[c]) + int32(w2[c]))
				}
			}
		}
		for xs := 0; xs < W; xs += seg {
			xe := min(xs+seg, W)
			acc := buf[C : C+(xe-xs)*C]
			// The segment's interior pixels [ilo, ihi).
			ilo, ihi := max(xlo, xs), min(xhi, xe)
			if ilo > ihi {
				ilo, ihi = xs, xs
			}
			for ox := xs; ox < xe; ox++ {
				a := acc[(ox-xs)*C : (ox-xs+1)*C]
				switch {
				case fold && ox >= ilo && ox < ihi:
					copy(a, interiorBias)
				case bias != nil:
					copy(a, bias[:C])
				default:
					clear(a)
				}
			}
			for ky := ky0; ky < ky1; ky++ {
				iy := oy*p.StrideH - p.PadTop + ky
				in := src[iy*p.InW*C : (iy+1)*p.InW*C]
				wr := w[ky*p.KW*C : (ky+1)*p.KW*C]
				for ox := xs; ox < xe; ox++ {
					if ox == ilo && ilo < ihi {
						ox = ihi - 1 // the interior is done below
						continue
					}
					kx0, kx1 := tapRange(ox, p.StrideW, p.PadLeft, p.KW, p.InW)
					ix := ox*p.StrideW - p.PadLeft
					for kx := kx0; kx < kx1; kx++ {
						dwTapQ8(acc[(ox-xs)*C:(ox-xs+1)*C], in[(ix+kx)*C:], wr[kx*C:], xzp)
					}
				}
				if ilo >= ihi {
					continue
				}
				if fold {
					dw3Q8(acc[(ilo-xs)*C:(ihi-xs)*C], in, wr, C, ilo, ihi, p.StrideW, p.PadLeft)
					continue
				}
				for ox := ilo; ox < ihi; ox++ {
					ix := ox*p.StrideW - p.PadLeft
					for kx := 0; kx < p.KW; kx++ {
						dwTapQ8(acc[(ox-xs)*C:(ox-xs+1)*C], in[(ix+kx)*C:], wr[kx*C:], xzp)
					}
				}
			}
			out := dst[(oy*W+xs)*C : (oy*W+xe)*C]
			for i := 0; i < len(acc); i += C {
				o, a := out[i:i+C], acc[i:i+C]
				for c, v := range a {
					o[c] = Requantize(v, scale[c], rq.ZeroPoint, rq.Min, rq.Max)
				}
			}
		}
	}
}

// dwconvQ8Plain is the reference loop of DWConvQ8, for channel counts too
// large for the stack accumulators.
func dwconvQ8Plain(p *ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *Requant, y0, y1 int) {
	C := p.OutC
	for oy := y0; oy < y1; oy++ {
		ky0, ky1 := tapRange(oy, p.StrideH, p.PadTop, p.KH, p.InH)
		for ox := 0; ox < p.OutW; ox++ {
			kx0, kx1 := tapRange(ox, p.StrideW, p.PadLeft, p.KW, p.InW)
			out := dst[(oy*p.OutW+ox)*C : (oy*p.OutW+ox+1)*C]
			for c := range out {
				var acc int32
				if bias != nil {
					acc = bias[c]
				}
				for ky := ky0; ky < ky1; ky++ {
					iy := oy*p.StrideH - p.PadTop + ky
					for kx := kx0; kx < kx1; kx++ {
						ix := ox*p.StrideW - p.PadLeft + kx
						acc += (int32(src[(iy*p.InW+ix)*C+c]) - xzp) * int32(w[(ky*p.KW+kx)*C+c])
					}
				}
				out[c] = Requantize(acc, rq.Scale[c], rq.ZeroPoint, rq.Min, rq.Max)
			}
		}
	}
}

// dw3Q8Channels is dw3Q8 with the channel loop outermost and sliding taps,
// as in dw3F32Channels.
func dw3Q8Channels(acc []int32, in []int8, w []int16, C, x0, x1, stride, pad int) {
	end := (x1 - x0) * C
	for c := 0; c < C; c++ {
		v0, v1, v2 := int32(w[c]), int32(w[C+c]), int32(w[2*C+c])
		i := (x0*stride-pad)*C + c
		switch stride {
		case 1:
			a, b := int32(in[i]), int32(in[i+C])
			for o := c; o < end; o += C {
				n := int32(in[i+2*C])
				acc[o] += a*v0 + b*v1 + n*v2
				a, b = b, n
				i += C
			}
		case 2:
			a := int32(in[i])
			for o := c; o < end; o += C {
				b, n := int32(in[i+C]), int32(in[i+2*C])
				acc[o] += a*v0 + b*v1 + n*v2
				a = n
				i += 2 * C
			}
		default:
			for o := c; o < end; o += C {
				acc[o] += int32(in[i])*v0 + int32(in[i+C])*v1 + int32(in[i+2*C])*v2
				i += stride * C
			}
		}
	}
}

// dw3Q8Pixels is dw3Q8 with the channel loop innermost (contiguous loads).
func dw3Q8Pixels(acc []int32, in []int8, w []int16, C, x0, x1, stride, pad int) {
	w0, w1, w2 := w[:C], w[C:2*C], w[2*C:3*C]
	for ox := x0; ox < x1; ox++ {
		a := acc[(ox-x0)*C : (ox-x0+1)*C]
		ix := (ox*stride - pad) * C
		x := in[ix : ix+3*C]
		a0, a1, a2 := x[:len(a)], x[C:C+len(a)], x[2*C:2*C+len(a)]
		v0, v1, v2 := w0[:len(a)], w1[:len(a)], w2[:len(a)]
		for c := range a {
			a[c] += int32(a0[c])*int32(v0[c]) + int32(a1[c])*int32(v1[c]) + int32(a2[c])*int32(v2[c])
		}
	}
}

// dw3Q8 adds a full 3-wide kernel row w ([3][C], int16) to the interior
// accumulators of outputs [x0, x1) (acc starts at output x0), without the input zero point (folded into their
// initial value): acc[c] += sum_t x[t][c]*w[t][c]. The loop order follows
// the channel count, as in dw3F32.
func dw3Q8(acc []int32, in []int8, w []int16, C, x0, x1, stride, pad int) {
	if C <= dwChannelsMaxC {
		dw3Q8Channels(acc, in, w, C, x0, x1, stride, pad)
		return
	}
	dw3Q8Pixels(acc, in, w, C, x0, x1, stride, pad)
}

// dwTapQ8 adds one tap to acc: acc[c] += (x[c]-xzp)*w[c].
func dwTapQ8(acc []int32, x []int8, w []int16, xzp int32) {
	x, w = x[:len(acc)], w[:len(acc)]
	for c := range acc {
		acc[c] += (int32(x[c]) - xzp) * int32(w[c])
	}
}
