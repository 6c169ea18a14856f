package quant

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// WeightsOnly returns m with int8 weight storage and float compute: the
// weights of every CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED become int8
// constants quantized per output channel, each feeding a DEQUANTIZE op whose
// float32 output replaces the weights as the op's input (the layout the TFLite
// weight-storage converters emit). Biases and activations stay float32, so the
// file is about 4x smaller and the results differ from m only by the weight
// rounding. With calibration statistics st (may be nil), each float bias
// absorbs the mean output shift of its weights' rounding (see biasShift). m
// is not modified.
func WeightsOnly(m *tflite.Model, st *Stats) (*tflite.Model, error) {
	if err := CheckFloatModel(m); err != nil {
		return nil, err
	}
	out := cloneModel(m)
	var deq []tflite.Op
	for i := range out.Ops {
		op := &out.Ops[i]
		switch op.Kind {
		case tflite.OpConv2D, tflite.OpDepthwiseConv2D, tflite.OpFullyConnected:
		default:
			continue
		}
		widx := op.Inputs[1]
		wt := &out.Tensors[widx]
		w, err := floatData(wt)
		if err != nil {
			return nil, fmt.Errorf("quantize weights: op %d (%v): %w", i, op.Kind, err)
		}
		axis := weightAxis(op.Kind)
		cw, err := QuantizeWeights(w, wt.Shape, axis)
		if err != nil {
			return nil, fmt.Errorf("quantize weights: op %d (%v): weights %q: %w", i, op.Kind, wt.Name, err)
		}
		if st != nil && len(st.Tensors) == len(m.Tensors) && len(op.Inputs) > 2 && op.Inputs[2] >= 0 {
			if err := correctFloatBias(out, op, w, cw, st.Tensors[op.Inputs[0]].ChannelMean()); err != nil {
				return nil, fmt.Errorf("quantize weights: op %d (%v): %w", i, op.Kind, err)
			}
			wt = &out.Tensors[widx]
		}
		// The float tensor keeps its index and name; the int8 constant is new.
		q := tflite.Tensor{
			Name:  wt.Name + "_int8",
			Shape: append([]int(nil), wt.Shape...),
			Type:  tflite.Int8,
			Quant: &tflite.Quantization{Scale: cw.Scale, ZeroPoint: make([]int64, len(cw.Scale)), Axis: axis},
			Data:  make([]byte, len(cw.Q)),
		}
		for k, v := range cw.Q {
			q.Data[k] = byte(v)
		}
		wt.Data = nil
		qidx := len(out.Tensors)
		out.Tensors = append(out.Tensors, q)
		deq = append(deq, tflite.Op{
			Kind: tflite.OpDequantize, Version: int8OpVersion[tflite.OpDequantize],
			Inputs: []int{qidx}, Outputs: []int{widx},
		})
	}
	out.Ops = append(deq, out.Ops...)
	out.Description = "edgecam quantize: int8 weights, float compute"
	return out, nil
}

// correctFloatBias subtracts from op's float bias the mean output shift that
// replacing the weights w by cw causes, given the input channel means.
func correctFloatBias(out *tflite.Model, op *tflite.Op, w []float32, cw *ChannelWeights, inMean []float64) error {
	if inMean == nil {
		return nil
	}
	wt, bt := &out.Tensors[op.Inputs[1]], &out.Tensors[op.Inputs[2]]
	dq, err := cw.Dequantize(wt.Shape)
	if err != nil {
		return err
	}
	b, err := floatData(bt)
	if err != nil {
		return err
	}
	shift := biasShift(op.Kind, wt.Shape, w, dq, inMean)
	if len(shift) != len(b) {
		return nil
	}
	for c := range b {
		binary.LittleEndian.PutUint32(bt.Data[4*c:], math.Float32bits(b[c]-float32(shift[c])))
	}
	return nil
}
