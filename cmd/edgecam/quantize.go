package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/edgecam/edgecam/quant"
	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/tflite"
)

var cmdQuantize = &command{
	Name:  "quantize",
	Short: "quantize a float model to int8",
	Usage: "-model float.tflite -calib DIR|synthetic|camera[:DEV] [-method minmax|percentile] [-io int8|float] [-weights-only] [-mean M -std S] [-labels PATH] -out int8.tflite",
}

func init() { cmdQuantize.Run = runQuantize }

// quantizeFlags are the options of `edgecam quantize`.
type quantizeFlags struct {
	model, calib, method, io, out, labels string
	percentile                            float64
	frames, threads                       int
	weightsOnly, noBiasCorrection         bool
	input                                 *inputFlags
	norm                                  *runtime.Normalization // from input
}

func (f *quantizeFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.model, "model", "", "float32 TFLite `file` to quantize (required)")
	fs.StringVar(&f.calib, "calib", "", "calibration frames: a `directory` of images, camera[:/dev/videoN], or synthetic (a smoke test: real images calibrate far better)")
	fs.IntVar(&f.frames, "frames", 32, "frames to take from a synthetic or camera calibration source")
	fs.StringVar(&f.method, "method", "minmax", "activation range method: minmax or percentile")
	fs.Float64Var(&f.percentile, "percentile", quant.DefaultPercentile, "percentile for -method percentile, in (50, 100]")
	fs.StringVar(&f.io, "io", "int8", "model input and output type: int8, or float (QUANTIZE/DEQUANTIZE at the ends)")
	fs.BoolVar(&f.weightsOnly, "weights-only", false, "store int8 weights only and keep float compute (no calibration needed)")
	fs.BoolVar(&f.noBiasCorrection, "no-bias-correction", false, "do not correct biases for the mean shift of weight rounding")
	fs.StringVar(&f.out, "out", "", "output TFLite `file` (required; written atomically)")
	fs.IntVar(&f.threads, "threads", 0, "inference threads (0: one per core, at most 256)")
	fs.StringVar(&f.labels, "labels", "", "labels `file` to pack into the output (default: the float model's packed labels, else labels.txt beside it)")
	f.input = addInputFlags(fs)
}

func (f *quantizeFlags) check(fs *flag.FlagSet) (quant.Config, error) {
	var cfg quant.Config
	if fs.NArg() > 0 {
		return cfg, usagef("quantize: unexpected arguments %q", fs.Args())
	}
	if f.model == "" || f.out == "" {
		return cfg, usagef("quantize: -model and -out are required")
	}
	if f.calib == "" && !f.weightsOnly {
		return cfg, usagef("quantize: -calib is required (a directory of images, synthetic or camera)")
	}
	if f.frames <= 0 {
		return cfg, usagef("quantize: -frames must be positive")
	}
	if err := checkThreads("quantize", f.threads); err != nil {
		return cfg, err
	}
	m, err := quant.ParseMethod(f.method)
	if err != nil {
		return cfg, usagef("quantize: -method: %v", err)
	}
	if err := quant.CheckPercentile(f.percentile); err != nil {
		return cfg, usagef("quantize: -percentile: %v", err)
	}
	cfg.Method, cfg.Percentile, cfg.NoBiasCorrection = m, f.percentile, f.noBiasCorrection
	if f.norm, err = f.input.normalization("quantize"); err != nil {
		return cfg, err
	}
	switch f.io {
	case "int8":
	case "float":
		cfg.FloatIO = true
	default:
		return cfg, usagef("quantize: -io %q: want int8 or float", f.io)
	}
	return cfg, nil
}

