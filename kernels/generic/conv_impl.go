package generic

// Full convolution by im2col: each output row's receptive fields are copied
// into a patch matrix (OutW rows of KH*KW*InC values, in the weights' own
// [KH][KW][InC] order, padding as the real value zero), and the patches are
// multiplied with the filters.

// im2colRowF32 fills patches[ox*P:(ox+1)*P] for output row oy, zero for
// padding.
func im2colRowF32(p *ConvParams, patches, src []float32, oy int) {
	P := p.KH * p.KW * p.InC
	ky0, ky1 := tapRange(oy, p.StrideH, p.PadTop, p.KH, p.InH)
	iyBase := oy*p.StrideH - p.PadTop
	for ox := 0; ox < p.OutW; ox++ {
		kx0, kx1 := tapRange(ox, p.StrideW, p.PadLeft, p.KW, p.InW)
		ix0 := ox*p.StrideW - p.PadLeft + kx0
		patch := patches[ox*P : ox*P+P]
		clear(patch)
		if kx0 >= kx1 {
			continue // the whole window lies in the padding
		}
		for ky := ky0; ky < ky1; ky++ {
			from := src[((iyBase+ky)*p.InW+ix0)*p.InC:]
			copy(patch[(ky*p.KW+kx0)*p.InC:(ky*p.KW+kx1)*p.InC], from)
		}
	}
}

// convF32 is the loop behind ConvF32: im2col per output row, then the
// pointwise GEMM over the row's patches.
func convF32(p *ConvParams, dst, src, w, bias []float32, y0, y1 int, lo, hi float32) {
	if y0 >= y1 || p.OutW <= 0 || p.OutC <= 0 {
		return
	}
	P := p.KH * p.KW * p.InC
	packed := PackPointwiseF32(w[:p.OutC*P], p.OutC, P)
	patches := make([]float32, p.OutW*P)
	rowLen := p.OutW * p.OutC
	for oy := y0; oy < y1; oy++ {
		im2colRowF32(p, patches, src, oy)
		pointwiseF32(dst[oy*rowLen:(oy+1)*rowLen], patches, p.OutW, P, p.OutC, packed, bias, lo, hi)
	}
}

// convQ8MaxTaps bounds the taps one SWAR lane sums: with |x-xzp| <= 255 and
// |w| <= 32768 a product stays below 2^23, and 256 of them below 2^31.
const convQ8MaxTaps = 256

// convQ8 is the loop behind ConvQ8: im2col of x-xzp per output row (padding
// 0), then two output channels at a time by SWAR, their int16 weights packed
// as w0 + w1<<32 in one int64 (see splitLanes).
func convQ8(p *ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *Requant, y0, y1 int) {
	if y0 >= y1 || p.OutW <= 0 || p.OutC <= 0 {
		return
	}
	if xzp < -128 || xzp > 127 {
		convQ8Plain(p, dst, src, xzp, w, bias, rq, y0, y1)
		return
	}
	P := p.KH * p.KW * p.InC
	pairs := (p.OutC + 1) / 2
	pw := make([]int64, pairs*P)
	for q := 0; q < pairs; q++ {
		w0 := w[2*q*P : 2*q*P+P]
		var w1 []int16
		if 2*q+1 < p.OutC {
			w1 = w[(2*q+1)*P : (2*q+2)*P]
		}
		for t := range w0 {
			v := int64(w0[t])
			if w1 != nil {
				v += int64(w1[t]) << 32
			}
			pw[q*P+t] = v
		}
	}
	patches := make([]int64, p.OutW*P)
	scale := rq.Scale[:p.OutC]
	for oy := y0; oy < y1; oy++ {
		im2colRowQ8(p, patches, src, xzp, oy)
		for ox := 0; ox < p.OutW; ox++ {
			patch := patches[ox*P : ox*P+P]
			out := dst[(oy*p.OutW+ox)*p.OutC : (oy*p.OutW+ox+1)*p.OutC]
			for q0 := 0; q0 < pairs; q0 += 4 {
				// Four pairs (eight output channels) share each patch load.
				var acc [8]int32
				for t0 := 0; t0 < P; t0 += convQ8MaxTaps {
					t1 := min(t0+convQ8MaxTaps, P)
					var s [4]int64
					if q0+4 <= pairs {
						s[0], s[1], s[2], s[3] = dotI64x4(patch[t0:t1], pw[q0*P+t0:q0*P+t1], pw[(q0+1)*P+t0:(q0+1)*P+t1],
							pw[(q0+2)*P+t0:(q0+2)*P+t1], pw[(q0+3)*P+t0:(q0+3)*P+t1])
					} else {
						for q := q0; q < pairs; q++ {
							s[q-q0] = dotI64(patch[t0:t1], pw[q*P+t0:q*P+t1])
						}
					}
					for i, v := range s {
						l0, l1 := splitLanes(v)
						acc[2*i] += l0
						acc[2*i+1] += l1
					}
				}
				for c, a := range acc {
					oc := 2*q0 + c
					if oc >= p.OutC {
						break
					}
					if bias != nil {
						a += bias[oc]
					}
					out[oc] = Requantize(a, scale[oc], rq.ZeroPoint, rq.Min, rq.Max)
				}
			}
		}
	}
}

