package runtime

import (
	"slices"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// realModel is what /work/shared/models/README.md documents about one file.
type realModel struct {
	file       string
	alpha      float64
	res        int
	dtype      tflite.DType
	desc       string
	outName    string
	outShape   []int
	outScale   float32 // 0 for float
	outZP      int64
	convs, dws int
	tail       tflite.OpKind // op between the logits conv and softmax (0 for the extractor)
}

const predictionsName = "MobilenetV1/Predictions/Reshape_1"

var realModels = []realModel{
	{"mobilenet_v1_0.25_128_quant.tflite", 0.25, 128, tflite.Uint8, "TOCO Converted.", predictionsName, []int{1, 1001}, 1.0 / 256, 0, 15, 13, tflite.OpReshape},
	{"mobilenet_v1_0.5_160_quant.tflite", 0.5, 160, tflite.Uint8, "TOCO Converted.", predictionsName, []int{1, 1001}, 1.0 / 256, 0, 15, 13, tflite.OpReshape},
	{"mobilenet_v1_0.75_192_quant.tflite", 0.75, 192, tflite.Uint8, "TOCO Converted.", predictionsName, []int{1, 1001}, 1.0 / 256, 0, 15, 13, tflite.OpReshape},
	{"mobilenet_v1_0.25_224_quant.tflite", 0.25, 224, tflite.Uint8, "TOCO Converted.", predictionsName, []int{1, 1001}, 1.0 / 256, 0, 15, 13, tflite.OpReshape},
	{"mobilenet_v1_0.25_224.tflite", 0.25, 224, tflite.Float32, "TOCO Converted.", predictionsName, []int{1, 1001}, 0, 0, 15, 13, tflite.OpSqueeze},
	{"mobilenet_v1_1.0_224_quant_embedding_extractor.tflite", 1.0, 224, tflite.Uint8, "TOCO Converted.", "MobilenetV1/Logits/AvgPool_1a/AvgPool", []int{1, 1, 1, 1024}, 0.023528477177023888, 0, 14, 13, 0},
	{"coral_mlir_mobilenet_v1_0.25_128_quant.tflite", 0.25, 128, tflite.Uint8, "MLIR Converted.", predictionsName, []int{1, 1001}, 1.0 / 256, 0, 15, 13, tflite.OpReshape},
	{"coral_mlir_mobilenet_v1_0.5_160_quant.tflite", 0.5, 160, tflite.Uint8, "MLIR Converted.", predictionsName, []int{1, 1001}, 1.0 / 256, 0, 15, 13, tflite.OpReshape},
	{"coral_mlir_mobilenet_v1_0.75_192_quant.tflite", 0.75, 192, tflite.Uint8, "MLIR Converted.", predictionsName, []int{1, 1001}, 1.0 / 256, 0, 15, 13, tflite.OpReshape},
}

// mobileNetBody is the (output channels at alpha 1, stride) of the first
// conv and the 13 depthwise-separable blocks.
var mobileNetBody = []struct{ ch, stride int }{
	{32, 2}, {64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2},
	{512, 1}, {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1},
}

func TestLoadRealModels(t *testing.T) {
	for _, rm := range realModels {
		t.Run(strings.TrimSuffix(rm.file, ".tflite"), func(t *testing.T) {
			m, err := Load(fixtures.Path(t, "models/"+rm.file))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			checkRealModel(t, m, rm)
		})
	}
}

func checkRealModel(t *testing.T, m *tflite.Model, rm realModel) {
	t.Helper()
	if m.Version != 3 || m.Description != rm.desc {
		t.Errorf("version %d description %q, want 3 %q", m.Version, m.Description, rm.desc)
	}
	in := m.Tensors[m.Inputs[0]]
	if in.Name != "input" || !slices.Equal(in.Shape, []int{1, rm.res, rm.res, 3}) || in.Type != rm.dtype {
		t.Errorf("input %q %v %v, want \"input\" [1 %d %d 3] %v", in.Name, in.Shape, in.Type, rm.res, rm.res, rm.dtype)
	}
	if rm.dtype == tflite.Uint8 && (in.Quant == nil || in.Quant.Scale[0] != 0.0078125 || in.Quant.ZeroPoint[0] != 128) {
		t.Errorf("input quantization %+v, want scale 0.0078125 zero point 128", in.Quant)
	}
	out := m.Tensors[m.Outputs[0]]
	if out.Name != rm.outName || !slices.Equal(out.Shape, rm.outShape) || out.Type != rm.dtype {
		t.Errorf("output %q %v %v, want %q %v %v", out.Name, out.Shape, out.Type, rm.outName, rm.outShape, rm.dtype)
	}
	if rm.outScale != 0 && (out.Quant == nil || out.Quant.Scale[0] != rm.outScale || out.Quant.ZeroPoint[0] != rm.outZP) {
		t.Errorf("output quantization %+v, want scale %g zero point %d", out.Quant, rm.outScale, rm.outZP)
	}

	counts := map[tflite.OpKind]int{}
	for _, op := range m.Ops {
		counts[op.Kind]++
		if op.Version != 1 {
			t.Errorf("%v version %d, want 1", op.Kind, op.Version)
		}
	}
	if counts[tflite.OpConv2D] != rm.convs || counts[tflite.OpDepthwiseConv2D] != rm.dws || counts[tflite.OpAveragePool2D] != 1 {
		t.Errorf("op counts %v, want %d CONV_2D, %d DEPTHWISE_CONV_2D, 1 AVERAGE_POOL_2D", counts, rm.convs, rm.dws)
	}
	if rm.tail != 0 && (counts[rm.tail] != 1 || counts[tflite.OpSoftmax] != 1 || m.Ops[len(m.Ops)-1].Kind != tflite.OpSoftmax) {
		t.Errorf("op counts %v, want one %v and a final SOFTMAX", counts, rm.tail)
	}

	// The body: conv, then (dw, pw) x 13, channels and strides as the paper.
	for b, blk := range mobileNetBody {
		ch := max(int(float64(blk.ch)*rm.alpha), 8)
		var pw, dw *tflite.Op
		if b == 0 {
			pw = &m.Ops[0]
		} else {
			dw, pw = &m.Ops[2*b-1], &m.Ops[2*b]
			if dw.Kind != tflite.OpDepthwiseConv2D || dw.StrideH != blk.stride || dw.Padding != tflite.PadSame || dw.DepthMultiplier != 1 {
				t.Errorf("block %d: depthwise op %+v, want DEPTHWISE_CONV_2D stride %d SAME", b, dw, blk.stride)
			}
		}
		w := m.Tensors[pw.Inputs[1]]
		wantStride := 1
		if b == 0 {
			wantStride = blk.stride
		}
		if pw.Kind != tflite.OpConv2D || pw.StrideH != wantStride || pw.Padding != tflite.PadSame || w.Shape[0] != ch {
			t.Errorf("block %d: conv %v stride %d pad %d filter %v, want CONV_2D stride %d SAME with %d outputs", b, pw.Kind, pw.StrideH, pw.Padding, w.Shape, wantStride, ch)
		}
		if rm.dtype == tflite.Uint8 {
			checkLegacyQuant(t, m, pw)
		}
		if rm.dtype == tflite.Float32 && pw.Activation != tflite.ActRelu6 {
			t.Errorf("block %d: float conv activation %d, want RELU6", b, pw.Activation)
		}
	}
	pool := m.Ops[27]
	if pool.Kind != tflite.OpAveragePool2D || pool.FilterH != rm.res/32 || pool.FilterW != rm.res/32 || pool.Padding != tflite.PadValid {
		t.Errorf("pool %+v, want AVERAGE_POOL_2D %dx%d VALID", pool, rm.res/32, rm.res/32)
	}
	if rm.tail != 0 {
		logits := m.Ops[28]
		if w := m.Tensors[logits.Inputs[1]].Shape; logits.Kind != tflite.OpConv2D || !slices.Equal(w, []int{1001, 1, 1, max(int(1024*rm.alpha), 8)}) || logits.Activation != tflite.ActNone {
			t.Errorf("logits op %v filter %v activation %d, want CONV_2D [1001 1 1 C] NONE", logits.Kind, w, logits.Activation)
		}
	}
}

// checkLegacyQuant checks one op of a legacy uint8 model: per-tensor uint8
// weights and activations, int32 bias with scale input x weight scale.
func checkLegacyQuant(t *testing.T, m *tflite.Model, op *tflite.Op) {
	t.Helper()
	in, w, out := m.Tensors[op.Inputs[0]], m.Tensors[op.Inputs[1]], m.Tensors[op.Outputs[0]]
	b := m.Tensors[op.Inputs[2]]
	if w.Type != tflite.Uint8 || w.Quant.PerChannel() || in.Type != tflite.Uint8 || out.Type != tflite.Uint8 || b.Type != tflite.Int32 {
		t.Errorf("%v: types in %v w %v (per-channel %t) out %v bias %v, want uint8 per-tensor and int32 bias", op.Kind, in.Type, w.Type, w.Quant.PerChannel(), out.Type, b.Type)
		return
	}
	want := float64(in.Quant.Scale[0]) * float64(w.Quant.Scale[0])
	if got := float64(b.Quant.Scale[0]); got < want*(1-1e-5) || got > want*(1+1e-5) || b.Quant.ZeroPoint[0] != 0 {
		t.Errorf("%v: bias scale %g zero point %d, want %g and 0", op.Kind, got, b.Quant.ZeroPoint[0], want)
	}
	if len(w.Data) != w.Elems() {
		t.Errorf("%v: weight data %d bytes, want %d", op.Kind, len(w.Data), w.Elems())
	}
}
