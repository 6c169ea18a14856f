package runtime

import (
	"encoding/binary"
	"fmt"
	"math"
	"testing"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// The ops of MobileNet-V2 and TF2 integer exports on small graphs of every
// numeric scheme, against the reference interpreter: residual ADD of two
// differently quantized tensors, a projection conv without activation,
// standalone RELU6, Keras' PAD before a VALID stride-2 depthwise, MEAN with
// and without keep_dims, FULLY_CONNECTED with keep_num_dims, and QUANTIZE
// from uint8 to int8 and back around int8 internals.

// schemeTF2 is uint8 input and output around int8 internals (added to the
// tinySchemes for these graphs only).
const schemeTF2 = tinyScheme(100)

func (b *graphBuilder) op(op tflite.Op) { b.m.Ops = append(b.m.Ops, op) }

// like adds an activation shaped as x with quantization (s, zp).
func (b *graphBuilder) like(name string, x int, s float32, zp int64) int {
	return b.act(name, append([]int(nil), b.m.Tensors[x].Shape...), s, zp)
}

func (b *graphBuilder) int32s(name string, v ...int32) int {
	data := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(data[4*i:], uint32(x))
	}
	return b.add(tflite.Tensor{Name: name, Shape: []int{len(v)}, Type: tflite.Int32, Data: data})
}

// v2Net builds, on a 12x12 input:
//
//	[QUANTIZE u8->i8] -> conv 3x3/2 relu6 = A
//	A -> pw 16 relu6 -> dw 3x3 relu6 -> pw 8 (no activation) = D;  ADD(D, A) = E
//	E -> RELU6 -> PAD (0 before, 1 after in H and W) -> dw 3x3/2 VALID relu6 = F
//	F -> MEAN(H, W) [-> RESHAPE] -> fc 5 -> softmax [-> QUANTIZE i8->u8]   output 0
//	F -> fc 4 keep_num_dims                                                 output 1
func v2Net(scheme tinyScheme, keepDims bool, seed uint64) *tflite.Model {
	inner := scheme
	if scheme == schemeTF2 {
		scheme, inner = schemeU8, schemeI8
	}
	b, x := newGraphBuilder(scheme, seed, 1, 12, 12, 3)
	b.scheme = inner
	if scheme != inner {
		q := b.like("input_int8", x, 1.0/100, -3) // a real requantization
		b.op(tflite.Op{Kind: tflite.OpQuantize, Inputs: []int{x}, Outputs: []int{q}})
		x = q
	}
	a := b.conv(tflite.OpConv2D, x, 3, 2, 8, tflite.ActRelu6)
	e := b.conv(tflite.OpConv2D, a, 1, 1, 16, tflite.ActRelu6)
	e = b.conv(tflite.OpDepthwiseConv2D, e, 3, 1, 16, tflite.ActRelu6)
	d := b.conv(tflite.OpConv2D, e, 1, 1, 8, tflite.ActNone)
	sum := b.like("add", a, 0.08, -20)
	b.op(tflite.Op{Kind: tflite.OpAdd, Inputs: []int{d, a}, Outputs: []int{sum}})
	r := b.like("relu6", sum, 6.0/255, -128)
	b.op(tflite.Op{Kind: tflite.OpRelu6, Inputs: []int{sum}, Outputs: []int{r}})
	s, zp := b.quant(r)
	padded := b.act("pad", []int{1, 7, 7, 8}, s, zp)
	pads := b.int32s("paddings", 0, 0, 0, 1, 0, 1, 0, 0)
	b.m.Tensors[pads].Shape = []int{4, 2}
	b.op(tflite.Op{Kind: tflite.OpPad, Inputs: []int{r, pads}, Outputs: []int{padded}})
	w, bias := b.weights("dw2", []int{1, 3, 3, 8}, 3, 0.5, s)
	f := b.act("dw2", []int{1, 3, 3, 8}, 6.0/255, -128)
	b.op(tflite.Op{Kind: tflite.OpDepthwiseConv2D, Inputs: []int{padded, w, bias}, Outputs: []int{f}, Padding: tflite.PadValid,
		StrideH: 2, StrideW: 2, DilationH: 1, DilationW: 1, DepthMultiplier: 1, Activation: tflite.ActRelu6})

	meanShape := []int{1, 8}
	if keepDims {
		meanShape = []int{1, 1, 1, 8}
	}
	mean := b.act("mean", meanShape, 0.025, -128)
	b.op(tflite.Op{Kind: tflite.OpMean, Inputs: []int{f, b.int32s("axes", 1, -2)}, Outputs: []int{mean}, KeepDims: keepDims})
	flat := mean
	if keepDims {
		flat = b.act("flat", []int{1, 8}, 0.025, -128)
		b.op(tflite.Op{Kind: tflite.OpReshape, Inputs: []int{mean}, Outputs: []int{flat}, NewShape: []int{1, 8}})
	}
	w, bias = b.weights("fc", []int{5, 8}, 0, 0.8, 0.025)
	logits := b.act("logits", []int{1, 5}, 0.04, -10)
	b.op(tflite.Op{Kind: tflite.OpFullyConnected, Inputs: []int{flat, w, bias}, Outputs: []int{logits}})
	prob := b.act("prob", []int{1, 5}, 1.0/256, -128)
	b.op(tflite.Op{Kind: tflite.OpSoftmax, Inputs: []int{logits}, Outputs: []int{prob}, Beta: 1})
	if scheme != inner {
		b.scheme = scheme
		out := b.like("output", prob, 1.0/256, -128)
		b.op(tflite.Op{Kind: tflite.OpQuantize, Inputs: []int{prob}, Outputs: []int{out}})
		prob = out
		b.scheme = inner
	}
	w, bias = b.weights("fc_keep", []int{4, 8}, 0, 0.8, 6.0/255)
	keep := b.act("fc_keep", []int{1, 3, 3, 4}, 0.05, 3)
	b.op(tflite.Op{Kind: tflite.OpFullyConnected, Inputs: []int{f, w, bias}, Outputs: []int{keep}, KeepNumDims: true})
	b.m.Outputs = []int{prob, keep}
	return b.m
}

