package generic

// ConvF32 is a direct KxK convolution writing output rows [y0, y1):
//
//	for oy := y0; oy < y1; oy++ {
//		for ox := 0; ox < p.OutW; ox++ {
//			for oc := 0; oc < p.OutC; oc++ {
//				acc := bias[oc] // 0 when bias is nil
//				for ky := 0; ky < p.KH; ky++ {
//					for kx := 0; kx < p.KW; kx++ {
//						iy := oy*p.StrideH - p.PadTop + ky
//						ix := ox*p.StrideW - p.PadLeft + kx
//						if iy < 0 || iy >= p.InH || ix < 0 || ix >= p.InW {
//							continue // padding contributes 0
//						}
//						for ic := 0; ic < p.InC; ic++ {
//							acc += src[(iy*p.InW+ix)*p.InC+ic] * w[((oc*p.KH+ky)*p.KW+kx)*p.InC+ic]
//						}
//					}
//				}
//				dst[(oy*p.OutW+ox)*p.OutC+oc] = min(max(acc, lo), hi)
//			}
//		}
//	}
//
// w is [OutC][KH][KW][InC] (TFLite OHWI). The kernel sums the taps in that
// [ky][kx][ic] order from zero (padding as exact zeros) and adds the bias last,
// so it differs from the loop above only by float32 rounding.
func ConvF32(p *ConvParams, dst, src, w, bias []float32, y0, y1 int, lo, hi float32) {
	convF32(p, dst, src, w, bias, y0, y1, lo, hi)
}
