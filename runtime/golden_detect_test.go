package runtime

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// The SSD detector against the golden engine (Arm NN CpuRef), with the
// bounds of ../shared/golden/README.md, "Detector and visual-wake-words
// sets", proposed bounds 1 and 3.
const (
	// Rule 1: the raw tensors of the conv chain, per image.
	ssdBoxSteps, ssdBoxEqual     = 5, 0.75 // box encodings
	ssdLogitSteps, ssdLogitEqual = 3, 0.75 // class logits (the LOGISTIC input)
	ssdScoreSteps, ssdScoreEqual = 8, 0.95 // class scores (the LOGISTIC output)
	ssdGoldenStem                = "ssd_mobilenet_v1_1.0_quant_2018_06_29"
	ssdDetectionMinScore         = 0.5 // rule 3: detections compared
	ssdDetectionMinIoU           = 0.6
	ssdDetectionScoreTol         = 8.0 / 256
	ssdDetectionNMSIoU           = 0.5 // exemption (b)
)

// detectGoldenFile is the part of the detector's golden.json the test reads.
type detectGoldenFile struct {
	ModelSHA256 string `json:"model_sha256"`
	Results     []struct {
		Image            string `json:"image"`
		Width            int    `json:"width"`
		Height           int    `json:"height"`
		InputFile        string `json:"input_file"`
		BoxesFile        string `json:"boxes_file"`
		ClassesFile      string `json:"classes_file"`
		ScoresFile       string `json:"scores_file"`
		CountFile        string `json:"count_file"`
		BoxEncodingsFile string `json:"box_encodings_file"`
		ClassScoresFile  string `json:"class_scores_file"`
		ClassLogitsFile  string `json:"class_logits_file"`
	} `json:"results"`
}

