package quant

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// Config selects how Convert quantizes a model.
type Config struct {
	Method     Method
	Percentile float64 // for Percentile; 0 means DefaultPercentile
	// FloatIO keeps a float32 input and output and inserts QUANTIZE after the
	// input and DEQUANTIZE before the output; otherwise the model's input and
	// output are int8 with their own quantization parameters.
	FloatIO bool
	// NoBiasCorrection turns off the correction of each bias for the mean
	// shift that weight rounding causes (see biasShift).
	NoBiasCorrection bool
	// Progress, when set, is called with the ops done and the total during
	// the sequential bias correction, the slow part of Convert.
	Progress func(done, total int)
}

// Fixed quantizations of the TFLite full-integer scheme.
var (
	// inputQuant is the model input's for MobileNet's (x-127.5)/127.5
	// (see inputQuantization): q = pixel - 128, exactly what the camera
	// produces, as in the legacy uint8 models.
	inputQuant = Affine{Scale: 1.0 / 128, ZeroPoint: 0}
	// softmaxQuant is TFLite's required int8 softmax output quantization.
	softmaxQuant = Affine{Scale: 1.0 / 256, ZeroPoint: -128}
)

// Op versions TFLite assigns to the int8 forms of the ops.
var int8OpVersion = map[tflite.OpKind]int{
	tflite.OpConv2D:          3,
	tflite.OpDepthwiseConv2D: 3,
	tflite.OpFullyConnected:  4,
	tflite.OpAveragePool2D:   2,
	tflite.OpSoftmax:         2,
	tflite.OpReshape:         1,
	tflite.OpSqueeze:         1,
	tflite.OpQuantize:        1,
	tflite.OpDequantize:      2,
}

// weightAxis is the output-channel axis of an op's weights: O of OHWI for
// CONV_2D and FULLY_CONNECTED, C of [1,H,W,C] for DEPTHWISE_CONV_2D.
func weightAxis(k tflite.OpKind) int {
	if k == tflite.OpDepthwiseConv2D {
		return 3
	}
	return 0
}

// Convert returns the full-integer int8 version of the float model m, using
// the activation statistics st from Calibrate. Unless cfg.NoBiasCorrection,
// biases are corrected for the mean shift of weight rounding and then, over
// st.Samples, op by op for the remaining mean error of the int8 graph. The
// input's quantization follows from m's normalization, not from st (see
// inputQuantization), and the result carries a copy of m's metadata (see
// PrepareMetadata). m is not modified; ctx stops the correction.
func Convert(ctx context.Context, m *tflite.Model, st *Stats, cfg Config) (*tflite.Model, error) {
	if err := CheckFloatModel(m); err != nil {
		return nil, err
	}
	if st == nil || len(st.Tensors) != len(m.Tensors) {
		return nil, fmt.Errorf("convert: calibration statistics do not belong to this model")
	}
	if cfg.Percentile == 0 {
		cfg.Percentile = DefaultPercentile
	}
	if err := CheckPercentile(cfg.Percentile); err != nil {
		return nil, fmt.Errorf("convert: %w", err)
	}
	act, err := activationQuant(m, st, cfg)
	if err != nil {
		return nil, err
	}
	out := cloneModel(m)
	for idx, a := range act {
		t := &out.Tensors[idx]
		t.Type = tflite.Int8
		t.Quant = &tflite.Quantization{Scale: []float32{a.Scale}, ZeroPoint: []int64{int64(a.ZeroPoint)}}
	}
	for i := range out.Ops {
		op := &out.Ops[i]
		op.Version = int8OpVersion[op.Kind]
		switch op.Kind {
		case tflite.OpConv2D, tflite.OpDepthwiseConv2D, tflite.OpFullyConnected:
			var inMean []float64
			if ts := st.Tensors[op.Inputs[0]]; ts != nil && !cfg.NoBiasCorrection {
				inMean = ts.ChannelMean()
			}
			if err := quantizeOpWeights(out, op, act[op.Inputs[0]].Scale, inMean); err != nil {
				return nil, fmt.Errorf("convert: op %d (%v): %w", i, op.Kind, err)
			}
		}
	}
	if !cfg.NoBiasCorrection && len(st.Samples) > 0 {
		if err := correctBiasSequential(ctx, m, out, st.Samples, cfg.Progress); err != nil {
			if ctx.Err() != nil {
				return nil, err
			}
			return nil, fmt.Errorf("convert: %w", err)
		}
	}
	if cfg.FloatIO {
		addFloatIO(out, m)
	}
	out.Description = "edgecam quantize: int8 full-integer (" + cfg.Method.String() + ")"
	return out, nil
}

