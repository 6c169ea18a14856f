package generic_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

// detectionCase builds float inputs whose boxes decode exactly to the given
// corners (zero encodings, anchors at the boxes' centres and sizes; the test
// boxes use dyadic coordinates, so every step is exact).
type detectionCase struct {
	boxes  [][4]float32 // ymin, xmin, ymax, xmax
	scores [][]float32  // per anchor, the columns the scores tensor has
}

func (c detectionCase) inputs() (enc, scores, anchors generic.DetectionTensor) {
	n := len(c.boxes)
	a := make([]float32, 0, 4*n)
	for _, b := range c.boxes {
		a = append(a, (b[0]+b[2])/2, (b[1]+b[3])/2, b[2]-b[0], b[3]-b[1])
	}
	var s []float32
	for _, row := range c.scores {
		s = append(s, row...)
	}
	return generic.DetectionTensor{F32: make([]float32, 4*n)}, generic.DetectionTensor{F32: s}, generic.DetectionTensor{F32: a}
}

func ssdLikeOptions() generic.DetectionPostProcessOptions {
	return generic.DetectionPostProcessOptions{
		MaxDetections: 10, MaxClassesPerDetection: 1, DetectionsPerClass: 100,
		NMSScoreThreshold: 1e-8, NMSIoUThreshold: 0.6, NumClasses: 1,
		YScale: 10, XScale: 10, HScale: 5, WScale: 5,
	}
}

// runDetection runs the post-process on c and returns the output rows up to
// the count.
func runDetection(t *testing.T, o generic.DetectionPostProcessOptions, c detectionCase) (out generic.DetectionOutputs, count int) {
	t.Helper()
	s, err := generic.NewDetectionScratch(o, len(c.boxes))
	if err != nil {
		t.Fatal(err)
	}
	out = newDetectionOutputs(&o)
	enc, scores, anchors := c.inputs()
	count, err = generic.DetectionPostProcess(s, out, enc, scores, anchors)
	if err != nil {
		t.Fatal(err)
	}
	if out.Count[0] != float32(count) {
		t.Errorf("Count output %v, returned %d", out.Count[0], count)
	}
	return out, count
}

// wantRows checks the first rows of out: class, score and box per row, and
// zeros in every row after them.
func wantRows(t *testing.T, out generic.DetectionOutputs, want []detectionRow) {
	t.Helper()
	for i := range out.Scores {
		var w detectionRow
		if i < len(want) {
			w = want[i]
		}
		got := detectionRow{int(out.Classes[i]), out.Scores[i], [4]float32(out.Boxes[4*i : 4*i+4])}
		if got != w {
			t.Errorf("row %d: %+v, want %+v", i, got, w)
		}
	}
}

type detectionRow struct {
	class int
	score float32
	box   [4]float32
}

// TestDetectionSuppressedBoxDoesNotSuppress: B overlaps A and C too much, A
// does not overlap C that much. TFLite keeps A, suppresses B and, because a
// suppressed box suppresses nothing, keeps C (Arm NN drops C as well).
func TestDetectionSuppressedBoxDoesNotSuppress(t *testing.T) {
	a := [4]float32{0, 0, 1, 1}
	b := [4]float32{0, 0.1875, 1, 1.1875} // IoU(A,B) = IoU(B,C) = 0.684
	c := [4]float32{0, 0.375, 1, 1.375}   // IoU(A,C) = 0.455
	out, count := runDetection(t, ssdLikeOptions(), detectionCase{
		boxes:  [][4]float32{a, b, c},
		scores: [][]float32{{0, 0.875}, {0, 0.75}, {0, 0.625}},
	})
	if count != 2 {
		t.Errorf("count %d, want 2", count)
	}
	wantRows(t, out, []detectionRow{{0, 0.875, a}, {0, 0.625, c}})
}

