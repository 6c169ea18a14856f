package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/edgecam/edgecam/camera/imageinput"
	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/tflite"
)

var cmdDetect = &command{
	Name:  "detect",
	Short: "detect objects in image files (SSD detection models)",
	Usage: "-model PATH [-labels PATH] [-threshold S] [-mean M -std S] [-threads N] [-kernels L] [-json [-raw]] INPUT...",
}

func init() { cmdDetect.Run = runDetect }

// defaultDetectThreshold is the lowest score detect reports by default, as
// Raspberry Pi's object_detect_tf stage (confidence_threshold 0.5).
const defaultDetectThreshold = 0.5

// detectOptions are the parsed flags of `edgecam detect`.
type detectOptions struct {
	model, labels, kernels string
	threshold              float64
	threads                int
	json, raw              bool
}

// detectLine is the -json output for one input.
type detectLine struct {
	Input string `json:"input"`
	// Width and Height are the picture's size in pixels (the model's input
	// size for a .rgb input), which the normalized boxes map back to.
	Width      int             `json:"width"`
	Height     int             `json:"height"`
	Detections []detectionJSON `json:"detections"`
	// With -raw: the post-process's inputs as the model computed them.
	BoxEncodings      any    `json:"box_encodings,omitempty"` // [anchors][4]: ty, tx, th, tw
	BoxEncodingsDType string `json:"box_encodings_dtype,omitempty"`
	ClassScores       any    `json:"class_scores,omitempty"` // [anchors][classes (+1 background)]
	ClassScoresDType  string `json:"class_scores_dtype,omitempty"`
}

// detectionJSON is one detection in the JSON lines of detect and run.
type detectionJSON struct {
	Class int         `json:"class"`
	Label string      `json:"label"`
	Score jsonFloat32 `json:"score"`
	Box   boxJSON     `json:"box"`
}

// boxJSON is a box normalized to the picture, as the model outputs it.
type boxJSON struct {
	YMin jsonFloat32 `json:"ymin"`
	XMin jsonFloat32 `json:"xmin"`
	YMax jsonFloat32 `json:"ymax"`
	XMax jsonFloat32 `json:"xmax"`
}

// appendDetectionsJSON appends the JSON form of dets to dst.
func appendDetectionsJSON(dst []detectionJSON, dets []runtime.Detection, labels []string) []detectionJSON {
	for _, d := range dets {
		dst = append(dst, detectionJSON{Class: d.Class, Label: classLabel(labels, d.Class), Score: jsonFloat32(d.Score),
			Box: boxJSON{YMin: jsonFloat32(d.YMin), XMin: jsonFloat32(d.XMin), YMax: jsonFloat32(d.YMax), XMax: jsonFloat32(d.XMax)}})
	}
	return dst
}

