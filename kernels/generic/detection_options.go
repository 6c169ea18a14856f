package generic

import (
	"fmt"
	"math"
)

// DetectionPostProcessOptions are the options of TFLite's custom operator
// TFLite_Detection_PostProcess (tensorflow/lite/kernels/detection_postprocess.cc),
// read from the operator's custom options by ParseDetectionPostProcessOptions.
type DetectionPostProcessOptions struct {
	MaxDetections          int // anchors kept after NMS (rows, times MaxClassesPerDetection)
	MaxClassesPerDetection int // fast NMS: classes reported per kept anchor
	DetectionsPerClass     int // regular NMS: anchors kept per class
	NMSScoreThreshold      float32
	NMSIoUThreshold        float32 // a box is suppressed when its IoU is above this, in (0, 1]
	NumClasses             int     // classes without the background column
	YScale, XScale         float32 // box centre encoding divisors
	HScale, WScale         float32 // box size encoding divisors
	UseRegularNMS          bool    // per-class NMS instead of the fast variant
}

// DefaultDetectionsPerClass is TFLite's detections_per_class when the
// options do not set it (kNumDetectionsPerClass).
const DefaultDetectionsPerClass = 100

// Limits on option values, so that sizes derived from a model file stay small.
const (
	MaxDetectionRows    = 1 << 16 // MaxDetections * MaxClassesPerDetection
	MaxDetectionClasses = 1 << 16 // NumClasses
)

// DetectionOptionMap is a custom operator's options by key, as TFLite stores
// them: runtime/tflite/flexbuffers.Map implements it. Each method reports
// whether the key is present; a present key of the wrong type is an error.
type DetectionOptionMap interface {
	Int(key string) (int64, bool, error)
	Float(key string) (float64, bool, error)
	Bool(key string) (bool, bool, error)
}

// ParseDetectionPostProcessOptions reads the options from a custom option
// map with TFLite's keys and defaults: use_regular_nms (default false) and
// detections_per_class (default 100) may be absent; max_detections,
// max_classes_per_detection, num_classes, nms_score_threshold,
// nms_iou_threshold and y/x/h/w_scale are required (TFLite would read a
// missing one as 0, which no converter writes). Other keys are ignored, as
// TFLite does. Floats are rounded to float32, as TFLite's AsFloat does. The
// result is validated.
func ParseDetectionPostProcessOptions(m DetectionOptionMap) (DetectionPostProcessOptions, error) {
	var o DetectionPostProcessOptions
	ints := []struct {
		key      string
		dst      *int
		required bool
	}{
		{"max_detections", &o.MaxDetections, true},
		{"max_classes_per_detection", &o.MaxClassesPerDetection, true},
		{"num_classes", &o.NumClasses, true},
		{"detections_per_class", &o.DetectionsPerClass, false},
	}
	o.DetectionsPerClass = DefaultDetectionsPerClass
	for _, f := range ints {
		v, ok, err := m.Int(f.key)
		switch {
		case err != nil:
			return o, fmt.Errorf("detection post-process options: %w", err)
		case !ok && f.required:
			return o, fmt.Errorf("detection post-process options: %s is missing", f.key)
		case !ok:
			continue
		case v < math.MinInt32 || v > math.MaxInt32:
			return o, fmt.Errorf("detection post-process options: %s %d is out of the int32 range", f.key, v)
		}
		*f.dst = int(v)
	}
	floats := []struct {
		key string
		dst *float32
	}{
		{"nms_score_threshold", &o.NMSScoreThreshold},
		{"nms_iou_threshold", &o.NMSIoUThreshold},
		{"y_scale", &o.YScale},
		{"x_scale", &o.XScale},
		{"h_scale", &o.HScale},
		{"w_scale", &o.WScale},
	}
	for _, f := range floats {
		v, ok, err := m.Float(f.key)
		switch {
		case err != nil:
			return o, fmt.Errorf("detection post-process options: %w", err)
		case !ok:
			return o, fmt.Errorf("detection post-process options: %s is missing", f.key)
		}
		*f.dst = float32(v)
	}
	regular, _, err := m.Bool("use_regular_nms")
	if err != nil {
		return o, fmt.Errorf("detection post-process options: %w", err)
	}
	o.UseRegularNMS = regular
	return o, o.Validate()
}

// Validate checks what TFLite's kernel requires of the options, plus the
// limits above and finite, non-zero scales: max_detections >= 0,
// max_classes_per_detection >= 1, num_classes >= 1, detections_per_class >= 1
// for regular NMS, nms_iou_threshold in (0, 1], nms_score_threshold not NaN.
func (o *DetectionPostProcessOptions) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("detection post-process options: "+format, args...)
	}
	switch {
	case o.MaxDetections < 0:
		return bad("max_detections %d is negative", o.MaxDetections)
	case o.MaxClassesPerDetection < 1:
		return bad("max_classes_per_detection %d, want at least 1", o.MaxClassesPerDetection)
	case int64(o.MaxDetections)*int64(o.MaxClassesPerDetection) > MaxDetectionRows:
		return bad("max_detections %d times max_classes_per_detection %d exceeds %d output rows", o.MaxDetections, o.MaxClassesPerDetection, MaxDetectionRows)
	case o.NumClasses < 1 || o.NumClasses > MaxDetectionClasses:
		return bad("num_classes %d, want 1 to %d", o.NumClasses, MaxDetectionClasses)
	case o.UseRegularNMS && o.DetectionsPerClass < 1:
		return bad("detections_per_class %d, want at least 1 for regular NMS", o.DetectionsPerClass)
	case !(o.NMSIoUThreshold > 0 && o.NMSIoUThreshold <= 1):
		return bad("nms_iou_threshold %v, want a value in (0, 1]", o.NMSIoUThreshold)
	case o.NMSScoreThreshold != o.NMSScoreThreshold:
		return bad("nms_score_threshold is NaN")
	}
	for _, s := range []struct {
		name string
		v    float32
	}{{"y_scale", o.YScale}, {"x_scale", o.XScale}, {"h_scale", o.HScale}, {"w_scale", o.WScale}} {
		if s.v == 0 || math.IsInf(float64(s.v), 0) || s.v != s.v {
			return bad("%s %v, want a finite non-zero value", s.name, s.v)
		}
	}
	return nil
}

// OutputRows is the number of rows of the boxes, classes and scores outputs:
// MaxDetections * MaxClassesPerDetection, as TFLite sizes them in either mode.
func (o *DetectionPostProcessOptions) OutputRows() int {
	return o.MaxDetections * o.MaxClassesPerDetection
}