// TestDetectionEqualScoresLowerAnchorFirst: equal scores come out in anchor
// order (TFLite's stable sort), and MaxDetections cuts after them.
func TestDetectionEqualScoresLowerAnchorFirst(t *testing.T) {
	boxes := [][4]float32{{0, 0, 0.25, 0.25}, {0.5, 0.5, 0.75, 0.75}, {0, 0.5, 0.25, 0.75}, {0.5, 0, 0.75, 0.25}}
	c := detectionCase{boxes: boxes, scores: [][]float32{{0, 0.5}, {0, 0.5}, {0, 0.75}, {0, 0.5}}}
	o := ssdLikeOptions()
	out, _ := runDetection(t, o, c)
	wantRows(t, out, []detectionRow{{0, 0.75, boxes[2]}, {0, 0.5, boxes[0]}, {0, 0.5, boxes[1]}, {0, 0.5, boxes[3]}})
	o.MaxDetections = 2
	out, count := runDetection(t, o, c)
	if count != 2 {
		t.Errorf("MaxDetections 2: count %d", count)
	}
	wantRows(t, out, []detectionRow{{0, 0.75, boxes[2]}, {0, 0.5, boxes[0]}})
}

// TestDetectionScoreThreshold: a score equal to the threshold is kept, one
// below it is not.
func TestDetectionScoreThreshold(t *testing.T) {
	boxes := [][4]float32{{0, 0, 0.25, 0.25}, {0.5, 0.5, 0.75, 0.75}, {0, 0.5, 0.25, 0.75}}
	o := ssdLikeOptions()
	o.NMSScoreThreshold = 0.5
	out, count := runDetection(t, o, detectionCase{boxes: boxes, scores: [][]float32{{0, 0.5}, {0, math.Nextafter32(0.5, 0)}, {0, 0.625}}})
	if count != 2 {
		t.Errorf("count %d, want 2", count)
	}
	wantRows(t, out, []detectionRow{{0, 0.625, boxes[2]}, {0, 0.5, boxes[0]}})
}

// TestDetectionIoUAtThreshold: IoU equal to the threshold does not suppress
// (TFLite suppresses above it).
func TestDetectionIoUAtThreshold(t *testing.T) {
	boxes := [][4]float32{{0, 0, 1, 1}, {0, 0, 1, 0.5}} // IoU exactly 0.5
	c := detectionCase{boxes: boxes, scores: [][]float32{{0, 0.75}, {0, 0.5}}}
	o := ssdLikeOptions()
	o.NMSIoUThreshold = 0.5
	if _, count := runDetection(t, o, c); count != 2 {
		t.Errorf("threshold 0.5: count %d, want 2", count)
	}
	o.NMSIoUThreshold = math.Nextafter32(0.5, 0)
	if _, count := runDetection(t, o, c); count != 1 {
		t.Errorf("threshold just below 0.5: count %d, want 1", count)
	}
}

// TestDetectionDegenerateBoxes: boxes of zero area have IoU 0 with anything,
// so identical ones do not suppress each other.
func TestDetectionDegenerateBoxes(t *testing.T) {
	flat := [4]float32{0.25, 0.25, 0.25, 0.75}
	_, count := runDetection(t, ssdLikeOptions(), detectionCase{boxes: [][4]float32{flat, flat}, scores: [][]float32{{0, 0.5}, {0, 0.5}}})
	if count != 2 {
		t.Errorf("count %d, want 2", count)
	}
}

// TestDetectionClassesPerDetection: each kept anchor reports its best
// classes, the background column skipped, equal scores lower class first;
// with fewer classes than MaxClassesPerDetection the extra rows stay zero.
func TestDetectionClassesPerDetection(t *testing.T) {
	boxes := [][4]float32{{0, 0, 0.5, 0.5}, {0.5, 0.5, 1, 1}}
	o := ssdLikeOptions()
	o.NumClasses, o.MaxClassesPerDetection = 3, 2
	out, count := runDetection(t, o, detectionCase{boxes: boxes, scores: [][]float32{{0.875, 0.25, 0.75, 0.75}, {0.875, 0.5, 0.125, 0.25}}})
	if count != 2 {
		t.Errorf("count %d, want 2 (anchors)", count)
	}
	wantRows(t, out, []detectionRow{{1, 0.75, boxes[0]}, {2, 0.75, boxes[0]}, {0, 0.5, boxes[1]}, {2, 0.25, boxes[1]}})

	o.NumClasses, o.MaxClassesPerDetection = 1, 3
	out, count = runDetection(t, o, detectionCase{boxes: boxes, scores: [][]float32{{0, 0.25}, {0, 0.5}}})
	if count != 2 {
		t.Errorf("one class: count %d, want 2", count)
	}
	wantRows(t, out, []detectionRow{{0, 0.5, boxes[1]}, {}, {}, {0, 0.25, boxes[0]}})
}

