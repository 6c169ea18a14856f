package quant

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// biasShift returns, per output channel, the expected change of a conv,
// depthwise or fully connected op's output that replacing the weights w by
// their quantized values dq causes, given the mean inMean[ci] of each input
// channel: Σ (dq - w) * E[x] over the channel's filter taps (borders, where
// padding contributes zeros, are ignored). Subtracting it from the bias is
// the empirical bias correction of Nagel et al., "Data-Free Quantization"
// (2019): the rounding error of a small filter does not average out, and a
// depthwise channel has only 9 taps.
func biasShift(kind tflite.OpKind, shape []int, w, dq []float32, inMean []float64) []float64 {
	if kind == tflite.OpDepthwiseConv2D {
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

// correctBiasSequential refines the int32 biases of the int8 graph q, op by
// op in execution order, so that over the sample frames the mean output of
// every conv, depthwise and fully connected op before its activation, as
// the quantized graph computes it from its own quantized inputs, equals the
// float model's. Unlike biasShift it also absorbs the mean error that the
// rounding of the input activations and of earlier layers brings (the
// "empirical bias correction" of Nagel et al.). q's ops must correspond one
// to one to float's.
func correctBiasSequential(ctx context.Context, float, q *tflite.Model, frames [][]byte, progress func(done, total int)) error {
	if len(float.Ops) != len(q.Ops) {
		return fmt.Errorf("bias correction: %d float ops for %d quantized ops", len(float.Ops), len(q.Ops))
	}
	fbase, err := newSimulator(float)
	if err != nil {
		return fmt.Errorf("bias correction: %w", err)
	}
	qbase, err := newSimulator(q)
	if err != nil {
		return fmt.Errorf("bias correction: %w", err)
	}
	fs := make([]*simulator, len(frames))
	qs := make([]*simulator, len(frames))
	for f, rgb := range frames {
		fs[f], qs[f] = fbase.clone(), qbase.clone()
		fs[f].setInput(rgb)
		qs[f].setInput(rgb)
	}
	for i := range q.Ops {
		if err := ctx.Err(); err != nil {
			return err
		}
		if progress != nil {
			progress(i, len(q.Ops))
		}
		op := &q.Ops[i]
		correct := (op.Kind == tflite.OpConv2D || op.Kind == tflite.OpDepthwiseConv2D ||
			op.Kind == tflite.OpFullyConnected) && len(op.Inputs) > 2 && op.Inputs[2] >= 0
		var fMean, qMean []float64
		if correct {
			ch := q.Tensors[op.Inputs[2]].Elems()
			fMean, qMean = make([]float64, ch), make([]float64, ch)
		}
		for f := range frames {
			// One op over one frame is the longest step between checks,
			// so an interrupt is seen within a fraction of a second.
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fs[f].step(i, channelMeanInto(fMean, len(frames))); err != nil {
				return fmt.Errorf("bias correction: float model: %w", err)
			}
			if err := qs[f].step(i, channelMeanInto(qMean, len(frames))); err != nil {
				return fmt.Errorf("bias correction: %w", err)
			}
		}
		if correct {
			bt := &q.Tensors[op.Inputs[2]]
			for c := range qMean {
				v := int64(int32(binary.LittleEndian.Uint32(bt.Data[4*c:])))
				v -= int64(math.Round((qMean[c] - fMean[c]) / float64(bt.Quant.Scale[c])))
				v = max(math.MinInt32, min(math.MaxInt32, v))
				binary.LittleEndian.PutUint32(bt.Data[4*c:], uint32(int32(v)))
			}
			bias, err := constValues(bt)
			if err != nil {
				return fmt.Errorf("bias correction: %w", err)
			}
			for f := range frames {
				qs[f].vals[op.Inputs[2]] = bias
				if err := qs[f].step(i, nil); err != nil {
					return fmt.Errorf("bias correction: %w", err)
				}
			}
		}
		for f := range frames {
			fs[f].release(i)
			qs[f].release(i)
		}
	}
	if progress != nil {
		progress(len(q.Ops), len(q.Ops))
	}
	return nil
}

// channelMeanInto returns a hook adding out's per-channel (innermost axis)
// means, divided by frames, into mean; nil when mean is nil.
func channelMeanInto(mean []float64, frames int) func(out []float64) {
	if mean == nil {
		return nil
	}
	return func(out []float64) {
		ch := len(mean)
		if ch == 0 || len(out)%ch != 0 {
			return
		}
		w := 1 / float64(len(out)/ch) / float64(frames)
		for i, v := range out {
			mean[i%ch] += v * w
		}
	}
}
