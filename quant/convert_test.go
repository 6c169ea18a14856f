package quant

import (
	"context"
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/runtime/tflite"
)

func approx(a, b float64) bool { return math.Abs(a-b) <= 1e-6*max(1, math.Abs(b)) }

func TestConvertFullInteger(t *testing.T) {
	fm := tinyFloatModel(1)
	q, err := Convert(context.Background(), fm, tinyStats(), Config{Method: MinMax})
	if err != nil {
		t.Fatal(err)
	}
	if fm.Tensors[0].Type != tflite.Float32 || fm.Tensors[1].Type != tflite.Float32 {
		t.Fatal("Convert modified the float model")
	}
	act := []struct {
		tensor int
		scale  float64
		zp     int64
	}{
		{0, 1.0 / 128, 0},    // input: the camera's pixel-128
		{3, 6.0 / 255, -128}, // [-2, 9] clipped to ReLU6's [0, 6]
		{6, 4.0 / 255, -128},
		{9, 10.0 / 255, 51},  // [-7, 3]: -128 + 7/(10/255) = 50.5 -> 51
		{10, 10.0 / 255, 51}, // avg pool keeps its input's quantization
		{11, 10.0 / 255, 51}, // so does squeeze
		{12, 1.0 / 256, -128},
	}
	for _, a := range act {
		tt := &q.Tensors[a.tensor]
		if tt.Type != tflite.Int8 || tt.Quant == nil || len(tt.Quant.Scale) != 1 {
			t.Errorf("tensor %q: %v quant %+v, want per-tensor int8", tt.Name, tt.Type, tt.Quant)
			continue
		}
		if !approx(float64(tt.Quant.Scale[0]), a.scale) || tt.Quant.ZeroPoint[0] != a.zp {
			t.Errorf("tensor %q: scale %v zp %d, want %v %d", tt.Name, tt.Quant.Scale[0], tt.Quant.ZeroPoint[0], a.scale, a.zp)
		}
	}
	wantVersion := []int{3, 3, 3, 2, 1, 2}
	for i, op := range q.Ops {
		if op.Version != wantVersion[i] {
			t.Errorf("op %d (%v) version %d, want %d", i, op.Kind, op.Version, wantVersion[i])
		}
	}
	weights := []struct {
		w, b, axis, channels, in int
	}{{1, 2, 0, 4, 0}, {4, 5, 3, 4, 3}, {7, 8, 0, 5, 6}}
	for _, wc := range weights {
		wt, bt := &q.Tensors[wc.w], &q.Tensors[wc.b]
		if wt.Type != tflite.Int8 || wt.Quant == nil || len(wt.Quant.Scale) != wc.channels || wt.Quant.Axis != wc.axis {
			t.Fatalf("weights %q: %v quant %+v, want int8 with %d scales on axis %d", wt.Name, wt.Type, wt.Quant, wc.channels, wc.axis)
		}
		fw, _ := floatData(&fm.Tensors[wc.w])
		cw := &ChannelWeights{Q: make([]int8, len(wt.Data)), Scale: wt.Quant.Scale, Axis: wc.axis}
		for i, b := range wt.Data {
			cw.Q[i] = int8(b)
		}
		dq, err := cw.Dequantize(wt.Shape)
		if err != nil {
			t.Fatal(err)
		}
		channels, inner, _ := channelLayout(wt.Shape, wc.axis)
		for i := range fw {
			c := (i / inner) % channels
			if math.Abs(float64(fw[i]-dq[i])) > float64(cw.Scale[c])/2*1.0001 {
				t.Fatalf("weights %q element %d: %v vs %v beyond half a step", wt.Name, i, fw[i], dq[i])
			}
		}
		for _, z := range wt.Quant.ZeroPoint {
			if z != 0 {
				t.Errorf("weights %q: zero point %d, want 0", wt.Name, z)
			}
		}
		sIn := float64(q.Tensors[wc.in].Quant.Scale[0])
		fb, _ := floatData(&fm.Tensors[wc.b])
		if bt.Type != tflite.Int32 || len(bt.Quant.Scale) != wc.channels {
			t.Fatalf("bias %q: %v with %d scales", bt.Name, bt.Type, len(bt.Quant.Scale))
		}
		for c := range wc.channels {
			want := sIn * float64(wt.Quant.Scale[c])
			if !approx(float64(bt.Quant.Scale[c]), want) {
				t.Errorf("bias %q channel %d scale %v, want s_in*s_w = %v", bt.Name, c, bt.Quant.Scale[c], want)
			}
			v := int32(binary.LittleEndian.Uint32(bt.Data[4*c:]))
			if d := math.Abs(float64(v)*float64(bt.Quant.Scale[c]) - float64(fb[c])); d > float64(bt.Quant.Scale[c])/2*1.0001 {
				t.Errorf("bias %q channel %d: %d dequantizes %v away from %v", bt.Name, c, v, d, fb[c])
			}
		}
	}
}

