package quant

import (
	"context"
	"errors"
	"fmt"

	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// CalibrateOptions controls a calibration run.
type CalibrateOptions struct {
	// Threads for the float plan (0: one per core).
	Threads int
	// Progress, when set, is called after every frame with the frames done
	// and the total (-1 when the source does not know it).
	Progress func(done, total int)
	// KeepFrames is how many of the first frames to keep in Stats.Samples
	// for bias correction: 0 means DefaultKeepFrames, negative none.
	KeepFrames int
}

// DefaultKeepFrames is the number of calibration frames kept for bias
// correction. The correction simulates the model in float64, about 3 model
// evaluations per frame, so it is bounded.
const DefaultKeepFrames = 16

// Calibrate runs the float model m over every frame of src and records the
// values of every activation tensor (the input and each op's output). The
// frames are normalized as m's metadata says, else as MobileNet's
// (x-127.5)/127.5 (runtime.ModelNormalization; PrepareMetadata sets it). It
// stops early, returning ctx's error, when ctx is cancelled (checked before
// every frame). An activation that reaches NaN or ±Inf (a model whose float32
// arithmetic overflows, such as one with weights near 3e38) is an error
// wrapping ErrNonFinite that names the tensor and the op producing it.
func Calibrate(ctx context.Context, m *tflite.Model, src FrameSource, opt CalibrateOptions) (*Stats, error) {
	if err := CheckFloatModel(m); err != nil {
		return nil, err
	}
	st := NewModelStats(m)
	plan, err := runtime.Compile(m, runtime.Options{Threads: opt.Threads, Trace: st.Observe})
	if err != nil {
		return nil, fmt.Errorf("calibrate: compile float model: %w", err)
	}
	defer plan.Close()
	keep := opt.KeepFrames
	if keep == 0 {
		keep = DefaultKeepFrames
	}
	// The plan feeds the input with the model's normalization (metadata,
	// else MobileNet's); the input statistics see the same values.
	norm, _, err := runtime.ModelNormalization(m)
	if err != nil {
		return nil, fmt.Errorf("calibrate: %w", err)
	}
	in := m.Inputs[0]
	input := make([]float32, m.Tensors[in].Elems())
	err = eachFrame(ctx, src, "calibrate", func(rgb []byte) error {
		if err := plan.SetInputRGB(rgb); err != nil {
			return fmt.Errorf("calibrate: frame %d: %w", st.Frames, err)
		}
		if len(rgb) == len(input) {
			for i, x := range rgb {
				input[i] = norm.Value(i%3, x)
			}
			st.Observe(-1, in, input)
		}
		if st.Frames < keep {
			st.Samples = append(st.Samples, append([]byte(nil), rgb...))
		}
		if err := plan.Run(); err != nil {
			return fmt.Errorf("calibrate: frame %d: %w", st.Frames, err)
		}
		if nf := st.firstNonFinite; nf != nil {
			return fmt.Errorf("calibrate: frame %d: %w", st.Frames, nonFiniteError(m, nf))
		}
		st.Frames++
		if opt.Progress != nil {
			opt.Progress(st.Frames, src.Len())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// ErrNonFinite is wrapped by the error of a calibration whose float model
// produced NaN or an infinite activation: no int8 range can represent it.
var ErrNonFinite = errors.New("activation is not finite")

// nonFiniteError names the tensor, and the op producing it, of nf.
func nonFiniteError(m *tflite.Model, nf *nonFiniteValue) error {
	name := fmt.Sprintf("#%d", nf.tensor)
	if nf.tensor >= 0 && nf.tensor < len(m.Tensors) {
		name = fmt.Sprintf("%q", m.Tensors[nf.tensor].Name)
	}
	by := "the model input"
	if nf.op >= 0 && nf.op < len(m.Ops) {
		by = fmt.Sprintf("op %d (%v)", nf.op, m.Ops[nf.op].Kind)
	}
	return fmt.Errorf("tensor %s, output of %s, holds %v: %w (the float model overflows float32 on this input; fix its weights before quantizing)",
		name, by, nf.value, ErrNonFinite)
}
