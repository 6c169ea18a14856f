package mobilenet

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// Config selects a synthetic MobileNet-V1.
type Config struct {
	Alpha    float64      // width multiplier; channels are max(int(c*Alpha), 8)
	Res      int          // input height and width, a multiple of 32
	DType    tflite.DType // Float32, or Int8 for a full-integer model
	FullConv bool         // the paper's "Conv MobileNet": each dw+pw pair is one full 3x3 conv
	Classes  int          // 0 means 1001 (index 0 = background, as the TFLite files)
	Seed     int64        // weights are a deterministic function of Seed
	// NoBias leaves out the bias tensors: the paper's network (batch norm not
	// folded, its parameters not counted), used to reproduce its parameter
	// counts. Models for inference keep their biases.
	NoBias bool
}

// bodyLayers is the body of MobileNet-V1 at alpha 1: output channels
// and stride of the first conv and of the 13 depthwise-separable blocks.
var bodyLayers = []struct{ ch, stride int }{
	{32, 2}, {64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2},
	{512, 1}, {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1},
}

// Bounds on Config that keep a model buildable in memory.
const (
	maxBuildRes     = 1024
	maxBuildAlpha   = 4
	maxBuildClasses = 100000
)

// Build builds MobileNet-V1 as the TFLite converter lays it out:
// CONV_2D 3x3/2, 13 x (DEPTHWISE_CONV_2D 3x3, CONV_2D 1x1), AVERAGE_POOL_2D
// over the final R/32 x R/32 map, CONV_2D 1x1 to the classes, SQUEEZE (float)
// or RESHAPE (int8) to [1, classes], SOFTMAX. SAME padding, RELU6 fused into
// every conv but the logits. Weights are He-scaled pseudo-random numbers from
// cfg.Seed, biases small, so float activations stay in range.
//
// Int8 models use the converter's full-integer scheme: int8 activations
// (input scale 1/128 zero point 0; RELU6 outputs zero point -128 with a scale
// from the weight statistics, see actRange), int8 weights quantized
// symmetrically per output channel, int32 biases with scale
// input scale x weight scale[c], softmax output scale 1/256 zero point -128.
func Build(cfg Config) (*tflite.Model, error) {
	return buildMobileNet(cfg, false)
}

// buildMobileNet builds the model; shapesOnly leaves the constants zero.
func buildMobileNet(cfg Config, shapesOnly bool) (*tflite.Model, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if cfg.Classes == 0 {
		cfg.Classes = 1001
	}
	b := &graphBuilder{
		cfg:        cfg,
		shapesOnly: shapesOnly,
		rng:        rand.New(rand.NewPCG(uint64(cfg.Seed), 0x5eed_0f_ed9eca4)),
		m:          &tflite.Model{Version: tflite.SchemaVersion, Description: cfg.description()},
	}
	x := b.input()
	ch := func(c int) int { return max(int(float64(c)*cfg.Alpha), 8) }
	x = b.conv("MobilenetV1/Conv2d_0", x, ch(bodyLayers[0].ch), 3, bodyLayers[0].stride, tflite.ActRelu6)
	for i, l := range bodyLayers[1:] {
		name := fmt.Sprintf("MobilenetV1/Conv2d_%d", i+1)
		if cfg.FullConv {
			x = b.conv(name, x, ch(l.ch), 3, l.stride, tflite.ActRelu6)
			continue
		}
		x = b.depthwise(name+"_depthwise", x, l.stride)
		x = b.conv(name+"_pointwise", x, ch(l.ch), 1, 1, tflite.ActRelu6)
	}
	x = b.avgPool("MobilenetV1/Logits/AvgPool_1a", x)
	x = b.conv("MobilenetV1/Logits/Conv2d_1c_1x1", x, cfg.Classes, 1, 1, tflite.ActNone)
	x = b.flatten("MobilenetV1/Logits/SpatialSqueeze", x)
	x = b.softmax("MobilenetV1/Predictions/Reshape_1", x)
	b.m.Outputs = []int{x}
	// The file structure is checked here; that the runtime accepts every
	// configuration is a test (validate_test.go), as this package does not
	// import the engine.
	if err := b.m.Check(); err != nil {
		return nil, fmt.Errorf("build mobilenet: built model is invalid: %w", err)
	}
	return b.m, nil
}

