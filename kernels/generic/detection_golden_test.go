package generic_test

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/runtime/tflite/flexbuffers"
)

// ssdSetup is the SSD detector's post-process as the golden tests run it.
type ssdSetup struct {
	opts           generic.DetectionPostProcessOptions
	anchors        generic.DetectionTensor // uint8, from the model
	boxScale       float32
	boxZP          int32
	scoreScale     float32
	scoreZP        int32
	anchorN, cols  int
	golden         ssdGoldenJSON
	goldenDir      string
	rawBox, rawCls string // file suffixes
}

// loadSSDSetup reads the options and anchors from the model and checks the
// op's tensors against what golden.json says of them.
func loadSSDSetup(t *testing.T) ssdSetup {
	t.Helper()
	op := loadSSDPostProcess(t)
	g := readSSDGolden(t)
	m, err := flexbuffers.Parse(op.options)
	if err != nil {
		t.Fatalf("custom options: %v", err)
	}
	opts, err := generic.ParseDetectionPostProcessOptions(m)
	if err != nil {
		t.Fatalf("custom options: %v", err)
	}
	box, cls, anc := op.inputs[0], op.inputs[1], op.inputs[2]
	if len(g.RawOutputs) < 2 || g.RawOutputs[0].Name != box.name || g.RawOutputs[1].Name != cls.name {
		t.Fatalf("post-process inputs %q, %q; golden.json raw outputs %+v", box.name, cls.name, g.RawOutputs)
	}
	for i, tt := range []ssdTensor{box, cls} {
		r := g.RawOutputs[i]
		if tt.typ != tfliteUint8 || !equalInt32s(tt.shape, r.Shape) || len(tt.scale) != 1 || tt.scale[0] != r.Scale[0] || tt.zeroPoint[0] != r.ZeroPoint[0] {
			t.Fatalf("tensor %q: type %d shape %v scale %v zero point %v; golden.json %v %v %v", tt.name, tt.typ, tt.shape, tt.scale, tt.zeroPoint, r.Shape, r.Scale, r.ZeroPoint)
		}
	}
	if anc.typ != tfliteUint8 || !equalInt32s(anc.shape, g.Anchors.Shape) || len(anc.scale) != 1 || anc.scale[0] != g.Anchors.Scale[0] || anc.zeroPoint[0] != g.Anchors.ZeroPoint[0] {
		t.Fatalf("anchors %q: type %d shape %v scale %v zero point %v; golden.json %+v", anc.name, anc.typ, anc.shape, anc.scale, anc.zeroPoint, g.Anchors)
	}
	n := int(anc.shape[0])
	if len(anc.data) != n*4 {
		t.Fatalf("anchors: %d bytes of data, want %d", len(anc.data), n*4)
	}
	return ssdSetup{
		opts:       opts,
		anchors:    generic.DetectionTensor{U8: anc.data, Scale: anc.scale[0], ZeroPoint: int32(anc.zeroPoint[0])},
		boxScale:   box.scale[0],
		boxZP:      int32(box.zeroPoint[0]),
		scoreScale: cls.scale[0],
		scoreZP:    int32(cls.zeroPoint[0]),
		anchorN:    n,
		cols:       int(cls.shape[2]),
		golden:     g,
		goldenDir:  fixtures.Path(t, ssdGolden),
		rawBox:     g.RawOutputs[0].FileSuffix,
		rawCls:     g.RawOutputs[1].FileSuffix,
	}
}

func equalInt32s(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (s *ssdSetup) read(t *testing.T, stem, suffix string, n int) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.goldenDir, stem+suffix))
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != n {
		t.Fatalf("%s%s: %d bytes, want %d", stem, suffix, len(b), n)
	}
	return b
}