// TestDetectionNoBackgroundColumn: with as many score columns as classes,
// column k is class k.
func TestDetectionNoBackgroundColumn(t *testing.T) {
	o := ssdLikeOptions()
	o.NumClasses = 2
	box := [4]float32{0, 0, 0.5, 0.5}
	out, _ := runDetection(t, o, detectionCase{boxes: [][4]float32{box}, scores: [][]float32{{0.75, 0.25}}})
	wantRows(t, out, []detectionRow{{0, 0.75, box}})
}

// TestDetectionRegularNMS: per-class suppression keeps two overlapping boxes
// of different classes, which fast NMS reduces to one; DetectionsPerClass
// and MaxDetections cut, equal scores keep the earlier class first.
func TestDetectionRegularNMS(t *testing.T) {
	a := [4]float32{0, 0, 1, 1}
	b := [4]float32{0, 0, 1, 0.875} // IoU(a, b) = 0.875
	c := [4]float32{2, 2, 3, 3}     // apart
	cs := detectionCase{boxes: [][4]float32{a, b, c}, scores: [][]float32{{0, 0.875, 0.5}, {0, 0.75, 0.8125}, {0, 0.5, 0.5}}}
	o := ssdLikeOptions()
	o.NumClasses = 2
	out, count := runDetection(t, o, cs)
	if count != 2 {
		t.Errorf("fast: count %d, want 2", count)
	}
	wantRows(t, out, []detectionRow{{0, 0.875, a}, {0, 0.5, c}})

	o.UseRegularNMS = true
	out, count = runDetection(t, o, cs)
	if count != 4 {
		t.Errorf("regular: count %d, want 4", count)
	}
	// Class 0 keeps a (0.875) and c (0.5); class 1 keeps b (0.8125) and c
	// (0.5). On the tie the class-0 entry comes first.
	wantRows(t, out, []detectionRow{{0, 0.875, a}, {1, 0.8125, b}, {0, 0.5, c}, {1, 0.5, c}})

	o.DetectionsPerClass = 1
	out, _ = runDetection(t, o, cs)
	wantRows(t, out, []detectionRow{{0, 0.875, a}, {1, 0.8125, b}})

	o.DetectionsPerClass, o.MaxDetections = 100, 3
	out, count = runDetection(t, o, cs)
	if count != 3 {
		t.Errorf("regular, MaxDetections 3: count %d", count)
	}
	wantRows(t, out, []detectionRow{{0, 0.875, a}, {1, 0.8125, b}, {0, 0.5, c}})

	for _, regular := range []bool{false, true} {
		o.MaxDetections, o.UseRegularNMS = 0, regular
		if out, count := runDetection(t, o, cs); count != 0 || len(out.Scores) != 0 {
			t.Errorf("MaxDetections 0, regular %v: count %d, %d rows", regular, count, len(out.Scores))
		}
	}
}

// TestDetectionDecoding checks the centre-size decoding against values
// worked out by hand: anchor (0.5, 0.5, 0.2, 0.4), encodings (1, -2,
// 5 ln 2, 0), scales 10, 10, 5, 5.
func TestDetectionDecoding(t *testing.T) {
	o := ssdLikeOptions()
	s, err := generic.NewDetectionScratch(o, 1)
	if err != nil {
		t.Fatal(err)
	}
	out := newDetectionOutputs(&o)
	enc := generic.DetectionTensor{F32: []float32{1, -2, float32(5 * math.Ln2), 0, 99}} // a fifth value per anchor is ignored
	_, err = generic.DetectionPostProcess(s, out, enc, generic.DetectionTensor{F32: []float32{0, 1}}, generic.DetectionTensor{F32: []float32{0.5, 0.5, 0.2, 0.4}})
	if err != nil {
		t.Fatal(err)
	}
	// yc 0.52, xc 0.42, half height 0.5*2*0.2, half width 0.5*1*0.4.
	want := []float32{0.32, 0.22, 0.72, 0.62}
	for i, w := range want {
		if math.Abs(float64(out.Boxes[i]-w)) > 1e-6 {
			t.Errorf("box[%d] = %v, want %v", i, out.Boxes[i], w)
		}
	}
}