func (cfg Config) check() error {
	switch {
	case !(cfg.Alpha > 0 && cfg.Alpha <= maxBuildAlpha):
		return fmt.Errorf("build mobilenet: alpha %g, want (0, %d]", cfg.Alpha, maxBuildAlpha)
	case cfg.Res < 32 || cfg.Res > maxBuildRes || cfg.Res%32 != 0:
		return fmt.Errorf("build mobilenet: resolution %d, want a multiple of 32 from 32 to %d", cfg.Res, maxBuildRes)
	case cfg.DType != tflite.Float32 && cfg.DType != tflite.Int8:
		return fmt.Errorf("build mobilenet: data type %v, want float32 or int8", cfg.DType)
	case cfg.Classes < 0 || cfg.Classes > maxBuildClasses:
		return fmt.Errorf("build mobilenet: %d classes, want 1 to %d (0 for 1001)", cfg.Classes, maxBuildClasses)
	}
	return nil
}

func (cfg Config) description() string {
	kind := "MobileNet-V1"
	if cfg.FullConv {
		kind = "Conv MobileNet-V1"
	}
	return fmt.Sprintf("edgecam synthetic %s alpha %g res %d %v seed %d", kind, cfg.Alpha, cfg.Res, cfg.DType, cfg.Seed)
}

// graphBuilder appends tensors and ops to a model under construction.
type graphBuilder struct {
	cfg Config
	rng *rand.Rand
	m   *tflite.Model
	// shapesOnly skips the weights: constants are zero (DescribeConfig).
	shapesOnly bool
	// m2 is the estimated mean square of each activation tensor's real
	// values, by tensor index (int8 scale selection).
	m2 map[int]float64
}

func (b *graphBuilder) quantized() bool { return b.cfg.DType == tflite.Int8 }

func (b *graphBuilder) addTensor(t tflite.Tensor) int {
	b.m.Tensors = append(b.m.Tensors, t)
	return len(b.m.Tensors) - 1
}

func (b *graphBuilder) addOp(op tflite.Op) {
	op.Version = 1
	if op.DilationH == 0 {
		op.DilationH, op.DilationW = 1, 1
	}
	b.m.Ops = append(b.m.Ops, op)
}

func (b *graphBuilder) shape(t int) []int { return b.m.Tensors[t].Shape }

func (b *graphBuilder) input() int {
	r := b.cfg.Res
	t := tflite.Tensor{Name: "input", Shape: []int{1, r, r, 3}, Type: b.cfg.DType}
	if b.quantized() {
		t.Quant = &tflite.Quantization{Scale: []float32{1.0 / 128}, ZeroPoint: []int64{0}}
	}
	i := b.addTensor(t)
	b.m.Inputs = []int{i}
	b.m2 = map[int]float64{i: 1.0 / 3} // uniform on [-1, 1]
	return i
}

// activation adds an activation tensor of shape; for int8 models act and the
// pre-activation mean square preM2 choose its quantization.
func (b *graphBuilder) activation(name string, shape []int, act tflite.Activation, preM2 float64) int {
	t := tflite.Tensor{Name: name, Shape: shape, Type: b.cfg.DType}
	lo, hi, m2 := actRange(act, preM2)
	if b.quantized() {
		t.Quant = rangeQuant(lo, hi)
	}
	i := b.addTensor(t)
	b.m2[i] = m2
	return i
}

// weights draws n float weights with standard deviation std.
func (b *graphBuilder) weights(n int, std float64) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = b.rng.NormFloat64() * std
	}
	return w
}

// biases draws n small float biases (folded batch norm shifts).
func (b *graphBuilder) biases(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 0.02 + 0.05*b.rng.NormFloat64()
	}
	return v
}

