package quant

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/tflite"
)

func TestInputQuantization(t *testing.T) {
	for _, tc := range []struct {
		name    string
		n       runtime.Normalization
		floatIO bool
		want    Affine
		err     string
	}{
		{"MobileNet: legacy (x-128)/128", runtime.MobileNetNormalization, false, Affine{1.0 / 128, 0}, ""},
		{"x/255: exact", runtime.UniformNormalization(0, 255), false, Affine{float32(1.0 / 255), -128}, ""},
		{"(x-128)/64", runtime.UniformNormalization(128, 64), false, Affine{1.0 / 64, 0}, ""},
		{"non-integer mean: nearest", runtime.UniformNormalization(100.3, 50), false, Affine{1.0 / 50, -28}, ""},
		{"mean beyond a byte", runtime.UniformNormalization(300, 1), false, Affine{}, "one mean in [0, 255]"},
		{"per channel, int8 input", runtime.Normalization{Mean: [3]float32{123.675, 116.28, 103.53}, Std: [3]float32{58.395, 57.12, 57.375}}, false, Affine{}, "-io float"},
		{"per channel, float input: the range", runtime.Normalization{Mean: [3]float32{0, 0, 0}, Std: [3]float32{255, 255, 127.5}}, true, Affine{2.0 / 255, -128}, ""},
	} {
		got, err := inputQuantization(tc.n, tc.floatIO)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: %+v, %v; want an error containing %q", tc.name, got, err, tc.err)
			}
			continue
		}
		if err != nil || math.Abs(float64(got.Scale-tc.want.Scale)) > 1e-9 || got.ZeroPoint != tc.want.ZeroPoint {
			t.Errorf("%s: %+v, %v; want %+v", tc.name, got, err, tc.want)
		}
	}
	// x/255: the byte minus 128 dequantizes to exactly float32(x)/255 for
	// every byte, as the golden VWW int8 input (../shared/golden/README.md).
	a, _ := inputQuantization(runtime.UniformNormalization(0, 255), false)
	for x := range 256 {
		if q := a.Quantize(float32(x) / 255); int(q) != x-128 {
			t.Fatalf("x/255 of %d quantizes to %d, want %d", x, q, x-128)
		}
	}
}

// TestConvertCarriesMetadata prepares a float model's metadata (x/255 and
// five labels), calibrates and converts it: the statistics saw the input
// as x/255, the int8 input is scale 1/255 zero point -128, and the int8 and
// weights-only models carry a copy of the metadata.
func TestConvertCarriesMetadata(t *testing.T) {
	m := tinyFloatModel(5)
	x255 := runtime.UniformNormalization(0, 255)
	labels := []string{"a", "b", "c", "d", "e"}
	if err := PrepareMetadata(m, &x255, labels); err != nil {
		t.Fatal(err)
	}
	st, err := Calibrate(context.Background(), m, &SyntheticSource{N: 3, Res: 8, Seed: 1}, CalibrateOptions{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if lo, hi, ok := st.Tensors[m.Inputs[0]].Range(MinMax, 0); !ok || lo < 0 || hi > 1 || hi-lo < 0.5 {
		t.Errorf("calibrated input range [%v, %v]: want within [0, 1] (x/255)", lo, hi)
	}
	q, err := Convert(context.Background(), m, st, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if in := q.Tensors[q.Inputs[0]].Quant; in.Scale[0] != float32(1.0/255) || in.ZeroPoint[0] != -128 {
		t.Errorf("int8 input quantization %+v, want 1/255, -128", in)
	}
	wo, err := WeightsOnly(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]*tflite.Model{"int8": q, "weights-only": wo} {
		n := out.Metadata.InputNormalization()
		got, _, err := runtime.ModelLabels(out)
		if n == nil || n.Mean[0] != 0 || n.Std[0] != 255 || err != nil || !slices.Equal(got, labels) {
			t.Errorf("%s: normalization %+v, labels %q (%v)", name, n, got, err)
		}
		if out.Metadata == m.Metadata || &out.Metadata.Inputs[0] == &m.Metadata.Inputs[0] {
			t.Errorf("%s shares the float model's metadata", name)
		}
	}
	if err := PrepareMetadata(m, nil, []string{"a"}); err == nil || !strings.Contains(err.Error(), "1 labels for an output of 5 classes") {
		t.Errorf("one label for five classes: %v", err)
	}
}
