package tiemodels

import (
	"github.com/edgecam/edgecam/runtime/tflite"
)

// Cases returns every case, uint8 and int8.
func Cases() []Case {
	// CONCATENATION requantizes its inputs only in uint8 files: TFLite
	// refuses int8 inputs quantized unlike the output.
	cs := []Case{concat(false)}
	for _, signed := range []bool{false, true} {
		cs = append(cs,
			addSelf(signed),
			addMixed(signed),
			avgPool(signed, 2, 2, tflite.PadValid),
			avgPool(signed, 3, 1, tflite.PadSame),
			mean(signed, 1.0/64),
			mean(signed, 0.0137),
			quantize(signed, 1.0/64, 0),
			quantize(signed, 0.0213, 5),
			quantizeSame(signed, 1.0/64, 0),
			quantizeSame(signed, 0.0213, 5),
			conv1x1(signed, 0.5),
			conv1x1(signed, 0.0371),
			fullyConnected(signed),
			dwconv(signed),
			softmax(signed),
			logistic(signed),
		)
	}
	return cs
}

// x is the input activation [1,H,W,C] of the input quantization.
func (b *builder) x(signed bool, shape ...int) int {
	if shape == nil {
		shape = []int{1, H, W, C}
	}
	return b.tensor("input", shape, dt(signed), inQuant(signed), nil)
}

// outZP is a zero point near the middle of the type's range, offset by d.
func outZP(signed bool, d int64) int64 {
	if signed {
		return d
	}
	return 128 + d
}

// wideZP is the zero point of an input whose scale is not 1/128: int8
// inputs are fed as byte-128 only with zero point -128 (or scale 1/128,
// zero point 0), so those get -128 and see only non-negative reals.
func wideZP(signed bool) int64 {
	if signed {
		return -128
	}
	return 128
}

// addSelf is ADD(x, x) into a scale four times the input's: every odd
// input lands on a tie.
func addSelf(signed bool) Case {
	var b builder
	x := b.x(signed)
	y := b.tensor("sum", []int{1, H, W, C}, dt(signed), q(4.0/128, outZP(signed, 0)), nil)
	b.op(tflite.Op{Kind: tflite.OpAdd, Inputs: []int{x, x}, Outputs: []int{y}})
	return Case{Name: "add_self_" + suffix(signed), Model: b.model(x, y), Input: input()}
}

// addMixed is ADD(x, conv1x1(x)) with unrelated scales and a fused RELU6.
func addMixed(signed bool) Case {
	var b builder
	x := b.x(signed)
	y := b.conv1x1Tensor(x, signed, 3, 0.0371, outZP(signed, 9), []int8{1, -2, 3, 0, 2, -1, -3, 1, 1})
	s := b.tensor("sum", []int{1, H, W, C}, dt(signed), q(0.0517, outZP(signed, -31)), nil)
	b.op(tflite.Op{Kind: tflite.OpAdd, Inputs: []int{x, y}, Outputs: []int{s}, Activation: tflite.ActRelu6})
	return Case{Name: "add_mixed_" + suffix(signed), Model: b.model(x, s), Input: input()}
}

// avgPool pools k x k windows with the given stride and padding; the
// output keeps the input's quantization, as TFLite requires.
func avgPool(signed bool, k, stride int, pad tflite.Padding) Case {
	var b builder
	x := b.x(signed)
	oh := (H-k)/stride + 1
	name := "avgpool_valid_"
	if pad == tflite.PadSame {
		oh = (H + stride - 1) / stride
		name = "avgpool_same_"
	}
	y := b.tensor("pool", []int{1, oh, oh, C}, dt(signed), inQuant(signed), nil)
	b.op(tflite.Op{Kind: tflite.OpAveragePool2D, Inputs: []int{x}, Outputs: []int{y}, Padding: pad,
		StrideH: stride, StrideW: stride, FilterH: k, FilterW: k})
	return Case{Name: name + suffix(signed), Model: b.model(x, y), Input: input()}
}

// mean averages [1,2,2,192] over H and W (4 values per output) into
// outScale.
func mean(signed bool, outScale float32) Case {
	var b builder
	x := b.x(signed)
	r := b.reshape(x, 1, 2, 2, H*W*C/4)
	axes := b.tensor("axes", []int{2}, tflite.Int32, nil, i32s([]int32{1, 2}))
	y := b.tensor("mean", []int{1, 1, 1, H * W * C / 4}, dt(signed), q(outScale, outZP(signed, 3)), nil)
	b.op(tflite.Op{Kind: tflite.OpMean, Inputs: []int{r, axes}, Outputs: []int{y}, KeepDims: true})
	name := "mean_dyadic_"
	if outScale != 1.0/64 {
		name = "mean_"
	}
	return Case{Name: name + suffix(signed), Model: b.model(x, y), Input: input()}
}

