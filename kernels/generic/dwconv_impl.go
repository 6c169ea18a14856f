package generic

// Depthwise convolution, walked one output pixel at a time with the channel
// loop innermost. Per pixel the in-bounds taps [ky0,ky1) x [kx0,kx1) are
// worked out once (tapRange), so no tap is bounds-checked: interior pixels get
// the whole window, edge pixels a clipped one. Each kernel row is one pass
// over the channels; a full 3-wide row is fused into a single pass
// (dwRow3F32) that sums its taps in kx order.

// dwconvF32 is the loop behind DWConvF32. The output pixel itself is the
// accumulator: each pass adds its taps to it in the reference order, so the
// sum is the reference's, term for term.
func dwconvF32(p *ConvParams, dst, src, w, bias []float32, y0, y1 int, lo, hi float32) {
	C := p.OutC
	for oy := y0; oy < y1; oy++ {
		ky0, ky1 := tapRange(oy, p.StrideH, p.PadTop, p.KH, p.InH)
		iyBase := oy*p.StrideH - p.PadTop
		for ox := 0; ox < p.OutW; ox++ {
			kx0, kx1 := tapRange(ox, p.StrideW, p.PadLeft, p.KW, p.InW)
			ixBase := ox*p.StrideW - p.PadLeft
			out := dst[(oy*p.OutW+ox)*C : (oy*p.OutW+ox)*C+C]
			if bias != nil {
				copy(out, bias[:C])
			} else {
				clear(out)
			}
			for ky := ky0; ky < ky1 && kx0 < kx1; ky++ {
				// Offsets are taken from the first in-bounds tap kx0:
				// ixBase itself may lie in the left padding.
				row := src[((iyBase+ky)*p.InW+ixBase+kx0)*C:]
				wr := w[(ky*p.KW+kx0)*C:]
				if kx1-kx0 == 3 {
					dwRow3F32(out, row, wr)
					continue
				}
				for t := 0; t < kx1-kx0; t++ {
					dwTapF32(out, row[t*C:], wr[t*C:])
				}
			}
			for c, v := range out {
				out[c] = clampF32(v, lo, hi)
			}
		}
	}
}

// dwRow3F32 adds three horizontally adjacent taps to acc, in kx order:
// acc[c] += x[c]*w[c]; acc[c] += x[C+c]*w[C+c]; acc[c] += x[2C+c]*w[2C+c].
func dwRow3F32(acc, x, w []float32) {
	C := len(acc)
	x0, x1, x2 := x[:C], x[C:2*C], x[2*C:3*C]
	w0, w1, w2 := w[:C], w[C:2*C], w[2*C:3*C]
	for c, a := range acc {
		a += x0[c] * w0[c]
		a += x1[c] * w1[c]
		a += x2[c] * w2[c]
		acc[c] = a
	}
}

// dwTapF32 adds one tap to acc: acc[c] += x[c]*w[c].
func dwTapF32(acc, x, w []float32) {
	x, w = x[:len(acc)], w[:len(acc)]
	for c := range acc {
		acc[c] += x[c] * w[c]
	}
}

// dwChunk is the channel block of the int8 depthwise kernel: its int32
// accumulators live on the stack.
const dwChunk = 64

// dwconvQ8 is the loop behind DWConvQ8. Integer sums are exact in any order,
// so it accumulates a block of channels at a time in a stack buffer.
func dwconvQ8(p *ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *Requant, y0, y1 int) {
	C := p.OutC
	scale := rq.Scale[:C]
	var buf [dwChunk]int32
	for oy := y0; oy < y1; oy++ {
		ky0, ky1 := tapRange(oy, p.StrideH, p.PadTop, p.KH, p.InH)
		iyBase := oy*p.StrideH - p.PadTop
		for ox := 0; ox < p.OutW; ox++ {
			kx0, kx1 := tapRange(ox, p.StrideW, p.PadLeft, p.KW, p.InW)
			ixBase := ox*p.StrideW - p.PadLeft
			out := dst[(oy*p.OutW+ox)*C : (oy*p.OutW+ox)*C+C]
			for c0 := 0; c0 < C; c0 += dwChunk {
				cn := min(dwChunk, C-c0)
				acc := buf[:cn]
				if bias != nil {
					copy(acc, bias[c0:c0+cn])
				} else {
					clear(acc)
				}
				for ky := ky0; ky < ky1 && kx0 < kx1; ky++ {
					row := src[((iyBase+ky)*p.InW+ixBase+kx0)*C+c0:]
					wr := w[(ky*p.KW+kx0)*C+c0:]
					if kx1-kx0 == 3 {
						dwRow3Q8(acc, row, wr, C, xzp)
						continue
					}
					for t := 0; t < kx1-kx0; t++ {
						dwTapQ8(acc, row[t*C:], wr[t*C:], xzp)
					}
				}
				o := out[c0 : c0+cn]
				sc := scale[c0 : c0+cn]
				for c, a := range acc {
					o[c] = Requantize(a, sc[c], rq.ZeroPoint, rq.Min, rq.Max)
				}
			}
		}
	}
}

// dwRow3Q8 adds three horizontally adjacent taps (stride C apart) to acc:
// acc[c] += (x[t*C+c]-xzp)*w[t*C+c] for t = 0, 1, 2.
func dwRow3Q8(acc []int32, x []int8, w []int16, C int, xzp int32) {
	n := len(acc)
	x0, x1, x2 := x[:n], x[C:C+n], x[2*C:2*C+n]
	w0, w1, w2 := w[:n], w[C:C+n], w[2*C:2*C+n]
	for c := range acc {
		acc[c] += (int32(x0[c])-xzp)*int32(w0[c]) + (int32(x1[c])-xzp)*int32(w1[c]) + (int32(x2[c])-xzp)*int32(w2[c])
	}
}

// dwTapQ8 adds one tap to acc: acc[c] += (x[c]-xzp)*w[c].
func dwTapQ8(acc []int32, x []int8, w []int16, xzp int32) {
	x, w = x[:len(acc)], w[:len(acc)]
	for c := range acc {
		acc[c] += (int32(x[c]) - xzp) * int32(w[c])
	}
}
