package generic

// DWConvF32 is a depthwise KxK convolution with depth multiplier 1 (InC ==
// OutC == C) writing output rows [y0, y1):
//
//	for oy := y0; oy < y1; oy++ {
//		for ox := 0; ox < p.OutW; ox++ {
//			for c := 0; c < C; c++ {
//				acc := bias[c] // 0 when bias is nil
//				for ky := 0; ky < p.KH; ky++ {
//					for kx := 0; kx < p.KW; kx++ {
//						iy := oy*p.StrideH - p.PadTop + ky
//						ix := ox*p.StrideW - p.PadLeft + kx
//						if iy < 0 || iy >= p.InH || ix < 0 || ix >= p.InW {
//							continue // padding contributes 0
//						}
//						acc += src[(iy*p.InW+ix)*C+c] * w[(ky*p.KW+kx)*C+c]
//					}
//				}
//				dst[(oy*p.OutW+ox)*C+c] = min(max(acc, lo), hi)
//			}
//		}
//	}
//
// w is [KH][KW][C]. Taps are summed in the order above (bias, then ky, then
// kx), so results match this loop exactly wherever both are compiled alike
// (Go may fuse multiply-adds on arm64).
func DWConvF32(p *ConvParams, dst, src, w, bias []float32, y0, y1 int, lo, hi float32) {
	dwconvF32(p, dst, src, w, bias, y0, y1, lo, hi)
}