func TestV2OpsMatchReference(t *testing.T) {
	for _, sc := range []tinyScheme{schemeF32, schemeU8, schemeI8, schemeTF2} {
		for _, keep := range []bool{true, false} {
			name := fmt.Sprintf("%v/keep_dims_%t", sc, keep)
			if sc == schemeTF2 {
				name = fmt.Sprintf("u8io_i8/keep_dims_%t", keep)
			}
			t.Run(name, func(t *testing.T) {
				m := v2Net(sc, keep, 3)
				if err := Validate(m); err != nil {
					t.Fatal(err)
				}
				// Each quantized layer may round once differently from the
				// float64 reference, and the differences add up along the
				// chain (8 requantizing layers before the logits).
				tol := 1e-5
				if sc != schemeF32 {
					tol = 3
				}
				for _, threads := range []int{1, 3} {
					p := compilePlanT(t, m, Options{Threads: threads})
					checkOutputsAgainstRef(t, m, p, tol)
					types := map[string]bool{}
					for _, l := range p.Layers() {
						types[l.Type] = true
					}
					for _, want := range []string{"add", "relu", "pad", "mean", "dwconv", "pwconv", "fc"} {
						if !types[want] {
							t.Errorf("threads %d: no %q layer in %v", threads, want, p.Layers())
						}
					}
				}
			})
		}
	}
}

