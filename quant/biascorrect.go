package quant

import "github.com/edgecam/edgecam/runtime"

// biasShift returns, per output channel, the expected change of a conv,
// depthwise or fully connected op's output that replacing the weights w by
// their quantized values dq causes, given the mean inMean[ci] of each input
// channel: Σ (dq - w) * E[x] over the channel's filter taps (borders, where
// padding contributes zeros, are ignored). Subtracting it from the bias is
// the empirical bias correction of Nagel et al., "Data-Free Quantization"
// (2019): the rounding error of a small filter does not average out, and a
// depthwise channel has only 9 taps.
func biasShift(kind runtime.OpKind, shape []int, w, dq []float32, inMean []float64) []float64 {
	if kind == runtime.OpDepthwiseConv2D {
		c := shape[len(shape)-1]
		if len(inMean) != c {
			return nil
		}
		shift := make([]float64, c)
		for i := range w {
			shift[i%c] += float64(dq[i]-w[i]) * inMean[i%c]
		}
		return shift
	}
	out, in := shape[0], shape[len(shape)-1]
	if len(inMean) != in || out == 0 {
		return nil
	}
	per := len(w) / out
	shift := make([]float64, out)
	for i := range w {
		shift[i/per] += float64(dq[i]-w[i]) * inMean[i%in]
	}
	return shift
}
