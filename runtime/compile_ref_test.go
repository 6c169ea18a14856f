package runtime

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// This file builds small MobileNet-shaped graphs in every numeric scheme and
// runs them through a naive reference interpreter (float64, one loop per
// output element, requantizing once per layer as the golden engine does), so
// compile's parameter folding, padding and scheme handling are checked on
// shapes the fixtures do not have (int8 per-channel, QUANTIZE/DEQUANTIZE,
// FULLY_CONNECTED, odd sizes).

// tinyScheme is the numeric scheme of a test graph.
type tinyScheme int

const (
	schemeF32     tinyScheme = iota // float32 everywhere
	schemeU8                        // legacy uint8, per-tensor weights
	schemeI8                        // int8 activations, per-channel weights
	schemeI8Float                   // int8 inside, float32 input and output
)

func (s tinyScheme) String() string {
	return [...]string{"f32", "u8", "i8", "i8_floatio"}[s]
}

// tinyBuilder appends tensors and ops to a model.
type tinyBuilder struct {
	m      *tflite.Model
	rng    *rand.Rand
	scheme tinyScheme
}

func (b *tinyBuilder) add(t tflite.Tensor) int {
	b.m.Tensors = append(b.m.Tensors, t)
	return len(b.m.Tensors) - 1
}

// act adds an activation tensor with real = s*(q - zp8) in the int8 domain.
func (b *tinyBuilder) act(name string, shape []int, s float32, zp8 int64) int {
	switch b.scheme {
	case schemeF32:
		return b.add(tflite.Tensor{Name: name, Shape: shape, Type: tflite.Float32})
	case schemeU8:
		return b.add(tflite.Tensor{Name: name, Shape: shape, Type: tflite.Uint8,
			Quant: &tflite.Quantization{Scale: []float32{s}, ZeroPoint: []int64{zp8 + 128}}})
	}
	return b.add(tflite.Tensor{Name: name, Shape: shape, Type: tflite.Int8,
		Quant: &tflite.Quantization{Scale: []float32{s}, ZeroPoint: []int64{zp8}}})
}

func refF32Bytes(v []float32) []byte {
	out := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(x))
	}
	return out
}

// weights adds a weight tensor of random values in [-a, a] quantized per the
// scheme (per channel along axis for int8) and its bias for input scale sIn.
func (b *tinyBuilder) weights(name string, shape []int, axis int, a float64, sIn float32) (w, bias int) {
	n := 1
	for _, d := range shape {
		n *= d
	}
	outC := shape[axis]
	real := make([]float32, n)
	for i := range real {
		real[i] = float32((b.rng.Float64()*2 - 1) * a)
	}
	breal := make([]float32, outC)
	for i := range breal {
		breal[i] = float32((b.rng.Float64()*2 - 1) * 0.3)
	}
	if b.scheme == schemeF32 {
		w = b.add(tflite.Tensor{Name: name, Shape: shape, Type: tflite.Float32, Data: refF32Bytes(real)})
		bias = b.add(tflite.Tensor{Name: name + "_bias", Shape: []int{outC}, Type: tflite.Float32, Data: refF32Bytes(breal)})
		return w, bias
	}
	chanOf := func(i int) int { // index of i along axis
		stride := 1
		for _, d := range shape[axis+1:] {
			stride *= d
		}
		return i / stride % outC
	}
	data := make([]byte, n)
	scales := make([]float32, outC)
	var q *tflite.Quantization
	if b.scheme == schemeU8 {
		lo, hi := float32(0), float32(0)
		for _, v := range real {
			lo, hi = min(lo, v), max(hi, v)
		}
		s := (hi - lo) / 255
		zp := int64(math.Round(float64(-lo / s)))
		for i, v := range real {
			data[i] = byte(max(0, min(255, int64(math.Round(float64(v/s)))+zp)))
		}
		for c := range scales {
			scales[c] = s
		}
		q = &tflite.Quantization{Scale: []float32{s}, ZeroPoint: []int64{zp}}
		w = b.add(tflite.Tensor{Name: name, Shape: shape, Type: tflite.Uint8, Quant: q, Data: data})
	} else {
		for i, v := range real {
			c := chanOf(i)
			scales[c] = max(scales[c], float32(math.Abs(float64(v)))/127)
		}
		for i, v := range real {
			data[i] = byte(int8(math.Round(float64(v / scales[chanOf(i)]))))
		}
		q = &tflite.Quantization{Scale: scales, ZeroPoint: make([]int64, outC), Axis: axis}
		w = b.add(tflite.Tensor{Name: name, Shape: shape, Type: tflite.Int8, Quant: q, Data: data})
	}
	bq := make([]byte, 4*outC)
	bs := make([]float32, outC)
	for c := range breal {
		bs[c] = sIn * scales[c]
		binary.LittleEndian.PutUint32(bq[4*c:], uint32(int32(math.Round(float64(breal[c]/bs[c])))))
	}
	bquant := &tflite.Quantization{Scale: bs, ZeroPoint: make([]int64, outC)}
	if b.scheme == schemeU8 {
		bquant = &tflite.Quantization{Scale: bs[:1], ZeroPoint: []int64{0}}
	}
	bias = b.add(tflite.Tensor{Name: name + "_bias", Shape: []int{outC}, Type: tflite.Int32, Quant: bquant, Data: bq})
	return w, bias
}

