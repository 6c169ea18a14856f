package generic

// Full int8 convolution by direct loops, allocation-free: weights read in
// place ([OutC][KH][KW][InC] rows are contiguous, as in conv_f32_tiled.go),
// taps gathered per pixel into stack buffers.

// convQ8MaxTaps bounds the taps one SWAR lane sums: with |x-xzp| <= 255 and
// |w| <= 32768 a product stays below 2^23, and 256 of them below 2^31.
const convQ8MaxTaps = 256

// convQ8Block is the number of output channels whose accumulators one pass
// over a tile's taps keeps (on the stack).
const convQ8Block = 64

// convQ8 is the loop behind ConvQ8, allocation-free. Output pixels go four
// at a time: their taps (x - xzp, 0 for padding) are gathered in chunks of at
// most convQ8MaxTaps into two stack buffers, two pixels per int64 as
// x0 + x1<<32 (SWAR), so one 64-bit multiply by an int16 weight gives both
// pixels' products (see splitLanes). The weights are read in place, two
// output channels at a time.
func convQ8(p *ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *Requant, y0, y1 int) {
	if y0 >= y1 || p.OutW <= 0 || p.OutC <= 0 {
		return
	}
	if xzp < -128 || xzp > 127 {
		convQ8Plain(p, dst, src, xzp, w, bias, rq, y0, y1)
		return
	}
	P := p.KH * p.KW * p.InC
	W, C := p.OutW, p.OutC
	w = w[:C*P]
	scale := rq.Scale[:C]
	var pairs [2][convQ8MaxTaps]int64
	var acc [convQ8Block][4]int32
	for oy := y0; oy < y1; oy++ {
		out := dst[oy*W*C : (oy+1)*W*C]
		for ox := 0; ox < W; ox += 4 {
			np := min(4, W-ox) // pixels in this tile
			for c0 := 0; c0 < C; c0 += convQ8Block {
				nc := min(convQ8Block, C-c0)
				for c := range nc {
					var b int32
					if bias != nil {
						b = bias[c0+c]
					}
					acc[c] = [4]int32{b, b, b, b}
				}
				for t0 := 0; t0 < P; t0 += convQ8MaxTaps {
					t1 := min(t0+convQ8MaxTaps, P)
					p0, p1 := pairs[0][:t1-t0], pairs[1][:t1-t0]
					clear(p0)
					clear(p1)
					for i := range np {
						buf := p0
						if i >= 2 {
							buf = p1
						}
						gatherLaneQ8(p, buf, src, xzp, oy, ox+i, t0, t1, uint(32*(i&1)))
					}
					c := 0
					for ; c+2 <= nc; c += 2 {
						wa := w[(c0+c)*P+t0 : (c0+c)*P+t1]
						wb := w[(c0+c+1)*P+t0 : (c0+c+1)*P+t1]
						s00, s01, s10, s11 := dotQ8Pairs2(p0, p1, wa, wb)
						addLanes(&acc[c], s00, s01)
						addLanes(&acc[c+1], s10, s11)
					}
					if c < nc {
						wa := w[(c0+c)*P+t0 : (c0+c)*P+t1]
						s00, s01, _, _ := dotQ8Pairs2(p0, p1, wa, wa)
						addLanes(&acc[c], s00, s01)
					}
				}
				for i := range np {
					o := out[(ox+i)*C+c0 : (ox+i)*C+c0+nc]
					for c := range o {
						o[c] = Requantize(acc[c][i], scale[c0+c], rq.ZeroPoint, rq.Min, rq.Max)
					}
				}
			}
		}
	}
}

// addLanes adds the lane sums of two pixel pairs to a's four pixels.
func addLanes(a *[4]int32, s0, s1 int64) {
	l0, l1 := splitLanes(s0)
	l2, l3 := splitLanes(s1)
	a[0] += l0
	a[1] += l1
	a[2] += l2
	a[3] += l3
}

// dotQ8Pairs2 returns the dot products of the pixel-pair taps p0 and p1 with
// the weights of two output channels wa and wb (wrapping; each lane exact,
// see splitLanes).
func dotQ8Pairs2(p0, p1 []int64, wa, wb []int16) (s00, s01, s10, s11 int64) {
	n := len(p0)
	p1, wa, wb = p1[:n], wa[:n], wb[:n]
	for t, x0 := range p0 {
		x1 := p1[t]
		u, v := int64(wa[t]), int64(wb[t])
		s00 += x0 * u
		s01 += x1 * u
		s10 += x0 * v
		s11 += x1 * v
	}
	return
}

// gatherLaneQ8 adds (x - xzp) << shift for the taps [t0, t1) (in [ky][kx][ic]
// order) of output pixel (oy, ox) to buf[0:t1-t0]; padding adds nothing.
func gatherLaneQ8(p *ConvParams, buf []int64, src []int8, xzp int32, oy, ox, t0, t1 int, shift uint) {
	kx0, kx1 := tapRange(ox, p.StrideW, p.PadLeft, p.KW, p.InW)
	if kx0 >= kx1 {
		return // the whole window lies in the padding
	}
	ky0, ky1 := tapRange(oy, p.StrideH, p.PadTop, p.KH, p.InH)
	L := p.KW * p.InC
	ix := ox*p.StrideW - p.PadLeft
	for ky := max(ky0, t0/L); ky < min(ky1, (t1+L-1)/L); ky++ {
		// The kernel row's in-bounds taps, clipped to the chunk.
		a, b := max(ky*L+kx0*p.InC, t0), min(ky*L+kx1*p.InC, t1)
		if a >= b {
			continue
		}
		iy := oy*p.StrideH - p.PadTop + ky
		from := src[(iy*p.InW+ix)*p.InC+a-ky*L:][:b-a]
		to := buf[a-t0 : b-t0]
		to = to[:len(from)]
		for i, v := range from {
			to[i] += int64(int32(v)-xzp) << shift
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
