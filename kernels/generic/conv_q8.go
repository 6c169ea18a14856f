package generic

// ConvQ8 is the int8 twin of ConvF32, exact in int32 arithmetic:
//
//	acc := bias[oc] // 0 when bias is nil
//	for each in-bounds tap (ky, kx) and ic, as in ConvF32:
//		acc += (int32(src[(iy*p.InW+ix)*p.InC+ic]) - xzp) * int32(w[((oc*p.KH+ky)*p.KW+kx)*p.InC+ic])
//	dst[(oy*p.OutW+ox)*p.OutC+oc] = Requantize(acc, rq.Scale[oc], rq.ZeroPoint, rq.Min, rq.Max)
//
// w holds the weights minus their zero point as int16; out-of-bounds taps
// (padding) contribute 0, the real value zero.
func ConvQ8(p *ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *Requant, y0, y1 int) {
	convQ8(p, dst, src, xzp, w, bias, rq, y0, y1)
}

// PackConvQ8 is the pack step of ConvQ8: it returns the weights w,
// [OutC][KH][KW][InC] in the int8 domain, minus their output channel's zero
// point, as int16:
//
//	packed[i] = int16(w[i]) - int16(wzp[i/(KH*KW*InC)])
//
// wzp holds one zero point per output channel (int8 domain), so packed
// values lie in [-255, 255].
func PackConvQ8(p *ConvParams, w []int8, wzp []int32) []int16 {
	per := p.KH * p.KW * p.InC
	packed := make([]int16, p.OutC*per)
	for i := range packed {
		packed[i] = int16(w[i]) - int16(wzp[i/per])
	}
	return packed
}