func TestConvertFloatIO(t *testing.T) {
	fm := tinyFloatModel(2)
	q, err := Convert(context.Background(), fm, tinyStats(), Config{Method: Percentile, FloatIO: true})
	if err != nil {
		t.Fatal(err)
	}
	kinds := []tflite.OpKind{tflite.OpQuantize, tflite.OpConv2D, tflite.OpDepthwiseConv2D, tflite.OpConv2D,
		tflite.OpAveragePool2D, tflite.OpSqueeze, tflite.OpSoftmax, tflite.OpDequantize}
	if len(q.Ops) != len(kinds) {
		t.Fatalf("%d ops, want %d", len(q.Ops), len(kinds))
	}
	for i, k := range kinds {
		if q.Ops[i].Kind != k {
			t.Errorf("op %d is %v, want %v", i, q.Ops[i].Kind, k)
		}
	}
	in, out := &q.Tensors[q.Inputs[0]], &q.Tensors[q.Outputs[0]]
	if in.Type != tflite.Float32 || out.Type != tflite.Float32 || in.Quant != nil || in.Name != "input" || out.Name != "prob" {
		t.Errorf("model io: %q %v %q %v, want float32 input and prob", in.Name, in.Type, out.Name, out.Type)
	}
	qin := q.Ops[0].Outputs[0]
	if q.Ops[0].Inputs[0] != q.Inputs[0] || q.Ops[1].Inputs[0] != qin || q.Tensors[qin].Type != tflite.Int8 {
		t.Errorf("QUANTIZE does not feed the first conv: %+v / %+v", q.Ops[0], q.Ops[1])
	}
	last := q.Ops[len(q.Ops)-1]
	if last.Outputs[0] != q.Outputs[0] || q.Ops[len(q.Ops)-2].Outputs[0] != last.Inputs[0] {
		t.Errorf("DEQUANTIZE does not take the softmax output: %+v", last)
	}
	if s := q.Tensors[last.Inputs[0]].Quant.Scale[0]; s != 1.0/256 {
		t.Errorf("softmax output scale %v, want 1/256", s)
	}
}

func TestConvertErrors(t *testing.T) {
	st := tinyStats()
	st.Tensors[6] = nil
	if _, err := Convert(context.Background(), tinyFloatModel(1), st, Config{}); err == nil || !strings.Contains(err.Error(), "dw1") {
		t.Errorf("missing statistics: err = %v, want one naming dw1", err)
	}
	if _, err := Convert(context.Background(), tinyFloatModel(1), NewStats(3), Config{}); err == nil {
		t.Error("statistics of another model accepted")
	}
	if _, err := Convert(context.Background(), tinyFloatModel(1), tinyStats(), Config{Method: Percentile, Percentile: 30}); err == nil {
		t.Error("percentile 30 accepted")
	}
}

