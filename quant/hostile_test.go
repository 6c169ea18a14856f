package quant

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// within runs f and fails the test if it has not returned after limit: the
// hostile inputs below used to make these loops spin forever.
func within(t *testing.T, limit time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(limit):
		t.Fatalf("%s did not return within %v", what, limit)
	}
}

func TestHistogramIgnoresNonFinite(t *testing.T) {
	inf := float32(math.Inf(1))
	var h histogram
	within(t, 10*time.Second, "histogram.add", func() {
		h.add([]float32{inf, float32(math.NaN()), 1, -inf, 2})
	})
	if h.total != 2 || h.r != 4 {
		t.Fatalf("total %d r %v, want the 2 finite values in a range of 4", h.total, h.r)
	}
	if q := h.quantile(1); math.Abs(q-2) > 8.0/histBins {
		t.Errorf("quantile 1 = %v, want about 2", q)
	}
	// The extremes of float32 keep the range finite and the loop short.
	within(t, 10*time.Second, "histogram.add of extremes", func() {
		h.add([]float32{math.SmallestNonzeroFloat32, math.MaxFloat32, -math.MaxFloat32})
	})
	if math.IsInf(h.r, 0) || h.r < math.MaxFloat32 || h.total != 5 {
		t.Errorf("after float32 extremes: r %v total %d, want a finite r >= MaxFloat32 and 5 values", h.r, h.total)
	}
}

func TestTensorStatsCountsNonFinite(t *testing.T) {
	var s TensorStats
	s.chanSum = make([]float64, 2)
	s.Observe([]float32{float32(math.Inf(-1)), 1, 3, float32(math.NaN())})
	if s.NonFinite != 2 || s.Count != 2 || s.Min != 1 || s.Max != 3 {
		t.Errorf("non-finite %d count %d range [%v, %v], want 2, 2, [1, 3]", s.NonFinite, s.Count, s.Min, s.Max)
	}
	if m := s.ChannelMean(); len(m) != 2 || m[0] != 3 || m[1] != 1 {
		t.Errorf("channel means %v, want [3 1] (non-finite values left out)", m)
	}
}

// setFloats overwrites a float32 constant with v.
func setFloats(data []byte, v float32) {
	for i := 0; i+4 <= len(data); i += 4 {
		binary.LittleEndian.PutUint32(data[i:], math.Float32bits(v))
	}
}

// TestCalibrateOverflowNamesTensor: weights of 3e38 are finite, but the
// 1x1 conv (no activation to clamp it) overflows float32 to +Inf. That used
// to loop forever in the histogram; it must be an error naming the tensor.
func TestCalibrateOverflowNamesTensor(t *testing.T) {
	m := tinyFloatModel(3)
	setFloats(m.Tensors[7].Data, 3e38) // pw/w
	if err := CheckFloatModel(m); err != nil {
		t.Fatalf("finite weights refused: %v", err)
	}
	var err error
	within(t, 30*time.Second, "Calibrate", func() {
		_, err = Calibrate(context.Background(), m, &SyntheticSource{N: 4, Res: 8, Seed: 1}, CalibrateOptions{Threads: 1})
	})
	if !errors.Is(err, ErrNonFinite) {
		t.Fatalf("err = %v, want ErrNonFinite", err)
	}
	for _, want := range []string{`tensor "logits4d"`, "op 2 (CONV_2D)", "+Inf", "frame 0"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestCheckFloatModelRefusesNonFiniteWeights(t *testing.T) {
	for _, v := range []float32{float32(math.NaN()), float32(math.Inf(-1))} {
		m := tinyFloatModel(1)
		binary.LittleEndian.PutUint32(m.Tensors[4].Data[8:], math.Float32bits(v)) // dw1/w element 2
		err := CheckFloatModel(m)
		if err == nil || !strings.Contains(err.Error(), `"dw1/w"`) || !strings.Contains(err.Error(), "element 2") {
			t.Errorf("%v weight: err = %v, want one naming dw1/w element 2", v, err)
		}
	}
}

// cancelSource yields frames of res x res and cancels its context when the
// frame numbered at is requested; it counts the frames handed out.
type cancelSource struct {
	res, at, given int
	cancel         context.CancelFunc
}

func (s *cancelSource) Len() int { return -1 }

func (s *cancelSource) Next(ctx context.Context) ([]byte, error) {
	if s.given == s.at {
		s.cancel()
	}
	s.given++
	return make([]byte, s.res*s.res*3), nil
}

// The calibration and comparison loops see a cancellation at the next frame.
func TestFrameLoopsStopOnCancel(t *testing.T) {
	m := tinyFloatModel(2)
	st := tinyStats()
	q, err := Convert(context.Background(), m, st, Config{NoBiasCorrection: true})
	if err != nil {
		t.Fatal(err)
	}
	run := map[string]func(ctx context.Context, src FrameSource) error{
		"calibrate": func(ctx context.Context, src FrameSource) error {
			_, err := Calibrate(ctx, m, src, CalibrateOptions{Threads: 1})
			return err
		},
		"compare": func(ctx context.Context, src FrameSource) error {
			_, err := Compare(ctx, m, q, src, 1)
			return err
		},
		"compare reference": func(ctx context.Context, src FrameSource) error {
			_, err := CompareReference(ctx, m, q, src)
			return err
		},
	}
	for name, f := range run {
		ctx, cancel := context.WithCancel(context.Background())
		src := &cancelSource{res: 8, at: 3, cancel: cancel}
		err := f(ctx, src)
		cancel()
		if !errors.Is(err, context.Canceled) || src.given != 4 {
			t.Errorf("%s: err %v after %d frames, want context.Canceled after 4", name, err, src.given)
		}
	}
}

// Bias correction checks the context between ops and between frames.
func TestBiasCorrectionStopsOnCancel(t *testing.T) {
	m := tinyFloatModel(2)
	st := tinyStats()
	st.Samples = [][]byte{make([]byte, 8*8*3), make([]byte, 8*8*3)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	last := -1
	_, err := Convert(ctx, m, st, Config{Progress: func(done, total int) {
		last = done
		if done == 1 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || last != 1 {
		t.Errorf("err %v, last progress %d: want context.Canceled right after op 1", err, last)
	}
}