// TestGoldenDetect_ssd runs the SSD MobileNet-V1 detector on every golden
// image (the golden <stem>.rgb, the whole picture resized by Pillow) with
// one and two threads, and holds it to the golden README's bounds: the raw
// box encodings, class logits and class scores within their step bounds and
// fractions of equal elements (rule 1), the post-processed detections
// matched one to one with Arm NN's by class, box IoU and score (rule 3),
// and the threads' results identical. The class logits come from a copy of
// the model that also lists the LOGISTIC input as an output, as the golden
// generator did.
func TestGoldenDetect_ssd(t *testing.T) {
	dir := fixtures.Path(t, filepath.Join("golden", ssdGoldenStem))
	data, err := os.ReadFile(filepath.Join(dir, "golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g detectGoldenFile
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatalf("golden.json: %v", err)
	}
	if len(g.Results) == 0 {
		t.Fatal("golden.json has no results")
	}
	m, err := Load(fixtures.Path(t, filepath.Join("models", ssdGoldenStem+".tflite")))
	if err != nil {
		t.Fatal(err)
	}
	if !IsDetector(m) {
		t.Fatal("IsDetector is false for the SSD detector")
	}
	tapped, logitsOut := withLogisticInputOutput(t, m)
	plain, err := Compile(m, Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	tap, err := Compile(tapped, Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer tap.Close()
	t.Logf("kernels: %v", plain.KernelsByType())
	for i, want := range [][]int{{1, 10, 4}, {1, 10}, {1, 10}, {1}} {
		if got := plain.OutputShapeAt(i); !slices.Equal(got, want) {
			t.Errorf("output %d shape %v, want %v", i, got, want)
		}
	}
	var st ssdStats
	st.minEqual = [3]float64{1, 1, 1}
	for _, r := range g.Results {
		stem := strings.TrimSuffix(r.Image, ".png")
		rgb := readGolden(t, dir, r.InputFile, 300*300*3)
		for _, p := range []*Plan{plain, tap} {
			if err := p.SetInputRGB(rgb); err != nil {
				t.Fatalf("%s: %v", stem, err)
			}
			if err := p.Run(); err != nil {
				t.Fatalf("%s: %v", stem, err)
			}
		}
		box, score, bt, stype, ok := plain.DetectionRaw()
		if !ok || bt != tflite.Uint8 || stype != tflite.Uint8 {
			t.Fatalf("%s: DetectionRaw ok %v, types %v %v; want uint8 tensors", stem, ok, bt, stype)
		}
		box, score = bytes.Clone(box), bytes.Clone(score)
		st.checkRaw(t, stem, 0, "box encodings", box, readGolden(t, dir, r.BoxEncodingsFile, len(box)), ssdBoxSteps, ssdBoxEqual)
		st.checkRaw(t, stem, 2, "class scores", score, readGolden(t, dir, r.ClassScoresFile, len(score)), ssdScoreSteps, ssdScoreEqual)
		logits := tap.OutputRawAt(logitsOut)
		st.checkRaw(t, stem, 1, "class logits", logits, readGolden(t, dir, r.ClassLogitsFile, len(logits)), ssdLogitSteps, ssdLogitEqual)

		// Two threads and an extra output change nothing.
		box2, score2, _, _, _ := tap.DetectionRaw()
		if !bytes.Equal(box, box2) || !bytes.Equal(score, score2) {
			t.Errorf("%s: the two-thread plan of the tapped model computes other raw tensors", stem)
		}
		ours := plain.Detections(nil, 0)
		if got := tap.Detections(nil, 0); !slices.Equal(ours, got) {
			t.Errorf("%s: detections differ between the plans:\n%v\n%v", stem, ours, got)
		}

		golden := readGoldenDetections(t, dir, r.BoxesFile, r.ClassesFile, r.ScoresFile, r.CountFile)
		if len(ours) != len(golden) {
			t.Errorf("%s: %d detections, golden %d", stem, len(ours), len(golden))
		}
		f1, m1 := unmatchedDetections(ours, golden)
		f2, m2 := unmatchedDetections(golden, ours)
		for _, d := range f1 {
			t.Errorf("%s: our %+v has no partner among Arm NN's", stem, d)
		}
		for _, d := range f2 {
			t.Errorf("%s: Arm NN's %+v has no partner among ours", stem, d)
		}
		st.pairs += min(m1, m2)
		for _, d := range ours {
			if d.Score >= ssdDetectionMinScore {
				st.above++
			}
		}
	}
	t.Logf("%d images: raw max steps / min %% equal: box encodings %d / %.1f%%, class logits %d / %.1f%%, class scores %d / %.1f%%; %d detections >= %.1f, %d matched one to one by rule 3",
		len(g.Results), st.maxSteps[0], 100*st.minEqual[0], st.maxSteps[1], 100*st.minEqual[1], st.maxSteps[2], 100*st.minEqual[2],
		st.above, ssdDetectionMinScore, st.pairs)
	if st.pairs == 0 {
		t.Error("no detection >= 0.5 was matched: the comparison compared nothing")
	}
}

// ssdStats are the worst raw differences seen: box encodings, class
// logits, class scores.
type ssdStats struct {
	maxSteps     [3]int
	minEqual     [3]float64
	pairs, above int
}

func (st *ssdStats) checkRaw(t *testing.T, stem string, k int, what string, got, want []byte, steps int, equal float64) {
	t.Helper()
	d, eq, _ := diffQuant(tflite.Uint8, got, want)
	frac := float64(eq) / float64(len(want))
	st.maxSteps[k], st.minEqual[k] = max(st.maxSteps[k], d), min(st.minEqual[k], frac)
	if d > steps || frac < equal {
		t.Errorf("%s: %s differ by up to %d steps (bound %d), %.1f%% equal (bound %.0f%%)", stem, what, d, steps, 100*frac, 100*equal)
	}
}

// withLogisticInputOutput returns a copy of the detector m whose output list
// also names the input of the LOGISTIC that feeds the post-process's class
// scores, and that output's position.
func withLogisticInputOutput(t *testing.T, m *tflite.Model) (*tflite.Model, int) {
	t.Helper()
	op, _, ok := DetectionOutputs(m)
	if !ok {
		t.Fatal("no detection outputs")
	}
	lg := producer(m, m.Ops[op].Inputs[1])
	if lg == nil || lg.Kind != tflite.OpLogistic {
		t.Fatal("the class scores are not a LOGISTIC output")
	}
	c := *m
	c.Outputs = append(slices.Clone(m.Outputs), lg.Inputs[0])
	return &c, len(c.Outputs) - 1
}

func readGolden(t *testing.T, dir, name string, n int) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != n {
		t.Fatalf("%s: %d bytes, want %d", name, len(b), n)
	}
	return b
}

// readGoldenDetections reads the golden post-processed outputs (10 rows) as
// the count rows they hold.
func readGoldenDetections(t *testing.T, dir, boxes, classes, scores, count string) []Detection {
	t.Helper()
	f := func(name string, n int) []float32 {
		b := readGolden(t, dir, name, 4*n)
		v := make([]float32, n)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		return v
	}
	const rows = 10
	bx, cl, sc, ct := f(boxes, 4*rows), f(classes, rows), f(scores, rows), f(count, 1)
	n := int(ct[0])
	if n < 0 || n > rows {
		t.Fatalf("%s: count %v", count, ct[0])
	}
	d := make([]Detection, n)
	for i := range d {
		d[i] = Detection{Class: int(cl[i]), Score: sc[i], YMin: bx[4*i], XMin: bx[4*i+1], YMax: bx[4*i+2], XMax: bx[4*i+3]}
	}
	return d
}

// detectionIoU is the IoU of two boxes in float64.
func detectionIoU(a, b Detection) float64 {
	ih := math.Min(float64(a.YMax), float64(b.YMax)) - math.Max(float64(a.YMin), float64(b.YMin))
	iw := math.Min(float64(a.XMax), float64(b.XMax)) - math.Max(float64(a.XMin), float64(b.XMin))
	if ih <= 0 || iw <= 0 {
		return 0
	}
	inter := ih * iw
	area := func(d Detection) float64 { return float64(d.YMax-d.YMin) * float64(d.XMax-d.XMin) }
	return inter / (area(a) + area(b) - inter)
}

// unmatchedDetections applies rule 3 of the golden README from xs to ys:
// every detection of xs scoring >= 0.5 needs a distinct partner in ys of
// the same class, IoU >= 0.6 and a score within 8/256 (taken greedily by
// IoU, in xs's order), unless (a) its score is <= ys's lowest + 8/256 (ys
// may have cut it from its top 10) or (b) it overlaps a higher-scored
// detection of xs with IoU >= 0.5 (NMS near its threshold). It returns the
// failures and the number of partners found.
func unmatchedDetections(xs, ys []Detection) (fail []Detection, matched int) {
	used := make([]bool, len(ys))
	lowest := math.Inf(1)
	for _, y := range ys {
		lowest = math.Min(lowest, float64(y.Score))
	}
	for i, x := range xs {
		if x.Score < ssdDetectionMinScore {
			continue
		}
		best, bestIoU := -1, 0.0
		for j, y := range ys {
			if used[j] || y.Class != x.Class || math.Abs(float64(y.Score-x.Score)) > ssdDetectionScoreTol {
				continue
			}
			if iou := detectionIoU(x, y); iou >= ssdDetectionMinIoU && iou > bestIoU {
				best, bestIoU = j, iou
			}
		}
		if best >= 0 {
			used[best] = true
			matched++
			continue
		}
		exempt := float64(x.Score) <= lowest+ssdDetectionScoreTol
		for _, h := range xs[:i] {
			exempt = exempt || h.Score > x.Score && detectionIoU(h, x) >= ssdDetectionNMSIoU
		}
		if !exempt {
			fail = append(fail, x)
		}
	}
	return fail, matched
}

// TestUnmatchedDetections checks the rule-3 comparison on made-up lists.
func TestUnmatchedDetections(t *testing.T) {
	a := Detection{Class: 1, Score: 0.75, YMin: 0, XMin: 0, YMax: 0.5, XMax: 0.5}
	low := Detection{Class: 2, Score: 0.25, YMin: 0.6, XMin: 0.6, YMax: 0.9, XMax: 0.9}
	moved := a
	moved.YMin, moved.XMin, moved.YMax, moved.XMax = 0.1, 0.1, 0.6, 0.6 // IoU 0.47 with a
	rescored := a
	rescored.Score -= 9.0 / 256
	other := a
	other.Class = 3
	near := Detection{Class: 1, Score: 0.5, YMin: 0, XMin: 0.1, YMax: 0.5, XMax: 0.6} // IoU 0.67 with a
	for _, c := range []struct {
		name   string
		xs, ys []Detection
		fails  int
	}{
		{"identical", []Detection{a, low}, []Detection{a, low}, 0},
		{"box moved", []Detection{a, low}, []Detection{moved, low}, 1},
		{"score off by 9/256", []Detection{a, low}, []Detection{rescored, low}, 1},
		{"other class", []Detection{a, low}, []Detection{other, low}, 1},
		{"one partner for two", []Detection{a, a}, []Detection{a, low}, 1},
		{"exempt (a): near the other side's lowest", []Detection{a, near}, []Detection{a, {Class: 5, Score: 0.49}}, 0},
		{"exempt (b): overlaps a higher-scored own", []Detection{a, near}, []Detection{a, low}, 0},
	} {
		if fail, _ := unmatchedDetections(c.xs, c.ys); len(fail) != c.fails {
			t.Errorf("%s: %d failures %v, want %d", c.name, len(fail), fail, c.fails)
		}
	}
}

// TestDetectorSSDAllocatesNothing: a frame of the SSD detector (input,
// run, post-process, reading the detections and the raw tensors) allocates
// nothing, on one thread and on two.
func TestDetectorSSDAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	m, err := Load(fixtures.Path(t, filepath.Join("models", ssdGoldenStem+".tflite")))
	if err != nil {
		t.Fatal(err)
	}
	img := planTestImage(300, 300, 7)
	for _, threads := range []int{1, 2} {
		p := compilePlanT(t, m, Options{Threads: threads})
		dets := make([]Detection, 0, 10)
		allocs := testing.AllocsPerRun(2, func() {
			if err := p.SetInputRGB(img); err != nil {
				t.Fatal(err)
			}
			if err := p.Run(); err != nil {
				t.Fatal(err)
			}
			dets = p.Detections(dets, 0)
			p.DetectionRaw()
			for i := range p.NumOutputs() {
				p.OutputRawAt(i)
			}
		})
		if allocs != 0 {
			t.Errorf("threads %d: an SSD frame allocates %v times, want 0", threads, allocs)
		}
		if len(dets) != 10 {
			t.Errorf("threads %d: %d detections at threshold 0, want the model's 10 rows", threads, len(dets))
		}
	}
}