// dotI64x4 returns the four dot products of a with b0..b3 (wrapping).
func dotI64x4(a, b0, b1, b2, b3 []int64) (s0, s1, s2, s3 int64) {
	n := len(a)
	b0, b1, b2, b3 = b0[:n], b1[:n], b2[:n], b3[:n]
	for i, v := range a {
		s0 += v * b0[i]
		s1 += v * b1[i]
		s2 += v * b2[i]
		s3 += v * b3[i]
	}
	return
}

// dotI64 returns sum_i a[i]*b[i] (wrapping).
func dotI64(a, b []int64) int64 {
	b = b[:len(a)]
	var s int64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// im2colRowQ8 fills patches[ox*P:(ox+1)*P] with x-xzp for output row oy, 0
// for padding.
func im2colRowQ8(p *ConvParams, patches []int64, src []int8, xzp int32, oy int) {
	P := p.KH * p.KW * p.InC
	ky0, ky1 := tapRange(oy, p.StrideH, p.PadTop, p.KH, p.InH)
	iyBase := oy*p.StrideH - p.PadTop
	for ox := 0; ox < p.OutW; ox++ {
		kx0, kx1 := tapRange(ox, p.StrideW, p.PadLeft, p.KW, p.InW)
		ix0 := ox*p.StrideW - p.PadLeft + kx0
		patch := patches[ox*P : ox*P+P]
		clear(patch)
		if kx0 >= kx1 {
			continue // the whole window lies in the padding
		}
		for ky := ky0; ky < ky1; ky++ {
			to := patch[(ky*p.KW+kx0)*p.InC : (ky*p.KW+kx1)*p.InC]
			from := src[((iyBase+ky)*p.InW+ix0)*p.InC:]
			from = from[:len(to)]
			for i, v := range from {
				to[i] = int64(int32(v) - xzp)
			}
		}
	}
}

// convQ8Plain is the reference loop of ConvQ8, used for zero points outside
// the int8 range where the SWAR lanes could overflow.
func convQ8Plain(p *ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *Requant, y0, y1 int) {
	for oy := y0; oy < y1; oy++ {
		ky0, ky1 := tapRange(oy, p.StrideH, p.PadTop, p.KH, p.InH)
		for ox := 0; ox < p.OutW; ox++ {
			kx0, kx1 := tapRange(ox, p.StrideW, p.PadLeft, p.KW, p.InW)
			for oc := 0; oc < p.OutC; oc++ {
				var acc int32
				if bias != nil {
					acc = bias[oc]
				}
				for ky := ky0; ky < ky1; ky++ {
					iy := oy*p.StrideH - p.PadTop + ky
					for kx := kx0; kx < kx1; kx++ {
						ix := ox*p.StrideW - p.PadLeft + kx
						for ic := 0; ic < p.InC; ic++ {
							acc += (int32(src[(iy*p.InW+ix)*p.InC+ic]) - xzp) * int32(w[((oc*p.KH+ky)*p.KW+kx)*p.InC+ic])
						}
					}
				}
				dst[(oy*p.OutW+ox)*p.OutC+oc] = Requantize(acc, rq.Scale[oc], rq.ZeroPoint, rq.Min, rq.Max)
			}
		}
	}
}

// splitLanes returns the two signed 32-bit lane sums packed in s = l0 +
// l1<<32, exact when both lie in the int32 range.
func splitLanes(s int64) (l0, l1 int32) {
	l0 = int32(s)
	return l0, int32((s - int64(l0)) >> 32)
}
