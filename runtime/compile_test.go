package runtime

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// tensorByName finds a tensor by name.
func tensorByName(t *testing.T, m *tflite.Model, name string) int {
	t.Helper()
	for i := range m.Tensors {
		if m.Tensors[i].Name == name {
			return i
		}
	}
	t.Fatalf("no tensor %q", name)
	return -1
}

// rawReals decodes a tensor's raw bytes (as OutputRaw and LogitsRaw return
// them) into real values.
func rawReals(tt *tflite.Tensor, raw []byte) []float64 {
	out := make([]float64, tt.Elems())
	for i := range out {
		switch tt.Type {
		case tflite.Float32:
			out[i] = float64(goldenF32At(raw, i))
		case tflite.Uint8:
			out[i] = float64(tt.Quant.Scale[0]) * (float64(raw[i]) - float64(tt.Quant.ZeroPoint[0]))
		case tflite.Int8:
			out[i] = float64(tt.Quant.Scale[0]) * (float64(int8(raw[i])) - float64(tt.Quant.ZeroPoint[0]))
		}
	}
	return out
}

// maxStepDiff is the largest difference between got and want in units of the
// tensor's quantization step (or absolute for float tensors).
func maxStepDiff(tt *tflite.Tensor, got, want []float64) float64 {
	s := 1.0
	if tt.Quant != nil {
		s = float64(tt.Quant.Scale[0])
	}
	var d float64
	for i := range got {
		d = max(d, math.Abs(got[i]-want[i])/s)
	}
	return d
}

// TestCompileMatchesReference runs the small graphs of every scheme against
// the naive float64 reference interpreter.
func TestCompileMatchesReference(t *testing.T) {
	for _, sc := range []tinyScheme{schemeF32, schemeU8, schemeI8, schemeI8Float} {
		for _, res := range []int{10, 9, 16} {
			t.Run(fmt.Sprintf("%v/%d", sc, res), func(t *testing.T) {
				m := tinyNet(sc, res, uint64(res))
				p, err := Compile(m, Options{Threads: 1})
				if err != nil {
					t.Fatal(err)
				}
				defer p.Close()
				logitsT := &m.Tensors[tensorByName(t, m, "logits")]
				outT := &m.Tensors[m.Outputs[0]]
				var worstLogits, worstOut float64
				for seed := range uint64(8) {
					img := planTestImage(res, res, seed)
					if err := p.SetInputRGB(img); err != nil {
						t.Fatal(err)
					}
					if err := p.Run(); err != nil {
						t.Fatal(err)
					}
					ref := refRun(t, m, img)
					raw, ok := p.LogitsRaw()
					if !ok {
						t.Fatal("LogitsRaw: no softmax found")
					}
					worstLogits = max(worstLogits, maxStepDiff(logitsT, rawReals(logitsT, raw), ref[tensorByName(t, m, "logits")]))
					worstOut = max(worstOut, maxStepDiff(outT, rawReals(outT, p.OutputRaw()), ref[m.Outputs[0]]))
				}
				t.Logf("max diff vs reference: logits %.3g, output %.3g", worstLogits, worstOut)
				if sc == schemeF32 {
					if worstLogits > 1e-5 || worstOut > 1e-6 {
						t.Errorf("float: logits differ by %g, output by %g (bounds 1e-5, 1e-6)", worstLogits, worstOut)
					}
					return
				}
				outBound := 2.0
				if sc == schemeI8Float { // dequantized output: compare in real units
					outBound = 2.0 / 256
				}
				if worstLogits > 1 || worstOut > outBound {
					t.Errorf("quantized: logits differ by %g steps (bound 1), output by %g (bound %g)", worstLogits, worstOut, outBound)
				}
			})
		}
	}
}

