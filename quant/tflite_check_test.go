package quant

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/edgecam/edgecam/internal/tflitecheck"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// readWithPython writes m and reads it back with the independent reader
// (internal/tflitecheck).
func readWithPython(t *testing.T, m *tflite.Model) *tflitecheck.Summary {
	t.Helper()
	path := filepath.Join(t.TempDir(), "q.tflite")
	if err := tflite.WriteFile(path, m); err != nil {
		t.Fatal(err)
	}
	return tflitecheck.Read(t, path)
}

// checkInt8Structure checks a full-integer model as the independent reader
// sees it: the op list, per-channel quantization arrays of every weight and
// bias (one scale and zero point 0 per output channel, quantized_dimension 0
// for CONV_2D and 3 for DEPTHWISE_CONV_2D), and buffer sizes.
func checkInt8Structure(t *testing.T, s *tflitecheck.Summary, wantOps []tflite.OpKind) {
	t.Helper()
	if len(s.Operators) != len(wantOps) {
		t.Fatalf("%d operators, want %d", len(s.Operators), len(wantOps))
	}
	for i, op := range s.Operators {
		if op.Builtin != int(wantOps[i]) {
			t.Errorf("op %d is builtin %d, want %v", i, op.Builtin, wantOps[i])
		}
		kind := tflite.OpKind(op.Builtin)
		if kind != tflite.OpConv2D && kind != tflite.OpDepthwiseConv2D {
			continue
		}
		w, b := s.Tensors[op.Inputs[1]], s.Tensors[op.Inputs[2]]
		dim := 0
		if kind == tflite.OpDepthwiseConv2D {
			dim = 3
		}
		channels := w.Shape[dim]
		elems := 1
		for _, d := range w.Shape {
			elems *= d
		}
		if w.Type != int(tflite.Int8) || len(w.Scale) != channels || len(w.ZeroPoint) != channels || w.QuantDim != dim {
			t.Errorf("op %d weights %q: type %d, %d scales, %d zero points, dim %d; want int8, %d, %d, %d",
				i, w.Name, w.Type, len(w.Scale), len(w.ZeroPoint), w.QuantDim, channels, channels, dim)
		}
		if b.Type != int(tflite.Int32) || len(b.Scale) != channels || len(b.ZeroPoint) != channels {
			t.Errorf("op %d bias %q: type %d with %d scales, want int32 with %d", i, b.Name, b.Type, len(b.Scale), channels)
		}
		for _, z := range append(append([]int64{}, w.ZeroPoint...), b.ZeroPoint...) {
			if z != 0 {
				t.Errorf("op %d: non-zero weight/bias zero point %d", i, z)
				break
			}
		}
		if got := s.Buffers[w.Buffer].Size; got != elems {
			t.Errorf("op %d weights %q: buffer of %d bytes, want %d", i, w.Name, got, elems)
		}
		if got := s.Buffers[b.Buffer].Size; got != 4*channels {
			t.Errorf("op %d bias %q: buffer of %d bytes, want %d", i, b.Name, got, 4*channels)
		}
		if !s.Buffers[w.Buffer].Align16 || !s.Buffers[b.Buffer].Align16 {
			t.Errorf("op %d: constant data not 16-byte aligned", i)
		}
		out := s.Tensors[op.Outputs[0]]
		if out.Type != int(tflite.Int8) || len(out.Scale) != 1 || s.Buffers[out.Buffer].Size != 0 {
			t.Errorf("op %d output %q: type %d, %d scales, %d data bytes; want a per-tensor int8 activation",
				i, out.Name, out.Type, len(out.Scale), s.Buffers[out.Buffer].Size)
		}
	}
}

func TestConvertedTinyModelIndependentReader(t *testing.T) {
	q, err := Convert(context.Background(), tinyFloatModel(4), tinyStats(), Config{Method: MinMax, FloatIO: true})
	if err != nil {
		t.Fatal(err)
	}
	s := readWithPython(t, q)
	checkInt8Structure(t, s, []tflite.OpKind{tflite.OpQuantize, tflite.OpConv2D, tflite.OpDepthwiseConv2D,
		tflite.OpConv2D, tflite.OpAveragePool2D, tflite.OpSqueeze, tflite.OpSoftmax, tflite.OpDequantize})
	in, out := s.Tensors[s.Inputs[0]], s.Tensors[s.Outputs[0]]
	if in.Type != int(tflite.Float32) || out.Type != int(tflite.Float32) {
		t.Errorf("float io model: input type %d, output type %d", in.Type, out.Type)
	}
	soft := s.Tensors[s.Operators[6].Outputs[0]]
	if len(soft.Scale) != 1 || soft.Scale[0] != 1.0/256 || soft.ZeroPoint[0] != -128 {
		t.Errorf("softmax output quantization %v %v, want 1/256 -128", soft.Scale, soft.ZeroPoint)
	}
}

func TestWeightsOnlyIndependentReader(t *testing.T) {
	wm, err := WeightsOnly(tinyFloatModel(6), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := readWithPython(t, wm)
	want := []tflite.OpKind{tflite.OpDequantize, tflite.OpDequantize, tflite.OpDequantize,
		tflite.OpConv2D, tflite.OpDepthwiseConv2D, tflite.OpConv2D, tflite.OpAveragePool2D, tflite.OpSqueeze, tflite.OpSoftmax}
	if len(s.Operators) != len(want) {
		t.Fatalf("%d operators, want %d", len(s.Operators), len(want))
	}
	for i, op := range s.Operators {
		if op.Builtin != int(want[i]) {
			t.Errorf("op %d is builtin %d, want %v", i, op.Builtin, want[i])
		}
	}
	for i, dim := range []int{0, 3, 0} {
		d := s.Operators[i]
		q, f := s.Tensors[d.Inputs[0]], s.Tensors[d.Outputs[0]]
		if q.Type != int(tflite.Int8) || q.QuantDim != dim || len(q.Scale) != q.Shape[dim] || s.Buffers[q.Buffer].Size != f.Shape[0]*f.Shape[1]*f.Shape[2]*f.Shape[3] {
			t.Errorf("DEQUANTIZE %d input %q: type %d dim %d, %d scales, %d bytes", i, q.Name, q.Type, q.QuantDim, len(q.Scale), s.Buffers[q.Buffer].Size)
		}
		if f.Type != int(tflite.Float32) || s.Buffers[f.Buffer].Size != 0 || s.Operators[3+i].Inputs[1] != d.Outputs[0] {
			t.Errorf("DEQUANTIZE %d output %q does not feed op %d as float weights", i, f.Name, 3+i)
		}
	}
}