// tinyNet builds conv 3x3/2 -> dw 3x3/1 -> pw -> dw 3x3/2 -> pw -> avgpool ->
// 1x1 conv -> reshape -> fully connected -> softmax on a res x res x 3 input.
func tinyNet(scheme tinyScheme, res int, seed uint64) *tflite.Model {
	b := &tinyBuilder{m: &tflite.Model{Version: 3}, rng: rand.New(rand.NewPCG(seed, 7)), scheme: scheme}
	const s6 = 6.0 / 255 // ReLU6 outputs: real [0, 6]
	sIn := float32(1.0 / 128)
	var x int
	if scheme == schemeI8Float {
		fin := b.add(tflite.Tensor{Name: "input", Shape: []int{1, res, res, 3}, Type: tflite.Float32})
		b.m.Inputs = []int{fin}
		x = b.act("input_q", []int{1, res, res, 3}, sIn, 0)
		b.m.Ops = append(b.m.Ops, tflite.Op{Kind: tflite.OpQuantize, Inputs: []int{fin}, Outputs: []int{x}})
	} else {
		x = b.act("input", []int{1, res, res, 3}, sIn, 0)
		b.m.Inputs = []int{x}
	}
	h := res
	conv := func(kind tflite.OpKind, k, stride, outC int, pad tflite.Padding, act tflite.Activation, sOut float32, zp int64, sInX float32) {
		in := b.m.Tensors[x]
		inC := in.Shape[3]
		oh := (h + stride - 1) / stride
		if pad == tflite.PadValid {
			oh = (h-k)/stride + 1
		}
		wshape, axis := []int{outC, k, k, inC}, 0
		if kind == tflite.OpDepthwiseConv2D {
			wshape, axis = []int{1, k, k, outC}, 3
		}
		a := 1 / math.Sqrt(float64(k*k*inC))
		if kind == tflite.OpDepthwiseConv2D {
			a = 1 / math.Sqrt(float64(k*k))
		}
		w, bias := b.weights("w", wshape, axis, 1.5*a, sInX)
		y := b.act("y", []int{1, oh, oh, outC}, sOut, zp)
		op := tflite.Op{Kind: kind, Inputs: []int{x, w, bias}, Outputs: []int{y}, Padding: pad,
			StrideH: stride, StrideW: stride, DilationH: 1, DilationW: 1, Activation: act}
		if kind == tflite.OpDepthwiseConv2D {
			op.DepthMultiplier = 1
		}
		b.m.Ops = append(b.m.Ops, op)
		x, h = y, oh
	}
	conv(tflite.OpConv2D, 3, 2, 8, tflite.PadSame, tflite.ActRelu6, s6, -128, sIn)
	conv(tflite.OpDepthwiseConv2D, 3, 1, 8, tflite.PadSame, tflite.ActRelu6, s6, -128, s6)
	conv(tflite.OpConv2D, 1, 1, 16, tflite.PadSame, tflite.ActRelu6, s6, -128, s6)
	conv(tflite.OpDepthwiseConv2D, 3, 2, 16, tflite.PadSame, tflite.ActRelu6, s6, -128, s6)
	conv(tflite.OpConv2D, 1, 1, 12, tflite.PadSame, tflite.ActRelu6, s6, -128, s6)
	pooled := b.act("pool", []int{1, 1, 1, 12}, s6, -128)
	b.m.Ops = append(b.m.Ops, tflite.Op{Kind: tflite.OpAveragePool2D, Inputs: []int{x}, Outputs: []int{pooled},
		Padding: tflite.PadValid, StrideH: 1, StrideW: 1, FilterH: h, FilterW: h})
	x, h = pooled, 1
	conv(tflite.OpConv2D, 1, 1, 7, tflite.PadSame, tflite.ActNone, 0.05, 3, s6)
	flat := b.act("flat", []int{1, 7}, 0.05, 3)
	b.m.Ops = append(b.m.Ops, tflite.Op{Kind: tflite.OpReshape, Inputs: []int{x}, Outputs: []int{flat}, NewShape: []int{1, 7}})
	w, bias := b.weights("fc", []int{5, 7}, 0, 0.8, 0.05)
	logits := b.act("logits", []int{1, 5}, 0.04, -10)
	b.m.Ops = append(b.m.Ops, tflite.Op{Kind: tflite.OpFullyConnected, Inputs: []int{flat, w, bias}, Outputs: []int{logits}})
	prob := b.act("prob", []int{1, 5}, 1.0/256, -128)
	b.m.Ops = append(b.m.Ops, tflite.Op{Kind: tflite.OpSoftmax, Inputs: []int{logits}, Outputs: []int{prob}, Beta: 1})
	out := prob
	if scheme == schemeI8Float {
		out = b.add(tflite.Tensor{Name: "output", Shape: []int{1, 5}, Type: tflite.Float32})
		b.m.Ops = append(b.m.Ops, tflite.Op{Kind: tflite.OpDequantize, Inputs: []int{prob}, Outputs: []int{out}})
	}
	b.m.Outputs = []int{out}
	return b.m
}