func (s *ssdSetup) readF32(t *testing.T, stem, suffix string, n int) []float32 {
	t.Helper()
	b := s.read(t, stem, suffix, 4*n)
	f := make([]float32, n)
	for i := range f {
		f[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return f
}

// TestDetectionOptionsSSD checks the options decoded from the model's custom
// options flexbuffer against the values golden.json lists.
func TestDetectionOptionsSSD(t *testing.T) {
	s := loadSSDSetup(t)
	want := generic.DetectionPostProcessOptions{
		MaxDetections: 10, MaxClassesPerDetection: 1, DetectionsPerClass: 100,
		NMSScoreThreshold: 1e-8, NMSIoUThreshold: 0.6, NumClasses: 90,
		YScale: 10, XScale: 10, HScale: 5, WScale: 5, UseRegularNMS: false,
	}
	if s.opts != want {
		t.Errorf("options %+v, want %+v", s.opts, want)
	}
	g := s.golden.Options
	for key, got := range map[string]any{
		"max_detections": float64(s.opts.MaxDetections), "max_classes_per_detection": float64(s.opts.MaxClassesPerDetection),
		"detections_per_class": float64(s.opts.DetectionsPerClass), "nms_score_threshold": float64(s.opts.NMSScoreThreshold),
		"nms_iou_threshold": float64(s.opts.NMSIoUThreshold), "num_classes": float64(s.opts.NumClasses),
		"y_scale": float64(s.opts.YScale), "x_scale": float64(s.opts.XScale), "h_scale": float64(s.opts.HScale),
		"w_scale": float64(s.opts.WScale), "use_regular_nms": s.opts.UseRegularNMS,
	} {
		if g[key] != got {
			t.Errorf("%s: decoded %v, golden.json %v", key, got, g[key])
		}
	}
}

// ssdOutputs runs the post-process on one image's golden raw tensors, given
// as uint8, as int8 (edgecam's storage of uint8 tensors) and as floats
// dequantized the way TFLite does, and checks that all three agree bit for bit.
func (s *ssdSetup) run(t *testing.T, sc *generic.DetectionScratch, stem string) (rows int, out generic.DetectionOutputs) {
	t.Helper()
	n, cols := s.anchorN, s.cols
	box := s.read(t, stem, s.rawBox, n*4)
	cls := s.read(t, stem, s.rawCls, n*cols)
	variants := []struct {
		name                 string
		box, scores, anchors generic.DetectionTensor
	}{
		{"uint8",
			generic.DetectionTensor{U8: box, Scale: s.boxScale, ZeroPoint: s.boxZP},
			generic.DetectionTensor{U8: cls, Scale: s.scoreScale, ZeroPoint: s.scoreZP},
			s.anchors},
		{"int8",
			generic.DetectionTensor{I8: shiftToInt8(box), Scale: s.boxScale, ZeroPoint: s.boxZP - 128},
			generic.DetectionTensor{I8: shiftToInt8(cls), Scale: s.scoreScale, ZeroPoint: s.scoreZP - 128},
			generic.DetectionTensor{I8: shiftToInt8(s.anchors.U8), Scale: s.anchors.Scale, ZeroPoint: s.anchors.ZeroPoint - 128}},
		{"float32",
			generic.DetectionTensor{F32: dequantBoxes(box, s.boxScale, s.boxZP)},
			generic.DetectionTensor{F32: dequantScores(cls, s.scoreScale, s.scoreZP)},
			generic.DetectionTensor{F32: dequantBoxes(s.anchors.U8, s.anchors.Scale, s.anchors.ZeroPoint)}},
	}
	var first generic.DetectionOutputs
	for i, v := range variants {
		o := newDetectionOutputs(&s.opts)
		count, err := generic.DetectionPostProcess(sc, o, v.box, v.scores, v.anchors)
		if err != nil {
			t.Fatalf("%s (%s): %v", stem, v.name, err)
		}
		if i == 0 {
			rows, first = count, o
			continue
		}
		if !sameBits(o.Boxes, first.Boxes) || !sameBits(o.Classes, first.Classes) || !sameBits(o.Scores, first.Scores) || !sameBits(o.Count, first.Count) {
			t.Errorf("%s: %s inputs give other outputs than uint8", stem, v.name)
		}
	}
	return rows, first
}

// TestDetectionGoldenTFLiteSemantics checks the post-process on every
// image's golden raw tensors against tflite_semantics_postprocess.rows of
// golden.json (a port of TFLite's kernel whose output equals LiteRT's bit for
// bit): same count, classes and scores, and boxes equal to the last bit
// (the golden README allows 1e-5).
func TestDetectionGoldenTFLiteSemantics(t *testing.T) {
	s := loadSSDSetup(t)
	sc, err := generic.NewDetectionScratch(s.opts, s.anchorN)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.golden.Results) == 0 {
		t.Fatal("golden.json has no results")
	}
	images, rowsEqual, rowsTotal := 0, 0, 0
	for _, r := range s.golden.Results {
		stem := strings.TrimSuffix(r.Image, ".png")
		count, out := s.run(t, sc, stem)
		want := r.TFLiteSemantic.Rows
		if count != len(want) || out.Count[0] != float32(len(want)) {
			t.Errorf("%s: count %d (output %v), want %d", stem, count, out.Count[0], len(want))
		}
		equal := 0
		for i, w := range want {
			if i >= count {
				break
			}
			box := out.Boxes[4*i : 4*i+4]
			same := out.Classes[i] == float32(w.Class) && float64(out.Scores[i]) == w.Score
			for k := range box {
				same = same && float64(box[k]) == w.Box[k]
			}
			if same {
				equal++
				continue
			}
			t.Errorf("%s row %d: class %v score %v box %v; want class %d score %v box %v", stem, i, out.Classes[i], out.Scores[i], box, w.Class, w.Score, w.Box)
		}
		for i := count; i < len(out.Scores); i++ {
			if out.Scores[i] != 0 || out.Classes[i] != 0 || out.Boxes[4*i] != 0 || out.Boxes[4*i+2] != 0 {
				t.Errorf("%s row %d past the count is not zero", stem, i)
			}
		}
		rowsEqual += equal
		rowsTotal += len(want)
		if equal == len(want) && count == len(want) {
			images++
		}
	}
	t.Logf("TFLite semantics: %d of %d images and %d of %d rows equal to the last bit", images, len(s.golden.Results), rowsEqual, rowsTotal)
}

// detection is one output row, for the comparison with Arm NN.
type detection struct {
	class int
	score float64
	box   [4]float64
}

func detections(out generic.DetectionOutputs, count int) []detection {
	var d []detection
	for i := range count {
		var b [4]float64
		for k := range b {
			b[k] = float64(out.Boxes[4*i+k])
		}
		d = append(d, detection{int(out.Classes[i]), float64(out.Scores[i]), b})
	}
	return d
}

// boxIoU is the IoU of two (ymin, xmin, ymax, xmax) boxes, in float64.
func boxIoU(a, b [4]float64) float64 {
	ih := math.Min(a[2], b[2]) - math.Max(a[0], b[0])
	iw := math.Min(a[3], b[3]) - math.Max(a[1], b[1])
	if ih <= 0 || iw <= 0 {
		return 0
	}
	inter := ih * iw
	return inter / ((a[2]-a[0])*(a[3]-a[1]) + (b[2]-b[0])*(b[3]-b[1]) - inter)
}

// Rule 3 of the golden README for post-processed detections.
const (
	goldenMinScore  = 0.5
	goldenMinIoU    = 0.6
	goldenScoreStep = 8.0 / 256
	goldenNMSIoU    = 0.5 // exemption (b): overlap with a higher-scored own detection
)

// unmatched returns the detections of xs with score >= 0.5 that rule 3
// fails: no distinct same-class partner in ys with IoU >= 0.6 and a score
// within 8/256, and neither exemption (a) (score <= ys's lowest + 8/256) nor
// (b) (IoU >= 0.5 with a higher-scored detection of xs). Partners are taken
// greedily by IoU, in xs's order.
func unmatched(xs, ys []detection) (fail []detection, matched int) {
	used := make([]bool, len(ys))
	lowest := math.Inf(1)
	for _, y := range ys {
		lowest = math.Min(lowest, y.score)
	}
	for i, x := range xs {
		if x.score < goldenMinScore {
			continue
		}
		best, bestIoU := -1, 0.0
		for j, y := range ys {
			if used[j] || y.class != x.class || math.Abs(y.score-x.score) > goldenScoreStep {
				continue
			}
			if iou := boxIoU(x.box, y.box); iou >= goldenMinIoU && iou > bestIoU {
				best, bestIoU = j, iou
			}
		}
		if best >= 0 {
			used[best] = true
			matched++
			continue
		}
		exempt := x.score <= lowest+goldenScoreStep
		for _, h := range xs[:i] {
			exempt = exempt || h.score > x.score && boxIoU(h.box, x.box) >= goldenNMSIoU
		}
		if !exempt {
			fail = append(fail, x)
		}
	}
	return fail, matched
}

// TestDetectionGoldenArmNN compares the post-process on every image's golden
// raw tensors with Arm NN's post-processed outputs (other tie order, and
// suppressed boxes still suppress) by rule 3 of the golden README.
func TestDetectionGoldenArmNN(t *testing.T) {
	s := loadSSDSetup(t)
	sc, err := generic.NewDetectionScratch(s.opts, s.anchorN)
	if err != nil {
		t.Fatal(err)
	}
	rows := s.opts.OutputRows()
	identicalImages, identicalRows, totalRows, pairs, exactPairs := 0, 0, 0, 0, 0
	for _, r := range s.golden.Results {
		stem := strings.TrimSuffix(r.Image, ".png")
		count, out := s.run(t, sc, stem)
		gCount := s.readF32(t, stem, ".count.f32", 1)[0]
		if float64(gCount) != float64(r.Count) || int(gCount) > rows {
			t.Fatalf("%s: golden count %v, golden.json %d", stem, gCount, r.Count)
		}
		golden := generic.DetectionOutputs{
			Boxes:   s.readF32(t, stem, ".boxes.f32", 4*rows),
			Classes: s.readF32(t, stem, ".classes.f32", rows),
			Scores:  s.readF32(t, stem, ".scores.f32", rows),
			Count:   []float32{gCount},
		}
		ours, theirs := detections(out, count), detections(golden, int(gCount))
		f1, m1 := unmatched(ours, theirs)
		f2, m2 := unmatched(theirs, ours)
		for _, d := range f1 {
			t.Errorf("%s: our %+v has no Arm NN partner", stem, d)
		}
		for _, d := range f2 {
			t.Errorf("%s: Arm NN's %+v has no partner in ours", stem, d)
		}
		if m1 != m2 {
			t.Logf("%s: %d of ours matched, %d of Arm NN's", stem, m1, m2)
		}
		pairs += m1
		for _, d := range ours {
			for _, g := range theirs {
				if d.score >= goldenMinScore && d.class == g.class && d.score == g.score && boxIoU(d.box, g.box) >= 0.999 {
					exactPairs++
					break
				}
			}
		}
		same := 0
		for i := range min(len(ours), len(theirs)) {
			if ours[i] == theirs[i] {
				same++
			}
		}
		identicalRows += same
		totalRows += len(theirs)
		if same == len(theirs) && len(ours) == len(theirs) {
			identicalImages++
		}
	}
	t.Logf("Arm NN: %d pairs of detections >= %.1f matched by rule 3, %d of them the same class, score and box to IoU 0.999; all rows: %d of %d images and %d of %d rows identical (tie order and suppression differ by design)",
		pairs, goldenMinScore, exactPairs, identicalImages, len(s.golden.Results), identicalRows, totalRows)
	if pairs == 0 {
		t.Error("no detection >= 0.5 matched: the comparison compared nothing")
	}
}

// TestDetectionRule3 checks the rule-3 comparison itself on made-up lists.
func TestDetectionRule3(t *testing.T) {
	a := detection{class: 1, score: 0.75, box: [4]float64{0, 0, 0.5, 0.5}}
	low := detection{class: 2, score: 0.25, box: [4]float64{0.6, 0.6, 0.9, 0.9}}
	moved := a
	moved.box = [4]float64{0.1, 0.1, 0.6, 0.6} // IoU 0.47 with a
	rescored := a
	rescored.score = a.score - 9.0/256
	other := a
	other.class = 3
	near := detection{class: 1, score: 0.5, box: [4]float64{0, 0.1, 0.5, 0.6}} // IoU 0.67 with a
	cases := []struct {
		name   string
		xs, ys []detection
		fails  int
	}{
		{"identical", []detection{a, low}, []detection{a, low}, 0},
		{"box moved", []detection{a, low}, []detection{moved, low}, 1},
		{"score off by 9/256", []detection{a, low}, []detection{rescored, low}, 1},
		{"other class", []detection{a, low}, []detection{other, low}, 1},
		{"one partner for two", []detection{a, a}, []detection{a, low}, 1},
		{"exempt (a): near the other side's lowest", []detection{a, near}, []detection{a, detection{class: 5, score: 0.49}}, 0},
		{"exempt (b): overlaps a higher-scored own", []detection{a, near}, []detection{a, low}, 0},
	}
	for _, c := range cases {
		if fail, _ := unmatched(c.xs, c.ys); len(fail) != c.fails {
			t.Errorf("%s: %d failures %v, want %d", c.name, len(fail), fail, c.fails)
		}
	}
}