// TestV2OpsThreadsAndAllocs checks that 1 and 3 threads give the same bytes
// and that a frame allocates nothing.
func TestV2OpsThreadsAndAllocs(t *testing.T) {
	for _, sc := range []tinyScheme{schemeF32, schemeU8, schemeI8, schemeTF2} {
		m := v2Net(sc, true, 4)
		one := compilePlanT(t, m, Options{Threads: 1})
		three := compilePlanT(t, m, Options{Threads: 3})
		img := planTestImage(12, 12, 9)
		for _, p := range []*Plan{one, three} {
			if err := p.SetInputRGB(img); err != nil {
				t.Fatal(err)
			}
			if err := p.Run(); err != nil {
				t.Fatal(err)
			}
		}
		for i := range m.Outputs {
			a, b := one.OutputRawAt(i), three.OutputRawAt(i)
			if sc == schemeF32 {
				if d := maxDiffF32(a, b); d > floatThreadTol {
					t.Errorf("scheme %d output %d: 3 threads differ from 1 by %g", sc, i, d)
				}
			} else if string(a) != string(b) {
				t.Errorf("scheme %d output %d: 3 threads differ from 1", sc, i)
			}
		}
		if raceEnabled {
			continue
		}
		for _, p := range []*Plan{one, three} {
			if n := testing.AllocsPerRun(5, func() {
				if err := p.SetInputRGB(img); err != nil {
					t.Fatal(err)
				}
				if err := p.Run(); err != nil {
					t.Fatal(err)
				}
				p.OutputRawAt(0)
				p.OutputRawAt(1)
			}); n != 0 {
				t.Errorf("scheme %d: a frame allocates %v times, want 0", sc, n)
			}
		}
	}
}

// TestV2OpsRealValues checks a few outputs by hand: ADD of two quantized
// tensors requantizes each input, PAD's border is the zero point, MEAN
// requantizes and a standalone RELU6 clamps.
func TestV2OpsRealValues(t *testing.T) {
	m := &tflite.Model{Version: 3,
		Tensors: []tflite.Tensor{
			{Name: "x", Shape: []int{1, 1, 2, 3}, Type: tflite.Uint8, Quant: &tflite.Quantization{Scale: []float32{1.0 / 128}, ZeroPoint: []int64{128}}},
			{Name: "y", Shape: []int{1, 1, 2, 3}, Type: tflite.Uint8, Quant: &tflite.Quantization{Scale: []float32{0.5}, ZeroPoint: []int64{100}}},
			{Name: "sum", Shape: []int{1, 1, 2, 3}, Type: tflite.Uint8, Quant: &tflite.Quantization{Scale: []float32{0.25}, ZeroPoint: []int64{10}}},
		},
		Ops: []tflite.Op{
			{Kind: tflite.OpRelu6, Inputs: []int{0}, Outputs: []int{1}},
			{Kind: tflite.OpAdd, Inputs: []int{0, 1}, Outputs: []int{2}},
		},
		Inputs: []int{0}, Outputs: []int{2, 1},
	}
	p := compilePlanT(t, m, Options{Threads: 1})
	rgb := []byte{0, 64, 128, 192, 255, 129}
	if err := p.SetInputRGB(rgb); err != nil {
		t.Fatal(err)
	}
	if err := p.Run(); err != nil {
		t.Fatal(err)
	}
	for i, v := range rgb {
		x := (float64(v) - 128) / 128                         // real input
		r := math.Min(math.Max(x, 0), 6)                      // RELU6
		wantY := byte(math.Round(r/0.5) + 100)                // on y's grid
		sum := x + 0.5*(float64(wantY)-100)                   // ADD of the reals
		wantSum := byte(math.Max(0, math.Round(sum/0.25)+10)) // on sum's grid
		if got := p.OutputRawAt(1)[i]; got != wantY {
			t.Errorf("RELU6(%d): %d, want %d", v, got, wantY)
		}
		if got := p.OutputRawAt(0)[i]; got != wantSum {
			t.Errorf("ADD at %d: %d, want %d", v, got, wantSum)
		}
	}
}