// conv adds a CONV_2D with a k x k filter.
func (b *graphBuilder) conv(name string, x, outC, k, stride int, act tflite.Activation) int {
	inC := b.shape(x)[3]
	fanIn := k * k * inC
	std := math.Sqrt(2 / float64(fanIn)) // He
	if act == tflite.ActNone {
		std = math.Sqrt(1 / float64(fanIn)) // logits: unit variance
	}
	gen := func() ([]float64, func(int) []float64) {
		w := b.weights(outC*fanIn, std)
		return w, func(c int) []float64 { return w[c*fanIn : (c+1)*fanIn] }
	}
	return b.weighted(tflite.OpConv2D, name, x, []int{outC, k, k, inC}, 0, gen, stride, act)
}

// depthwise adds a 3x3 DEPTHWISE_CONV_2D, depth multiplier 1.
func (b *graphBuilder) depthwise(name string, x, stride int) int {
	c := b.shape(x)[3]
	gen := func() ([]float64, func(int) []float64) {
		w := b.weights(9*c, math.Sqrt(2.0/9))
		return w, func(ch int) []float64 {
			v := make([]float64, 9)
			for k := range v {
				v[k] = w[k*c+ch]
			}
			return v
		}
	}
	return b.weighted(tflite.OpDepthwiseConv2D, name, x, []int{1, 3, 3, c}, 3, gen, stride, tflite.ActRelu6)
}

// weightGen draws a layer's float weights and gives each output channel's
// weights (for scales and statistics).
type weightGen func() (w []float64, perChan func(c int) []float64)

// weighted adds a conv or depthwise op with a filter of shape wShape,
// quantized along axis (output channels). In shapes-only mode the constant
// tensors are zero and gen is not called.
func (b *graphBuilder) weighted(kind tflite.OpKind, name string, x int, wShape []int, axis int, gen weightGen, stride int, act tflite.Activation) int {
	in := b.shape(x)
	outC := wShape[axis]
	out := []int{1, sameOut(in[1], stride), sameOut(in[2], stride), outC}
	wt := tflite.Tensor{Name: name + "/weights", Shape: wShape, Type: b.cfg.DType}
	var bt *tflite.Tensor
	if !b.cfg.NoBias {
		bt = &tflite.Tensor{Name: name + "/biases", Shape: []int{outC}, Type: b.cfg.DType}
		if b.quantized() {
			bt.Type = tflite.Int32
		}
	}
	preM2 := 1.0
	if b.shapesOnly {
		b.zeroConstant(&wt, axis, 1)
		if bt != nil && b.quantized() {
			b.zeroConstant(bt, 0, b.m.Tensors[x].Quant.Scale[0]) // input scale x weight scale 1
		} else if bt != nil {
			b.zeroConstant(bt, 0, 1)
		}
	} else {
		w, perChan := gen()
		var bias []float64
		if bt != nil {
			bias = b.biases(outC)
		}
		preM2 = preActivationM2(perChan, bias, outC, b.m2[x])
		if b.quantized() {
			scales := make([]float32, outC)
			for c := range outC {
				scales[c] = symmetricScale(perChan(c))
			}
			wt.Data, wt.Quant = quantizeWeights(w, scales, axis, wShape)
			if bt != nil {
				bt.Data, bt.Quant = quantizeBias(bias, b.m.Tensors[x].Quant.Scale[0], scales)
			}
		} else {
			wt.Data = float32Bytes(w)
			if bt != nil {
				bt.Data = float32Bytes(bias)
			}
		}
	}
	inputs := []int{x, b.addTensor(wt)}
	if bt != nil {
		inputs = append(inputs, b.addTensor(*bt))
	}
	outName := "MobilenetV1/" + name + "/Relu6" // the converter's names
	if act == tflite.ActNone {
		outName = name + "/BiasAdd"
	}
	y := b.activation(outName, out, act, preM2)
	op := tflite.Op{Kind: kind, Inputs: inputs, Outputs: []int{y}, Padding: tflite.PadSame, StrideH: stride, StrideW: stride, Activation: act}
	if kind == tflite.OpDepthwiseConv2D {
		op.DepthMultiplier = 1
	}
	b.addOp(op)
	return y
}