// refQuant returns s and the int8-domain zero point of a quantized tensor.
func refQuant(t *tflite.Tensor) (float64, float64) {
	zp := float64(t.Quant.ZeroPoint[0])
	if t.Type == tflite.Uint8 {
		zp -= 128
	}
	return float64(t.Quant.Scale[0]), zp
}

// refStore rounds real values onto tensor t's grid when it is quantized
// (round half away from zero once, clamp), as the golden engine does.
func refStore(t *tflite.Tensor, v []float64) []float64 {
	if !isQuantType(t.Type) {
		for i := range v {
			v[i] = float64(float32(v[i]))
		}
		return v
	}
	s, zp := refQuant(t)
	for i, x := range v {
		q := math.Max(-128, math.Min(127, math.Round(x/s)+zp))
		v[i] = s * (q - zp)
	}
	return v
}

// refConst dequantizes a constant tensor to reals, channel c along axis.
func refConst(t *tflite.Tensor, axis int) []float64 {
	n := t.Elems()
	out := make([]float64, n)
	for i := range out {
		switch t.Type {
		case tflite.Float32:
			out[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(t.Data[4*i:])))
			continue
		case tflite.Int32:
			out[i] = float64(int32(binary.LittleEndian.Uint32(t.Data[4*i:])))
		case tflite.Uint8:
			out[i] = float64(t.Data[i])
		case tflite.Int8:
			out[i] = float64(int8(t.Data[i]))
		}
		c := 0
		if len(t.Quant.Scale) > 1 {
			stride := 1
			for _, d := range t.Shape[axis+1:] {
				stride *= d
			}
			c = i / stride % t.Shape[axis]
		}
		zp := float64(0)
		if len(t.Quant.ZeroPoint) > c {
			zp = float64(t.Quant.ZeroPoint[c])
		}
		out[i] = float64(t.Quant.Scale[c]) * (out[i] - zp)
	}
	return out
}