func runDetect(ctx context.Context, e *env, args []string) error {
	fs := newFlags(cmdDetect, e)
	var o detectOptions
	fs.StringVar(&o.model, "model", "", "TFLite detection model `path` (required), e.g. SSD MobileNet-V1's detect.tflite")
	fs.StringVar(&o.labels, "labels", "", "labels `file` (default: coco_labels.txt, labelmap.txt or labels.txt beside the model)")
	fs.Float64Var(&o.threshold, "threshold", defaultDetectThreshold, "lowest `score` reported, 0..1")
	fs.IntVar(&o.threads, "threads", 0, "inference threads (0: one per core)")
	kernelsFlag := addKernelsFlag(fs, "kernel `level`")
	fs.BoolVar(&o.json, "json", false, "print one JSON object per input per line")
	fs.BoolVar(&o.raw, "raw", false, "with -json: add the raw box encodings and class scores the post-process read")
	in := addInputFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	norm, err := in.normalization("detect")
	if err != nil {
		return err
	}
	switch {
	case o.model == "":
		return usagef("detect: -model is required")
	case fs.NArg() == 0:
		return usagef("detect: no input images given")
	case o.raw && !o.json:
		return usagef("detect: -raw needs -json")
	}
	if err := checkUnit("detect", "threshold", o.threshold); err != nil {
		return err
	}
	if err := checkThreads("detect", o.threads); err != nil {
		return err
	}
	level, err := kernelLevel("detect", fs, *kernelsFlag)
	if err != nil {
		return err
	}
	o.kernels = string(level)
	if err := checkInputFile(o.model, "model", 0); err != nil {
		return fmt.Errorf("detect: %w", err)
	}
	for _, in := range fs.Args() {
		if err := checkInputFile(in, "image", 0); err != nil {
			return fmt.Errorf("detect: %w", err)
		}
	}
	m, err := runtime.Load(o.model)
	if err != nil {
		return fmt.Errorf("detect: %w", err)
	}
	if !runtime.IsDetector(m) {
		return fmt.Errorf("detect: %s is not a detection model (no TFLite_Detection_PostProcess whose outputs are the model's): use edgecam classify", o.model)
	}
	labels, err := detectorLabels(e.stderr, "detect", m, o.model, o.labels)
	if err != nil {
		return fmt.Errorf("detect: %w", err)
	}
	plan, err := runtime.Compile(m, runtime.Options{Threads: o.threads, Kernels: o.kernels})
	if err != nil {
		return fmt.Errorf("detect: %w", err)
	}
	defer plan.Close()
	if err := plan.SetNormalization(norm); err != nil {
		return fmt.Errorf("detect: %w", err)
	}
	h, w, c := plan.InputShape()
	if h != w || c != 3 {
		return fmt.Errorf("detect: model input is %dx%dx%d, want a square RGB image", h, w, c)
	}
	var dets []runtime.Detection
	enc := json.NewEncoder(e.stdout)
	for _, in := range fs.Args() {
		if err := ctx.Err(); err != nil {
			return err
		}
		// A detector sees the whole picture, squeezed to its square input.
		rgb, pw, ph, err := imageinput.Load(in, h, imageinput.WholeFrame)
		if err != nil {
			return fmt.Errorf("detect: %w", err)
		}
		if err := plan.SetInputRGB(rgb); err != nil {
			return fmt.Errorf("detect %s: %w", in, err)
		}
		if err := plan.Run(); err != nil {
			return fmt.Errorf("detect %s: %w", in, err)
		}
		dets = plan.Detections(dets, float32(o.threshold))
		if o.json {
			line := detectLine{Input: in, Width: pw, Height: ph, Detections: appendDetectionsJSON([]detectionJSON{}, dets, labels)}
			if o.raw {
				box, scores, bt, st, _ := plan.DetectionRaw()
				line.BoxEncodings, line.BoxEncodingsDType = rawValues(bt, box), bt.String()
				line.ClassScores, line.ClassScoresDType = rawValues(st, scores), st.String()
			}
			err = enc.Encode(&line)
		} else {
			err = writeDetectText(e.stdout, in, pw, ph, o.threshold, dets, labels)
		}
		if err != nil {
			return fmt.Errorf("detect: write: %w", err)
		}
	}
	return nil
}

// detectorLabels finds the labels of detector m (runtime.DetectorLabels)
// and says on stderr why a label file beside the model was passed over.
func detectorLabels(stderr io.Writer, cmd string, m *tflite.Model, modelPath, labelsPath string) ([]string, error) {
	l, err := runtime.DetectorLabels(m, modelPath, labelsPath)
	if err != nil {
		return nil, err
	}
	if l.Skipped != "" {
		fmt.Fprintf(stderr, "edgecam %s: %s\n", cmd, l.Skipped)
	}
	return l.Names, nil
}

// writeDetectText prints one input's detections for people: score, label
// and the box in the picture's pixels, (x0, y0)-(x1, y1) (x = xmin *
// width, y = ymin * height: the model saw the whole picture).
func writeDetectText(w io.Writer, input string, width, height int, threshold float64, dets []runtime.Detection, labels []string) error {
	if _, err := fmt.Fprintf(w, "%s (%dx%d)\n", input, width, height); err != nil {
		return err
	}
	if len(dets) == 0 {
		_, err := fmt.Fprintf(w, "  no detections with a score of at least %.2f\n", threshold)
		return err
	}
	for _, d := range dets {
		x0, y0 := float64(d.XMin)*float64(width), float64(d.YMin)*float64(height)
		x1, y1 := float64(d.XMax)*float64(width), float64(d.YMax)*float64(height)
		if _, err := fmt.Fprintf(w, "  %.3f  %-16s (%.1f, %.1f)-(%.1f, %.1f)\n", d.Score, classLabel(labels, d.Class), x0, y0, x1, y1); err != nil {
			return err
		}
	}
	return nil
}