// preActivationM2 estimates the mean square of a layer's pre-activation:
// sum_k w[c][k]^2 * E[x^2] + bias[c]^2, averaged over the channels.
func preActivationM2(perChan func(int) []float64, bias []float64, outC int, inM2 float64) float64 {
	var m2 float64
	for c := range outC {
		var s float64
		for _, v := range perChan(c) {
			s += v * v
		}
		s *= inM2
		if bias != nil {
			s += bias[c] * bias[c]
		}
		m2 += s / float64(outC)
	}
	return m2
}

// zeroConstant gives t zero data (shapes-only builds) and, in int8 models,
// scales equal to scale along axis.
func (b *graphBuilder) zeroConstant(t *tflite.Tensor, axis int, scale float32) {
	t.Data = make([]byte, t.Elems()*t.Type.Size())
	if b.quantized() {
		n := t.Shape[axis]
		scales := make([]float32, n)
		for i := range scales {
			scales[i] = scale
		}
		t.Quant = &tflite.Quantization{Scale: scales, ZeroPoint: make([]int64, n), Axis: axis}
	}
}

// avgPool averages the whole final feature map (VALID, filter = map size).
func (b *graphBuilder) avgPool(name string, x int) int {
	in := b.shape(x)
	t := tflite.Tensor{Name: name + "/AvgPool", Shape: []int{1, 1, 1, in[3]}, Type: b.cfg.DType, Quant: b.m.Tensors[x].Quant}
	y := b.addTensor(t)
	// The spatial mean of rectified zero-mean Gaussians keeps only their mean:
	// E[relu(z)]^2 = sigma^2/(2 pi) = E[relu(z)^2] / pi.
	b.m2[y] = b.m2[x] / math.Pi
	b.addOp(tflite.Op{Kind: tflite.OpAveragePool2D, Inputs: []int{x}, Outputs: []int{y}, Padding: tflite.PadValid,
		StrideH: 2, StrideW: 2, FilterH: in[1], FilterW: in[2]})
	return y
}

// flatten turns [1,1,1,C] into [1,C]: SQUEEZE in float models, RESHAPE in
// int8 models, as the converters emit them.
func (b *graphBuilder) flatten(name string, x int) int {
	c := b.shape(x)[3]
	y := b.addTensor(tflite.Tensor{Name: name, Shape: []int{1, c}, Type: b.cfg.DType, Quant: b.m.Tensors[x].Quant})
	b.m2[y] = b.m2[x]
	if b.quantized() {
		b.addOp(tflite.Op{Kind: tflite.OpReshape, Inputs: []int{x}, Outputs: []int{y}, NewShape: []int{1, c}})
	} else {
		b.addOp(tflite.Op{Kind: tflite.OpSqueeze, Inputs: []int{x}, Outputs: []int{y}, SqueezeDims: []int{1, 2}})
	}
	return y
}

func (b *graphBuilder) softmax(name string, x int) int {
	t := tflite.Tensor{Name: name, Shape: b.shape(x), Type: b.cfg.DType}
	if b.quantized() {
		t.Quant = &tflite.Quantization{Scale: []float32{1.0 / 256}, ZeroPoint: []int64{-128}}
	}
	y := b.addTensor(t)
	b.addOp(tflite.Op{Kind: tflite.OpSoftmax, Inputs: []int{x}, Outputs: []int{y}, Beta: 1})
	return y
}

// sameOut is the output size of TensorFlow SAME padding.
func sameOut(in, stride int) int { return (in + stride - 1) / stride }

// float32Bytes encodes v as little-endian float32.
func float32Bytes(v []float64) []byte {
	out := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(float32(f)))
	}
	return out
}