func TestCheckFloatModel(t *testing.T) {
	if err := CheckFloatModel(tinyFloatModel(1)); err != nil {
		t.Fatalf("tiny float model rejected: %v", err)
	}
	cases := []struct {
		name   string
		mutate func(m *tflite.Model)
		want   string
	}{
		{"unsupported op", func(m *tflite.Model) { m.Ops[3].Kind = 0 /* ADD */ }, "op 3"},
		{"quantized input", func(m *tflite.Model) { m.Tensors[0].Type = tflite.Uint8 }, "already quantized"},
		{"int8 weights", func(m *tflite.Model) { m.Tensors[1].Type = tflite.Int8 }, "already quantized"},
		{"gray input", func(m *tflite.Model) { m.Tensors[0].Shape = []int{1, 8, 8, 1} }, "[1,R,R,3]"},
		{"no weights data", func(m *tflite.Model) { m.Tensors[4].Data = nil }, "dw1/w"},
		{"shared constant", func(m *tflite.Model) { m.Ops[1].Inputs[2] = 2 }, "shared"},
		{"two outputs", func(m *tflite.Model) { m.Outputs = append(m.Outputs, 3) }, "2 outputs"},
		{"bad index", func(m *tflite.Model) { m.Ops[1].Inputs[0] = 40 }, "out of range"},
		{"no ops", func(m *tflite.Model) { m.Ops = nil }, "no operators"},
		{"wrong conv output", func(m *tflite.Model) { m.Tensors[3].Shape = []int{1, 8, 8, 4} }, "want [1,4,4,4]"},
		{"wrong in channels", func(m *tflite.Model) { m.Tensors[1].Shape = []int{4, 3, 9, 1} }, "input channels"},
		{"depth multiplier", func(m *tflite.Model) { m.Ops[1].DepthMultiplier = 2 }, "multiplier 2"},
		{"dilation", func(m *tflite.Model) { m.Ops[0].DilationH = 2 }, "dilation"},
		{"bias size", func(m *tflite.Model) { m.Tensors[8].Shape, m.Tensors[8].Data = []int{4}, m.Tensors[8].Data[:16] }, "bias"},
		{"squeeze size", func(m *tflite.Model) { m.Tensors[11].Shape = []int{1, 6} }, "differ in size"},
		{"zero dim", func(m *tflite.Model) { m.Tensors[6].Shape = []int{1, 0, 4, 4} }, "shape"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := tinyFloatModel(1)
			c.mutate(m)
			err := CheckFloatModel(m)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want one containing %q", err, c.want)
			}
			if _, err := WeightsOnly(m, nil); err == nil {
				t.Error("WeightsOnly accepted the model")
			}
		})
	}
	if err := CheckFloatModel(nil); err == nil {
		t.Error("nil model accepted")
	}
}

func TestWeightsOnly(t *testing.T) {
	fm := tinyFloatModel(3)
	wm, err := WeightsOnly(fm, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(wm.Ops) != len(fm.Ops)+3 {
		t.Fatalf("%d ops, want %d (3 DEQUANTIZE first)", len(wm.Ops), len(fm.Ops)+3)
	}
	for i, w := range []int{1, 4, 7} {
		d := wm.Ops[i]
		if d.Kind != tflite.OpDequantize || d.Outputs[0] != w {
			t.Fatalf("op %d: %v -> %v, want DEQUANTIZE -> tensor %d", i, d.Kind, d.Outputs, w)
		}
		ft, qt := &wm.Tensors[w], &wm.Tensors[d.Inputs[0]]
		if ft.Type != tflite.Float32 || ft.Data != nil {
			t.Errorf("dequantized weights %q: %v with %d data bytes, want a float32 activation", ft.Name, ft.Type, len(ft.Data))
		}
		if qt.Type != tflite.Int8 || len(qt.Data) != ft.Elems() || qt.Quant == nil || len(qt.Quant.Scale) != qt.Shape[qt.Quant.Axis] {
			t.Fatalf("int8 weights %q: %v, %d bytes, quant %+v", qt.Name, qt.Type, len(qt.Data), qt.Quant)
		}
		orig, _ := floatData(&fm.Tensors[w])
		cw := &ChannelWeights{Q: make([]int8, len(qt.Data)), Scale: qt.Quant.Scale, Axis: qt.Quant.Axis}
		for k, b := range qt.Data {
			cw.Q[k] = int8(b)
		}
		dq, _ := cw.Dequantize(qt.Shape)
		channels, inner, _ := channelLayout(qt.Shape, qt.Quant.Axis)
		for k := range orig {
			if math.Abs(float64(orig[k]-dq[k])) > float64(cw.Scale[(k/inner)%channels])/2*1.0001 {
				t.Fatalf("%q element %d beyond half a step", qt.Name, k)
			}
		}
	}
	for _, b := range []int{2, 5, 8} {
		if wm.Tensors[b].Type != tflite.Float32 || len(wm.Tensors[b].Data) != len(fm.Tensors[b].Data) {
			t.Errorf("bias %q changed", wm.Tensors[b].Name)
		}
	}
	for i := range fm.Ops {
		if wm.Ops[i+3].Kind != fm.Ops[i].Kind || wm.Ops[i+3].Version != fm.Ops[i].Version {
			t.Errorf("op %d changed: %v v%d", i, wm.Ops[i+3].Kind, wm.Ops[i+3].Version)
		}
	}
}
