package quant

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/edgecam/edgecam/camera"
	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/runtime"
)

// Acceptance bounds for the official float 0.25/224 model quantized with
// calibration on the 12 shared images (the requirement).
const (
	minTop1Agree  = 10   // of 12 images
	maxMeanAbsDif = 0.02 // mean over images of the largest |p_float - p_int8|
)

// quantizeOfficial calibrates and converts the official float model on the
// shared images and returns it with the float model and the image directory.
func quantizeOfficial(t *testing.T, cfg Config) (float, q *runtime.Model, images string) {
	t.Helper()
	path := fixtures.Path(t, "models/mobilenet_v1_0.25_224.tflite")
	images = filepath.Dir(fixtures.Path(t, "images/labels.tsv"))
	fm, err := runtime.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	src, err := NewDirSource(images, 224, camera.LoadRGB)
	if err != nil {
		t.Fatal(err)
	}
	st, err := Calibrate(context.Background(), fm, src, CalibrateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Frames != 12 {
		t.Fatalf("calibrated on %d frames, want 12", st.Frames)
	}
	q, err = Convert(fm, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return fm, q, images
}

func TestQuantizeOfficialMobileNet(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the float and int8 models over 12 images")
	}
	for _, cfg := range []Config{{Method: MinMax}, {Method: Percentile, FloatIO: true}} {
		name := cfg.Method.String()
		if cfg.FloatIO {
			name += "/float_io"
		}
		t.Run(name, func(t *testing.T) {
			fm, q, images := quantizeOfficial(t, cfg)
			out := filepath.Join(t.TempDir(), "int8.tflite")
			if err := runtime.WriteFile(out, q); err != nil {
				t.Fatal(err)
			}
			loaded, err := runtime.Load(out)
			if err != nil {
				t.Fatalf("reading back the written int8 model: %v", err)
			}
			src, err := NewDirSource(images, 224, camera.LoadRGB)
			if err != nil {
				t.Fatal(err)
			}
			a, err := Compare(context.Background(), fm, loaded, src, 0)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("top-1 agree %d/%d (disagree %v), mean |dp| %.5f, mean max |dp| %.4f, mean top-1 |dp| %.4f",
				a.Top1Agree, a.Frames, a.Disagree, a.MeanAbsDiff, a.MeanMaxAbsDiff, a.MeanTop1AbsDiff)
			if a.Frames != 12 {
				t.Errorf("compared %d frames, want 12", a.Frames)
			}
			if a.Top1Agree < minTop1Agree {
				t.Errorf("top-1 agrees on %d of %d images, want at least %d", a.Top1Agree, a.Frames, minTop1Agree)
			}
			if a.MeanMaxAbsDiff > maxMeanAbsDif {
				t.Errorf("mean max |p_float - p_int8| = %.4f, want at most %v", a.MeanMaxAbsDiff, maxMeanAbsDif)
			}
		})
	}
}