// TestCompileSurvivesMutations damages the small graphs at random (shapes,
// types, quantization, op options, constant data) and checks that Compile
// either rejects the model or returns a plan that runs, never panics.
func TestCompileSurvivesMutations(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 13))
	pickInt := func() int { return []int{-1, 0, 1, 2, 3, 7, 1 << 20}[rng.IntN(7)] }
	mutations := []func(m *tflite.Model){
		func(m *tflite.Model) {
			t := &m.Tensors[rng.IntN(len(m.Tensors))]
			t.Shape[rng.IntN(len(t.Shape))] = pickInt()
		},
		func(m *tflite.Model) {
			t := &m.Tensors[rng.IntN(len(m.Tensors))]
			t.Type = []tflite.DType{tflite.Float32, tflite.Uint8, tflite.Int8, tflite.Int32, tflite.Int16, tflite.Float16}[rng.IntN(6)]
		},
		func(m *tflite.Model) {
			if t := &m.Tensors[rng.IntN(len(m.Tensors))]; t.Quant != nil {
				t.Quant.Scale[0] = []float32{0, -1, float32(math.NaN()), float32(math.Inf(1)), 1e-30, 1e30}[rng.IntN(6)]
			}
		},
		func(m *tflite.Model) {
			if t := &m.Tensors[rng.IntN(len(m.Tensors))]; t.Quant != nil && len(t.Quant.ZeroPoint) > 0 {
				t.Quant.ZeroPoint[0] = []int64{-129, 256, 300, -1000}[rng.IntN(4)]
			}
		},
		func(m *tflite.Model) {
			if t := &m.Tensors[rng.IntN(len(m.Tensors))]; t.Data != nil {
				t.Data = t.Data[:rng.IntN(len(t.Data)+1)]
			}
		},
		func(m *tflite.Model) {
			op := &m.Ops[rng.IntN(len(m.Ops))]
			op.StrideH, op.StrideW = pickInt(), pickInt()
		},
		func(m *tflite.Model) {
			op := &m.Ops[rng.IntN(len(m.Ops))]
			op.FilterH, op.FilterW = pickInt(), pickInt()
		},
		func(m *tflite.Model) { op := &m.Ops[rng.IntN(len(m.Ops))]; op.Padding = tflite.Padding(pickInt()) },
		func(m *tflite.Model) {
			op := &m.Ops[rng.IntN(len(m.Ops))]
			op.Activation = tflite.Activation(pickInt())
		},
		func(m *tflite.Model) { op := &m.Ops[rng.IntN(len(m.Ops))]; op.Inputs[0] = pickInt() },
		func(m *tflite.Model) {
			op := &m.Ops[rng.IntN(len(m.Ops))]
			kinds := []tflite.OpKind{tflite.OpConv2D, tflite.OpDepthwiseConv2D, tflite.OpFullyConnected, tflite.OpAveragePool2D, tflite.OpSoftmax, tflite.OpReshape, tflite.OpQuantize, tflite.OpDequantize,
				tflite.OpAdd, tflite.OpMean, tflite.OpPad, tflite.OpRelu6, tflite.OpCustom}
			op.Kind = kinds[rng.IntN(len(kinds))]
			if op.Kind == tflite.OpCustom {
				op.Custom = testSplitOp
			}
		},
	}
	accepted := 0
	for i := range 600 {
		m := tinyNet(tinyScheme(i%4), 10, uint64(i))
		if i%3 == 2 { // graphs with ADD, PAD, MEAN, RELU6, QUANTIZE u8 -> i8, two outputs
			m = v2Net([]tinyScheme{schemeF32, schemeU8, schemeI8, schemeTF2}[i%4], i%2 == 0, uint64(i))
		}
		for range 1 + rng.IntN(3) {
			mutations[rng.IntN(len(mutations))](m)
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("mutation %d: panic: %v", i, r)
				}
			}()
			p, err := Compile(m, Options{Threads: 1 + i%2})
			if err != nil {
				return
			}
			defer p.Close()
			accepted++
			h, w, c := p.InputShape()
			if err := p.SetInputRGB(make([]byte, h*w*c)); err == nil {
				if err := p.Run(); err != nil {
					t.Errorf("mutation %d: Run: %v", i, err)
				}
				p.TopK(3, nil)
				p.OutputFloat(nil)
				for o := range p.NumOutputs() {
					p.OutputRawAt(o)
				}
			}
		}()
	}
	t.Logf("%d of 600 mutated models compiled and ran", accepted)
}

func TestColumnBounds(t *testing.T) {
	for _, tc := range []struct{ n, parts int }{{1001, 2}, {1001, 4}, {1001, 3}, {32, 4}, {40, 2}, {1024, 256}, {17, 1}} {
		b := columnBounds(tc.n, tc.parts)
		if b[0] != 0 || b[len(b)-1] != tc.n || len(b)-1 > tc.parts {
			t.Errorf("columnBounds(%d, %d) = %v: want 0 .. %d in at most %d chunks", tc.n, tc.parts, b, tc.n, tc.parts)
		}
		for i := 1; i < len(b); i++ {
			if b[i] <= b[i-1] || (i < len(b)-1 && b[i]%columnChunk != 0) {
				t.Errorf("columnBounds(%d, %d) = %v: chunks must be non-empty and aligned to %d", tc.n, tc.parts, b, columnChunk)
			}
		}
	}
	if b := columnBounds(1001, 2); b[1] != 496 && b[1] != 512 {
		t.Errorf("columnBounds(1001, 2) = %v: want an even split near 500", b)
	}
}
