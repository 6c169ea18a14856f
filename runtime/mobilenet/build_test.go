package mobilenet

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/runtime/tflite"
)

func mustBuild(t *testing.T, cfg Config) *tflite.Model {
	t.Helper()
	m, err := Build(cfg)
	if err != nil {
		t.Fatalf("Build(%+v): %v", cfg, err)
	}
	return m
}

// TestBuildMatchesRealFloatModel compares the built float 0.25/224 network
// with the TFLite file, op by op: kinds, options and every tensor shape.
func TestBuildMatchesRealFloatModel(t *testing.T) {
	real, err := tflite.ReadFile(fixtures.Path(t, "models/mobilenet_v1_0.25_224.tflite"))
	if err != nil {
		t.Fatal(err)
	}
	m := mustBuild(t, Config{Alpha: 0.25, Res: 224, DType: tflite.Float32, Seed: 1})
	if len(m.Ops) != len(real.Ops) {
		t.Fatalf("%d ops, want %d", len(m.Ops), len(real.Ops))
	}
	for i := range real.Ops {
		g, w := &m.Ops[i], &real.Ops[i]
		if g.Kind != w.Kind || g.StrideH != w.StrideH || g.StrideW != w.StrideW || g.Padding != w.Padding ||
			g.Activation != w.Activation || g.FilterH != w.FilterH || g.FilterW != w.FilterW ||
			g.DepthMultiplier != w.DepthMultiplier || !slices.Equal(g.SqueezeDims, w.SqueezeDims) || g.Beta != w.Beta {
			t.Errorf("op %d = %+v, want %+v", i, *g, *w)
		}
		if len(g.Inputs) != len(w.Inputs) {
			t.Errorf("op %d: %d inputs, want %d", i, len(g.Inputs), len(w.Inputs))
			continue
		}
		for j := range w.Inputs {
			gs, ws := m.Tensors[g.Inputs[j]].Shape, real.Tensors[w.Inputs[j]].Shape
			if !slices.Equal(gs, ws) {
				t.Errorf("op %d input %d shape %v, want %v", i, j, gs, ws)
			}
		}
		if gs, ws := m.Tensors[g.Outputs[0]].Shape, real.Tensors[w.Outputs[0]].Shape; !slices.Equal(gs, ws) {
			t.Errorf("op %d output shape %v, want %v", i, gs, ws)
		}
	}
	if out := m.Tensors[m.Outputs[0]]; out.Name != "MobilenetV1/Predictions/Reshape_1" {
		t.Errorf("output name %q, want MobilenetV1/Predictions/Reshape_1", out.Name)
	}
}

func TestBuildShapes(t *testing.T) {
	for _, cfg := range []Config{
		{Alpha: 1, Res: 224},
		{Alpha: 0.35, Res: 96, Classes: 10},
		{Alpha: 1.3, Res: 32, DType: tflite.Int8},
		{Alpha: 0.5, Res: 128, FullConv: true, NoBias: true, Classes: 1000},
	} {
		t.Run(fmt.Sprintf("%g_%d_%v_full%t", cfg.Alpha, cfg.Res, cfg.DType, cfg.FullConv), func(t *testing.T) {
			stats, err := DescribeConfig(cfg)
			if err != nil {
				t.Fatal(err)
			}
			classes := cfg.Classes
			if classes == 0 {
				classes = 1001
			}
			wantOps := 31
			if cfg.FullConv {
				wantOps = 18
			}
			if len(stats) != wantOps {
				t.Fatalf("%d ops, want %d", len(stats), wantOps)
			}
			last := stats[len(stats)-1]
			if last.Op != "SOFTMAX" || !slices.Equal(last.Out, []int{1, classes}) {
				t.Errorf("last op %s %v, want SOFTMAX [1 %d]", last.Op, last.Out, classes)
			}
			pool := stats[len(stats)-4]
			final := cfg.Res / 32
			top := max(int(1024*cfg.Alpha), 8)
			if pool.Type != "pool" || !slices.Equal(pool.In, []int{1, final, final, top}) {
				t.Errorf("pool input %v, want [1 %d %d %d]", pool.In, final, final, top)
			}
			if first := stats[0]; !slices.Equal(first.Out, []int{1, cfg.Res / 2, cfg.Res / 2, max(int(32*cfg.Alpha), 8)}) {
				t.Errorf("first conv output %v", first.Out)
			}
		})
	}
}

