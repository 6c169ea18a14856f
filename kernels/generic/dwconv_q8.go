package generic

// DWConvQ8 is the int8 twin of DWConvF32, exact in int32 arithmetic:
//
//	acc := bias[c] // 0 when bias is nil
//	for each in-bounds tap (ky, kx), as in DWConvF32:
//		acc += (int32(src[(iy*p.InW+ix)*C+c]) - xzp) * int32(w[(ky*p.KW+kx)*C+c])
//	dst[(oy*p.OutW+ox)*C+c] = Requantize(acc, rq.Scale[c], rq.ZeroPoint, rq.Min, rq.Max)
//
// w holds the weights minus their zero point as int16; padding contributes 0.
func DWConvQ8(p *ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *Requant, y0, y1 int) {
	dwconvQ8(p, dst, src, xzp, w, bias, rq, y0, y1)
}

// PackDWConvQ8 is the pack step of DWConvQ8: it returns the weights w,
// [KH][KW][C] in the int8 domain, minus their channel's zero point, as int16:
//
//	packed[i] = int16(w[i]) - int16(wzp[i%C])
func PackDWConvQ8(p *ConvParams, w []int8, wzp []int32) []int16 {
	C := p.OutC
	packed := make([]int16, p.KH*p.KW*C)
	for i := range packed {
		packed[i] = int16(w[i]) - int16(wzp[i%C])
	}
	return packed
}