// TestDetectionErrors checks that bad inputs get an error naming what is
// wrong, and never a panic.
func TestDetectionErrors(t *testing.T) {
	o := ssdLikeOptions()
	o.NumClasses = 2
	s, err := generic.NewDetectionScratch(o, 2)
	if err != nil {
		t.Fatal(err)
	}
	good := func() (generic.DetectionOutputs, generic.DetectionTensor, generic.DetectionTensor, generic.DetectionTensor) {
		return newDetectionOutputs(&o),
			generic.DetectionTensor{U8: make([]uint8, 8), Scale: 0.1, ZeroPoint: 128},
			generic.DetectionTensor{F32: make([]float32, 6)},
			generic.DetectionTensor{F32: []float32{0.5, 0.5, 0.1, 0.1, 0.2, 0.2, 0.1, 0.1}}
	}
	cases := []struct {
		name   string
		mutate func(out *generic.DetectionOutputs, enc, scores, anchors *generic.DetectionTensor)
		want   string
	}{
		{"no box encodings", func(_ *generic.DetectionOutputs, e, _, _ *generic.DetectionTensor) { e.U8 = nil }, "box encodings: set exactly one of F32, U8 and I8"},
		{"two kinds", func(_ *generic.DetectionOutputs, e, _, _ *generic.DetectionTensor) { e.F32 = make([]float32, 8) }, "box encodings: set exactly one"},
		{"encodings of 3", func(_ *generic.DetectionOutputs, e, _, _ *generic.DetectionTensor) { e.U8 = make([]uint8, 6) }, "6 box encoding values for 2 anchors"},
		{"encodings not a multiple", func(_ *generic.DetectionOutputs, e, _, _ *generic.DetectionTensor) { e.U8 = make([]uint8, 9) }, "9 box encoding values"},
		{"uint8 zero point", func(_ *generic.DetectionOutputs, e, _, _ *generic.DetectionTensor) { e.ZeroPoint = 256 }, "box encodings: uint8 zero point 256 out of range"},
		{"int8 zero point", func(_ *generic.DetectionOutputs, _, c, _ *generic.DetectionTensor) {
			*c = generic.DetectionTensor{I8: make([]int8, 6), ZeroPoint: -129}
		}, "class scores: int8 zero point -129"},
		{"scores of 4 columns", func(_ *generic.DetectionOutputs, _, c, _ *generic.DetectionTensor) { c.F32 = make([]float32, 8) }, "8 class score values, want [2][2] or [2][3]"},
		{"anchors short", func(_ *generic.DetectionOutputs, _, _, a *generic.DetectionTensor) { a.F32 = a.F32[:7] }, "7 anchor values, want [2][4]"},
		{"boxes output short", func(out *generic.DetectionOutputs, _, _, _ *generic.DetectionTensor) { out.Boxes = out.Boxes[:39] }, "outputs of 39, 10, 10 and 1 values, want 40, 10, 10 and 1"},
		{"no count output", func(out *generic.DetectionOutputs, _, _, _ *generic.DetectionTensor) { out.Count = nil }, "outputs of 40, 10, 10 and 0 values"},
		{"negative anchor height", func(_ *generic.DetectionOutputs, _, _, a *generic.DetectionTensor) { a.F32[6] = -0.1 }, "anchor 1 decodes to box"},
	}
	for _, c := range cases {
		out, enc, scores, anchors := good()
		c.mutate(&out, &enc, &scores, &anchors)
		_, err := generic.DetectionPostProcess(s, out, enc, scores, anchors)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	out, enc, scores, anchors := good()
	if _, err := generic.DetectionPostProcess(s, out, enc, scores, anchors); err != nil {
		t.Errorf("unmodified inputs: %v", err)
	}
	for _, n := range []int{0, -1, generic.MaxDetectionAnchors + 1} {
		if _, err := generic.NewDetectionScratch(o, n); err == nil || !strings.Contains(err.Error(), "anchors, want 1 to") {
			t.Errorf("NewDetectionScratch(%d anchors): %v", n, err)
		}
	}
}

// mapOptions is a DetectionOptionMap over Go values (int64, float64, bool).
type mapOptions map[string]any

func (m mapOptions) Int(k string) (int64, bool, error) {
	v, ok := m[k]
	if !ok {
		return 0, false, nil
	}
	i, isInt := v.(int64)
	if !isInt {
		return 0, true, errors.New("key " + k + " is not an integer")
	}
	return i, true, nil
}

func (m mapOptions) Float(k string) (float64, bool, error) {
	v, ok := m[k]
	if !ok {
		return 0, false, nil
	}
	switch v := v.(type) {
	case float64:
		return v, true, nil
	case int64:
		return float64(v), true, nil
	}
	return 0, true, errors.New("key " + k + " is not a number")
}

func (m mapOptions) Bool(k string) (bool, bool, error) {
	v, ok := m[k]
	if !ok {
		return false, false, nil
	}
	b, isBool := v.(bool)
	if !isBool {
		return false, true, errors.New("key " + k + " is not a bool")
	}
	return b, true, nil
}

func ssdOptionMap() mapOptions {
	return mapOptions{
		"max_detections": int64(10), "max_classes_per_detection": int64(1), "num_classes": int64(90),
		"nms_score_threshold": 1e-8, "nms_iou_threshold": 0.6,
		"y_scale": 10.0, "x_scale": int64(10), "h_scale": 5.0, "w_scale": 5.0,
	}
}

// TestDetectionParseOptions checks defaults, float32 rounding, required
// keys, type errors and validation.
func TestDetectionParseOptions(t *testing.T) {
	o, err := generic.ParseDetectionPostProcessOptions(ssdOptionMap())
	if err != nil {
		t.Fatal(err)
	}
	want := generic.DetectionPostProcessOptions{
		MaxDetections: 10, MaxClassesPerDetection: 1, DetectionsPerClass: 100,
		NMSScoreThreshold: float32(1e-8), NMSIoUThreshold: float32(0.6), NumClasses: 90,
		YScale: 10, XScale: 10, HScale: 5, WScale: 5,
	}
	if o != want {
		t.Errorf("options %+v, want %+v", o, want)
	}
	m := ssdOptionMap()
	m["use_regular_nms"], m["detections_per_class"], m["unrelated"] = true, int64(7), "ignored"
	if o, err := generic.ParseDetectionPostProcessOptions(m); err != nil || !o.UseRegularNMS || o.DetectionsPerClass != 7 {
		t.Errorf("with use_regular_nms and detections_per_class: %+v, %v", o, err)
	}
	cases := []struct {
		key  string
		val  any // nil: delete the key
		want string
	}{
		{"max_detections", nil, "max_detections is missing"},
		{"num_classes", nil, "num_classes is missing"},
		{"nms_score_threshold", nil, "nms_score_threshold is missing"},
		{"w_scale", nil, "w_scale is missing"},
		{"num_classes", 90.0, "key num_classes is not an integer"},
		{"use_regular_nms", 1.0, "key use_regular_nms is not a bool"},
		{"max_detections", int64(1) << 40, "max_detections 1099511627776 is out of the int32 range"},
		{"max_detections", int64(-1), "max_detections -1 is negative"},
		{"max_classes_per_detection", int64(0), "max_classes_per_detection 0, want at least 1"},
		{"max_detections", int64(70000), "exceeds 65536 output rows"},
		{"num_classes", int64(0), "num_classes 0, want 1 to 65536"},
		{"nms_iou_threshold", 0.0, "nms_iou_threshold 0, want a value in (0, 1]"},
		{"nms_iou_threshold", 1.5, "nms_iou_threshold 1.5"},
		{"nms_iou_threshold", math.NaN(), "nms_iou_threshold NaN"},
		{"nms_score_threshold", math.NaN(), "nms_score_threshold is NaN"},
		{"y_scale", 0.0, "y_scale 0, want a finite non-zero value"},
		{"h_scale", math.Inf(1), "h_scale +Inf"},
		{"x_scale", 1e300, "x_scale +Inf"}, // rounds to float32 infinity
	}
	for _, c := range cases {
		m := ssdOptionMap()
		if c.val == nil {
			delete(m, c.key)
		} else {
			m[c.key] = c.val
		}
		_, err := generic.ParseDetectionPostProcessOptions(m)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s = %v: error %v, want one containing %q", c.key, c.val, err, c.want)
		}
	}
	m = ssdOptionMap()
	m["use_regular_nms"], m["detections_per_class"] = true, int64(0)
	if _, err := generic.ParseDetectionPostProcessOptions(m); err == nil || !strings.Contains(err.Error(), "detections_per_class 0, want at least 1 for regular NMS") {
		t.Errorf("regular NMS with detections_per_class 0: %v", err)
	}
	if _, err := generic.NewDetectionScratch(generic.DetectionPostProcessOptions{}, 10); err == nil {
		t.Error("NewDetectionScratch accepted zero options")
	}
}
