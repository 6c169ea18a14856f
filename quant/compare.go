package quant

import (
	"context"
	"fmt"
	"math"

	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// Agreement compares a quantized model's outputs with the float model's.
type Agreement struct {
	Frames    int
	Top1Agree int // frames whose top-1 class is the same
	// MeanAbsDiff is the mean over frames and output elements of
	// |p_float - p_quant| (dequantized probabilities).
	MeanAbsDiff float64
	// MeanMaxAbsDiff is the mean over frames of the largest element difference.
	MeanMaxAbsDiff float64
	// MeanTop1AbsDiff is the mean over frames of |p_float - p_quant| at the
	// float model's top-1 class.
	MeanTop1AbsDiff float64
	// Disagree lists the frames (0-based) whose top-1 differs.
	Disagree []int
}

// MinAgreementFrames is the fewest frames over which an Agreement is worth
// reading: over n frames a single differing top-1 moves the agreement by
// 1/n, so "1/1 agree" is luck, not evidence. Callers warn below it.
const MinAgreementFrames = 20

// Compare runs the float and the quantized model over every frame of src
// and measures how far the quantized outputs are from the float ones. It
// stops, returning ctx's error, when ctx is cancelled (checked every frame).
func Compare(ctx context.Context, float, quantized *tflite.Model, src FrameSource, threads int) (*Agreement, error) {
	fp, err := runtime.Compile(float, runtime.Options{Threads: threads})
	if err != nil {
		return nil, fmt.Errorf("compare: compile float model: %w", err)
	}
	defer fp.Close()
	qp, err := runtime.Compile(quantized, runtime.Options{Threads: threads})
	if err != nil {
		return nil, fmt.Errorf("compare: compile quantized model: %w", err)
	}
	defer qp.Close()
	a := &Agreement{}
	var pf, pq []float32
	err = eachFrame(ctx, src, "compare", func(rgb []byte) error {
		for _, p := range []*runtime.Plan{fp, qp} {
			if err := p.SetInputRGB(rgb); err != nil {
				return fmt.Errorf("compare: frame %d: %w", a.Frames, err)
			}
			if err := p.Run(); err != nil {
				return fmt.Errorf("compare: frame %d: %w", a.Frames, err)
			}
		}
		pf = fp.OutputFloat(pf)
		pq = qp.OutputFloat(pq)
		if len(pf) != len(pq) || len(pf) == 0 {
			return fmt.Errorf("compare: output sizes differ: float %d, quantized %d", len(pf), len(pq))
		}
		a.add(pf, pq)
		return nil
	})
	if err != nil {
		return nil, err
	}
	a.finish()
	return a, nil
}

// add accumulates one frame's outputs (sums; finish turns them into means).
func (a *Agreement) add(pf, pq []float32) {
	tf, tq := argmax(pf), argmax(pq)
	if tf == tq {
		a.Top1Agree++
	} else {
		a.Disagree = append(a.Disagree, a.Frames)
	}
	var sum, mx float64
	for i := range pf {
		d := math.Abs(float64(pf[i]) - float64(pq[i]))
		sum += d
		mx = max(mx, d)
	}
	a.MeanAbsDiff += sum / float64(len(pf))
	a.MeanMaxAbsDiff += mx
	a.MeanTop1AbsDiff += math.Abs(float64(pf[tf]) - float64(pq[tf]))
	a.Frames++
}

func (a *Agreement) finish() {
	n := float64(a.Frames)
	a.MeanAbsDiff /= n
	a.MeanMaxAbsDiff /= n
	a.MeanTop1AbsDiff /= n
}

// argmax is the index of the largest value, the lowest index on ties.
func argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// CompareReference is Compare with both models run by quant's float64
// reference interpreter instead of the runtime: slower, and independent of the
// runtime's kernels, so tests can check the runtime's answers against it.
func CompareReference(ctx context.Context, float, quantized *tflite.Model, src FrameSource) (*Agreement, error) {
	fs, err := newSimulator(float)
	if err != nil {
		return nil, fmt.Errorf("compare: float model: %w", err)
	}
	qs, err := newSimulator(quantized)
	if err != nil {
		return nil, fmt.Errorf("compare: quantized model: %w", err)
	}
	a := &Agreement{}
	err = eachFrame(ctx, src, "compare", func(rgb []byte) error {
		pf, err := fs.run(rgb)
		if err != nil {
			return fmt.Errorf("compare: float model: %w", err)
		}
		pq, err := qs.run(rgb)
		if err != nil {
			return fmt.Errorf("compare: quantized model: %w", err)
		}
		if len(pf) != len(pq) || len(pf) == 0 {
			return fmt.Errorf("compare: output sizes differ: float %d, quantized %d", len(pf), len(pq))
		}
		a.add(toFloat32(pf), toFloat32(pq))
		return nil
	})
	if err != nil {
		return nil, err
	}
	a.finish()
	return a, nil
}

func toFloat32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}