// activationQuant chooses the int8 quantization of every activation tensor,
// in op order, so that pass-through ops can copy their input's.
func activationQuant(m *tflite.Model, st *Stats, cfg Config) (map[int]Affine, error) {
	act := map[int]Affine{}
	in := m.Inputs[0]
	norm, _, err := runtime.ModelNormalization(m)
	if err != nil {
		return nil, fmt.Errorf("convert: %w", err)
	}
	if act[in], err = inputQuantization(norm, cfg.FloatIO); err != nil {
		return nil, fmt.Errorf("convert: input %q: %w", m.Tensors[in].Name, err)
	}
	for i := range m.Ops {
		op := &m.Ops[i]
		o := op.Outputs[0]
		src, ok := act[op.Inputs[0]]
		if !ok {
			return nil, fmt.Errorf("convert: op %d (%v): input %q is produced by no earlier op", i, op.Kind, m.Tensors[op.Inputs[0]].Name)
		}
		switch op.Kind {
		case tflite.OpAveragePool2D, tflite.OpReshape, tflite.OpSqueeze:
			act[o] = src // int8 TFLite kernels require equal input and output quantization
		case tflite.OpSoftmax:
			act[o] = softmaxQuant
		default:
			lo, hi, ok := st.Tensors[o].Range(cfg.Method, cfg.Percentile)
			if !ok {
				return nil, fmt.Errorf("convert: op %d (%v): no calibration values for output %q", i, op.Kind, m.Tensors[o].Name)
			}
			lo, hi = clipToActivation(lo, hi, op.Activation)
			a, err := AffineFromRange(lo, hi)
			if err != nil {
				return nil, fmt.Errorf("convert: op %d (%v): output %q: %w", i, op.Kind, m.Tensors[o].Name, err)
			}
			act[o] = a
		}
	}
	return act, nil
}

// inputQuantization is the int8 quantization of the model input. It does
// not come from calibration: the input is a camera byte x normalized as
// (x-mean)/std (runtime.ModelNormalization: the float model's metadata,
// else MobileNet's), and an int8 input is fed the byte minus 128 (the
// runtime's rule, as the TFLite Task Library and Coral do). So the scale is
// 1/std and the zero point mean-128: q = x-128 then stands for (x-mean)/std,
// exactly when the mean is an integer (0 for the VWW-style x/255), within
// half a step otherwise. MobileNet's 127.5/127.5 keeps the legacy
// (x-128)/128 of the official uint8 files (scale 1/128, zero point 0). One
// int8 tensor has one scale, so a per-channel normalization cannot be
// represented that way: with floatIO (a QUANTIZE op reads the float input)
// the scale covers the normalized range instead, without it is an error.
func inputQuantization(n runtime.Normalization, floatIO bool) (Affine, error) {
	if n == runtime.MobileNetNormalization {
		return inputQuant, nil
	}
	if n.Uniform() && n.Std[0] > 0 {
		if zp := math.Round(float64(n.Mean[0])) - 128; zp >= -128 && zp <= 127 {
			return Affine{Scale: float32(1 / float64(n.Std[0])), ZeroPoint: int32(zp)}, nil
		}
	}
	if floatIO {
		lo, hi := n.Range()
		return AffineFromRange(lo, hi)
	}
	return Affine{}, fmt.Errorf("normalization mean %v std %v: an int8 input, fed the byte minus 128, can only stand for "+
		"(x-mean)/std with one mean in [0, 255] and one positive std for every channel; quantize with a float input and output (-io float)", n.Mean, n.Std)
}

// clipToActivation limits a range to what the fused activation can output.
func clipToActivation(lo, hi float32, a tflite.Activation) (float32, float32) {
	switch a {
	case tflite.ActRelu:
		lo, hi = max(lo, 0), max(hi, 0)
	case tflite.ActRelu6:
		lo, hi = min(max(lo, 0), 6), min(max(hi, 0), 6)
	case tflite.ActReluN1To1:
		lo, hi = min(max(lo, -1), 1), min(max(hi, -1), 1)
	}
	return lo, hi
}

