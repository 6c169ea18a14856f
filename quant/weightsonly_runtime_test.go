package quant

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/camera/imageinput"
	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// Bounds for the official float 0.25/224 model with int8 weights (biases
// corrected with the calibration means of the 12 golden inputs) run by the
// edgecam runtime, against the float model on the same inputs. Measured
// 2026-11-24: max |dp| over all images and classes 0.0619 (hot_dog), mean
// over images of max |dp| 0.0255; the runtime and quant's float64 reference
// interpreter agree within 3.3e-6 on the weights-only model. Without the
// bias correction the top-1 class flips on dragonfly and hot_dog (max |dp|
// 0.255).
const (
	woMaxAbsDiff     = 0.10
	woMeanMaxAbsDiff = 0.04
	woRuntimeVsRef   = 1e-4
)

// TestWeightsOnlyOfficialMobileNetRuntime writes the official float model
// with int8 weight storage, loads it back and runs it with the runtime on the
// golden inputs: the top-1 class must equal the float model's on every image
// and the probabilities stay within the bounds above.
func TestWeightsOnlyOfficialMobileNetRuntime(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the float and weights-only models over 12 images")
	}
	fm, err := runtime.Load(fixtures.Path(t, "models/mobilenet_v1_0.25_224.tflite"))
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Dir(fixtures.Path(t, "golden/mobilenet_v1_0.25_224/golden.json"))
	inputs, err := filepath.Glob(filepath.Join(golden, "*.rgb"))
	if err != nil || len(inputs) != 12 {
		t.Fatalf("golden inputs: %d files (%v), want 12", len(inputs), err)
	}
	// As `edgecam quantize -weights-only -calib DIR` does: the calibration
	// means let each float bias absorb its weights' rounding (without them
	// the top-1 class flips on dragonfly and hot_dog).
	src, err := NewDirSource(golden, 224, imageinput.LoadRGB)
	if err != nil {
		t.Fatal(err)
	}
	st, err := Calibrate(context.Background(), fm, src, CalibrateOptions{KeepFrames: -1})
	if err != nil {
		t.Fatal(err)
	}
	wm, err := WeightsOnly(fm, st)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "wo.tflite")
	if err := tflite.WriteFile(path, wm); err != nil {
		t.Fatal(err)
	}
	loaded, err := runtime.Load(path)
	if err != nil {
		t.Fatalf("runtime.Load of the weights-only model: %v", err)
	}
	fp, err := runtime.Compile(fm, runtime.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fp.Close()
	wp, err := runtime.Compile(loaded, runtime.Options{})
	if err != nil {
		t.Fatalf("runtime.Compile of the weights-only model: %v", err)
	}
	defer wp.Close()
	for _, l := range wp.Layers() {
		if l.Type == "dequantize" {
			t.Errorf("layer %d: DEQUANTIZE runs at run time (kernel %s)", l.Index, l.Kernel)
		}
	}
	ref, err := newSimulator(wm)
	if err != nil {
		t.Fatal(err)
	}
	var pf, pw []float32
	worst, sumMax, worstRef := 0.0, 0.0, 0.0
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".rgb")
		rgb, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []*runtime.Plan{fp, wp} {
			if err := p.SetInputRGB(rgb); err != nil {
				t.Fatal(err)
			}
			if err := p.Run(); err != nil {
				t.Fatal(err)
			}
		}
		pf, pw = fp.OutputFloat(pf), wp.OutputFloat(pw)
		if a, b := argmax(pf), argmax(pw); a != b {
			t.Errorf("%s: top-1 %d (p %.4f) with int8 weights, %d (p %.4f) with float weights", name, b, pw[b], a, pf[a])
		}
		imgMax := 0.0
		for c := range pf {
			imgMax = max(imgMax, math.Abs(float64(pf[c]-pw[c])))
		}
		worst, sumMax = max(worst, imgMax), sumMax+imgMax
		want, err := ref.run(rgb)
		if err != nil {
			t.Fatal(err)
		}
		for c := range want {
			worstRef = max(worstRef, math.Abs(float64(pw[c])-want[c]))
		}
		t.Logf("%-14s top-1 %4d p_float %.4f p_int8w %.4f max |dp| %.4f", name, argmax(pf), pf[argmax(pf)], pw[argmax(pf)], imgMax)
	}
	mean := sumMax / float64(len(inputs))
	t.Logf("max |dp| %.4f, mean max |dp| %.4f, runtime vs reference interpreter %.2g", worst, mean, worstRef)
	if worst > woMaxAbsDiff {
		t.Errorf("max |p_float - p_int8w| = %.4f, want at most %v", worst, woMaxAbsDiff)
	}
	if mean > woMeanMaxAbsDiff {
		t.Errorf("mean over images of max |dp| = %.4f, want at most %v", mean, woMeanMaxAbsDiff)
	}
	if worstRef > woRuntimeVsRef {
		t.Errorf("runtime differs from the reference interpreter by %.2g, want at most %v", worstRef, woRuntimeVsRef)
	}
}
