package quant

import (
	"context"
	"math"
	"testing"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// preActMeanError is, for op i, the mean over channels of the absolute
// difference between q's and float's mean pre-activation outputs over frames.
func preActMeanError(t *testing.T, float, q *tflite.Model, i int, frames [][]byte) float64 {
	t.Helper()
	ch := q.Tensors[q.Ops[i].Outputs[0]].Shape[3]
	fMean, qMean := make([]float64, ch), make([]float64, ch)
	for _, rgb := range frames {
		for _, x := range []struct {
			m    *tflite.Model
			mean []float64
		}{{float, fMean}, {q, qMean}} {
			sim, err := newSimulator(x.m)
			if err != nil {
				t.Fatal(err)
			}
			sim.setInput(rgb)
			for k := 0; k <= i; k++ {
				var hook func([]float64)
				if k == i {
					hook = channelMeanInto(x.mean, len(frames))
				}
				if err := sim.step(k, hook); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	var sum float64
	for c := range fMean {
		sum += math.Abs(qMean[c] - fMean[c])
	}
	return sum / float64(ch)
}

func TestBiasCorrection(t *testing.T) {
	fm := tinyFloatModel(5)
	src := &SyntheticSource{N: 6, Res: 8, Seed: 3}
	st, err := Calibrate(context.Background(), fm, src, CalibrateOptions{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Samples) != 6 {
		t.Fatalf("%d samples kept, want 6", len(st.Samples))
	}
	ctx := context.Background()
	plain, err := Convert(ctx, fm, st, Config{NoBiasCorrection: true})
	if err != nil {
		t.Fatal(err)
	}
	corrected, err := Convert(ctx, fm, st, Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 1, 2} {
		before := preActMeanError(t, fm, plain, i, st.Samples)
		after := preActMeanError(t, fm, corrected, i, st.Samples)
		// After correction only the rounding of the int32 bias remains,
		// half a bias step: s_in * s_w / 2.
		bt := &corrected.Tensors[corrected.Ops[i].Inputs[2]]
		var halfStep float64
		for _, s := range bt.Quant.Scale {
			halfStep = max(halfStep, float64(s)/2)
		}
		t.Logf("op %d: mean output error %.6f before, %.6f after (half bias step %.2g)", i, before, after, halfStep)
		if after > halfStep*1.01 {
			t.Errorf("op %d: mean output error %.6f after correction, want within half a bias step %.2g", i, after, halfStep)
		}
		if before > 4*halfStep && after > before/4 {
			t.Errorf("op %d: correction only reduced the mean error from %.6f to %.6f", i, before, after)
		}
	}
}