// quantizeOpWeights replaces the float weights and bias of op (inside out)
// by int8 per-channel weights and int32 per-channel bias. With the mean of
// each input channel, the bias absorbs the mean output shift that weight
// rounding causes.
func quantizeOpWeights(out *tflite.Model, op *tflite.Op, inScale float32, inMean []float64) error {
	wt := &out.Tensors[op.Inputs[1]]
	w, err := floatData(wt)
	if err != nil {
		return err
	}
	axis := weightAxis(op.Kind)
	cw, err := QuantizeWeights(w, wt.Shape, axis)
	if err != nil {
		return fmt.Errorf("weights %q: %w", wt.Name, err)
	}
	wt.Type = tflite.Int8
	wt.Data = make([]byte, len(cw.Q))
	for i, q := range cw.Q {
		wt.Data[i] = byte(q)
	}
	wt.Quant = &tflite.Quantization{Scale: cw.Scale, ZeroPoint: make([]int64, len(cw.Scale)), Axis: axis}
	if len(op.Inputs) < 3 || op.Inputs[2] < 0 {
		return nil
	}
	bt := &out.Tensors[op.Inputs[2]]
	b, err := floatData(bt)
	if err != nil {
		return err
	}
	if inMean != nil {
		dq, err := cw.Dequantize(wt.Shape)
		if err != nil {
			return err
		}
		if shift := biasShift(op.Kind, wt.Shape, w, dq, inMean); len(shift) == len(b) {
			for c := range b {
				b[c] -= float32(shift[c])
			}
		}
	}
	qb, scales, err := QuantizeBias(b, inScale, cw.Scale)
	if err != nil {
		return fmt.Errorf("bias %q: %w", bt.Name, err)
	}
	bt.Type = tflite.Int32
	bt.Data = make([]byte, 4*len(qb))
	for i, v := range qb {
		binary.LittleEndian.PutUint32(bt.Data[4*i:], uint32(v))
	}
	bt.Quant = &tflite.Quantization{Scale: scales, ZeroPoint: make([]int64, len(scales))}
	return nil
}

// addFloatIO gives the int8 model out a float32 input and output: the int8
// tensors become internal, fed by QUANTIZE and feeding DEQUANTIZE.
func addFloatIO(out, float *tflite.Model) {
	in, res := out.Inputs[0], out.Outputs[0]
	qin, qout := len(out.Tensors), len(out.Tensors)+1
	inT, outT := out.Tensors[in], out.Tensors[res]
	inT.Name += "_int8"
	outT.Name += "_int8"
	out.Tensors = append(out.Tensors, inT, outT)
	out.Tensors[in] = cloneTensor(&float.Tensors[in])
	out.Tensors[res] = cloneTensor(&float.Tensors[res])
	for i := range out.Ops {
		op := &out.Ops[i]
		for k, t := range op.Inputs {
			if t == in {
				op.Inputs[k] = qin
			}
		}
		for k, t := range op.Outputs {
			if t == res {
				op.Outputs[k] = qout
			}
		}
	}
	q := tflite.Op{Kind: tflite.OpQuantize, Version: int8OpVersion[tflite.OpQuantize], Inputs: []int{in}, Outputs: []int{qin}}
	dq := tflite.Op{Kind: tflite.OpDequantize, Version: int8OpVersion[tflite.OpDequantize], Inputs: []int{qout}, Outputs: []int{res}}
	out.Ops = append(append([]tflite.Op{q}, out.Ops...), dq)
}

// floatData decodes a constant float32 tensor.
func floatData(t *tflite.Tensor) ([]float32, error) {
	if t.Type != tflite.Float32 || len(t.Data) != 4*t.Elems() {
		return nil, fmt.Errorf("tensor %q is not a constant float32 tensor of shape %v", t.Name, t.Shape)
	}
	v := make([]float32, t.Elems())
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(t.Data[4*i:]))
	}
	return v, nil
}

// cloneModel deep-copies the parts of m that Convert rewrites.
func cloneModel(m *tflite.Model) *tflite.Model {
	out := *m
	out.Tensors = make([]tflite.Tensor, len(m.Tensors))
	for i := range m.Tensors {
		out.Tensors[i] = cloneTensor(&m.Tensors[i])
	}
	out.Ops = make([]tflite.Op, len(m.Ops))
	for i, op := range m.Ops {
		op.Inputs = slices.Clone(op.Inputs)
		op.Outputs = slices.Clone(op.Outputs)
		op.NewShape = slices.Clone(op.NewShape)
		op.SqueezeDims = slices.Clone(op.SqueezeDims)
		out.Ops[i] = op
	}
	out.Inputs = slices.Clone(m.Inputs)
	out.Outputs = slices.Clone(m.Outputs)
	out.Metadata = m.Metadata.Clone()
	return &out
}

func cloneTensor(t *tflite.Tensor) tflite.Tensor {
	c := *t
	c.Shape = slices.Clone(t.Shape)
	c.Data = slices.Clone(t.Data)
	if t.Quant != nil {
		q := *t.Quant
		q.Scale = slices.Clone(q.Scale)
		q.ZeroPoint = slices.Clone(q.ZeroPoint)
		c.Quant = &q
	}
	return c
}