func runQuantize(ctx context.Context, e *env, args []string) error {
	var f quantizeFlags
	fs := newFlags(cmdQuantize, e)
	f.define(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := f.check(fs)
	if err != nil {
		return err
	}
	if err := checkQuantizePaths(&f); err != nil {
		return fmt.Errorf("quantize: %w", err)
	}
	fm, err := runtime.Load(f.model)
	if err != nil {
		return fmt.Errorf("quantize: %w", err)
	}
	if err := quant.CheckFloatModel(fm); err != nil {
		return fmt.Errorf("quantize: %s: %w", f.model, err)
	}
	labels, err := modelLabels(e.stderr, "quantize", fm, f.model, f.labels)
	if err != nil {
		return fmt.Errorf("quantize: %w", err)
	}
	if err := quant.PrepareMetadata(fm, f.norm, labels); err != nil {
		return fmt.Errorf("quantize: %s: metadata: %w", f.model, err)
	}
	res := fm.Tensors[fm.Inputs[0]].Shape[1]

	var qm *tflite.Model
	var frames int
	switch {
	case f.weightsOnly && f.calib == "":
		qm, err = quant.WeightsOnly(fm, nil)
	case f.weightsOnly:
		var st *quant.Stats
		if st, err = calibrate(ctx, e, &f, fm, res); err == nil {
			qm, err = quant.WeightsOnly(fm, st)
			frames = st.Frames
		}
	default:
		qm, frames, err = calibrateAndConvert(ctx, e, &f, fm, res, cfg)
	}
	if err != nil {
		return fmt.Errorf("quantize: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("quantize: interrupted, %s not written: %w", f.out, err)
	}
	if err := tflite.WriteFile(f.out, qm); err != nil {
		return fmt.Errorf("quantize: %w", err)
	}
	if frames > 0 && frames < quant.MinAgreementFrames {
		fmt.Fprintf(e.stderr, "edgecam quantize: warning: %d calibration frame(s) are too few to judge the agreement with the float model; use at least %d\n", frames, quant.MinAgreementFrames)
	}
	return quantizeReport(ctx, e, &f, fm, qm, res, frames)
}

// calibrate runs the calibration with a progress bar on stderr.
func calibrate(ctx context.Context, e *env, f *quantizeFlags, fm *tflite.Model, res int) (*quant.Stats, error) {
	src, closeSrc, err := calibSource(ctx, f.calib, res, f.frames)
	if err != nil {
		return nil, err
	}
	defer closeSrc()
	bar := newProgressBar(e.stderr, "calibrating")
	st, err := quant.Calibrate(ctx, fm, src, quant.CalibrateOptions{Threads: f.threads, Progress: bar.update})
	bar.finish()
	if errors.Is(err, context.Canceled) {
		return nil, fmt.Errorf("interrupted during calibration, %s not written: %w", f.out, err)
	}
	return st, err
}

// calibrateAndConvert calibrates and converts the model, with progress bars.
func calibrateAndConvert(ctx context.Context, e *env, f *quantizeFlags, fm *tflite.Model, res int, cfg quant.Config) (*tflite.Model, int, error) {
	st, err := calibrate(ctx, e, f, fm, res)
	if err != nil {
		return nil, 0, err
	}
	bc := newProgressBar(e.stderr, "bias correction")
	bc.unit = "ops"
	cfg.Progress = bc.update
	qm, err := quant.Convert(ctx, fm, st, cfg)
	bc.finish()
	if errors.Is(err, context.Canceled) {
		return nil, 0, fmt.Errorf("interrupted during bias correction, %s not written: %w", f.out, err)
	}
	return qm, st.Frames, err
}

// quantizeReport prints sizes, the per-layer quantization and, over the
// calibration frames (directory or synthetic), the agreement with the float model.
func quantizeReport(ctx context.Context, e *env, f *quantizeFlags, fm, qm *tflite.Model, res, frames int) error {
	w := e.stdout
	fsize, osize := fileSize(f.model), fileSize(f.out)
	fmt.Fprintf(w, "wrote %s: %d bytes (float model %d bytes, %.1fx smaller)\n", f.out, osize, fsize, float64(fsize)/float64(max(osize, 1)))
	if frames > 0 {
		fmt.Fprintf(w, "calibrated on %d frames from %s, method %s\n", frames, f.calib, f.method)
	}
	writeMetadataSummary(w, qm)
	if f.calib == "synthetic" {
		fmt.Fprintln(w, "note: synthetic frames are not natural images; calibrate on real images for accuracy")
	}
	fmt.Fprintln(w)
	if err := quant.WriteLayers(w, quant.Layers(qm)); err != nil {
		return fmt.Errorf("quantize: report: %w", err)
	}
	fmt.Fprintln(w)
	if f.calib == "" {
		fmt.Fprintln(w, "agreement with the float model: not measured (no -calib frames)")
		return nil
	}
	if f.calib == "camera" || strings.HasPrefix(f.calib, "camera:") {
		fmt.Fprintln(w, "agreement with the float model: not measured for a live camera (use a directory or synthetic)")
		return nil
	}
	src, closeSrc, err := calibSource(ctx, f.calib, res, f.frames)
	if err != nil {
		return fmt.Errorf("quantize: report: %w", err)
	}
	defer closeSrc()
	a, err := quant.Compare(ctx, fm, qm, src, f.threads)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("quantize: report interrupted (%s was written): %w", f.out, err)
		}
		fmt.Fprintf(w, "agreement with the float model: not measured: %v\n", err)
		return nil
	}
	writeAgreement(w, a)
	return nil
}

func writeAgreement(w io.Writer, a *quant.Agreement) {
	fmt.Fprintf(w, "agreement with the float model over %d frames (edgecam):\n", a.Frames)
	if a.Frames < quant.MinAgreementFrames {
		fmt.Fprintf(w, "  warning: too few frames to judge (want at least %d)\n", quant.MinAgreementFrames)
	}
	fmt.Fprintf(w, "  top-1 agreement            %d/%d", a.Top1Agree, a.Frames)
	if len(a.Disagree) > 0 {
		fmt.Fprintf(w, " (differs on frames %v)", a.Disagree)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  mean |p_float - p_int8|    %.6f (over all classes)\n", a.MeanAbsDiff)
	fmt.Fprintf(w, "  mean of max |dp| per frame %.4f\n", a.MeanMaxAbsDiff)
	fmt.Fprintf(w, "  mean |dp| at float top-1   %.4f\n", a.MeanTop1AbsDiff)
}

// writeMetadataSummary says what the written file tells its users about
// its input and classes.
func writeMetadataSummary(w io.Writer, qm *tflite.Model) {
	in := qm.Tensors[qm.Inputs[0]]
	if n := qm.Metadata.InputNormalization(); n != nil {
		fmt.Fprintf(w, "input: %v, metadata normalization (x-mean)/std with mean %v std %v", in.Type, n.Mean, n.Std)
		if in.Quant != nil {
			fmt.Fprintf(w, "; fed the byte minus 128: scale %v zero point %d", in.Quant.Scale[0], in.Quant.ZeroPoint[0])
		}
		fmt.Fprintln(w)
	}
	if l := qm.Metadata.OutputLabels(); l != nil {
		fmt.Fprintf(w, "labels: %s packed in the file (%d bytes)\n", l.Name, len(l.Data))
	}
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}