func refClamp(act tflite.Activation, v float64) float64 {
	switch act {
	case tflite.ActRelu:
		return math.Max(v, 0)
	case tflite.ActRelu6:
		return math.Min(math.Max(v, 0), 6)
	case tflite.ActReluN1To1:
		return math.Min(math.Max(v, -1), 1)
	}
	return v
}

// refOps evaluates builtin ops whose reference lives beside their own
// tests (op_<name>_test.go registers them in an init function): the real
// values of the op's single output from the model and every tensor's values
// so far. refRun rounds them onto the output's grid.
var refOps = map[tflite.OpKind]func(m *tflite.Model, op *tflite.Op, vals [][]float64) []float64{}

// refRun runs m on an RGB image and returns every tensor's real values.
func refRun(t *testing.T, m *tflite.Model, rgb []byte) [][]float64 {
	vals := make([][]float64, len(m.Tensors))
	in := &m.Tensors[m.Inputs[0]]
	x := make([]float64, len(rgb))
	for i, v := range rgb {
		if in.Type == tflite.Float32 {
			x[i] = float64((float32(v) - 127.5) / 127.5)
		} else {
			x[i] = float64(int(v)-128) / 128 // scale 1/128, zero point 0 (int8 domain)
		}
	}
	vals[m.Inputs[0]] = x
	for oi := range m.Ops {
		op := &m.Ops[oi]
		if f := refTestOps[op.Custom]; op.Kind == tflite.OpCustom && f != nil {
			ins := make([][]float64, len(op.Inputs))
			for j, ti := range op.Inputs {
				ins[j] = vals[ti]
			}
			for k, out := range f(ins, len(op.Outputs)) {
				vals[op.Outputs[k]] = refStore(&m.Tensors[op.Outputs[k]], out)
			}
			continue
		}
		if f := refOps[op.Kind]; f != nil {
			vals[op.Outputs[0]] = refStore(&m.Tensors[op.Outputs[0]], f(m, op, vals))
			continue
		}
		src, ot := vals[op.Inputs[0]], &m.Tensors[op.Outputs[0]]
		out := make([]float64, ot.Elems())
		switch op.Kind {
		case tflite.OpConv2D, tflite.OpDepthwiseConv2D, tflite.OpAveragePool2D:
			is, os := m.Tensors[op.Inputs[0]].Shape, ot.Shape
			kh, kw, dw := op.FilterH, op.FilterW, op.Kind == tflite.OpDepthwiseConv2D
			var w, bias []float64
			if op.Kind != tflite.OpAveragePool2D {
				ws := m.Tensors[op.Inputs[1]].Shape
				kh, kw = ws[1], ws[2]
				axis := 0
				if dw {
					axis = 3
				}
				w, bias = refConst(&m.Tensors[op.Inputs[1]], axis), refConst(&m.Tensors[op.Inputs[2]], 0)
			}
			pt := max((os[1]-1)*op.StrideH+kh-is[1], 0) / 2
			pl := max((os[2]-1)*op.StrideW+kw-is[2], 0) / 2
			if op.Padding == tflite.PadValid {
				pt, pl = 0, 0
			}
			for oy := 0; oy < os[1]; oy++ {
				for ox := 0; ox < os[2]; ox++ {
					for oc := 0; oc < os[3]; oc++ {
						var acc float64
						cnt := 0
						for ky := 0; ky < kh; ky++ {
							for kx := 0; kx < kw; kx++ {
								iy, ix := oy*op.StrideH+ky-pt, ox*op.StrideW+kx-pl
								if iy < 0 || ix < 0 || iy >= is[1] || ix >= is[2] {
									continue
								}
								cnt++
								base := (iy*is[2] + ix) * is[3]
								switch {
								case op.Kind == tflite.OpAveragePool2D:
									acc += src[base+oc]
								case dw:
									acc += src[base+oc] * w[(ky*kw+kx)*os[3]+oc]
								default:
									for ic := 0; ic < is[3]; ic++ {
										acc += src[base+ic] * w[((oc*kh+ky)*kw+kx)*is[3]+ic]
									}
								}
							}
						}
						if op.Kind == tflite.OpAveragePool2D {
							acc /= float64(cnt)
						} else {
							acc += bias[oc]
						}
						out[(oy*os[2]+ox)*os[3]+oc] = refClamp(op.Activation, acc)
					}
				}
			}
		case tflite.OpFullyConnected:
			ws := m.Tensors[op.Inputs[1]].Shape
			w, bias := refConst(&m.Tensors[op.Inputs[1]], 0), refConst(&m.Tensors[op.Inputs[2]], 0)
			for r := range len(src) / ws[1] {
				for j := 0; j < ws[0]; j++ {
					acc := bias[j]
					for k := 0; k < ws[1]; k++ {
						acc += src[r*ws[1]+k] * w[j*ws[1]+k]
					}
					out[r*ws[0]+j] = refClamp(op.Activation, acc)
				}
			}
		case tflite.OpAdd:
			for i, b := range vals[op.Inputs[1]] {
				out[i] = refClamp(op.Activation, src[i]+b)
			}
		case tflite.OpMean: // over H and W of [1 H W C]
			is := m.Tensors[op.Inputs[0]].Shape
			hw, c := is[1]*is[2], is[3]
			for p := range hw {
				for ch := range c {
					out[ch] += src[p*c+ch] / float64(hw)
				}
			}
		case tflite.OpPad:
			refPad(m, op, src, out)
		case tflite.OpRelu, tflite.OpRelu6, tflite.OpReluN1To1:
			lo, hi := reluRange(op.Kind)
			for i, v := range src {
				out[i] = math.Min(math.Max(v, float64(lo)), float64(hi))
			}
		case tflite.OpSoftmax:
			mx := math.Inf(-1)
			for _, v := range src {
				mx = math.Max(mx, v)
			}
			var sum float64
			for i, v := range src {
				out[i] = math.Exp(v - mx)
				sum += out[i]
			}
			for i := range out {
				out[i] /= sum
			}
		case tflite.OpReshape, tflite.OpSqueeze, tflite.OpQuantize, tflite.OpDequantize:
			copy(out, src)
		default:
			t.Fatalf("reference: op %s not supported", op.Kind)
		}
		vals[op.Outputs[0]] = refStore(ot, out)
	}
	return vals
}

// refPad pads src (rank 1 to 4) with the real value 0 into out.
func refPad(m *tflite.Model, op *tflite.Op, src, out []float64) {
	in := m.Tensors[op.Inputs[0]].Shape
	before, _, _ := padAmounts(&m.Tensors[op.Inputs[1]], len(in))
	os := m.Tensors[op.Outputs[0]].Shape
	for i := range src {
		// The input index of element i, shifted by the padding before.
		o, rest := 0, i
		for d := range in {
			stride := 1
			for _, v := range in[d+1:] {
				stride *= v
			}
			ostride := 1
			for _, v := range os[d+1:] {
				ostride *= v
			}
			o += (rest/stride + int(before[d])) * ostride
			rest %= stride
		}
		out[o] = src[i]
	}
}

// planTestImage is a deterministic pseudo-random RGB image.
func planTestImage(h, w int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	img := make([]byte, h*w*3)
	for i := range img {
		img[i] = byte(rng.IntN(256))
	}
	return img
}