// quantize requantizes the input into the other 8-bit type at outScale.
func quantize(signed bool, outScale float32, zp int64) Case {
	var b builder
	x := b.x(signed)
	y := b.tensor("q", []int{1, H, W, C}, dt(!signed), q(outScale, outZP(!signed, zp)), nil)
	b.op(tflite.Op{Kind: tflite.OpQuantize, Inputs: []int{x}, Outputs: []int{y}})
	name := "quantize_dyadic_"
	if outScale != 1.0/64 {
		name = "quantize_"
	}
	return Case{Name: name + suffix(signed) + "_to_" + suffix(!signed), Model: b.model(x, y), Input: input()}
}

// quantizeSame requantizes the input within its type at outScale.
func quantizeSame(signed bool, outScale float32, zp int64) Case {
	var b builder
	x := b.x(signed)
	y := b.tensor("q", []int{1, H, W, C}, dt(signed), q(outScale, outZP(signed, zp)), nil)
	b.op(tflite.Op{Kind: tflite.OpQuantize, Inputs: []int{x}, Outputs: []int{y}})
	name := "requantize_dyadic_"
	if outScale != 1.0/64 {
		name = "requantize_"
	}
	return Case{Name: name + suffix(signed), Model: b.model(x, y), Input: input()}
}

// conv1x1Tensor adds a 1x1 CONV_2D from x to cout channels with the
// weights w (cout*C small values, OHWI) of weightsBias, into outScale.
func (b *builder) conv1x1Tensor(x int, signed bool, cout int, outScale float32, ozp int64, w []int8) int {
	wt, bt := b.weightsBias(signed, cout, w, []int{cout, 1, 1, C})
	return b.conv(x, wt, bt, cout, outScale, ozp, signed)
}

// weightsBias adds the weights w (cout rows of C) in the given shape and a
// bias of cout values, for an input of scale 1/128: uint8 files get
// per-tensor weights of scale 1/16 with zero point 128, int8 files
// per-channel weights (the scale of channel o is 1/16 times 1+o/8); the
// bias is quantized at input scale times weight scale, as TFLite requires.
// The layer's requantization multiplier is then (1/128)(1/16)/outScale
// (uint8; int8 channel o: times 1+o/8).
func (b *builder) weightsBias(signed bool, cout int, w []int8, shape []int) (wt, bt int) {
	sx, sw := float32(1.0/128), float32(1.0/16)
	bias := make([]int32, cout)
	for o := range bias {
		bias[o] = int32(o*7 - 9)
	}
	if signed {
		scales, bq := make([]float32, cout), make([]float32, cout)
		for o := range scales {
			scales[o] = sw * (1 + float32(o)/8)
			bq[o] = sx * scales[o]
		}
		bt = b.tensor("bias", []int{cout}, tflite.Int32, qc(bq, make([]int64, cout), 0), i32s(bias))
		wt = b.tensor("weights", shape, tflite.Int8, qc(scales, make([]int64, cout), 0), i8s(w))
		return wt, bt
	}
	wdata := make([]byte, len(w))
	for i, v := range w {
		wdata[i] = byte(int(v) + 128)
	}
	bt = b.tensor("bias", []int{cout}, tflite.Int32, q(sx*sw, 0), i32s(bias))
	wt = b.tensor("weights", shape, tflite.Uint8, q(sw, 128), wdata)
	return wt, bt
}

func (b *builder) conv(x, w, bias, cout int, outScale float32, ozp int64, signed bool) int {
	y := b.tensor("conv", []int{1, H, W, cout}, dt(signed), q(outScale, ozp), nil)
	b.op(tflite.Op{Kind: tflite.OpConv2D, Inputs: []int{x, w, bias}, Outputs: []int{y}, Padding: tflite.PadSame,
		StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1})
	return y
}

// conv1x1 is a 1x1 CONV_2D to 8 channels with weights in [-1, 1] whose
// requantization multiplier is about rq (exactly rq for uint8 files).
func conv1x1(signed bool, rq float32) Case {
	var b builder
	x := b.x(signed)
	w := make([]int8, 8*C)
	for i := range w {
		w[i] = int8((i*5)%3 - 1)
	}
	outScale := float32(1.0/128) * float32(1.0/16) / rq
	y := b.conv1x1Tensor(x, signed, 8, outScale, outZP(signed, 1), w)
	name := "conv1x1_half_"
	if rq != 0.5 {
		name = "conv1x1_"
	}
	return Case{Name: name + suffix(signed), Model: b.model(x, y), Input: input()}
}

// fullyConnected is FULLY_CONNECTED over the input's 256 rows of 3 values
// to 8 outputs each, weights in [-1, 1], multiplier 0.5 for uint8 files.
func fullyConnected(signed bool) Case {
	var b builder
	x := b.x(signed)
	w := make([]int8, 8*C)
	for i := range w {
		w[i] = int8((i*7)%3 - 1)
	}
	wt, bt := b.weightsBias(signed, 8, w, []int{8, C})
	y := b.tensor("fc", []int{H * W, 8}, dt(signed), q(float32(1.0/128)*float32(1.0/16)/0.5, outZP(signed, -2)), nil)
	b.op(tflite.Op{Kind: tflite.OpFullyConnected, Inputs: []int{x, wt, bt}, Outputs: []int{y}})
	return Case{Name: "fully_connected_" + suffix(signed), Model: b.model(x, y), Input: input()}
}

