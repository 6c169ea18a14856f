package generic

// AvgPoolF32 is a KHxKW average pool (InC == OutC == C) over the whole output,
// the mean of the in-bounds taps only (padding is not counted):
//
//	for oy, ox, c:
//		sum, count := float32(0), 0
//		for ky := 0; ky < p.KH; ky++ {
//			for kx := 0; kx < p.KW; kx++ {
//				iy, ix := oy*p.StrideH-p.PadTop+ky, ox*p.StrideW-p.PadLeft+kx
//				if iy, ix in bounds {
//					sum += src[(iy*p.InW+ix)*C+c]
//					count++
//				}
//			}
//		}
//		dst[(oy*p.OutW+ox)*C+c] = min(max(sum/float32(count), lo), hi)  // 0 when count == 0
func AvgPoolF32(p *ConvParams, dst, src []float32, lo, hi float32) {
	if globalPool(p) { // avgpool_global.go: the same results by row sums
		avgPoolF32Global(p, dst, src, lo, hi)
		return
	}
	C := p.OutC
	for oy := 0; oy < p.OutH; oy++ {
		ky0, ky1 := tapRange(oy, p.StrideH, p.PadTop, p.KH, p.InH)
		for ox := 0; ox < p.OutW; ox++ {
			kx0, kx1 := tapRange(ox, p.StrideW, p.PadLeft, p.KW, p.InW)
			count := (ky1 - ky0) * (kx1 - kx0)
			out := dst[(oy*p.OutW+ox)*C : (oy*p.OutW+ox)*C+C]
			for c := range out {
				var sum float32
				for ky := ky0; ky < ky1; ky++ {
					iy := oy*p.StrideH - p.PadTop + ky
					for kx := kx0; kx < kx1; kx++ {
						ix := ox*p.StrideW - p.PadLeft + kx
						sum += src[(iy*p.InW+ix)*C+c]
					}
				}
				var v float32
				if count > 0 {
					v = sum / float32(count)
				}
				out[c] = clampF32(v, lo, hi)
			}
		}
	}
}

// AvgPoolQ8 is the int8 average pool: with scale = s_in/s_out, the exact
// integer sum of (x - xzp) over the in-bounds taps (count of them, padding
// excluded, as in AvgPoolF32) is scaled once in float32 and rounded half away
// from zero:
//
//	sum := int32(0)
//	for each in-bounds tap: sum += int32(src[(iy*p.InW+ix)*C+c]) - xzp
//	f := float32(float32(sum) * scale) / float32(count)
//	dst[(oy*p.OutW+ox)*C+c] = int8(min(max(RoundHalfAway(f)+ozp, lo), hi))
//
// An output with no in-bounds tap gets clamp(ozp, lo, hi). lo and hi lie in
// [-128, 127].
func AvgPoolQ8(p *ConvParams, dst, src []int8, xzp int32, scale float32, ozp, lo, hi int32) {
	if globalPool(p) { // avgpool_global.go: the same results by row sums
		avgPoolQ8Global(p, dst, src, xzp, scale, ozp, lo, hi)
		return
	}
	C := p.OutC
	for oy := 0; oy < p.OutH; oy++ {
		ky0, ky1 := tapRange(oy, p.StrideH, p.PadTop, p.KH, p.InH)
		for ox := 0; ox < p.OutW; ox++ {
			kx0, kx1 := tapRange(ox, p.StrideW, p.PadLeft, p.KW, p.InW)
			count := (ky1 - ky0) * (kx1 - kx0)
			out := dst[(oy*p.OutW+ox)*C : (oy*p.OutW+ox)*C+C]
			for c := range out {
				sum := windowSumQ8(p, src, oy, ox, ky0, ky1, kx0, kx1, c) - xzp*int32(count)
				out[c] = avgQ8(sum, int32(count), scale, ozp, lo, hi)
			}
		}
	}
}

// AvgPoolQ8Same is the integer average pool of TFLite's builtin kernel, for
// an output quantized as its input (what converters write, and what TFLite
// assumes: it averages the stored values and ignores the scales). The sum
// of the stored values (the int8 value plus offset: 128 for a uint8 tensor,
// 0 for int8) over the in-bounds taps is divided by their count, rounding
// half away from zero (for uint8 sums, never negative, that is TFLite's
// (sum + count/2) / count):
//
//	sum := int32(0)
//	for each in-bounds tap: sum += int32(src[(iy*p.InW+ix)*C+c]) + offset
//	r := (|sum| + count/2) / count, with sum's sign
//	dst[(oy*p.OutW+ox)*C+c] = int8(min(max(r-offset, lo), hi))
//
// An output with no in-bounds tap gets clamp(-offset, lo, hi). lo and hi
// lie in [-128, 127].
func AvgPoolQ8Same(p *ConvParams, dst, src []int8, offset, lo, hi int32) {
	if globalPool(p) { // avgpool_global.go: the same results by row sums
		avgPoolQ8SameGlobal(p, dst, src, offset, lo, hi)
		return
	}
	C := p.OutC
	for oy := 0; oy < p.OutH; oy++ {
		ky0, ky1 := tapRange(oy, p.StrideH, p.PadTop, p.KH, p.InH)
		for ox := 0; ox < p.OutW; ox++ {
			kx0, kx1 := tapRange(ox, p.StrideW, p.PadLeft, p.KW, p.InW)
			count := int32((ky1 - ky0) * (kx1 - kx0))
			out := dst[(oy*p.OutW+ox)*C : (oy*p.OutW+ox)*C+C]
			for c := range out {
				sum := windowSumQ8(p, src, oy, ox, ky0, ky1, kx0, kx1, c) + offset*count
				out[c] = avgQ8Same(sum, count, offset, lo, hi)
			}
		}
	}
}

// windowSumQ8 is the sum of channel c of src over the in-bounds taps
// [ky0, ky1) x [kx0, kx1) of output (oy, ox) (int32, wrapping).
func windowSumQ8(p *ConvParams, src []int8, oy, ox, ky0, ky1, kx0, kx1, c int) int32 {
	var sum int32
	for ky := ky0; ky < ky1; ky++ {
		row := ((oy*p.StrideH-p.PadTop+ky)*p.InW + ox*p.StrideW - p.PadLeft) * p.OutC
		for kx := kx0; kx < kx1; kx++ {
			sum += int32(src[row+kx*p.OutC+c])
		}
	}
	return sum
}

// avgQ8 is AvgPoolQ8's output for a window whose sum of x - xzp is sum over
// count taps (count 0: clamp(ozp)).
func avgQ8(sum, count int32, scale float32, ozp, lo, hi int32) int8 {
	r := int32(0)
	if count > 0 {
		f := float32(float32(sum)*scale) / float32(count)
		r = RoundHalfAway(f)
	}
	return int8(clampI32(r+ozp, lo, hi))
}

// avgQ8Same is AvgPoolQ8Same's output for a window whose sum of stored
// values is sum over count taps (count 0: clamp(-offset)).
func avgQ8Same(sum, count, offset, lo, hi int32) int8 {
	r := int32(0)
	if count > 0 {
		if sum >= 0 {
			r = (sum + count/2) / count
		} else {
			r = (sum - count/2) / count
		}
	}
	return int8(clampI32(r-offset, lo, hi))
}
