package quant

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/edgecam/edgecam/camera/imageinput"
	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// Acceptance bounds for the official float 0.25/224 model quantized with
// calibration on the 12 shared images.
const (
	// minTop1Agree is the requirement: top-1 equal on 10 of 12.
	minTop1Agree = 10
	// maxMeanAbsDiff is the requirement on the mean absolute
	// difference of the output probabilities (over images and classes).
	maxMeanAbsDiff = 0.02
	// maxMeanTop1AbsDiff is a tighter guard of our own: the mean over images
	// of |p_float - p_int8| at the float model's top-1 class (measured 0.033;
	// the int8 logits alone, step 0.14, cost about 0.01 of it).
	maxMeanTop1AbsDiff = 0.05
)

func checkAgreement(t *testing.T, who string, a *Agreement) {
	t.Helper()
	t.Logf("%s: top-1 agree %d/%d (differ %v), mean |dp| %.6f, mean max |dp| %.4f, mean top-1 |dp| %.4f",
		who, a.Top1Agree, a.Frames, a.Disagree, a.MeanAbsDiff, a.MeanMaxAbsDiff, a.MeanTop1AbsDiff)
	if a.Frames != 12 {
		t.Errorf("%s: compared %d frames, want 12", who, a.Frames)
	}
	if a.Top1Agree < minTop1Agree {
		t.Errorf("%s: top-1 agrees on %d of %d images, want at least %d", who, a.Top1Agree, a.Frames, minTop1Agree)
	}
	if a.MeanAbsDiff > maxMeanAbsDiff {
		t.Errorf("%s: mean |p_float - p_int8| = %.4f, want at most %v", who, a.MeanAbsDiff, maxMeanAbsDiff)
	}
	if a.MeanTop1AbsDiff > maxMeanTop1AbsDiff {
		t.Errorf("%s: mean |dp| at top-1 = %.4f, want at most %v", who, a.MeanTop1AbsDiff, maxMeanTop1AbsDiff)
	}
}

func TestQuantizeOfficialMobileNet(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the float and int8 models over 12 images")
	}
	path := fixtures.Path(t, "models/mobilenet_v1_0.25_224.tflite")
	images := filepath.Dir(fixtures.Path(t, "images/labels.tsv"))
	fm, err := runtime.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	src := func() FrameSource {
		s, err := NewDirSource(images, 224, imageinput.LoadRGB)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	st, err := Calibrate(context.Background(), fm, src(), CalibrateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Frames != 12 {
		t.Fatalf("calibrated on %d frames, want 12", st.Frames)
	}
	body := []tflite.OpKind{tflite.OpConv2D}
	for range 13 {
		body = append(body, tflite.OpDepthwiseConv2D, tflite.OpConv2D)
	}
	body = append(body, tflite.OpAveragePool2D, tflite.OpConv2D, tflite.OpSqueeze, tflite.OpSoftmax)

	// The second case skips the sequential bias correction (no samples),
	// testing the weight-only correction alone and keeping the test short.
	noSamples := *st
	noSamples.Samples = nil
	cases := []struct {
		name string
		cfg  Config
		st   *Stats
	}{
		{"minmax", Config{Method: MinMax}, st},
		{"percentile/float_io/no_samples", Config{Method: Percentile, FloatIO: true}, &noSamples},
	}
	for _, tc := range cases {
		cfg := tc.cfg
		t.Run(tc.name, func(t *testing.T) {
			q, err := Convert(context.Background(), fm, tc.st, cfg)
			if err != nil {
				t.Fatal(err)
			}
			// The file as another engine sees it.
			ops := body
			if cfg.FloatIO {
				ops = append(append([]tflite.OpKind{tflite.OpQuantize}, body...), tflite.OpDequantize)
			}
			s := readWithPython(t, q)
			checkInt8Structure(t, s, ops)
			in := s.Tensors[s.Inputs[0]]
			if !cfg.FloatIO && (in.Type != int(tflite.Int8) || in.Scale[0] != 1.0/128 || in.ZeroPoint[0] != 0) {
				t.Errorf("input %q: type %d scale %v zp %v, want int8 1/128 0", in.Name, in.Type, in.Scale, in.ZeroPoint)
			}

			// The file as edgecam runs it.
			out := filepath.Join(t.TempDir(), "int8.tflite")
			if err := tflite.WriteFile(out, q); err != nil {
				t.Fatal(err)
			}
			loaded, err := runtime.Load(out)
			if err != nil {
				t.Fatalf("reading back the written int8 model: %v", err)
			}
			a, err := Compare(context.Background(), fm, loaded, src(), 0)
			if err != nil {
				t.Fatal(err)
			}
			checkAgreement(t, "edgecam runtime", a)

			// The quantization itself, judged by the reference interpreter.
			if cfg.Method == MinMax {
				ra, err := CompareReference(context.Background(), fm, q, src())
				if err != nil {
					t.Fatal(err)
				}
				checkAgreement(t, "reference interpreter", ra)
				runtimeMatchesReference(t, loaded, q, src())
			}
		})
	}
}

// maxRuntimeRefSteps bounds how far the runtime's int8 output may be from the
// reference interpreter's, in softmax output steps (1/256). Both requantize
// once, but the runtime accumulates in int32 and scales in float32 while the
// reference computes in float64, so values near a rounding boundary land one
// step apart and the differences propagate; this is the project's output
// bound against the golden engine (../shared/golden/README.md, measured up to
// 12 steps there, 6 here).
const maxRuntimeRefSteps = 16

// runtimeMatchesReference checks that edgecam's int8 kernels run the produced
// model as the reference interpreter does.
func runtimeMatchesReference(t *testing.T, loaded, q *tflite.Model, src FrameSource) {
	t.Helper()
	p, err := runtime.Compile(loaded, runtime.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ref, err := newSimulator(q)
	if err != nil {
		t.Fatal(err)
	}
	var got []float32
	for frame := 0; ; frame++ {
		rgb, err := src.Next(context.Background())
		if err != nil {
			break
		}
		if err := p.SetInputRGB(rgb); err != nil {
			t.Fatal(err)
		}
		if err := p.Run(); err != nil {
			t.Fatal(err)
		}
		got = p.OutputFloat(got)
		want, err := ref.run(rgb)
		if err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		for i := range want {
			worst = max(worst, math.Abs(float64(got[i])-want[i]))
		}
		if worst > maxRuntimeRefSteps/256.0 {
			t.Errorf("frame %d: runtime output differs from the reference by %.4f (> %d steps)", frame, worst, maxRuntimeRefSteps)
		}
	}
}