func TestBuildDeterministic(t *testing.T) {
	a := mustBuild(t, Config{Alpha: 0.25, Res: 32, Seed: 7})
	b := mustBuild(t, Config{Alpha: 0.25, Res: 32, Seed: 7})
	c := mustBuild(t, Config{Alpha: 0.25, Res: 32, Seed: 8})
	for i := range a.Tensors {
		if !bytes.Equal(a.Tensors[i].Data, b.Tensors[i].Data) {
			t.Fatalf("tensor %d differs between two builds with seed 7", i)
		}
	}
	if bytes.Equal(a.Tensors[1].Data, c.Tensors[1].Data) {
		t.Errorf("seeds 7 and 8 give the same first filter")
	}
}

// TestBuildFloatWeightScale checks the He scaling: sample std of each conv
// filter within 15% of sqrt(2/fan_in).
func TestBuildFloatWeightScale(t *testing.T) {
	m := mustBuild(t, Config{Alpha: 0.5, Res: 32, Seed: 1})
	for i, op := range m.Ops {
		if op.Kind != tflite.OpConv2D || op.Activation != tflite.ActRelu6 {
			continue
		}
		w := &m.Tensors[op.Inputs[1]]
		var s2 float64
		for _, v := range refFloats(w) {
			s2 += float64(v) * float64(v)
		}
		std := math.Sqrt(s2 / float64(w.Elems()))
		want := math.Sqrt(2 / float64(w.Shape[1]*w.Shape[2]*w.Shape[3]))
		if math.Abs(std-want) > 0.15*want {
			t.Errorf("op %d: weight std %.4f, want about %.4f", i, std, want)
		}
	}
}

func TestBuildInt8Scheme(t *testing.T) {
	m := mustBuild(t, Config{Alpha: 0.25, Res: 64, DType: tflite.Int8, Seed: 2})
	in, out := m.Tensors[m.Inputs[0]], m.Tensors[m.Outputs[0]]
	if in.Type != tflite.Int8 || in.Quant.Scale[0] != 1.0/128 || in.Quant.ZeroPoint[0] != 0 {
		t.Errorf("input %v %+v, want int8 scale 1/128 zero point 0", in.Type, in.Quant)
	}
	if out.Type != tflite.Int8 || out.Quant.Scale[0] != 1.0/256 || out.Quant.ZeroPoint[0] != -128 {
		t.Errorf("output %v %+v, want int8 scale 1/256 zero point -128", out.Type, out.Quant)
	}
	for i, op := range m.Ops {
		if op.Kind != tflite.OpConv2D && op.Kind != tflite.OpDepthwiseConv2D {
			continue
		}
		x, w, b, y := m.Tensors[op.Inputs[0]], m.Tensors[op.Inputs[1]], m.Tensors[op.Inputs[2]], m.Tensors[op.Outputs[0]]
		axis := 0
		if op.Kind == tflite.OpDepthwiseConv2D {
			axis = 3
		}
		n := w.Shape[axis]
		if w.Type != tflite.Int8 || w.Quant.Axis != axis || len(w.Quant.Scale) != n {
			t.Fatalf("op %d: weights %v axis %d with %d scales, want int8 per-channel along %d with %d", i, w.Type, w.Quant.Axis, len(w.Quant.Scale), axis, n)
		}
		// Symmetric per channel: every channel reaches +-127, zero point 0.
		peak := make([]int, n)
		inner := w.Elems() / (n * max(1, shapeProd(w.Shape[:axis])))
		for j, q := range w.Data {
			c := (j / inner) % n
			peak[c] = max(peak[c], absInt(int(int8(q))))
		}
		for c := range n {
			if peak[c] != 127 || w.Quant.ZeroPoint[c] != 0 {
				t.Errorf("op %d channel %d: peak |q| %d zero point %d, want 127 and 0", i, c, peak[c], w.Quant.ZeroPoint[c])
				break
			}
			if want := float32(float64(x.Quant.Scale[0]) * float64(w.Quant.Scale[c])); b.Quant.Scale[c] != want {
				t.Errorf("op %d bias scale[%d] = %g, want %g", i, c, b.Quant.Scale[c], want)
				break
			}
		}
		if op.Activation == tflite.ActRelu6 && (y.Quant.ZeroPoint[0] != -128 || y.Quant.Scale[0] > 6.0/255*1.0001) {
			t.Errorf("op %d: RELU6 output %+v, want zero point -128 and scale <= 6/255", i, y.Quant)
		}
	}
}

