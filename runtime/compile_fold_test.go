package runtime

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// weightStore replaces the float weights of op (input 1) in m by a constant
// of another type feeding a DEQUANTIZE op prepended to the graph, and writes
// the float values that constant stands for into ref's copy of the weights,
// so that ref is the equivalent float graph.
type weightStore func(t *testing.T, w []float32, shape []int, axis int) (c tflite.Tensor, real []float32)

// storeInt8 quantizes w symmetrically per channel along axis (per tensor
// when perChannel is false), as quant.WeightsOnly does.
func storeInt8(perChannel bool) weightStore {
	return func(t *testing.T, w []float32, shape []int, axis int) (tflite.Tensor, []float32) {
		channels, inner := 1, 1
		if perChannel {
			channels = shape[axis]
			for _, d := range shape[axis+1:] {
				inner *= d
			}
		}
		maxAbs := make([]float32, channels)
		for i, v := range w {
			ch := (i / inner) % channels
			maxAbs[ch] = max(maxAbs[ch], float32(math.Abs(float64(v))))
		}
		scale := make([]float32, channels)
		for ch, a := range maxAbs {
			// Distinct scales per channel, so that a wrong axis shows.
			scale[ch] = max(a, 0.01) / 127 * (1 + 0.25*float32(ch))
		}
		data, real := make([]byte, len(w)), make([]float32, len(w))
		for i, v := range w {
			ch := (i / inner) % channels
			q := max(-127, min(127, math.Round(float64(v/scale[ch]))))
			data[i] = byte(int8(q))
			real[i] = float32(q) * scale[ch]
		}
		c := tflite.Tensor{Shape: slices.Clone(shape), Type: tflite.Int8, Data: data,
			Quant: &tflite.Quantization{Scale: scale, ZeroPoint: make([]int64, channels), Axis: axis}}
		if !perChannel {
			c.Quant.Axis = 0
		}
		return c, real
	}
}

// storeUint8 quantizes w per tensor to uint8 with zero point 128.
func storeUint8(t *testing.T, w []float32, shape []int, _ int) (tflite.Tensor, []float32) {
	var a float32
	for _, v := range w {
		a = max(a, float32(math.Abs(float64(v))))
	}
	s := max(a, 0.01) / 127
	data, real := make([]byte, len(w)), make([]float32, len(w))
	for i, v := range w {
		q := max(1, min(255, math.Round(float64(v/s))+128))
		data[i] = byte(q)
		real[i] = float32(int32(q)-128) * s
	}
	return tflite.Tensor{Shape: slices.Clone(shape), Type: tflite.Uint8, Data: data,
		Quant: &tflite.Quantization{Scale: []float32{s}, ZeroPoint: []int64{128}}}, real
}

// storeFloat16 rounds w to float16 (by truncating the mantissa to 10 bits).
// Values below float16's normal range become a signed zero: the weight
// generator can leave residues such as -7e-9 where an exact zero was meant
// (arm64 fuses its multiply-adds, amd64 does not).
func storeFloat16(t *testing.T, w []float32, shape []int, _ int) (tflite.Tensor, []float32) {
	data, real := make([]byte, 2*len(w)), make([]float32, len(w))
	for i, v := range w {
		b := math.Float32bits(v)
		sign, exp, frac := b>>31, int(b>>23&0xff)-127, b&0x7fffff
		h, r := uint16(sign<<15), math.Float32frombits(sign<<31)
		if exp > 15 {
			t.Fatalf("weight %g outside the float16 range", v)
		}
		if exp >= -14 {
			h = uint16(sign<<15 | uint32(exp+15)<<10 | frac>>13)
			r = math.Float32frombits(b &^ (1<<13 - 1))
		}
		binary.LittleEndian.PutUint16(data[2*i:], h)
		real[i] = r
	}
	return tflite.Tensor{Shape: slices.Clone(shape), Type: tflite.Float16, Data: data}, real
}

// weightsOnlyTiny returns tinyModel with the weights of every conv, depthwise
// and fully connected op stored by store behind a DEQUANTIZE, and the
// equivalent float graph.
func weightsOnlyTiny(t *testing.T, store weightStore) (wo, ref *tflite.Model) {
	wo, ref = tinyModel(), tinyModel()
	var deq []tflite.Op
	for i := range wo.Ops {
		op := &wo.Ops[i]
		axis := 0
		switch op.Kind {
		case tflite.OpConv2D, tflite.OpFullyConnected:
		case tflite.OpDepthwiseConv2D:
			axis = 3
		default:
			continue
		}
		wi := op.Inputs[1]
		wt := &wo.Tensors[wi]
		w, err := constFloat32s(wo, wi, wt.Elems())
		if err != nil {
			t.Fatal(err)
		}
		c, real := store(t, w, wt.Shape, axis)
		c.Name = wt.Name + "_stored"
		wt.Data = nil
		ref.Tensors[wi].Data = refF32Bytes(real)
		wo.Tensors = append(wo.Tensors, c)
		deq = append(deq, tflite.Op{Kind: tflite.OpDequantize, Version: 2, Inputs: []int{len(wo.Tensors) - 1}, Outputs: []int{wi}, DilationH: 1, DilationW: 1})
	}
	wo.Ops = append(deq, wo.Ops...)
	return wo, ref
}