// dwconv is a 3x3 DEPTHWISE_CONV_2D (SAME, stride 1, RELU6) whose
// multiplier is 0.5 for uint8 files.
func dwconv(signed bool) Case {
	var b builder
	x := b.x(signed)
	w := make([]int8, 9*C)
	for i := range w {
		w[i] = int8((i*7)%5 - 2)
	}
	sx, sw := float32(1.0/128), float32(1.0/16)
	outScale := sx * sw / 0.5
	bias := []int32{5, -3, 0}
	var wt, bt int
	if signed {
		scales := []float32{sw, sw * 1.25, sw * 0.75}
		wt = b.tensor("weights", []int{1, 3, 3, C}, tflite.Int8, qc(scales, make([]int64, C), 3), i8s(w))
		bt = b.tensor("bias", []int{C}, tflite.Int32, qc([]float32{sx * scales[0], sx * scales[1], sx * scales[2]}, make([]int64, C), 0), i32s(bias))
	} else {
		wd := make([]byte, len(w))
		for i, v := range w {
			wd[i] = byte(int(v) + 120)
		}
		wt = b.tensor("weights", []int{1, 3, 3, C}, tflite.Uint8, q(sw, 120), wd)
		bt = b.tensor("bias", []int{C}, tflite.Int32, q(sx*sw, 0), i32s(bias))
	}
	y := b.tensor("dw", []int{1, H, W, C}, dt(signed), q(outScale, outZP(signed, -100)), nil)
	b.op(tflite.Op{Kind: tflite.OpDepthwiseConv2D, Inputs: []int{x, wt, bt}, Outputs: []int{y}, Padding: tflite.PadSame,
		StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, DepthMultiplier: 1, Activation: tflite.ActRelu6})
	return Case{Name: "dwconv_" + suffix(signed), Model: b.model(x, y), Input: input()}
}

// concat is CONCATENATION of x and a 1x1 conv of it along channels into a
// quantization of its own, so both inputs are requantized (x by a factor
// 0.5 exactly: ties).
func concat(signed bool) Case {
	var b builder
	x := b.x(signed)
	y := b.conv1x1Tensor(x, signed, 3, 0.0371, outZP(signed, 9), []int8{1, -2, 3, 0, 2, -1, -3, 1, 1})
	o := b.tensor("concat", []int{1, H, W, 2 * C}, dt(signed), q(2.0/128, outZP(signed, -5)), nil)
	b.op(tflite.Op{Kind: tflite.OpConcatenation, Inputs: []int{x, y}, Outputs: []int{o}, Axis: 3})
	return Case{Name: "concat_" + suffix(signed), Model: b.model(x, o), Input: input()}
}

// softmax is SOFTMAX over rows of 16 values, into TFLite's required
// output quantization (1/256, zero point 0 for uint8, -128 for int8).
func softmax(signed bool) Case {
	var b builder
	x := b.tensor("input", []int{1, H, W, C}, dt(signed), q(0.0917, wideZP(signed)), nil)
	r := b.reshape(x, H*W*C/16, 16)
	zp := int64(0)
	if signed {
		zp = -128
	}
	y := b.tensor("softmax", []int{H * W * C / 16, 16}, dt(signed), q(1.0/256, zp), nil)
	b.op(tflite.Op{Kind: tflite.OpSoftmax, Inputs: []int{r}, Outputs: []int{y}, Beta: 1})
	return Case{Name: "softmax_" + suffix(signed), Model: b.model(x, y), Input: input()}
}

// logistic is LOGISTIC into TFLite's required output quantization.
func logistic(signed bool) Case {
	var b builder
	x := b.tensor("input", []int{1, H, W, C}, dt(signed), q(0.0625, wideZP(signed)), nil)
	zp := int64(0)
	if signed {
		zp = -128
	}
	y := b.tensor("logistic", []int{1, H, W, C}, dt(signed), q(1.0/256, zp), nil)
	b.op(tflite.Op{Kind: tflite.OpLogistic, Inputs: []int{x}, Outputs: []int{y}})
	return Case{Name: "logistic_" + suffix(signed), Model: b.model(x, y), Input: input()}
}

// reshape adds a RESHAPE of x (same type and quantization) to shape.
func (b *builder) reshape(x int, shape ...int) int {
	t := b.m.Tensors[x]
	y := b.tensor(t.Name+"_reshaped", shape, t.Type, t.Quant, nil)
	b.op(tflite.Op{Kind: tflite.OpReshape, Inputs: []int{x}, Outputs: []int{y}, NewShape: shape})
	return y
}