// TestBuildInt8ScalesFitActivations runs the float model built from the same
// seed and checks that the int8 model's activation ranges hold its values:
// few saturate and most layers use a good part of the range.
func TestBuildInt8ScalesFitActivations(t *testing.T) {
	const seed = 5
	fm := mustBuild(t, Config{Alpha: 0.25, Res: 64, Seed: seed})
	qm := mustBuild(t, Config{Alpha: 0.25, Res: 64, DType: tflite.Int8, Seed: seed})
	rng := rand.New(rand.NewPCG(1, 2))
	input := make([]float32, 64*64*3)
	for i := range input {
		input[i] = float32(rng.Float64()*2 - 1)
	}
	acts := refForward(fm, input)
	for i, op := range fm.Ops {
		if op.Kind != tflite.OpConv2D && op.Kind != tflite.OpDepthwiseConv2D {
			continue
		}
		v := acts[op.Outputs[0]]
		q := qm.Tensors[op.Outputs[0]].Quant
		s, zp := float64(q.Scale[0]), float64(q.ZeroPoint[0])
		sat, peak := 0, 0.0
		for _, x := range v {
			code := math.Round(float64(x)/s) + zp
			if code > 127 || code < -128 {
				sat++
			}
			peak = max(peak, math.Abs(float64(x)))
		}
		if frac := float64(sat) / float64(len(v)); frac > 0.02 {
			t.Errorf("op %d (%v): %.1f%% of values saturate scale %g", i, op.Kind, 100*frac, s)
		}
		// The largest value the int8 code can hold: RELU6 outputs start at
		// code zp = -128, the logits are roughly symmetric about zp 0.
		used := peak / (s * (127 - zp))
		t.Logf("op %d (%v): %d of %d saturate, the peak uses %.0f%% of the range", i, op.Kind, sat, len(v), 100*used)
		if used < 0.2 {
			t.Errorf("op %d (%v): values use %.0f%% of the int8 range (peak %g, scale %g)", i, op.Kind, 100*used, peak, s)
		}
	}
}

func TestBuildNoBiasAndClasses(t *testing.T) {
	m := mustBuild(t, Config{Alpha: 0.25, Res: 32, NoBias: true, Classes: 1000})
	for i, op := range m.Ops {
		if (op.Kind == tflite.OpConv2D || op.Kind == tflite.OpDepthwiseConv2D) && len(op.Inputs) != 2 {
			t.Errorf("op %d has %d inputs, want 2 without biases", i, len(op.Inputs))
		}
	}
	if s := m.Tensors[m.Outputs[0]].Shape; !slices.Equal(s, []int{1, 1000}) {
		t.Errorf("output shape %v, want [1 1000]", s)
	}
}

// TestBuildRoundTrip writes built models and parses them back.
func TestBuildRoundTrip(t *testing.T) {
	for _, dt := range []tflite.DType{tflite.Float32, tflite.Int8} {
		m := mustBuild(t, Config{Alpha: 0.25, Res: 32, DType: dt, Seed: 4})
		var buf bytes.Buffer
		if err := tflite.Write(&buf, m); err != nil {
			t.Fatalf("%v: Write: %v", dt, err)
		}
		got, err := tflite.Parse(buf.Bytes())
		if err != nil {
			t.Fatalf("%v: Parse: %v", dt, err)
		}
		for i := range m.Tensors {
			g, w := got.Tensors[i], m.Tensors[i]
			if !bytes.Equal(g.Data, w.Data) || !slices.Equal(g.Shape, w.Shape) || g.Type != w.Type || g.Name != w.Name {
				t.Fatalf("%v: tensor %d differs after the round trip", dt, i)
			}
		}
	}
}

func TestBuildErrors(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Alpha: 0, Res: 224}, "alpha 0"},
		{Config{Alpha: math.NaN(), Res: 224}, "alpha NaN"},
		{Config{Alpha: 1, Res: 100}, "resolution 100"},
		{Config{Alpha: 1, Res: 0}, "resolution 0"},
		{Config{Alpha: 1, Res: 224, DType: tflite.Uint8}, "data type uint8"},
		{Config{Alpha: 1, Res: 224, Classes: -1}, "-1 classes"},
	} {
		_, err := Build(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Build(%+v) error %v, want one containing %q", tc.cfg, err, tc.want)
		}
	}
}

func shapeProd(s []int) int {
	n := 1
	for _, v := range s {
		n *= v
	}
	return n
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