func TestFoldConstantDequantize(t *testing.T) {
	for _, tc := range []struct {
		name  string
		store weightStore
	}{
		{"int8 per channel", storeInt8(true)},
		{"int8 per tensor", storeInt8(false)},
		{"uint8", storeUint8},
		{"float16", storeFloat16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wo, ref := weightsOnlyTiny(t, tc.store)
			// Through the file format too: Load must accept what quant writes.
			var buf bytes.Buffer
			if err := tflite.Write(&buf, wo); err != nil {
				t.Fatal(err)
			}
			parsed, err := Parse(buf.Bytes())
			if err != nil {
				t.Fatalf("Parse of the weights-only model: %v", err)
			}
			for _, m := range []*tflite.Model{wo, parsed} {
				pw := compilePlanT(t, m, Options{Threads: 1, Kernels: "generic"})
				pr := compilePlanT(t, ref, Options{Threads: 1, Kernels: "generic"})
				for _, l := range pw.Layers() {
					if l.Op == tflite.OpDequantize.String() {
						t.Errorf("plan keeps a run-time DEQUANTIZE step: %+v", l)
					}
				}
				if got, want := len(pw.Layers()), len(ref.Ops); got != want {
					t.Errorf("plan has %d layers, want %d (the float graph's)", got, want)
				}
				if got, want := pw.Layers()[0].Index, 3; got != want {
					t.Errorf("first layer's op index %d, want %d (after the 3 DEQUANTIZE ops)", got, want)
				}
				for seed := range uint64(3) {
					runPlanImage(t, pw, seed)
					runPlanImage(t, pr, seed)
					gl, _ := pw.LogitsRaw()
					wl, _ := pr.LogitsRaw()
					if !bytes.Equal(gl, wl) || !bytes.Equal(pw.OutputRaw(), pr.OutputRaw()) {
						t.Fatalf("seed %d: weights-only logits %v, float graph %v", seed, pw.OutputFloat(nil), pr.OutputFloat(nil))
					}
				}
			}
			// The caller's model is not modified by the folding.
			for i := range 3 {
				if wo.Tensors[wo.Ops[i].Outputs[0]].Data != nil {
					t.Errorf("Compile wrote data into the model's tensor %d", wo.Ops[i].Outputs[0])
				}
			}
		})
	}
}

// TestFoldChangesResult checks that the test above can fail: the same graph
// with different dequantized values gives a different output.
func TestFoldChangesResult(t *testing.T) {
	wo, ref := weightsOnlyTiny(t, storeInt8(true))
	wo.Tensors[len(wo.Tensors)-3].Quant.Scale[1] *= 2 // conv weights, channel 1
	pw := compilePlanT(t, wo, Options{Threads: 1})
	pr := compilePlanT(t, ref, Options{Threads: 1})
	runPlanImage(t, pw, 1)
	runPlanImage(t, pr, 1)
	if bytes.Equal(pw.OutputRaw(), pr.OutputRaw()) {
		t.Error("doubling one channel's scale left the output unchanged")
	}
}

func TestHalfToFloat32(t *testing.T) {
	for _, c := range []struct {
		h    uint16
		want float32
	}{
		{0x0000, 0}, {0x3c00, 1}, {0xc000, -2}, {0x3555, 0.333251953125},
		{0x7bff, 65504}, {0x0001, 1.0 / (1 << 24)}, {0x8200, -float32(512) / (1 << 24)},
		{0x7c00, float32(math.Inf(1))}, {0xfc00, float32(math.Inf(-1))},
	} {
		if got := halfToFloat32(c.h); got != c.want {
			t.Errorf("halfToFloat32(%#04x) = %g, want %g", c.h, got, c.want)
		}
	}
	if v := halfToFloat32(0x7e00); !math.IsNaN(float64(v)) {
		t.Errorf("halfToFloat32(0x7e00) = %g, want NaN", v)
	}
}

func TestConstantDequantizeRejects(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(m *tflite.Model)
		want   string
	}{
		// An activation quantized per channel stays unsupported.
		{"per-channel activation", func(m *tflite.Model) {
			m.Tensors[0].Type = tflite.Int8
			m.Tensors[0].Quant = &tflite.Quantization{Scale: []float32{1, 2, 3}, ZeroPoint: []int64{0, 0, 0}, Axis: 3}
			m.Tensors = append(m.Tensors, tflite.Tensor{Name: "x", Shape: []int{1, 4, 4, 3}, Type: tflite.Float32})
			m.Ops = append([]tflite.Op{{Kind: tflite.OpDequantize, Inputs: []int{0}, Outputs: []int{len(m.Tensors) - 1}}}, m.Ops...)
			m.Ops[1].Inputs[0] = len(m.Tensors) - 1
		}, "activations must be quantized per tensor"},
		// A folded constant used as an activation.
		{"folded activation", func(m *tflite.Model) { m.Ops[3].Inputs[0] = m.Ops[3].Inputs[1] }, "is a constant (want an activation)"},
		{"int32 constant", func(m *tflite.Model) { m.Tensors[m.Ops[0].Inputs[0]].Type = tflite.Int32 }, "buffer holds 108 bytes"},
		{"no quantization", func(m *tflite.Model) { m.Tensors[m.Ops[0].Inputs[0]].Quant = nil }, "no quantization parameters"},
		{"int8 output", func(m *tflite.Model) { m.Tensors[m.Ops[0].Outputs[0]].Type = tflite.Int8 }, "type int8 (want float32)"},
		{"float16 activation", func(m *tflite.Model) { m.Tensors[0].Type = tflite.Float16 }, "data type float16"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := weightsOnlyTiny(t, storeInt8(true))
			tc.mutate(m)
			err := Validate(m)
			if !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrInvalidModel) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate: %v, want an invalid or unsupported model (%q)", err, tc.want)
			}
			if p, err := Compile(m, Options{Threads: 1}); err == nil {
				p.Close()
				t.Fatal("Compile accepted the model")
			}
		})
	}
}
